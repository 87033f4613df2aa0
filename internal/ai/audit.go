package ai

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/tipster-cti/tipster/internal/stix"
	"github.com/tipster-cti/tipster/internal/store"
)

// Audit outcomes other than "error: KIND".
const (
	OutcomeOK       = "ok"
	OutcomeRefused  = "refused"
	OutcomeCanceled = "canceled"
)

// Entry is one audited AI call.
type Entry struct {
	ID            int64     `json:"id"`
	At            time.Time `json:"at"`
	User          string    `json:"user"`
	Operation     Operation `json:"operation"`
	ObjectIDs     []stix.ID `json:"object_ids"`
	Engine        string    `json:"engine"`
	Model         string    `json:"model"`
	EndpointHost  string    `json:"endpoint_host"`
	Location      Location  `json:"location"`
	TLP           stix.TLP  `json:"-"`
	TLPName       string    `json:"tlp"`
	BytesSent     int       `json:"bytes_sent"`
	BytesReceived int       `json:"bytes_received"`
	Duration      int64     `json:"duration_ms"`
	Outcome       string    `json:"outcome"`
	Chunks        int       `json:"chunks"`
	// ContentSent and ContentReceived are kept only with AI__AUDIT_CONTENT.
	ContentSent     string `json:"content_sent,omitempty"`
	ContentReceived string `json:"content_received,omitempty"`
}

// ErrNoAudit is returned when an audit id does not exist or is not the
// viewer's to use.
var ErrNoAudit = errors.New("ai: no such audit entry")

// AuditLog is Ask AI's audit log and provenance over a store's
// Repository: it fills the defaults and limits of queries, and the
// repository only stores, so both backends behave alike.
type AuditLog struct {
	repo Repository
}

// NewAuditLog returns the audit log kept by repo.
func NewAuditLog(repo Repository) *AuditLog { return &AuditLog{repo: repo} }

// Record stores e and returns its id.
func (a *AuditLog) Record(ctx context.Context, e Entry) (int64, error) {
	e.ObjectIDs = nonNil(e.ObjectIDs)
	return a.repo.RecordAudit(ctx, e)
}

// AuditQuery selects audit entries.
type AuditQuery struct {
	User   string // "" for every user
	Before int64  // entries with a smaller id (a cursor); 0 for the newest
	Limit  int    // default 100, at most 1000
}

// List returns entries newest first.
func (a *AuditLog) List(ctx context.Context, q AuditQuery) ([]Entry, error) {
	if q.Limit <= 0 || q.Limit > 1000 {
		q.Limit = 100
	}
	if q.Before <= 0 {
		q.Before = 1<<62 - 1
	}
	out, err := a.repo.ListAudit(ctx, q)
	for i := range out {
		out[i] = completed(out[i])
	}
	return out, err
}

// Get returns one entry, or ErrNoAudit.
func (a *AuditLog) Get(ctx context.Context, id int64) (Entry, error) {
	e, err := a.repo.AuditEntry(ctx, id)
	if err != nil {
		return Entry{}, err
	}
	return completed(e), nil
}

// completed fills the fields of a stored entry derived from others.
func completed(e Entry) Entry {
	e.TLPName = e.TLP.String()
	e.ObjectIDs = nonNil(e.ObjectIDs)
	return e
}

// Audit lists audit entries, newest first; callers filter them with
// Visible before showing them.
func (s *Service) Audit(ctx context.Context, q AuditQuery) ([]Entry, error) {
	return s.audit.List(ctx, q)
}

// Visible returns the entries viewer v may read: admins every entry,
// others their own; in both cases only entries whose objects v may still
// see, and without content above v's clearance.
func Visible(ctx context.Context, st store.Store, v store.Viewer, entries []Entry) ([]Entry, error) {
	out := entries[:0]
	for _, e := range entries {
		if !v.IsAdmin() && e.User != v.Name {
			continue
		}
		if e.TLP > v.Clearance {
			continue
		}
		if len(e.ObjectIDs) > 0 {
			seen, err := st.GetMany(ctx, v, e.ObjectIDs)
			if err != nil {
				return nil, fmt.Errorf("ai: audit clearance: %w", err)
			}
			if len(seen) != len(e.ObjectIDs) {
				continue
			}
		}
		out = append(out, e)
	}
	return out, nil
}

func nonNil(ids []stix.ID) []stix.ID {
	if ids == nil {
		return []stix.ID{}
	}
	return ids
}
