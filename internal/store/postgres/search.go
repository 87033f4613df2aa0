package postgres

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/tipster-cti/tipster/internal/stix"
	"github.com/tipster-cti/tipster/internal/store"
)

// params collects a query's arguments and names their placeholders.
type params []any

// add appends v and returns its placeholder, such as "$3".
func (p *params) add(v any) string {
	*p = append(*p, v)
	return "$" + strconv.Itoa(len(*p))
}

// Search lists visible objects matching q. Without text, newest first by
// insertion; with text, by relevance in tiers (see ranked), as the SQLite
// store does. Pages are cut by a cursor that stays valid while the data
// does not change between the pages.
func (d *DB) Search(ctx context.Context, v store.Viewer, q store.Query) (store.Page, error) {
	limit := store.PageLimit(q.Limit)
	cur, err := store.ParseCursor(q.Cursor)
	if err != nil {
		return store.Page{}, err
	}
	q, ok := storable(q)
	if !ok {
		return store.Page{}, nil // a filter no stored text can equal
	}
	tsq := tsQuery(q.Text)
	if tsq == "" && strings.TrimSpace(q.Text) != "" {
		return store.Page{}, nil // only punctuation: nothing can match
	}
	if tsq != "" {
		return d.ranked(ctx, v, q, cur, limit)
	}
	var args params
	where := append([]string{`o.eff_tlp <= ` + args.add(int(v.Clearance))}, filters(q, &args)...)
	return d.page(ctx, listSQL(where, cur, limit, &args), limit, args)
}

// storable returns q with its filters as PostgreSQL can compare them, and
// false when one of them can equal nothing stored. PostgreSQL text holds
// neither NUL nor invalid UTF-8, which a query string may: imports drop NUL
// from labels and external ids (rows.go), so the filters drop it too, and
// stored text is always valid UTF-8, so a filter that is not equals
// nothing. The text itself goes to the index as words (store.Words), which
// hold neither; exactMatches checks the rest.
func storable(q store.Query) (store.Query, bool) {
	ok := true
	clean := func(s string) string {
		ok = ok && utf8.ValidString(s)
		return noNUL(s)
	}
	q.Label, q.ExternalID = clean(q.Label), clean(q.ExternalID)
	q.Marking, q.CreatedBy = stix.ID(clean(string(q.Marking))), stix.ID(clean(string(q.CreatedBy)))
	if len(q.Types) > 0 {
		types := make([]string, len(q.Types))
		for i, t := range q.Types {
			types[i] = clean(t)
		}
		q.Types = types
	}
	return q, ok
}

// ranked runs a full-text search. Matches come in tiers, each newest
// first, the same as in the SQLite store:
//
//  1. objects whose whole name is the search's text (case ignored),
//  2. then those with it as a whole alias,
//  3. then those with it as an external id (T1566, CVE-2021-44228),
//  4. then objects whose name and aliases hold every word,
//  5. then every other match, by its description or report text.
//
// Each tier is one query ordered by sequence number with a limit, which the
// planner answers either by walking the newest objects until a page
// matches (common words) or from the text index (rare ones), instead of
// ranking every match. A cursor is the tier (as Rank) and the sequence
// number of the last object of a page.
func (d *DB) ranked(ctx context.Context, v store.Viewer, q store.Query, cur *store.Cursor,
	limit int) (store.Page, error) {
	text := strings.TrimSpace(q.Text)
	exact, err := d.exactMatches(ctx, text)
	if err != nil {
		return store.Page{}, err
	}
	filter := func(args *params) []string {
		return append([]string{`o.eff_tlp <= ` + args.add(int(v.Clearance))}, filters(q, args)...)
	}
	var out []store.Cursor
	if cur == nil || cur.Rank < tierNamed {
		// Tiers 1 to 3: few objects, read at once.
		var cands []store.Cursor
		var seqs []int64
		for _, c := range exact {
			if c.After(cur) {
				cands, seqs = append(cands, c), append(seqs, c.Seq)
			}
		}
		if len(seqs) > 0 {
			var args params
			where := append(filter(&args), `o.seq = ANY(`+args.add(seqs)+`)`)
			pass, err := d.seqSet(ctx, `SELECT o.seq FROM objects o WHERE `+strings.Join(where, " AND "), args...)
			if err != nil {
				return store.Page{}, err
			}
			for _, c := range cands {
				if pass[c.Seq] {
					out = append(out, c)
				}
			}
		}
	}
	exactSeqs := make([]int64, len(exact))
	for i, c := range exact {
		exactSeqs[i] = c.Seq
	}
	tsq := tsQuery(q.Text)
	for _, tier := range []struct {
		rank float64
		cond func(args *params) string
	}{
		{tierNamed, func(args *params) string {
			return namesFTS + ` @@ to_tsquery('` + ftsConfig + `', ` + args.add(tsq) + `)`
		}},
		{tierMentioned, func(args *params) string {
			p := args.add(tsq)
			return `o.fts @@ to_tsquery('` + ftsConfig + `', ` + p + `)
				AND NOT ` + namesFTS + ` @@ to_tsquery('` + ftsConfig + `', ` + p + `)`
		}},
	} {
		if len(out) > limit || (cur != nil && cur.Rank > tier.rank) {
			continue
		}
		var args params
		where := append(filter(&args), tier.cond(&args), `NOT o.seq = ANY(`+args.add(exactSeqs)+`)`)
		if cur != nil && cur.Rank == tier.rank {
			where = append(where, `o.seq < `+args.add(cur.Seq))
		}
		rows, err := d.pool.Query(ctx, `SELECT o.seq FROM objects o WHERE `+strings.Join(where, " AND ")+
			` ORDER BY o.seq DESC LIMIT `+args.add(limit+1-len(out)), args...)
		if err != nil {
			return store.Page{}, fmt.Errorf("postgres: search: %w", err)
		}
		seqs, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			return store.Page{}, fmt.Errorf("postgres: search: %w", err)
		}
		for _, seq := range seqs {
			out = append(out, store.Cursor{Seq: seq, Rank: tier.rank})
		}
	}
	var page store.Page
	if len(out) > limit {
		out = out[:limit]
		page.Next = out[limit-1].String()
	}
	page.Objects, err = d.bySeq(ctx, out)
	return page, err
}

