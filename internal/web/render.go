package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strings"

	"github.com/tipster-cti/tipster/internal/store"
)

// layout is what every page's frame shows: who is logged in, the CSRF token
// the script sends, and the navigation.
type layout struct {
	Title     string
	Nav       string // the navigation entry to highlight
	Viewer    store.Viewer
	LoggedIn  bool   // a real session, so the page offers "Log out"
	CSRFToken string // empty without access control
	Data      any    // the page's own data
}

// parse reads every page template together with the shared layout.
func (p *Pages) parse() error {
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return fmt.Errorf("web: templates: %w", err)
	}
	p.tmpl = map[string]*template.Template{}
	for _, n := range names {
		base := path.Base(n)
		if base == "layout.html" {
			continue
		}
		t, err := template.New(base).Funcs(funcs).ParseFS(templateFS, "templates/layout.html", n)
		if err != nil {
			return fmt.Errorf("web: template %s: %w", base, err)
		}
		p.tmpl[strings.TrimSuffix(base, ".html")] = t
	}
	return nil
}

// render writes the named page with status 200.
func (p *Pages) render(
	w http.ResponseWriter,
	r *http.Request,
	v store.Viewer,
	name, title, nav string,
	data any,
) error {
	return p.renderStatus(w, r, v, http.StatusOK, name, title, nav, data)
}

func (p *Pages) renderStatus(w http.ResponseWriter, r *http.Request, v store.Viewer, status int,
	name, title, nav string, data any) error {
	t, ok := p.tmpl[name]
	if !ok {
		return fmt.Errorf("web: no template %q", name)
	}
	l := layout{Title: title, Nav: nav, Viewer: v, Data: data, LoggedIn: p.Sessions != nil && v.Role != ""}
	if p.Sessions != nil {
		l.CSRFToken = p.Sessions.CSRFToken(r)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", l); err != nil {
		return fmt.Errorf("web: render %s: %w", name, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, err := buf.WriteTo(w)
	return err
}

// errForbidden is a page the viewer's role does not allow.
var errForbidden = errors.New("forbidden")

// errPage is an error with a status and a message safe to show.
type errPage struct {
	status  int
	message string
}

func (e *errPage) Error() string { return e.message }

// badRequest is a 400 whose message the user sees.
func badRequest(format string, args ...any) error {
	return &errPage{http.StatusBadRequest, fmt.Sprintf(format, args...)}
}

// fail renders the error page for err; internal error text is logged,
// never shown.
func (p *Pages) fail(w http.ResponseWriter, r *http.Request, v store.Viewer, err error) {
	status, msg := http.StatusInternalServerError, "Something went wrong on the server. The error was logged."
	var ep *errPage
	switch {
	case errors.As(err, &ep):
		status, msg = ep.status, ep.message
	case errors.Is(err, store.ErrNotFound):
		status, msg = http.StatusNotFound, "There is nothing here, or it is above your clearance."
	case errors.Is(err, errForbidden):
		status, msg = http.StatusForbidden, "Your role does not allow this page."
	case errors.Is(err, store.ErrBadQuery):
		status, msg = http.StatusBadRequest, "The search could not be understood: "+err.Error()
	case errors.Is(err, context.Canceled):
		return
	default:
		p.Log.Error("page failed", "path", r.URL.Path, "err", err)
	}
	data := struct {
		Status  int
		Message string
	}{status, msg}
	if rerr := p.renderStatus(w, r, v, status, "error", http.StatusText(status), "", data); rerr != nil {
		p.Log.Error("error page failed", "path", r.URL.Path, "err", rerr)
	}
}

func (p *Pages) notFound(w http.ResponseWriter, r *http.Request, v store.Viewer) error {
	return store.ErrNotFound
}

// contentSecurityPolicy allows only the binary's own scripts, styles and
// fetches: no inline script, no inline event handler, no plugin, no frame.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; " +
	"img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; " +
	"form-action 'self'; frame-ancestors 'none'"

// secure sets the headers every page and asset carries.
func secure(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", contentSecurityPolicy)
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Referrer-Policy", "same-origin")
		hd.Set("X-Frame-Options", "DENY")
		h.ServeHTTP(w, r)
	})
}

// cacheFor lets browsers keep static assets for an hour; they change only
// with the binary.
func cacheFor(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		h.ServeHTTP(w, r)
	})
}

// localPath returns target when it is a path on this server, "/"
// otherwise, so that a login link cannot send the user elsewhere.
func localPath(target string) string {
	if !strings.HasPrefix(target, "/") || strings.HasPrefix(target, "//") || strings.Contains(target, "\\") {
		return "/"
	}
	return target
}

// loginURL is the login page that comes back to target afterwards.
func loginURL(target string) string {
	return "/login?next=" + url.QueryEscape(localPath(target))
}
