package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/tipster-cti/tipster/internal/store"
)

// markingProps are the reference properties that give an object its own
// level; levelProps those whose targets raise a container's,
// relationship's or sighting's effective level.
const (
	markingProps = `('object_marking_refs', 'granular_markings.marking_ref')`
	levelProps   = `('object_refs', 'source_ref', 'target_ref', 'sighting_of_ref', 'observed_data_refs', 'where_sighted_refs')`
)

// levelTypes are the types whose effective level takes in what they refer
// to: containers, relationships and sightings.
const levelTypes = `('report', 'grouping', 'note', 'opinion', 'observed-data', 'relationship', 'sighting')`

// affected is the set of objects whose own level may have changed: those
// written by the import ($1), and those that refer to a TLP marking
// definition written by it.
const affected = `affected AS (
		SELECT t.id FROM unnest($1::text[]) AS t(id)
		UNION SELECT r.source_id FROM refs r JOIN unnest($1::text[]) AS t(id) ON t.id = r.target_id
		JOIN markings m ON m.id = t.id)`

// levelSQL recomputes, for the objects written by an import and those that
// refer to the TLP markings it wrote, first each object's own level from
// its markings, then the effective level of every object whose own level
// or whose referred objects' levels may have changed: for containers,
// relationships and sightings the highest of their own and of every object
// they refer to, for other objects their own. These are the SQLite
// backend's rules, computed in two statements with the affected set as a
// CTE; rows whose level stays the same are left alone (an
// update would rewrite the row and its index entries). The statements run
// in order, so the second sees the levels the first wrote.
var levelSQL = []string{
	`WITH ` + affected + `, level AS (
		SELECT a.id, coalesce((SELECT max(m.level) FROM refs r JOIN markings m ON m.id = r.target_id
			WHERE r.source_id = a.id AND r.prop IN ` + markingProps + `), 0) AS tlp
		FROM affected a)
	UPDATE objects o SET tlp = l.tlp FROM level l WHERE l.id = o.id AND o.tlp <> l.tlp`,
	`WITH ` + affected + `, reach AS (
		SELECT id FROM affected
		UNION SELECT r.source_id FROM refs r JOIN affected a ON a.id = r.target_id WHERE r.prop IN ` + levelProps + `),
	level AS (
		SELECT o.id, greatest(o.tlp, CASE WHEN o.type IN ` + levelTypes + ` THEN coalesce((SELECT max(o2.tlp)
			FROM refs r JOIN objects o2 ON o2.id = r.target_id
			WHERE r.source_id = o.id AND r.prop IN ` + levelProps + `), 0) ELSE 0 END) AS eff
		FROM reach a JOIN objects o ON o.id = a.id)
	UPDATE objects o SET eff_tlp = l.eff FROM level l WHERE l.id = o.id AND o.eff_tlp <> l.eff`,
}

// danglingSQL counts the references from the objects written ($1) to
// objects the store does not hold.
const danglingSQL = `SELECT count(*) FROM refs r JOIN unnest($1::text[]) AS t(id) ON t.id = r.source_id
	WHERE NOT EXISTS (SELECT 1 FROM objects o WHERE o.id = r.target_id)`

// Commit sends the last writes, recomputes the TLP levels touched by this
// import, counts dangling references and commits, in two round trips.
func (im *importer) Commit(ctx context.Context) (store.CommitStats, error) {
	var stats store.CommitStats
	if im.done {
		return stats, errors.New("postgres: import already finished")
	}
	err := im.send(ctx, func(b *pgx.Batch) {
		for _, q := range levelSQL {
			b.Queue(q, im.touched).Fn = func(br pgx.BatchResults) error {
				if _, err := br.Exec(); err != nil {
					return fmt.Errorf("postgres: recompute levels: %w", err)
				}
				return nil
			}
		}
		b.Queue(danglingSQL, im.touched).QueryRow(func(row pgx.Row) error {
			if err := row.Scan(&stats.DanglingRefs); err != nil {
				return fmt.Errorf("postgres: count dangling references: %w", err)
			}
			return nil
		})
	})
	if err != nil {
		im.Rollback()
		return stats, err
	}
	im.done = true
	if err := im.tx.Commit(ctx); err != nil {
		return stats, fmt.Errorf("postgres: commit import: %w", err)
	}
	if len(im.touched) >= analyzeAfter {
		// The planner chooses how to read each tier of a text search from
		// these statistics; autovacuum would refresh them, but only later.
		if _, err := im.db.pool.Exec(ctx, `ANALYZE objects, refs`); err != nil {
			return stats, fmt.Errorf("postgres: analyze after import: %w", err)
		}
	}
	return stats, nil
}

// analyzeAfter is how many objects an import writes before it refreshes the
// planner's statistics as it commits.
const analyzeAfter = 10_000

// Rollback abandons the import; it does nothing after Commit.
func (im *importer) Rollback() error {
	if im.done {
		return nil
	}
	im.done = true
	if err := im.tx.Rollback(context.Background()); err != nil && !errors.Is(err, pgx.ErrTxClosed) {
		return fmt.Errorf("postgres: roll back import: %w", err)
	}
	return nil
}
