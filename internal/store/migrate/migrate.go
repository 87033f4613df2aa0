// Package migrate copies a knowledge base from one store to another: from
// the SQLite file of a single server to the PostgreSQL database that
// several servers share, typically. Objects go through the target's
// importer as their stored JSON, so the target recomputes every TLP level
// itself; documents follow their reports; users, API tokens, sessions, the
// access audit log, Ask AI's audit log and the provenance of applied AI
// text follow with their ids (see Tables); the copy ends by checking that
// both stores hold as many objects of each type and rows of each table.
//
// Failed logins and the knowledge-base passage index are not copied (see
// NotCopied for why).
package migrate

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/tipster-cti/tipster/internal/store"
)

// BatchSize is the number of objects written per target transaction:
// large, because the PostgreSQL importer reads the versions of all stored
// objects once per transaction that writes more than a few hundred.
const BatchSize = 50_000

// pageSize is the number of objects read from the source per query.
const pageSize = 1000

// ErrMismatch is wrapped by the error of a copy after which the two stores
// do not hold as many objects of each type.
var ErrMismatch = errors.New("object counts differ")

// Report says what a copy did.
type Report struct {
	Objects   int            // objects read from the source and put into the target
	Created   int            // objects the target did not hold
	Updated   int            // objects that replaced an older version in the target
	Unchanged int            // objects the target already held, as after an interrupted copy
	Documents int            // report documents copied
	Counts    map[string]int // objects of each type, the same in both stores
	// Tables says what became of each of Tables, in that order; empty
	// when they were not copied, and TablesSkipped says why.
	Tables        []TableReport
	TablesSkipped string
	Duration      time.Duration
}

// Copy copies every object and every report document of from into to, in
// the order from received them, so that listings by insertion order stay
// the same, then the rows of Tables when from is a TableSource (to must
// then be a TableTarget if from holds any). Objects are committed in
// batches of BatchSize and rows in batches of 500: a copy that fails part
// way leaves the batches before in the target, and running it again
// finishes it, as objects and rows already there count as unchanged. The
// target should be empty or hold such an interrupted copy, since the final
// check compares the counts of the two stores; a row already in the
// target is left as it is, so a source changed after a first copy should
// be copied into a fresh database. progress, when not nil, is
// called after every 1,000 objects read with the number of objects put so
// far (committed at the end of their batch).
// Neither store may change while the copy runs.
func Copy(ctx context.Context, from, to store.Store, progress func(n int)) (Report, error) {
	return copyAll(ctx, from, to, BatchSize, progress)
}

// copyAll is Copy with batches of size objects.
func copyAll(ctx context.Context, from, to store.Store, size int, progress func(n int)) (Report, error) {
	start := time.Now()
	var rep Report
	if progress == nil {
		progress = func(int) {}
	}
	plan, err := planTables(ctx, from, to)
	if err != nil {
		return rep, err
	}
	if err := copyObjects(ctx, from, to, size, &rep, progress); err != nil {
		return rep, err
	}
	if err := copyDocuments(ctx, from, to, &rep); err != nil {
		return rep, err
	}
	if err := copyTables(ctx, plan, &rep); err != nil {
		return rep, err
	}
	counts, err := compareCounts(ctx, from, to)
	rep.Counts = counts
	rep.Duration = time.Since(start)
	return rep, err
}

// everything is the query that lists every object, newest first.
var everything = store.Query{IncludeRevoked: true, Limit: pageSize}

// pageCursors returns the cursor of every page of the listing of every
// object in from, the first page's ("") first.
func pageCursors(ctx context.Context, from store.Store) ([]string, error) {
	cursors := []string{""}
	q := everything
	for {
		page, err := from.Search(ctx, store.LocalAdmin, q)
		if err != nil {
			return nil, fmt.Errorf("migrate: list source objects: %w", err)
		}
		if page.Next == "" {
			return cursors, nil
		}
		cursors = append(cursors, page.Next)
		q.Cursor = page.Next
	}
}

// copyObjects reads the pages of from oldest first (the listing is newest
// first, so the last page first and each page backwards) and puts their
// objects into to.
func copyObjects(ctx context.Context, from, to store.Store, size int, rep *Report, progress func(int)) error {
	cursors, err := pageCursors(ctx, from)
	if err != nil {
		return err
	}
	b := batch{to: to, size: size, rep: rep}
	defer b.rollback()
	for i := len(cursors) - 1; i >= 0; i-- {
		q := everything
		q.Cursor = cursors[i]
		page, err := from.Search(ctx, store.LocalAdmin, q)
		if err != nil {
			return fmt.Errorf("migrate: read source objects: %w", err)
		}
		for _, o := range slices.Backward(page.Objects) {
			if err := b.put(ctx, o); err != nil {
				return err
			}
		}
		progress(rep.Objects)
	}
	return b.commit(ctx)
}

// compareCounts returns the objects of each type in from, or an error
// wrapping ErrMismatch that lists the types whose counts differ in to.
func compareCounts(ctx context.Context, from, to store.Store) (map[string]int, error) {
	want, err := from.Count(ctx, store.LocalAdmin)
	if err != nil {
		return nil, fmt.Errorf("migrate: count source objects: %w", err)
	}
	got, err := to.Count(ctx, store.LocalAdmin)
	if err != nil {
		return nil, fmt.Errorf("migrate: count target objects: %w", err)
	}
	types := slices.Collect(maps.Keys(want))
	for typ := range got {
		if _, ok := want[typ]; !ok {
			types = append(types, typ)
		}
	}
	slices.Sort(types)
	var diffs []string
	for _, typ := range types {
		if want[typ] != got[typ] {
			diffs = append(
				diffs,
				fmt.Sprintf("%s: %d in the source, %d in the target", typ, want[typ], got[typ]),
			)
		}
	}
	if len(diffs) > 0 {
		return want, fmt.Errorf("migrate: %w: %s", ErrMismatch, strings.Join(diffs, "; "))
	}
	return want, nil
}
