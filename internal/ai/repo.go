package ai

import (
	"context"
	"time"

	"github.com/tipster-cti/tipster/internal/stix"
)

// Repository keeps Ask AI's audit log and the provenance of applied AI
// text in the store's database, so that every server sharing a database
// sees the same entries. The SQLite and PostgreSQL stores implement it
// (their AI method); aitest.TestRepository is the suite both pass. Times
// are kept to the microsecond.
type Repository interface {
	AuditRepository
	ProvenanceRepository
}

// AuditRepository keeps audit entries.
type AuditRepository interface {
	// RecordAudit stores e and returns its id; ids grow with every entry.
	RecordAudit(ctx context.Context, e Entry) (int64, error)
	// ListAudit returns the entries with an id below q.Before, of q.User
	// ("" for every user), newest first, at most q.Limit of them. The
	// caller sets Before and Limit.
	ListAudit(ctx context.Context, q AuditQuery) ([]Entry, error)
	// AuditEntry returns one entry, or ErrNoAudit.
	AuditEntry(ctx context.Context, id int64) (Entry, error)
}

// ProvenanceRepository keeps the applications of AI text to objects.
type ProvenanceRepository interface {
	// AddProvenance stores p (its review and restore fields are ignored)
	// and returns its id; ids grow with every application.
	AddProvenance(ctx context.Context, p Provenance) (int64, error)
	// DeleteProvenance removes an application; removing an unknown one is
	// not an error.
	DeleteProvenance(ctx context.Context, id int64) error
	// ListProvenance returns the applications on an object, newest first.
	ListProvenance(ctx context.Context, object stix.ID) ([]Provenance, error)
	// LatestProvenance returns the newest application on an object that
	// was not restored, or ErrNoProvenance.
	LatestProvenance(ctx context.Context, object stix.ID) (Provenance, error)
	// MarkReviewed records who reviewed an application, and when.
	MarkReviewed(ctx context.Context, id int64, by string, at time.Time) error
	// MarkRestored records who restored the text an application replaced,
	// and when.
	MarkRestored(ctx context.Context, id int64, by string, at time.Time) error
}
