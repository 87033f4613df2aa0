package sqlite

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

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
	if match := store.MatchExpr(q.Text); match != "" {
		return d.ranked(ctx, v, q, match, cur, limit)
	} else if strings.TrimSpace(q.Text) != "" {
		return store.Page{}, nil // only punctuation: nothing can match
	}
	where, args := filters(v, q)
	if len(q.Types) > 0 {
		where = append(where, `o.type IN (`+placeholders(len(q.Types))+`)`)
		args = append(args, anys(q.Types)...)
	}
	query := `SELECT ` + cols + `, o.seq, 0.0 FROM objects o WHERE ` + strings.Join(where, " AND ")
	if cur != nil {
		query += ` AND o.seq < ?`
		args = append(args, cur.Seq)
	}
	query += ` ORDER BY o.seq DESC LIMIT ?`
	page, _, err := d.page(ctx, query, limit, append(args, limit+1))
	return page, err
}

// filters returns the conditions on objects o that q, but for its types,
// and the viewer's clearance set, and their arguments.
func filters(v store.Viewer, q store.Query) ([]string, []any) {
	var where []string
	var args []any
	add := func(cond string, a ...any) { where = append(where, cond); args = append(args, a...) }
	add(`o.eff_tlp <= ?`, int(v.Clearance))
	if !q.IncludeRevoked {
		add(`o.revoked = 0`)
	}
	if q.Label != "" {
		add(`EXISTS (SELECT 1 FROM labels l WHERE l.object_id = o.id AND l.label = ?)`, q.Label)
	}
	if q.Marking != "" {
		add(
			`EXISTS (SELECT 1 FROM refs m WHERE m.source_id = o.id AND m.prop = 'object_marking_refs' AND m.target_id = ?)`,
			string(q.Marking),
		)
	}
	if q.TLP != nil {
		add(`o.tlp = ?`, int(*q.TLP))
	}
	if q.CreatedBy != "" {
		add(`o.created_by = ?`, string(q.CreatedBy))
	}
	if q.ExternalID != "" {
		add(
			`EXISTS (SELECT 1 FROM external_ids e WHERE e.object_id = o.id AND e.external_id = ?)`,
			q.ExternalID,
		)
	}
	for _, r := range []struct {
		col, op string
		t       time.Time
	}{
		{"created", ">=", q.CreatedAfter}, {"created", "<", q.CreatedBefore},
		{"modified", ">=", q.ModifiedAfter}, {"modified", "<", q.ModifiedBefore},
	} {
		if s := timeText(r.t); s != "" {
			add(`o.`+r.col+` `+r.op+` ?`, s)
		}
	}
	return where, args
}

// ranked runs a full-text search. The index ranks its matches, checking
// their types in the small type index, and only the best k are looked up
// in objects for the viewer's clearance and the other filters: every such
// lookup reads a row that holds a whole object. When fewer than a page of
// those k pass, the search runs again over every match. The order, (rank,
// seq descending), is total, so the best k are the start of the ranking.
func (d *DB) ranked(ctx context.Context, v store.Viewer, q store.Query, match string,
	cur *store.Cursor, limit int) (store.Page, error) {
	inner, innerArgs := `objects_fts MATCH ?`, []any{match}
	if len(q.Types) > 0 {
		inner += ` AND EXISTS (SELECT 1 FROM objects t WHERE t.type IN (` + placeholders(len(q.Types)) +
			`) AND t.seq = objects_fts.rowid)`
		innerArgs = append(innerArgs, anys(q.Types)...)
	}
	after := ``
	if cur != nil {
		after = ` WHERE (rank > ? OR (rank = ? AND seq < ?))`
		innerArgs = append(innerArgs, cur.Rank, cur.Rank, cur.Seq)
	}
	where, args := filters(v, q)
	k := max(8*(limit+1), 500)
	for {
		query := `SELECT ` + cols + `, f.seq, f.rank FROM (SELECT * FROM (SELECT rowid AS seq,
			bm25(objects_fts, 10.0, 5.0, 1.0) AS rank FROM objects_fts WHERE ` + inner + `)` + after +
			` ORDER BY rank, seq DESC LIMIT ` + strconv.Itoa(k) + `) f CROSS JOIN objects o ON o.seq = f.seq
			WHERE ` + strings.Join(where, " AND ") + ` ORDER BY f.rank, f.seq DESC LIMIT ?`
		page, rows, err := d.page(
			ctx,
			query,
			limit,
			append(append(append([]any{}, innerArgs...), args...), limit+1),
		)
		if err != nil || rows > limit {
			return page, err
		}
		var matches int
		if err := d.db.QueryRowContext(ctx, `SELECT count(*) FROM objects_fts WHERE objects_fts MATCH ?`,
			match).Scan(&matches); err != nil {
			return store.Page{}, fmt.Errorf("sqlite: search: %w", err)
		}
		if matches <= k {
			return page, nil
		}
		k = matches
	}
}

func anys(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// page reads up to limit objects and, when the query gave one more, the
// cursor of the next page; rows is how many rows the query gave.
func (d *DB) page(ctx context.Context, q string, limit int, args []any) (p store.Page, rows int, err error) {
	rs, err := d.db.QueryContext(ctx, q, args...)
	if err != nil {
		return store.Page{}, 0, fmt.Errorf("sqlite: search: %w", err)
	}
	defer rs.Close()
	var last store.Cursor
	for rs.Next() {
		rows++
		var c store.Cursor
		o, err := scanObject(rs, &c.Seq, &c.Rank)
		if err != nil {
			return store.Page{}, 0, err
		}
		if len(p.Objects) == limit {
			p.Next = last.String()
			break
		}
		p.Objects = append(p.Objects, o)
		last = c
	}
	return p, rows, rs.Err()
}
