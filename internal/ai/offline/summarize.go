package offline

import (
	"fmt"
	"slices"
	"strings"

	"github.com/tipster-cti/tipster/internal/extract"
)

// summaryLength returns how many sentences a summary keeps out of n
// candidates: all of a short text, about one in twelve of a long one,
// between 3 and 8.
func summaryLength(n int) int {
	return min(n, max(3, min(8, n/12)))
}

// summaryPicks returns the indices, in text order, of the most central
// prose sentences. Headings, fragments, run-on lists and sentences made
// mostly of indicators are not candidates; a sentence that names
// entities weighs a little more.
func summaryPicks(a *analysis) []int {
	var cands []int
	for i, s := range a.sents {
		words := len(strings.Fields(a.text[s.start:s.end]))
		if s.heading || words < 6 || words > 80 || a.iocs[i]*4 > words {
			continue
		}
		cands = append(cands, i)
	}
	weight := func(i int) float64 { return a.score[i] * (1 + 0.15*float64(min(a.named[i], 4))) }
	slices.SortStableFunc(cands, func(x, y int) int {
		wx, wy := weight(x), weight(y)
		switch {
		case wx > wy:
			return -1
		case wx < wy:
			return 1
		}
		return x - y
	})
	picks := cands[:summaryLength(len(cands))]
	slices.Sort(picks)
	return picks
}

// summarize answers the summarize operation: the central sentences in
// their order, then what the text names.
func summarize(a *analysis) *answer {
	ans := &answer{title: "Summary"}
	var lead []string
	for _, i := range summaryPicks(a) {
		lead = append(lead, a.sentenceText(i))
	}
	if len(lead) == 0 {
		ans.para("The text has no sentence of prose to summarise.")
	} else {
		ans.para(strings.Join(lead, " "))
	}
	ans.heading("What the text names")
	items := namedItems(a.groups)
	if len(items) == 0 {
		items = []string{
			"No actor, malware, tool, technique, vulnerability, indicator, sector or country that the offline engine recognises.",
		}
	}
	ans.list(items)
	return ans
}

// namedItems returns a bullet per kind of thing named.
func namedItems(g groups) []string {
	var items []string
	add := func(what string, vals []string) {
		if len(vals) > 0 {
			items = append(items, fmt.Sprintf("%s: %s", what, strings.Join(vals, ", ")))
		}
	}
	add("Threat actors", labels(g.actors))
	add("Campaigns", labels(g.campaigns))
	add("Malware", labels(g.malware))
	add("Tools", labels(g.tools))
	add("Techniques (ATT&CK)", labels(g.techniques))
	add("Tactics (ATT&CK)", labels(g.tactics))
	add("Vulnerabilities", indicatorValues(g.cves, 0))
	items = append(items, indicatorItems(g.indicators)...)
	add("Sectors named", sectorNames(g.sectors))
	add("Countries and regions named", names(g.countries))
	return items
}

// indicatorsShown bounds the values listed per kind in a summary.
const indicatorsShown = 5

// indicatorItems returns a bullet per kind of indicator: its count and
// its first values.
func indicatorItems(inds []extract.Indicator) []string {
	var kinds []extract.Kind
	byKind := map[extract.Kind][]extract.Indicator{}
	for _, ind := range inds {
		if byKind[ind.Kind] == nil {
			kinds = append(kinds, ind.Kind)
		}
		byKind[ind.Kind] = append(byKind[ind.Kind], ind)
	}
	var items []string
	for _, k := range kinds {
		list := byKind[k]
		vals := indicatorValues(list, indicatorsShown)
		if len(list) > indicatorsShown {
			vals = append(vals, fmt.Sprintf("and %d more", len(list)-indicatorsShown))
		}
		items = append(items, fmt.Sprintf("Indicators, %s (%d): %s", k, len(list), strings.Join(vals, ", ")))
	}
	return items
}

// indicatorValues returns the values as code, at most limit (0: all).
func indicatorValues(inds []extract.Indicator, limit int) []string {
	var out []string
	for _, ind := range inds {
		if limit > 0 && len(out) == limit {
			break
		}
		out = append(out, code(ind.Value))
	}
	return out
}

// names returns the canonical names of entities from the embedded lists.
func names(es []extract.Entity) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.Name
	}
	return out
}

// sectorNames turns STIX industry-sector-ov values into words.
func sectorNames(es []extract.Entity) []string {
	out := names(es)
	for i, n := range out {
		out[i] = strings.ReplaceAll(n, "-", " ")
	}
	return out
}
