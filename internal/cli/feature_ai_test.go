package cli

import (
	"context"
	"io"
	"log/slog"
	"maps"
	"sync"
	"testing"
	"time"

	"github.com/tipster-cti/tipster/internal/ai"
	"github.com/tipster-cti/tipster/internal/ai/llm"
	"github.com/tipster-cti/tipster/internal/ai/llm/llmtest"
	"github.com/tipster-cti/tipster/internal/config"
)

func TestAIConcurrencyLimitIsSharedOnPostgreSQL(t *testing.T) {
	forEachBackend(t, testAIConcurrencyLimit)
}

// testAIConcurrencyLimit builds, for two servers on one store, Ask AI and
// the knowledge-base embedder as serve does, and sends chats and
// embeddings through all four clients at once to a fake provider.
func testAIConcurrencyLimit(t *testing.T, env map[string]string) {
	srv := llmtest.NewServer(t, llmtest.Options{Dialect: llmtest.Ollama, FirstTokenDelay: 40 * time.Millisecond})
	env = maps.Clone(env)
	maps.Copy(env, map[string]string{"AI__TYPE": "ollama", "AI__ENDPOINT": srv.URL, "AI__MODEL": llmtest.DefaultModel,
		"AI__EMBEDDING_MODEL": llmtest.DefaultModel, "AI__MAX_CONCURRENT": "2"})
	cfg := config.Load(func(k string) string { return env[k] }, nil)
	ctx := context.Background()
	log := slog.New(slog.DiscardHandler)
	var calls []func() error
	for range 2 {
		st, err := openStore(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		svc, err := newAIService(cfg, st, log)
		if err != nil {
			t.Fatal(err)
		}
		parts, err := newKB(cfg, st, log)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range []llm.Limiter{svc.Settings().LLM.Limiter, parts.svc.AI.Settings().LLM.Limiter} {
			if c, ok := l.(io.Closer); ok {
				t.Cleanup(func() { c.Close() })
			}
		}
		chat := svc.Engine().(*ai.LLMEngine).Client()
		embed := parts.worker.Embedder
		for range 4 {
			calls = append(calls, func() error {
				_, err := chat.Chat(ctx, llm.Request{Messages: []llm.Message{{Role: "user", Content: "hi"}}}, nil)
				return err
			})
		}
		for range 2 {
			calls = append(calls, func() error {
				_, err := embed.Embed(ctx, llmtest.DefaultModel, []string{"a passage"})
				return err
			})
		}
	}
	var wg sync.WaitGroup
	errs := make(chan error, len(calls))
	for _, call := range calls {
		wg.Go(func() { errs <- call() })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	peak := srv.Peak()
	if env["DATABASE__URL"] != "" {
		if peak != 2 {
			t.Errorf("the provider saw %d calls at once from two servers on PostgreSQL, want AI__MAX_CONCURRENT=2", peak)
		}
		return
	}
	// On SQLite each client keeps its own limit, as docs/servers.md says.
	if peak <= 2 {
		t.Errorf("the provider saw at most %d calls at once from four clients of limit 2 on SQLite; "+
			"the limit should be per process there", peak)
	}
}
