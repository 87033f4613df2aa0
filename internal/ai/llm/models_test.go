package llm

import (
	"context"
	"net"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/tipster-cti/tipster/internal/ai/llm/llmtest"
)

func TestModelInfo(t *testing.T) {
	tests := []struct {
		name  string
		fake  llmtest.Options
		typ   Type
		model string
		want  ModelInfo
	}{
		{"native Ollama reads the context length from /api/show",
			llmtest.Options{Dialect: llmtest.Ollama, ContextLength: 8192}, Ollama, "test-model",
			ModelInfo{Name: "test-model:latest", Available: true, ContextLength: 8192, Source: SourceOllama}},
		{"Ollama's /v1 falls back to /api/show for the context length",
			llmtest.Options{Dialect: llmtest.Ollama, ContextLength: 8192}, Mistral, "test-model",
			ModelInfo{Name: "test-model", Available: true, ContextLength: 8192, Source: SourceOllama}},
		{"Mistral's model list gives max_context_length",
			llmtest.Options{Dialect: llmtest.Mistral, Models: []string{"mistral-small-latest"}, ContextLength: 32768}, Mistral, "mistral-small-latest",
			ModelInfo{Name: "mistral-small-latest", Available: true, ContextLength: 32768, Source: SourceProvider}},
		{"OpenAI's model list has no lengths, so the known table answers",
			llmtest.Options{Dialect: llmtest.OpenAI, Models: []string{"gpt-4o-mini"}}, OpenAI, "gpt-4o-mini",
			ModelInfo{Name: "gpt-4o-mini", Available: true, ContextLength: 128000, Source: SourceTable}},
		{"an unknown model is unavailable without error",
			llmtest.Options{Dialect: llmtest.OpenAI}, OpenAI, "gpt-nope",
			ModelInfo{Name: "gpt-nope"}},
		{"an unknown native Ollama model is unavailable without error",
			llmtest.Options{Dialect: llmtest.Ollama}, Ollama, "nope",
			ModelInfo{Name: "nope:latest"}},
		{"an Azure deployment is found by a one-token chat",
			llmtest.Options{Dialect: llmtest.Azure, Models: []string{"prod-chat"}}, AzureOpenAI, "prod-chat",
			ModelInfo{Name: "prod-chat", Available: true, Source: SourceProbe}},
		{"a missing Azure deployment is unavailable without error",
			llmtest.Options{Dialect: llmtest.Azure}, AzureOpenAI, "missing",
			ModelInfo{Name: "missing"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := llmtest.NewServer(t, tt.fake)
			c, _ := newTestClient(t, Config{Type: tt.typ, Endpoint: srv.URL, Model: tt.model})
			got, err := c.ModelInfo(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ModelInfo (-want +got):\n%s", diff)
			}
		})
	}
}

func TestProbe(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String()
	ln.Close()
	tests := []struct {
		name          string
		fake          llmtest.Options
		endpoint      string
		model, token  string
		wantReachable bool
		wantModel     bool
		wantKind      ErrorKind
	}{
		{"a working provider is OK", llmtest.Options{Dialect: llmtest.Mistral, Token: "k"}, "", llmtest.DefaultModel, "k", true, true, KindUnknown},
		{"a missing model is reachable but not OK", llmtest.Options{Dialect: llmtest.Mistral, Token: "k"}, "", "nope", "k", true, false, KindModelNotFound},
		{"a rejected key is reachable but not OK", llmtest.Options{Dialect: llmtest.Mistral, Token: "k"}, "", llmtest.DefaultModel, "bad", true, false, KindAuth},
		{"nothing listening is unreachable", llmtest.Options{Dialect: llmtest.Mistral}, closed, llmtest.DefaultModel, "k", false, false, KindUnreachable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := llmtest.NewServer(t, tt.fake)
			if tt.endpoint == "" {
				tt.endpoint = srv.URL
			}
			c, _ := newTestClient(t, Config{Type: Mistral, Endpoint: tt.endpoint, Model: tt.model, Token: tt.token})
			st := c.Probe(context.Background())
			if st.Reachable != tt.wantReachable || st.ModelAvailable != tt.wantModel || KindOf(st.Err) != tt.wantKind {
				t.Errorf("Probe = reachable %v, model %v, err %v; want %v, %v, %v",
					st.Reachable, st.ModelAvailable, st.Err, tt.wantReachable, tt.wantModel, tt.wantKind)
			}
			if st.OK() != (tt.wantKind == KindUnknown) || st.Checked.IsZero() || st.Latency <= 0 {
				t.Errorf("OK %v, Checked %v, Latency %v", st.OK(), st.Checked, st.Latency)
			}
		})
	}
}

func TestContextWindow(t *testing.T) {
	tests := []struct {
		name  string
		typ   Type
		model string
		want  int
	}{
		{"gpt-4o-mini is not mistaken for gpt-4o's sibling gpt-4", OpenAI, "gpt-4o-mini", 128000},
		{"a dated gpt-4.1 snapshot matches gpt-4.1", OpenAI, "gpt-4.1-2025-04-14", 1047576},
		{"open-mistral-7b has 32k", Mistral, "open-mistral-7b", 32768},
		{"mistral-large-latest has 128k", Mistral, "mistral-large-latest", 131072},
		{"an Azure deployment named after its model matches", AzureOpenAI, "gpt-4o", 128000},
		{"a local Ollama model is not guessed", Ollama, "mistral:instruct", 0},
		{"an unknown model is 0", OpenAI, "my-finetune", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ContextWindow(tt.typ, tt.model); got != tt.want {
				t.Errorf("ContextWindow = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestEmbed(t *testing.T) {
	for _, d := range dialects {
		t.Run(string(d.fake)+" as "+string(d.typ), func(t *testing.T) {
			srv := llmtest.NewServer(t, llmtest.Options{Dialect: d.fake, EmbeddingDims: 4})
			c, _ := newTestClient(t, Config{Type: d.typ, Endpoint: srv.URL, Model: llmtest.DefaultModel})
			got, err := c.Embed(context.Background(), "", []string{"a", "bb", "ccc"})
			if err != nil {
				t.Fatal(err)
			}
			a, b := float32('a')/256, float32('b')/256
			want := [][]float32{{a, 0, 0, 0}, {b, b, 0, 0}, {float32('c') / 256, float32('c') / 256, float32('c') / 256, 0}}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("embeddings out of input order (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEmbedUnknownModel(t *testing.T) {
	for _, d := range dialects {
		t.Run(string(d.fake)+" as "+string(d.typ), func(t *testing.T) {
			srv := llmtest.NewServer(t, llmtest.Options{Dialect: d.fake})
			c, _ := newTestClient(t, Config{Type: d.typ, Endpoint: srv.URL, Model: llmtest.DefaultModel})
			_, err := c.Embed(context.Background(), "nope", []string{"a"})
			wantError(t, err, KindModelNotFound)
		})
	}
}
