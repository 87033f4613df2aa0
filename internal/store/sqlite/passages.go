package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/tipster-cti/tipster/internal/ai/kb/index"
)

// PassageRepo keeps the passage index of knowledge-base questions in the
// tables of migrations 0004_passages.sql and 0005_passage_levels.sql, with
// an FTS5 table (porter stemmer) for full text. It implements
// index.Storage.
type PassageRepo struct{ db *sql.DB }

// Passages returns the passage index storage of the store's database.
func (d *DB) Passages() index.Storage { return &PassageRepo{db: d.db} }

// execer is a database, a transaction, or a connection in one.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// bumpPassages marks the passages or vectors as changed.
func bumpPassages(ctx context.Context, db execer) error {
	if _, err := db.ExecContext(ctx, `UPDATE passage_generation SET value = value + 1 WHERE id = 1`); err != nil {
		return fmt.Errorf("sqlite: bump passage generation: %w", err)
	}
	return nil
}

// Generation returns the change counter of passages and vectors.
func (r *PassageRepo) Generation(ctx context.Context) (int64, error) {
	var g int64
	if err := r.db.QueryRowContext(ctx, `SELECT value FROM passage_generation WHERE id = 1`).Scan(&g); err != nil {
		return 0, fmt.Errorf("sqlite: read passage generation: %w", err)
	}
	return g, nil
}

// SyncLevels copies changed TLP levels, which need no new passages, to
// passage_sources and to the passage_levels of the objects' passages.
func (r *PassageRepo) SyncLevels(ctx context.Context) (int, error) {
	tx, err := r.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("sqlite: sync passage levels: %w", err)
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `UPDATE passage_sources SET tlp = o.eff_tlp
		FROM objects o WHERE o.seq = passage_sources.object_seq AND o.eff_tlp <> passage_sources.tlp
		RETURNING passage_sources.object_seq, passage_sources.tlp`)
	if err != nil {
		return 0, fmt.Errorf("sqlite: sync passage levels: %w", err)
	}
	var changed [][2]int64
	for rows.Next() {
		var c [2]int64
		if err := rows.Scan(&c[0], &c[1]); err != nil {
			rows.Close()
			return 0, fmt.Errorf("sqlite: sync passage levels: %w", err)
		}
		changed = append(changed, c)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return 0, fmt.Errorf("sqlite: sync passage levels: %w", err)
	}
	if len(changed) == 0 {
		return 0, nil
	}
	for _, c := range changed {
		if _, err := tx.ExecContext(ctx, `UPDATE passage_levels SET tlp = ?
			WHERE id IN (SELECT id FROM passages WHERE object_seq = ?)`, c[1], c[0]); err != nil {
			return 0, fmt.Errorf("sqlite: sync passage levels: %w", err)
		}
	}
	if err := bumpPassages(ctx, tx); err != nil {
		return 0, err
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("sqlite: sync passage levels: %w", err)
	}
	return len(changed), nil
}

// Passages returns the passages with the given ids.
func (r *PassageRepo) Passages(ctx context.Context, ids []int64) ([]index.Passage, error) {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return r.passages(ctx, `id IN (`+marks(len(ids))+`)`, args)
}

// Heads returns the first passage of each object that has one.
func (r *PassageRepo) Heads(ctx context.Context, objectIDs []string) ([]index.Passage, error) {
	args := make([]any, len(objectIDs))
	for i, id := range objectIDs {
		args[i] = id
	}
	return r.passages(ctx, `ord = 0 AND object_id IN (`+marks(len(objectIDs))+`)`, args)
}

