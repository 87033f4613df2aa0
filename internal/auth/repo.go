package auth

import (
	"context"
	"time"

	"github.com/tipster-cti/tipster/internal/stix"
)

// Repository keeps access-control state in a database. The SQLite and
// PostgreSQL stores implement it (their Auth method); the tests of
// internal/cli run the same scenario over both.
type Repository interface {
	Users
	Tokens
	Sessions
	Failures
	AuditLog
}

// Users keeps accounts.
type Users interface {
	// CreateUser stores u and sets u.ID; ErrExists when the e-mail (in any
	// case) is taken.
	CreateUser(ctx context.Context, u *User) error
	// UserByID returns a user, or ErrNoSuchUser.
	UserByID(ctx context.Context, id int64) (*User, error)
	// UserByEmail returns a user by e-mail address in any case, or ErrNoSuchUser.
	UserByEmail(ctx context.Context, email string) (*User, error)
	// ListUsers returns every user by id.
	ListUsers(ctx context.Context) ([]User, error)
	// UpdateUser writes u's role, clearance, disabled flag, password hash
	// and updated time; ErrNoSuchUser when it does not exist.
	UpdateUser(ctx context.Context, u *User) error
	// CountAdmins returns the number of enabled administrators.
	CountAdmins(ctx context.Context) (int, error)
}

// Tokens keeps API tokens.
type Tokens interface {
	// CreateToken stores t and sets t.ID.
	CreateToken(ctx context.Context, t *Token) error
	// TokenUser returns the token with this hash and its user, if the token
	// is neither revoked nor expired at now and the user is enabled;
	// otherwise ErrUnauthenticated. It records now as the token's last use.
	TokenUser(ctx context.Context, hash string, now time.Time) (*User, *Token, error)
	// ListTokens returns a user's tokens by id, revoked ones included.
	ListTokens(ctx context.Context, userID int64) ([]Token, error)
	// RevokeToken marks a user's token revoked at now; ErrNoSuchToken when
	// the user has no such token.
	RevokeToken(ctx context.Context, userID, tokenID int64, now time.Time) error
}

// Sessions keeps browser sessions.
type Sessions interface {
	// CreateSession stores a new session.
	CreateSession(ctx context.Context, s *Session) error
	// SessionUser returns the session with this hash and its user, if the
	// session has not expired at now and the user is enabled; otherwise
	// ErrUnauthenticated.
	SessionUser(ctx context.Context, hash string, now time.Time) (*Session, *User, error)
	// TouchSession moves a session's last activity and expiry.
	TouchSession(ctx context.Context, hash string, lastSeen, expires time.Time) error
	// DeleteSession ends one session; ending an unknown one is not an error.
	DeleteSession(ctx context.Context, hash string) error
	// DeleteUserSessions ends every session of a user.
	DeleteUserSessions(ctx context.Context, userID int64) error
	// DeleteExpiredSessions removes sessions expired before now.
	DeleteExpiredSessions(ctx context.Context, now time.Time) error
}

// Failures keeps failed logins for rate limiting.
type Failures interface {
	// AddFailure records a failed login for an e-mail address from a remote address.
	AddFailure(ctx context.Context, email, remote string, at time.Time) error
	// CountFailures returns the failures since a time for the e-mail
	// address (in any case) and for the remote address, and the oldest of
	// each set's times (zero when none).
	CountFailures(ctx context.Context, email, remote string, since time.Time) (FailureCounts, error)
	// ClearFailures forgets the failures of an e-mail address, after a
	// successful login, and every failure older than before.
	ClearFailures(ctx context.Context, email string, before time.Time) error
}

// FailureCounts are the recent failed logins of one attempt's keys.
type FailureCounts struct {
	Email, Remote             int
	OldestEmail, OldestRemote time.Time
}

// AuditLog keeps the audit log.
type AuditLog interface {
	// AppendAudit adds an entry and sets e.ID.
	AppendAudit(ctx context.Context, e *Entry) error
	// ListAudit returns entries newest first. Entries that name an object
	// are left out unless that object exists and its effective TLP is at
	// most clearance; the filter is part of the query.
	ListAudit(ctx context.Context, clearance stix.TLP, q AuditQuery) ([]Entry, error)
}
