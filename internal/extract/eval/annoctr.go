package eval

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/tipster-cti/tipster/internal/extract"
)

// annoClasses maps AnnoCTR tags and our entity kinds to the classes
// compared. Malware and tools are one class: ATT&CK and annotators often
// disagree on which is which.
var (
	tagClass = map[string]string{
		"MALWARE": "software", "TOOL": "software", "GROUP": "group",
		"TECHNIQUE": "technique", "TACTIC": "tactic", "LOC": "location", "SECTOR": "sector",
	}
	kindClass = map[string]string{
		"malware": "software", "tool": "software", "intrusion-set": "group",
		"threat-actor": "group", "campaign": "group", "attack-pattern": "technique",
		"x-mitre-tactic": "tactic", "location": "location", "identity-sector": "sector",
	}
)

// annoSentence is one line of AnnoCTR's ner_json files.
type annoSentence struct {
	Text   string   `json:"text"`
	Tokens []string `json:"tokens"`
	NE     []string `json:"ne_tags"`
	CE     []string `json:"ce_tags"`
}

// mention is a labelled span in a sentence.
type mention struct {
	class      string
	start, end int
}

// runAnnoCTR scores entity mentions sentence by sentence: a gold mention
// is found when one of ours of the same class overlaps it, and one of ours
// is right when it overlaps a gold mention of its class.
func runAnnoCTR(w io.Writer, dataDir string) error {
	lex, _, err := LoadLexicon(dataDir)
	if err != nil {
		return err
	}
	f, err := os.Open(filepath.Join(dataDir, "annoctr", "ner_json", "test.json"))
	if err != nil {
		return fmt.Errorf("eval: annoctr: %w", err)
	}
	defer f.Close()
	ts := map[string]*tally{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	sentences := 0
	for sc.Scan() {
		var s annoSentence
		if err := json.Unmarshal(sc.Bytes(), &s); err != nil {
			return fmt.Errorf("eval: annoctr: %w", err)
		}
		sentences++
		scoreSentence(ts, s, lex.Entities(s.Text))
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("eval: annoctr: %w", err)
	}
	fmt.Fprintf(
		w,
		"%d sentences; explicit mentions (ce_tags) of software, groups, techniques and tactics, and locations and sectors (ne_tags)\n",
		sentences,
	)
	printTallies(w, "class", ts)
	fmt.Fprintln(w)
	return nil
}

func scoreSentence(ts map[string]*tally, s annoSentence, ents []extract.Entity) {
	offsets := alignTokens(s.Text, s.Tokens)
	gold := append(mentions(s.CE, offsets), mentions(s.NE, offsets)...)
	var ours []mention
	for _, e := range ents {
		if c, ok := kindClass[e.Kind]; ok {
			for _, sp := range e.Spans {
				ours = append(ours, mention{c, sp.Start, sp.End})
			}
		}
	}
	for _, g := range gold {
		t := get(ts, g.class)
		if overlapsAny(g, ours) {
			t.tp++
		} else {
			t.fn++
		}
	}
	for _, o := range ours {
		if !overlapsAny(o, gold) {
			get(ts, o.class).fp++
		}
	}
}

func overlapsAny(m mention, ms []mention) bool {
	for _, x := range ms {
		if x.class == m.class && x.start < m.end && m.start < x.end {
			return true
		}
	}
	return false
}

// alignTokens finds each token's byte span in text, in order; a token not
// found gets {-1,-1}.
func alignTokens(text string, tokens []string) [][2]int {
	out := make([][2]int, len(tokens))
	cur := 0
	for k, tok := range tokens {
		i := strings.Index(text[cur:], tok)
		if i < 0 {
			out[k] = [2]int{-1, -1}
			continue
		}
		out[k] = [2]int{cur + i, cur + i + len(tok)}
		cur += i + len(tok)
	}
	return out
}

// mentions turns BIO tags into spans of the classes compared.
func mentions(tags []string, offsets [][2]int) []mention {
	var out []mention
	for k := 0; k < len(tags) && k < len(offsets); k++ {
		class, ok := tagClass[strings.TrimPrefix(tags[k], "B-")]
		if !strings.HasPrefix(tags[k], "B-") || !ok || offsets[k][0] < 0 {
			continue
		}
		m := mention{class, offsets[k][0], offsets[k][1]}
		for k+1 < len(tags) && tags[k+1] == "I-"+tags[k][2:] && offsets[k+1][0] >= 0 {
			k++
			m.end = offsets[k][1]
		}
		out = append(out, m)
	}
	return out
}
