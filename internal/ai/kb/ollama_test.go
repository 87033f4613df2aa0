package kb

import (
	"bytes"
	"context"
	"os"
	"testing"
	"time"

	"github.com/tipster-cti/tipster/internal/ai/kb/index"
	"github.com/tipster-cti/tipster/internal/ai/llm"
)

// TestEvaluateWithARealOllamaEmbeddingModel embeds the question set's
// knowledge base with the tiny model of scripts/ollama-test and evaluates
// retrieval with vectors. The model has random weights: this exercises the
// embedding API end to end, not the quality of the vectors.
func TestEvaluateWithARealOllamaEmbeddingModel(t *testing.T) {
	url, model := os.Getenv("TIPSTER_TEST_OLLAMA_URL"), os.Getenv("TIPSTER_TEST_OLLAMA_MODEL")
	if url == "" || model == "" {
		t.Skip("no Ollama: start one with `vars=$(scripts/ollama-test) && export $vars`")
	}
	// Embedding every passage of the question set's knowledge base with the
	// tiny model takes minutes on two cores, too long for every run of the
	// suite; the embedding API itself is exercised against the same Ollama
	// by internal/ai/llm's integration test on every run.
	if os.Getenv("TIPSTER_TEST_EMBED_EVAL") == "" {
		t.Skip("set TIPSTER_TEST_EMBED_EVAL=1 to embed the whole question set (several minutes); see docs/benchmarks/questions.md")
	}
	if _, err := os.Stat(sharedData); err != nil {
		t.Skipf("real data not available (%v): it lives in ../shared beside the checkout", err)
	}
	db, r, err := LoadEvalStore(ctx, sharedData, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	client, err := llm.New(llm.Config{Type: llm.Ollama, Endpoint: url, Model: model})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	st, err := r.Index.Embed(ctx, client, index.EmbedOptions{Model: model, MaxTLP: 4})
	if err != nil {
		t.Fatal(err)
	}
	status, err := r.Index.Status(ctx, model, 4)
	if err != nil {
		t.Fatal(err)
	}
	if status.Embedded != status.Passages || status.State != "done" {
		t.Fatalf("after embedding, status = %+v, want every passage embedded", status)
	}
	took := time.Since(start)
	r.Model = model
	r.Embed = func(ctx context.Context, text string) ([]float32, error) {
		v, err := client.Embed(ctx, model, []string{text})
		if err != nil {
			return nil, err
		}
		return v[0], nil
	}
	var out bytes.Buffer
	if err := RunSets(ctx, &out, r); err != nil {
		t.Fatal(err)
	}
	t.Logf("embedded %d passages (%d dims) in %d requests in %v (%.0f passages/s)\n%s", st.Passages, status.Dims,
		st.Requests, took.Round(time.Millisecond), float64(st.Passages)/took.Seconds(), out.String())
}
