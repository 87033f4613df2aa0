// Package eval measures the extractor against public labelled data:
// iocextract's valid and invalid lines, ioc-finder's test cases, TRAM's
// annotated reports and the AnnoCTR test split. The CLI exposes it as
// "tipster eval extract DIR".
package eval

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// Run prints tables of precision and recall for every data set found
// under dataDir (laid out as /work/shared/data: iocextract/, ioc-finder/,
// tram/, annoctr/, attack-v14/). A missing data set is reported and
// skipped; a malformed one is an error.
func Run(w io.Writer, dataDir string) error {
	steps := []struct {
		name string
		need string
		run  func(io.Writer, string) error
	}{
		{"iocextract", "iocextract/valid.txt", runIOCExtract},
		{"ioc-finder", "ioc-finder/find_iocs_cases.json", runIOCFinder},
		{"tram", "tram/mjson", runTRAM},
		{"annoctr", "annoctr/ner_json/test.json", runAnnoCTR},
	}
	for _, s := range steps {
		fmt.Fprintf(w, "== %s\n", s.name)
		if _, err := os.Stat(filepath.Join(dataDir, s.need)); errors.Is(err, fs.ErrNotExist) {
			fmt.Fprintf(w, "skipped: %s not found\n\n", s.need)
			continue
		}
		if err := s.run(w, dataDir); err != nil {
			return err
		}
	}
	return nil
}
