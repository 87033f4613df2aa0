package api

import (
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"strings"
)

// WantsStream reports whether the request's Accept asks for server-sent
// events.
func WantsStream(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept"), ",") {
		if mt, _, err := mime.ParseMediaType(strings.TrimSpace(part)); err == nil &&
			mt == "text/event-stream" {
			return true
		}
	}
	return false
}

// SSE writes server-sent events, each flushed at once. Its headers go out
// with the first event, so that a failure before any event is still an
// ordinary error response with its status.
type SSE struct {
	w       http.ResponseWriter
	rc      *http.ResponseController
	started bool
}

// NewSSE returns an event writer on w.
func NewSSE(w http.ResponseWriter) *SSE {
	return &SSE{w: w, rc: http.NewResponseController(w)}
}

// Started reports whether an event (and so the 200 status) has been sent.
func (s *SSE) Started() bool { return s.started }

// Event writes one event whose data is v as one line of JSON.
func (s *SSE) Event(name string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("api: encode %s event: %w", name, err)
	}
	if !s.started {
		h := s.w.Header()
		h.Set("Content-Type", "text/event-stream")
		h.Set("Cache-Control", "no-cache")
		h.Set("X-Accel-Buffering", "no") // nginx: do not buffer the stream
		s.w.WriteHeader(http.StatusOK)
		s.started = true
	}
	if _, err := fmt.Fprintf(s.w, "event: %s\ndata: %s\n\n", name, data); err != nil {
		return fmt.Errorf("api: write %s event: %w", name, err)
	}
	if err := s.rc.Flush(); err != nil {
		return fmt.Errorf("api: flush %s event: %w", name, err)
	}
	return nil
}
