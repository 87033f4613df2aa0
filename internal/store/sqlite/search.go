package sqlite

import (
	"context"
	"fmt"
	"strings"

	"github.com/tipster-cti/tipster/internal/store"
)

// Search lists visible objects matching q. Without text, newest first by
// insertion; with text, by relevance (bm25, names weighted over aliases
// over bodies). Pages are cut by a cursor that stays valid while the data
// does not change between the pages.
func (d *DB) Search(ctx context.Context, v store.Viewer, q store.Query) (store.Page, error) {
	limit := store.PageLimit(q.Limit)
	cur, err := store.ParseCursor(q.Cursor)
	if err != nil {
		return store.Page{}, err
	}
	var where []string
	var args []any
	add := func(cond string, a ...any) { where = append(where, cond); args = append(args, a...) }

	from := `objects o`
	order := `o.seq DESC`
	rankExpr := `0.0`
	if match := store.MatchExpr(q.Text); match != "" {
		from = `objects_fts f JOIN objects o ON o.seq = f.rowid`
		rankExpr = `bm25(objects_fts, 10.0, 5.0, 1.0)`
		add(`objects_fts MATCH ?`, match)
		order = `rank, o.seq DESC`
	} else if strings.TrimSpace(q.Text) != "" {
		return store.Page{}, nil // only punctuation: nothing can match
	}
	add(`o.eff_tlp <= ?`, int(v.Clearance))
	if !q.IncludeRevoked {
		add(`o.revoked = 0`)
	}
	if len(q.Types) > 0 {
		ph := make([]string, len(q.Types))
		for i, t := range q.Types {
			ph[i] = "?"
			args = append(args, t)
		}
		where = append(where, `o.type IN (`+strings.Join(ph, ",")+`)`)
	}
	if q.Label != "" {
		add(`EXISTS (SELECT 1 FROM labels l WHERE l.object_id = o.id AND l.label = ?)`, q.Label)
	}
	if q.Marking != "" {
		add(`EXISTS (SELECT 1 FROM refs m WHERE m.source_id = o.id AND m.prop = 'object_marking_refs' AND m.target_id = ?)`, string(q.Marking))
	}
	if q.CreatedBy != "" {
		add(`o.created_by = ?`, string(q.CreatedBy))
	}
	if q.ExternalID != "" {
		add(`EXISTS (SELECT 1 FROM external_ids e WHERE e.object_id = o.id AND e.external_id = ?)`, q.ExternalID)
	}
	for _, r := range []struct {
		col, op string
		t       any
	}{
		{"created", ">=", q.CreatedAfter}, {"created", "<", q.CreatedBefore},
		{"modified", ">=", q.ModifiedAfter}, {"modified", "<", q.ModifiedBefore},
	} {
		if s := timeText(timeOf(r.t)); s != "" {
			add(`o.`+r.col+` `+r.op+` ?`, s)
		}
	}
	inner := `SELECT ` + cols + `, o.seq, ` + rankExpr + ` AS rank FROM ` + from + ` WHERE ` + strings.Join(where, " AND ")
	outer := `SELECT * FROM (` + inner + `) o`
	if cur != nil {
		if rankExpr == `0.0` {
			outer += ` WHERE o.seq < ?`
			args = append(args, cur.Seq)
		} else {
			outer += ` WHERE (o.rank > ? OR (o.rank = ? AND o.seq < ?))`
			args = append(args, cur.Rank, cur.Rank, cur.Seq)
		}
	}
	outer += ` ORDER BY ` + strings.ReplaceAll(order, "o.seq", "seq") + ` LIMIT ?`
	args = append(args, limit+1)
	return d.page(ctx, outer, limit, args)
}

func (d *DB) page(ctx context.Context, q string, limit int, args []any) (store.Page, error) {
	rows, err := d.db.QueryContext(ctx, q, args...)
	if err != nil {
		return store.Page{}, fmt.Errorf("sqlite: search: %w", err)
	}
	defer rows.Close()
	var p store.Page
	var last store.Cursor
	for rows.Next() {
		var c store.Cursor
		o, err := scanObject(rows, &c.Seq, &c.Rank)
		if err != nil {
			return store.Page{}, err
		}
		if len(p.Objects) == limit {
			p.Next = last.String()
			break
		}
		p.Objects = append(p.Objects, o)
		last = c
	}
	return p, rows.Err()
}
