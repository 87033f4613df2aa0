// Command genbundle writes a synthetic STIX 2.1 bundle to standard output,
// for benchmarks: realistic indicators, malware, attack patterns, actors,
// vulnerabilities, relationships and reports, the same for the same seed.
//
//	go run ./scripts/genbundle -size 1GB > /tmp/big.json
//	go run ./scripts/genbundle -objects 100000 -seed 7 > /tmp/100k.json
package main

import (
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/tipster-cti/tipster/scripts/genbundle/gen"
)

func main() {
	objects := flag.Int("objects", 0, "number of objects to write (0: no limit)")
	size := flag.String("size", "", "stop once the bundle reaches this size, such as 500MB or 1GB")
	seed := flag.Uint64("seed", 1, "random seed; the same seed gives the same bundle")
	flag.Parse()
	bytes, err := parseSize(*size)
	if err != nil {
		fmt.Fprintln(os.Stderr, "genbundle:", err)
		os.Exit(2)
	}
	st, err := gen.Write(os.Stdout, gen.Config{Seed: *seed, Objects: *objects, Bytes: bytes})
	if err != nil {
		fmt.Fprintln(os.Stderr, "genbundle:", err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "genbundle: %d objects, %d bytes %v\n", st.Objects, st.Bytes, st.ByType)
}

// parseSize reads a byte count with an optional KB, MB or GB suffix
// (powers of 1024); "" is 0.
func parseSize(s string) (int64, error) {
	if s == "" {
		return 0, nil
	}
	u := strings.ToUpper(strings.TrimSpace(s))
	mult := int64(1)
	for _, suf := range []struct {
		name string
		mult int64
	}{{"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10}, {"B", 1}} {
		if strings.HasSuffix(u, suf.name) {
			u, mult = strings.TrimSuffix(u, suf.name), suf.mult
			break
		}
	}
	n, err := strconv.ParseFloat(strings.TrimSpace(u), 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("bad size %q (want a number with KB, MB or GB)", s)
	}
	return int64(n * float64(mult)), nil
}
