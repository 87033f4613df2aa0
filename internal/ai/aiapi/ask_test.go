package aiapi_test

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/tipster-cti/tipster/internal/ai"
	"github.com/tipster-cti/tipster/internal/ai/llm/llmtest"
	"github.com/tipster-cti/tipster/internal/store/storetest"
)

// stubOffline stands for the offline engine, so that errors can say it is
// available.
type stubOffline struct{}

func (stubOffline) Name() string  { return "builtin" }
func (stubOffline) Model() string { return "" }
func (stubOffline) Local() bool   { return true }
func (stubOffline) Run(context.Context, ai.Task, func(ai.Delta) error) (ai.Result, error) {
	return ai.Result{Text: "offline", FinishReason: "stop"}, nil
}

func withOffline(o *ai.Options) { o.Offline = stubOffline{} }

func env(dialect llmtest.Dialect, url string, extra ...string) map[string]string {
	e := map[string]string{"AI__TYPE": string(dialect), "AI__ENDPOINT": url, "AI__MODEL": "test-model",
		"AI__CONTEXT_LENGTH": "8192", "AI__MAX_RETRIES": "0", "AI__FIRST_TOKEN_TIMEOUT": "300ms"}
	for i := 0; i+1 < len(extra); i += 2 {
		e[extra[i]] = extra[i+1]
	}
	return e
}

// TestStreamFormat checks the server-sent events of a streamed answer.
func TestStreamFormat(t *testing.T) {
	fake := llmtest.NewServer(t, llmtest.Options{Dialect: llmtest.Mistral, Chunks: []string{"Hello", " world"}})
	srv, _ := server(t, env(llmtest.Mistral, fake.URL), nil)
	resp := post(t, srv.URL+"/api/v1/ai/summarize", "", `{"text":"Conti encrypts files."}`, true)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" || resp.Header.Get("Cache-Control") != "no-cache" {
		t.Fatalf("status %d, headers %v", resp.StatusCode, resp.Header)
	}
	events := readEvents(t, resp.Body)
	if len(events) != 3 {
		t.Fatalf("events = %+v", events)
	}
	want := []event{{"delta", `{"text":"Hello"}`}, {"delta", `{"text":" world"}`}}
	if diff := cmp.Diff(want, events[:2]); diff != "" {
		t.Errorf("deltas (-want +got):\n%s", diff)
	}
	var done map[string]any
	if events[2].Name != "done" || json.Unmarshal([]byte(events[2].Data), &done) != nil {
		t.Fatalf("last event = %+v", events[2])
	}
	for k, v := range map[string]any{"finish_reason": "stop", "provider": "custom mistralai - test-model", "model": "test-model",
		"engine": "mistralai", "location": "local", "tlp": "TLP:CLEAR", "chunks": 1.0} {
		if done[k] != v {
			t.Errorf("done %s = %v, want %v", k, done[k], v)
		}
	}
	if _, ok := done["text"]; ok || done["audit_id"].(float64) < 1 || done["flags"] == nil || done["usage"] == nil {
		t.Errorf("done = %v", done)
	}
}

// TestJSONAnswer checks the answer of a request that does not ask for a stream.
func TestJSONAnswer(t *testing.T) {
	fake := llmtest.NewServer(t, llmtest.Options{Dialect: llmtest.OpenAI, Reply: "Plain words."})
	srv, _ := server(t, env(llmtest.OpenAI, fake.URL), nil)
	resp := post(t, srv.URL+"/api/v1/ai/explain", "", `{"text":"Kerberoasting of SPNs.","language":"French","format":"markdown"}`, false)
	var ans ai.Answer
	if resp.StatusCode != 200 || json.NewDecoder(resp.Body).Decode(&ans) != nil || ans.Text != "Plain words." {
		t.Fatalf("status %d, answer %+v", resp.StatusCode, ans)
	}
	var body struct{ Messages []struct{ Content string } }
	json.Unmarshal(fake.Requests()[0].Body, &body)
	if !strings.Contains(body.Messages[0].Content, "Answer in French.") || !strings.Contains(body.Messages[0].Content, "Markdown") {
		t.Errorf("system prompt: %s", body.Messages[0].Content)
	}
}

