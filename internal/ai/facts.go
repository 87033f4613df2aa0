package ai

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/tipster-cti/tipster/internal/stix"
	"github.com/tipster-cti/tipster/internal/store"
)

// IsReportable reports whether objects of type typ can be drafted into a
// report: reports, groupings and cases (OpenCTI's x-opencti-case-* and
// case-* types).
func IsReportable(typ string) bool {
	return typ == "report" || typ == "grouping" ||
		strings.HasPrefix(typ, "x-opencti-case-") || strings.HasPrefix(typ, "case-")
}

// factOf is the grounding form of a stored object.
func factOf(o *store.Stored) Fact {
	return Fact{ID: o.ID, Type: o.Type, Name: displayName(o), Description: o.Description,
		Aliases: o.Aliases, ExternalIDs: o.ExternalIDs, Labels: o.Labels, Published: o.Published,
		TLP: o.EffectiveTLP}
}

// observableFields are the properties that name an object that has no name.
type observableFields struct {
	Value   string            `json:"value"`
	Pattern string            `json:"pattern"`
	Key     string            `json:"key"`
	Hashes  map[string]string `json:"hashes"`
}

func readObservable(o *store.Stored) observableFields {
	var f observableFields
	_ = json.Unmarshal(o.Raw, &f) // a stored object is valid JSON; missing fields stay empty
	return f
}

// displayName is an object's name, or an observable's value, an
// indicator's pattern, a registry key or a file's first hash.
func displayName(o *store.Stored) string {
	if o.Name != "" {
		return o.Name
	}
	f := readObservable(o)
	for _, s := range []string{f.Value, f.Pattern, f.Key} {
		if s != "" {
			return s
		}
	}
	for _, alg := range []string{"SHA-256", "SHA-1", "MD5"} {
		if h := f.Hashes[alg]; h != "" {
			return h
		}
	}
	return string(o.ID)
}

// containerFacts returns the objects and relationships a container holds
// that the viewer may see.
func containerFacts(
	ctx context.Context,
	st store.Store,
	v store.Viewer,
	c *store.Stored,
) (*Facts, []*store.Stored, error) {
	items, err := st.Contents(ctx, v, c.ID)
	if err != nil {
		return nil, nil, fmt.Errorf("ai: contents of %s: %w", c.ID, err)
	}
	f := &Facts{}
	for _, o := range items {
		switch {
		case o.Type == "relationship":
			f.Links = append(
				f.Links,
				Link{ID: o.ID, Type: o.RelationshipType, Source: o.Source, Target: o.Target},
			)
		case o.Type == "sighting":
			f.Links = append(f.Links, Link{ID: o.ID, Type: "sighting", Source: o.Source, Target: o.Target})
		default:
			f.Objects = append(f.Objects, factOf(o))
		}
	}
	return f, items, nil
}

// objectText is the text Ask AI works on for an object: its description
// and, for a report imported from a document, the document's text.
func objectText(ctx context.Context, st store.Store, v store.Viewer, o *store.Stored) (string, error) {
	text := o.Description
	if !stix.IsContainer(o.Type) && !IsReportable(o.Type) {
		return text, nil
	}
	doc, err := st.GetDocument(ctx, v, o.ID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return text, nil
	case err != nil:
		return "", fmt.Errorf("ai: document of %s: %w", o.ID, err)
	}
	if strings.TrimSpace(doc.Text) == "" {
		return text, nil
	}
	if text == "" {
		return doc.Text, nil
	}
	return text + "\n\n" + doc.Text, nil
}

// factsText is the facts as the verifier sees them: every name, value,
// pattern and description, and the set of ids.
func factsText(f *Facts) (string, map[string]bool) {
	ids := map[string]bool{}
	if f == nil {
		return "", ids
	}
	var b strings.Builder
	for _, o := range f.Objects {
		ids[string(o.ID)] = true
		b.WriteString(o.Name + "\n" + o.Description + "\n" + strings.Join(o.ExternalIDs, " ") + "\n")
	}
	for _, l := range f.Links {
		ids[string(l.ID)], ids[string(l.Source)], ids[string(l.Target)] = true, true, true
	}
	return b.String(), ids
}

// groundFacts is everything an answer to t may quote: the task's facts,
// its subject and the sources the engine reported drawing on.
func groundFacts(t Task, sources []Fact) *Facts {
	f := &Facts{}
	if t.Facts != nil {
		f.Objects, f.Links = append(f.Objects, t.Facts.Objects...), t.Facts.Links
	}
	if t.Subject != nil {
		f.Objects = append(f.Objects, *t.Subject)
	}
	f.Objects = append(f.Objects, sources...)
	return f
}
