// Package auth is Tipster's access control: users with a role and a TLP
// clearance, Argon2id passwords, API tokens, browser sessions with CSRF
// tokens, login rate limiting and the audit log. It turns a request's
// credentials into the store.Viewer whose clearance every store read takes.
//
// All state lives in the database behind Repository, never in process
// memory, so that several servers sharing one PostgreSQL database agree on
// sessions, revocations and failed-login counts.
package auth

import (
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/tipster-cti/tipster/internal/stix"
	"github.com/tipster-cti/tipster/internal/store"
)

// Errors callers branch on. Their text is safe to show a client.
var (
	// ErrUnauthenticated means the request carries no valid credentials.
	ErrUnauthenticated = errors.New("authentication required")
	// ErrInvalidCredentials means a login failed; it does not say whether
	// the e-mail address, the password or the account's state was wrong.
	ErrInvalidCredentials = errors.New("wrong e-mail address or password")
	// ErrCSRF means a state-changing request made with a session cookie
	// lacks the session's CSRF token.
	ErrCSRF = errors.New("missing or wrong CSRF token")
	// ErrExists means a user with that e-mail address already exists.
	ErrExists = errors.New("a user with this e-mail address already exists")
	// ErrLastAdmin means a change would leave no enabled administrator.
	ErrLastAdmin = errors.New("this would leave no enabled administrator")
	// ErrNoSuchUser means the user does not exist; it matches store.ErrNotFound.
	ErrNoSuchUser = fmt.Errorf("no such user: %w", store.ErrNotFound)
	// ErrNoSuchToken means the token does not exist for that user; it
	// matches store.ErrNotFound.
	ErrNoSuchToken = fmt.Errorf("no such token: %w", store.ErrNotFound)
)

// InputError is a value a caller gave that cannot be used, such as a short
// password or an unknown role; its text is safe to show a client.
type InputError struct{ Msg string }

func (e *InputError) Error() string { return e.Msg }

func badInput(format string, args ...any) error {
	return &InputError{Msg: fmt.Sprintf(format, args...)}
}

// RateLimitError means too many logins failed recently for the e-mail
// address or the remote address; no password is checked until RetryAfter.
type RateLimitError struct{ RetryAfter time.Duration }

func (e *RateLimitError) Error() string {
	return fmt.Sprintf("too many failed logins; try again in %s", e.RetryAfter.Round(time.Second))
}

// User is an account.
type User struct {
	ID           int64
	Email        string
	Role         store.Role
	Clearance    stix.TLP
	Disabled     bool
	Created      time.Time
	Updated      time.Time
	PasswordHash string // PHC-format Argon2id hash; "" when the user has no password
}

// Viewer is the store viewer of u: its e-mail, clearance and role.
func (u *User) Viewer() store.Viewer {
	return store.Viewer{Name: u.Email, Clearance: u.Clearance, Role: u.Role}
}

// Token is an API token as stored: its hash, never its value.
type Token struct {
	ID       int64
	UserID   int64
	Name     string
	Hint     string // the first characters of the token, to tell tokens apart
	Hash     string
	Created  time.Time
	Expires  time.Time // zero: never
	Revoked  time.Time // zero: in force
	LastUsed time.Time // zero: never used
}

// Session is a browser session as stored: the hash of its cookie value.
type Session struct {
	Hash     string
	UserID   int64
	CSRF     string // the token state-changing requests must carry
	Created  time.Time
	LastSeen time.Time
	Expires  time.Time
}

// Options tune a Service; zero fields take the defaults.
type Options struct {
	// SessionTTL is how long a session lasts without activity; default 12h.
	SessionTTL time.Duration
	// SessionMaxAge bounds a session's life whatever its activity; default 7 days.
	SessionMaxAge time.Duration
	// CookieSecure marks the session cookie Secure (HTTPS only).
	CookieSecure bool
	// Password is the Argon2id cost; default DefaultPasswordParams.
	Password PasswordParams
	// Limit is the login rate limit; default DefaultLimit.
	Limit Limit
	// Now is the clock; default time.Now.
	Now func() time.Time
}

// Service is access control over a Repository.
type Service struct {
	repo Repository
	opt  Options
	log  *slog.Logger

	dummyOnce sync.Once
	dummy     string // a hash no password matches, for unknown users
}

// New returns a Service keeping its state in repo.
func New(repo Repository, opt Options, log *slog.Logger) *Service {
	if opt.SessionTTL <= 0 {
		opt.SessionTTL = 12 * time.Hour
	}
	if opt.SessionMaxAge <= 0 {
		opt.SessionMaxAge = 7 * 24 * time.Hour
	}
	if opt.Password == (PasswordParams{}) {
		opt.Password = DefaultPasswordParams
	}
	if opt.Limit == (Limit{}) {
		opt.Limit = DefaultLimit
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{repo: repo, opt: opt, log: log}
}

func (s *Service) now() time.Time { return s.opt.Now().UTC() }
