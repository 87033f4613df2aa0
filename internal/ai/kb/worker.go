package kb

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/tipster-cti/tipster/internal/ai"
	"github.com/tipster-cti/tipster/internal/ai/kb/index"
	"github.com/tipster-cti/tipster/internal/stix"
)

// EmbedOperation is the audit name of an embedding run.
const EmbedOperation ai.Operation = "embed-passages"

// Worker keeps the index current in the background: it cuts new and
// changed objects into passages and, with an embedding model, embeds the
// passages the provider may receive. It holds no state that another
// server on the same database could contradict.
type Worker struct {
	Index *index.Index
	// Embedder and Model embed passages; nil or "" for none.
	Embedder index.Embedder
	Model    string
	Settings ai.Settings // provider placement and TLP limit, for the guard and audit
	Audit    *ai.AuditLog
	Every    time.Duration // pause between passes; default 5 seconds
	Owner    string        // this server's name in the jobs table
	Log      *slog.Logger
}

// Run works until ctx ends.
func (w *Worker) Run(ctx context.Context) {
	every := w.Every
	if every <= 0 {
		every = 5 * time.Second
	}
	for {
		w.Pass(ctx)
		select {
		case <-ctx.Done():
			return
		case <-time.After(every):
		}
	}
}

// Pass syncs the passages once and embeds what is missing.
func (w *Worker) Pass(ctx context.Context) {
	st, err := w.Index.Sync(ctx)
	if err != nil {
		if ctx.Err() == nil {
			w.Log.Warn("passage index sync failed", "err", err)
		}
		return
	}
	if st.Objects > 0 {
		w.Log.Info("passages indexed", "objects", st.Objects, "passages", st.Passages)
	}
	if w.Embedder == nil || w.Model == "" {
		return
	}
	start := time.Now()
	es, err := w.Index.Embed(
		ctx,
		w.Embedder,
		index.EmbedOptions{Model: w.Model, MaxTLP: int(w.Settings.MaxTLP), Owner: w.Owner},
	)
	if errors.Is(err, index.ErrBusy) {
		return
	}
	if es.Requests > 0 {
		w.audit(ctx, es, err, time.Since(start))
	}
	if err != nil && ctx.Err() == nil {
		w.Log.Warn("passage embedding failed", "model", w.Model, "err", err)
	} else if es.Passages > 0 {
		w.Log.Info("passages embedded", "model", w.Model, "passages", es.Passages)
	}
}

// audit records an embedding run: what left for the provider, and the
// highest level it may have held (the provider's limit).
func (w *Worker) audit(ctx context.Context, es index.EmbedStats, err error, d time.Duration) {
	if w.Audit == nil {
		return
	}
	e := ai.Entry{At: time.Now().Add(-d), User: "system", Operation: EmbedOperation, Engine: w.Settings.Type,
		Model: w.Model, EndpointHost: w.Settings.EndpointHost(), Location: w.Settings.Location,
		TLP: min(w.Settings.MaxTLP, stix.TLPRed), BytesSent: es.Bytes, Duration: d.Milliseconds(),
		Outcome: outcome(err), Chunks: max(es.Requests, 1)}
	if err == nil {
		e.Outcome = ai.OutcomeOK
	}
	if _, aerr := w.Audit.Record(context.WithoutCancel(ctx), e); aerr != nil {
		w.Log.Warn("audit of passage embedding failed", "err", aerr)
	}
}
