package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/tipster-cti/tipster/internal/auth"
	"github.com/tipster-cti/tipster/internal/stix"
	"github.com/tipster-cti/tipster/internal/store"
)

// AuthRepo keeps access control (users, tokens, sessions, failed logins,
// the audit log) in the store's database file. It implements
// auth.Repository.
type AuthRepo struct{ db *sql.DB }

// Auth returns the access-control repository of the store's database.
func (d *DB) Auth() auth.Repository { return &AuthRepo{db: d.db} }

// authLayout writes times as fixed-width UTC text, so that text order is
// time order in comparisons.
const authLayout = "2006-01-02T15:04:05.000000Z"

func authTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(authLayout)
}

func parseAuthTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(authLayout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("sqlite: stored time %q: %w", s, err)
	}
	return t, nil
}

// parseAuthTimes parses pairs of text and destination.
func parseAuthTimes(pairs ...any) error {
	for i := 0; i+1 < len(pairs); i += 2 {
		t, err := parseAuthTime(pairs[i].(string))
		if err != nil {
			return err
		}
		*pairs[i+1].(*time.Time) = t
	}
	return nil
}

const userCols = `u.id, u.email, u.password_hash, u.role, u.clearance, u.disabled, u.created, u.updated`

func scanUser(s scanner, extra ...any) (*auth.User, error) {
	var u auth.User
	var role, created, updated string
	var clearance int
	dest := append(
		[]any{&u.ID, &u.Email, &u.PasswordHash, &role, &clearance, &u.Disabled, &created, &updated},
		extra...)
	if err := s.Scan(dest...); err != nil {
		return nil, err
	}
	u.Role, u.Clearance = store.Role(role), stix.TLP(clearance)
	if err := parseAuthTimes(created, &u.Created, updated, &u.Updated); err != nil {
		return nil, err
	}
	return &u, nil
}

// CreateUser stores u and sets its id.
func (a *AuthRepo) CreateUser(ctx context.Context, u *auth.User) error {
	res, err := a.db.ExecContext(
		ctx,
		`INSERT INTO users (email, password_hash, role, clearance, disabled, created, updated)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (email) DO NOTHING`,
		u.Email,
		u.PasswordHash,
		string(u.Role),
		int(u.Clearance),
		u.Disabled,
		authTime(u.Created),
		authTime(u.Updated),
	)
	if err != nil {
		return fmt.Errorf("sqlite: create user: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return auth.ErrExists
	}
	u.ID, err = res.LastInsertId()
	return err
}

// UserByID returns a user, or auth.ErrNoSuchUser.
func (a *AuthRepo) UserByID(ctx context.Context, id int64) (*auth.User, error) {
	return a.oneUser(ctx, `SELECT `+userCols+` FROM users u WHERE u.id = ?`, id)
}

// UserByEmail returns a user by address in any case, or auth.ErrNoSuchUser.
func (a *AuthRepo) UserByEmail(ctx context.Context, email string) (*auth.User, error) {
	return a.oneUser(ctx, `SELECT `+userCols+` FROM users u WHERE u.email = ?`, email)
}

func (a *AuthRepo) oneUser(ctx context.Context, q string, arg any) (*auth.User, error) {
	u, err := scanUser(a.db.QueryRowContext(ctx, q, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, auth.ErrNoSuchUser
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: read user: %w", err)
	}
	return u, nil
}

// ListUsers returns every user by id.
func (a *AuthRepo) ListUsers(ctx context.Context) ([]auth.User, error) {
	rows, err := a.db.QueryContext(ctx, `SELECT `+userCols+` FROM users u ORDER BY u.id`)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list users: %w", err)
	}
	defer rows.Close()
	var out []auth.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *u)
	}
	return out, rows.Err()
}

