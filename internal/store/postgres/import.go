package postgres

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tipster-cti/tipster/internal/stix"
	"github.com/tipster-cti/tipster/internal/store"
)

// timeText formats a timestamp so that text order is time order.
func timeText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05.000000000Z")
}

// importer writes one import's objects in one transaction. While the
// import is small next to the store, each Put costs one round trip: the
// writes of the previous object travel in the same pipeline as the read of
// the stored version of this one. From then on (see maybeLoadKnown) it
// uses the versions of every stored object, read once, and sends its
// writes in batches.
type importer struct {
	tx      pgx.Tx
	rows    rows               // writes not yet sent
	touched []string           // ids written, each once, in order
	seen    map[string]bool    // the ids in touched
	puts    int                // calls to Put so far
	stored  int                // about how many objects were stored at the first Put, -1 before
	known   map[string]version // the version of every stored object, once loaded
	done    bool
	db      *DB
}

// Import starts a write transaction. Imports are serialized, across every
// process that uses the database, by a transaction-level advisory lock: a
// second importer waits for the first to commit or roll back, as with
// SQLite's single writer, so that two imports sharing objects (as ATT&CK
// bundles share their identity and marking) neither deadlock nor fail on a
// duplicate id, and their counts of created objects add up.
func (d *DB) Import(ctx context.Context) (store.Importer, error) {
	tx, err := d.pool.Begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("postgres: begin import: %w", err)
	}
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, `+lockKey("import")+`)`, lockClass); err != nil {
		tx.Rollback(context.Background())
		return nil, fmt.Errorf("postgres: import lock: %w", err)
	}
	return &importer{tx: tx, seen: map[string]bool{}, stored: -1, db: d}, nil
}

// ftsSQL returns the SQL of an object's index entry from the placeholders
// of its id, and of its name, aliases and body each passed through
// indexText; a report's entry also holds the text of its document.
func ftsSQL(id, name, aliases, body string) string {
	return `setweight(to_tsvector('` + ftsConfig + `', ` + name + `), 'A') ||
	setweight(to_tsvector('` + ftsConfig + `', ` + aliases + `), 'B') ||
	setweight(to_tsvector('` + ftsConfig + `', ` + body + `), 'C') ||
	coalesce((SELECT d.fts FROM documents d WHERE d.report_id = ` + id + `), '')`
}

// send runs, in one round trip, the writes not yet sent and then the
// statements that then queues (then may be nil).
func (im *importer) send(ctx context.Context, then func(b *pgx.Batch)) error {
	b := &pgx.Batch{}
	im.rows.queue(b)
	if then != nil {
		then(b)
	}
	if b.Len() == 0 {
		return nil
	}
	return im.tx.SendBatch(ctx, b).Close()
}

// Put stores o unless the stored version is the same or newer. Objects that
// carry no timestamps (observables) are replaced when their JSON differs.
func (im *importer) Put(ctx context.Context, o *stix.Object) (store.Outcome, error) {
	if im.done {
		return 0, errors.New("postgres: import already finished")
	}
	im.puts++
	if err := im.maybeLoadKnown(ctx); err != nil {
		return 0, err
	}
	have, found, err := im.current(ctx, o)
	if err != nil {
		return 0, err
	}
	out := store.Created
	if found {
		out = store.Updated
		incoming := timeText(o.Version())
		if incoming < have.at ||
			(incoming == have.at && (incoming != "" || sha256.Sum256(o.Raw) == have.sum)) {
			return store.Unchanged, nil
		}
	}
	if err := im.write(ctx, o, found); err != nil {
		return 0, fmt.Errorf("postgres: put %s: %w", o.ID, err)
	}
	return out, nil
}

// write buffers o; replace drops the rows of the version it replaces. The
// buffer is sent when it already holds o (one statement may not write a
// row twice) and, once stored versions are known, when it is full.
func (im *importer) write(ctx context.Context, o *stix.Object, replace bool) error {
	if im.rows.holds(o.ID) {
		if err := im.send(ctx, nil); err != nil {
			return err
		}
	}
	im.rows.add(o, replace)
	id := string(o.ID)
	if im.known != nil {
		im.known[id] = versionOf(o)
	}
	if !im.seen[id] {
		im.seen[id] = true
		im.touched = append(im.touched, id)
	}
	if im.known != nil && im.rows.objects() >= flushAfter {
		return im.send(ctx, nil)
	}
	return nil
}