// TestBadRequests checks request validation.
func TestBadRequests(t *testing.T) {
	srv, _ := server(t, env(llmtest.OpenAI, "http://127.0.0.1:9"), nil)
	cases := []struct {
		name, path, body, user string
		status                 int
	}{
		{"an unknown operation", "/api/v1/ai/translate", `{"text":"x"}`, "", 400},
		{"an unknown field", "/api/v1/ai/summarize", `{"txt":"x"}`, "", 400},
		{"no content", "/api/v1/ai/summarize", `{}`, "", 400},
		{"an unknown tone", "/api/v1/ai/change-tone", `{"text":"x","tone":"casual"}`, "", 400},
		{"an unknown marking", "/api/v1/ai/summarize", `{"text":"x","marking":"TLP:PURPLE"}`, "", 400},
		{"a report on free text", "/api/v1/ai/report", `{"text":"x"}`, "", 400},
		{"a missing object", "/api/v1/ai/summarize", `{"object_id":"malware--00000000-0000-4000-8000-000000000000"}`, "", 404},
		{"a read-only user", "/api/v1/ai/summarize", `{"text":"x"}`, "reader", 403},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp := post(t, srv.URL+c.path, c.user, c.body, false)
			if resp.StatusCode != c.status {
				t.Errorf("status %d, want %d", resp.StatusCode, c.status)
			}
		})
	}
}

// closedPort returns a loopback URL where nothing listens.
func closedPort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr
}

// TestProviderFaultsAreAPIErrors scripts every provider fault and checks
// the status, code and message the client gets, JSON first and then as a
// stream: before any text an error is an HTTP status; after some text it
// is an error event. No provider text reaches the client.
func TestProviderFaultsAreAPIErrors(t *testing.T) {
	cases := []struct {
		name       string
		opts       llmtest.Options
		env        []string
		status     int
		code       string
		midStream  bool
		retryAfter string
	}{
		{"a wrong token", llmtest.Options{Token: "right"}, []string{"AI__TOKEN", "wrong"}, 502, "ai_auth", false, ""},
		{"an unknown model", llmtest.Options{Models: []string{"other"}}, nil, 502, "ai_model_not_found", false, ""},
		{"a rate limit with Retry-After", llmtest.Options{Fault: llmtest.Fault{Kind: llmtest.RateLimited, RetryAfter: "7"}}, nil, 503, "ai_rate_limited", false, "7"},
		{"a server error", llmtest.Options{Fault: llmtest.Fault{Kind: llmtest.ServerError}}, nil, 502, "ai_server_error", false, ""},
		{"a stream cut mid-way", llmtest.Options{Fault: llmtest.Fault{Kind: llmtest.CutStream, AfterChunks: 2}}, nil, 502, "ai_protocol", true, ""},
		{"a slow first token", llmtest.Options{FirstTokenDelay: 3 * time.Second}, nil, 504, "ai_timeout", false, ""},
		{"an error frame mid-stream", llmtest.Options{Fault: llmtest.Fault{Kind: llmtest.ErrorFrame, AfterChunks: 2}}, nil, 502, "ai_protocol", true, ""},
	}
	for _, c := range cases {
		for _, stream := range []bool{false, true} {
			name := c.name + " as JSON"
			if stream {
				name = c.name + " as a stream"
			}
			t.Run(name, func(t *testing.T) {
				c.opts.Dialect = llmtest.OpenAI
				fake := llmtest.NewServer(t, c.opts)
				srv, _ := server(t, env(llmtest.OpenAI, fake.URL, c.env...), withOffline)
				resp := post(t, srv.URL+"/api/v1/ai/summarize", "", `{"text":"Conti encrypts files."}`, stream)
				if stream && c.midStream {
					checkErrorEvent(t, resp, c.code)
					return
				}
				if resp.StatusCode != c.status {
					t.Fatalf("status %d, want %d", resp.StatusCode, c.status)
				}
				if got := resp.Header.Get("Retry-After"); got != c.retryAfter {
					t.Errorf("Retry-After = %q, want %q", got, c.retryAfter)
				}
				e := decodeError(t, resp)
				if e.Error.Code != c.code || !e.Error.OfflineAvailable || !strings.HasPrefix(e.Error.Message, "The AI provider (custom openai - test-model)") {
					t.Errorf("error = %+v, want code %s naming the provider, offline available", e.Error, c.code)
				}
				for _, leak := range []string{"Sorry about that", "Incorrect API key", "sk-", "http://"} {
					if strings.Contains(e.Error.Message, leak) {
						t.Errorf("message leaks provider text %q: %s", leak, e.Error.Message)
					}
				}
			})
		}
	}
	t.Run("an unreachable provider", func(t *testing.T) {
		srv, _ := server(t, env(llmtest.OpenAI, closedPort(t)), withOffline)
		resp := post(t, srv.URL+"/api/v1/ai/summarize", "", `{"text":"x"}`, true)
		if e := decodeError(t, resp); resp.StatusCode != 503 || e.Error.Code != "ai_unreachable" || !e.Error.OfflineAvailable {
			t.Errorf("status %d, error %+v", resp.StatusCode, e.Error)
		}
	})
}

