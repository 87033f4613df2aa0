package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/tipster-cti/tipster/internal/auth"
	"github.com/tipster-cti/tipster/internal/stix"
	"github.com/tipster-cti/tipster/internal/store"
)

// AuthRepo keeps access control (users, tokens, sessions, failed logins,
// the audit log) in the store's database, shared by every server using it.
// It implements auth.Repository.
type AuthRepo struct{ pool *pgxpool.Pool }

// Auth returns the access-control repository of the store's database.
func (d *DB) Auth() auth.Repository { return &AuthRepo{pool: d.pool} }

// optTime is a nullable timestamptz: NULL for the zero time.
func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func fromOpt(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}

const userCols = `u.id, u.email, u.password_hash, u.role, u.clearance, u.disabled, u.created, u.updated`

func scanUser(row pgx.Row, extra ...any) (*auth.User, error) {
	var u auth.User
	var role string
	var clearance int
	dest := append(
		[]any{&u.ID, &u.Email, &u.PasswordHash, &role, &clearance, &u.Disabled, &u.Created, &u.Updated},
		extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	u.Role, u.Clearance = store.Role(role), stix.TLP(clearance)
	u.Created, u.Updated = u.Created.UTC(), u.Updated.UTC()
	return &u, nil
}

// CreateUser stores u and sets its id; auth.ErrExists when the address is taken in any case.
func (a *AuthRepo) CreateUser(ctx context.Context, u *auth.User) error {
	err := a.pool.QueryRow(ctx, `INSERT INTO users (email, password_hash, role, clearance, disabled, created, updated)
		VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (lower(email)) DO NOTHING RETURNING id`,
		u.Email, u.PasswordHash, string(u.Role), int(u.Clearance), u.Disabled, u.Created, u.Updated).
		Scan(&u.ID)
	if errors.Is(err, pgx.ErrNoRows) {
		return auth.ErrExists
	}
	if err != nil {
		return fmt.Errorf("postgres: create user: %w", err)
	}
	return nil
}

// UserByID returns a user, or auth.ErrNoSuchUser.
func (a *AuthRepo) UserByID(ctx context.Context, id int64) (*auth.User, error) {
	return a.oneUser(ctx, `SELECT `+userCols+` FROM users u WHERE u.id = $1`, id)
}

// UserByEmail returns a user by address in any case, or auth.ErrNoSuchUser.
func (a *AuthRepo) UserByEmail(ctx context.Context, email string) (*auth.User, error) {
	return a.oneUser(ctx, `SELECT `+userCols+` FROM users u WHERE lower(u.email) = lower($1)`, email)
}

func (a *AuthRepo) oneUser(ctx context.Context, q string, arg any) (*auth.User, error) {
	u, err := scanUser(a.pool.QueryRow(ctx, q, arg))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, auth.ErrNoSuchUser
	}
	if err != nil {
		return nil, fmt.Errorf("postgres: read user: %w", err)
	}
	return u, nil
}

// ListUsers returns every user by id.
func (a *AuthRepo) ListUsers(ctx context.Context) ([]auth.User, error) {
	rows, err := a.pool.Query(ctx, `SELECT `+userCols+` FROM users u ORDER BY u.id`)
	if err != nil {
		return nil, fmt.Errorf("postgres: list users: %w", err)
	}
	defer rows.Close()
	var out []auth.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("postgres: list users: %w", err)
		}
		out = append(out, *u)
	}
	return out, rows.Err()
}

