// Package kbapi serves knowledge-base questions over the JSON API:
// POST /api/v1/ai/question (JSON, or server-sent events like the other
// Ask AI operations) and GET /api/v1/ai/question/index (the index's
// progress).
package kbapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"

	"github.com/tipster-cti/tipster/internal/ai"
	"github.com/tipster-cti/tipster/internal/ai/kb"
	"github.com/tipster-cti/tipster/internal/ai/kb/index"
	"github.com/tipster-cti/tipster/internal/ai/llm"
	"github.com/tipster-cti/tipster/internal/api"
	"github.com/tipster-cti/tipster/internal/store"
)

// MaxBodyBytes bounds a question's request body, history included.
const MaxBodyBytes = 256 << 10

// Handlers serve knowledge-base questions.
type Handlers struct {
	KB    *kb.Service
	Index *index.Index
	Model string // the embedding model, "" for none
	Log   *slog.Logger
}

// Register adds the routes; they take precedence over Ask AI's
// POST /api/v1/ai/{operation} by being more specific.
func (h *Handlers) Register(s *api.Server) {
	s.Handle("POST /api/v1/ai/question", h.ask)
	s.Handle("GET /api/v1/ai/question/index", h.status)
}

// Body is the JSON body of POST /api/v1/ai/question.
type Body struct {
	Question string    `json:"question"`
	History  []kb.Turn `json:"history"` // earlier turns, oldest first
	Engine   string    `json:"engine"`  // "offline" for the retrieved facts without a model
	Limit    string    `json:"limit"`   // "provider": retrieve only what the provider may receive
}

func (h *Handlers) ask(w http.ResponseWriter, r *http.Request, v store.Viewer) error {
	var b Body
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil && !errors.Is(err, io.EOF) {
		return api.BadRequest("body is not the expected JSON: {question, history, engine, limit}")
	}
	req := kb.Request{Question: b.Question, History: b.History, WithinLimit: b.Limit == "provider"}
	switch strings.ToLower(b.Engine) {
	case "", "default":
	case "offline", "builtin":
		req.Offline = true
	default:
		return api.BadRequest("engine must be offline or empty, not %q", b.Engine)
	}
	if !api.WantsStream(r) {
		a, err := h.KB.Ask(r.Context(), v, req, nil)
		if err != nil {
			return h.fail(w, r, err)
		}
		return writeJSON(w, http.StatusOK, a)
	}
	sse := api.NewSSE(w)
	a, err := h.KB.Ask(r.Context(), v, req, func(text string) error {
		return sse.Event("delta", map[string]string{"text": text})
	})
	switch {
	case err != nil && !sse.Started():
		return h.fail(w, r, err)
	case err != nil:
		h.Log.Warn("question failed", "err", err)
		if r.Context().Err() == nil {
			_ = sse.Event("error", problemOf(err)) // the client may be gone; nothing more to do
		}
		return nil
	}
	return sse.Event("done", a)
}

// Status is the body of GET /api/v1/ai/question/index.
type Status struct {
	index.Status
	Embeddings bool `json:"embeddings"` // an embedding model is configured
}

func (h *Handlers) status(w http.ResponseWriter, r *http.Request, v store.Viewer) error {
	s, err := h.Index.Status(r.Context(), h.Model, int(h.KB.AI.Settings().MaxTLP))
	if err != nil {
		return err
	}
	if s.Error != "" {
		s.Error = "the last embedding run failed; the server log says why"
	}
	return writeJSON(w, http.StatusOK, Status{Status: s, Embeddings: h.Model != ""})
}

// Problem is an error as a client sees it, in Ask AI's shape.
type Problem struct {
	Status  int    `json:"-"`
	Code    string `json:"code"`
	Message string `json:"message"`
	// OfflineAvailable says that engine "offline" would answer.
	OfflineAvailable bool `json:"offline_available"`
}

// problemOf maps an error to what a client may read; nil for errors the
// API's own responder handles.
func problemOf(err error) *Problem {
	var refused *ai.RefusedError
	var le *llm.Error
	switch {
	case errors.As(err, &refused):
		return &Problem{Status: http.StatusForbidden, Code: "tlp_refused", OfflineAvailable: true,
			Message: fmt.Sprintf(
				"The facts retrieved include %s content and the %s provider %s may receive at most %s. Nothing was sent; ask again with engine offline, or with limit provider.",
				refused.Content,
				refused.Location,
				refused.Provider,
				refused.Limit,
			)}
	case errors.Is(err, ai.ErrInput):
		return &Problem{
			Status:  http.StatusBadRequest,
			Code:    "bad_request",
			Message: "a question of 1 to 4000 bytes is required",
		}
	case errors.Is(err, ai.ErrDisabled):
		return &Problem{
			Status:  http.StatusServiceUnavailable,
			Code:    "ai_disabled",
			Message: "Ask AI is turned off on this server.",
		}
	case errors.As(err, &le) && le.Kind != llm.KindCanceled:
		return &Problem{
			Status:           http.StatusBadGateway,
			Code:             "ai_" + strings.ReplaceAll(le.Kind.String(), " ", "_"),
			OfflineAvailable: true,
			Message:          "The AI provider failed to answer; engine offline still answers with the retrieved facts.",
		}
	}
	return nil
}

func (h *Handlers) fail(w http.ResponseWriter, r *http.Request, err error) error {
	if errors.Is(err, ai.ErrForbidden) {
		return api.ErrForbidden
	}
	p := problemOf(err)
	if p == nil {
		return err
	}
	h.Log.Info("question refused", "path", r.URL.Path, "code", p.Code, "err", err)
	return writeJSON(w, p.Status, map[string]any{"error": p})
}

func writeJSON(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	return json.NewEncoder(w).Encode(v)
}
