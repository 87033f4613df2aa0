package postgres_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tipster-cti/tipster/internal/stix"
	"github.com/tipster-cti/tipster/internal/store"
)

// corpus is the real text that synthetic objects are made of: the names
// and description sentences of the ATT&CK ICS and Mobile bundles.
type corpus struct {
	nameWords []string // words of object names, as often as they occur
	words     []string // words of descriptions, as often as they occur
	names     []string // whole names
	sentences []string
}

func loadCorpus(tb testing.TB) corpus {
	tb.Helper()
	var c corpus
	for _, name := range attackBundles {
		f, err := os.Open(filepath.Join(sharedData, name))
		if err != nil {
			tb.Skipf("real data not available: %v", err)
		}
		dec := stix.NewDecoder(bufio.NewReader(f))
		for {
			it, err := dec.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				tb.Fatal(err)
			}
			o, err := stix.Parse(it.Raw)
			if err != nil || o.Name == "" || o.Description == "" {
				continue
			}
			c.names = append(c.names, o.Name)
			c.nameWords = append(c.nameWords, store.Words(o.Name)...)
			for s := range strings.SplitSeq(o.Description, ". ") {
				c.sentences = append(c.sentences, strings.TrimSpace(s)+".")
				c.words = append(c.words, strings.Fields(s)...)
			}
		}
		f.Close()
	}
	return c
}

// synthObject is the JSON of one synthetic STIX object.
type synthObject struct {
	Type        string   `json:"type"`
	SpecVersion string   `json:"spec_version"`
	ID          string   `json:"id"`
	Created     string   `json:"created"`
	Modified    string   `json:"modified"`
	Name        string   `json:"name"`
	Description string   `json:"description,omitempty"`
	Aliases     []string `json:"aliases,omitempty"`
	IsFamily    *bool    `json:"is_family,omitempty"`
	Pattern     string   `json:"pattern,omitempty"`
	PatternType string   `json:"pattern_type,omitempty"`
	ValidFrom   string   `json:"valid_from,omitempty"`
	Published   string   `json:"published,omitempty"`
	ObjectRefs  []string `json:"object_refs,omitempty"`
	Markings    []string `json:"object_marking_refs,omitempty"`
	Revoked     bool     `json:"revoked,omitempty"`
}

// synthTypes is the mix of generated types, by share out of 100.
var synthTypes = []struct {
	typ   string
	share int
}{
	{"indicator", 40}, {"malware", 20}, {"attack-pattern", 15}, {"intrusion-set", 10},
	{"report", 10}, {"tool", 5},
}

// generator makes synthetic objects from a corpus, deterministically.
type generator struct {
	c   corpus
	rng *rand.Rand
	ids []string // generated so far, for reports to refer to
}

func newGenerator(c corpus) *generator {
	return &generator{c: c, rng: rand.New(rand.NewPCG(1, 14))}
}

func (g *generator) pick(list []string) string { return list[g.rng.IntN(len(list))] }

func (g *generator) id(typ string) string {
	r := g.rng
	return fmt.Sprintf("%s--%08x-%04x-4%03x-8%03x-%012x", typ, r.Uint32(), r.Uint32()&0xffff,
		r.Uint32()&0xfff, r.Uint32()&0xfff, r.Uint64()&0xffffffffffff)
}

// object returns the next synthetic object: a name of two or three name
// words and a number, one to four description sentences, one object in
// ten marked TLP:AMBER, one in fifty revoked.
func (g *generator) object() synthObject {
	n := g.rng.IntN(100)
	typ := synthTypes[len(synthTypes)-1].typ
	for _, t := range synthTypes {
		if n < t.share {
			typ = t.typ
			break
		}
		n -= t.share
	}
	if typ == "report" && len(g.ids) == 0 {
		typ = "tool" // a report needs objects to hold
	}
	day := fmt.Sprintf("20%02d-%02d-%02dT%02d:00:00.000Z", 15+g.rng.IntN(10), 1+g.rng.IntN(12),
		1+g.rng.IntN(28), g.rng.IntN(24))
	o := synthObject{Type: typ, SpecVersion: "2.1", ID: g.id(typ), Created: day, Modified: day,
		Name: fmt.Sprintf("%s %s %d", g.pick(g.c.nameWords), g.pick(g.c.nameWords), g.rng.IntN(1000))}
	var desc []string
	for range 1 + g.rng.IntN(4) {
		desc = append(desc, g.pick(g.c.sentences))
	}
	o.Description = strings.Join(desc, " ")
	g.fill(&o)
	if g.rng.IntN(10) == 0 {
		o.Markings = []string{string(stix.TLPAmber.MarkingID())}
	}
	o.Revoked = g.rng.IntN(50) == 0
	g.ids = append(g.ids, o.ID)
	return o
}

// fill sets the properties that o's type requires.
func (g *generator) fill(o *synthObject) {
	switch o.Type {
	case "indicator":
		o.Pattern = fmt.Sprintf("[ipv4-addr:value = '198.51.%d.%d']", g.rng.IntN(256), g.rng.IntN(256))
		o.PatternType, o.ValidFrom = "stix", o.Created
	case "malware":
		family := g.rng.IntN(2) == 0
		o.IsFamily = &family
	case "intrusion-set":
		o.Aliases = []string{g.pick(g.c.names), fmt.Sprintf("APT%d", g.rng.IntN(200))}
	case "report":
		o.Published = o.Created
		for range 1 + g.rng.IntN(8) {
			o.ObjectRefs = append(o.ObjectRefs, g.pick(g.ids))
		}
	}
}

// writeBundle writes a bundle of n synthetic objects to w.
func (g *generator) writeBundle(w io.Writer, n int) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, `{"type":"bundle","id":"%s","objects":[`, g.id("bundle"))
	enc := json.NewEncoder(bw)
	for i := range n {
		if i > 0 {
			bw.WriteByte(',')
		}
		if err := enc.Encode(g.object()); err != nil {
			return err
		}
	}
	bw.WriteString("]}")
	return bw.Flush()
}

// queries returns n search texts of the kinds users type: a description
// word (common words match tens of thousands of objects), a stored name,
// the first letters of a name word, two neighbouring description words.
func (g *generator) queries(n int) []string {
	out := make([]string, 0, n)
	for i := range n {
		switch i % 4 {
		case 0:
			out = append(out, g.pick(g.c.words))
		case 1:
			out = append(out, g.pick(g.c.names))
		case 2:
			w := g.pick(g.c.nameWords)
			out = append(out, w[:min(len(w), 3+g.rng.IntN(3))])
		default:
			words := strings.Fields(g.pick(g.c.sentences))
			j := g.rng.IntN(len(words))
			out = append(out, strings.Join(words[j:min(j+2, len(words))], " "))
		}
	}
	return out
}
