package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/tipster-cti/tipster/internal/api"
	"github.com/tipster-cti/tipster/internal/auth"
	"github.com/tipster-cti/tipster/internal/config"
	"github.com/tipster-cti/tipster/internal/store"
	"github.com/tipster-cti/tipster/internal/web"
)

func init() {
	features = append(features, feature{name: "access control", order: 10, setup: setupAuth})
}

// authBackend is a store whose database also keeps access control; both
// the SQLite and the PostgreSQL stores are.
type authBackend interface {
	Auth() auth.Repository
}

// newAuthService returns the access-control service over the store's database.
func newAuthService(st store.Store, cfg config.Config, log *slog.Logger) (*auth.Service, error) {
	b, ok := st.(authBackend)
	if !ok {
		return nil, errors.New("this store cannot keep users and sessions")
	}
	opt, err := authOptions(cfg)
	if err != nil {
		return nil, err
	}
	return auth.New(b.Auth(), opt, log), nil
}

// authOptions reads APP__SESSION_TTL and APP__COOKIE_SECURE.
func authOptions(cfg config.Config) (auth.Options, error) {
	var opt auth.Options
	ttl, err := time.ParseDuration(cfg.Get("APP__SESSION_TTL"))
	if err != nil || ttl <= 0 {
		return opt, fmt.Errorf(
			"APP__SESSION_TTL=%q is not a positive duration such as 12h",
			cfg.Get("APP__SESSION_TTL"),
		)
	}
	opt.SessionTTL = ttl
	switch v := strings.ToLower(cfg.Get("APP__COOKIE_SECURE")); v {
	case "true":
		opt.CookieSecure = true
	case "false":
	case "auto", "":
		opt.CookieSecure = strings.HasPrefix(strings.ToLower(cfg.Get("APP__BASE_URL")), "https://")
	default:
		return opt, fmt.Errorf("APP__COOKIE_SECURE=%q: want true, false or auto", v)
	}
	return opt, nil
}

// setupAuth makes every API request authenticate, creates the first
// administrator, audits API imports and exports, and adds the routes of
// users, tokens and the audit log.
func setupAuth(ctx context.Context, a *app) error {
	svc, err := newAuthService(a.Store, a.Config, a.Log)
	if err != nil {
		return err
	}
	b, err := svc.Bootstrap(ctx, auth.Bootstrap{Email: a.Config.Get("APP__ADMIN__EMAIL"),
		Password: a.Config.Get(
			"APP__ADMIN__PASSWORD",
		), Token: a.Config.Get("APP__ADMIN__TOKEN"), Generate: a.Demo})
	if err != nil {
		return err
	}
	if b.Created {
		a.Log.Info("administrator created", "user", b.Email)
	}
	if b.Password != "" {
		a.LoginHint = append(a.LoginHint,
			fmt.Sprintf("Log in as %s with this password, shown only now:", b.Email),
			"  "+b.Password,
			"(change it with `tipster user reset-password "+b.Email+"`)")
	}
	access := api.Access{Service: svc}
	a.API.Auth = authenticator{access}
	a.API.Store = svc.AuditedStore(a.Store)
	access.Register(a.API)
	return nil
}

// authenticator is the API's authenticator, shared with the web pages: its
// "log in first" error is both api.ErrUnauthenticated (401 from the API)
// and web.ErrUnauthenticated (a redirect to /login from the pages).
type authenticator struct{ api.Access }

func (au authenticator) Viewer(r *http.Request) (store.Viewer, error) {
	v, err := au.Access.Viewer(r)
	if errors.Is(err, api.ErrUnauthenticated) {
		return v, errors.Join(api.ErrUnauthenticated, web.ErrUnauthenticated)
	}
	return v, err
}

// authService returns the access-control service wired into a, or nil in
// a build without access control; for the features set up after it.
func authService(a *app) *auth.Service {
	if au, ok := a.API.Auth.(authenticator); ok {
		return au.Service
	}
	return nil
}

// webAccess is what the web pages need of access control: set
// web.Pages.Sessions, Users and IsUnauthenticated from it.
func webAccess(a *app) (web.Sessions, web.UserLister, func(error) bool) {
	svc := authService(a)
	if svc == nil {
		return nil, nil, nil
	}
	wa := webSessions{svc}
	return wa, wa, func(err error) bool { return errors.Is(err, api.ErrUnauthenticated) }
}

// webSessions adapts auth.Service to the web pages' interfaces.
type webSessions struct{ svc *auth.Service }

// Login starts a session for the form's credentials, ending the one the
// browser held. Rate-limited attempts are refused like wrong passwords,
// without the password being checked.
func (s webSessions) Login(w http.ResponseWriter, r *http.Request, email, password string) error {
	if !auth.SameOrigin(r) {
		return errors.New("login form posted from another site")
	}
	l, err := s.svc.Login(r.Context(), email, password, auth.RemoteAddr(r), s.svc.SessionCookie(r))
	var rl *auth.RateLimitError
	switch {
	case errors.Is(err, auth.ErrInvalidCredentials):
		return fmt.Errorf("%w", web.ErrBadCredentials)
	case errors.As(err, &rl):
		return fmt.Errorf("%w (%w)", web.ErrBadCredentials, rl)
	case err != nil:
		return err
	}
	s.svc.SetSessionCookie(w, l)
	return nil
}

// Logout ends the request's session and clears its cookie.
func (s webSessions) Logout(w http.ResponseWriter, r *http.Request) error {
	err := s.svc.Logout(r.Context(), s.svc.SessionCookie(r), auth.RemoteAddr(r))
	s.svc.ClearSessionCookie(w)
	return err
}

// CSRFToken returns the CSRF token of the request's session, "" without one.
func (s webSessions) CSRFToken(r *http.Request) string {
	if id, ok := auth.FromContext(r.Context()); ok {
		return id.CSRF()
	}
	sess, _, err := s.svc.SessionUser(r.Context(), s.svc.SessionCookie(r))
	if err != nil {
		return ""
	}
	return sess.CSRF
}

// Users lists the accounts for the users page.
func (s webSessions) Users(r *http.Request) ([]web.User, error) {
	users, err := s.svc.ListUsers(r.Context())
	if err != nil {
		return nil, err
	}
	out := make([]web.User, len(users))
	for i, u := range users {
		out[i] = web.User{Email: u.Email, Role: u.Role, Clearance: u.Clearance.String(), Disabled: u.Disabled}
	}
	return out, nil
}
