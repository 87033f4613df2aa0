package postgres

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/tipster-cti/tipster/internal/stix"
)

// An import into a store of n objects, n at most knownLimit, reads the
// versions of all stored objects in one query instead of one at a time
// once it has put n/knownRatio objects (reading one version costs about a
// two-hundredth of a round trip), and then sends the writes of flushAfter
// objects per round trip. The map costs about 150 bytes per stored object
// (knownLimit: about 40 MB) and lives only until the import ends; it stays
// true for the whole import because every writer of objects holds the
// import lock.
const (
	knownRatio = 200
	knownLimit = 250_000
	flushAfter = 1000
)

// version is what Put needs to know of the stored version of an object:
// its modified time, else its created time, as timeText; and for objects
// with neither, the SHA-256 of the JSON.
type version struct {
	at  string
	sum [sha256.Size]byte
}

// versionOf returns the version of o as it will be stored.
func versionOf(o *stix.Object) version {
	v := version{at: timeText(o.Version())}
	if v.at == "" {
		v.sum = sha256.Sum256(o.Raw)
	}
	return v
}

// versionSQL selects, for objects matching the condition that follows, the
// id and the version.
const versionSQL = `SELECT id, CASE WHEN modified <> '' THEN modified ELSE created END,
	CASE WHEN modified = '' AND created = '' THEN sha256(raw) END FROM objects `

// current returns the stored version of o, if any: from the versions read
// by loadKnown when it ran, else from the database, in the round trip that
// also sends the writes queued so far.
func (im *importer) current(ctx context.Context, o *stix.Object) (v version, found bool, err error) {
	if im.known != nil {
		v, found = im.known[string(o.ID)]
		return v, found, nil
	}
	err = im.send(ctx, func(b *pgx.Batch) {
		b.Queue(versionSQL+`WHERE id = $1`, string(o.ID)).QueryRow(func(row pgx.Row) error {
			var id string
			var sum []byte
			err := row.Scan(&id, &v.at, &sum)
			if errors.Is(err, pgx.ErrNoRows) {
				return nil
			}
			found = err == nil
			copy(v.sum[:], sum)
			return err
		})
	})
	if err != nil {
		return v, false, fmt.Errorf("postgres: put %s: %w", o.ID, err)
	}
	return v, found, nil
}

// estimateStored returns about how many objects are stored: the planner's
// estimate, or a count up to knownLimit+1 when the table was never
// analyzed. loadKnown stops at knownLimit whatever the estimate said.
func (im *importer) estimateStored(ctx context.Context) (int, error) {
	var n int64
	err := im.send(ctx, func(b *pgx.Batch) {
		b.Queue(`SELECT CASE WHEN c.reltuples >= 0 THEN c.reltuples::bigint
			ELSE (SELECT count(*) FROM (SELECT 1 FROM objects LIMIT $1) s) END
			FROM pg_class c WHERE c.oid = 'objects'::regclass`, knownLimit+1).
			QueryRow(func(row pgx.Row) error { return row.Scan(&n) })
	})
	if err != nil {
		return 0, fmt.Errorf("postgres: count stored objects: %w", err)
	}
	return int(n), nil
}

// maybeLoadKnown reads the versions of all stored objects when the import
// has put enough objects for that to cost less than looking them up one by
// one.
func (im *importer) maybeLoadKnown(ctx context.Context) error {
	if im.known != nil {
		return nil
	}
	if im.stored < 0 {
		n, err := im.estimateStored(ctx)
		if err != nil {
			return err
		}
		im.stored = n
	}
	if im.stored > knownLimit || im.puts*knownRatio < im.stored {
		return nil
	}
	return im.loadKnown(ctx)
}

// loadKnown sends the queued writes and reads the version of every stored
// object, those written by this import included; if there are more than
// knownLimit, it drops what it read and the import goes on looking
// versions up one by one.
func (im *importer) loadKnown(ctx context.Context) error {
	if err := im.send(ctx, nil); err != nil {
		return err
	}
	rows, err := im.tx.Query(ctx, versionSQL)
	if err != nil {
		return fmt.Errorf("postgres: read stored versions: %w", err)
	}
	defer rows.Close()
	known := make(map[string]version, im.stored+flushAfter)
	for rows.Next() {
		var id string
		var v version
		var sum []byte
		if err := rows.Scan(&id, &v.at, &sum); err != nil {
			return fmt.Errorf("postgres: read stored versions: %w", err)
		}
		copy(v.sum[:], sum)
		known[id] = v
		if len(known) > knownLimit {
			im.stored = len(known)
			return nil
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("postgres: read stored versions: %w", err)
	}
	im.known = known
	return nil
}
