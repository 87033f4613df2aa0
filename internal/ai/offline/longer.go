package offline

import (
	"context"
	"fmt"
	"strings"

	"github.com/tipster-cti/tipster/internal/extract"
	"github.com/tipster-cti/tipster/internal/store"
)

// entitiesLooked bounds the entities that longer and explain look up, so
// that a report naming hundreds of things stays readable and fast.
const entitiesLooked = 30

// subject is an entity of the text together with its knowledge-base
// object (nil when the knowledge base does not hold it).
type subject struct {
	entity extract.Entity
	obj    *store.Stored
}

// subjects returns the actors, campaigns, malware, tools, techniques and
// vulnerabilities the text names, each with its knowledge-base object,
// and the number left out past entitiesLooked.
func (k kb) subjects(ctx context.Context, g groups) ([]subject, int, error) {
	var all []extract.Entity
	for _, list := range [][]extract.Entity{g.actors, g.campaigns, g.malware, g.tools, g.techniques} {
		all = append(all, list...)
	}
	for _, c := range g.cves {
		all = append(all, extract.Entity{Kind: "vulnerability", ExternalID: c.Value})
	}
	skipped := max(0, len(all)-entitiesLooked)
	all = all[:len(all)-skipped]
	out := make([]subject, 0, len(all))
	for _, e := range all {
		o, err := k.object(ctx, e)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, subject{entity: e, obj: o})
	}
	return out, skipped, nil
}

// longer answers the longer operation: the text, then what the knowledge
// base says about each entity it names, cited by STIX id.
func longer(ctx context.Context, k kb, a *analysis) (*answer, error) {
	subs, skipped, err := k.subjects(ctx, a.groups)
	if err != nil {
		return nil, err
	}
	ans := &answer{}
	ans.blocks = append(ans.blocks, block{kind: lines, items: nonEmptyLines(a.text)})
	var ctxParas []string
	for _, s := range subs {
		if s.obj == nil {
			continue
		}
		desc := firstSentences(plainDescription(s.obj.Description), 2)
		if desc == "" {
			desc = "The knowledge base holds it without a description."
		}
		ctxParas = append(
			ctxParas,
			fmt.Sprintf(
				"%s, %s: %s [%s]",
				subjectName(s),
				kindWords(s.obj.Type),
				desc,
				code(string(s.obj.ID)),
			),
		)
	}
	ans.heading("Context from the knowledge base")
	if len(ctxParas) == 0 {
		ans.para("The knowledge base holds nothing on what the text names.")
	}
	for _, p := range ctxParas {
		ans.para(p)
	}
	if skipped > 0 {
		ans.para(fmt.Sprintf("The text names %d more entities, left out to keep the answer short.", skipped))
	}
	return ans, nil
}

// nonEmptyLines returns the lines of text that hold more than space.
func nonEmptyLines(text string) []string {
	var out []string
	for l := range strings.Lines(text) {
		if l = strings.TrimRight(l, " \t\r\n\u00a0"); strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	return out
}

// subjectName names a subject as the knowledge base does, with its
// ATT&CK or CVE id.
func subjectName(s subject) string {
	name, ext := s.entity.Name, s.entity.ExternalID
	if s.obj != nil {
		name = s.obj.Name
		if id := attackIDOf(s.obj.Object); id != "" {
			ext = id
		}
	}
	switch {
	case name == "":
		return code(ext)
	case ext == "" || name == ext:
		return name
	}
	return name + " (" + code(ext) + ")"
}
