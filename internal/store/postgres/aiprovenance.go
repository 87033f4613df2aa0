package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tipster-cti/tipster/internal/ai"
	"github.com/tipster-cti/tipster/internal/stix"
)

const aiProvCols = `id, object_id, field, mode, audit_id, model, previous_text, new_text, applied_by, applied_at,
	coalesce(reviewed_by, ''), reviewed_at, coalesce(restored_by, ''), restored_at`

// AddProvenance stores an application of AI text and returns its id.
func (r *AIRepo) AddProvenance(ctx context.Context, p ai.Provenance) (int64, error) {
	var id int64
	err := r.pool.QueryRow(ctx, `INSERT INTO ai_provenance (object_id, field, mode, audit_id, model,
		previous_text, new_text, applied_by, applied_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
		string(p.ObjectID), p.Field, p.Mode, p.AuditID, p.Model, p.PreviousText, p.NewText, p.AppliedBy,
		p.AppliedAt.UTC()).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("postgres: record provenance: %w", err)
	}
	return id, nil
}

// DeleteProvenance removes an application.
func (r *AIRepo) DeleteProvenance(ctx context.Context, id int64) error {
	if _, err := r.pool.Exec(ctx, `DELETE FROM ai_provenance WHERE id = $1`, id); err != nil {
		return fmt.Errorf("postgres: delete provenance: %w", err)
	}
	return nil
}

// ListProvenance returns the applications on an object, newest first.
func (r *AIRepo) ListProvenance(ctx context.Context, object stix.ID) ([]ai.Provenance, error) {
	rows, err := r.pool.Query(ctx, `SELECT `+aiProvCols+` FROM ai_provenance
		WHERE object_id = $1 ORDER BY id DESC`, string(object))
	if err != nil {
		return nil, fmt.Errorf("postgres: read provenance: %w", err)
	}
	defer rows.Close()
	var out []ai.Provenance
	for rows.Next() {
		p, err := scanAIProvenance(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// LatestProvenance returns the newest application not restored, or
// ai.ErrNoProvenance.
func (r *AIRepo) LatestProvenance(ctx context.Context, object stix.ID) (ai.Provenance, error) {
	p, err := scanAIProvenance(r.pool.QueryRow(ctx, `SELECT `+aiProvCols+` FROM ai_provenance
		WHERE object_id = $1 AND restored_at IS NULL ORDER BY id DESC LIMIT 1`, string(object)))
	if errors.Is(err, pgx.ErrNoRows) {
		return p, ai.ErrNoProvenance
	}
	return p, err
}

// MarkReviewed records who reviewed an application, and when.
func (r *AIRepo) MarkReviewed(ctx context.Context, id int64, by string, at time.Time) error {
	_, err := r.pool.Exec(
		ctx,
		`UPDATE ai_provenance SET reviewed_by = $1, reviewed_at = $2 WHERE id = $3`,
		by,
		at.UTC(),
		id,
	)
	if err != nil {
		return fmt.Errorf("postgres: mark reviewed: %w", err)
	}
	return nil
}

// MarkRestored records who restored an application's previous text, and when.
func (r *AIRepo) MarkRestored(ctx context.Context, id int64, by string, at time.Time) error {
	_, err := r.pool.Exec(
		ctx,
		`UPDATE ai_provenance SET restored_by = $1, restored_at = $2 WHERE id = $3`,
		by,
		at.UTC(),
		id,
	)
	if err != nil {
		return fmt.Errorf("postgres: mark restored: %w", err)
	}
	return nil
}

func scanAIProvenance(row pgx.Row) (ai.Provenance, error) {
	var p ai.Provenance
	var obj string
	err := row.Scan(&p.ID, &obj, &p.Field, &p.Mode, &p.AuditID, &p.Model, &p.PreviousText, &p.NewText,
		&p.AppliedBy, &p.AppliedAt, &p.ReviewedBy, &p.ReviewedAt, &p.RestoredBy, &p.RestoredAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return p, err
	}
	if err != nil {
		return p, fmt.Errorf("postgres: read provenance: %w", err)
	}
	p.ObjectID, p.AppliedAt = stix.ID(obj), p.AppliedAt.UTC()
	p.ReviewedAt, p.RestoredAt = utcPtr(p.ReviewedAt), utcPtr(p.RestoredAt)
	return p, nil
}

// utcPtr returns t in UTC, nil for nil.
func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}
