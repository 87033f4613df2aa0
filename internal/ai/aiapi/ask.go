// Package aiapi serves Ask AI over the JSON API: the operations (JSON or
// server-sent events), the provider's status, the audit log, and the
// explicit apply, review and restore of AI text on objects.
package aiapi

import (
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/tipster-cti/tipster/internal/ai"
	"github.com/tipster-cti/tipster/internal/api"
	"github.com/tipster-cti/tipster/internal/stix"
	"github.com/tipster-cti/tipster/internal/store"
)

// MaxBodyBytes bounds an Ask AI request body: 8 MiB of text.
const MaxBodyBytes = 8 << 20

// Handlers serve Ask AI.
type Handlers struct {
	AI    *ai.Service
	Store store.Store
	Log   *slog.Logger
}

// Register adds the Ask AI routes to the API.
func (h *Handlers) Register(s *api.Server) {
	s.Handle("POST /api/v1/ai/{operation}", h.ask)
	s.Handle("GET /api/v1/ai/status", h.status)
	s.Handle("POST /api/v1/ai/status/test", h.test)
	s.Handle("GET /api/v1/ai/audit", h.auditList)
	s.Handle("POST /api/v1/objects/{id}/ai-apply", h.apply)
	s.Handle("POST /api/v1/objects/{id}/ai-review", h.review)
	s.Handle("POST /api/v1/objects/{id}/ai-restore", h.restore)
	s.Handle("GET /api/v1/objects/{id}/ai-provenance", h.provenance)
}

// AskBody is the JSON body of POST /api/v1/ai/{operation}.
type AskBody struct {
	Text     string `json:"text"`
	ObjectID string `json:"object_id"`
	Tone     string `json:"tone"`     // strategic, tactical or operational
	Audience string `json:"audience"` // the same as tone, under the name reports use
	Format   string `json:"format"`   // text, markdown or html
	Language string `json:"language"` // "" keeps the content's language
	Marking  string `json:"marking"`  // TLP of free text; default TLP:CLEAR
	Since    string `json:"since"`    // with report: a digest of the period, RFC 3339 or YYYY-MM-DD
	Until    string `json:"until"`
	Engine   string `json:"engine"` // "offline" to use the offline engine
}

// done is the last event of a stream: the answer without its text.
type done struct {
	ai.Answer
	Text string `json:"text,omitempty"`
}

func (h *Handlers) ask(w http.ResponseWriter, r *http.Request, v store.Viewer) error {
	req, err := decodeAsk(w, r)
	if err != nil {
		return err
	}
	if api.WantsStream(r) {
		return h.askStream(w, r, v, req)
	}
	ans, err := h.AI.Ask(r.Context(), v, req, nil)
	if err != nil {
		return h.fail(w, r, err)
	}
	return writeJSON(w, http.StatusOK, ans)
}

// askStream answers with server-sent events: delta events with text, then
// done, or error once text has started.
func (h *Handlers) askStream(w http.ResponseWriter, r *http.Request, v store.Viewer, req ai.Request) error {
	sse := api.NewSSE(w)
	ans, err := h.AI.Ask(r.Context(), v, req, func(text string) error {
		return sse.Event("delta", map[string]string{"text": text})
	})
	switch {
	case err != nil && !sse.Started():
		return h.fail(w, r, err)
	case err != nil:
		p := describe(h.AI, err)
		if p == nil {
			p = &Problem{Code: "internal", Message: "the answer failed"}
		}
		h.logProblem(r, &Problem{Status: 502, Code: p.Code}, err)
		if r.Context().Err() == nil {
			_ = sse.Event("error", p) // the client may be gone; nothing more to do
		}
		return nil
	}
	return sse.Event("done", done{Answer: ans})
}

// decodeAsk reads the operation and body of an Ask AI request.
func decodeAsk(w http.ResponseWriter, r *http.Request) (ai.Request, error) {
	var b AskBody
	if err := decodeBody(w, r, &b, true); err != nil {
		return ai.Request{}, err
	}
	op, err := ai.ParseOperation(r.PathValue("operation"))
	if err != nil {
		return ai.Request{}, api.BadRequest("%s", inputMessage(err))
	}
	return b.request(op)
}

// request turns the body into a Service request.
func (b AskBody) request(op ai.Operation) (ai.Request, error) {
	tone := b.Tone
	if tone == "" {
		tone = b.Audience
	}
	req := ai.Request{
		Operation: op,
		Audience:  ai.Audience(tone),
		Format:    ai.Format(b.Format),
		Language:  b.Language,
		Text:      b.Text,
		ObjectID:  stix.ID(strings.TrimSpace(b.ObjectID)),
	}
	switch strings.ToLower(b.Engine) {
	case "", "default":
	case "offline", "builtin":
		req.Offline = true
	default:
		return req, api.BadRequest("engine must be offline or empty, not %q", b.Engine)
	}
	if b.Marking != "" {
		tlp, err := stix.ParseTLP(b.Marking)
		if err != nil {
			return req, api.BadRequest("marking: %v", err)
		}
		req.Marking = &tlp
	}
	var err error
	if req.Since, err = parseDay("since", b.Since); err != nil {
		return req, err
	}
	req.Until, err = parseDay("until", b.Until)
	return req, err
}

// parseDay reads an RFC 3339 time or a YYYY-MM-DD date (its midnight, UTC).
func parseDay(name, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, api.BadRequest(
		"%s=%q is not a date such as 2024-01-31 or 2024-01-31T00:00:00Z",
		name,
		s,
	)
}
