package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/tipster-cti/tipster/internal/ai/kb/index"
)

// PassageRepo keeps the passage index of knowledge-base questions in the
// tables of migration 0004_passages.sql: full text in a tsvector column of
// the english configuration (so that word forms match, as with SQLite's
// porter stemmer) under a GIN index, vectors as bytea float32s, and the
// embedding job leases in rows claimed with FOR UPDATE SKIP LOCKED. It
// implements index.Storage.
type PassageRepo struct{ pool *pgxpool.Pool }

// Passages returns the passage index storage of the store's database.
func (d *DB) Passages() index.Storage { return &PassageRepo{pool: d.pool} }

// bumpPassages marks the passages or vectors as changed.
func bumpPassages(ctx context.Context, tx pgx.Tx) error {
	if _, err := tx.Exec(ctx, `UPDATE passage_generation SET value = value + 1 WHERE id = 1`); err != nil {
		return fmt.Errorf("postgres: bump passage generation: %w", err)
	}
	return nil
}

// Generation returns the change counter of passages and vectors.
func (r *PassageRepo) Generation(ctx context.Context) (int64, error) {
	var g int64
	if err := r.pool.QueryRow(ctx, `SELECT value FROM passage_generation WHERE id = 1`).Scan(&g); err != nil {
		return 0, fmt.Errorf("postgres: read passage generation: %w", err)
	}
	return g, nil
}

