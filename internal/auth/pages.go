package auth

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
)

// LoginPath is where RequireLogin sends browsers without a session.
const LoginPath = "/login"

// Middleware attaches the identity of requests that have valid credentials
// (see FromContext) and passes every request on: for pages that anonymous
// visitors may see, such as the login page. A state-changing request with
// a session but without its CSRF token is refused with 403.
func (s *Service) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := s.Authenticate(r)
		switch {
		case errors.Is(err, ErrCSRF):
			http.Error(
				w,
				"Forbidden: "+ErrCSRF.Error()+". Reload the page and try again.",
				http.StatusForbidden,
			)
			return
		case err == nil:
			r = r.WithContext(WithIdentity(r.Context(), id))
		}
		next.ServeHTTP(w, r)
	})
}

// RequireLogin lets through requests with valid credentials, with their
// identity attached. Browsers asking for a page without them are sent to
// the login page, which sends them back after login; other requests get
// 401, and a state-changing request without the CSRF token 403.
func (s *Service) RequireLogin(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := s.Authenticate(r)
		switch {
		case err == nil:
			next.ServeHTTP(w, r.WithContext(WithIdentity(r.Context(), id)))
		case errors.Is(err, ErrCSRF):
			http.Error(
				w,
				"Forbidden: "+ErrCSRF.Error()+". Reload the page and try again.",
				http.StatusForbidden,
			)
		case errors.Is(err, ErrUnauthenticated) && (r.Method == http.MethodGet || r.Method == http.MethodHead):
			http.Redirect(w, r, LoginPath+"?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		case errors.Is(err, ErrUnauthenticated):
			http.Error(w, "Unauthorized: log in first.", http.StatusUnauthorized)
		default:
			s.log.Error("authentication failed", "path", r.URL.Path, "err", err)
			http.Error(w, "Internal error.", http.StatusInternalServerError)
		}
	})
}

// HandleLogin is the target of the login form (POST with email, password
// and next). It ends any session the browser held, starts a new one and
// sends the browser to next, a path on this site (default "/"). On failure
// it sends the browser back to LoginPath with error=invalid or error=rate
// and the same next. A form posted from another site (its Origin header
// names another host) is refused, so that nobody can log a victim into the
// attacker's account.
func (s *Service) HandleLogin(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "Method not allowed.", http.StatusMethodNotAllowed)
		return
	}
	if !SameOrigin(r) {
		http.Error(w, "Forbidden: cross-site login.", http.StatusForbidden)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	next := SafeNext(r.PostFormValue("next"))
	l, err := s.Login(
		r.Context(),
		r.PostFormValue("email"),
		r.PostFormValue("password"),
		RemoteAddr(r),
		s.SessionCookie(r),
	)
	var rl *RateLimitError
	switch {
	case err == nil:
		s.SetSessionCookie(w, l)
		http.Redirect(w, r, next, http.StatusSeeOther)
	case errors.Is(err, ErrInvalidCredentials):
		http.Redirect(w, r, LoginPath+"?error=invalid&next="+url.QueryEscape(next), http.StatusSeeOther)
	case errors.As(err, &rl):
		http.Redirect(w, r, LoginPath+"?error=rate&next="+url.QueryEscape(next), http.StatusSeeOther)
	default:
		s.log.Error("login failed", "err", err)
		http.Error(w, "Internal error.", http.StatusInternalServerError)
	}
}

// HandleLogout ends the session (POST, below RequireLogin so that the CSRF
// token is checked) and sends the browser to the login page.
func (s *Service) HandleLogout(w http.ResponseWriter, r *http.Request) {
	if err := s.Logout(r.Context(), s.SessionCookie(r), RemoteAddr(r)); err != nil {
		s.log.Error("logout failed", "err", err)
	}
	s.ClearSessionCookie(w)
	http.Redirect(w, r, LoginPath, http.StatusSeeOther)
}

// SafeNext returns next when it is a path on this site, else "/": never
// another host, so that the login form cannot redirect off site.
func SafeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Host != "" || u.Scheme != "" {
		return "/"
	}
	return next
}

// SameOrigin reports whether a form's Origin header, when the browser sent
// one, names the host the request was made to. Login forms check it, as
// they have no session and so no CSRF token yet.
func SameOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	return err == nil && u.Host == r.Host
}