// UpdateUser writes a user's changeable fields.
func (a *AuthRepo) UpdateUser(ctx context.Context, u *auth.User) error {
	tag, err := a.pool.Exec(
		ctx,
		`UPDATE users SET password_hash = $1, role = $2, clearance = $3, disabled = $4, updated = $5
		WHERE id = $6`,
		u.PasswordHash,
		string(u.Role),
		int(u.Clearance),
		u.Disabled,
		u.Updated,
		u.ID,
	)
	if err != nil {
		return fmt.Errorf("postgres: update user: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return auth.ErrNoSuchUser
	}
	return nil
}

// CountAdmins returns the number of enabled administrators.
func (a *AuthRepo) CountAdmins(ctx context.Context) (int, error) {
	var n int
	if err := a.pool.QueryRow(ctx, `SELECT count(*) FROM users WHERE role = 'admin' AND NOT disabled`).Scan(&n); err != nil {
		return 0, fmt.Errorf("postgres: count admins: %w", err)
	}
	return n, nil
}

// CreateToken stores t and sets its id.
func (a *AuthRepo) CreateToken(ctx context.Context, t *auth.Token) error {
	err := a.pool.QueryRow(ctx, `INSERT INTO api_tokens (user_id, name, hash, hint, created, expires)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, t.UserID, t.Name, t.Hash, t.Hint, t.Created, optTime(t.Expires)).Scan(&t.ID)
	if err != nil {
		return fmt.Errorf("postgres: create token: %w", err)
	}
	return nil
}

const tokenCols = `t.id, t.user_id, t.name, t.hint, t.created, t.expires, t.revoked, t.last_used`

// tokenDest receives a token's columns; its nullable times are copied
// into the token by finish.
type tokenDest struct {
	t                      auth.Token
	expires, revoked, used *time.Time
}

func (d *tokenDest) dest() []any {
	return []any{&d.t.ID, &d.t.UserID, &d.t.Name, &d.t.Hint, &d.t.Created, &d.expires, &d.revoked, &d.used}
}

func (d *tokenDest) finish() *auth.Token {
	d.t.Created, d.t.Expires, d.t.Revoked, d.t.LastUsed = d.t.Created.UTC(), fromOpt(
		d.expires,
	), fromOpt(
		d.revoked,
	), fromOpt(
		d.used,
	)
	return &d.t
}

// tokenTouchEvery is how often a token's last use is written.
const tokenTouchEvery = time.Minute

// TokenUser returns a token in force and its enabled user, or
// auth.ErrUnauthenticated, and records the token's use.
func (a *AuthRepo) TokenUser(
	ctx context.Context,
	hash string,
	now time.Time,
) (*auth.User, *auth.Token, error) {
	var d tokenDest
	u, err := scanUser(a.pool.QueryRow(ctx, `SELECT `+userCols+`, `+tokenCols+`
		FROM api_tokens t JOIN users u ON u.id = t.user_id
		WHERE t.hash = $1 AND t.revoked IS NULL AND (t.expires IS NULL OR t.expires > $2) AND NOT u.disabled`,
		hash, now), d.dest()...)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil, auth.ErrUnauthenticated
	}
	if err != nil {
		return nil, nil, fmt.Errorf("postgres: read token: %w", err)
	}
	t := d.finish()
	if now.Sub(t.LastUsed) >= tokenTouchEvery {
		if _, err := a.pool.Exec(ctx, `UPDATE api_tokens SET last_used = $1 WHERE id = $2`, now, t.ID); err != nil {
			return nil, nil, fmt.Errorf("postgres: token use: %w", err)
		}
		t.LastUsed = now
	}
	return u, t, nil
}

// ListTokens returns a user's tokens by id.
func (a *AuthRepo) ListTokens(ctx context.Context, userID int64) ([]auth.Token, error) {
	rows, err := a.pool.Query(
		ctx,
		`SELECT `+tokenCols+` FROM api_tokens t WHERE t.user_id = $1 ORDER BY t.id`,
		userID,
	)
	if err != nil {
		return nil, fmt.Errorf("postgres: list tokens: %w", err)
	}
	defer rows.Close()
	var out []auth.Token
	for rows.Next() {
		var d tokenDest
		if err := rows.Scan(d.dest()...); err != nil {
			return nil, fmt.Errorf("postgres: list tokens: %w", err)
		}
		out = append(out, *d.finish())
	}
	return out, rows.Err()
}

// RevokeToken marks a user's token revoked; revoking it again keeps the first time.
func (a *AuthRepo) RevokeToken(ctx context.Context, userID, tokenID int64, now time.Time) error {
	tag, err := a.pool.Exec(
		ctx,
		`UPDATE api_tokens SET revoked = coalesce(revoked, $1) WHERE id = $2 AND user_id = $3`,
		now,
		tokenID,
		userID,
	)
	if err != nil {
		return fmt.Errorf("postgres: revoke token: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return auth.ErrNoSuchToken
	}
	return nil
}

// CreateSession stores a session.
func (a *AuthRepo) CreateSession(ctx context.Context, s *auth.Session) error {
	return a.exec(
		ctx,
		"create session",
		`INSERT INTO sessions (hash, user_id, csrf, created, last_seen, expires)
		VALUES ($1, $2, $3, $4, $5, $6)`,
		s.Hash,
		s.UserID,
		s.CSRF,
		s.Created,
		s.LastSeen,
		s.Expires,
	)
}

// SessionUser returns a live session and its enabled user, or auth.ErrUnauthenticated.
func (a *AuthRepo) SessionUser(
	ctx context.Context,
	hash string,
	now time.Time,
) (*auth.Session, *auth.User, error) {
	var s auth.Session
	u, err := scanUser(
		a.pool.QueryRow(
			ctx,
			`SELECT `+userCols+`, s.hash, s.user_id, s.csrf, s.created, s.last_seen, s.expires
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.hash = $1 AND s.expires > $2 AND NOT u.disabled`,
			hash,
			now,
		),
		&s.Hash,
		&s.UserID,
		&s.CSRF,
		&s.Created,
		&s.LastSeen,
		&s.Expires,
	)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil, auth.ErrUnauthenticated
	}
	if err != nil {
		return nil, nil, fmt.Errorf("postgres: read session: %w", err)
	}
	s.Created, s.LastSeen, s.Expires = s.Created.UTC(), s.LastSeen.UTC(), s.Expires.UTC()
	return &s, u, nil
}

// TouchSession moves a session's last activity and expiry.
func (a *AuthRepo) TouchSession(ctx context.Context, hash string, lastSeen, expires time.Time) error {
	return a.exec(ctx, "touch session", `UPDATE sessions SET last_seen = $1, expires = $2 WHERE hash = $3`,
		lastSeen, expires, hash)
}

// DeleteSession ends a session.
func (a *AuthRepo) DeleteSession(ctx context.Context, hash string) error {
	return a.exec(ctx, "delete session", `DELETE FROM sessions WHERE hash = $1`, hash)
}

// DeleteUserSessions ends every session of a user.
func (a *AuthRepo) DeleteUserSessions(ctx context.Context, userID int64) error {
	return a.exec(ctx, "delete sessions", `DELETE FROM sessions WHERE user_id = $1`, userID)
}

// DeleteExpiredSessions removes sessions expired before now.
func (a *AuthRepo) DeleteExpiredSessions(ctx context.Context, now time.Time) error {
	return a.exec(ctx, "delete expired sessions", `DELETE FROM sessions WHERE expires <= $1`, now)
}

// AddFailure records a failed login.
func (a *AuthRepo) AddFailure(ctx context.Context, email, remote string, at time.Time) error {
	return a.exec(
		ctx,
		"record failed login",
		`INSERT INTO login_failures (email, remote, at) VALUES (lower($1), $2, $3)`,
		email,
		remote,
		at,
	)
}

// CountFailures counts the failures since a time by e-mail and by remote address.
func (a *AuthRepo) CountFailures(
	ctx context.Context,
	email, remote string,
	since time.Time,
) (auth.FailureCounts, error) {
	var c auth.FailureCounts
	var oldEmail, oldRemote *time.Time
	err := a.pool.QueryRow(ctx, `SELECT
		(SELECT count(*) FROM login_failures WHERE email = lower($1) AND at > $3),
		(SELECT min(at) FROM login_failures WHERE email = lower($1) AND at > $3),
		(SELECT count(*) FROM login_failures WHERE remote = $2 AND at > $3),
		(SELECT min(at) FROM login_failures WHERE remote = $2 AND at > $3)`, email, remote, since).
		Scan(&c.Email, &oldEmail, &c.Remote, &oldRemote)
	if err != nil {
		return c, fmt.Errorf("postgres: count failed logins: %w", err)
	}
	c.OldestEmail, c.OldestRemote = fromOpt(oldEmail), fromOpt(oldRemote)
	return c, nil
}

// ClearFailures forgets an address's failures and every failure older than before.
func (a *AuthRepo) ClearFailures(ctx context.Context, email string, before time.Time) error {
	return a.exec(
		ctx,
		"clear failed logins",
		`DELETE FROM login_failures WHERE email = lower($1) OR at <= $2`,
		email,
		before,
	)
}

// AppendAudit adds an audit entry and sets its id.
func (a *AuthRepo) AppendAudit(ctx context.Context, e *auth.Entry) error {
	err := a.pool.QueryRow(ctx, `INSERT INTO audit_log (at, actor, action, target, object_id, remote, outcome, detail)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, e.At, e.Actor, string(e.Action), e.Target,
		string(e.ObjectID), e.Remote, string(e.Outcome), e.Detail).
		Scan(&e.ID)
	if err != nil {
		return fmt.Errorf("postgres: audit: %w", err)
	}
	return nil
}

// ListAudit returns entries newest first; one that names an object is
// returned only when the object exists at or below the clearance.
func (a *AuthRepo) ListAudit(
	ctx context.Context,
	clearance stix.TLP,
	q auth.AuditQuery,
) ([]auth.Entry, error) {
	rows, err := a.pool.Query(
		ctx,
		`SELECT a.id, a.at, a.actor, a.action, a.target, a.object_id, a.remote, a.outcome, a.detail
		FROM audit_log a
		WHERE (a.object_id = '' OR EXISTS (SELECT 1 FROM objects o WHERE o.id = a.object_id AND o.eff_tlp <= $1))
		  AND ($2 = '' OR a.actor = $2) AND ($3 = '' OR a.action = $3) AND ($4 = 0 OR a.id < $4)
		ORDER BY a.id DESC LIMIT $5`,
		int(clearance),
		q.Actor,
		string(q.Action),
		q.Before,
		q.Limit,
	)
	if err != nil {
		return nil, fmt.Errorf("postgres: read audit log: %w", err)
	}
	defer rows.Close()
	var out []auth.Entry
	for rows.Next() {
		var e auth.Entry
		var action, object, outcome string
		if err := rows.Scan(&e.ID, &e.At, &e.Actor, &action, &e.Target, &object, &e.Remote, &outcome, &e.Detail); err != nil {
			return nil, fmt.Errorf("postgres: read audit log: %w", err)
		}
		e.At, e.Action, e.ObjectID, e.Outcome = e.At.UTC(), auth.Action(
			action,
		), stix.ID(
			object,
		), auth.Outcome(
			outcome,
		)
		out = append(out, e)
	}
	return out, rows.Err()
}

func (a *AuthRepo) exec(ctx context.Context, what, q string, args ...any) error {
	if _, err := a.pool.Exec(ctx, q, args...); err != nil {
		return fmt.Errorf("postgres: %s: %w", what, err)
	}
	return nil
}
