package llm

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/tipster-cti/tipster/internal/ai/llm/llmtest"
)

func TestChatStreamsEveryDialect(t *testing.T) {
	words := []string{"Hello", " from", " the", " fake", " model."}
	tests := []struct {
		name      string
		dialect   llmtest.Dialect
		typ       Type
		model     string
		wantUsage Usage
		wantModel string
	}{
		{"OpenAI asks for usage and gets it in a usage-only chunk", llmtest.OpenAI, OpenAI, llmtest.DefaultModel, Usage{4, 5}, llmtest.DefaultModel},
		{"Mistral reports usage on its last chunk unasked", llmtest.Mistral, Mistral, llmtest.DefaultModel, Usage{4, 5}, llmtest.DefaultModel},
		{"Azure's empty-choices filter chunk is skipped", llmtest.Azure, AzureOpenAI, llmtest.DefaultModel, Usage{4, 5}, llmtest.DefaultModel},
		{"native Ollama gives token counts on its done line", llmtest.Ollama, Ollama, "test-model", Usage{4, 5}, "test-model:latest"},
		{"Ollama's /v1 through the mistralai type reports no usage", llmtest.Ollama, Mistral, "test-model", Usage{}, "test-model"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := llmtest.NewServer(t, llmtest.Options{Dialect: tt.dialect, Token: "secret"})
			c, _ := newTestClient(t, Config{Type: tt.typ, Endpoint: srv.URL, Model: tt.model, Token: "secret"})
			resp, deltas, err := chatCollect(context.Background(), c, hello())
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(words, deltas); diff != "" {
				t.Errorf("deltas (-want +got):\n%s", diff)
			}
			want := Response{Text: "Hello from the fake model.", FinishReason: "stop", Model: tt.wantModel, Usage: tt.wantUsage}
			if diff := cmp.Diff(want, resp); diff != "" {
				t.Errorf("response (-want +got):\n%s", diff)
			}
		})
	}
}

func TestChatRequestShape(t *testing.T) {
	temp := 0.5
	req := Request{Messages: hello().Messages, MaxTokens: 64, Temperature: &temp, NumCtx: 8192}
	tests := []struct {
		name     string
		dialect  llmtest.Dialect
		typ      Type
		wantPath string
		want     string
		header   [2]string
	}{
		{"OpenAI gets stream_options to learn the usage", llmtest.OpenAI, OpenAI, "/v1/chat/completions",
			`{"model":"test-model","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Say hello"}],"stream":true,"max_tokens":64,"temperature":0.5,"stream_options":{"include_usage":true}}`,
			[2]string{"Authorization", "Bearer k"}},
		{"Azure authenticates with api-key and names the deployment in the path", llmtest.Azure, AzureOpenAI, "/openai/deployments/test-model/chat/completions",
			`{"model":"test-model","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Say hello"}],"stream":true,"max_tokens":64,"temperature":0.5,"stream_options":{"include_usage":true}}`,
			[2]string{"api-key", "k"}},
		{"native Ollama sets num_ctx and num_predict in options", llmtest.Ollama, Ollama, "/api/chat",
			`{"model":"test-model:latest","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Say hello"}],"stream":true,"options":{"num_ctx":8192,"num_predict":64,"temperature":0.5}}`,
			[2]string{"Authorization", "Bearer k"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := llmtest.NewServer(t, llmtest.Options{Dialect: tt.dialect})
			c, _ := newTestClient(t, Config{Type: tt.typ, Endpoint: srv.URL, Model: "test-model", Token: "k"})
			if _, err := c.Chat(context.Background(), req, nil); err != nil {
				t.Fatal(err)
			}
			got := srv.Requests()[0]
			if got.Path != tt.wantPath || string(got.Body) != tt.want {
				t.Errorf("got %s %s\nwant %s %s", got.Path, got.Body, tt.wantPath, tt.want)
			}
			if v := got.Header.Get(tt.header[0]); v != tt.header[1] {
				t.Errorf("%s = %q, want %q", tt.header[0], v, tt.header[1])
			}
			if tt.typ == AzureOpenAI && (got.Header.Get("Authorization") != "" || got.RawQuery != "api-version=2024-10-21") {
				t.Errorf("Azure request: Authorization %q, query %q", got.Header.Get("Authorization"), got.RawQuery)
			}
		})
	}
}

func TestChatWithoutMessagesIsABadRequest(t *testing.T) {
	c, _ := newTestClient(t, Config{Type: Ollama, Model: "m"})
	_, err := c.Chat(context.Background(), Request{}, nil)
	wantError(t, err, KindBadRequest)
}

func TestChatStopsWhenTheCallbackFails(t *testing.T) {
	srv := llmtest.NewServer(t, llmtest.Options{Dialect: llmtest.OpenAI})
	c, _ := newTestClient(t, Config{Type: OpenAI, Endpoint: srv.URL, Model: llmtest.DefaultModel})
	stop := errors.New("client went away")
	n := 0
	_, err := c.Chat(context.Background(), hello(), func(string) error {
		n++
		return stop
	})
	if !errors.Is(err, stop) || n != 1 {
		t.Fatalf("err = %v after %d deltas, want the callback's error after 1", err, n)
	}
}

func TestServerIgnoringStreamIsStillRead(t *testing.T) {
	srv := llmtest.NewServer(t, llmtest.Options{Dialect: llmtest.OpenAI})
	c, _ := newTestClient(t, Config{Type: OpenAI, Endpoint: srv.URL, Model: llmtest.DefaultModel})
	var out json.RawMessage
	ping := openaiRequest{Model: llmtest.DefaultModel, Messages: hello().Messages}
	if err := c.getJSON(context.Background(), "POST", c.ChatURL(), ping, &out); err != nil {
		t.Fatal(err)
	}
	f, err := (&jsonDecoder{body: bytesReader(out)}).next()
	if err != nil || f.delta != "Hello from the fake model." || !f.done {
		t.Fatalf("frame = %+v, %v", f, err)
	}
}
