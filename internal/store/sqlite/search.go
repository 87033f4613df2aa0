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
// insertion; with text, by relevance in tiers (see ranked). Pages are cut
// by a cursor that stays valid while the data does not change between the
// pages.
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
			`EXISTS (SELECT 1 FROM refs m WHERE m.source_seq = o.seq AND m.prop = 'object_marking_refs'
				AND m.target_id = ?)`,
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

// ranked runs a full-text search. Matches come in tiers, each newest
// first:
//
//  1. objects whose whole name is the search's text (ASCII case ignored),
//  2. then those with it as a whole alias,
//  3. then those with it as an external id (T1566, CVE-2021-44228),
//  4. then objects whose name and aliases hold every word,
//  5. then every other match, by its description or report text.
//
// This is relevance as an analyst reads it: the thing named before the
// things named after it before the text that mentions it, and recent
// intelligence before old. It is not bm25: in this SQLite, bm25 costs a
// microsecond per match and a pass over every match of every word before
// the first result (tens of milliseconds for common words), and without
// the per-row sizes that migration 0006 removed it cannot normalise for
// length. Every tier is read newest first from the index and stops once a
// page of objects passes the viewer's clearance and the filters, so a
// search costs about the same however many objects match. A cursor is the
// tier (as Rank) and the sequence number of the last object of a page.
func (d *DB) ranked(ctx context.Context, v store.Viewer, q store.Query, match string,
	cur *store.Cursor, limit int) (store.Page, error) {
	where, args := filters(v, q)
	if len(q.Types) > 0 {
		where = append(where, `o.type IN (`+placeholders(len(q.Types))+`)`)
		args = append(args, anys(q.Types)...)
	}
	exact, err := d.exactMatches(ctx, q.Text)
	if err != nil {
		return store.Page{}, err
	}
	var out []store.Cursor
	if cur == nil || cur.Rank < tierNamed {
		// Tiers 1 to 3: few objects, read at once.
		var cands []store.Cursor
		for _, c := range exact {
			if c.After(cur) {
				cands = append(cands, c)
			}
		}
		if out, err = d.visible(ctx, cands, where, args); err != nil {
			return store.Page{}, err
		}
	}
	notExact := `-1` // no sequence number, so that the list is never empty
	for _, c := range exact {
		notExact += "," + strconv.FormatInt(c.Seq, 10)
	}
	kinds := kindMatch(q.Types)
	for _, tier := range []struct {
		rank  float64
		match string
	}{
		{tierNamed, `{name aliases} : (` + match + `)` + kinds},
		{tierMentioned, `{name aliases body} : (` + match + `) NOT ({name aliases} : (` + match + `))` + kinds},
	} {
		if len(out) > limit || (cur != nil && cur.Rank > tier.rank) {
			continue
		}
		query := `SELECT o.seq FROM objects_fts f CROSS JOIN objects o ON o.seq = f.rowid
			WHERE objects_fts MATCH ? AND f.rowid NOT IN (` + notExact + `)`
		tierArgs := []any{tier.match}
		if cur != nil && cur.Rank == tier.rank {
			query += ` AND f.rowid < ?`
			tierArgs = append(tierArgs, cur.Seq)
		}
		query += ` AND ` + strings.Join(where, " AND ") + ` ORDER BY f.rowid DESC LIMIT ?`
		seqs, err := d.seqs(ctx, query, append(append(tierArgs, args...), limit+1-len(out))...)
		if err != nil {
			return store.Page{}, err
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

// The tiers of a ranked search, as the Rank of its cursors; lower first.
const (
	tierName float64 = iota + 1
	tierAlias
	tierExternalID
	tierNamed
	tierMentioned
)

// kindMatch is the full-text condition that keeps objects of the given
// types, "" for any type: a match on the index's kind column, so that the
// index filters as it reads instead of a lookup in objects per match.
func kindMatch(types []string) string {
	if len(types) == 0 {
		return ""
	}
	kinds := make([]string, len(types))
	for i, t := range types {
		kinds[i] = kindToken(t)
	}
	return ` AND kind : (` + strings.Join(kinds, " OR ") + `)`
}

// maxExact bounds how many exact matches are looked up; beyond that many
// objects of one name, the name says little and the next tiers order them.
const maxExact = 100

// exactMatches returns the objects whose name (tierName), one of whose
// aliases (tierAlias) or one of whose external ids (tierExternalID) is
// text, ignoring ASCII case and surrounding space, each in its first tier,
// in tier order and newest first. Aliases are held one a line, so text
// holding a newline is no alias, however it lines up with two of them.
func (d *DB) exactMatches(ctx context.Context, text string) ([]store.Cursor, error) {
	text = strings.TrimSpace(text)
	words := store.Words(text)
	if text == "" || len(words) == 0 {
		return nil, nil
	}
	for i, w := range words {
		words[i] = `"` + w + `"`
	}
	rows, err := d.db.QueryContext(ctx, `SELECT seq, min(tier) AS t FROM (
		SELECT seq, 1 AS tier FROM objects WHERE name = ?1 COLLATE NOCASE AND name <> ''
		UNION ALL SELECT o.seq, 2 FROM objects_fts f CROSS JOIN objects o ON o.seq = f.rowid
			WHERE objects_fts MATCH ?2 AND instr(?1, char(10)) = 0
			AND instr(char(10) || lower(o.aliases) || char(10), char(10) || lower(?1) || char(10)) > 0
		UNION ALL SELECT o.seq, 3 FROM external_ids e CROSS JOIN objects o ON o.id = e.object_id
			WHERE e.external_id = ?1
		) GROUP BY seq ORDER BY t, seq DESC LIMIT `+strconv.Itoa(maxExact),
		text, `{aliases} : `+strings.Join(words, " "))
	if err != nil {
		return nil, fmt.Errorf("sqlite: search: %w", err)
	}
	defer rows.Close()
	var out []store.Cursor
	for rows.Next() {
		var c store.Cursor
		if err := rows.Scan(&c.Seq, &c.Rank); err != nil {
			return nil, fmt.Errorf("sqlite: search: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// visible returns the candidates whose objects pass the conditions where,
// in the order given. It reads the narrow columns only.
func (d *DB) visible(ctx context.Context, cands []store.Cursor, where []string,
	args []any) ([]store.Cursor, error) {
	if len(cands) == 0 {
		return nil, nil
	}
	seqs, err := d.seqs(ctx, `SELECT o.seq FROM objects o WHERE o.seq IN (`+seqList(cands)+`) AND `+
		strings.Join(where, " AND "), args...)
	if err != nil {
		return nil, err
	}
	pass := make(map[int64]bool, len(seqs))
	for _, s := range seqs {
		pass[s] = true
	}
	var out []store.Cursor
	for _, c := range cands {
		if pass[c.Seq] {
			out = append(out, c)
		}
	}
	return out, nil
}

// bySeq reads the objects at the sequence numbers of cs, in that order.
func (d *DB) bySeq(ctx context.Context, cs []store.Cursor) ([]*store.Stored, error) {
	if len(cs) == 0 {
		return nil, nil
	}
	rows, err := d.db.QueryContext(ctx, `SELECT `+cols+`, o.seq FROM objects o WHERE o.seq IN (`+seqList(cs)+`)`)
	if err != nil {
		return nil, fmt.Errorf("sqlite: search: %w", err)
	}
	defer rows.Close()
	found := make(map[int64]*store.Stored, len(cs))
	for rows.Next() {
		var seq int64
		o, err := scanObject(rows, &seq)
		if err != nil {
			return nil, fmt.Errorf("sqlite: search: %w", err)
		}
		found[seq] = o
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: search: %w", err)
	}
	return store.InOrder(cs, found), nil
}

func (d *DB) seqs(ctx context.Context, query string, args ...any) ([]int64, error) {
	rows, err := d.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: search: %w", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var s int64
		if err := rows.Scan(&s); err != nil {
			return nil, fmt.Errorf("sqlite: search: %w", err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// seqList is the sequence numbers of cs as an SQL list: integers the store
// made, so they may be written into the statement.
func seqList(cs []store.Cursor) string {
	var b strings.Builder
	for i, c := range cs {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatInt(c.Seq, 10))
	}
	return b.String()
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
