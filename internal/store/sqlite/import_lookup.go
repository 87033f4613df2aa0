package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"

	"github.com/tipster-cti/tipster/internal/stix"
	"github.com/tipster-cti/tipster/internal/store"
)

// What the importer reads back while it writes: the stored versions of the
// objects it is given, and whether the targets of their references are
// stored.

// stored is what an import compares an incoming object with: the stored
// version's sequence number, timestamps and JSON.
type stored struct {
	seq               int64
	modified, created string
	raw               []byte
}

// Put stores o unless the stored version is the same or newer. Objects that
// carry no timestamps (observables) are replaced when their JSON differs.
func (im *importer) Put(ctx context.Context, o *stix.Object) (store.Outcome, error) {
	if im.pending[string(o.ID)] {
		// The same id twice in one batch: write the batch so the
		// comparison below sees the first one.
		if err := im.flush(ctx); err != nil {
			return 0, err
		}
	}
	found, err := im.lookup(ctx, []*stix.Object{o})
	if err != nil {
		return 0, err
	}
	return im.put(ctx, o, found[o.ID])
}

// PutMany stores objs as Put would one after another, but looks up their
// stored versions with one statement per lookupMax of them, instead of
// one each. The lookup cannot see an object whose id is in this import's
// unwritten rows as it runs, or comes earlier in objs: Put compares those,
// once the rows are written (a write within objs does not make the lookup
// any less stale for them).
func (im *importer) PutMany(ctx context.Context, objs []*stix.Object, outs []store.Outcome) error {
	unseen := make(map[stix.ID]bool, len(objs))
	for _, o := range objs {
		if im.pending[string(o.ID)] {
			unseen[o.ID] = true
		}
	}
	found, err := im.lookup(ctx, objs)
	if err != nil {
		return err
	}
	for i, o := range objs {
		if unseen[o.ID] {
			outs[i], err = im.Put(ctx, o)
		} else {
			outs[i], err = im.put(ctx, o, found[o.ID])
		}
		if err != nil {
			return err
		}
		unseen[o.ID] = true
	}
	return nil
}

// put stores o given its stored version, nil when there is none.
func (im *importer) put(ctx context.Context, o *stix.Object, st *stored) (store.Outcome, error) {
	if st == nil {
		return store.Created, im.insert(ctx, o)
	}
	version := st.modified
	if version == "" {
		version = st.created
	}
	incoming := timeText(o.Version())
	if incoming < version || (incoming == version && (incoming != "" || bytes.Equal(st.raw, o.Raw))) {
		return store.Unchanged, nil
	}
	if err := im.flush(ctx); err != nil {
		return 0, err
	}
	return store.Updated, im.update(ctx, st.seq, o)
}

// lookup reads the stored versions of objs that exist.
func (im *importer) lookup(ctx context.Context, objs []*stix.Object) (map[stix.ID]*stored, error) {
	ids := make([]string, len(objs))
	for i, o := range objs {
		ids[i] = string(o.ID)
	}
	found := make(map[stix.ID]*stored, len(objs))
	err := im.queryIDs(ctx, `id, seq, modified, created, raw`, ids, func(rows *sql.Rows) error {
		var id string
		s := new(stored)
		if err := rows.Scan(&id, &s.seq, &s.modified, &s.created, &s.raw); err != nil {
			return err
		}
		found[stix.ID(id)] = s
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("sqlite: look up stored versions: %w", err)
	}
	return found, nil
}

// unknownRef is a reference, from the object at seq, to a target this
// import had not written lately when it wrote the object.
type unknownRef struct {
	seq    int64
	target string
}

// settleUnknown looks up, once the objects of a batch are written, the
// targets of unknown that are not known to be stored, remembers those that
// are, and writes the references to the others to targets. A target
// written later in the import is found there by Commit; a reference of a
// version that a later one in the import replaces is deleted with it.
func (im *importer) settleUnknown(ctx context.Context) error {
	var ask []string
	asked := map[string]bool{}
	for _, r := range im.unknown {
		if _, ok := im.present.get(r.target); !ok && !asked[r.target] {
			asked[r.target] = true
			ask = append(ask, r.target)
		}
	}
	found := map[string]bool{}
	err := im.queryIDs(ctx, `id`, ask, func(rows *sql.Rows) error {
		var id string
		if err := rows.Scan(&id); err != nil {
			return err
		}
		found[id] = true
		im.present.put(id, struct{}{})
		return nil
	})
	if err != nil {
		return fmt.Errorf("sqlite: look up referenced objects: %w", err)
	}
	for _, r := range im.unknown {
		if _, ok := im.present.get(r.target); !ok && !found[r.target] {
			im.targets.add(r.seq, r.target)
		}
	}
	clear(im.unknown)
	im.unknown = im.unknown[:0]
	_, err = im.targets.flush(ctx, im.d)
	return err
}

// lookupMax is the most ids one lookup statement holds. Statements hold a
// power of two ids, so that a few, prepared once on the imports'
// connection, serve every length.
const lookupMax = 256

// queryIDs selects cols of the stored objects among ids, lookupMax or a
// smaller power of two at a time, and calls scan for each row.
func (im *importer) queryIDs(ctx context.Context, cols string, ids []string, scan func(*sql.Rows) error) error {
	for rest := ids; len(rest) > 0; {
		n := lookupMax
		for n > len(rest) {
			n /= 2
		}
		args := make([]any, n)
		for i, id := range rest[:n] {
			args[i] = id
		}
		st, err := im.d.writerStmt(ctx, `SELECT `+cols+` FROM objects WHERE id IN (`+placeholders(n)+`)`)
		if err != nil {
			return err
		}
		if err := eachRow(ctx, st, args, scan); err != nil {
			return err
		}
		rest = rest[n:]
	}
	return nil
}

// eachRow runs the query st with args and calls scan for each row.
func eachRow(ctx context.Context, st *sql.Stmt, args []any, scan func(*sql.Rows) error) error {
	rows, err := st.QueryContext(ctx, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// recent remembers the values put for the last 32,768 to 65,536 keys, in
// two generations, so that memory stays bounded however large the import.
// A generation's map grows as it fills: made at full size, two of them
// cost 5 MB of garbage for every import, however small.
type recent[K comparable, V any] struct{ cur, old map[K]V }

const recentSize = 1 << 15

func (r *recent[K, V]) put(k K, v V) {
	if len(r.cur) >= recentSize || r.cur == nil {
		r.old, r.cur = r.cur, map[K]V{}
	}
	r.cur[k] = v
}

func (r *recent[K, V]) get(k K) (V, bool) {
	if v, ok := r.cur[k]; ok {
		return v, true
	}
	v, ok := r.old[k]
	return v, ok
}
