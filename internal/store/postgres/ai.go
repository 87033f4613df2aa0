package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/tipster-cti/tipster/internal/ai"
	"github.com/tipster-cti/tipster/internal/stix"
)

// AIRepo keeps Ask AI's audit log and the provenance of applied AI text
// in the tables of migration 0003_ai.sql, shared by every server using the
// database. It implements ai.Repository.
type AIRepo struct{ pool *pgxpool.Pool }

// AI returns the Ask AI repository of the store's database.
func (d *DB) AI() ai.Repository { return &AIRepo{pool: d.pool} }

// RecordAudit stores e and returns its id.
func (r *AIRepo) RecordAudit(ctx context.Context, e ai.Entry) (int64, error) {
	ids, err := json.Marshal(e.ObjectIDs)
	if err != nil {
		return 0, fmt.Errorf("postgres: audit ids: %w", err)
	}
	var id int64
	err = r.pool.QueryRow(ctx, `INSERT INTO ai_audit (at, user_name, operation, object_ids, engine, model,
		endpoint_host, location, tlp, bytes_sent, bytes_received, duration_ms, outcome, chunks,
		content_sent, content_received)
		VALUES ($1, $2, $3, $4::text::jsonb, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id`,
		e.At.UTC(), e.User, string(e.Operation), string(ids), e.Engine, e.Model,
		e.EndpointHost, string(e.Location), int(e.TLP), e.BytesSent, e.BytesReceived, e.Duration, e.Outcome,
		e.Chunks, nullText(e.ContentSent), nullText(e.ContentReceived)).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("postgres: record audit: %w", err)
	}
	return id, nil
}

const aiAuditCols = `id, at, user_name, operation, object_ids::text, engine, model, endpoint_host, location, tlp,
	bytes_sent, bytes_received, duration_ms, outcome, chunks, coalesce(content_sent, ''), coalesce(content_received, '')`

// ListAudit returns entries newest first.
func (r *AIRepo) ListAudit(ctx context.Context, q ai.AuditQuery) ([]ai.Entry, error) {
	rows, err := r.pool.Query(ctx, `SELECT `+aiAuditCols+` FROM ai_audit
		WHERE id < $1 AND ($2 = '' OR user_name = $2) ORDER BY id DESC LIMIT $3`, q.Before, q.User, q.Limit)
	if err != nil {
		return nil, fmt.Errorf("postgres: list audit: %w", err)
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
	e, err := scanAIEntry(r.pool.QueryRow(ctx, `SELECT `+aiAuditCols+` FROM ai_audit WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return ai.Entry{}, ai.ErrNoAudit
	}
	return e, err
}

func scanAIEntry(row pgx.Row) (ai.Entry, error) {
	var e ai.Entry
	var op, ids, loc string
	var tlp int
	if err := row.Scan(&e.ID, &e.At, &e.User, &op, &ids, &e.Engine, &e.Model, &e.EndpointHost, &loc, &tlp,
		&e.BytesSent, &e.BytesReceived, &e.Duration, &e.Outcome, &e.Chunks, &e.ContentSent, &e.ContentReceived); err != nil {
		return e, fmt.Errorf("postgres: read audit: %w", err)
	}
	e.At, e.Operation, e.Location, e.TLP = e.At.UTC(), ai.Operation(op), ai.Location(loc), stix.TLP(tlp)
	if err := json.Unmarshal([]byte(ids), &e.ObjectIDs); err != nil {
		return e, fmt.Errorf("postgres: audit %d object ids: %w", e.ID, err)
	}
	return e, nil
}

// nullText is NULL for "", the text otherwise.
func nullText(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
