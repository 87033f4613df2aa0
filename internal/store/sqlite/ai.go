package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/tipster-cti/tipster/internal/ai"
	"github.com/tipster-cti/tipster/internal/stix"
)

// AIRepo keeps Ask AI's audit log and the provenance of applied AI text
// in the tables of migration 0003_ai.sql. It implements ai.Repository.
type AIRepo struct{ db *sql.DB }

// AI returns the Ask AI repository of the store's database.
func (d *DB) AI() ai.Repository { return &AIRepo{db: d.db} }

// aiLayout writes times as RFC 3339 UTC text to the microsecond, the
// precision both backends keep.
const aiLayout = "2006-01-02T15:04:05.000000Z07:00"

func aiTime(t time.Time) string { return t.UTC().Truncate(time.Microsecond).Format(aiLayout) }

// RecordAudit stores e and returns its id.
func (r *AIRepo) RecordAudit(ctx context.Context, e ai.Entry) (int64, error) {
	ids, err := json.Marshal(e.ObjectIDs)
	if err != nil {
		return 0, fmt.Errorf("sqlite: audit ids: %w", err)
	}
	res, err := r.db.ExecContext(
		ctx,
		`INSERT INTO ai_audit (at, user_name, operation, object_ids, engine, model,
		endpoint_host, location, tlp, bytes_sent, bytes_received, duration_ms, outcome, chunks,
		content_sent, content_received) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		aiTime(e.At),
		e.User,
		string(e.Operation),
		string(ids),
		e.Engine,
		e.Model,
		e.EndpointHost,
		string(e.Location),
		int(e.TLP),
		e.BytesSent,
		e.BytesReceived,
		e.Duration,
		e.Outcome,
		e.Chunks,
		nullString(e.ContentSent),
		nullString(e.ContentReceived),
	)
	if err != nil {
		return 0, fmt.Errorf("sqlite: record audit: %w", err)
	}
	return res.LastInsertId()
}

const aiAuditCols = `id, at, user_name, operation, object_ids, engine, model, endpoint_host, location, tlp,
	bytes_sent, bytes_received, duration_ms, outcome, chunks, coalesce(content_sent, ''), coalesce(content_received, '')`

// ListAudit returns entries newest first.
func (r *AIRepo) ListAudit(ctx context.Context, q ai.AuditQuery) ([]ai.Entry, error) {
	rows, err := r.db.QueryContext(ctx, `SELECT `+aiAuditCols+` FROM ai_audit
		WHERE id < ? AND (? = '' OR user_name = ?) ORDER BY id DESC LIMIT ?`, q.Before, q.User, q.User, q.Limit)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list audit: %w", err)
	}
	defer rows.Close()
	var out []ai.Entry
	for rows.Next() {
		e, err := scanAIEntry(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// AuditEntry returns one entry, or ai.ErrNoAudit.
func (r *AIRepo) AuditEntry(ctx context.Context, id int64) (ai.Entry, error) {
	e, err := scanAIEntry(r.db.QueryRowContext(ctx, `SELECT `+aiAuditCols+` FROM ai_audit WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return ai.Entry{}, ai.ErrNoAudit
	}
	return e, err
}

func scanAIEntry(s scanner) (ai.Entry, error) {
	var e ai.Entry
	var at, ids, loc string
	var tlp int
	if err := s.Scan(&e.ID, &at, &e.User, &e.Operation, &ids, &e.Engine, &e.Model, &e.EndpointHost, &loc, &tlp,
		&e.BytesSent, &e.BytesReceived, &e.Duration, &e.Outcome, &e.Chunks, &e.ContentSent, &e.ContentReceived); err != nil {
		return e, fmt.Errorf("sqlite: read audit: %w", err)
	}
	var err error
	if e.At, err = time.Parse(time.RFC3339Nano, at); err != nil {
		return e, fmt.Errorf("sqlite: audit %d time: %w", e.ID, err)
	}
	e.Location, e.TLP = ai.Location(loc), stix.TLP(tlp)
	if err := json.Unmarshal([]byte(ids), &e.ObjectIDs); err != nil {
		return e, fmt.Errorf("sqlite: audit %d object ids: %w", e.ID, err)
	}
	return e, nil
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}
