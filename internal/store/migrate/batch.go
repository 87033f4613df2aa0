package migrate

import (
	"context"
	"fmt"

	"github.com/tipster-cti/tipster/internal/store"
)

// batch puts objects into the target, committing every size objects.
type batch struct {
	to   store.Store
	size int
	rep  *Report
	imp  store.Importer // nil between batches
	n    int            // objects in the open batch
}

func (b *batch) put(ctx context.Context, o *store.Stored) error {
	if b.imp == nil {
		imp, err := b.to.Import(ctx)
		if err != nil {
			return fmt.Errorf("migrate: start a batch: %w", err)
		}
		b.imp, b.n = imp, 0
	}
	out, err := b.imp.Put(ctx, o.Object)
	if err != nil {
		return fmt.Errorf("migrate: copy %s: %w", o.ID, err)
	}
	b.rep.Objects++
	switch out {
	case store.Created:
		b.rep.Created++
	case store.Updated:
		b.rep.Updated++
	default:
		b.rep.Unchanged++
	}
	if b.n++; b.n == b.size {
		return b.commit(ctx)
	}
	return nil
}

// commit commits the open batch, if any.
func (b *batch) commit(ctx context.Context) error {
	if b.imp == nil {
		return nil
	}
	imp := b.imp
	b.imp = nil
	if _, err := imp.Commit(ctx); err != nil {
		return fmt.Errorf("migrate: commit a batch: %w", err)
	}
	return nil
}

// rollback abandons the open batch, if any.
func (b *batch) rollback() {
	if b.imp != nil {
		b.imp.Rollback()
		b.imp = nil
	}
}
