package index

import (
	"context"
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

// job is the claim of a run at this moment.
func (o *EmbedOptions) job() Job {
	return Job{Model: o.Model, Owner: o.Owner, Now: o.Now().UTC(), Lease: o.Lease}
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
	if err := ix.s.ClaimJob(ctx, opt.job()); err != nil {
		return st, err
	}
	if err := ix.s.DropOtherModels(ctx, opt.Model); err != nil {
		return st, err
	}
	for {
		n, bytes, err := ix.embedBatch(ctx, e, opt)
		st.Passages, st.Bytes = st.Passages+n, st.Bytes+bytes
		if bytes > 0 {
			st.Requests++
		}
		if err != nil {
			ix.s.ReleaseJob(context.WithoutCancel(ctx), opt.job(), "failed", err.Error())
			return st, err
		}
		if opt.Progress != nil {
			if s, err := ix.Status(ctx, opt.Model, opt.MaxTLP); err == nil {
				opt.Progress(s)
			}
		}
		if n == 0 {
			return st, ix.s.ReleaseJob(ctx, opt.job(), "done", "")
		}
	}
}

// embedBatch embeds one batch of passages without a vector and stores
// the vectors while renewing the lease, in one transaction. It returns
// how many passages it embedded and the bytes it sent.
func (ix *Index) embedBatch(ctx context.Context, e Embedder, opt EmbedOptions) (int, int, error) {
	ids, texts, err := ix.s.Unembedded(ctx, opt.Model, opt.MaxTLP, opt.Batch)
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
	return len(ids), bytes, ix.s.StoreVectors(ctx, opt.job(), ids, vecs)
}
