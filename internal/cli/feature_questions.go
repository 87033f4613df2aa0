package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"

	"github.com/tipster-cti/tipster/internal/ai/kb"
	"github.com/tipster-cti/tipster/internal/ai/kb/index"
	"github.com/tipster-cti/tipster/internal/ai/kb/kbapi"
	"github.com/tipster-cti/tipster/internal/ai/llm"
	"github.com/tipster-cti/tipster/internal/config"
	"github.com/tipster-cti/tipster/internal/store"
)

func init() {
	features = append(features, feature{name: "knowledge-base questions", order: 25, setup: setupQuestions})
}

// questionSettings are the settings of commands that ask the knowledge base.
var questionSettings = append(append([]string{}, aiSettings...), "AI__EMBEDDING_MODEL")

// passageBackend is a store whose database keeps the passage index of
// knowledge-base questions: the SQLite and PostgreSQL stores.
type passageBackend interface {
	Passages() index.Storage
}

// errNoPassages says why knowledge-base questions are off on a store that
// cannot keep their passages.
var errNoPassages = errors.New("knowledge-base questions need a store that keeps a passage index")

// kbParts are the knowledge-base question services over one store.
type kbParts struct {
	svc    *kb.Service
	index  *index.Index
	worker *kb.Worker
	model  string // embedding model, "" for none
}

// newKB builds knowledge-base questions over st from the AI__* settings.
func newKB(cfg config.Config, st store.Store, log *slog.Logger) (*kbParts, error) {
	aiSvc, err := newAIService(cfg, st, log)
	if err != nil {
		return nil, err
	}
	db, ok := st.(passageBackend)
	if !ok {
		return nil, errNoPassages
	}
	settings := aiSvc.Settings()
	audit := aiSvc.AuditLog()
	ix := index.New(db.Passages())
	r := kb.NewRetriever(st, ix)
	host, _ := os.Hostname()
	w := &kb.Worker{
		Index:    ix,
		Settings: settings,
		Audit:    audit,
		Log:      log,
		Owner:    fmt.Sprintf("%s:%d", host, os.Getpid()),
	}
	model := strings.TrimSpace(cfg.Get("AI__EMBEDDING_MODEL"))
	if model != "" && settings.IsBuiltin() {
		log.Warn("AI__EMBEDDING_MODEL is set but AI__TYPE is builtin: retrieval uses text and graph alone")
		model = ""
	}
	if model != "" {
		// settings.LLM carries aiSvc's limiter, if any: the embeddings
		// share the slots of the questions' chats.
		client, err := llm.New(settings.LLM)
		if err != nil {
			return nil, fmt.Errorf("embedding client: %w", err)
		}
		w.Embedder, w.Model = client, model
		r.Model = model
		r.Embed = func(ctx context.Context, text string) ([]float32, error) {
			vecs, err := client.Embed(ctx, model, []string{text})
			if err != nil {
				return nil, err
			}
			return vecs[0], nil
		}
	}
	svc := &kb.Service{AI: aiSvc, Audit: audit, Retriever: r}
	return &kbParts{svc: svc, index: ix, worker: w, model: model}, nil
}

// setupQuestions serves POST /api/v1/ai/question and the index's progress,
// and keeps the index current in the background.
func setupQuestions(ctx context.Context, a *app) error {
	parts, err := newKB(a.Config, a.Store, a.Log)
	if errors.Is(err, errNoAIAudit) || errors.Is(err, errNoPassages) {
		a.Log.Warn("knowledge-base questions are off", "reason", err.Error())
		return nil
	}
	if err != nil {
		return err
	}
	closeLimiter(a, parts.svc.AI)
	(&kbapi.Handlers{KB: parts.svc, Index: parts.index, Model: parts.model, Log: a.Log}).Register(a.API)
	wctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	go func() {
		defer close(done)
		parts.worker.Run(wctx)
	}()
	a.closers = append(a.closers, func() error {
		cancel()
		<-done
		return nil
	})
	a.Log.Info("knowledge-base questions", "embedding_model", parts.model)
	return nil
}
