package llmtest

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestFakesAnswerLikeTheirProviders(t *testing.T) {
	chat := `{"model":"test-model","messages":[{"role":"user","content":"hi"}],"stream":true}`
	tests := []struct {
		name       string
		opts       Options
		method     string
		path       string
		header     [2]string
		body       string
		wantStatus int
		wantBody   string
	}{
		{"Mistral refuses stream_options as an extra field", Options{Dialect: Mistral}, "POST", "/v1/chat/completions", [2]string{},
			`{"model":"test-model","messages":[],"stream":true,"stream_options":{"include_usage":true}}`, 422, `"extra_forbidden"`},
		{"Mistral refuses an unknown message field", Options{Dialect: Mistral}, "POST", "/v1/chat/completions", [2]string{},
			`{"model":"test-model","messages":[{"role":"user","content":"x","reasoning_content":""}]}`, 422, `"reasoning_content"`},
		{"Mistral answers an unknown model with invalid_model", Options{Dialect: Mistral}, "POST", "/v1/chat/completions", [2]string{},
			`{"model":"nope","messages":[]}`, 400, `"code":"1500"`},
		{"Azure wants an api-version", Options{Dialect: Azure}, "POST", "/openai/deployments/test-model/chat/completions", [2]string{},
			chat, 404, `Resource not found`},
		{"Azure checks the api-key header", Options{Dialect: Azure, Token: "k"}, "POST", "/openai/deployments/test-model/chat/completions?api-version=2024-10-21",
			[2]string{"Authorization", "Bearer k"}, chat, 401, `Access denied`},
		{"OpenAI streams with [DONE]", Options{Dialect: OpenAI}, "POST", "/v1/chat/completions", [2]string{}, chat, 200, "data: [DONE]"},
		{"Ollama's tags list tagged names", Options{Dialect: Ollama, Models: []string{"tiny"}}, "GET", "/api/tags", [2]string{}, "", 200, `"name":"tiny:latest"`},
		{"Ollama's native chat ends with done:true", Options{Dialect: Ollama}, "POST", "/api/chat", [2]string{}, chat, 200, `"done":true`},
		{"Ollama's show gives the context length", Options{Dialect: Ollama, ContextLength: 2048}, "POST", "/api/show", [2]string{}, `{"model":"test-model"}`, 200, `"llama.context_length":2048`},
		{"a proxy error is an HTML page", Options{Dialect: OpenAI, Fault: Fault{Kind: ProxyError}}, "GET", "/v1/models", [2]string{}, "", 502, "<title>502 Bad Gateway</title>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := NewServer(t, tt.opts)
			req, err := http.NewRequest(tt.method, srv.URL+tt.path, strings.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			if tt.header[0] != "" {
				req.Header.Set(tt.header[0], tt.header[1])
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.wantStatus || !strings.Contains(string(body), tt.wantBody) {
				t.Errorf("got %d %s\nwant %d containing %s", resp.StatusCode, body, tt.wantStatus, tt.wantBody)
			}
			if got := len(srv.Requests()); got != 1 {
				t.Errorf("recorded %d requests", got)
			}
		})
	}
}
