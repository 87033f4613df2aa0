// Package gen writes synthetic but realistic STIX 2.1 bundles for
// benchmarks: indicators, malware, attack patterns, intrusion sets, threat
// actors and vulnerabilities, relationships between them and reports that
// hold them, with varied names and descriptions. The same seed gives the
// same bytes.
package gen

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"time"
)

// Config says what to write. Writing stops at whichever limit comes first.
type Config struct {
	Seed    uint64
	Objects int   // objects to write; 0 for no limit
	Bytes   int64 // stop once the bundle is at least this large; 0 for no limit
}

// Stats describes a written bundle.
type Stats struct {
	Objects int
	Bytes   int64
	ByType  map[string]int
}

// Write writes one bundle to w.
func Write(w io.Writer, cfg Config) (Stats, error) {
	if cfg.Objects <= 0 && cfg.Bytes <= 0 {
		return Stats{}, fmt.Errorf("gen: set a number of objects or bytes")
	}
	cw := &countWriter{w: w}
	bw := bufio.NewWriterSize(cw, 1<<16)
	g := newGenerator(cfg.Seed)
	st := Stats{ByType: map[string]int{}}
	fmt.Fprintf(bw, `{"type":"bundle","id":"bundle--%s","objects":[`, g.uuid())
	for cfg.Objects <= 0 || st.Objects < cfg.Objects {
		if cfg.Bytes > 0 && cw.n+int64(bw.Buffered()) >= cfg.Bytes {
			break
		}
		typ, obj := g.next()
		if st.Objects > 0 {
			bw.WriteByte(',')
		}
		bw.WriteByte('\n')
		if _, err := bw.Write(obj); err != nil {
			return st, fmt.Errorf("gen: write: %w", err)
		}
		st.Objects++
		st.ByType[typ]++
	}
	bw.WriteString("\n]}\n")
	if err := bw.Flush(); err != nil {
		return st, fmt.Errorf("gen: write: %w", err)
	}
	st.Bytes = cw.n
	return st, nil
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// ring keeps the most recent ids and names of one type, for references.
type ring struct {
	ids, names []string
	next       int
}

const ringSize = 2048

func (r *ring) add(id, name string) {
	if len(r.ids) < ringSize {
		r.ids, r.names = append(r.ids, id), append(r.names, name)
		return
	}
	r.ids[r.next], r.names[r.next] = id, name
	r.next = (r.next + 1) % ringSize
}

type generator struct {
	rng    *rand.Rand
	zipf   *rand.Zipf
	vocab  []string
	author string
	clock  time.Time
	rings  map[string]*ring
	n      int
	buf    []byte
}

func newGenerator(seed uint64) *generator {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	vocab := vocabulary()
	g := &generator{rng: rng, vocab: vocab, rings: map[string]*ring{},
		zipf:  rand.NewZipf(rng, 1.07, 2, uint64(len(vocab)-1)),
		clock: time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC)}
	g.author = "identity--" + g.uuid()
	return g
}

// vocabulary is the common words followed by 20,000 rare ones made of
// syllables, the same whatever the seed.
func vocabulary() []string {
	v := append([]string(nil), common...)
	n := len(syllables)
	for i := 0; i < 20000; i++ {
		v = append(v, syllables[i%n]+syllables[(i/n)%n]+syllables[(i/(n*n))%n])
	}
	return v
}

func (g *generator) uuid() string {
	a, b := g.rng.Uint64(), g.rng.Uint64()
	a = a&^0xf000 | 0x4000         // version 4
	b = b&^(0xc<<60) | (0x8 << 60) // RFC 4122 variant
	return fmt.Sprintf("%08x-%04x-%04x-%04x-%012x", a>>32, (a>>16)&0xffff, a&0xffff, b>>48, b&0xffffffffffff)
}

// kinds are the object kinds after the first ones, with their weights.
var kinds = []struct {
	typ    string
	weight int
}{
	{"indicator", 40}, {"relationship", 33}, {"report", 6}, {"vulnerability", 6},
	{"malware", 5}, {"attack-pattern", 3}, {"intrusion-set", 2}, {"threat-actor", 1},
}

// prelude makes sure every kind that relationships and reports point to
// exists before the first of them.
var prelude = []string{"identity", "malware", "malware", "attack-pattern", "attack-pattern",
	"intrusion-set", "threat-actor", "vulnerability", "indicator"}

func (g *generator) next() (string, []byte) {
	typ := ""
	if g.n < len(prelude) {
		typ = prelude[g.n]
	} else {
		r := g.rng.IntN(96)
		for _, k := range kinds {
			if r < k.weight {
				typ = k.typ
				break
			}
			r -= k.weight
		}
	}
	g.n++
	g.clock = g.clock.Add(time.Duration(20+g.rng.IntN(60)) * time.Second)
	return typ, g.object(typ)
}
