// Package web is Tipster's browser interface: server-rendered pages from
// embedded html/template files, a small embedded script for Ask AI, imports
// and status, and the security headers that keep untrusted text inert.
package web

import (
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"

	"github.com/tipster-cti/tipster/internal/config"
	"github.com/tipster-cti/tipster/internal/store"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Authenticator tells who makes a request; it is the API's authenticator,
// so pages and API agree on the viewer. It returns an error wrapping
// ErrUnauthenticated when the request carries no valid session.
type Authenticator interface {
	Viewer(r *http.Request) (store.Viewer, error)
}

// Sessions is what access control offers the pages: logging in and out and
// the CSRF token of the request's session. It is nil in a build without
// access control, where everyone acts as the local administrator.
type Sessions interface {
	// Login checks the credentials and, when they hold, sets the session
	// cookie on w. It returns an error wrapping ErrBadCredentials when
	// they do not.
	Login(w http.ResponseWriter, r *http.Request, email, password string) error
	// Logout ends the request's session and clears its cookie.
	Logout(w http.ResponseWriter, r *http.Request) error
	// CSRFToken returns the token that state-changing requests of the
	// request's session must carry in X-CSRF-Token or csrf_token.
	CSRFToken(r *http.Request) string
}

// UserLister lists the accounts for the admin's users page.
type UserLister interface {
	Users(r *http.Request) ([]User, error)
}

// User is one account as the users page shows it.
type User struct {
	Email     string
	Role      store.Role
	Clearance string
	Disabled  bool
}

// ErrUnauthenticated is what an Authenticator's error wraps when the
// request has no valid session; pages then redirect to /login.
var ErrUnauthenticated = errors.New("authentication required")

// ErrBadCredentials is what Sessions.Login's error wraps when the e-mail or
// password is wrong.
var ErrBadCredentials = errors.New("wrong e-mail or password")

// Pages serves the web interface.
type Pages struct {
	Store  store.Store
	Auth   Authenticator
	Config config.Config
	Log    *slog.Logger
	// Sessions is nil when the build has no access control.
	Sessions Sessions
	// Users lists accounts; nil when the build has no access control.
	Users UserLister
	// IsUnauthenticated reports whether an Authenticator error means "no
	// session"; default errors.Is(err, ErrUnauthenticated).
	IsUnauthenticated func(error) bool

	tmpl map[string]*template.Template
}

// Register parses the templates and mounts every page and the static
// assets on mux, which serves everything outside /api/.
func (p *Pages) Register(mux *http.ServeMux) error {
	if err := p.parse(); err != nil {
		return err
	}
	if p.IsUnauthenticated == nil {
		p.IsUnauthenticated = func(err error) bool { return errors.Is(err, ErrUnauthenticated) }
	}
	static, err := fs.Sub(staticFS, "static")
	if err != nil {
		return fmt.Errorf("web: static assets: %w", err)
	}
	mux.Handle("GET /static/", secure(cacheFor(http.StripPrefix("/static/", http.FileServerFS(static)))))
	mux.Handle("GET /login", secure(http.HandlerFunc(p.loginPage)))
	mux.Handle("POST /login", secure(http.HandlerFunc(p.login)))
	mux.Handle("POST /logout", secure(http.HandlerFunc(p.logout)))
	for _, rt := range p.routes() {
		mux.Handle(rt.pattern, secure(p.wrap(rt.h, rt.admin)))
	}
	return nil
}

// page is the shape of a page handler: it acts for a viewer and returns an
// error for one responder to turn into an error page.
type page func(w http.ResponseWriter, r *http.Request, v store.Viewer) error

type route struct {
	pattern string
	h       page
	admin   bool
}

func (p *Pages) routes() []route {
	return []route{
		{"GET /{$}", p.dashboard, false},
		{"GET /reports", p.reports, false},
		{"GET /search", p.search, false},
		{"GET /objects/{id}", p.object, false},
		{"GET /objects/{id}/original", p.original, false},
		{"GET /import", p.importPage, false},
		{"GET /ask", p.askPage, false},
		{"GET /audit", p.auditPage, false},
		{"GET /settings", p.settings, true},
		{"GET /users", p.users, true},
		{"/", p.notFound, false},
	}
}

// wrap resolves the viewer once, sends browsers without a session to the
// login page and turns errors into error pages.
func (p *Pages) wrap(h page, admin bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v, err := p.Auth.Viewer(r)
		if err != nil {
			p.denied(w, r, err)
			return
		}
		if admin && !v.IsAdmin() {
			p.fail(w, r, v, errForbidden)
			return
		}
		if err := h(w, r, v); err != nil {
			p.fail(w, r, v, err)
		}
	})
}

// denied answers a request whose viewer could not be resolved.
func (p *Pages) denied(w http.ResponseWriter, r *http.Request, err error) {
	if p.IsUnauthenticated(err) {
		http.Redirect(w, r, loginURL(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	p.Log.Error("resolving the viewer failed", "path", r.URL.Path, "err", err)
	http.Error(w, "Tipster could not check your session. Try again.", http.StatusInternalServerError)
}
