package tinygguf

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"
)

// ollama is a minimal client for the parts of Ollama's API the test needs.
type ollama struct {
	t   *testing.T
	url string
}

// call sends body (raw bytes, or a value encoded as JSON) and decodes the
// JSON answer into out when out is not nil.
func (o ollama) call(method, path string, body, out any) {
	o.t.Helper()
	// Not t.Context(): that is cancelled before cleanups run.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	raw, ok := body.([]byte)
	if !ok {
		var err error
		if raw, err = json.Marshal(body); err != nil {
			o.t.Fatal(err)
		}
	}
	req, err := http.NewRequestWithContext(ctx, method, o.url+path, bytes.NewReader(raw))
	if err != nil {
		o.t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		o.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode >= 300 {
		o.t.Fatalf("%s %s: status %d, %v: %s", method, path, resp.StatusCode, err, data)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			o.t.Fatalf("%s %s: decode %q: %v", method, path, data, err)
		}
	}
}

// create uploads a freshly written model and registers it under name,
// deleting it again when the test ends.
func (o ollama) create(name string, opt Options) {
	o.t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, opt); err != nil {
		o.t.Fatal(err)
	}
	digest := fmt.Sprintf("sha256:%x", sha256.Sum256(buf.Bytes()))
	o.call(http.MethodPost, "/api/blobs/"+digest, buf.Bytes(), nil)
	o.call(http.MethodPost, "/api/create", map[string]any{
		"model":      name,
		"files":      map[string]string{"model.gguf": digest},
		"template":   "{{- range .Messages }}<s>{{ .Role }}: {{ .Content }}\n{{ end }}<s>assistant: ",
		"parameters": map[string]any{"num_predict": 8, "num_thread": 1, "stop": []string{"</s>"}},
		"stream":     false,
	}, nil)
	o.t.Cleanup(func() { o.call(http.MethodDelete, "/api/delete", map[string]string{"model": name}, nil) })
}

// TestOllamaServesTheGeneratedModel needs a real Ollama at
// TIPSTER_TEST_OLLAMA_URL, as started by scripts/ollama-test.
func TestOllamaServesTheGeneratedModel(t *testing.T) {
	url := os.Getenv("TIPSTER_TEST_OLLAMA_URL")
	if url == "" {
		t.Skip("TIPSTER_TEST_OLLAMA_URL is not set; start a server with scripts/ollama-test")
	}
	o := ollama{t: t, url: strings.TrimRight(url, "/")}
	name := "tinygguf-test:seed7"
	o.create(name, Options{Seed: 7, ContextLength: 1024})

	t.Run("chat answers only with vocabulary words", func(t *testing.T) {
		var resp struct {
			Message   struct{ Content string }
			Done      bool
			EvalCount int `json:"eval_count"`
		}
		o.call(http.MethodPost, "/api/chat", map[string]any{"model": name, "stream": false,
			"messages": []map[string]string{{"role": "user", "content": "Who runs this botnet? 日本"}}}, &resp)
		if !resp.Done || resp.EvalCount < 1 || resp.EvalCount > 8 {
			t.Fatalf("done = %v after %d tokens, want done after 1 to 8", resp.Done, resp.EvalCount)
		}
		known := map[string]bool{}
		for _, w := range words {
			known[w] = true
		}
		for _, f := range strings.Fields(resp.Message.Content) {
			if w := strings.Trim(f, ".,"); w != "" && !known[w] {
				t.Errorf("answer %q has %q, which is not a vocabulary word", resp.Message.Content, w)
			}
		}
	})
	tokenCounts := []struct {
		name, input string
		want        int
	}{
		{"known words embed as one token each", "ransomware phishing campaign", 3},
		{"unknown characters fall back to bytes", "日本", 7}, // "▁" and six UTF-8 bytes
	}
	for _, tt := range tokenCounts {
		t.Run(tt.name, func(t *testing.T) {
			var resp struct {
				Embeddings  [][]float32
				PromptCount int `json:"prompt_eval_count"`
			}
			o.call(http.MethodPost, "/api/embed", map[string]any{"model": name, "input": tt.input}, &resp)
			if len(resp.Embeddings) != 1 || len(resp.Embeddings[0]) != 64 {
				t.Fatalf("got %d embeddings, want one of width 64", len(resp.Embeddings))
			}
			if resp.PromptCount != tt.want {
				t.Errorf("%q counts %d tokens, want %d", tt.input, resp.PromptCount, tt.want)
			}
		})
	}
	t.Run("show reports the context length", func(t *testing.T) {
		var resp struct {
			ModelInfo map[string]any `json:"model_info"`
		}
		o.call(http.MethodPost, "/api/show", map[string]string{"model": name}, &resp)
		if got := resp.ModelInfo["llama.context_length"]; got != float64(1024) {
			t.Errorf("llama.context_length = %v, want 1024", got)
		}
	})
}
