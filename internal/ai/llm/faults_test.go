package llm

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/tipster-cti/tipster/internal/ai/llm/llmtest"
)

// dialects pairs each fake with the type that speaks to it.
var dialects = []struct {
	fake llmtest.Dialect
	typ  Type
}{
	{llmtest.OpenAI, OpenAI}, {llmtest.Mistral, Mistral}, {llmtest.Azure, AzureOpenAI},
	{llmtest.Ollama, Ollama}, {llmtest.Ollama, Mistral},
}

func TestFaultsAreClassifiedInEveryDialect(t *testing.T) {
	tests := []struct {
		name      string
		fault     llmtest.Fault
		model     string
		token     string
		want      ErrorKind
		wantCalls int
	}{
		{"a wrong key is an auth error and is not retried", llmtest.Fault{}, llmtest.DefaultModel, "wrong", KindAuth, 1},
		{"an unknown model is reported as such", llmtest.Fault{}, "no-such-model", "k", KindModelNotFound, 1},
		{"exhausted quota is not retried", llmtest.Fault{Kind: llmtest.QuotaExhausted}, llmtest.DefaultModel, "k", KindQuotaExhausted, 1},
		{"a persistent 500 is retried twice then reported", llmtest.Fault{Kind: llmtest.ServerError}, llmtest.DefaultModel, "k", KindServer, 3},
		{"a proxy's HTML 502 is a server error", llmtest.Fault{Kind: llmtest.ProxyError}, llmtest.DefaultModel, "k", KindServer, 3},
		{"a persistent 429 is retried twice then reported", llmtest.Fault{Kind: llmtest.RateLimited}, llmtest.DefaultModel, "k", KindRateLimited, 3},
		{"an error frame before any text is a protocol error", llmtest.Fault{Kind: llmtest.ErrorFrame}, llmtest.DefaultModel, "k", KindProtocol, 1},
		{"an error frame mid-stream is a protocol error", llmtest.Fault{Kind: llmtest.ErrorFrame, AfterChunks: 2}, llmtest.DefaultModel, "k", KindProtocol, 1},
		{"a stream cut mid-way is a protocol error", llmtest.Fault{Kind: llmtest.CutStream, AfterChunks: 2}, llmtest.DefaultModel, "k", KindProtocol, 1},
		{"a stream cut before its first chunk is a protocol error", llmtest.Fault{Kind: llmtest.CutStream}, llmtest.DefaultModel, "k", KindProtocol, 1},
	}
	for _, tt := range tests {
		for _, d := range dialects {
			t.Run(tt.name+"/"+string(d.fake)+" as "+string(d.typ), func(t *testing.T) {
				srv := llmtest.NewServer(t, llmtest.Options{Dialect: d.fake, Token: "k", Fault: tt.fault})
				c, _ := newTestClient(t, Config{Type: d.typ, Endpoint: srv.URL, Model: tt.model, Token: tt.token})
				resp, deltas, err := chatCollect(context.Background(), c, hello())
				e := wantError(t, err, tt.want)
				if resp.Text != "" {
					t.Errorf("a failed chat returned text %q", resp.Text)
				}
				if n := len(srv.Requests()); n != tt.wantCalls {
					t.Errorf("requests = %d, want %d", n, tt.wantCalls)
				}
				if e.Delta != (len(deltas) > 0) {
					t.Errorf("Error.Delta = %v with %d deltas delivered", e.Delta, len(deltas))
				}
				if e.URL != c.ChatURL() {
					t.Errorf("Error.URL = %q, want %q", e.URL, c.ChatURL())
				}
			})
		}
	}
}

func TestRetryHonoursRetryAfter(t *testing.T) {
	date := time.Now().Add(3 * time.Second).UTC().Format(http.TimeFormat)
	tests := []struct {
		name       string
		retryAfter string
		want       func(time.Duration) bool
	}{
		{"a Retry-After in seconds is waited exactly", "2", func(d time.Duration) bool { return d == 2*time.Second }},
		{"a Retry-After as an HTTP date is waited until then", date, func(d time.Duration) bool { return d > time.Second && d <= 3*time.Second }},
		{"without Retry-After the backoff is jittered from the base delay", "", func(d time.Duration) bool { return d == 75*time.Millisecond }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := llmtest.NewServer(t, llmtest.Options{Dialect: llmtest.OpenAI,
				Script: []llmtest.Fault{{Kind: llmtest.RateLimited, RetryAfter: tt.retryAfter}}})
			c, waits := newTestClient(t, Config{Type: OpenAI, Endpoint: srv.URL, Model: llmtest.DefaultModel, RetryBaseDelay: 100 * time.Millisecond})
			resp, _, err := chatCollect(context.Background(), c, hello())
			if err != nil {
				t.Fatal(err)
			}
			if resp.Text != "Hello from the fake model." || len(srv.Requests()) != 2 {
				t.Errorf("text %q after %d requests", resp.Text, len(srv.Requests()))
			}
			if len(*waits) != 1 || !tt.want((*waits)[0]) {
				t.Errorf("waits = %v", *waits)
			}
		})
	}
}

