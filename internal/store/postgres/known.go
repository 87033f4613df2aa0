package postgres

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/tipster-cti/tipster/internal/stix"
)

// An import that puts knownAfter objects into a store of at most knownLimit
// objects reads the versions of all stored objects in one query instead of
// one at a time, and then writes flushAfter statements per round trip. The
// map costs about 150 bytes per stored object (knownLimit: about 40 MB)
// and lives only until the import ends; it stays true for the whole
// import because every writer of objects holds the import lock.
const (
	knownAfter = 256
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

// loadKnown sends the queued writes and, when the store holds at most
// knownLimit objects, reads the version of every one of them, those written
// by this import included.
func (im *importer) loadKnown(ctx context.Context) error {
	var n int
	err := im.send(ctx, func(b *pgx.Batch) {
		b.Queue(`SELECT count(*) FROM (SELECT 1 FROM objects LIMIT $1) s`, knownLimit+1).
			QueryRow(func(row pgx.Row) error { return row.Scan(&n) })
	})
	if err != nil {
		return fmt.Errorf("postgres: count stored objects: %w", err)
	}
	if n > knownLimit {
		return nil
	}
	rows, err := im.tx.Query(ctx, versionSQL)
	if err != nil {
		return fmt.Errorf("postgres: read stored versions: %w", err)
	}
	defer rows.Close()
	known := make(map[string]version, n)
	for rows.Next() {
		var id string
		var v version
		var sum []byte
		if err := rows.Scan(&id, &v.at, &sum); err != nil {
			return fmt.Errorf("postgres: read stored versions: %w", err)
		}
		copy(v.sum[:], sum)
		known[id] = v
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("postgres: read stored versions: %w", err)
	}
	im.known = known
	return nil
}
