package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tipster-cti/tipster/internal/ai/kb/index"
)

// LoadVectors calls each for every vector of model.
func (r *PassageRepo) LoadVectors(ctx context.Context, model string, each func(index.Vector)) error {
	rows, err := r.pool.Query(ctx, `SELECT v.passage_id, p.object_id, v.dims, v.vec, s.tlp, o.revoked
		FROM passage_vectors v JOIN passages p ON p.id = v.passage_id
		JOIN passage_sources s ON s.object_seq = p.object_seq JOIN objects o ON o.seq = p.object_seq
		WHERE v.model = $1`, model)
	if err != nil {
		return fmt.Errorf("postgres: load vectors: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var x index.Vector
		if err := rows.Scan(&x.PassageID, &x.ObjectID, &x.Dims, &x.Data, &x.Level, &x.Revoked); err != nil {
			return fmt.Errorf("postgres: load vectors: %w", err)
		}
		each(x)
	}
	return rows.Err()
}

// ClaimJob takes the model's job lease when it is free, expired or ours.
// The job's row is locked with SKIP LOCKED: a server finding it locked is
// racing another's claim or renewal, and is busy as surely as if the
// lease were held.
func (r *PassageRepo) ClaimJob(ctx context.Context, job index.Job) error {
	tx, err := r.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("postgres: claim embedding job: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	if _, err := tx.Exec(ctx, `INSERT INTO passage_jobs (model) VALUES ($1) ON CONFLICT (model) DO NOTHING`, job.Model); err != nil {
		return fmt.Errorf("postgres: claim embedding job: %w", err)
	}
	var owner string
	var until *time.Time
	err = tx.QueryRow(ctx, `SELECT owner, lease_until FROM passage_jobs WHERE model = $1 FOR UPDATE SKIP LOCKED`,
		job.Model).
		Scan(&owner, &until)
	if errors.Is(err, pgx.ErrNoRows) {
		return index.ErrBusy
	}
	if err != nil {
		return fmt.Errorf("postgres: claim embedding job: %w", err)
	}
	if owner != "" && owner != job.Owner && until != nil && !until.Before(job.Now) {
		return index.ErrBusy
	}
	if _, err := tx.Exec(ctx, `UPDATE passage_jobs SET owner = $2, lease_until = $3, state = 'running', error = '', updated = $4
		WHERE model = $1`, job.Model, job.Owner, job.Now.Add(job.Lease), stamp(job.Now)); err != nil {
		return fmt.Errorf("postgres: claim embedding job: %w", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("postgres: claim embedding job: %w", err)
	}
	return nil
}

// ReleaseJob gives the lease up, recording how the run ended.
func (r *PassageRepo) ReleaseJob(ctx context.Context, job index.Job, state, msg string) error {
	_, err := r.pool.Exec(
		ctx,
		`UPDATE passage_jobs SET owner = '', lease_until = NULL, state = $1, error = $2, updated = $3
		WHERE model = $4 AND owner = $5`,
		state,
		msg,
		stamp(job.Now),
		job.Model,
		job.Owner,
	)
	if err != nil {
		return fmt.Errorf("postgres: release embedding job: %w", err)
	}
	return nil
}

// DropOtherModels deletes the vectors of every other model.
func (r *PassageRepo) DropOtherModels(ctx context.Context, model string) error {
	if _, err := r.pool.Exec(ctx, `DELETE FROM passage_vectors WHERE model <> $1`, model); err != nil {
		return fmt.Errorf("postgres: drop vectors of other models: %w", err)
	}
	return nil
}

// Unembedded returns a batch of passages at or below maxTLP without a
// vector of model.
func (r *PassageRepo) Unembedded(
	ctx context.Context,
	model string,
	maxTLP, limit int,
) ([]int64, []string, error) {
	rows, err := r.pool.Query(ctx, `SELECT p.id, p.text FROM passages p
		JOIN passage_sources s ON s.object_seq = p.object_seq
		LEFT JOIN passage_vectors v ON v.passage_id = p.id AND v.model = $1
		WHERE v.passage_id IS NULL AND s.tlp <= $2 ORDER BY p.id LIMIT $3`, model, maxTLP, limit)
	if err != nil {
		return nil, nil, fmt.Errorf("postgres: read passages to embed: %w", err)
	}
	defer rows.Close()
	var ids []int64
	var texts []string
	for rows.Next() {
		var id int64
		var text string
		if err := rows.Scan(&id, &text); err != nil {
			return nil, nil, fmt.Errorf("postgres: read passages to embed: %w", err)
		}
		ids, texts = append(ids, id), append(texts, text)
	}
	return ids, texts, rows.Err()
}

// StoreVectors writes a batch's vectors if the lease is still ours. A
// vector whose dimension differs from the model's stored ones means the
// model changed behind its name: the old vectors are dropped. Vectors of
// passages that a sync removed meanwhile are left out.
func (r *PassageRepo) StoreVectors(ctx context.Context, job index.Job, ids []int64, vecs [][]float32) error {
	tx, err := r.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("postgres: store vectors: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	tag, err := tx.Exec(ctx, `UPDATE passage_jobs SET lease_until = $1, embedded = embedded + $2, updated = $3
		WHERE model = $4 AND owner = $5`, job.Now.Add(job.Lease), len(ids), stamp(job.Now), job.Model, job.Owner)
	if err != nil {
		return fmt.Errorf("postgres: renew embedding lease: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return index.ErrBusy
	}
	b := &pgx.Batch{}
	b.Queue(`DELETE FROM passage_vectors WHERE model = $1 AND dims <> $2`, job.Model, len(vecs[0]))
	for i, v := range vecs {
		b.Queue(`INSERT INTO passage_vectors (passage_id, model, dims, vec)
			SELECT id, $2, $3, $4 FROM passages WHERE id = $1
			ON CONFLICT (model, passage_id) DO UPDATE SET dims = excluded.dims, vec = excluded.vec`,
			ids[i], job.Model, len(v), index.EncodeVector(v))
	}
	b.Queue(`UPDATE passage_generation SET value = value + 1 WHERE id = 1`)
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return fmt.Errorf("postgres: store vectors: %w", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("postgres: store vectors: %w", err)
	}
	return nil
}

// stamp is t as the jobs table's updated column keeps it.
func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }
