package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/tipster-cti/tipster/internal/stix"
	"github.com/tipster-cti/tipster/internal/store"
)

// cols are the columns every object read selects, in scanObject's order.
const cols = `o.raw, o.tlp, o.eff_tlp`

type scanner interface{ Scan(dest ...any) error }

func scanObject(s scanner, extra ...any) (*store.Stored, error) {
	var raw []byte
	var tlp, eff int
	if err := s.Scan(append([]any{&raw, &tlp, &eff}, extra...)...); err != nil {
		return nil, err
	}
	o, err := stix.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("sqlite: stored object is not JSON: %w", err)
	}
	return &store.Stored{Object: o, TLP: stix.TLP(tlp), EffectiveTLP: stix.TLP(eff)}, nil
}

func (d *DB) queryObjects(ctx context.Context, q string, args ...any) ([]*store.Stored, error) {
	rows, err := d.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: query: %w", err)
	}
	defer rows.Close()
	var out []*store.Stored
	for rows.Next() {
		o, err := scanObject(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// Get returns one visible object.
func (d *DB) Get(ctx context.Context, v store.Viewer, id stix.ID) (*store.Stored, error) {
	row := d.db.QueryRowContext(ctx, `SELECT `+cols+` FROM objects o WHERE o.id = ? AND o.eff_tlp <= ?`,
		id, int(v.Clearance))
	o, err := scanObject(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("object %s: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: get %s: %w", id, err)
	}
	return o, nil
}

// GetMany returns the visible objects among ids, in the order of ids.
func (d *DB) GetMany(ctx context.Context, v store.Viewer, ids []stix.ID) ([]*store.Stored, error) {
	byID := make(map[stix.ID]*store.Stored, len(ids))
	for start := 0; start < len(ids); start += 500 {
		chunk := ids[start:min(start+500, len(ids))]
		args := make([]any, 0, len(chunk)+1)
		for _, id := range chunk {
			args = append(args, string(id))
		}
		args = append(args, int(v.Clearance))
		objs, err := d.queryObjects(ctx, `SELECT `+cols+` FROM objects o WHERE o.id IN (`+
			placeholders(len(chunk))+`) AND o.eff_tlp <= ?`, args...)
		if err != nil {
			return nil, err
		}
		for _, o := range objs {
			byID[o.ID] = o
		}
	}
	out := make([]*store.Stored, 0, len(byID))
	for _, id := range ids {
		if o, ok := byID[id]; ok {
			out = append(out, o)
			delete(byID, id)
		}
	}
	return out, nil
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}

// Count returns the number of visible objects of each type.
func (d *DB) Count(ctx context.Context, v store.Viewer) (map[string]int, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT type, count(*) FROM objects WHERE eff_tlp <= ? GROUP BY type`,
		int(v.Clearance))
	if err != nil {
		return nil, fmt.Errorf("sqlite: count: %w", err)
	}
	defer rows.Close()
	counts := map[string]int{}
	for rows.Next() {
		var typ string
		var n int
		if err := rows.Scan(&typ, &n); err != nil {
			return nil, err
		}
		counts[typ] = n
	}
	return counts, rows.Err()
}

// endProps are the reference properties that make an object an end of a
// relationship or sighting.
const endProps = `('source_ref', 'target_ref', 'sighting_of_ref', 'where_sighted_refs', 'observed_data_refs')`

// Relationships returns the relationships and sightings with id at one end
// and every end visible.
func (d *DB) Relationships(ctx context.Context, v store.Viewer, id stix.ID) ([]store.Relationship, error) {
	rels, err := d.queryObjects(
		ctx,
		`SELECT DISTINCT `+cols+` FROM refs r JOIN objects o ON o.seq = r.source_seq
		WHERE r.target_id = ? AND r.prop IN `+endProps+` AND o.type IN ('relationship', 'sighting')
		AND o.eff_tlp <= ? ORDER BY o.seq`,
		id,
		int(v.Clearance),
	)
	if err != nil {
		return nil, err
	}
	return store.WithEnds(ctx, d.GetMany, v, rels)
}

// Containers returns the visible containers that hold id.
func (d *DB) Containers(ctx context.Context, v store.Viewer, id stix.ID) ([]*store.Stored, error) {
	return d.queryObjects(ctx, `SELECT DISTINCT `+cols+` FROM refs r JOIN objects o ON o.seq = r.source_seq
		WHERE r.target_id = ? AND r.prop = 'object_refs' AND o.eff_tlp <= ? ORDER BY o.seq`, id, int(v.Clearance))
}

// Contents returns the visible objects a visible container holds.
func (d *DB) Contents(ctx context.Context, v store.Viewer, id stix.ID) ([]*store.Stored, error) {
	if _, err := d.Get(ctx, v, id); err != nil {
		return nil, err
	}
	return d.queryObjects(ctx, `SELECT DISTINCT `+cols+` FROM refs r JOIN objects o ON o.id = r.target_id
		WHERE r.source_seq = (SELECT seq FROM objects WHERE id = ?) AND r.prop = 'object_refs'
		AND o.eff_tlp <= ? ORDER BY o.seq`, id, int(v.Clearance))
}

// RelatedReports ranks other visible reports by the objects they share with
// id's contents (or with id itself, for an object that is not a container).
func (d *DB) RelatedReports(
	ctx context.Context,
	v store.Viewer,
	id stix.ID,
	limit int,
) ([]store.Related, error) {
	if limit <= 0 {
		limit = 10
	}
	rows, err := d.db.QueryContext(ctx, `WITH mine AS (
			SELECT target_id AS id FROM refs WHERE source_seq = (SELECT seq FROM objects WHERE id = ?1)
			AND prop = 'object_refs'
			UNION SELECT ?1)
		SELECT `+cols+`, count(DISTINCT r.target_id) AS shared
		FROM refs r JOIN mine m ON m.id = r.target_id JOIN objects o ON o.seq = r.source_seq
		WHERE r.prop = 'object_refs' AND o.type = 'report' AND o.id <> ?1 AND o.eff_tlp <= ?2
		AND EXISTS (SELECT 1 FROM objects x WHERE x.id = r.target_id AND x.eff_tlp <= ?2)
		GROUP BY o.id ORDER BY shared DESC, o.seq LIMIT ?3`, id, int(v.Clearance), limit)
	if err != nil {
		return nil, fmt.Errorf("sqlite: related reports: %w", err)
	}
	defer rows.Close()
	var out []store.Related
	for rows.Next() {
		var shared int
		o, err := scanObject(rows, &shared)
		if err != nil {
			return nil, err
		}
		out = append(out, store.Related{Stored: o, Shared: shared})
	}
	return out, rows.Err()
}

// MarkingLevels returns the level of every known TLP marking definition.
func (d *DB) MarkingLevels(ctx context.Context) (map[stix.ID]stix.TLP, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT id, level FROM markings`)
	if err != nil {
		return nil, fmt.Errorf("sqlite: markings: %w", err)
	}
	defer rows.Close()
	out := map[stix.ID]stix.TLP{}
	for rows.Next() {
		var id string
		var level int
		if err := rows.Scan(&id, &level); err != nil {
			return nil, err
		}
		out[stix.ID(id)] = stix.TLP(level)
	}
	return out, rows.Err()
}
