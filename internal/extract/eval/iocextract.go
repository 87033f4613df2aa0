package eval

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/tipster-cti/tipster/internal/extract"
)

// runIOCExtract counts the valid lines where something is found and the
// invalid lines where something is (wrongly) found.
func runIOCExtract(w io.Writer, dataDir string) error {
	for _, f := range []struct {
		name      string
		wantFound bool
	}{{"valid.txt", true}, {"invalid.txt", false}} {
		lines, err := readLines(filepath.Join(dataDir, "iocextract", f.name))
		if err != nil {
			return err
		}
		found := 0
		var wrong []string
		for _, l := range lines {
			ind := extract.Indicators(l)
			if len(ind) > 0 {
				found++
			}
			if (len(ind) > 0) != f.wantFound {
				wrong = append(wrong, describe(l, ind))
			}
		}
		fmt.Fprintf(w, "%s: %d of %d lines with an indicator\n", f.name, found, len(lines))
		for _, s := range wrong {
			fmt.Fprintf(w, "  %s\n", s)
		}
	}
	fmt.Fprintln(w)
	return nil
}

func describe(line string, ind []extract.Indicator) string {
	var parts []string
	for _, in := range ind {
		parts = append(parts, string(in.Kind)+" "+in.Value)
	}
	if len(parts) == 0 {
		return fmt.Sprintf("%q: nothing found", line)
	}
	return fmt.Sprintf("%q: %s", line, strings.Join(parts, ", "))
}

// readLines returns the non-empty lines of a file.
func readLines(path string) ([]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("eval: %w", err)
	}
	var out []string
	for l := range strings.Lines(string(b)) {
		if l = strings.TrimRight(l, "\r\n"); l != "" {
			out = append(out, l)
		}
	}
	return out, nil
}
