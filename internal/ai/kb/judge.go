package kb

import (
	"strings"

	"github.com/tipster-cti/tipster/internal/ai/kb/index"
)

// minCoverage is the share of a question's word weight (inverse document
// frequency) that the best passage must hold for a question that names no
// known entity to count as answerable.
const minCoverage = 0.5

// judgeDepth is how many of the best text passages coverage is measured on.
const judgeDepth = 5

// judge decides whether the knowledge base knows anything relevant: a
// question naming a known entity is relevant; otherwise the best passages
// must hold enough of its rare words, and no word written as a name may
// be absent from every passage.
func (r *Retriever) judge(
	ret *Retrieval,
	question string,
	terms []string,
	w index.Weights,
	text []index.Passage,
) {
	for _, n := range properNouns(question) {
		for _, part := range words(n) {
			if df, ok := w.DF[part]; ok && df == 0 {
				ret.Unknown = append(ret.Unknown, n)
				break
			}
		}
	}
	total := 0.0
	for _, t := range terms {
		total += w.IDF[t]
	}
	for i, p := range text {
		if i == judgeDepth || total == 0 {
			break
		}
		held := 0.0
		stems := stemSet(p.Text)
		for _, t := range terms {
			if stems[stem(t)] {
				held += w.IDF[t]
			}
		}
		ret.Coverage = max(ret.Coverage, held/total)
	}
	ret.Relevant = len(ret.Hits) > 0 &&
		(len(ret.Named) > 0 || (len(ret.Unknown) == 0 && ret.Coverage >= minCoverage))
}

// stem is a crude suffix stripper, close enough to the index's Porter
// stemmer to tell whether a passage holds a word.
func stem(w string) string {
	for _, suf := range []string{"ies", "ing", "ed", "es", "s"} {
		if len(w) > len(suf)+3 && strings.HasSuffix(w, suf) {
			return strings.TrimSuffix(w, suf)
		}
	}
	return w
}

func stemSet(text string) map[string]bool {
	m := map[string]bool{}
	for _, w := range words(text) {
		m[stem(w)] = true
	}
	return m
}
