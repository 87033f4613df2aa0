package postgres

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/tipster-cti/tipster/internal/store"
)

// rankSQL returns the relevance of the row aliased m to the text query $1:
// the cover density of the whole entry (names weigh 1, aliases 0.5, bodies
// 0.2) divided by 1 + log of its length, plus the cover density of the name
// alone divided by the name's length, so that an object named as the query
// comes first and a short name beats a long one. It is float8 so that a
// cursor's rank compares exactly.
func rankSQL(m string) string {
	return `(ts_rank_cd('{0.1, 0.2, 0.5, 1.0}', ` + m + `.fts, to_tsquery('` + ftsConfig + `', $1), 1) +
	ts_rank_cd('{1, 1, 1, 1}', ts_filter(` + m + `.fts, '{a}'), to_tsquery('` + ftsConfig + `', $1), 2))::float8`
}

// maxRanked bounds the work of a text search: when more objects match, only
// the maxRanked most recently inserted are ranked and listed. Ranking costs
// a few microseconds per match, so a word found in most of a large store
// (such as "adversaries") would otherwise take a second or more; a search
// that hits this bound shows the best of the newest matches, and older
// ones only appear with more precise words or filters.
const maxRanked = 10_000

// params collects a query's arguments and names their placeholders.
type params []any

// add appends v and returns its placeholder, such as "$3".
func (p *params) add(v any) string {
	*p = append(*p, v)
	return "$" + strconv.Itoa(len(*p))
}

// Search lists visible objects matching q. Without text, newest first by
// insertion; with text, by relevance (names weighted over aliases over
// bodies) among at most maxRanked matches. Pages are cut by a cursor that
// stays valid while the data does not change between the pages.
func (d *DB) Search(ctx context.Context, v store.Viewer, q store.Query) (store.Page, error) {
	limit := store.PageLimit(q.Limit)
	cur, err := store.ParseCursor(q.Cursor)
	if err != nil {
		return store.Page{}, err
	}
	var args params
	tsq := tsQuery(q.Text)
	if tsq == "" && strings.TrimSpace(q.Text) != "" {
		return store.Page{}, nil // only punctuation: nothing can match
	}
	if tsq != "" {
		args.add(tsq)
	}
	where := append([]string{`o.eff_tlp <= ` + args.add(int(v.Clearance))}, filters(q, &args)...)
	if tsq == "" {
		return d.page(ctx, listSQL(where, cur, limit, &args), limit, args)
	}
	return d.page(ctx, textSQL(where, cur, limit, &args), limit, args)
}

// listSQL lists the objects meeting the conditions where, newest first.
func listSQL(where []string, cur *store.Cursor, limit int, args *params) string {
	if cur != nil {
		where = append(where, `o.seq < `+args.add(cur.Seq))
	}
	return `SELECT ` + cols + `, o.seq, 0::float8 FROM objects o WHERE ` + strings.Join(where, " AND ") +
		` ORDER BY o.seq DESC LIMIT ` + args.add(limit+1)
}

// textSQL ranks the newest maxRanked objects that match the text query $1
// and meet the conditions where, and reads the JSON of only the page's.
func textSQL(where []string, cur *store.Cursor, limit int, args *params) string {
	where = append([]string{`o.fts @@ to_tsquery('` + ftsConfig + `', $1)`}, where...)
	after := ``
	if cur != nil {
		after = ` WHERE (r.rank, r.seq) < (` + args.add(cur.Rank) + `, ` + args.add(cur.Seq) + `)`
	}
	return `WITH matches AS (
			SELECT o.seq, o.fts FROM objects o WHERE ` + strings.Join(where, " AND ") + `
			ORDER BY o.seq DESC LIMIT ` + strconv.Itoa(maxRanked) + `),
		ranked AS (SELECT m.seq, ` + rankSQL("m") + ` AS rank FROM matches m),
		hits AS (SELECT r.seq, r.rank FROM ranked r` + after + `
			ORDER BY r.rank DESC, r.seq DESC LIMIT ` + args.add(limit+1) + `)
		SELECT ` + cols + `, h.seq, h.rank FROM hits h JOIN objects o ON o.seq = h.seq
		ORDER BY h.rank DESC, h.seq DESC`
}

// filters returns the conditions of q other than text and clearance.
func filters(q store.Query, args *params) []string {
	var where []string
	if !q.IncludeRevoked {
		where = append(where, `NOT o.revoked`)
	}
	if len(q.Types) > 0 {
		where = append(where, `o.type = ANY(`+args.add(q.Types)+`)`)
	}
	if q.Label != "" {
		where = append(where, `EXISTS (SELECT 1 FROM labels l WHERE l.object_id = o.id AND l.label = `+
			args.add(q.Label)+`)`)
	}
	if q.Marking != "" {
		where = append(where, `EXISTS (SELECT 1 FROM refs m WHERE m.source_id = o.id
			AND m.prop = 'object_marking_refs' AND m.target_id = `+args.add(string(q.Marking))+`)`)
	}
	if q.TLP != nil {
		where = append(where, `o.tlp = `+args.add(int(*q.TLP)))
	}
	if q.CreatedBy != "" {
		where = append(where, `o.created_by = `+args.add(string(q.CreatedBy)))
	}
	if q.ExternalID != "" {
		where = append(where, `EXISTS (SELECT 1 FROM external_ids e WHERE e.object_id = o.id
			AND lower(e.external_id) = lower(`+args.add(q.ExternalID)+`))`)
	}
	for _, r := range []struct {
		col, op string
		t       time.Time
	}{
		{"created", ">=", q.CreatedAfter}, {"created", "<", q.CreatedBefore},
		{"modified", ">=", q.ModifiedAfter}, {"modified", "<", q.ModifiedBefore},
	} {
		if s := timeText(r.t); s != "" {
			where = append(where, `o.`+r.col+` `+r.op+` `+args.add(s))
		}
	}
	return where
}

func (d *DB) page(ctx context.Context, q string, limit int, args []any) (store.Page, error) {
	rows, err := d.pool.Query(ctx, q, args...)
	if err != nil {
		return store.Page{}, fmt.Errorf("postgres: search: %w", err)
	}
	defer rows.Close()
	var p store.Page
	var last store.Cursor
	for rows.Next() {
		var c store.Cursor
		o, err := scanObject(rows, &c.Seq, &c.Rank)
		if err != nil {
			return store.Page{}, fmt.Errorf("postgres: search: %w", err)
		}
		if len(p.Objects) == limit {
			p.Next = last.String()
			break
		}
		p.Objects = append(p.Objects, o)
		last = c
	}
	if err := rows.Err(); err != nil {
		return store.Page{}, fmt.Errorf("postgres: search: %w", err)
	}
	return p, nil
}
