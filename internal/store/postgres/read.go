package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/tipster-cti/tipster/internal/stix"
	"github.com/tipster-cti/tipster/internal/store"
)

// cols are the columns every object read selects, in scanObject's order.
const cols = `o.raw, o.tlp, o.eff_tlp`

func scanObject(s pgx.Row, extra ...any) (*store.Stored, error) {
	var raw []byte
	var tlp, eff int
	if err := s.Scan(append([]any{&raw, &tlp, &eff}, extra...)...); err != nil {
		return nil, err
	}
	o, err := stix.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("postgres: stored object is not JSON: %w", err)
	}
	return &store.Stored{Object: o, TLP: stix.TLP(tlp), EffectiveTLP: stix.TLP(eff)}, nil
}

func (d *DB) queryObjects(ctx context.Context, q string, args ...any) ([]*store.Stored, error) {
	rows, err := d.pool.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("postgres: query: %w", err)
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
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: query: %w", err)
	}
	return out, nil
}

// Get returns one visible object.
func (d *DB) Get(ctx context.Context, v store.Viewer, id stix.ID) (*store.Stored, error) {
	row := d.pool.QueryRow(ctx, `SELECT `+cols+` FROM objects o WHERE o.id = $1 AND o.eff_tlp <= $2`,
		string(id), int(v.Clearance))
	o, err := scanObject(row)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("object %s: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("postgres: get %s: %w", id, err)
	}
	return o, nil
}

// GetMany returns the visible objects among ids, in the order of ids.
func (d *DB) GetMany(ctx context.Context, v store.Viewer, ids []stix.ID) ([]*store.Stored, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	keys := make([]string, len(ids))
	for i, id := range ids {
		keys[i] = string(id)
	}
	objs, err := d.queryObjects(
		ctx,
		`SELECT `+cols+` FROM objects o WHERE o.id = ANY($1) AND o.eff_tlp <= $2`,
		keys,
		int(v.Clearance),
	)
	if err != nil {
		return nil, err
	}
	byID := make(map[stix.ID]*store.Stored, len(objs))
	for _, o := range objs {
		byID[o.ID] = o
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

// Count returns the number of visible objects of each type.
func (d *DB) Count(ctx context.Context, v store.Viewer) (map[string]int, error) {
	rows, err := d.pool.Query(ctx, `SELECT type, count(*) FROM objects WHERE eff_tlp <= $1 GROUP BY type`,
		int(v.Clearance))
	if err != nil {
		return nil, fmt.Errorf("postgres: count: %w", err)
	}
	defer rows.Close()
	counts := map[string]int{}
	for rows.Next() {
		var typ string
		var n int
		if err := rows.Scan(&typ, &n); err != nil {
			return nil, fmt.Errorf("postgres: count: %w", err)
		}
		counts[typ] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: count: %w", err)
	}
	return counts, nil
}

// MarkingLevels returns the level of every known TLP marking definition.
func (d *DB) MarkingLevels(ctx context.Context) (map[stix.ID]stix.TLP, error) {
	rows, err := d.pool.Query(ctx, `SELECT id, level FROM markings`)
	if err != nil {
		return nil, fmt.Errorf("postgres: markings: %w", err)
	}
	defer rows.Close()
	out := map[stix.ID]stix.TLP{}
	for rows.Next() {
		var id string
		var level int
		if err := rows.Scan(&id, &level); err != nil {
			return nil, fmt.Errorf("postgres: markings: %w", err)
		}
		out[stix.ID(id)] = stix.TLP(level)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: markings: %w", err)
	}
	return out, nil
}
