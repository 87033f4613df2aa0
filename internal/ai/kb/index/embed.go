package index

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Embedder computes embeddings; *llm.Client is one.
type Embedder interface {
	Embed(ctx context.Context, model string, inputs []string) ([][]float32, error)
}

// ErrBusy is returned by Embed when another server holds the model's job.
var ErrBusy = errors.New("index: another server is embedding with this model")

// EmbedOptions configure an embedding run.
type EmbedOptions struct {
	Model string
	// MaxTLP is the highest level whose passages may be sent to the
	// embedding provider; passages above it get no vector and are found
	// by text and graph only.
	MaxTLP int
	Batch  int           // passages per request; default 64
	Owner  string        // who holds the lease, for the jobs table; default "tipster"
	Lease  time.Duration // how long a claim lasts without renewal; default 2 minutes
	// Progress, when set, is called after every batch.
	Progress func(Status)
	// Now is the clock; default time.Now.
	Now func() time.Time
}

func (o *EmbedOptions) defaults() {
	if o.Batch <= 0 {
		o.Batch = 64
	}
	if o.Owner == "" {
		o.Owner = "tipster"
	}
	if o.Lease <= 0 {
		o.Lease = 2 * time.Minute
	}
	if o.Now == nil {
		o.Now = time.Now
	}
}

// EmbedStats says what an embedding run sent.
type EmbedStats struct {
	Passages int // passages embedded
	Requests int // calls to the provider
	Bytes    int // text sent
}

// Embed computes the missing embeddings of opt.Model in batches, holding
// the model's job lease while it works (ErrBusy when another server holds
// it). Vectors of other models are deleted first: the configured model
// replaced them. It returns when every passage at or below opt.MaxTLP has
// a vector, when ctx ends, or at the first provider error (recorded in
// the job's row).
func (ix *Index) Embed(ctx context.Context, e Embedder, opt EmbedOptions) (EmbedStats, error) {
	opt.defaults()
	var st EmbedStats
	if err := ix.claim(ctx, opt); err != nil {
		return st, err
	}
	if _, err := ix.db.ExecContext(ctx, `DELETE FROM passage_vectors WHERE model <> ?`, opt.Model); err != nil {
		return st, fmt.Errorf("index: drop vectors of other models: %w", err)
	}
	for {
		n, bytes, err := ix.embedBatch(ctx, e, opt)
		st.Passages, st.Bytes = st.Passages+n, st.Bytes+bytes
		if bytes > 0 {
			st.Requests++
		}
		if err != nil {
			ix.release(context.WithoutCancel(ctx), opt, "failed", err.Error())
			return st, err
		}
		if opt.Progress != nil {
			if s, err := ix.Status(ctx, opt.Model, opt.MaxTLP); err == nil {
				opt.Progress(s)
			}
		}
		if n == 0 {
			return st, ix.release(ctx, opt, "done", "")
		}
	}
}