func TestRetryAfterLongerThanTheCapIsNotWaited(t *testing.T) {
	srv := llmtest.NewServer(t, llmtest.Options{Dialect: llmtest.Mistral, Fault: llmtest.Fault{Kind: llmtest.RateLimited, RetryAfter: "3600"}})
	c, waits := newTestClient(t, Config{Type: Mistral, Endpoint: srv.URL, Model: llmtest.DefaultModel})
	_, _, err := chatCollect(context.Background(), c, hello())
	e := wantError(t, err, KindRateLimited)
	if e.RetryAfter != time.Hour || len(*waits) != 0 || len(srv.Requests()) != 1 {
		t.Errorf("RetryAfter %v, waits %v, requests %d", e.RetryAfter, *waits, len(srv.Requests()))
	}
}

func TestBackoffGrowsAndIsCapped(t *testing.T) {
	c, _ := newTestClient(t, Config{Type: OpenAI, Model: "m", RetryBaseDelay: time.Second, RetryMaxDelay: 5 * time.Second})
	var got []time.Duration
	for attempt := range 5 {
		d, ok := c.backoff(attempt, 0)
		if !ok {
			t.Fatal("backoff refused")
		}
		got = append(got, d)
	}
	want := []time.Duration{750 * time.Millisecond, 1500 * time.Millisecond, 3 * time.Second, 3750 * time.Millisecond, 3750 * time.Millisecond}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("backoff with jitter 0.5 (-want +got):\n%s", diff)
	}
}

func TestNoRetryAfterTextWasDelivered(t *testing.T) {
	srv := llmtest.NewServer(t, llmtest.Options{Dialect: llmtest.Ollama,
		Script: []llmtest.Fault{{Kind: llmtest.CutStream, AfterChunks: 3}}})
	c, _ := newTestClient(t, Config{Type: Ollama, Endpoint: srv.URL, Model: llmtest.DefaultModel})
	_, deltas, err := chatCollect(context.Background(), c, hello())
	e := wantError(t, err, KindProtocol)
	if !e.Delta || joined(deltas) != "Hello from the" || len(srv.Requests()) != 1 {
		t.Errorf("delta %v, delivered %q, requests %d", e.Delta, joined(deltas), len(srv.Requests()))
	}
}

func TestMissingDoneAfterFinishIsAccepted(t *testing.T) {
	srv := llmtest.NewServer(t, llmtest.Options{Dialect: llmtest.Mistral, OmitDone: true})
	c, _ := newTestClient(t, Config{Type: Mistral, Endpoint: srv.URL, Model: llmtest.DefaultModel})
	resp, _, err := chatCollect(context.Background(), c, hello())
	if err != nil || resp.FinishReason != "stop" {
		t.Fatalf("resp %+v, err %v", resp, err)
	}
}

func TestOllamaStreamWithoutDoneIsCut(t *testing.T) {
	srv := llmtest.NewServer(t, llmtest.Options{Dialect: llmtest.Ollama, OmitDone: true})
	c, _ := newTestClient(t, Config{Type: Ollama, Endpoint: srv.URL, Model: llmtest.DefaultModel})
	_, _, err := chatCollect(context.Background(), c, hello())
	wantError(t, err, KindProtocol)
}

func TestStrictSchemaRejectsOpenAIFieldsAndDiagnosisSaysWhy(t *testing.T) {
	srv := llmtest.NewServer(t, llmtest.Options{Dialect: llmtest.Mistral})
	cfg := Config{Type: OpenAI, Endpoint: srv.URL, Model: llmtest.DefaultModel}
	c, _ := newTestClient(t, cfg)
	_, _, err := chatCollect(context.Background(), c, hello())
	e := wantError(t, err, KindBadRequest)
	if e.Status != 422 || e.Message != "body.stream_options: Extra inputs are not permitted" {
		t.Errorf("status %d message %q", e.Status, e.Message)
	}
	if d := Diagnose(cfg, err); d.Fix != "Set the AI type to mistralai, which sends only the fields Mistral accepts." {
		t.Errorf("fix = %q", d.Fix)
	}
}
