package offline

import (
	"slices"
	"sort"
	"strings"

	"github.com/tipster-cti/tipster/internal/extract"
)

// analysis is a text cut into sentences, with what it names and how
// central each sentence is.
type analysis struct {
	text   string
	sents  []sentence
	found  extract.Result
	score  []float64 // LexRank centrality per sentence, mean 1
	named  []int     // entities named per sentence
	iocs   []int     // indicator occurrences per sentence
	groups groups
}

// groups are the entities and indicators of a text by what they are.
type groups struct {
	actors, campaigns, malware, tools []extract.Entity
	techniques, tactics               []extract.Entity
	sectors, countries                []extract.Entity
	cves                              []extract.Indicator
	indicators                        []extract.Indicator // every kind but CVE
}

// analyze reads text with the lexicon (nil: ATT&CK ids, countries and
// sectors only).
func analyze(text string, lex *extract.Lexicon) *analysis {
	a := &analysis{text: text, sents: splitSentences(text), found: extract.Extract(text, lex)}
	a.score = centrality(text, a.sents)
	a.named = make([]int, len(a.sents))
	a.iocs = make([]int, len(a.sents))
	for _, e := range a.found.Entities {
		for _, sp := range e.Spans {
			if i := a.sentenceAt(sp.Start); i >= 0 {
				a.named[i]++
			}
		}
	}
	for _, ind := range a.found.Indicators {
		for _, sp := range ind.Spans {
			if i := a.sentenceAt(sp.Start); i >= 0 {
				a.iocs[i]++
			}
		}
	}
	a.groups = groupFindings(a.found)
	return a
}

// sentenceAt returns the index of the sentence holding byte off, -1 when
// off falls between sentences.
func (a *analysis) sentenceAt(off int) int {
	i := sort.Search(len(a.sents), func(i int) bool { return a.sents[i].end > off })
	if i < len(a.sents) && a.sents[i].start <= off {
		return i
	}
	return -1
}

// sentenceText returns the text of sentence i.
func (a *analysis) sentenceText(i int) string { return a.text[a.sents[i].start:a.sents[i].end] }

func groupFindings(r extract.Result) groups {
	var g groups
	for _, e := range mergeSameName(r.Entities) {
		switch e.Kind {
		case "intrusion-set", "threat-actor":
			g.actors = append(g.actors, e)
		case "campaign":
			g.campaigns = append(g.campaigns, e)
		case "malware":
			g.malware = append(g.malware, e)
		case "tool":
			g.tools = append(g.tools, e)
		case "attack-pattern":
			g.techniques = append(g.techniques, e)
		case "x-mitre-tactic":
			g.tactics = append(g.tactics, e)
		case "identity-sector":
			g.sectors = append(g.sectors, e)
		case "location":
			g.countries = append(g.countries, e)
		}
	}
	for _, ind := range r.Indicators {
		if ind.Kind == extract.CVE {
			g.cves = append(g.cves, ind)
		} else {
			g.indicators = append(g.indicators, ind)
		}
	}
	return g
}

// mergeSameName folds entities of one kind and name into the first, their
// ATT&CK ids joined by ", ": ATT&CK's Enterprise, Mobile and ICS domains
// each have a tactic named Initial Access.
func mergeSameName(es []extract.Entity) []extract.Entity {
	var out []extract.Entity
	seen := map[string]int{}
	for _, e := range es {
		key := e.Kind + "\x00" + e.Name
		i, ok := seen[key]
		if !ok || e.Name == "" {
			seen[key] = len(out)
			out = append(out, e)
			continue
		}
		m := &out[i]
		if byID(e) && !byID(*m) {
			// The text wrote this one's id: it is the object meant.
			m.ID, m.ExternalID = e.ID, strings.TrimSuffix(e.ExternalID+", "+m.ExternalID, ", ")
		} else if e.ExternalID != "" && !strings.Contains(m.ExternalID, e.ExternalID) {
			m.ExternalID = strings.TrimPrefix(m.ExternalID+", "+e.ExternalID, ", ")
		}
		m.Spans = append(m.Spans, e.Spans...)
	}
	return out
}

// byID reports whether the text names e by its ATT&CK id.
func byID(e extract.Entity) bool {
	return e.ExternalID != "" &&
		slices.ContainsFunc(e.Matched, func(s string) bool { return strings.EqualFold(s, e.ExternalID) })
}

// entityLabel names an entity with its ATT&CK id: "PowerShell (T1059.001)",
// or the bare id when the knowledge base does not know it.
func entityLabel(e extract.Entity) string {
	var ids []string
	for id := range strings.SplitSeq(e.ExternalID, ", ") {
		if id != "" {
			ids = append(ids, code(id))
		}
	}
	switch {
	case e.Name == "":
		return strings.Join(ids, ", ")
	case len(ids) > 0:
		return e.Name + " (" + strings.Join(ids, ", ") + ")"
	}
	return e.Name
}

// labels applies entityLabel to each entity.
func labels(es []extract.Entity) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = entityLabel(e)
	}
	return out
}
