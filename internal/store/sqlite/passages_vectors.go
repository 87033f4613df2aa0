package sqlite

import (
	"context"
	"fmt"
	"time"

	"github.com/tipster-cti/tipster/internal/ai/kb/index"
)

// LoadVectors calls each for every vector of model.
func (r *PassageRepo) LoadVectors(ctx context.Context, model string, each func(index.Vector)) error {
	rows, err := r.db.QueryContext(ctx, `SELECT v.passage_id, p.object_id, v.dims, v.vec, s.tlp, o.revoked
		FROM passage_vectors v JOIN passages p ON p.id = v.passage_id
		JOIN passage_sources s ON s.object_seq = p.object_seq JOIN objects o ON o.seq = p.object_seq
		WHERE v.model = ?`, model)
	if err != nil {
		return fmt.Errorf("sqlite: load vectors: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var x index.Vector
		if err := rows.Scan(&x.PassageID, &x.ObjectID, &x.Dims, &x.Data, &x.Level, &x.Revoked); err != nil {
			return fmt.Errorf("sqlite: load vectors: %w", err)
		}
		each(x)
	}
	return rows.Err()
}

// ClaimJob takes the model's job lease when it is free, expired or ours.
func (r *PassageRepo) ClaimJob(ctx context.Context, job index.Job) error {
	tx, err := r.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: claim embedding job: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `INSERT INTO passage_jobs (model) VALUES (?) ON CONFLICT (model) DO NOTHING`, job.Model); err != nil {
		return fmt.Errorf("sqlite: claim embedding job: %w", err)
	}
	res, err := tx.ExecContext(
		ctx,
		`UPDATE passage_jobs SET owner = ?, lease_until = ?, state = 'running', error = '', updated = ?
		WHERE model = ? AND (owner = '' OR owner = ? OR lease_until < ?)`,
		job.Owner,
		stamp(job.Now.Add(job.Lease)),
		stamp(job.Now),
		job.Model,
		job.Owner,
		stamp(job.Now),
	)
	if err != nil {
		return fmt.Errorf("sqlite: claim embedding job: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return index.ErrBusy
	}
	return tx.Commit()
}

// ReleaseJob gives the lease up, recording how the run ended.
func (r *PassageRepo) ReleaseJob(ctx context.Context, job index.Job, state, msg string) error {
	_, err := r.db.ExecContext(
		ctx,
		`UPDATE passage_jobs SET owner = '', lease_until = '', state = ?, error = ?, updated = ?
		WHERE model = ? AND owner = ?`,
		state,
		msg,
		stamp(job.Now),
		job.Model,
		job.Owner,
	)
	if err != nil {
		return fmt.Errorf("sqlite: release embedding job: %w", err)
	}
	return nil
}

// DropOtherModels deletes the vectors of every other model.
func (r *PassageRepo) DropOtherModels(ctx context.Context, model string) error {
	if _, err := r.db.ExecContext(ctx, `DELETE FROM passage_vectors WHERE model <> ?`, model); err != nil {
		return fmt.Errorf("sqlite: drop vectors of other models: %w", err)
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
	rows, err := r.db.QueryContext(ctx, `SELECT p.id, p.text FROM passages p
		JOIN passage_sources s ON s.object_seq = p.object_seq
		LEFT JOIN passage_vectors v ON v.passage_id = p.id AND v.model = ?
		WHERE v.passage_id IS NULL AND s.tlp <= ? ORDER BY p.id LIMIT ?`, model, maxTLP, limit)
	if err != nil {
		return nil, nil, fmt.Errorf("sqlite: read passages to embed: %w", err)
	}
	defer rows.Close()
	var ids []int64
	var texts []string
	for rows.Next() {
		var id int64
		var text string
		if err := rows.Scan(&id, &text); err != nil {
			return nil, nil, fmt.Errorf("sqlite: read passages to embed: %w", err)
		}
		ids, texts = append(ids, id), append(texts, text)
	}
	return ids, texts, rows.Err()
}

// StoreVectors writes a batch's vectors if the lease is still ours. A
// vector whose dimension differs from the model's stored ones means the
// model changed behind its name: the old vectors are dropped.
func (r *PassageRepo) StoreVectors(ctx context.Context, job index.Job, ids []int64, vecs [][]float32) error {
	tx, err := r.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: store vectors: %w", err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(
		ctx,
		`UPDATE passage_jobs SET lease_until = ?, embedded = embedded + ?, updated = ?
		WHERE model = ? AND owner = ?`,
		stamp(job.Now.Add(job.Lease)),
		len(ids),
		stamp(job.Now),
		job.Model,
		job.Owner,
	)
	if err != nil {
		return fmt.Errorf("sqlite: renew embedding lease: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return index.ErrBusy
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM passage_vectors WHERE model = ? AND dims <> ?`, job.Model, len(vecs[0])); err != nil {
		return fmt.Errorf("sqlite: drop vectors of another dimension: %w", err)
	}
	ins, err := tx.PrepareContext(
		ctx,
		`INSERT OR REPLACE INTO passage_vectors (passage_id, model, dims, vec) VALUES (?, ?, ?, ?)`,
	)
	if err != nil {
		return fmt.Errorf("sqlite: store vectors: %w", err)
	}
	defer ins.Close()
	for i, v := range vecs {
		if _, err := ins.ExecContext(ctx, ids[i], job.Model, len(v), index.EncodeVector(v)); err != nil {
			return fmt.Errorf("sqlite: store vectors: %w", err)
		}
	}
	if err := bumpPassages(ctx, tx); err != nil {
		return err
	}
	return tx.Commit()
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }
