package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/tipster-cti/tipster/internal/ai"
	"github.com/tipster-cti/tipster/internal/auth"
)

// The Import methods write rows copied from another store (package
// migrate's TableTarget) with their ids, so that tokens, sessions and
// provenance keep pointing at their users and audit entries. Each batch is
// one transaction. Each row's statement inserts it unless its id (a
// session's hash) is taken, and answers 1 when it inserted, 2 when the row
// there is the same one (same identity: e-mail, token hash, time), 0 when
// it is another: a copy can be run again, and never merges two rows.

// rowStatus is the answer of each row's statement; ins is the INSERT …
// ON CONFLICT DO NOTHING RETURNING 1, same the condition that the row held
// under the id is the same one.
func rowStatus(ins, same string) string {
	return `WITH ins AS (` + ins + `)
		SELECT CASE WHEN EXISTS (SELECT 1 FROM ins) THEN 1 WHEN EXISTS (` + same + `) THEN 2 ELSE 0 END`
}

var (
	importUserSQL = rowStatus(`INSERT INTO users (id, email, password_hash, role, clearance, disabled, created, updated)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING RETURNING 1`,
		`SELECT 1 FROM users WHERE id = $1 AND lower(email) = lower($2)`)
	importTokenSQL = rowStatus(`INSERT INTO api_tokens (id, user_id, name, hash, hint, created, expires, revoked,
		last_used) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (id) DO NOTHING RETURNING 1`,
		`SELECT 1 FROM api_tokens WHERE id = $1 AND hash = $4`)
	importSessionSQL = rowStatus(`INSERT INTO sessions (hash, user_id, csrf, created, last_seen, expires)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (hash) DO NOTHING RETURNING 1`,
		`SELECT 1 FROM sessions WHERE hash = $1 AND user_id = $2`)
	importAuditSQL = rowStatus(`INSERT INTO audit_log (id, at, actor, action, target, object_id, remote, outcome,
		detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (id) DO NOTHING RETURNING 1`,
		`SELECT 1 FROM audit_log WHERE id = $1 AND at = $2 AND action = $4`)
	importAIAuditSQL = rowStatus(`INSERT INTO ai_audit (id, at, user_name, operation, object_ids, engine, model,
		endpoint_host, location, tlp, bytes_sent, bytes_received, duration_ms, outcome, chunks, content_sent,
		content_received) VALUES ($1, $2, $3, $4, $5::text::jsonb, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15,
		$16, $17) ON CONFLICT (id) DO NOTHING RETURNING 1`,
		`SELECT 1 FROM ai_audit WHERE id = $1 AND at = $2 AND user_name = $3 AND operation = $4`)
	importProvenanceSQL = rowStatus(`INSERT INTO ai_provenance (id, object_id, field, mode, audit_id, model,
		previous_text, new_text, applied_by, applied_at, reviewed_by, reviewed_at, restored_by, restored_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) ON CONFLICT (id) DO NOTHING RETURNING 1`,
		`SELECT 1 FROM ai_provenance WHERE id = $1 AND object_id = $2 AND applied_at = $10`)
)

// ImportUsers writes users with their ids; see the note above.
func (d *DB) ImportUsers(ctx context.Context, rows []auth.User) (int, error) {
	return importRows(ctx, d, "users", "id", rows, func(u auth.User) (string, []any, error) {
		return fmt.Sprintf("user %d (%s)", u.ID, u.Email), []any{u.ID, u.Email, u.PasswordHash, string(u.Role),
			int(u.Clearance), u.Disabled, u.Created.UTC(), u.Updated.UTC()}, nil
	}, importUserSQL)
}

// ImportTokens writes API tokens with their ids and hashes.
func (d *DB) ImportTokens(ctx context.Context, rows []auth.Token) (int, error) {
	return importRows(ctx, d, "api_tokens", "id", rows, func(t auth.Token) (string, []any, error) {
		return fmt.Sprintf("token %d", t.ID), []any{t.ID, t.UserID, t.Name, t.Hash, t.Hint, t.Created.UTC(),
			optTime(t.Expires.UTC()), optTime(t.Revoked.UTC()), optTime(t.LastUsed.UTC())}, nil
	}, importTokenSQL)
}

// ImportSessions writes browser sessions.
func (d *DB) ImportSessions(ctx context.Context, rows []auth.Session) (int, error) {
	return importRows(ctx, d, "sessions", "", rows, func(s auth.Session) (string, []any, error) {
		return fmt.Sprintf("a session of user %d", s.UserID), []any{s.Hash, s.UserID, s.CSRF, s.Created.UTC(),
			s.LastSeen.UTC(), s.Expires.UTC()}, nil
	}, importSessionSQL)
}

