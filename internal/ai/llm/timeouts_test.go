package llm

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tipster-cti/tipster/internal/ai/llm/llmtest"
)

func TestEachTimeoutIsNamed(t *testing.T) {
	tests := []struct {
		name  string
		fake  llmtest.Options
		cfg   Config
		want  TimeoutPhase
		delta bool
	}{
		{"a model slow to start trips the first-token timeout",
			llmtest.Options{FirstTokenDelay: 5 * time.Second},
			Config{FirstTokenTimeout: 100 * time.Millisecond}, TimeoutFirstToken, false},
		{"a server that never answers trips the first-token timeout",
			llmtest.Options{Fault: llmtest.Fault{Kind: llmtest.Hang}},
			Config{FirstTokenTimeout: 100 * time.Millisecond}, TimeoutFirstToken, false},
		{"a stream that stalls between chunks trips the idle timeout",
			llmtest.Options{ChunkDelay: 5 * time.Second},
			Config{IdleTimeout: 100 * time.Millisecond}, TimeoutIdle, true},
		{"a slow but steady stream trips the total timeout",
			llmtest.Options{Chunks: make([]string, 100), ChunkDelay: 20 * time.Millisecond},
			Config{TotalTimeout: 200 * time.Millisecond}, TimeoutTotal, false},
	}
	for _, tt := range tests {
		for _, d := range []struct {
			fake llmtest.Dialect
			typ  Type
		}{{llmtest.OpenAI, OpenAI}, {llmtest.Ollama, Ollama}} {
			t.Run(tt.name+"/"+string(d.typ), func(t *testing.T) {
				tt.fake.Dialect = d.fake
				if tt.fake.Chunks != nil {
					for i := range tt.fake.Chunks {
						tt.fake.Chunks[i] = "x"
					}
				}
				srv := llmtest.NewServer(t, tt.fake)
				cfg := tt.cfg
				cfg.Type, cfg.Endpoint, cfg.Model = d.typ, srv.URL, llmtest.DefaultModel
				c, _ := newTestClient(t, cfg)
				_, deltas, err := chatCollect(context.Background(), c, hello())
				e := wantError(t, err, KindTimeout)
				if e.Timeout != tt.want {
					t.Errorf("timeout = %q, want %q", e.Timeout, tt.want)
				}
				if tt.delta && (len(deltas) == 0 || !e.Delta) {
					t.Errorf("want text delivered before the timeout, got %q (Delta %v)", deltas, e.Delta)
				}
			})
		}
	}
}

func TestConnectTimeout(t *testing.T) {
	// A dialer that never completes stands for a host that drops SYNs.
	blackhole := &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		<-ctx.Done()
		return nil, ctx.Err()
	}}
	c, _ := newTestClient(t, Config{Type: Ollama, Endpoint: "http://127.0.0.1:9", Model: "m",
		ConnectTimeout: 100 * time.Millisecond, HTTPClient: &http.Client{Transport: blackhole}})
	_, _, err := chatCollect(context.Background(), c, hello())
	if e := wantError(t, err, KindTimeout); e.Timeout != TimeoutConnect {
		t.Errorf("timeout = %q, want connect", e.Timeout)
	}
}

func TestCancelAbortsTheRequestPromptly(t *testing.T) {
	srv := llmtest.NewServer(t, llmtest.Options{Dialect: llmtest.Ollama, ChunkDelay: time.Minute})
	c, _ := newTestClient(t, Config{Type: Ollama, Endpoint: srv.URL, Model: llmtest.DefaultModel})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := c.Chat(ctx, hello(), func(string) error { cancel(); return nil })
		done <- err
	}()
	select {
	case r := <-srv.Ended():
		if !r.Canceled {
			t.Error("the fake's handler ended without seeing its request canceled")
		}
	case <-time.After(time.Second):
		t.Fatal("the fake did not see the request end within a second of cancel")
	}
	wantError(t, <-done, KindCanceled)
}

func TestCallerDeadlineIsATimeout(t *testing.T) {
	srv := llmtest.NewServer(t, llmtest.Options{Dialect: llmtest.OpenAI, Fault: llmtest.Fault{Kind: llmtest.Hang}})
	c, _ := newTestClient(t, Config{Type: OpenAI, Endpoint: srv.URL, Model: llmtest.DefaultModel})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, _, err := chatCollect(ctx, c, hello())
	if e := wantError(t, err, KindTimeout); e.Timeout != TimeoutDeadline {
		t.Errorf("timeout = %q, want deadline", e.Timeout)
	}
}

func TestConcurrencyIsLimitedAndQueued(t *testing.T) {
	var inFlight, peak atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		time.Sleep(20 * time.Millisecond)
		w.Header().Set("Content-Type", "application/x-ndjson")
		_, _ = w.Write([]byte(`{"message":{"content":"ok"},"done":true}` + "\n"))
	}))
	defer srv.Close()
	c, _ := newTestClient(t, Config{Type: Ollama, Endpoint: srv.URL, Model: "m", MaxConcurrent: 2})
	errs := make(chan error, 8)
	for range 8 {
		go func() {
			_, err := c.Chat(context.Background(), hello(), nil)
			errs <- err
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if p := peak.Load(); p != 2 {
		t.Errorf("peak concurrency at the server = %d, want 2", p)
	}
}

func TestQueuedChatLeavesWhenItsContextEnds(t *testing.T) {
	srv := llmtest.NewServer(t, llmtest.Options{Dialect: llmtest.Ollama, Fault: llmtest.Fault{Kind: llmtest.Hang}})
	c, _ := newTestClient(t, Config{Type: Ollama, Endpoint: srv.URL, Model: llmtest.DefaultModel, MaxConcurrent: 1})
	busy, stop := context.WithCancel(context.Background())
	defer stop()
	go func() { _, _ = c.Chat(busy, hello(), nil) }()
	for len(srv.Requests()) == 0 {
		time.Sleep(time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := c.Chat(ctx, hello(), nil)
	if e := wantError(t, err, KindTimeout); e.Timeout != TimeoutDeadline {
		t.Errorf("timeout = %q", e.Timeout)
	}
	if n := len(srv.Requests()); n != 1 {
		t.Errorf("the queued chat reached the server: %d requests", n)
	}
}
