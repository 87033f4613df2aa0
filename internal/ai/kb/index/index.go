// Package index keeps the passages that knowledge-base questions are
// answered from: every object (and a report's document text) cut into
// passages of about 200 tokens, their full-text index, and their
// embeddings per model. A store keeps them in its own database, next to
// the objects they are cut from, behind Storage: the SQLite store in the
// tables of its migration 0004_passages.sql, the PostgreSQL store in its
// own 0004_passages.sql.
//
// The index keeps no state between calls that another server on the same
// database could contradict: staleness is found by comparing
// fingerprints, embedding work is claimed through a lease row, and
// in-memory vectors are checked against a generation counter.
package index

import (
	"context"
	"sync"
)

// SyncBatch is how many objects one sync transaction cuts.
const SyncBatch = 500

// Index is the passage index over one store's Storage.
type Index struct {
	s Storage

	df idfCache // document frequencies, see text.go

	mu      sync.Mutex
	vectors map[string]*vectorSet // per model, see vectors.go
}

// New returns the index kept in s.
func New(s Storage) *Index {
	return &Index{s: s, vectors: map[string]*vectorSet{}}
}

// SyncStats says what a Sync did.
type SyncStats struct {
	Objects  int // objects whose passages were cut again
	Passages int // passages written (new or changed)
	Levels   int // objects whose TLP level changed
}

// Sync brings the passages up to date with the objects: new and changed
// objects are cut again, each batch in its own transaction, so that
// servers sharing the database can sync at once without doing the same
// work twice. It returns when nothing is stale.
func (ix *Index) Sync(ctx context.Context) (SyncStats, error) {
	var total SyncStats
	n, err := ix.s.SyncLevels(ctx)
	if err != nil {
		return total, err
	}
	total.Levels = n
	for {
		st, err := ix.s.SyncBatch(ctx, SyncBatch)
		if err != nil {
			return total, err
		}
		total.Objects += st.Objects
		total.Passages += st.Passages
		if st.Objects < SyncBatch {
			return total, nil
		}
	}
}

// Passages returns the passages with the given ids (unknown ones left
// out), in no particular order. It does not filter by level: callers pass
// ids that a clearance-filtered search returned.
func (ix *Index) Passages(ctx context.Context, ids []int64) ([]Passage, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	return ix.s.Passages(ctx, ids)
}

// Heads returns the first passage of each object in objectIDs that has
// one, in no particular order.
func (ix *Index) Heads(ctx context.Context, objectIDs []string) ([]Passage, error) {
	if len(objectIDs) == 0 {
		return nil, nil
	}
	return ix.s.Heads(ctx, objectIDs)
}
