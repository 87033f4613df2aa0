package llm

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"
)

// ollamaURL returns the URL of the real Ollama that scripts/ollama-test
// starts (serving the random-weight model "tiny"), or skips the test.
func ollamaURL(t *testing.T) string {
	t.Helper()
	u := os.Getenv("TIPSTER_TEST_OLLAMA_URL")
	if u == "" {
		t.Skip("TIPSTER_TEST_OLLAMA_URL is not set: run scripts/ollama-test, or /work/shared/tools/ollama-tiny PORT and export TIPSTER_TEST_OLLAMA_URL=http://127.0.0.1:PORT")
	}
	return u
}

// realTypes are the two ways Tipster reaches an Ollama: its native API and
// its OpenAI-compatible /v1 under the mistralai type, as OpenCTI users do.
var realTypes = []Type{Ollama, Mistral}

func TestRealOllamaChatStreams(t *testing.T) {
	base := ollamaURL(t)
	for _, typ := range realTypes {
		t.Run(string(typ), func(t *testing.T) {
			c, _ := newTestClient(t, Config{Type: typ, Endpoint: base, Model: "tiny", Token: "none"})
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			req := hello()
			req.MaxTokens = 8
			resp, deltas, err := chatCollect(ctx, c, req)
			if err != nil {
				t.Fatal(err)
			}
			if len(deltas) == 0 || resp.Text != strings.Join(deltas, "") || strings.TrimSpace(resp.Text) == "" {
				t.Errorf("text %q from deltas %q", resp.Text, deltas)
			}
			if resp.FinishReason != "length" && resp.FinishReason != "stop" {
				t.Errorf("finish reason %q", resp.FinishReason)
			}
			if typ == Ollama && (resp.Usage.PromptTokens == 0 || resp.Usage.CompletionTokens == 0 || resp.Usage.CompletionTokens > 8) {
				t.Errorf("usage %+v, want counts with at most 8 completion tokens", resp.Usage)
			}
		})
	}
}

func TestRealOllamaModelInfoAndProbe(t *testing.T) {
	base := ollamaURL(t)
	for _, typ := range realTypes {
		t.Run(string(typ), func(t *testing.T) {
			c, _ := newTestClient(t, Config{Type: typ, Endpoint: base, Model: "tiny", Token: "none"})
			st := c.Probe(context.Background())
			if !st.OK() {
				t.Fatalf("Probe not OK: %+v (%v)", st, Diagnose(c.Config(), st.Err))
			}
			if st.Model.ContextLength <= 0 || st.Model.Source != SourceOllama {
				t.Errorf("context length %d from %q, want /api/show's", st.Model.ContextLength, st.Model.Source)
			}
		})
	}
}

func TestRealOllamaEmbed(t *testing.T) {
	base := ollamaURL(t)
	for _, typ := range realTypes {
		t.Run(string(typ), func(t *testing.T) {
			c, _ := newTestClient(t, Config{Type: typ, Endpoint: base, Model: "tiny", Token: "none"})
			vecs, err := c.Embed(context.Background(), "", []string{"APT29 phishing", "ransomware"})
			if err != nil {
				t.Fatal(err)
			}
			if len(vecs) != 2 || len(vecs[0]) == 0 || len(vecs[0]) != len(vecs[1]) {
				t.Fatalf("got %d vectors of lengths %d/%d", len(vecs), len(vecs[0]), len(vecs[len(vecs)-1]))
			}
		})
	}
}

func TestRealOllamaUnknownModel(t *testing.T) {
	base := ollamaURL(t)
	for _, typ := range realTypes {
		t.Run(string(typ), func(t *testing.T) {
			cfg := Config{Type: typ, Endpoint: base, Model: "no-such-model", Token: "none"}
			c, _ := newTestClient(t, cfg)
			_, _, err := chatCollect(context.Background(), c, hello())
			wantError(t, err, KindModelNotFound)
			if d := Diagnose(cfg, err); !strings.Contains(d.Fix, "`ollama pull no-such-model`") {
				t.Errorf("fix %q lacks the pull command", d.Fix)
			}
			st := c.Probe(context.Background())
			if !st.Reachable || st.ModelAvailable || KindOf(st.Err) != KindModelNotFound {
				t.Errorf("Probe = %+v", st)
			}
		})
	}
}