// UpdateUser writes a user's changeable fields.
func (a *AuthRepo) UpdateUser(ctx context.Context, u *auth.User) error {
	res, err := a.db.ExecContext(
		ctx,
		`UPDATE users SET password_hash = ?, role = ?, clearance = ?, disabled = ?, updated = ?
		WHERE id = ?`,
		u.PasswordHash,
		string(u.Role),
		int(u.Clearance),
		u.Disabled,
		authTime(u.Updated),
		u.ID,
	)
	if err != nil {
		return fmt.Errorf("sqlite: update user: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return auth.ErrNoSuchUser
	}
	return nil
}

// CountAdmins returns the number of enabled administrators.
func (a *AuthRepo) CountAdmins(ctx context.Context) (int, error) {
	var n int
	err := a.db.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE role = 'admin' AND disabled = 0`).
		Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("sqlite: count admins: %w", err)
	}
	return n, nil
}

// CreateToken stores t and sets its id.
func (a *AuthRepo) CreateToken(ctx context.Context, t *auth.Token) error {
	res, err := a.db.ExecContext(ctx, `INSERT INTO api_tokens (user_id, name, hash, hint, created, expires)
		VALUES (?, ?, ?, ?, ?, ?)`, t.UserID, t.Name, t.Hash, t.Hint, authTime(t.Created), authTime(t.Expires))
	if err != nil {
		return fmt.Errorf("sqlite: create token: %w", err)
	}
	t.ID, err = res.LastInsertId()
	return err
}

const tokenCols = `t.id, t.user_id, t.name, t.hint, t.created, t.expires, t.revoked, t.last_used`

func scanToken(s scanner) (*auth.Token, error) {
	var t auth.Token
	var created, expires, revoked, used string
	if err := s.Scan(&t.ID, &t.UserID, &t.Name, &t.Hint, &created, &expires, &revoked, &used); err != nil {
		return nil, err
	}
	err := parseAuthTimes(created, &t.Created, expires, &t.Expires, revoked, &t.Revoked, used, &t.LastUsed)
	return &t, err
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
	row := a.db.QueryRowContext(
		ctx,
		`SELECT `+userCols+`, `+tokenCols+` FROM api_tokens t JOIN users u ON u.id = t.user_id
		WHERE t.hash = ? AND t.revoked = '' AND (t.expires = '' OR t.expires > ?) AND u.disabled = 0`,
		hash,
		authTime(now),
	)
	var t auth.Token
	var created, expires, revoked, used string
	u, err := scanUser(row, &t.ID, &t.UserID, &t.Name, &t.Hint, &created, &expires, &revoked, &used)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, auth.ErrUnauthenticated
	}
	if err == nil {
		err = parseAuthTimes(created, &t.Created, expires, &t.Expires, revoked, &t.Revoked, used, &t.LastUsed)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("sqlite: read token: %w", err)
	}
	if now.Sub(t.LastUsed) >= tokenTouchEvery {
		if _, err := a.db.ExecContext(ctx, `UPDATE api_tokens SET last_used = ? WHERE id = ?`, authTime(now), t.ID); err != nil {
			return nil, nil, fmt.Errorf("sqlite: token use: %w", err)
		}
		t.LastUsed = now
	}
	return u, &t, nil
}

// ListTokens returns a user's tokens by id.
func (a *AuthRepo) ListTokens(ctx context.Context, userID int64) ([]auth.Token, error) {
	rows, err := a.db.QueryContext(
		ctx,
		`SELECT `+tokenCols+` FROM api_tokens t WHERE t.user_id = ? ORDER BY t.id`,
		userID,
	)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list tokens: %w", err)
	}
	defer rows.Close()
	var out []auth.Token
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *t)
	}
	return out, rows.Err()
}

// RevokeToken marks a user's token revoked; revoking it again keeps the first time.
func (a *AuthRepo) RevokeToken(ctx context.Context, userID, tokenID int64, now time.Time) error {
	res, err := a.db.ExecContext(
		ctx,
		`UPDATE api_tokens SET revoked = CASE WHEN revoked = '' THEN ? ELSE revoked END
		WHERE id = ? AND user_id = ?`,
		authTime(now),
		tokenID,
		userID,
	)
	if err != nil {
		return fmt.Errorf("sqlite: revoke token: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return auth.ErrNoSuchToken
	}
	return nil
}

// CreateSession stores a session.
func (a *AuthRepo) CreateSession(ctx context.Context, s *auth.Session) error {
	_, err := a.db.ExecContext(ctx, `INSERT INTO sessions (hash, user_id, csrf, created, last_seen, expires)
		VALUES (?, ?, ?, ?, ?, ?)`, s.Hash, s.UserID, s.CSRF, authTime(s.Created), authTime(s.LastSeen), authTime(s.Expires))
	if err != nil {
		return fmt.Errorf("sqlite: create session: %w", err)
	}
	return nil
}

// SessionUser returns a live session and its enabled user, or auth.ErrUnauthenticated.
func (a *AuthRepo) SessionUser(
	ctx context.Context,
	hash string,
	now time.Time,
) (*auth.Session, *auth.User, error) {
	row := a.db.QueryRowContext(
		ctx,
		`SELECT `+userCols+`, s.hash, s.user_id, s.csrf, s.created, s.last_seen, s.expires
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.hash = ? AND s.expires > ? AND u.disabled = 0`,
		hash,
		authTime(now),
	)
	var s auth.Session
	var created, seen, expires string
	u, err := scanUser(row, &s.Hash, &s.UserID, &s.CSRF, &created, &seen, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, auth.ErrUnauthenticated
	}
	if err == nil {
		err = parseAuthTimes(created, &s.Created, seen, &s.LastSeen, expires, &s.Expires)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("sqlite: read session: %w", err)
	}
	return &s, u, nil
}

// TouchSession moves a session's last activity and expiry.
func (a *AuthRepo) TouchSession(ctx context.Context, hash string, lastSeen, expires time.Time) error {
	return a.exec(ctx, "touch session", `UPDATE sessions SET last_seen = ?, expires = ? WHERE hash = ?`,
		authTime(lastSeen), authTime(expires), hash)
}

// DeleteSession ends a session.
func (a *AuthRepo) DeleteSession(ctx context.Context, hash string) error {
	return a.exec(ctx, "delete session", `DELETE FROM sessions WHERE hash = ?`, hash)
}

// DeleteUserSessions ends every session of a user.
func (a *AuthRepo) DeleteUserSessions(ctx context.Context, userID int64) error {
	return a.exec(ctx, "delete sessions", `DELETE FROM sessions WHERE user_id = ?`, userID)
}

// DeleteExpiredSessions removes sessions expired before now.
func (a *AuthRepo) DeleteExpiredSessions(ctx context.Context, now time.Time) error {
	return a.exec(ctx, "delete expired sessions", `DELETE FROM sessions WHERE expires <= ?`, authTime(now))
}

// AddFailure records a failed login.
func (a *AuthRepo) AddFailure(ctx context.Context, email, remote string, at time.Time) error {
	return a.exec(
		ctx,
		"record failed login",
		`INSERT INTO login_failures (email, remote, at) VALUES (?, ?, ?)`,
		email,
		remote,
		authTime(at),
	)
}

// CountFailures counts the failures since a time by e-mail and by remote address.
func (a *AuthRepo) CountFailures(
	ctx context.Context,
	email, remote string,
	since time.Time,
) (auth.FailureCounts, error) {
	var c auth.FailureCounts
	var oldEmail, oldRemote string
	err := a.db.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM login_failures WHERE email = ? AND at > ?),
		(SELECT coalesce(min(at), '') FROM login_failures WHERE email = ? AND at > ?),
		(SELECT count(*) FROM login_failures WHERE remote = ? AND at > ?),
		(SELECT coalesce(min(at), '') FROM login_failures WHERE remote = ? AND at > ?)`,
		email, authTime(since), email, authTime(since), remote, authTime(since), remote, authTime(since)).
		Scan(&c.Email, &oldEmail, &c.Remote, &oldRemote)
	if err == nil {
		err = parseAuthTimes(oldEmail, &c.OldestEmail, oldRemote, &c.OldestRemote)
	}
	if err != nil {
		return c, fmt.Errorf("sqlite: count failed logins: %w", err)
	}
	return c, nil
}

