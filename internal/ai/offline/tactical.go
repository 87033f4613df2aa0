package offline

import (
	"context"
	"strings"

	"github.com/tipster-cti/tipster/internal/stix"
)

// evidenceLength bounds the quote from the text beside each technique.
const evidenceLength = 200

// tactical: techniques mapped to ATT&CK, with the mitigations the
// knowledge base holds for them.
func tactical(ctx context.Context, k kb, a *analysis) (*answer, error) {
	ans := &answer{title: "Tactical summary"}
	techs := a.groups.techniques[:min(len(a.groups.techniques), entitiesLooked)]
	if len(techs) == 0 {
		ans.para("The text names no ATT&CK technique, by name or id, that the offline engine recognises.")
	}
	var rows [][]string
	var mitigations []string
	for _, e := range techs {
		o, err := k.object(ctx, e)
		if err != nil {
			return nil, err
		}
		name, tactics := e.Name, ""
		if o != nil {
			name, tactics = o.Name, detailsOf(o).tactics()
			m, err := k.mitigations(ctx, o.ID)
			if err != nil {
				return nil, err
			}
			if m != "" {
				mitigations = append(mitigations, entityLabel(e)+": "+m)
			}
		}
		id := "—"
		if e.ExternalID != "" {
			id = code(e.ExternalID)
		}
		rows = append(rows, []string{id, name, tactics, clip(a.textAround(e.Spans[0].Start), evidenceLength)})
	}
	ans.heading("Techniques (ATT&CK)")
	ans.table([]string{"ATT&CK id", "technique", "tactics", "in the text"}, rows)
	ans.heading("Mitigations")
	if len(mitigations) == 0 {
		ans.para("The knowledge base holds no mitigation for these techniques.")
	}
	ans.list(mitigations)
	if tools := append(labels(a.groups.malware), labels(a.groups.tools)...); len(tools) > 0 {
		ans.heading("Software named")
		ans.para(strings.Join(tools, ", ") + ".")
	}
	return ans, nil
}

// mitigations lists the courses of action that mitigate a technique,
// "" when the knowledge base holds none.
func (k kb) mitigations(ctx context.Context, id stix.ID) (string, error) {
	groups, err := k.links(ctx, id)
	if err != nil {
		return "", err
	}
	for _, g := range groups {
		if g.verb == "mitigated by" {
			g.use(k)
			return strings.Join(g.names, ", "), nil
		}
	}
	return "", nil
}

// textAround returns the sentence holding byte off.
func (a *analysis) textAround(off int) string {
	if i := a.sentenceAt(off); i >= 0 {
		return a.sentenceText(i)
	}
	return ""
}

// clip shortens s to about n bytes at a word boundary.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := strings.LastIndexByte(s[:n], ' ')
	if cut < n/2 {
		cut = n
		for cut > 0 && s[cut]&0xC0 == 0x80 {
			cut--
		}
	}
	return s[:cut] + " …"
}
