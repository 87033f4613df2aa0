package postgres

import (
	"context"
	"fmt"

	"github.com/tipster-cti/tipster/internal/ai/kb/index"
)

// The graph walk of knowledge-base questions reads these narrow views of
// the objects and refs tables instead of whole objects: ids, types,
// revocation and relationship ends, filtered by clearance (eff_tlp) in the
// query like every read of the store.

// graphEnds are the columns src and tgt of an object's ends, as
// stix.Object's Source and Target: its top-level source_ref, and its
// target_ref or sighting_of_ref.
const graphEnds = `coalesce((SELECT x.target_id FROM refs x WHERE x.source_id = o.id AND x.prop = 'source_ref' LIMIT 1), '') AS src,
	coalesce((SELECT x.target_id FROM refs x WHERE x.source_id = o.id
		AND x.prop IN ('target_ref', 'sighting_of_ref') LIMIT 1), '') AS tgt`

// Nodes returns the objects among ids at or below clearance.
func (r *PassageRepo) Nodes(ctx context.Context, clearance int, ids []string) ([]index.Node, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	rows, err := r.pool.Query(ctx, `SELECT o.id, o.type, o.revoked, `+graphEnds+`
		FROM objects o WHERE o.id = ANY($1::text[]) AND o.eff_tlp <= $2`, ids, clearance)
	if err != nil {
		return nil, fmt.Errorf("postgres: graph nodes: %w", err)
	}
	defer rows.Close()
	var out []index.Node
	for rows.Next() {
		var n index.Node
		if err := rows.Scan(&n.ID, &n.Type, &n.Revoked, &n.Source, &n.Target); err != nil {
			return nil, fmt.Errorf("postgres: graph nodes: %w", err)
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// Relations returns the visible relationships and sightings with one of
// ids at an end and every end they name visible, as DB.Relationships.
func (r *PassageRepo) Relations(ctx context.Context, clearance int, ids, types []string) ([]index.Edge, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	// The other end's type is its id's prefix: testing it on refs saves
	// reading the relationships that lead elsewhere.
	ofTypes := ""
	if len(types) > 0 {
		ofTypes = `AND EXISTS (SELECT 1 FROM refs y WHERE y.source_id = r.source_id
			AND y.prop IN ('source_ref', 'target_ref', 'sighting_of_ref') AND y.target_id <> r.target_id
			AND split_part(y.target_id, '--', 1) = ANY($3::text[]))`
	}
	args := []any{ids, clearance}
	if len(types) > 0 {
		args = append(args, types)
	}
	rows, err := r.pool.Query(ctx, `SELECT e.at, e.id, e.rel, e.src, e.tgt,
			coalesce(s.type, ''), coalesce(s.revoked, false), coalesce(t.type, ''), coalesce(t.revoked, false)
		FROM (
			SELECT DISTINCT r.target_id AS at, o.seq, o.id,
				CASE WHEN o.type = 'relationship'
					THEN coalesce(nullif(convert_from(o.raw, 'UTF8')::json ->> 'relationship_type', ''), o.type)
					ELSE o.type END AS rel,
				`+graphEnds+`
			FROM refs r JOIN objects o ON o.id = r.source_id
			WHERE r.target_id = ANY($1::text[]) AND r.prop IN `+endProps+` `+ofTypes+`
			AND o.type IN ('relationship', 'sighting') AND o.eff_tlp <= $2
		) e
		LEFT JOIN objects s ON s.id = e.src AND s.eff_tlp <= $2
		LEFT JOIN objects t ON t.id = e.tgt AND t.eff_tlp <= $2
		WHERE (e.src = '' OR s.id IS NOT NULL) AND (e.tgt = '' OR t.id IS NOT NULL)
		ORDER BY e.at, e.seq`, args...)
	if err != nil {
		return nil, fmt.Errorf("postgres: graph relations: %w", err)
	}
	defer rows.Close()
	var out []index.Edge
	for rows.Next() {
		var e index.Edge
		var src, tgt index.Node
		if err := rows.Scan(&e.At, &e.ID, &e.Type, &e.Source, &e.Target,
			&src.Type, &src.Revoked, &tgt.Type, &tgt.Revoked); err != nil {
			return nil, fmt.Errorf("postgres: graph relations: %w", err)
		}
		e.SetEnds(src, tgt)
		out = append(out, e)
	}
	return out, rows.Err()
}

// Containers returns the visible containers holding one of ids.
func (r *PassageRepo) Containers(ctx context.Context, clearance int, ids []string) ([]index.Edge, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	rows, err := r.pool.Query(ctx, `SELECT DISTINCT r.target_id, o.seq, o.id, o.type, o.revoked
		FROM refs r JOIN objects o ON o.id = r.source_id
		WHERE r.target_id = ANY($1::text[]) AND r.prop = 'object_refs' AND o.eff_tlp <= $2
		ORDER BY r.target_id, o.seq`, ids, clearance)
	if err != nil {
		return nil, fmt.Errorf("postgres: graph containers: %w", err)
	}
	defer rows.Close()
	var out []index.Edge
	for rows.Next() {
		var e index.Edge
		var seq int64
		if err := rows.Scan(&e.At, &seq, &e.Other.ID, &e.Other.Type, &e.Other.Revoked); err != nil {
			return nil, fmt.Errorf("postgres: graph containers: %w", err)
		}
		e.ID, e.Type, e.Source, e.Target = e.Other.ID, "contains", e.Other.ID, e.At
		out = append(out, e)
	}
	return out, rows.Err()
}
