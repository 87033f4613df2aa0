package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/tipster-cti/tipster/internal/ai"
	"github.com/tipster-cti/tipster/internal/stix"
)

const aiProvCols = `id, object_id, field, mode, audit_id, model, previous_text, new_text, applied_by, applied_at,
	coalesce(reviewed_by, ''), coalesce(reviewed_at, ''), coalesce(restored_by, ''), coalesce(restored_at, '')`

// AddProvenance stores an application of AI text and returns its id.
func (r *AIRepo) AddProvenance(ctx context.Context, p ai.Provenance) (int64, error) {
	res, err := r.db.ExecContext(
		ctx,
		`INSERT INTO ai_provenance (object_id, field, mode, audit_id, model,
		previous_text, new_text, applied_by, applied_at) VALUES (?,?,?,?,?,?,?,?,?)`,
		string(
			p.ObjectID,
		),
		p.Field,
		p.Mode,
		p.AuditID,
		p.Model,
		p.PreviousText,
		p.NewText,
		p.AppliedBy,
		aiTime(p.AppliedAt),
	)
	if err != nil {
		return 0, fmt.Errorf("sqlite: record provenance: %w", err)
	}
	return res.LastInsertId()
}

// DeleteProvenance removes an application.
func (r *AIRepo) DeleteProvenance(ctx context.Context, id int64) error {
	if _, err := r.db.ExecContext(ctx, `DELETE FROM ai_provenance WHERE id = ?`, id); err != nil {
		return fmt.Errorf("sqlite: delete provenance: %w", err)
	}
	return nil
}

// ListProvenance returns the applications on an object, newest first.
func (r *AIRepo) ListProvenance(ctx context.Context, object stix.ID) ([]ai.Provenance, error) {
	rows, err := r.db.QueryContext(ctx, `SELECT `+aiProvCols+` FROM ai_provenance
		WHERE object_id = ? ORDER BY id DESC`, string(object))
	if err != nil {
		return nil, fmt.Errorf("sqlite: read provenance: %w", err)
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
	p, err := scanAIProvenance(r.db.QueryRowContext(ctx, `SELECT `+aiProvCols+` FROM ai_provenance
		WHERE object_id = ? AND restored_at IS NULL ORDER BY id DESC LIMIT 1`, string(object)))
	if errors.Is(err, sql.ErrNoRows) {
		return p, ai.ErrNoProvenance
	}
	return p, err
}

// MarkReviewed records who reviewed an application, and when.
func (r *AIRepo) MarkReviewed(ctx context.Context, id int64, by string, at time.Time) error {
	_, err := r.db.ExecContext(
		ctx,
		`UPDATE ai_provenance SET reviewed_by = ?, reviewed_at = ? WHERE id = ?`,
		by,
		aiTime(at),
		id,
	)
	if err != nil {
		return fmt.Errorf("sqlite: mark reviewed: %w", err)
	}
	return nil
}

// MarkRestored records who restored an application's previous text, and when.
func (r *AIRepo) MarkRestored(ctx context.Context, id int64, by string, at time.Time) error {
	_, err := r.db.ExecContext(
		ctx,
		`UPDATE ai_provenance SET restored_by = ?, restored_at = ? WHERE id = ?`,
		by,
		aiTime(at),
		id,
	)
	if err != nil {
		return fmt.Errorf("sqlite: mark restored: %w", err)
	}
	return nil
}

func scanAIProvenance(s scanner) (ai.Provenance, error) {
	var p ai.Provenance
	var obj, applied, reviewed, restored string
	err := s.Scan(&p.ID, &obj, &p.Field, &p.Mode, &p.AuditID, &p.Model, &p.PreviousText, &p.NewText,
		&p.AppliedBy, &applied, &p.ReviewedBy, &reviewed, &p.RestoredBy, &restored)
	if errors.Is(err, sql.ErrNoRows) {
		return p, err
	}
	if err != nil {
		return p, fmt.Errorf("sqlite: read provenance: %w", err)
	}
	p.ObjectID = stix.ID(obj)
	if p.AppliedAt, err = time.Parse(time.RFC3339Nano, applied); err != nil {
		return p, fmt.Errorf("sqlite: provenance %d time: %w", p.ID, err)
	}
	if p.ReviewedAt, err = optAITime(reviewed); err != nil {
		return p, fmt.Errorf("sqlite: provenance %d review time: %w", p.ID, err)
	}
	if p.RestoredAt, err = optAITime(restored); err != nil {
		return p, fmt.Errorf("sqlite: provenance %d restore time: %w", p.ID, err)
	}
	return p, nil
}

// optAITime parses a nullable time; "" is nil.
func optAITime(s string) (*time.Time, error) {
	if s == "" {
		return nil, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return nil, err
	}
	return &t, nil
}