// checkErrorEvent expects text, then an error event, and no done event.
func checkErrorEvent(t *testing.T, resp *http.Response, code string) {
	t.Helper()
	if resp.StatusCode != 200 {
		t.Fatalf("status %d, want a started stream", resp.StatusCode)
	}
	events := readEvents(t, resp.Body)
	if len(events) < 2 || events[0].Name != "delta" || events[len(events)-1].Name != "error" {
		t.Fatalf("events = %+v, want deltas then an error", events)
	}
	var p struct {
		Code             string `json:"code"`
		Message          string `json:"message"`
		OfflineAvailable bool   `json:"offline_available"`
	}
	json.Unmarshal([]byte(events[len(events)-1].Data), &p)
	if p.Code != code || !p.OfflineAvailable || p.Message == "" || strings.Contains(p.Message, "Sorry") {
		t.Errorf("error event = %+v, want code %s", p, code)
	}
}

// TestClientGoneCancelsTheProvider closes the client's connection after
// the first text and checks that the fake sees its request end within a
// second.
func TestClientGoneCancelsTheProvider(t *testing.T) {
	chunks := make([]string, 100)
	for i := range chunks {
		chunks[i] = "word "
	}
	fake := llmtest.NewServer(t, llmtest.Options{Dialect: llmtest.Ollama, Chunks: chunks, ChunkDelay: 100 * time.Millisecond})
	srv, s := server(t, env(llmtest.Ollama, fake.URL), nil)
	cctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(cctx, "POST", srv.URL+"/api/v1/ai/summarize", strings.NewReader(`{"text":"x"}`))
	req.Header.Set("Accept", "text/event-stream")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 64)
	if _, err := resp.Body.Read(buf); err != nil {
		t.Fatal(err)
	}
	cancel()
	resp.Body.Close()
	gone := time.Now()
	select {
	case r := <-fake.Ended():
		if !r.Canceled {
			t.Errorf("the provider's request ended without being canceled")
		}
		if d := time.Since(gone); d > time.Second {
			t.Errorf("the provider's request ended %v after the client left, want under 1s", d)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("the provider's request was still running 2s after the client left")
	}
	deadline := time.Now().Add(2 * time.Second)
	for time.Now().Before(deadline) {
		entries, _ := s.Service.Audit(context.Background(), ai.AuditQuery{})
		if len(entries) == 1 {
			if entries[0].Outcome != ai.OutcomeCanceled {
				t.Errorf("audit outcome %q, want canceled", entries[0].Outcome)
			}
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Error("the canceled call was not audited")
}

// TestRefusalOverTheAPI asks a cloud provider about a red container.
func TestRefusalOverTheAPI(t *testing.T) {
	fake := llmtest.NewServer(t, llmtest.Options{Dialect: llmtest.Mistral})
	srv, _ := server(t, env(llmtest.Mistral, fake.URL, "AI__LOCATION", "cloud"), withOffline)
	resp := post(t, srv.URL+"/api/v1/ai/report", "", `{"object_id":"`+string(storetest.FixtureMixedReport)+`"}`, true)
	e := decodeError(t, resp)
	if resp.StatusCode != 403 || e.Error.Code != "tlp_refused" || !e.Error.OfflineAvailable ||
		!strings.Contains(e.Error.Message, "TLP:RED") || !strings.Contains(e.Error.Message, "TLP:AMBER") {
		t.Errorf("status %d, error %+v", resp.StatusCode, e.Error)
	}
	if n := len(fake.Requests()); n != 0 {
		t.Errorf("the provider received %d requests, want 0", n)
	}
	resp = post(t, srv.URL+"/api/v1/ai/summarize", "", `{"text":"x","marking":"TLP:AMBER+STRICT","engine":"offline"}`, false)
	if resp.StatusCode != 200 {
		t.Errorf("re-asking the offline engine: status %d", resp.StatusCode)
	}
}

// TestBodiesAreReadStrictly checks that a body is one JSON object and
// nothing else, and that a 400 names the field and type at fault in the
// client's words, never in the decoder's.
func TestBodiesAreReadStrictly(t *testing.T) {
	fake := llmtest.NewServer(t, llmtest.Options{Dialect: llmtest.OpenAI, Reply: "Fine."})
	srv, _ := server(t, env(llmtest.OpenAI, fake.URL), nil)
	apply := "/api/v1/objects/" + string(storetest.FixtureGreen) + "/ai-apply"
	cases := []struct {
		name, path, body string
		status           int
		message          string // the 400's message holds this
	}{
		{"trailing garbage is refused", "/api/v1/ai/summarize", `{"text":"x"}garbage`, 400,
			"something follows the JSON object, which ends at byte 12"},
		{"a second object is refused", "/api/v1/ai/summarize", `{"text":"x"} {"text":"y"}`, 400, "something follows the JSON object"},
		{"trailing space is fine", "/api/v1/ai/summarize", "{\"text\":\"x\"} \n", 200, ""},
		{"a number for text names the field and the type", "/api/v1/ai/summarize", `{"text":5}`, 400,
			`field "text" must be a string, not a number`},
		{"an array for marking names the field and the type", "/api/v1/ai/summarize", `{"text":"x","marking":["TLP:RED"]}`, 400,
			`field "marking" must be a string, not an array`},
		{"a body that is not an object says so", "/api/v1/ai/summarize", `"summarize this"`, 400,
			"the body must be a JSON object, not a string"},
		{"broken JSON says where", "/api/v1/ai/summarize", `{"text":"x",}`, 400, "malformed JSON at byte 13"},
		{"a cut body says it ends early", "/api/v1/ai/summarize", `{"text":"x"`, 400, "ends early"},
		{"a string audit id names the field and the type", apply, `{"text":"x","audit_id":"7"}`, 400,
			`field "audit_id" must be a whole number, not a string`},
		{"trailing garbage after an apply is refused", apply, `{"text":"x","audit_id":7}]`, 400, "something follows the JSON object"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp := post(t, srv.URL+c.path, "", c.body, false)
			if resp.StatusCode != c.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, c.status)
			}
			if c.status != 400 {
				return
			}
			e := decodeError(t, resp)
			if e.Error.Code != "bad_request" || !strings.Contains(e.Error.Message, c.message) {
				t.Errorf("error %s: %q, want bad_request holding %q", e.Error.Code, e.Error.Message, c.message)
			}
			for _, internal := range []string{"json:", "Go ", "AskBody", "ApplyBody", "int64"} {
				if strings.Contains(e.Error.Message, internal) {
					t.Errorf("message %q shows the decoder's %q", e.Error.Message, internal)
				}
			}
		})
	}
}
