package eval

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/tipster-cti/tipster/internal/extract"
)

// lexiconFiles are the ATT&CK bundles available under the data directory.
// Enterprise ATT&CK is not among them.
var lexiconFiles = []string{
	"attack-v14/ics-attack.json",
	"attack-v14/mobile-attack.json",
	"tram/attack-stix20/pre-attack.json",
}

// LoadLexicon builds a lexicon from the ATT&CK bundles found under
// dataDir (ICS, Mobile and PRE-ATT&CK) and returns it with the number of
// terms read. Missing bundles are skipped.
func LoadLexicon(dataDir string) (*extract.Lexicon, int, error) {
	var terms []extract.Term
	for _, f := range lexiconFiles {
		r, err := os.Open(filepath.Join(dataDir, f))
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			return nil, 0, fmt.Errorf("eval: lexicon: %w", err)
		}
		t, err := TermsFromBundle(r)
		r.Close()
		if err != nil {
			return nil, 0, fmt.Errorf("eval: lexicon %s: %w", f, err)
		}
		terms = append(terms, t...)
	}
	return extract.NewLexicon(terms), len(terms), nil
}

// techniqueID pulls "T1562.001" out of an annotation set named
// "Disable or Modify Tools (T1562.001)".
var techniqueID = regexp.MustCompile(`\((T\d{4}(?:\.\d{3})?)\)\s*$`)

// runTRAM scores technique ids per report: the gold set is every
// technique annotated anywhere in the report, ours every attack-pattern
// entity with an ATT&CK id.
func runTRAM(w io.Writer, dataDir string) error {
	lex, n, err := LoadLexicon(dataDir)
	if err != nil {
		return err
	}
	files, _ := filepath.Glob(filepath.Join(dataDir, "tram", "mjson", "*.mjson"))
	fmt.Fprintf(w, "lexicon: %d terms from ICS, Mobile and PRE-ATT&CK (no Enterprise)\n", n)
	ts := map[string]*tally{}
	for _, f := range files {
		text, gold, err := readMJSON(f)
		if err != nil {
			return err
		}
		got := map[string]bool{}
		for _, e := range lex.Entities(text) {
			if e.Kind == "attack-pattern" && e.ExternalID != "" {
				got[e.ExternalID] = true
			}
		}
		explicit := 0
		for id := range gold {
			if strings.Contains(text, id) {
				explicit++
			}
		}
		name := strings.TrimSuffix(filepath.Base(f), ".mjson")
		get(ts, name).addSets(got, gold)
		fmt.Fprintf(
			w,
			"%s: %d annotated techniques, %d of them written as ids in the text\n",
			name,
			len(gold),
			explicit,
		)
	}
	printTallies(w, "report", ts)
	fmt.Fprintln(w)
	return nil
}

// readMJSON returns a TRAM report's text and its annotated technique ids.
func readMJSON(path string) (string, map[string]bool, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", nil, fmt.Errorf("eval: tram: %w", err)
	}
	var doc struct {
		Signal string `json:"signal"`
		Asets  []struct {
			Type   string            `json:"type"`
			Annots []json.RawMessage `json:"annots"`
		} `json:"asets"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return "", nil, fmt.Errorf("eval: tram %s: %w", filepath.Base(path), err)
	}
	gold := map[string]bool{}
	for _, a := range doc.Asets {
		if m := techniqueID.FindStringSubmatch(a.Type); m != nil && len(a.Annots) > 0 {
			gold[m[1]] = true
		}
		if a.Type != "[OTHER]" {
			continue
		}
		for _, raw := range a.Annots {
			var ann []any
			if json.Unmarshal(raw, &ann) == nil && len(ann) == 3 {
				if id, ok := ann[2].(string); ok && strings.HasPrefix(id, "T") {
					gold[id] = true
				}
			}
		}
	}
	return doc.Signal, gold, nil
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
