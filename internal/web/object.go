package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"sort"
	"strings"

	"github.com/tipster-cti/tipster/internal/stix"
	"github.com/tipster-cti/tipster/internal/store"
)

// objectData is what the page of one object (a report or an entity) shows.
type objectData struct {
	Object        *store.Stored
	Container     bool
	Props         []prop
	Texts         []editable // the report's text and the description, each with Ask AI
	Document      *store.Document
	Contents      []group
	Relationships []store.Relationship
	Containers    []*store.Stored
	Related       []store.Related
	CanWrite      bool
	AIAssisted    bool // the object carries AI-written text not yet reviewed
	AIApplied     bool // the object carries AI-written text, reviewed or not, that can be restored
}

// editable is a text the user may improve with Ask AI.
type editable struct {
	Field string // the property it lives in: "description", or "text" for a document's text
	Label string
	Text  string
	AskAI bool // Ask AI works on this text
}

// prop is one type-specific property shown in the metadata list.
type prop struct {
	Name  string
	Value string
}

func (p *Pages) object(w http.ResponseWriter, r *http.Request, v store.Viewer) error {
	ctx := r.Context()
	id := stix.ID(r.PathValue("id"))
	o, err := p.Store.Get(ctx, v, id)
	if err != nil {
		return err
	}
	d := objectData{
		Object:    o,
		Container: stix.IsContainer(o.Type),
		Props:     props(o.Raw),
		CanWrite:  v.CanWrite(),
	}
	d.AIApplied, d.AIAssisted = aiMark(o.Raw)
	if d.Document, err = p.Store.GetDocument(ctx, v, id); err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	// Ask AI works on an object's document text when it has one, else on
	// its description; the menu sits on that text.
	if d.Document != nil {
		d.Texts = append(d.Texts, editable{Field: "text", Label: "Text", Text: d.Document.Text, AskAI: true})
	}
	d.Texts = append(d.Texts, editable{Field: "description", Label: "Description", Text: o.Description,
		AskAI: d.Document == nil})
	if err := p.neighbourhood(r, v, &d); err != nil {
		return err
	}
	return p.render(w, r, v, "object", displayName(o), navFor(o.Type), d)
}

// neighbourhood fills what surrounds the object: its contents, the
// relationships it takes part in, its containers and related reports.
func (p *Pages) neighbourhood(r *http.Request, v store.Viewer, d *objectData) error {
	ctx, id := r.Context(), d.Object.ID
	var err error
	if d.Relationships, err = p.Store.Relationships(ctx, v, id); err != nil {
		return err
	}
	if d.Container {
		if err := p.contents(r, v, d); err != nil {
			return err
		}
	}
	if d.Containers, err = p.Store.Containers(ctx, v, id); err != nil {
		return err
	}
	d.Related, err = p.Store.RelatedReports(ctx, v, id, 10)
	return err
}

// contents groups a container's objects by type; the relationships it
// holds join the relationships table, with their ends.
func (p *Pages) contents(r *http.Request, v store.Viewer, d *objectData) error {
	ctx := r.Context()
	all, err := p.Store.Contents(ctx, v, d.Object.ID)
	if err != nil {
		return err
	}
	var objs, rels []*store.Stored
	var ends []stix.ID
	for _, o := range all {
		if o.Type == "relationship" || o.Type == "sighting" {
			rels = append(rels, o)
			ends = append(ends, o.Source, o.Target)
			continue
		}
		objs = append(objs, o)
	}
	d.Contents = byType(objs)
	known, err := p.Store.GetMany(ctx, v, ends)
	if err != nil {
		return err
	}
	byID := map[stix.ID]*store.Stored{}
	for _, o := range known {
		byID[o.ID] = o
	}
	for _, rel := range rels {
		d.Relationships = append(
			d.Relationships,
			store.Relationship{Stored: rel, Source: byID[rel.Source], Target: byID[rel.Target]},
		)
	}
	return nil
}

// original sends the file a report was imported from, as an attachment so
// that the browser never renders it.
func (p *Pages) original(w http.ResponseWriter, r *http.Request, v store.Viewer) error {
	doc, err := p.Store.GetDocument(r.Context(), v, stix.ID(r.PathValue("id")))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().
		Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": doc.FileName}))
	_, err = w.Write(doc.Original)
	return err
}

// navFor is the navigation entry an object's page belongs to.
func navFor(typ string) string {
	if stix.IsContainer(typ) {
		return "reports"
	}
	return "search"
}

// commonProps are shown elsewhere on the page, or are bookkeeping.
var commonProps = map[string]bool{
	"type": true, "spec_version": true, "id": true, "created": true, "modified": true, "name": true,
	"description": true, "labels": true, "object_refs": true, "object_marking_refs": true,
	"created_by_ref": true, "external_references": true, "granular_markings": true, "published": true,
	"revoked": true, "extensions": true,
}

// props lists the object's type-specific properties (a pattern, aliases,
// kill chain phases...) as text, sorted by name.
func props(raw []byte) []prop {
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return nil
	}
	var out []prop
	for k, v := range m {
		if commonProps[k] || strings.HasPrefix(k, "x_tipster_") {
			continue
		}
		out = append(out, prop{Name: strings.ReplaceAll(k, "_", " "), Value: propText(v)})
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Name < out[b].Name })
	return out
}

// propText writes a JSON value for reading: strings bare, lists of strings
// comma-separated, kill chain phases as "chain: phase", anything else as
// compact JSON.
func propText(v json.RawMessage) string {
	var s string
	if json.Unmarshal(v, &s) == nil {
		return s
	}
	var list []string
	if json.Unmarshal(v, &list) == nil {
		return strings.Join(list, ", ")
	}
	var phases []struct {
		Chain string `json:"kill_chain_name"`
		Phase string `json:"phase_name"`
	}
	if json.Unmarshal(v, &phases) == nil && len(phases) > 0 && phases[0].Phase != "" {
		parts := make([]string, len(phases))
		for i, ph := range phases {
			parts[i] = fmt.Sprintf("%s: %s", ph.Chain, ph.Phase)
		}
		return strings.Join(parts, ", ")
	}
	var buf bytes.Buffer
	if json.Compact(&buf, v) != nil {
		return string(v)
	}
	return buf.String()
}

// aiMark reads the object's x_tipster_ai_assisted property: applied when
// it carries text written with Ask AI, unreviewed when nobody has reviewed
// that text yet.
func aiMark(raw []byte) (applied, unreviewed bool) {
	var m struct {
		Assisted *struct {
			Reviewed bool `json:"reviewed"`
		} `json:"x_tipster_ai_assisted"`
	}
	if json.Unmarshal(raw, &m) != nil || m.Assisted == nil {
		return false, false
	}
	return true, !m.Assisted.Reviewed
}
