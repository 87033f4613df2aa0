package ai

import (
	"context"
	"errors"
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

// Provenance lists the AI applications on an object, newest first.
func (a *AuditLog) Provenance(ctx context.Context, id stix.ID) ([]Provenance, error) {
	return a.repo.ListProvenance(ctx, id)
}
