package auth

import (
	"context"
	"crypto/subtle"
	"net"
	"net/http"
	"strings"

	"github.com/tipster-cti/tipster/internal/store"
)

// CookieName is the session cookie's name over plain HTTP; with
// Options.CookieSecure it is "__Host-" + CookieName, which browsers only
// accept when Secure, host-only and for the whole site.
const CookieName = "tipster_session"

// CSRFHeader and CSRFField carry the session's CSRF token on state-changing
// requests: fetch calls send the header, HTML forms the hidden field.
const (
	CSRFHeader = "X-CSRF-Token"
	CSRFField  = "csrf_token"
)

// Identity is who made a request and how they proved it.
type Identity struct {
	User    *User
	Session *Session // nil when the request used an API token
}

// Viewer is the store viewer of the identity.
func (id *Identity) Viewer() store.Viewer { return id.User.Viewer() }

// CSRF is the session's CSRF token; "" for API-token requests, which need none.
func (id *Identity) CSRF() string {
	if id.Session == nil {
		return ""
	}
	return id.Session.CSRF
}

// Authenticate returns who makes r. An Authorization header must hold a
// valid Bearer token (a bad one is not retried as a cookie); otherwise the
// session cookie must name a live session, and a state-changing request
// (any method but GET, HEAD and OPTIONS) must carry the session's CSRF
// token, or the result is ErrCSRF. Anything else is ErrUnauthenticated.
func (s *Service) Authenticate(r *http.Request) (*Identity, error) {
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, token, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") {
			return nil, ErrUnauthenticated
		}
		u, err := s.TokenUser(r.Context(), strings.TrimSpace(token))
		if err != nil {
			return nil, err
		}
		return &Identity{User: u}, nil
	}
	c, err := r.Cookie(s.cookieName())
	if err != nil {
		return nil, ErrUnauthenticated
	}
	sess, u, err := s.SessionUser(r.Context(), c.Value)
	if err != nil {
		return nil, err
	}
	if changesState(r.Method) && !validCSRF(r, sess.CSRF) {
		return nil, ErrCSRF
	}
	return &Identity{User: u, Session: sess}, nil
}

// Viewer returns the store viewer of r's credentials, for api.Authenticator.
func (s *Service) Viewer(r *http.Request) (store.Viewer, error) {
	id, err := s.Authenticate(r)
	if err != nil {
		return store.Viewer{}, err
	}
	return id.Viewer(), nil
}

func changesState(method string) bool {
	return method != http.MethodGet && method != http.MethodHead && method != http.MethodOptions
}

// validCSRF compares the request's CSRF token with the session's in
// constant time. The form field is read only from URL-encoded bodies, so
// that an upload is never buffered before its sender is known; multipart
// forms send the header.
func validCSRF(r *http.Request, want string) bool {
	got := r.Header.Get(CSRFHeader)
	if got == "" && strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		got = r.PostFormValue(CSRFField)
	}
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

func (s *Service) cookieName() string {
	if s.opt.CookieSecure {
		return "__Host-" + CookieName
	}
	return CookieName
}

// SessionCookie returns the value of r's session cookie, "" when none.
func (s *Service) SessionCookie(r *http.Request) string {
	if c, err := r.Cookie(s.cookieName()); err == nil {
		return c.Value
	}
	return ""
}

// SetSessionCookie gives the browser the session of a login: HttpOnly,
// SameSite=Lax, Secure when configured, for the whole site.
func (s *Service) SetSessionCookie(w http.ResponseWriter, l *Login) {
	http.SetCookie(w, &http.Cookie{Name: s.cookieName(), Value: l.SessionID, Path: "/",
		Expires: l.Expires, HttpOnly: true, Secure: s.opt.CookieSecure, SameSite: http.SameSiteLaxMode})
}

// ClearSessionCookie tells the browser to forget its session cookie.
func (s *Service) ClearSessionCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: s.cookieName(), Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.opt.CookieSecure, SameSite: http.SameSiteLaxMode})
}

// RemoteAddr is the host of r's remote address. Tipster does not trust
// X-Forwarded-For: behind a proxy every request shares the proxy's address,
// and the per-remote login limit then applies to all of them together.
func RemoteAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

type identityKey struct{}

// WithIdentity returns ctx carrying id, for pages below Middleware.
func WithIdentity(ctx context.Context, id *Identity) context.Context {
	return context.WithValue(ctx, identityKey{}, id)
}

// FromContext returns the identity Middleware or RequireLogin attached.
func FromContext(ctx context.Context) (*Identity, bool) {
	id, ok := ctx.Value(identityKey{}).(*Identity)
	return id, ok
}
