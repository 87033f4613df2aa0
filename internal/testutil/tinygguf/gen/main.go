// Command gen writes Tipster's tiny test model as a GGUF file:
//
//	go run ./internal/testutil/tinygguf/gen -o tiny.gguf [-seed N]
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"

	"github.com/tipster-cti/tipster/internal/testutil/tinygguf"
)

func main() {
	out := flag.String("o", "", "output file (required)")
	seed := flag.Uint64("seed", 0, "seed for the random weights")
	flag.Parse()
	if *out == "" || flag.NArg() > 0 {
		flag.Usage()
		os.Exit(2)
	}
	if err := write(*out, tinygguf.Options{Seed: *seed}); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

// write writes the model to a temporary file beside path and renames it
// into place, so a reader never sees half a model.
func write(path string, opt tinygguf.Options) error {
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return fmt.Errorf("create: %w", err)
	}
	defer os.Remove(tmp)
	bw := bufio.NewWriter(f)
	if err := tinygguf.Write(bw, opt); err != nil {
		f.Close()
		return err
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("flush: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("close: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("rename: %w", err)
	}
	return nil
}
