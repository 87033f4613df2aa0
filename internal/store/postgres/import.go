package postgres

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"strings"
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

// importer writes one import's objects in one transaction. Until the
// import has put knownAfter objects, each Put costs one round trip: the
// writes of the previous object travel in the same pipeline as the read of
// the stored version of this one. From then on it uses the versions of
// every stored object, read once (see loadKnown), and sends its writes in
// batches.
type importer struct {
	tx      pgx.Tx
	batch   *pgx.Batch         // writes not yet sent
	touched []string           // ids written, each once, in order
	seen    map[string]bool    // the ids in touched
	puts    int                // calls to Put so far
	known   map[string]version // the version of every stored object, once loaded
	done    bool
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
	return &importer{tx: tx, batch: &pgx.Batch{}, seen: map[string]bool{}}, nil
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

var importSQL = map[string]string{
	"upsert": `INSERT INTO objects (id, type, spec_version, created, modified, revoked, name, description,
		aliases, confidence, created_by, published, raw, fts)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, ` + ftsSQL("$1", "$14", "$15", "$16") + `)
		ON CONFLICT (id) DO UPDATE SET spec_version = excluded.spec_version, created = excluded.created,
		modified = excluded.modified, revoked = excluded.revoked, name = excluded.name,
		description = excluded.description, aliases = excluded.aliases, confidence = excluded.confidence,
		created_by = excluded.created_by, published = excluded.published, raw = excluded.raw, fts = excluded.fts`,
	"delRefs":   `DELETE FROM refs WHERE source_id = $1`,
	"delLabels": `DELETE FROM labels WHERE object_id = $1`,
	"delExt":    `DELETE FROM external_ids WHERE object_id = $1`,
	"refs": `INSERT INTO refs (source_id, prop, target_id)
		SELECT $1, u.prop, u.target FROM unnest($2::text[], $3::text[]) AS u(prop, target)`,
	"labels":  `INSERT INTO labels (object_id, label) SELECT $1, unnest($2::text[])`,
	"ext":     `INSERT INTO external_ids (object_id, external_id) SELECT $1, unnest($2::text[])`,
	"marking": `INSERT INTO markings (id, level) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET level = excluded.level`,
}

// queue adds a write about object id to the next round trip; its error, if
// any, comes back from the next Put or from Commit.
func (im *importer) queue(name string, id stix.ID, args ...any) {
	im.batch.Queue(importSQL[name], args...).Fn = func(br pgx.BatchResults) error {
		if _, err := br.Exec(); err != nil {
			return fmt.Errorf("postgres: %s %s: %w", name, id, err)
		}
		return nil
	}
}

// send runs the queued statements in one round trip.
func (im *importer) send(ctx context.Context) error {
	b := im.batch
	im.batch = &pgx.Batch{}
	return im.tx.SendBatch(ctx, b).Close()
}

// Put stores o unless the stored version is the same or newer. Objects that
// carry no timestamps (observables) are replaced when their JSON differs.
func (im *importer) Put(ctx context.Context, o *stix.Object) (store.Outcome, error) {
	if im.done {
		return 0, errors.New("postgres: import already finished")
	}
	im.puts++
	if im.puts == knownAfter {
		if err := im.loadKnown(ctx); err != nil {
			return 0, err
		}
	}
	have, found, err := im.current(ctx, o)
	if err != nil {
		return 0, err
	}
	out := store.Created
	if found {
		out = store.Updated
		incoming := timeText(o.Version())
		if incoming < have.at || (incoming == have.at && (incoming != "" || sha256.Sum256(o.Raw) == have.sum)) {
			return store.Unchanged, nil
		}
	}
	im.write(o, found)
	if im.known != nil && len(im.batch.QueuedQueries) >= flushAfter {
		if err := im.send(ctx); err != nil {
			return 0, fmt.Errorf("postgres: put %s: %w", o.ID, err)
		}
	}
	return out, nil
}

// write queues the statements that store o and the rows derived from it:
// references, labels, external ids, the index entry, and the level of a
// TLP marking definition. replace drops the rows of the version it replaces.
func (im *importer) write(o *stix.Object, replace bool) {
	id := string(o.ID)
	if replace {
		for _, q := range []string{"delRefs", "delLabels", "delExt"} {
			im.queue(q, o.ID, id)
		}
	}
	aliases := strings.Join(o.Aliases, "\n")
	im.queue("upsert", o.ID, id, o.Type, o.SpecVersion, timeText(o.Created), timeText(o.Modified),
		o.Revoked, o.Name, o.Description, aliases, confidence(o), string(o.CreatedBy),
		timeText(o.Published), o.Raw, indexText(o.Name, maxIndexedName), indexText(aliases, maxIndexedName),
		indexText(o.Description, maxIndexedBody))
	if len(o.Refs) > 0 {
		props, targets := make([]string, len(o.Refs)), make([]string, len(o.Refs))
		for i, r := range o.Refs {
			props[i], targets[i] = r.Prop, string(r.Target)
		}
		im.queue("refs", o.ID, id, props, targets)
	}
	if len(o.Labels) > 0 {
		im.queue("labels", o.ID, id, o.Labels)
	}
	if len(o.ExternalIDs) > 0 {
		im.queue("ext", o.ID, id, o.ExternalIDs)
	}
	if o.Type == "marking-definition" {
		if level, ok := stix.MarkingLevel(o); ok {
			im.queue("marking", o.ID, id, int(level))
		}
	}
	if im.known != nil {
		im.known[id] = versionOf(o)
	}
	if !im.seen[id] {
		im.seen[id] = true
		im.touched = append(im.touched, id)
	}
}

func confidence(o *stix.Object) any {
	if o.Confidence < 0 {
		return nil
	}
	return o.Confidence
}