// ImportAudit writes entries of the access audit log with their ids.
func (d *DB) ImportAudit(ctx context.Context, rows []auth.Entry) (int, error) {
	return importRows(ctx, d, "audit_log", "id", rows, func(e auth.Entry) (string, []any, error) {
		return fmt.Sprintf("audit entry %d", e.ID), []any{e.ID, e.At.UTC(), e.Actor, string(e.Action), e.Target,
			string(e.ObjectID), e.Remote, string(e.Outcome), e.Detail}, nil
	}, importAuditSQL)
}

// ImportAIAudit writes entries of Ask AI's audit log with their ids.
func (d *DB) ImportAIAudit(ctx context.Context, rows []ai.Entry) (int, error) {
	return importRows(ctx, d, "ai_audit", "id", rows, func(e ai.Entry) (string, []any, error) {
		ids, err := json.Marshal(e.ObjectIDs) // as RecordAudit writes them, nil as null
		return fmt.Sprintf("AI audit entry %d", e.ID), []any{e.ID, e.At.UTC(), e.User, string(e.Operation),
			string(ids), e.Engine, e.Model, e.EndpointHost, string(e.Location), int(e.TLP), e.BytesSent,
			e.BytesReceived, e.Duration, e.Outcome, e.Chunks, nullText(e.ContentSent),
			nullText(e.ContentReceived)}, err
	}, importAIAuditSQL)
}

// ImportProvenance writes applications of AI text with their ids; their
// audit entries must be there already.
func (d *DB) ImportProvenance(ctx context.Context, rows []ai.Provenance) (int, error) {
	return importRows(ctx, d, "ai_provenance", "id", rows, func(p ai.Provenance) (string, []any, error) {
		return fmt.Sprintf("provenance %d", p.ID), []any{p.ID, string(p.ObjectID), p.Field, p.Mode, p.AuditID,
			p.Model, p.PreviousText, p.NewText, p.AppliedBy, p.AppliedAt.UTC(), nullText(p.ReviewedBy),
			utcPtr(p.ReviewedAt), nullText(p.RestoredBy), utcPtr(p.RestoredAt)}, nil
	}, importProvenanceSQL)
}

// TableCounts returns the rows of each table a copy carries.
func (d *DB) TableCounts(ctx context.Context) (map[string]int, error) {
	out := map[string]int{}
	for _, t := range []string{"users", "api_tokens", "sessions", "audit_log", "ai_audit", "ai_provenance"} {
		var n int
		if err := d.pool.QueryRow(ctx, `SELECT count(*) FROM `+t).Scan(&n); err != nil {
			return nil, fmt.Errorf("postgres: count %s: %w", t, err)
		}
		out[t] = n
	}
	return out, nil
}

// importRows writes rows in one transaction with stmt, whose arguments
// args gives along with the row's name for errors, and returns how many it
// inserted. When idCol is set, the table's id sequence is moved up to the
// largest id, so that rows created later get new ids.
func importRows[T any](
	ctx context.Context,
	d *DB,
	table, idCol string,
	rows []T,
	args func(T) (string, []any, error),
	stmt string,
) (int, error) {
	tx, err := d.pool.Begin(ctx)
	if err != nil {
		return 0, fmt.Errorf("postgres: import %s: %w", table, err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	var b pgx.Batch
	names := make([]string, len(rows))
	for i, r := range rows {
		name, a, err := args(r)
		if err != nil {
			return 0, fmt.Errorf("postgres: import %s: %s: %w", table, name, err)
		}
		names[i] = name
		b.Queue(stmt, a...)
	}
	res := tx.SendBatch(ctx, &b)
	inserted := 0
	for _, name := range names {
		var status int
		if err := res.QueryRow().Scan(&status); err != nil {
			res.Close()
			var pe *pgconn.PgError
			if errors.As(err, &pe) && pe.Code == "23505" {
				return 0, fmt.Errorf("postgres: import %s: the target already holds another row with a key of %s "+
					"(%s); migrate into an empty database: %w", table, name, pe.ConstraintName, err)
			}
			return 0, fmt.Errorf("postgres: import %s: %s: %w", table, name, err)
		}
		switch status {
		case 0:
			res.Close()
			return 0, fmt.Errorf("postgres: import %s: the target already holds another row under the id of %s; "+
				"migrate into an empty database", table, name)
		case 1:
			inserted++
		}
	}
	if err := res.Close(); err != nil {
		return 0, fmt.Errorf("postgres: import %s: %w", table, err)
	}
	if idCol != "" {
		if _, err := tx.Exec(ctx, `SELECT setval(seq, top) FROM (SELECT
			pg_get_serial_sequence('`+table+`', '`+idCol+`')::regclass AS seq,
			(SELECT max(`+idCol+`) FROM `+table+`) AS top) AS s
			WHERE top > coalesce(pg_sequence_last_value(seq), 0)`); err != nil {
			return 0, fmt.Errorf("postgres: import %s: move the id sequence: %w", table, err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return 0, fmt.Errorf("postgres: import %s: %w", table, err)
	}
	return inserted, nil
}
