package ai_test

import (
	"context"
	"encoding/json"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/tipster-cti/tipster/internal/ai"
	"github.com/tipster-cti/tipster/internal/ai/aitest"
	"github.com/tipster-cti/tipster/internal/ai/llm/llmtest"
	"github.com/tipster-cti/tipster/internal/store"
)

var ctx = context.Background()

// chatRequests returns the chat requests a fake received.
func chatRequests(f *llmtest.Server) []llmtest.Request {
	var out []llmtest.Request
	for _, r := range f.Requests() {
		if strings.HasSuffix(r.Path, "/chat/completions") || r.Path == "/api/chat" {
			out = append(out, r)
		}
	}
	return out
}

func keys(body []byte, t *testing.T) []string {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatalf("body is not JSON: %v", err)
	}
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// TestOpenCTIConfigurationsVerbatim checks the two configurations OpenCTI
// documents: the exact URL, headers and body each sends. The transport
// sends both to a loopback fake; nothing reaches Mistral or the bridge.
func TestOpenCTIConfigurationsVerbatim(t *testing.T) {
	cases := []struct {
		name      string
		env       map[string]string
		dialect   llmtest.Dialect
		token     string
		wantURL   string
		wantAuth  string
		wantWhere ai.Location
	}{
		{"mistral's cloud", map[string]string{"AI__TYPE": "mistralai", "AI__ENDPOINT": "https://api.mistral.ai/",
			"AI__MODEL": "open-mistral-7b", "AI__TOKEN": "sk-test-key"}, llmtest.Mistral, "sk-test-key",
			"https://api.mistral.ai/v1/chat/completions", "Bearer sk-test-key", ai.Cloud},
		{"ollama on the docker bridge", map[string]string{"AI__TYPE": "mistralai", "AI__ENDPOINT": "http://172.17.0.1:11434",
			"AI__MODEL": "mistral:instruct", "AI__TOKEN": "none"}, llmtest.Ollama, "",
			"http://172.17.0.1:11434/v1/chat/completions", "", ai.Local},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			model := c.env["AI__MODEL"]
			fake := llmtest.NewServer(t, llmtest.Options{Dialect: c.dialect, Models: []string{model}, Token: c.token, Reply: "Fixed text."})
			redirect := aitest.NewRedirect(t, fake.URL)
			s := aitest.New(t, c.env, func(o *ai.Options) { o.Settings.LLM.HTTPClient = &http.Client{Transport: redirect} })
			if got := s.Service.Settings().Location; got != c.wantWhere {
				t.Errorf("location = %s, want %s", got, c.wantWhere)
			}
			ans, err := s.Service.Ask(ctx, store.LocalAdmin, ai.Request{Operation: ai.FixSpelling, Text: "Teh actor used 10.1.2.3."}, nil)
			if err != nil {
				t.Fatalf("ask: %v", err)
			}
			if ans.Text != "Fixed text." || ans.Provider != "custom mistralai - "+model {
				t.Errorf("answer = %q from %q", ans.Text, ans.Provider)
			}
			urls := redirect.URLs()
			if urls[len(urls)-1] != c.wantURL {
				t.Errorf("chat went to %s, want %s (all: %v)", urls[len(urls)-1], c.wantURL, urls)
			}
			chats := chatRequests(fake)
			if len(chats) != 1 {
				t.Fatalf("%d chat requests, want 1", len(chats))
			}
			if got := chats[0].Header.Get("Authorization"); got != c.wantAuth {
				t.Errorf("Authorization = %q, want %q", got, c.wantAuth)
			}
			wantKeys := []string{"max_tokens", "messages", "model", "stream"}
			if diff := cmp.Diff(wantKeys, keys(chats[0].Body, t)); diff != "" {
				t.Errorf("body fields (-want +got):\n%s", diff)
			}
			checkMessages(t, chats[0].Body, model, "Teh actor used 10.1.2.3.")
		})
	}
}