// namesFTS is the words of an object's names and aliases alone, as the
// index objects_names_fts holds them.
const namesFTS = `ts_filter(o.fts, '{a,b}')`

// The tiers of a ranked search, as the Rank of its cursors; lower first.
const (
	tierName float64 = iota + 1
	tierAlias
	tierExternalID
	tierNamed
	tierMentioned
)

// maxExact bounds how many exact matches are looked up; beyond that many
// objects of one name, the name says little and the next tiers order them.
const maxExact = 100

// exactMatches returns the objects whose name (tierName), one of whose
// aliases (tierAlias) or one of whose external ids (tierExternalID) is
// text, ignoring case, each in its first tier, in tier order and newest
// first.
func (d *DB) exactMatches(ctx context.Context, text string) ([]store.Cursor, error) {
	// Text holding NUL or invalid UTF-8 names nothing exactly (names are
	// valid UTF-8, and stored here without NUL), and PostgreSQL refuses it.
	if text == "" || strings.ContainsRune(text, 0) || !utf8.ValidString(text) {
		return nil, nil
	}
	rows, err := d.pool.Query(ctx, `SELECT seq, min(tier)::float8 AS t FROM (
		SELECT seq, 1 AS tier FROM objects WHERE lower(name) = lower($1) AND name <> ''
		UNION ALL SELECT seq, 2 FROM objects
			WHERE string_to_array(lower(aliases), E'\n') @> ARRAY[lower($1)] AND aliases <> ''
		UNION ALL SELECT o.seq, 3 FROM external_ids e JOIN objects o ON o.id = e.object_id
			WHERE lower(e.external_id) = lower($1)
		) x GROUP BY seq ORDER BY t, seq DESC LIMIT `+strconv.Itoa(maxExact), text)
	if err != nil {
		return nil, fmt.Errorf("postgres: search: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.Cursor, error) {
		var c store.Cursor
		err := r.Scan(&c.Seq, &c.Rank)
		return c, err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: search: %w", err)
	}
	return out, nil
}

// seqSet returns the set of sequence numbers a query gives.
func (d *DB) seqSet(ctx context.Context, query string, args ...any) (map[int64]bool, error) {
	rows, err := d.pool.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("postgres: search: %w", err)
	}
	seqs, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, fmt.Errorf("postgres: search: %w", err)
	}
	set := make(map[int64]bool, len(seqs))
	for _, s := range seqs {
		set[s] = true
	}
	return set, nil
}

// bySeq reads the objects at the sequence numbers of cs, in that order.
func (d *DB) bySeq(ctx context.Context, cs []store.Cursor) ([]*store.Stored, error) {
	if len(cs) == 0 {
		return nil, nil
	}
	seqs := make([]int64, len(cs))
	for i, c := range cs {
		seqs[i] = c.Seq
	}
	rows, err := d.pool.Query(ctx, `SELECT `+cols+`, o.seq FROM objects o WHERE o.seq = ANY($1)`, seqs)
	if err != nil {
		return nil, fmt.Errorf("postgres: search: %w", err)
	}
	defer rows.Close()
	found := make(map[int64]*store.Stored, len(cs))
	for rows.Next() {
		var seq int64
		o, err := scanObject(rows, &seq)
		if err != nil {
			return nil, fmt.Errorf("postgres: search: %w", err)
		}
		found[seq] = o
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: search: %w", err)
	}
	return store.InOrder(cs, found), nil
}

// listSQL lists the objects meeting the conditions where, newest first.
func listSQL(where []string, cur *store.Cursor, limit int, args *params) string {
	if cur != nil {
		where = append(where, `o.seq < `+args.add(cur.Seq))
	}
	return `SELECT ` + cols + `, o.seq, 0::float8 FROM objects o WHERE ` + strings.Join(where, " AND ") +
		` ORDER BY o.seq DESC LIMIT ` + args.add(limit+1)
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
