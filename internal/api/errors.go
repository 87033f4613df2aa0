package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/tipster-cti/tipster/internal/ingest"
	"github.com/tipster-cti/tipster/internal/stix"
	"github.com/tipster-cti/tipster/internal/store"
)

// Error is an error with a status and a message safe to show a client.
type Error struct {
	Status  int
	Code    string // machine-readable, e.g. "not_found"
	Message string // safe for the client
	Err     error  // the cause, for logs only
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// BadRequest returns a 400 error whose message the client sees.
func BadRequest(format string, args ...any) *Error {
	return &Error{Status: http.StatusBadRequest, Code: "bad_request", Message: fmt.Sprintf(format, args...)}
}

var errNoRoute = &Error{Status: http.StatusNotFound, Code: "not_found", Message: "no such endpoint"}

// classify maps an error to what the client may know of it. Internal error
// text never reaches a client.
func classify(err error) *Error {
	var e *Error
	var se *stix.SyntaxError
	switch {
	case errors.As(err, &e):
		return e
	case errors.Is(err, ErrUnauthenticated):
		return &Error{
			Status:  http.StatusUnauthorized,
			Code:    "unauthenticated",
			Message: "authentication required",
		}
	case errors.Is(err, ErrForbidden):
		return &Error{Status: http.StatusForbidden, Code: "forbidden", Message: "you may not do this"}
	case errors.Is(err, store.ErrNotFound):
		return &Error{Status: http.StatusNotFound, Code: "not_found", Message: "not found"}
	case errors.Is(err, store.ErrBadQuery):
		return &Error{Status: http.StatusBadRequest, Code: "bad_request", Message: err.Error()}
	case errors.As(err, &se):
		return &Error{
			Status:  http.StatusBadRequest,
			Code:    "bad_input",
			Message: "input is not a STIX bundle: " + se.Error(),
		}
	case errors.Is(err, ingest.ErrInput):
		return &Error{Status: http.StatusBadRequest, Code: "bad_input", Message: err.Error()}
	case errors.Is(err, context.Canceled):
		return &Error{Status: 499, Code: "canceled", Message: "request canceled"}
	}
	return &Error{Status: http.StatusInternalServerError, Code: "internal", Message: "internal error"}
}

func (s *Server) respondError(w http.ResponseWriter, r *http.Request, err error) {
	e := classify(err)
	if e.Status >= 500 {
		s.Log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	if e.Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="tipster"`)
	}
	writeJSON(w, e.Status, map[string]any{"error": map[string]string{"code": e.Code, "message": e.Message}})
}

// RespondError writes err as the API's JSON error, for handlers outside
// this package (the web UI's streams) that share the responder.
func (s *Server) RespondError(w http.ResponseWriter, r *http.Request, err error) {
	s.respondError(w, r, err)
}