// SyncLevels copies changed TLP levels, which need no new passages.
func (r *PassageRepo) SyncLevels(ctx context.Context) (int, error) {
	tx, err := r.pool.Begin(ctx)
	if err != nil {
		return 0, fmt.Errorf("postgres: sync passage levels: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	tag, err := tx.Exec(ctx, `UPDATE passage_sources s SET tlp = o.eff_tlp
		FROM objects o WHERE o.seq = s.object_seq AND o.eff_tlp <> s.tlp`)
	if err != nil {
		return 0, fmt.Errorf("postgres: sync passage levels: %w", err)
	}
	n := int(tag.RowsAffected())
	if n > 0 {
		if err := bumpPassages(ctx, tx); err != nil {
			return 0, err
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return 0, fmt.Errorf("postgres: sync passage levels: %w", err)
	}
	return n, nil
}

// Passages returns the passages with the given ids.
func (r *PassageRepo) Passages(ctx context.Context, ids []int64) ([]index.Passage, error) {
	return r.passages(ctx, `id = ANY($1)`, ids)
}

// Heads returns the first passage of each object that has one.
func (r *PassageRepo) Heads(ctx context.Context, objectIDs []string) ([]index.Passage, error) {
	return r.passages(ctx, `ord = 0 AND object_id = ANY($1)`, objectIDs)
}

func (r *PassageRepo) passages(ctx context.Context, where string, arg any) ([]index.Passage, error) {
	rows, err := r.pool.Query(ctx, `SELECT id, object_id, ord, text FROM passages WHERE `+where, arg)
	if err != nil {
		return nil, fmt.Errorf("postgres: read passages: %w", err)
	}
	defer rows.Close()
	var out []index.Passage
	for rows.Next() {
		var p index.Passage
		if err := rows.Scan(&p.ID, &p.ObjectID, &p.Ord, &p.Text); err != nil {
			return nil, fmt.Errorf("postgres: read passages: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// passageQuery is the SQL of a tsquery matching any of the words given as the
// text parameter $n (see orQuery), in any word form.
func passageQuery(n int) string { return fmt.Sprintf(`websearch_to_tsquery('english', $%d)`, n) }

// orQuery is a websearch_to_tsquery text matching any of terms, each
// quoted so that no word can be read as an operator.
func orQuery(terms []string) string {
	q := index.QuoteTerms(terms)
	for i, t := range q {
		q[i] = `"` + t + `"`
	}
	return strings.Join(q, " or ")
}

// SearchText ranks by ts_rank with the head (weight A) counted 1.0 and
// the body (weight D) 0.25, names four times over text as on SQLite, and
// divided by 1 + the log of the passage's length (normalization 1), as
// bm25 favours short passages: without it the question set's text
// questions lose a tenth of their recall.
func (r *PassageRepo) SearchText(ctx context.Context, q index.TextQuery) ([]index.Passage, error) {
	match := orQuery(q.Terms)
	if match == "" {
		return nil, nil
	}
	from, err := r.rankFrom(ctx, match, q.MaxRanked)
	if err != nil {
		return nil, err
	}
	rows, err := r.pool.Query(ctx, `SELECT p.id, p.object_id, p.ord, p.text,
		ts_rank('{0.25, 0, 0, 1.0}', p.fts, q, 1) AS r
		FROM passages p JOIN passage_sources s ON s.object_seq = p.object_seq, `+passageQuery(1)+` q
		WHERE p.fts @@ q AND p.id >= $2 AND s.tlp <= $3
		ORDER BY r DESC, p.id LIMIT $4`, match, from, q.Clearance, q.Limit)
	if err != nil {
		return nil, fmt.Errorf("postgres: passage text search: %w", err)
	}
	defer rows.Close()
	var out []index.Passage
	for rows.Next() {
		var p index.Passage
		var score float32
		if err := rows.Scan(&p.ID, &p.ObjectID, &p.Ord, &p.Text, &score); err != nil {
			return nil, fmt.Errorf("postgres: passage text search: %w", err)
		}
		p.Score = float64(score)
		out = append(out, p)
	}
	return out, rows.Err()
}

// rankFrom returns the lowest passage id a search ranks: 0, unless more
// than maxRanked (when above 0) passages match, when it is the id of the
// maxRanked-th newest match.
func (r *PassageRepo) rankFrom(ctx context.Context, match string, maxRanked int) (int64, error) {
	if maxRanked <= 0 {
		return 0, nil
	}
	var from int64
	err := r.pool.QueryRow(ctx, `SELECT id FROM passages WHERE fts @@ `+passageQuery(1)+`
		ORDER BY id DESC OFFSET $2 LIMIT 1`, match, maxRanked-1).Scan(&from)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil // fewer match: rank them all
	}
	if err != nil {
		return 0, fmt.Errorf("postgres: passage text search bound: %w", err)
	}
	return from, nil
}

// CountPassages returns how many passages there are.
func (r *PassageRepo) CountPassages(ctx context.Context) (int, error) {
	var n int
	if err := r.pool.QueryRow(ctx, `SELECT count(*) FROM passages`).Scan(&n); err != nil {
		return 0, fmt.Errorf("postgres: count passages: %w", err)
	}
	return n, nil
}

// CountMatching returns how many passages hold term.
func (r *PassageRepo) CountMatching(ctx context.Context, term string) (int, error) {
	match := orQuery([]string{term})
	if match == "" {
		return 0, nil
	}
	var n int
	if err := r.pool.QueryRow(ctx, `SELECT count(*) FROM passages WHERE fts @@ `+passageQuery(1), match).Scan(&n); err != nil {
		return 0, fmt.Errorf("postgres: passage document frequency: %w", err)
	}
	return n, nil
}

// Status reports the index's progress.
func (r *PassageRepo) Status(ctx context.Context, model string, maxTLP int) (index.Status, error) {
	s := index.Status{Model: model}
	err := r.pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM passage_sources),
		(SELECT count(*) FROM objects o WHERE NOT EXISTS (SELECT 1 FROM passage_sources s WHERE s.object_seq = o.seq)),
		(SELECT count(*) FROM passages)`).Scan(&s.Objects, &s.Pending, &s.Passages)
	if err != nil {
		return s, fmt.Errorf("postgres: passage status: %w", err)
	}
	if model == "" {
		return s, nil
	}
	err = r.pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM passage_vectors WHERE model = $1),
		(SELECT coalesce(max(dims), 0) FROM passage_vectors WHERE model = $1),
		(SELECT count(*) FROM passages p JOIN passage_sources s ON s.object_seq = p.object_seq WHERE s.tlp > $2)`,
		model, maxTLP).Scan(&s.Embedded, &s.Dims, &s.Skipped)
	if err != nil {
		return s, fmt.Errorf("postgres: passage status: %w", err)
	}
	err = r.pool.QueryRow(ctx, `SELECT state, error, updated FROM passage_jobs WHERE model = $1`, model).
		Scan(&s.State, &s.Error, &s.Updated)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return s, fmt.Errorf("postgres: passage job status: %w", err)
	}
	if s.State == "" {
		s.State = "pending" // no row yet: the job has not started
	}
	return s, nil
}
