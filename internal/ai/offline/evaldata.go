package offline

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/tipster-cti/tipster/internal/ingest"
	"github.com/tipster-cti/tipster/internal/store"
	"github.com/tipster-cti/tipster/internal/store/sqlite"
)

// evalBundles make the knowledge base of an evaluation, relative to the
// data folder; those missing are left out.
var evalBundles = []string{
	"attack-v14/ics-attack.json",
	"attack-v14/mobile-attack.json",
	"cti-documentation/apt1.json",
	"cti-documentation/poisonivy.json",
}

// openEvalKB opens a SQLite store in dir and imports the evalBundles
// found under dataDir. It returns the store and the bundles imported.
func openEvalKB(ctx context.Context, dir, dataDir string) (store.Store, []string, error) {
	st, err := sqlite.Open(ctx, dir)
	if err != nil {
		return nil, nil, err
	}
	var used []string
	for _, f := range evalBundles {
		r, err := os.Open(filepath.Join(dataDir, f))
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			st.Close()
			return nil, nil, fmt.Errorf("offline: open %s: %w", f, err)
		}
		_, err = ingest.Bundle(ctx, st, r, ingest.Options{Source: f})
		r.Close()
		if err != nil {
			st.Close()
			return nil, nil, fmt.Errorf("offline: import %s: %w", f, err)
		}
		used = append(used, f)
	}
	return st, used, nil
}

// evalDoc is one annotated report.
type evalDoc struct {
	name string
	text string
	gold map[string][]goldItem // by kind: technique, malware, group, tool
}

// goldItem is one annotated entity: its name and, for techniques, its
// ATT&CK id.
type goldItem struct {
	name string
	id   string
}

// tramLabel reads TRAM's annotation set names: "Process Injection (T1055)".
var tramLabel = regexp.MustCompile(`^(.+) \((T\d{4}(?:\.\d{3})?)\)$`)

// loadTRAM reads the .mjson reports of TRAM: their text and the
// techniques annotated in them.
func loadTRAM(dir string) ([]evalDoc, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.mjson"))
	if err != nil {
		return nil, err
	}
	slices.Sort(files)
	var docs []evalDoc
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("offline: read %s: %w", f, err)
		}
		var m struct {
			Signal string `json:"signal"`
			Asets  []struct {
				Type   string  `json:"type"`
				Annots [][]any `json:"annots"`
			} `json:"asets"`
		}
		if err := json.Unmarshal(raw, &m); err != nil {
			return nil, fmt.Errorf("offline: decode %s: %w", f, err)
		}
		doc := evalDoc{name: filepath.Base(f), text: m.Signal, gold: map[string][]goldItem{}}
		for _, a := range m.Asets {
			if sm := tramLabel.FindStringSubmatch(a.Type); sm != nil && len(a.Annots) > 0 {
				doc.gold["technique"] = append(doc.gold["technique"], goldItem{name: sm[1], id: sm[2]})
			}
		}
		docs = append(docs, doc)
	}
	return docs, nil
}

// annoKinds maps AnnoCTR's explicit-concept tags to kinds.
var annoKinds = map[string]string{
	"MALWARE":   "malware",
	"GROUP":     "group",
	"TOOL":      "tool",
	"TECHNIQUE": "technique",
}

// loadAnnoCTR reads the AnnoCTR test split: each report's text and the
// malware, groups, tools and techniques annotated by name in it.
func loadAnnoCTR(dir string) ([]evalDoc, error) {
	f, err := os.Open(filepath.Join(dir, "ner_json", "test.json"))
	if err != nil {
		return nil, fmt.Errorf("offline: open AnnoCTR annotations: %w", err)
	}
	defer f.Close()
	gold := map[string]map[string][]goldItem{}
	var order []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var s struct {
			ID     string   `json:"id"`
			Tokens []string `json:"tokens"`
			Tags   []string `json:"ce_tags"`
		}
		if err := json.Unmarshal(sc.Bytes(), &s); err != nil {
			return nil, fmt.Errorf("offline: decode AnnoCTR sentence: %w", err)
		}
		doc, _, _ := strings.Cut(s.ID, "__s")
		if gold[doc] == nil {
			gold[doc] = map[string][]goldItem{}
			order = append(order, doc)
		}
		for kind, name := range taggedNames(s.Tokens, s.Tags) {
			gold[doc][kind] = appendNew(gold[doc][kind], name)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("offline: read AnnoCTR annotations: %w", err)
	}
	var docs []evalDoc
	for _, name := range order {
		text, err := os.ReadFile(filepath.Join(dir, "text", "test", name+".txt"))
		if err != nil {
			return nil, fmt.Errorf("offline: read AnnoCTR text: %w", err)
		}
		docs = append(docs, evalDoc{name: name, text: string(text), gold: gold[name]})
	}
	return docs, nil
}

// taggedNames yields the kind and the words of each BIO-tagged mention.
func taggedNames(tokens, tags []string) func(func(string, string) bool) {
	return func(yield func(string, string) bool) {
		for i := 0; i < len(tags) && i < len(tokens); i++ {
			kind, ok := annoKinds[strings.TrimPrefix(tags[i], "B-")]
			if !ok || !strings.HasPrefix(tags[i], "B-") {
				continue
			}
			words := []string{tokens[i]}
			for i+1 < len(tags) && tags[i+1] == "I-"+strings.TrimPrefix(tags[i], "B-") {
				i++
				words = append(words, tokens[i])
			}
			if !yield(kind, strings.Join(words, " ")) {
				return
			}
		}
	}
}

// appendNew adds name unless an item of the same normalised name is there.
func appendNew(items []goldItem, name string) []goldItem {
	n := normalise(name)
	for _, it := range items {
		if normalise(it.name) == n {
			return items
		}
	}
	return append(items, goldItem{name: name})
}

// normalise lower-cases s and turns every run of characters other than
// letters and digits into one space, with spaces at both ends, so that a
// name is found as whole words whatever its punctuation. A digit next to
// a letter is split from it too: pages pasted without line breaks run
// words together ("T1105Web Protocols").
func normalise(s string) string {
	var b strings.Builder
	b.WriteByte(' ')
	space, digit := true, false
	for _, r := range strings.ToLower(s) {
		if isAlnum(r) {
			d := r >= '0' && r <= '9'
			if !space && d != digit {
				b.WriteByte(' ')
			}
			b.WriteRune(r)
			space, digit = false, d
		} else if !space {
			b.WriteByte(' ')
			space = true
		}
	}
	if !space {
		b.WriteByte(' ')
	}
	return b.String()
}

func isAlnum(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= '0' && r <= '9' ||
		r > 127 && !strings.ContainsRune("’‘“”–—…\u00a0", r)
}
