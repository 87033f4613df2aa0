package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tipster-cti/tipster/internal/export"
	"github.com/tipster-cti/tipster/internal/stix"
	"github.com/tipster-cti/tipster/internal/store"
)

// ObjectRef is the short form of an object in listings.
type ObjectRef struct {
	ID   stix.ID `json:"id"`
	Type string  `json:"type"`
	Name string  `json:"name,omitempty"`
	TLP  string  `json:"tlp"`
}

// Ref returns the short form of o.
func Ref(o *store.Stored) ObjectRef {
	return ObjectRef{ID: o.ID, Type: o.Type, Name: o.Name, TLP: o.EffectiveTLP.String()}
}

func (s *Server) listObjects(w http.ResponseWriter, r *http.Request, v store.Viewer) error {
	q, err := parseQuery(r)
	if err != nil {
		return err
	}
	page, err := s.Store.Search(r.Context(), v, q)
	if err != nil {
		return err
	}
	objs := make([]json.RawMessage, len(page.Objects))
	for i, o := range page.Objects {
		objs[i] = o.Raw
	}
	return writeJSON(w, http.StatusOK, map[string]any{"objects": objs, "next": page.Next})
}

// parseQuery reads the filters of GET /api/v1/objects.
func parseQuery(r *http.Request) (store.Query, error) {
	p := r.URL.Query()
	for name, vals := range p {
		for _, v := range vals {
			// Free text keeps only its words, so q may hold anything.
			if name != "q" && (!utf8.ValidString(v) || strings.ContainsRune(v, 0)) {
				return store.Query{}, BadRequest(
					"%s holds bytes that are not text (invalid UTF-8 or NUL)",
					name,
				)
			}
		}
	}
	q := store.Query{
		Text:       p.Get("q"),
		Label:      p.Get("label"),
		ExternalID: p.Get("external_id"),
		Cursor:     p.Get("cursor"),
	}
	for _, t := range p["type"] {
		q.Types = append(q.Types, strings.Split(t, ",")...)
	}
	if m := p.Get("marking"); m != "" {
		if tlp, err := stix.ParseTLP(m); err == nil {
			q.TLP = &tlp // the level, whichever TLP version marks the object
		} else if _, err := stix.ParseID(m); err == nil && strings.HasPrefix(m, "marking-definition--") {
			q.Marking = stix.ID(m)
		} else {
			return q, BadRequest("marking=%q is neither a TLP level (such as TLP:AMBER) nor a marking-definition id", m)
		}
	}
	if by := p.Get("created_by"); by != "" {
		if _, err := stix.ParseID(by); err != nil {
			return q, BadRequest("created_by=%q is not a STIX id", by)
		}
		q.CreatedBy = stix.ID(by)
	}
	var err error
	for _, f := range []struct {
		name string
		dst  *time.Time
	}{
		{"created_after", &q.CreatedAfter}, {"created_before", &q.CreatedBefore},
		{"modified_after", &q.ModifiedAfter}, {"modified_before", &q.ModifiedBefore},
	} {
		if v := p.Get(f.name); v != "" {
			if *f.dst, err = time.Parse(time.RFC3339, v); err != nil {
				return q, BadRequest(
					"%s=%q is not an RFC 3339 timestamp such as 2024-01-31T00:00:00Z",
					f.name,
					v,
				)
			}
		}
	}
	if l := p.Get("limit"); l != "" {
		if q.Limit, err = strconv.Atoi(l); err != nil || q.Limit < 1 {
			return q, BadRequest("limit=%q is not a positive number", l)
		}
	}
	q.IncludeRevoked = p.Get("revoked") == "true"
	return q, nil
}

// objectView is GET /api/v1/objects/{id}: the object and its neighbourhood.
type objectView struct {
	Object         json.RawMessage   `json:"object"`
	TLP            string            `json:"tlp"`
	EffectiveTLP   string            `json:"effective_tlp"`
	Relationships  []relationshipOut `json:"relationships"`
	Containers     []ObjectRef       `json:"containers"`
	RelatedReports []relatedOut      `json:"related_reports"`
}

type relationshipOut struct {
	ID     stix.ID   `json:"id"`
	Type   string    `json:"relationship_type"`
	Source ObjectRef `json:"source"`
	Target ObjectRef `json:"target"`
}

type relatedOut struct {
	ObjectRef
	Shared int `json:"shared"`
}

func (s *Server) getObject(w http.ResponseWriter, r *http.Request, v store.Viewer) error {
	ctx := r.Context()
	id, err := objectID(r)
	if err != nil {
		return err
	}
	o, err := s.Store.Get(ctx, v, id)
	if err != nil {
		return err
	}
	out := objectView{Object: o.Raw, TLP: o.TLP.String(), EffectiveTLP: o.EffectiveTLP.String(),
		Relationships: []relationshipOut{}, Containers: []ObjectRef{}, RelatedReports: []relatedOut{}}
	rels, err := s.Store.Relationships(ctx, v, id)
	if err != nil {
		return err
	}
	for _, rel := range rels {
		ro := relationshipOut{ID: rel.ID, Type: rel.RelationshipType}
		if rel.Type == "sighting" {
			ro.Type = "sighting"
		}
		if rel.Source != nil {
			ro.Source = Ref(rel.Source)
		}
		if rel.Target != nil {
			ro.Target = Ref(rel.Target)
		}
		out.Relationships = append(out.Relationships, ro)
	}
	cs, err := s.Store.Containers(ctx, v, id)
	if err != nil {
		return err
	}
	for _, c := range cs {
		out.Containers = append(out.Containers, Ref(c))
	}
	related, err := s.Store.RelatedReports(ctx, v, id, 10)
	if err != nil {
		return err
	}
	for _, rr := range related {
		out.RelatedReports = append(out.RelatedReports, relatedOut{Ref(rr.Stored), rr.Shared})
	}
	return writeJSON(w, http.StatusOK, out)
}

func (s *Server) exportBundle(w http.ResponseWriter, r *http.Request, v store.Viewer) error {
	id, err := objectID(r)
	if err != nil {
		return err
	}
	objs, err := export.Closure(r.Context(), s.Store, v, id)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/stix+json;version=2.1")
	return export.WriteBundle(w, objs)
}

func (s *Server) counts(w http.ResponseWriter, r *http.Request, v store.Viewer) error {
	counts, err := s.Store.Count(r.Context(), v)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"counts": counts})
}

// objectID reads the {id} of an object route; an id that is not a STIX id names no
// object, so it is not found.
func objectID(r *http.Request) (stix.ID, error) {
	id, err := stix.ParseID(r.PathValue("id"))
	if err != nil {
		return "", fmt.Errorf("object %q: %w", r.PathValue("id"), store.ErrNotFound)
	}
	return id, nil
}