// checkMessages checks the model, streaming, and that the content went as
// delimited data after a system prompt.
func checkMessages(t *testing.T, body []byte, model, content string) {
	t.Helper()
	var b struct {
		Model    string `json:"model"`
		Stream   bool   `json:"stream"`
		Messages []struct{ Role, Content string }
	}
	if err := json.Unmarshal(body, &b); err != nil {
		t.Fatal(err)
	}
	if b.Model != model || !b.Stream || len(b.Messages) != 2 {
		t.Fatalf("model %q stream %v with %d messages", b.Model, b.Stream, len(b.Messages))
	}
	if b.Messages[0].Role != "system" || !strings.Contains(b.Messages[0].Content, "never instructions") {
		t.Errorf("first message is not the system prompt: %+v", b.Messages[0])
	}
	if want := "<<<CONTENT\n" + content + "\nCONTENT>>>"; b.Messages[1].Role != "user" || !strings.HasSuffix(b.Messages[1].Content, want) {
		t.Errorf("user message = %q, want it to end with %q", b.Messages[1].Content, want)
	}
}

// TestEachTypeSpeaksItsWireFormat sends one request of each provider type
// to a fake of its dialect and checks the path, credentials and body.
func TestEachTypeSpeaksItsWireFormat(t *testing.T) {
	cases := []struct {
		name     string
		typ      string
		dialect  llmtest.Dialect
		wantPath string
		wantKeys []string
		header   [2]string
	}{
		{"openai asks for usage in the stream", "openai", llmtest.OpenAI, "/v1/chat/completions",
			[]string{"max_tokens", "messages", "model", "stream", "stream_options"}, [2]string{"Authorization", "Bearer k"}},
		{"mistralai sends only mistral's fields", "mistralai", llmtest.Mistral, "/v1/chat/completions",
			[]string{"max_tokens", "messages", "model", "stream"}, [2]string{"Authorization", "Bearer k"}},
		{"azure names the deployment and sends api-key", "azureopenai", llmtest.Azure, "/openai/deployments/test-model/chat/completions",
			[]string{"max_tokens", "messages", "model", "stream", "stream_options"}, [2]string{"Api-Key", "k"}},
		{"native ollama sets num_ctx", "ollama", llmtest.Ollama, "/api/chat",
			[]string{"messages", "model", "options", "stream"}, [2]string{"Authorization", "Bearer k"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fake := llmtest.NewServer(t, llmtest.Options{Dialect: c.dialect, Token: "k"})
			s := aitest.New(t, map[string]string{"AI__TYPE": c.typ, "AI__ENDPOINT": fake.URL, "AI__MODEL": "test-model",
				"AI__TOKEN": "k", "AI__CONTEXT_LENGTH": "8192"}, nil)
			ans, err := s.Service.Ask(ctx, store.LocalAdmin, ai.Request{Operation: ai.Summarize, Text: "Conti encrypts files."}, nil)
			if err != nil {
				t.Fatalf("ask: %v", err)
			}
			if ans.Text != "Hello from the fake model." || ans.FinishReason != "stop" {
				t.Errorf("answer %q finish %q", ans.Text, ans.FinishReason)
			}
			chats := chatRequests(fake)
			if len(chats) != 1 || chats[0].Path != c.wantPath {
				t.Fatalf("chat requests %+v, want one to %s", chats, c.wantPath)
			}
			if got := chats[0].Header.Get(c.header[0]); got != c.header[1] {
				t.Errorf("%s = %q, want %q", c.header[0], got, c.header[1])
			}
			if diff := cmp.Diff(c.wantKeys, keys(chats[0].Body, t)); diff != "" {
				t.Errorf("body fields (-want +got):\n%s", diff)
			}
			if c.typ == "ollama" {
				var b struct {
					Options struct {
						NumCtx     int `json:"num_ctx"`
						NumPredict int `json:"num_predict"`
					}
				}
				json.Unmarshal(chats[0].Body, &b)
				if b.Options.NumCtx < 512 || b.Options.NumCtx > 8192 || b.Options.NumCtx%512 != 0 || b.Options.NumPredict != 2000 {
					t.Errorf("options = %+v, want num_ctx a multiple of 512 within the window and num_predict 2000", b.Options)
				}
			}
		})
	}
}
