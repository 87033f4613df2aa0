// Package api is Tipster's JSON API under /api/v1: one route table, one
// file per resource, handlers that return errors to one responder.
package api

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/tipster-cti/tipster/internal/store"
)

// Authenticator tells who makes a request. It returns ErrUnauthenticated
// when the request carries no valid credentials.
type Authenticator interface {
	Viewer(r *http.Request) (store.Viewer, error)
}

// ErrUnauthenticated is returned by an Authenticator for requests without
// valid credentials.
var ErrUnauthenticated = errors.New("authentication required")

// ErrForbidden is returned when the viewer may not do what they ask.
var ErrForbidden = errors.New("forbidden")

// Server serves the JSON API.
type Server struct {
	Store  store.Store
	Auth   Authenticator
	Log    *slog.Logger
	extras []route // routes registered by other features (Ask AI, users, documents)
}

// handlerFunc is the shape of every API handler: it acts for a viewer and
// returns an error for the responder to map to a status.
type handlerFunc func(w http.ResponseWriter, r *http.Request, v store.Viewer) error

type route struct {
	pattern string
	h       handlerFunc
}

// Handle adds a route, such as "POST /api/v1/ai/{operation}", served with
// the same authentication and error handling as the built-in ones.
func (s *Server) Handle(
	pattern string,
	h func(w http.ResponseWriter, r *http.Request, v store.Viewer) error,
) {
	s.extras = append(s.extras, route{pattern, h})
}

// Routes returns the API's handler.
func (s *Server) Routes() http.Handler {
	mux := http.NewServeMux()
	routes := []route{
		{"GET /api/v1/objects", s.listObjects},
		{"GET /api/v1/objects/{id}", s.getObject},
		{"GET /api/v1/objects/{id}/bundle", s.exportBundle},
		{"GET /api/v1/counts", s.counts},
		{"POST /api/v1/bundles", s.importBundle},
	}
	for _, rt := range append(routes, s.extras...) {
		mux.Handle(rt.pattern, s.wrap(rt.h))
	}
	mux.Handle("/api/", s.wrap(func(w http.ResponseWriter, r *http.Request, _ store.Viewer) error {
		if allow := allowed(mux, r); len(allow) > 0 {
			w.Header().Set("Allow", strings.Join(allow, ", "))
			return &Error{Status: http.StatusMethodNotAllowed, Code: "method_not_allowed",
				Message: r.Method + " is not allowed here; use " + strings.Join(allow, " or ")}
		}
		return errNoRoute
	}))
	return mux
}

// allowed lists the methods that a route other than the catch-all serves
// at r's path: the catch-all takes every request no route matches, so the
// mux's own 405 never happens.
func allowed(mux *http.ServeMux, r *http.Request) []string {
	var out []string
	for _, m := range []string{"GET", "POST", "PUT", "PATCH", "DELETE"} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := mux.Handler(probe); pattern != "" && pattern != "/api/" {
			out = append(out, m)
		}
	}
	return out
}

func (s *Server) wrap(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v, err := s.Auth.Viewer(r)
		if err != nil {
			s.respondError(w, r, err)
			return
		}
		if err := h(w, r, v); err != nil {
			s.respondError(w, r, err)
		}
	})
}

// writeJSON writes v with status.
func writeJSON(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	return json.NewEncoder(w).Encode(v)
}
