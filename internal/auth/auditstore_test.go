package auth

import (
	"context"
	"testing"

	"github.com/tipster-cti/tipster/internal/stix"
	"github.com/tipster-cti/tipster/internal/store"
)

// manyStore is a store whose importer takes objects together, as the
// SQLite one does, and reports each outcome it was told to.
type manyStore struct {
	store.Store
	imp *manyImporter
}

func (m manyStore) Import(context.Context) (store.Importer, error) { return m.imp, nil }

type manyImporter struct {
	store.Importer
	calls int
}

func (m *manyImporter) PutMany(_ context.Context, objs []*stix.Object, outs []store.Outcome) error {
	m.calls++
	for i := range objs {
		outs[i] = store.Outcome(i % 3)
	}
	return nil
}

// TestAuditedImporterPassesBatchesOn checks that an audited import hands a
// batch to a store that takes batches, and still counts each outcome.
func TestAuditedImporterPassesBatchesOn(t *testing.T) {
	inner := &manyImporter{}
	st := (&Service{}).AuditedStore(manyStore{imp: inner})
	imp, err := st.Import(WithRequest(context.Background(), Actor{Name: "analyst"}, ""))
	if err != nil {
		t.Fatal(err)
	}
	objs := make([]*stix.Object, 7)
	outs := make([]store.Outcome, len(objs))
	if err := store.PutAll(context.Background(), imp, objs, outs); err != nil {
		t.Fatal(err)
	}
	if inner.calls != 1 {
		t.Errorf("the store was handed the batch %d times, want once", inner.calls)
	}
	a := imp.(*auditedImporter)
	counts := map[store.Outcome]int{store.Created: a.created, store.Updated: a.updated, store.Unchanged: a.unchanged}
	for o, n := range counts {
		want := 0
		for i := range objs {
			if store.Outcome(i%3) == o {
				want++
			}
		}
		if n != want {
			t.Errorf("outcome %d counted %d times, want %d", o, n, want)
		}
	}
}