// claim takes the model's job lease when it is free, expired or ours.
func (ix *Index) claim(ctx context.Context, opt EmbedOptions) error {
	now := opt.Now().UTC()
	tx, err := ix.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("index: claim job: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `INSERT INTO passage_jobs (model) VALUES (?) ON CONFLICT (model) DO NOTHING`, opt.Model); err != nil {
		return fmt.Errorf("index: claim job: %w", err)
	}
	res, err := tx.ExecContext(ctx, `UPDATE passage_jobs SET owner = ?, lease_until = ?, state = 'running', error = '', updated = ?
		WHERE model = ? AND (owner = '' OR owner = ? OR lease_until < ?)`,
		opt.Owner, stamp(now.Add(opt.Lease)), stamp(now), opt.Model, opt.Owner, stamp(now))
	if err != nil {
		return fmt.Errorf("index: claim job: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrBusy
	}
	return tx.Commit()
}

// release gives the lease up, recording how the run ended.
func (ix *Index) release(ctx context.Context, opt EmbedOptions, state, msg string) error {
	_, err := ix.db.ExecContext(ctx, `UPDATE passage_jobs SET owner = '', lease_until = '', state = ?, error = ?, updated = ?
		WHERE model = ? AND owner = ?`, state, msg, stamp(opt.Now().UTC()), opt.Model, opt.Owner)
	if err != nil {
		return fmt.Errorf("index: release job: %w", err)
	}
	return nil
}

// embedBatch embeds one batch of passages without a vector and stores
// the vectors while renewing the lease, in one transaction. It returns
// how many passages it embedded and the bytes it sent.
func (ix *Index) embedBatch(ctx context.Context, e Embedder, opt EmbedOptions) (int, int, error) {
	ids, texts, err := ix.unembedded(ctx, opt)
	if err != nil || len(ids) == 0 {
		return 0, 0, err
	}
	bytes := 0
	for _, t := range texts {
		bytes += len(t)
	}
	vecs, err := e.Embed(ctx, opt.Model, texts)
	if err != nil {
		return 0, bytes, fmt.Errorf("index: embed: %w", err)
	}
	if len(vecs) != len(ids) {
		return 0, bytes, fmt.Errorf("index: embed: asked for %d vectors, got %d", len(ids), len(vecs))
	}
	return len(ids), bytes, ix.storeVectors(ctx, opt, ids, vecs)
}

// unembedded returns a batch of passages at or below MaxTLP without a
// vector of the model.
func (ix *Index) unembedded(ctx context.Context, opt EmbedOptions) ([]int64, []string, error) {
	rows, err := ix.db.QueryContext(ctx, `SELECT p.id, p.text FROM passages p
		JOIN passage_sources s ON s.object_seq = p.object_seq
		LEFT JOIN passage_vectors v ON v.passage_id = p.id AND v.model = ?
		WHERE v.passage_id IS NULL AND s.tlp <= ? ORDER BY p.id LIMIT ?`, opt.Model, opt.MaxTLP, opt.Batch)
	if err != nil {
		return nil, nil, fmt.Errorf("index: read passages to embed: %w", err)
	}
	defer rows.Close()
	var ids []int64
	var texts []string
	for rows.Next() {
		var id int64
		var text string
		if err := rows.Scan(&id, &text); err != nil {
			return nil, nil, fmt.Errorf("index: read passages to embed: %w", err)
		}
		ids, texts = append(ids, id), append(texts, text)
	}
	return ids, texts, rows.Err()
}

// storeVectors writes a batch's vectors if the lease is still ours. A
// vector whose dimension differs from the model's stored ones means the
// model changed behind its name: the old vectors are dropped.
func (ix *Index) storeVectors(ctx context.Context, opt EmbedOptions, ids []int64, vecs [][]float32) error {
	now := opt.Now().UTC()
	tx, err := ix.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("index: store vectors: %w", err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `UPDATE passage_jobs SET lease_until = ?, embedded = embedded + ?, updated = ?
		WHERE model = ? AND owner = ?`, stamp(now.Add(opt.Lease)), len(ids), stamp(now), opt.Model, opt.Owner)
	if err != nil {
		return fmt.Errorf("index: renew lease: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrBusy
	}
	if err := dropOtherDims(ctx, tx, opt.Model, len(vecs[0])); err != nil {
		return err
	}
	ins, err := tx.PrepareContext(ctx, `INSERT OR REPLACE INTO passage_vectors (passage_id, model, dims, vec) VALUES (?, ?, ?, ?)`)
	if err != nil {
		return fmt.Errorf("index: store vectors: %w", err)
	}
	defer ins.Close()
	for i, v := range vecs {
		if _, err := ins.ExecContext(ctx, ids[i], opt.Model, len(v), encode(normalized(v))); err != nil {
			return fmt.Errorf("index: store vectors: %w", err)
		}
	}
	if err := bump(ctx, tx); err != nil {
		return err
	}
	return tx.Commit()
}

func dropOtherDims(ctx context.Context, tx *sql.Tx, model string, dims int) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM passage_vectors WHERE model = ? AND dims <> ?`, model, dims); err != nil {
		return fmt.Errorf("index: drop vectors of another dimension: %w", err)
	}
	return nil
}

func stamp(t time.Time) string { return t.Format(time.RFC3339Nano) }
