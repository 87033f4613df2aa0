package postgres

import (
	"context"
	"fmt"

	"github.com/tipster-cti/tipster/internal/stix"
	"github.com/tipster-cti/tipster/internal/store"
)

// endProps are the reference properties that make an object an end of a
// relationship or sighting.
const endProps = `('source_ref', 'target_ref', 'sighting_of_ref', 'where_sighted_refs', 'observed_data_refs')`

// Relationships returns the relationships and sightings with id at one end
// and every end visible. The ends of all of them are read in one query.
func (d *DB) Relationships(ctx context.Context, v store.Viewer, id stix.ID) ([]store.Relationship, error) {
	rels, err := d.queryObjects(ctx, `SELECT `+cols+` FROM objects o
		WHERE o.id IN (SELECT r.source_id FROM refs r WHERE r.target_id = $1 AND r.prop IN `+endProps+`)
		AND o.type IN ('relationship', 'sighting') AND o.eff_tlp <= $2 ORDER BY o.seq`,
		string(id), int(v.Clearance))
	if err != nil {
		return nil, err
	}
	return store.WithEnds(ctx, d.GetMany, v, rels)
}

// Containers returns the visible containers that hold id.
func (d *DB) Containers(ctx context.Context, v store.Viewer, id stix.ID) ([]*store.Stored, error) {
	return d.queryObjects(ctx, `SELECT `+cols+` FROM objects o
		WHERE o.id IN (SELECT r.source_id FROM refs r WHERE r.target_id = $1 AND r.prop = 'object_refs')
		AND o.eff_tlp <= $2 ORDER BY o.seq`, string(id), int(v.Clearance))
}

// Contents returns the visible objects a visible container holds.
func (d *DB) Contents(ctx context.Context, v store.Viewer, id stix.ID) ([]*store.Stored, error) {
	if _, err := d.Get(ctx, v, id); err != nil {
		return nil, err
	}
	return d.queryObjects(ctx, `SELECT `+cols+` FROM objects o
		WHERE o.id IN (SELECT r.target_id FROM refs r WHERE r.source_id = $1 AND r.prop = 'object_refs')
		AND o.eff_tlp <= $2 ORDER BY o.seq`, string(id), int(v.Clearance))
}

// RelatedReports ranks other visible reports by the visible objects they
// share with id's contents (or with id itself, for an object that is not a
// container).
func (d *DB) RelatedReports(
	ctx context.Context,
	v store.Viewer,
	id stix.ID,
	limit int,
) ([]store.Related, error) {
	if limit <= 0 {
		limit = 10
	}
	rows, err := d.pool.Query(ctx, `WITH mine AS (
			SELECT target_id AS id FROM refs WHERE source_id = $1 AND prop = 'object_refs'
			UNION SELECT $1::text)
		SELECT `+cols+`, count(DISTINCT r.target_id) AS shared
		FROM refs r JOIN mine m ON m.id = r.target_id JOIN objects o ON o.id = r.source_id
		WHERE r.prop = 'object_refs' AND o.type = 'report' AND o.id <> $1 AND o.eff_tlp <= $2
		AND EXISTS (SELECT 1 FROM objects x WHERE x.id = r.target_id AND x.eff_tlp <= $2)
		GROUP BY o.seq ORDER BY shared DESC, o.seq LIMIT $3`, string(id), int(v.Clearance), limit)
	if err != nil {
		return nil, fmt.Errorf("postgres: related reports: %w", err)
	}
	defer rows.Close()
	var out []store.Related
	for rows.Next() {
		var shared int
		o, err := scanObject(rows, &shared)
		if err != nil {
			return nil, fmt.Errorf("postgres: related reports: %w", err)
		}
		out = append(out, store.Related{Stored: o, Shared: shared})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: related reports: %w", err)
	}
	return out, nil
}