func (r *PassageRepo) passages(ctx context.Context, where string, args []any) ([]index.Passage, error) {
	if len(args) == 0 {
		return nil, nil
	}
	rows, err := r.db.QueryContext(ctx, `SELECT id, object_id, ord, text FROM passages WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: read passages: %w", err)
	}
	defer rows.Close()
	var out []index.Passage
	for rows.Next() {
		var p index.Passage
		if err := rows.Scan(&p.ID, &p.ObjectID, &p.Ord, &p.Text); err != nil {
			return nil, fmt.Errorf("sqlite: read passages: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

func marks(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}

// SearchText ranks by bm25 with the head column weighted 4 to the body's 1.
// The clearance filter reads passage_levels (migration 0005), whose rows
// stay in the page cache, before bm25 is computed; only the best rows are
// then read from the passages table.
func (r *PassageRepo) SearchText(ctx context.Context, q index.TextQuery) ([]index.Passage, error) {
	match := orExpr(q.Terms)
	if match == "" {
		return nil, nil
	}
	from, err := r.rankFrom(ctx, match, q.MaxRanked)
	if err != nil {
		return nil, err
	}
	// CROSS JOIN keeps the full-text match as the outer loop: the level is
	// looked up for each matching passage, never the other way round.
	rows, err := r.db.QueryContext(
		ctx,
		`SELECT p.id, p.object_id, p.ord, p.text, x.r FROM (
			SELECT f.rowid AS id, bm25(passages_fts, 4.0, 1.0) AS r
			FROM passages_fts f CROSS JOIN passage_levels l ON l.id = f.rowid
			WHERE passages_fts MATCH ? AND f.rowid >= ? AND l.tlp <= ?
			ORDER BY r, f.rowid LIMIT ?
		) x CROSS JOIN passages p ON p.id = x.id
		ORDER BY x.r, p.id`,
		match,
		from,
		q.Clearance,
		q.Limit,
	)
	if err != nil {
		return nil, fmt.Errorf("sqlite: passage text search: %w", err)
	}
	defer rows.Close()
	var out []index.Passage
	for rows.Next() {
		var p index.Passage
		if err := rows.Scan(&p.ID, &p.ObjectID, &p.Ord, &p.Text, &p.Score); err != nil {
			return nil, fmt.Errorf("sqlite: passage text search: %w", err)
		}
		p.Score = -p.Score // bm25 is negative, lower better
		out = append(out, p)
	}
	return out, rows.Err()
}

// rankFrom returns the lowest passage id a search ranks: 0, unless more
// than maxRanked (when above 0) passages match, when it is the id of the
// maxRanked-th newest match. Walking the matches by id costs a small part
// of ranking them.
func (r *PassageRepo) rankFrom(ctx context.Context, match string, maxRanked int) (int64, error) {
	if maxRanked <= 0 {
		return 0, nil
	}
	var from int64
	err := r.db.QueryRowContext(ctx, `SELECT rowid FROM passages_fts WHERE passages_fts MATCH ?
		ORDER BY rowid DESC LIMIT 1 OFFSET ?`, match, maxRanked-1).Scan(&from)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil // fewer match: rank them all
	}
	if err != nil {
		return 0, fmt.Errorf("sqlite: passage text search bound: %w", err)
	}
	return from, nil
}

// orExpr is an FTS5 expression matching any of terms, each quoted so
// that no word can be read as an operator.
func orExpr(terms []string) string {
	q := index.QuoteTerms(terms)
	for i, t := range q {
		q[i] = `"` + t + `"`
	}
	return strings.Join(q, " OR ")
}

// CountPassages returns how many passages there are.
func (r *PassageRepo) CountPassages(ctx context.Context) (int, error) {
	var n int
	if err := r.db.QueryRowContext(ctx, `SELECT count(*) FROM passages`).Scan(&n); err != nil {
		return 0, fmt.Errorf("sqlite: count passages: %w", err)
	}
	return n, nil
}

// CountMatching returns how many passages hold term.
func (r *PassageRepo) CountMatching(ctx context.Context, term string) (int, error) {
	match := orExpr([]string{term})
	if match == "" {
		return 0, nil
	}
	var n int
	if err := r.db.QueryRowContext(ctx, `SELECT count(*) FROM passages_fts WHERE passages_fts MATCH ?`,
		match).Scan(&n); err != nil {
		return 0, fmt.Errorf("sqlite: passage document frequency: %w", err)
	}
	return n, nil
}

// Status reports the index's progress.
func (r *PassageRepo) Status(ctx context.Context, model string, maxTLP int) (index.Status, error) {
	s := index.Status{Model: model}
	err := r.db.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM passage_sources),
		(SELECT count(*) FROM objects o WHERE NOT EXISTS (SELECT 1 FROM passage_sources s WHERE s.object_seq = o.seq)),
		(SELECT count(*) FROM passages)`).Scan(&s.Objects, &s.Pending, &s.Passages)
	if err != nil {
		return s, fmt.Errorf("sqlite: passage status: %w", err)
	}
	if model == "" {
		return s, nil
	}
	err = r.db.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM passage_vectors WHERE model = ?),
		(SELECT coalesce(max(dims), 0) FROM passage_vectors WHERE model = ?),
		(SELECT count(*) FROM passages p JOIN passage_sources s ON s.object_seq = p.object_seq WHERE s.tlp > ?)`,
		model, model, maxTLP).Scan(&s.Embedded, &s.Dims, &s.Skipped)
	if err != nil {
		return s, fmt.Errorf("sqlite: passage status: %w", err)
	}
	_ = r.db.QueryRowContext(ctx, `SELECT state, error, updated FROM passage_jobs WHERE model = ?`, model).
		Scan(&s.State, &s.Error, &s.Updated) // no row yet: the job has not started
	if s.State == "" {
		s.State = "pending"
	}
	return s, nil
}
