package kb

import (
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/tipster-cti/tipster/internal/stix"
)

// typeTitles name the sections of an offline answer, in their order.
var typeTitles = []struct{ typ, title string }{
	{"intrusion-set", "Intrusion sets"}, {"threat-actor", "Threat actors"}, {"campaign", "Campaigns"},
	{"malware", "Malware"}, {"tool", "Tools"}, {"attack-pattern", "Techniques"},
	{"course-of-action", "Mitigations"}, {"indicator", "Indicators"}, {"vulnerability", "Vulnerabilities"},
	{"report", "Reports"},
}

// offlineAnswer writes the retrieved facts themselves, organised by
// entity: one section per type, one entry per object with its id, its
// best passage and the relationships that led to it.
func offlineAnswer(question string, hits []Hit, names map[stix.ID]string) string {
	var b strings.Builder
	fmt.Fprintf(
		&b,
		"What the knowledge base holds on: %s\n(offline engine: the retrieved facts, not a written answer)\n",
		strings.TrimSpace(question),
	)
	groups := map[string][]Hit{}
	for _, h := range hits {
		groups[h.Object.Type] = append(groups[h.Object.Type], h)
	}
	for _, tt := range typeTitles {
		writeGroup(&b, tt.title, groups[tt.typ], names)
		delete(groups, tt.typ)
	}
	rest := make([]string, 0, len(groups))
	for t := range groups {
		rest = append(rest, t)
	}
	sort.Strings(rest)
	for _, t := range rest {
		writeGroup(&b, t, groups[t], names)
	}
	return b.String()
}

func writeGroup(b *strings.Builder, title string, hits []Hit, names map[stix.ID]string) {
	if len(hits) == 0 {
		return
	}
	fmt.Fprintf(b, "\n%s\n", title)
	for _, h := range hits {
		fmt.Fprintf(b, "- %s [%s]\n", displayName(h), h.Object.ID)
		for _, p := range h.Passages {
			if stix.ID(p.ObjectID) != h.Object.ID {
				continue // a relationship's passage: its link is listed below
			}
			if text := passageBody(p.Text, h.Object.Type); text != "" {
				fmt.Fprintf(b, "  %s\n", excerpt(text, 300))
			}
			break
		}
		for i, l := range h.Links {
			if i == 3 {
				break
			}
			fmt.Fprintf(
				b,
				"  %s %s %s [%s]\n",
				nameOr(names, l.Source),
				l.Type,
				nameOr(names, l.Target),
				l.ID,
			)
		}
	}
}

func nameOr(names map[stix.ID]string, id stix.ID) string {
	if n := names[id]; n != "" {
		return n
	}
	return string(id)
}

// passageBody is a passage's text without the "Name (type): " title
// that starts it.
func passageBody(text, typ string) string {
	marker := " (" + typ + "):"
	if i := strings.Index(text, marker); i >= 0 {
		return strings.TrimSpace(text[i+len(marker):])
	}
	return text
}

// excerpt is the start of s on one line, lines joined by "; ", cut at a
// word near n bytes.
func excerpt(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	for i, l := range lines {
		lines[i] = strings.Join(strings.Fields(l), " ")
	}
	s = strings.Join(lines, "; ")
	if len(s) <= n {
		return s
	}
	cut := strings.LastIndex(s[:n], " ")
	if cut < n/2 {
		for cut = n; cut > 0 && !utf8.RuneStart(s[cut]); cut-- {
		}
	}
	return s[:cut] + " …"
}

// notKnown is the answer when nothing relevant was retrieved.
func notKnown(ret *Retrieval) string {
	msg := "The knowledge base holds nothing relevant to this question, so no model was asked."
	if len(ret.Unknown) > 0 {
		msg += " No object or report mentions: " + strings.Join(ret.Unknown, ", ") + "."
	}
	return msg
}
