package aiapi

import (
	"net/http"
	"strconv"

	"github.com/tipster-cti/tipster/internal/ai"
	"github.com/tipster-cti/tipster/internal/api"
	"github.com/tipster-cti/tipster/internal/stix"
	"github.com/tipster-cti/tipster/internal/store"
)

// ApplyBody is the JSON body of POST /api/v1/objects/{id}/ai-apply.
type ApplyBody struct {
	Field   string `json:"field"` // description (default) or text
	Text    string `json:"text"`
	AuditID int64  `json:"audit_id"`
	Mode    string `json:"mode"` // replace (default) or insert
}

func (h *Handlers) apply(w http.ResponseWriter, r *http.Request, v store.Viewer) error {
	var b ApplyBody
	if err := decodeBody(w, r, &b, false); err != nil {
		return err
	}
	p, err := h.AI.Apply(r.Context(), v, stix.ID(r.PathValue("id")),
		ai.ApplyRequest{Field: b.Field, Text: b.Text, AuditID: b.AuditID, Mode: b.Mode})
	if err != nil {
		return h.fail(w, r, err)
	}
	return writeJSON(w, http.StatusOK, p)
}

func (h *Handlers) review(w http.ResponseWriter, r *http.Request, v store.Viewer) error {
	p, err := h.AI.Review(r.Context(), v, stix.ID(r.PathValue("id")))
	if err != nil {
		return h.fail(w, r, err)
	}
	return writeJSON(w, http.StatusOK, p)
}

func (h *Handlers) restore(w http.ResponseWriter, r *http.Request, v store.Viewer) error {
	p, err := h.AI.Restore(r.Context(), v, stix.ID(r.PathValue("id")))
	if err != nil {
		return h.fail(w, r, err)
	}
	return writeJSON(w, http.StatusOK, p)
}

func (h *Handlers) provenance(w http.ResponseWriter, r *http.Request, v store.Viewer) error {
	ps, err := h.AI.ProvenanceOf(r.Context(), v, stix.ID(r.PathValue("id")))
	if err != nil {
		return h.fail(w, r, err)
	}
	return writeJSON(w, http.StatusOK, map[string]any{"provenance": ps})
}

func (h *Handlers) status(w http.ResponseWriter, r *http.Request, v store.Viewer) error {
	return writeJSON(w, http.StatusOK, h.AI.Status(r.Context(), false))
}

// test is "Test connection": a probe now.
func (h *Handlers) test(w http.ResponseWriter, r *http.Request, v store.Viewer) error {
	if !v.CanWrite() {
		return api.ErrForbidden
	}
	return writeJSON(w, http.StatusOK, h.AI.Status(r.Context(), true))
}

// auditList is GET /api/v1/ai/audit: admins see every entry (or one
// user's with ?user=), others their own; entries naming objects above the
// viewer's clearance are left out. ?before=ID pages back, ?limit=N.
func (h *Handlers) auditList(w http.ResponseWriter, r *http.Request, v store.Viewer) error {
	q := ai.AuditQuery{User: v.Name}
	p := r.URL.Query()
	if v.IsAdmin() {
		q.User = p.Get("user")
	}
	var err error
	if s := p.Get("before"); s != "" {
		if q.Before, err = strconv.ParseInt(s, 10, 64); err != nil || q.Before < 1 {
			return api.BadRequest("before=%q is not an audit id", s)
		}
	}
	if s := p.Get("limit"); s != "" {
		if q.Limit, err = strconv.Atoi(s); err != nil || q.Limit < 1 {
			return api.BadRequest("limit=%q is not a positive number", s)
		}
	}
	entries, err := h.AI.Audit(r.Context(), q)
	if err != nil {
		return err
	}
	limit := q.Limit
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	next := ""
	if len(entries) == limit {
		next = strconv.FormatInt(entries[len(entries)-1].ID, 10)
	}
	visible, err := ai.Visible(r.Context(), h.Store, v, entries)
	if err != nil {
		return err
	}
	if visible == nil {
		visible = []ai.Entry{}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"entries": visible, "next": next})
}
