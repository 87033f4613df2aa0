package ai

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/tipster-cti/tipster/internal/stix"
)

// ErrNoProvenance is returned when an object has no AI-written text to
// review or restore.
var ErrNoProvenance = errors.New("ai: no AI-written text on this object")

// ErrChanged is returned by Restore when the field was edited after the
// AI text was applied: restoring would lose that edit.
var ErrChanged = errors.New("ai: the text changed since the AI text was applied")

// Provenance records one application of AI-written text to an object.
type Provenance struct {
	ID       int64   `json:"id"`
	ObjectID stix.ID `json:"object_id"`
	Field    string  `json:"field"`
	Mode     string  `json:"mode"`
	AuditID  int64   `json:"audit_id"`
	Model    string  `json:"model"`
	// PreviousText is the field before; NewText the field after.
	PreviousText string     `json:"previous_text"`
	NewText      string     `json:"new_text"`
	AppliedBy    string     `json:"applied_by"`
	AppliedAt    time.Time  `json:"applied_at"`
	ReviewedBy   string     `json:"reviewed_by,omitempty"`
	ReviewedAt   *time.Time `json:"reviewed_at,omitempty"`
	RestoredBy   string     `json:"restored_by,omitempty"`
	RestoredAt   *time.Time `json:"restored_at,omitempty"`
}

const provColumns = `id, object_id, field, mode, audit_id, model, previous_text, new_text, applied_by, applied_at,
	coalesce(reviewed_by, ''), coalesce(reviewed_at, ''), coalesce(restored_by, ''), coalesce(restored_at, '')`

func (a *AuditLog) addProvenance(ctx context.Context, p Provenance) (int64, error) {
	res, err := a.db.ExecContext(ctx, `INSERT INTO ai_provenance (object_id, field, mode, audit_id, model,
		previous_text, new_text, applied_by, applied_at) VALUES (?,?,?,?,?,?,?,?,?)`,
		string(p.ObjectID), p.Field, p.Mode, p.AuditID, p.Model, p.PreviousText, p.NewText, p.AppliedBy, stamp(p.AppliedAt))
	if err != nil {
		return 0, fmt.Errorf("ai: record provenance: %w", err)
	}
	return res.LastInsertId()
}

func (a *AuditLog) deleteProvenance(ctx context.Context, id int64) error {
	_, err := a.db.ExecContext(ctx, `DELETE FROM ai_provenance WHERE id = ?`, id)
	return err
}

// Provenance lists the AI applications on an object, newest first.
func (a *AuditLog) Provenance(ctx context.Context, id stix.ID) ([]Provenance, error) {
	rows, err := a.db.QueryContext(ctx, `SELECT `+provColumns+` FROM ai_provenance WHERE object_id = ? ORDER BY id DESC`, string(id))
	if err != nil {
		return nil, fmt.Errorf("ai: read provenance: %w", err)
	}
	defer rows.Close()
	var out []Provenance
	for rows.Next() {
		p, err := scanProvenance(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// latestActive returns the newest application on the object that was not
// restored, or ErrNoProvenance.
func (a *AuditLog) latestActive(ctx context.Context, id stix.ID) (Provenance, error) {
	p, err := scanProvenance(a.db.QueryRowContext(ctx, `SELECT `+provColumns+` FROM ai_provenance
		WHERE object_id = ? AND restored_at IS NULL ORDER BY id DESC LIMIT 1`, string(id)))
	if errors.Is(err, sql.ErrNoRows) {
		return p, ErrNoProvenance
	}
	return p, err
}

func (a *AuditLog) markReviewed(ctx context.Context, id int64, by string, at time.Time) error {
	_, err := a.db.ExecContext(ctx, `UPDATE ai_provenance SET reviewed_by = ?, reviewed_at = ? WHERE id = ?`, by, stamp(at), id)
	if err != nil {
		return fmt.Errorf("ai: mark reviewed: %w", err)
	}
	return nil
}

func (a *AuditLog) markRestored(ctx context.Context, id int64, by string, at time.Time) error {
	_, err := a.db.ExecContext(ctx, `UPDATE ai_provenance SET restored_by = ?, restored_at = ? WHERE id = ?`, by, stamp(at), id)
	if err != nil {
		return fmt.Errorf("ai: mark restored: %w", err)
	}
	return nil
}

func scanProvenance(s scanner) (Provenance, error) {
	var p Provenance
	var obj, applied, reviewed, restored string
	err := s.Scan(&p.ID, &obj, &p.Field, &p.Mode, &p.AuditID, &p.Model, &p.PreviousText, &p.NewText,
		&p.AppliedBy, &applied, &p.ReviewedBy, &reviewed, &p.RestoredBy, &restored)
	if errors.Is(err, sql.ErrNoRows) {
		return p, err
	}
	if err != nil {
		return p, fmt.Errorf("ai: read provenance: %w", err)
	}
	p.ObjectID = stix.ID(obj)
	p.AppliedAt, _ = time.Parse(time.RFC3339Nano, applied)
	p.ReviewedAt, p.RestoredAt = optTime(reviewed), optTime(restored)
	return p, nil
}

func optTime(s string) *time.Time {
	if s == "" {
		return nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return nil
	}
	return &t
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }
