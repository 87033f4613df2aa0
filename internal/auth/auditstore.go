package auth

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/tipster-cti/tipster/internal/stix"
	"github.com/tipster-cti/tipster/internal/store"
)

// request is what the audit needs of the request a store call is made for.
type request struct {
	by       Actor
	exportOf stix.ID     // root of the export the request asks for, if any
	exported atomic.Bool // the export has been audited
}

type requestKey struct{}

// WithRequest returns ctx marking the store calls made under it as made by
// actor; exportOf is the root object when the request is an export. The
// store from AuditedStore audits imports and exports made under such a ctx.
func WithRequest(ctx context.Context, by Actor, exportOf stix.ID) context.Context {
	return context.WithValue(ctx, requestKey{}, &request{by: by, exportOf: exportOf})
}

// AuditedStore returns st with imports and exports audited: every import
// batch, committed or abandoned, and the first read of an export's root
// object, found or not, made under a ctx from WithRequest. Calls made
// under another ctx pass through unaudited.
func (s *Service) AuditedStore(st store.Store) store.Store {
	return &auditedStore{Store: st, svc: s}
}

type auditedStore struct {
	store.Store
	svc *Service
}

func (a *auditedStore) Import(ctx context.Context) (store.Importer, error) {
	imp, err := a.Store.Import(ctx)
	req, ok := ctx.Value(requestKey{}).(*request)
	if err != nil || !ok {
		return imp, err
	}
	return &auditedImporter{Importer: imp, svc: a.svc, ctx: ctx, by: req.by}, nil
}

func (a *auditedStore) Get(ctx context.Context, v store.Viewer, id stix.ID) (*store.Stored, error) {
	o, err := a.Store.Get(ctx, v, id)
	req, ok := ctx.Value(requestKey{}).(*request)
	if !ok || req.exportOf != id || !req.exported.CompareAndSwap(false, true) {
		return o, err
	}
	e := Entry{Action: ActionExport, Target: string(id), ObjectID: id, Outcome: OutcomeOK}
	switch {
	case errors.Is(err, store.ErrNotFound):
		e.Outcome, e.Detail = OutcomeDenied, "not found or above clearance"
	case err != nil:
		e.Outcome = OutcomeFailed
	}
	a.svc.audit(ctx, req.by, e)
	return o, err
}

// auditedImporter counts what a batch wrote and audits its end.
type auditedImporter struct {
	store.Importer
	svc                         *Service
	ctx                         context.Context
	by                          Actor
	created, updated, unchanged int
	ended                       bool
}

func (i *auditedImporter) Put(ctx context.Context, o *stix.Object) (store.Outcome, error) {
	out, err := i.Importer.Put(ctx, o)
	if err == nil {
		i.count(out)
	}
	return out, err
}

// PutMany hands objs on together, so that a store that looks their stored
// versions up together still can.
func (i *auditedImporter) PutMany(ctx context.Context, objs []*stix.Object, outs []store.Outcome) error {
	err := store.PutAll(ctx, i.Importer, objs, outs)
	if err == nil {
		for _, out := range outs {
			i.count(out)
		}
	}
	return err
}

func (i *auditedImporter) count(out store.Outcome) {
	switch out {
	case store.Created:
		i.created++
	case store.Updated:
		i.updated++
	default:
		i.unchanged++
	}
}

func (i *auditedImporter) Commit(ctx context.Context) (store.CommitStats, error) {
	stats, err := i.Importer.Commit(ctx)
	outcome := OutcomeOK
	if err != nil {
		outcome = OutcomeFailed
	}
	i.end(outcome)
	return stats, err
}

func (i *auditedImporter) Rollback() error {
	err := i.Importer.Rollback()
	i.end(OutcomeFailed)
	return err
}

// end audits the batch once: Rollback after Commit is the usual deferred call.
func (i *auditedImporter) end(outcome Outcome) {
	if i.ended {
		return
	}
	i.ended = true
	detail := fmt.Sprintf("%d created, %d updated, %d unchanged", i.created, i.updated, i.unchanged)
	if outcome != OutcomeOK {
		detail = "nothing imported; " + detail + " before the failure"
	}
	i.svc.audit(i.ctx, i.by, Entry{Action: ActionImport, Target: "bundle", Outcome: outcome, Detail: detail})
}