// ClearFailures forgets an address's failures and every failure older than before.
func (a *AuthRepo) ClearFailures(ctx context.Context, email string, before time.Time) error {
	return a.exec(ctx, "clear failed logins", `DELETE FROM login_failures WHERE email = ? OR at <= ?`,
		email, authTime(before))
}

// AppendAudit adds an audit entry and sets its id.
func (a *AuthRepo) AppendAudit(ctx context.Context, e *auth.Entry) error {
	res, err := a.db.ExecContext(
		ctx,
		`INSERT INTO audit_log (at, actor, action, target, object_id, remote, outcome, detail)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		authTime(e.At),
		e.Actor,
		string(e.Action),
		e.Target,
		string(e.ObjectID),
		e.Remote,
		string(e.Outcome),
		e.Detail,
	)
	if err != nil {
		return fmt.Errorf("sqlite: audit: %w", err)
	}
	e.ID, err = res.LastInsertId()
	return err
}

// ListAudit returns entries newest first; one that names an object is
// returned only when the object exists at or below the clearance.
func (a *AuthRepo) ListAudit(
	ctx context.Context,
	clearance stix.TLP,
	q auth.AuditQuery,
) ([]auth.Entry, error) {
	rows, err := a.db.QueryContext(
		ctx,
		`SELECT a.id, a.at, a.actor, a.action, a.target, a.object_id, a.remote, a.outcome, a.detail
		FROM audit_log a
		WHERE (a.object_id = '' OR EXISTS (SELECT 1 FROM objects o WHERE o.id = a.object_id AND o.eff_tlp <= ?))
		  AND (? = '' OR a.actor = ?) AND (? = '' OR a.action = ?) AND (? = 0 OR a.id < ?)
		ORDER BY a.id DESC LIMIT ?`,
		int(clearance),
		q.Actor,
		q.Actor,
		string(q.Action),
		string(q.Action),
		q.Before,
		q.Before,
		q.Limit,
	)
	if err != nil {
		return nil, fmt.Errorf("sqlite: read audit log: %w", err)
	}
	defer rows.Close()
	var out []auth.Entry
	for rows.Next() {
		var e auth.Entry
		var at, action, object, outcome string
		if err := rows.Scan(&e.ID, &at, &e.Actor, &action, &e.Target, &object, &e.Remote, &outcome, &e.Detail); err != nil {
			return nil, fmt.Errorf("sqlite: read audit log: %w", err)
		}
		e.Action, e.ObjectID, e.Outcome = auth.Action(action), stix.ID(object), auth.Outcome(outcome)
		if e.At, err = parseAuthTime(at); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

func (a *AuthRepo) exec(ctx context.Context, what, q string, args ...any) error {
	if _, err := a.db.ExecContext(ctx, q, args...); err != nil {
		return fmt.Errorf("sqlite: %s: %w", what, err)
	}
	return nil
}
