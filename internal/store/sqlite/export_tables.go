package sqlite

import (
	"context"
	"fmt"

	"github.com/tipster-cti/tipster/internal/ai"
	"github.com/tipster-cti/tipster/internal/auth"
)

// The Export methods read the tables beside the knowledge base for a copy
// into another store (package migrate's TableSource): every column, the
// secrets' hashes included, row by row.

// ExportUsers calls each for every user, by id.
func (d *DB) ExportUsers(ctx context.Context, each func(auth.User) error) error {
	return exportRows(ctx, d, "users", `SELECT `+userCols+` FROM users u ORDER BY u.id`,
		func(s scanner) (auth.User, error) {
			u, err := scanUser(s)
			if err != nil {
				return auth.User{}, err
			}
			return *u, nil
		}, each)
}

// ExportTokens calls each for every API token, its hash included, by id.
func (d *DB) ExportTokens(ctx context.Context, each func(auth.Token) error) error {
	return exportRows(ctx, d, "api_tokens",
		`SELECT id, user_id, name, hash, hint, created, expires, revoked, last_used FROM api_tokens ORDER BY id`,
		func(s scanner) (auth.Token, error) {
			var t auth.Token
			var created, expires, revoked, used string
			if err := s.Scan(&t.ID, &t.UserID, &t.Name, &t.Hash, &t.Hint, &created, &expires, &revoked, &used); err != nil {
				return t, err
			}
			err := parseAuthTimes(created, &t.Created, expires, &t.Expires, revoked, &t.Revoked, used, &t.LastUsed)
			return t, err
		}, each)
}

// ExportSessions calls each for every browser session, expired ones
// included, by creation.
func (d *DB) ExportSessions(ctx context.Context, each func(auth.Session) error) error {
	return exportRows(ctx, d, "sessions",
		`SELECT hash, user_id, csrf, created, last_seen, expires FROM sessions ORDER BY created, hash`,
		func(s scanner) (auth.Session, error) {
			var ses auth.Session
			var created, seen, expires string
			if err := s.Scan(&ses.Hash, &ses.UserID, &ses.CSRF, &created, &seen, &expires); err != nil {
				return ses, err
			}
			err := parseAuthTimes(created, &ses.Created, seen, &ses.LastSeen, expires, &ses.Expires)
			return ses, err
		}, each)
}

// ExportAudit calls each for every entry of the access audit log, by id.
func (d *DB) ExportAudit(ctx context.Context, each func(auth.Entry) error) error {
	return exportRows(ctx, d, "audit_log",
		`SELECT id, at, actor, action, target, object_id, remote, outcome, detail FROM audit_log ORDER BY id`,
		func(s scanner) (auth.Entry, error) {
			var e auth.Entry
			var at string
			if err := s.Scan(&e.ID, &at, &e.Actor, &e.Action, &e.Target, &e.ObjectID, &e.Remote, &e.Outcome,
				&e.Detail); err != nil {
				return e, err
			}
			var err error
			e.At, err = parseAuthTime(at)
			return e, err
		}, each)
}

// ExportAIAudit calls each for every entry of Ask AI's audit log, by id.
func (d *DB) ExportAIAudit(ctx context.Context, each func(ai.Entry) error) error {
	return exportRows(ctx, d, "ai_audit", `SELECT `+aiAuditCols+` FROM ai_audit ORDER BY id`, scanAIEntry, each)
}

// ExportProvenance calls each for every application of AI text, by id.
func (d *DB) ExportProvenance(ctx context.Context, each func(ai.Provenance) error) error {
	return exportRows(ctx, d, "ai_provenance", `SELECT `+aiProvCols+` FROM ai_provenance ORDER BY id`,
		scanAIProvenance, each)
}

// TableCounts returns the rows of each table a copy carries.
func (d *DB) TableCounts(ctx context.Context) (map[string]int, error) {
	out := map[string]int{}
	for _, t := range []string{"users", "api_tokens", "sessions", "audit_log", "ai_audit", "ai_provenance"} {
		var n int
		if err := d.db.QueryRowContext(ctx, `SELECT count(*) FROM `+t).Scan(&n); err != nil {
			return nil, fmt.Errorf("sqlite: count %s: %w", t, err)
		}
		out[t] = n
	}
	return out, nil
}

// exportRows runs q and calls each with every row scan makes of it.
func exportRows[T any](
	ctx context.Context,
	d *DB,
	table, q string,
	scan func(scanner) (T, error),
	each func(T) error,
) error {
	rows, err := d.db.QueryContext(ctx, q)
	if err != nil {
		return fmt.Errorf("sqlite: export %s: %w", table, err)
	}
	defer rows.Close()
	for rows.Next() {
		row, err := scan(rows)
		if err != nil {
			return fmt.Errorf("sqlite: export %s: %w", table, err)
		}
		if err := each(row); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("sqlite: export %s: %w", table, err)
	}
	return nil
}
