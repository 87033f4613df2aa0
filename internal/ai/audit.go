package ai

import (
	"context"
	"database/sql"
	"encoding/json"
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

// AuditLog keeps audit entries in the ai_audit table of migration
// 0003_ai.sql, in the SQLite store's database.
type AuditLog struct {
	db *sql.DB
}

// NewAuditLog returns the audit log over db, which must hold the tables of
// migration 0003_ai.sql.
func NewAuditLog(db *sql.DB) *AuditLog { return &AuditLog{db: db} }

// Record stores e and returns its id.
func (a *AuditLog) Record(ctx context.Context, e Entry) (int64, error) {
	ids, err := json.Marshal(nonNil(e.ObjectIDs))
	if err != nil {
		return 0, fmt.Errorf("ai: audit ids: %w", err)
	}
	res, err := a.db.ExecContext(ctx, `INSERT INTO ai_audit (at, user_name, operation, object_ids, engine, model,
		endpoint_host, location, tlp, bytes_sent, bytes_received, duration_ms, outcome, chunks,
		content_sent, content_received) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		e.At.UTC().Format(time.RFC3339Nano), e.User, string(e.Operation), string(ids), e.Engine, e.Model,
		e.EndpointHost, string(e.Location), int(e.TLP), e.BytesSent, e.BytesReceived, e.Duration, e.Outcome,
		e.Chunks, nullString(e.ContentSent), nullString(e.ContentReceived))
	if err != nil {
		return 0, fmt.Errorf("ai: record audit: %w", err)
	}
	return res.LastInsertId()
}

// AuditQuery selects audit entries.
type AuditQuery struct {
	User   string // "" for every user
	Before int64  // entries with a smaller id (a cursor); 0 for the newest
	Limit  int    // default 100, at most 1000
}

const auditColumns = `id, at, user_name, operation, object_ids, engine, model, endpoint_host, location, tlp,
	bytes_sent, bytes_received, duration_ms, outcome, chunks, coalesce(content_sent, ''), coalesce(content_received, '')`

// List returns entries newest first.
func (a *AuditLog) List(ctx context.Context, q AuditQuery) ([]Entry, error) {
	if q.Limit <= 0 || q.Limit > 1000 {
		q.Limit = 100
	}
	if q.Before <= 0 {
		q.Before = 1<<62 - 1
	}
	rows, err := a.db.QueryContext(ctx, `SELECT `+auditColumns+` FROM ai_audit
		WHERE id < ? AND (? = '' OR user_name = ?) ORDER BY id DESC LIMIT ?`, q.Before, q.User, q.User, q.Limit)
	if err != nil {
		return nil, fmt.Errorf("ai: list audit: %w", err)
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// Get returns one entry, or ErrNoAudit.
func (a *AuditLog) Get(ctx context.Context, id int64) (Entry, error) {
	e, err := scanEntry(a.db.QueryRowContext(ctx, `SELECT `+auditColumns+` FROM ai_audit WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Entry{}, ErrNoAudit
	}
	return e, err
}

type scanner interface{ Scan(dest ...any) error }

func scanEntry(s scanner) (Entry, error) {
	var e Entry
	var at, ids, loc string
	var tlp int
	if err := s.Scan(&e.ID, &at, &e.User, &e.Operation, &ids, &e.Engine, &e.Model, &e.EndpointHost, &loc, &tlp,
		&e.BytesSent, &e.BytesReceived, &e.Duration, &e.Outcome, &e.Chunks, &e.ContentSent, &e.ContentReceived); err != nil {
		return e, fmt.Errorf("ai: read audit: %w", err)
	}
	e.At, _ = time.Parse(time.RFC3339Nano, at)
	e.Location, e.TLP = Location(loc), stix.TLP(tlp)
	e.TLPName = e.TLP.String()
	if err := json.Unmarshal([]byte(ids), &e.ObjectIDs); err != nil {
		return e, fmt.Errorf("ai: audit %d object ids: %w", e.ID, err)
	}
	e.ObjectIDs = nonNil(e.ObjectIDs)
	return e, nil
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

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}
