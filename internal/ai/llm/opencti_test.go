package llm

import (
	"context"
	"encoding/json"
	"net/http"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/tipster-cti/tipster/internal/ai/llm/llmtest"
)

// The two configurations of the Ask AI article must work verbatim. The
// requests are built for the real hosts and redirected to loopback fakes.
func TestOpenCTIConfigurations(t *testing.T) {
	temp := 0.2
	tests := []struct {
		name       string
		cfg        Config
		fake       llmtest.Options
		wantURL    string
		wantAuth   string
		wantModel  string
		wantFields []string
	}{
		{
			name: "Mistral's cloud API posts to /v1/chat/completions with the key as Bearer",
			cfg: Config{Type: "mistralai", Endpoint: "https://api.mistral.ai/", Model: "open-mistral-7b",
				Token: "mistral-key-123"},
			fake:       llmtest.Options{Dialect: llmtest.Mistral, Models: []string{"open-mistral-7b"}, Token: "mistral-key-123"},
			wantURL:    "https://api.mistral.ai/v1/chat/completions",
			wantAuth:   "Bearer mistral-key-123",
			wantModel:  "open-mistral-7b",
			wantFields: []string{"max_tokens", "messages", "model", "stream", "temperature"},
		},
		{
			name: "Ollama behind the Docker bridge with token none posts to its /v1 without credentials",
			cfg: Config{Type: "mistralai", Endpoint: "http://172.17.0.1:11434", Model: "mistral:instruct",
				Token: "none"},
			fake:       llmtest.Options{Dialect: llmtest.Ollama, Models: []string{"mistral:instruct"}},
			wantURL:    "http://172.17.0.1:11434/v1/chat/completions",
			wantAuth:   "",
			wantModel:  "mistral:instruct",
			wantFields: []string{"max_tokens", "messages", "model", "stream", "temperature"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := llmtest.NewServer(t, tt.fake)
			rt := newRedirect(t, srv.URL)
			tt.cfg.HTTPClient = &http.Client{Transport: rt}
			c, _ := newTestClient(t, tt.cfg)
			req := hello()
			req.MaxTokens, req.Temperature = 100, &temp
			resp, err := c.Chat(context.Background(), req, nil)
			if err != nil {
				t.Fatal(err)
			}
			if resp.Text != "Hello from the fake model." {
				t.Errorf("Text = %q", resp.Text)
			}
			sent := rt.requests()
			if len(sent) != 1 {
				t.Fatalf("sent %d requests, want 1", len(sent))
			}
			got := sent[0]
			if got.URL != tt.wantURL {
				t.Errorf("URL = %q, want %q", got.URL, tt.wantURL)
			}
			if a := got.Header.Get("Authorization"); a != tt.wantAuth {
				t.Errorf("Authorization = %q, want %q", a, tt.wantAuth)
			}
			if ct := got.Header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type = %q", ct)
			}
			if acc := got.Header.Get("Accept"); acc != "text/event-stream" {
				t.Errorf("Accept = %q", acc)
			}
			var body map[string]json.RawMessage
			if err := json.Unmarshal(got.Body, &body); err != nil {
				t.Fatal(err)
			}
			var keys []string
			for k := range body {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			if diff := cmp.Diff(tt.wantFields, keys); diff != "" {
				t.Errorf("body fields (-want +got):\n%s", diff)
			}
			wantBody := `{"model":"` + tt.wantModel + `","messages":[{"role":"system","content":"Be brief."},` +
				`{"role":"user","content":"Say hello"}],"stream":true,"max_tokens":100,"temperature":0.2}`
			if string(got.Body) != wantBody {
				t.Errorf("body = %s\nwant   %s", got.Body, wantBody)
			}
		})
	}
}

// Mistral's schema forbids unknown fields: whatever the request, only the
// fields it accepts are sent, and the strict fake agrees.
func TestMistralBodyHasOnlyAllowedFields(t *testing.T) {
	allowed := map[string]bool{"model": true, "messages": true, "stream": true, "max_tokens": true, "temperature": true}
	temp := 0.0
	requests := map[string]Request{
		"a bare request":              hello(),
		"a request with every option": {Messages: hello().Messages, MaxTokens: 5, Temperature: &temp, NumCtx: 8192},
	}
	for name, req := range requests {
		t.Run(name, func(t *testing.T) {
			srv := llmtest.NewServer(t, llmtest.Options{Dialect: llmtest.Mistral})
			c, _ := newTestClient(t, Config{Type: Mistral, Endpoint: srv.URL, Model: llmtest.DefaultModel, Token: "k"})
			if _, err := c.Chat(context.Background(), req, nil); err != nil {
				t.Fatalf("strict fake refused the request: %v", err)
			}
			var body map[string]json.RawMessage
			if err := json.Unmarshal(srv.Requests()[0].Body, &body); err != nil {
				t.Fatal(err)
			}
			for k := range body {
				if !allowed[k] {
					t.Errorf("field %q sent to Mistral", k)
				}
			}
			var msgs []map[string]json.RawMessage
			_ = json.Unmarshal(body["messages"], &msgs)
			for _, m := range msgs {
				if len(m) != 2 || m["role"] == nil || m["content"] == nil {
					t.Errorf("message fields = %v, want role and content", m)
				}
			}
		})
	}
}
