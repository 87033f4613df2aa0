package offline

import (
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Ranking is continuous LexRank: sentences are nodes, edges weigh the
// cosine similarity of their TF-IDF vectors, and a sentence's centrality
// is its PageRank in that graph. The graph is never built: with unit
// vectors u, the weights out of a node sum to u·Σu − 1, and one step of
// the walk is two sparse passes, so a 600-sentence report costs a few
// milliseconds instead of 360,000 similarities.

// damping is PageRank's probability of following an edge.
const damping = 0.85

// rankIterations bounds the power iterations; centralities settle to
// three digits in about twenty.
const rankIterations = 30

// termWeight is one term of a sentence vector.
type termWeight struct {
	term int
	w    float64
}

// centrality returns a LexRank score per sentence, scaled so that the
// mean is 1. Headings and sentences of fewer than three content words
// take part but score 0.
func centrality(text string, sents []sentence) []float64 {
	n := len(sents)
	if n == 0 {
		return nil
	}
	vecs, vocab := sentenceVectors(text, sents)
	rowSum := make([]float64, n)
	total := make([]float64, vocab)
	for _, v := range vecs {
		for _, t := range v {
			total[t.term] += t.w
		}
	}
	for i, v := range vecs {
		if len(v) > 0 {
			rowSum[i] = dot(v, total) - 1
		}
	}
	p := make([]float64, n)
	for i := range p {
		p[i] = 1 / float64(n)
	}
	y := make([]float64, n)
	flow := make([]float64, vocab)
	for range rankIterations {
		clear(flow)
		dangling := 0.0
		for i, v := range vecs {
			if rowSum[i] <= 1e-9 {
				dangling += p[i]
				y[i] = 0
				continue
			}
			y[i] = p[i] / rowSum[i]
			for _, t := range v {
				flow[t.term] += y[i] * t.w
			}
		}
		for j, v := range vecs {
			in := 0.0
			if len(v) > 0 {
				in = dot(v, flow) - y[j]
			}
			p[j] = (1-damping)/float64(n) + damping*(in+dangling/float64(n))
		}
	}
	for i := range p {
		p[i] *= float64(n)
		if sents[i].heading || len(vecs[i]) < 3 {
			p[i] = 0
		}
	}
	return p
}

func dot(v []termWeight, dense []float64) float64 {
	s := 0.0
	for _, t := range v {
		s += t.w * dense[t.term]
	}
	return s
}

// sentenceVectors returns a unit TF-IDF vector per sentence and the size
// of the vocabulary.
func sentenceVectors(text string, sents []sentence) ([][]termWeight, int) {
	ids := map[string]int{}
	var df []int
	counts := make([]map[int]int, len(sents))
	for i, s := range sents {
		c := map[int]int{}
		for _, w := range contentWords(text[s.start:s.end]) {
			id, ok := ids[w]
			if !ok {
				id = len(df)
				ids[w] = id
				df = append(df, 0)
			}
			if c[id] == 0 {
				df[id]++
			}
			c[id]++
		}
		counts[i] = c
	}
	n := float64(len(sents))
	vecs := make([][]termWeight, len(sents))
	for i, c := range counts {
		v := make([]termWeight, 0, len(c))
		for id, tf := range c {
			v = append(v, termWeight{id, float64(tf) * math.Log(1+n/float64(df[id]))})
		}
		// Map order is random; summing in term order keeps ranks deterministic.
		slices.SortFunc(v, func(a, b termWeight) int { return a.term - b.term })
		norm := 0.0
		for _, t := range v {
			norm += t.w * t.w
		}
		norm = math.Sqrt(norm)
		for k := range v {
			v[k].w /= norm
		}
		vecs[i] = v
	}
	return vecs, len(df)
}

// contentWords returns the lower-case words of s that carry meaning:
// no stop words, no bare numbers, plural s dropped.
func contentWords(s string) []string {
	var out []string
	for w := range strings.FieldsFuncSeq(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if utf8.RuneCountInString(w) < 2 || isNumber(w) {
			continue
		}
		w = strings.ToLower(w)
		if stopWords[w] {
			continue
		}
		if len(w) > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") {
			w = w[:len(w)-1]
		}
		out = append(out, w)
	}
	return out
}

func isNumber(w string) bool {
	for _, r := range w {
		if !unicode.IsDigit(r) {
			return false
		}
	}
	return true
}

// stopWords are English function words, which say nothing about what a
// sentence is about.
var stopWords = toSet(strings.Fields(`a about above after again against all also am an and any are
as at be because been before being below between both but by can could did do does doing down
during each few for from further had has have having he her here hers herself him himself his how
i if in into is it its itself just me more most my myself no nor not now of off on once only or
other our ours ourselves out over own same she should so some such than that the their theirs them
themselves then there these they this those through to too under until up very was we were what
when where which while who whom why will with would you your yours yourself yourselves may might
must shall us via within without upon however also well one two three new used use using based
further another many much often several since though although whether either neither`))

func toSet(words []string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}
