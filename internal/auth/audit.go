package auth

import (
	"context"
	"time"

	"github.com/tipster-cti/tipster/internal/stix"
	"github.com/tipster-cti/tipster/internal/store"
)

// Action is what an audit entry records.
type Action string

// Actions of the audit log.
const (
	ActionLogin         Action = "login"
	ActionLogout        Action = "logout"
	ActionUserCreate    Action = "user.create"
	ActionUserUpdate    Action = "user.update"
	ActionPasswordReset Action = "user.password"
	ActionTokenCreate   Action = "token.create"
	ActionTokenRevoke   Action = "token.revoke"
	ActionImport        Action = "import"
	ActionExport        Action = "export"
)

// Outcome is how an audited action ended.
type Outcome string

// Outcomes of the audit log.
const (
	OutcomeOK          Outcome = "ok"
	OutcomeFailed      Outcome = "failed"
	OutcomeDenied      Outcome = "denied"
	OutcomeRateLimited Outcome = "rate_limited"
)

// Entry is one line of the audit log.
type Entry struct {
	ID       int64
	At       time.Time
	Actor    string // who acted: an e-mail address, "cli", or the address a failed login gave
	Action   Action
	Target   string  // what was acted on: a user's e-mail address, a bundle, an object id
	ObjectID stix.ID // set when the entry names a STIX object; readers below its level do not see the entry
	Remote   string
	Outcome  Outcome
	Detail   string // short and free of secrets, such as "12 created, 3 updated"
}

// AuditQuery selects audit entries. Zero fields do not filter.
type AuditQuery struct {
	Actor  string
	Action Action
	Before int64 // entries with a smaller id: the cursor of the next page
	Limit  int   // default 100, at most 1000
}

// Audit records an entry made by another part of Tipster (Ask AI, the web
// pages); a failure to write it is logged, not returned, so that auditing
// cannot be used to block an action.
func (s *Service) Audit(ctx context.Context, by Actor, e Entry) { s.audit(ctx, by, e) }

func (s *Service) audit(ctx context.Context, by Actor, e Entry) {
	e.At = s.now()
	if e.Actor == "" {
		e.Actor = by.Name
	}
	if e.Remote == "" {
		e.Remote = by.Remote
	}
	// The entry is written even when the request that caused it was
	// canceled, so that an aborted export is still on record.
	if err := s.repo.AppendAudit(context.WithoutCancel(ctx), &e); err != nil {
		s.log.Error("audit entry not written", "action", string(e.Action), "user", e.Actor, "err", err)
	}
}

// AuditLog returns entries newest first, leaving out those that name an
// object above the reader's clearance.
func (s *Service) AuditLog(ctx context.Context, v store.Viewer, q AuditQuery) ([]Entry, error) {
	if q.Limit <= 0 {
		q.Limit = 100
	}
	q.Limit = min(q.Limit, 1000)
	return s.repo.ListAudit(ctx, v.Clearance, q)
}
