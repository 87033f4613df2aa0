package llm

import (
	"bufio"
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/tipster-cti/tipster/internal/ai/llm/llmtest"
)

// benchReply is streamed as 20 chunks.
var benchReply = strings.TrimSpace(strings.Repeat("token ", 20))

// BenchmarkChatStream measures a whole streamed chat against a loopback
// fake, reporting the time to the first delta as well.
func BenchmarkChatStream(b *testing.B) {
	for _, d := range []struct {
		name string
		fake llmtest.Dialect
		typ  Type
	}{{"openai-sse", llmtest.OpenAI, OpenAI}, {"ollama-ndjson", llmtest.Ollama, Ollama}} {
		b.Run(d.name, func(b *testing.B) {
			srv := llmtest.NewServer(b, llmtest.Options{Dialect: d.fake, Reply: benchReply})
			c, err := New(Config{Type: d.typ, Endpoint: srv.URL, Model: llmtest.DefaultModel})
			if err != nil {
				b.Fatal(err)
			}
			var first time.Duration
			b.ReportAllocs()
			for b.Loop() {
				start, seen := time.Now(), false
				_, err := c.Chat(context.Background(), hello(), func(string) error {
					if !seen {
						first += time.Since(start)
						seen = true
					}
					return nil
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(first.Nanoseconds())/float64(b.N), "ns-to-first-delta/op")
		})
	}
}

// BenchmarkRawSSE is the floor: the same request and stream read with
// net/http and bufio.Scanner alone, no parsing, timers or retries.
func BenchmarkRawSSE(b *testing.B) {
	srv := llmtest.NewServer(b, llmtest.Options{Dialect: llmtest.OpenAI, Reply: benchReply})
	body := `{"model":"test-model","messages":[{"role":"user","content":"Say hello"}],"stream":true}`
	b.ReportAllocs()
	for b.Loop() {
		resp, err := http.Post(srv.URL+"/v1/chat/completions", "application/json", strings.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
		}
		resp.Body.Close()
	}
}

// BenchmarkConcurrentStreams runs 200 chats at once per iteration; any
// error fails it.
func BenchmarkConcurrentStreams(b *testing.B) {
	srv := llmtest.NewServer(b, llmtest.Options{Dialect: llmtest.OpenAI, Reply: benchReply})
	c, err := New(Config{Type: OpenAI, Endpoint: srv.URL, Model: llmtest.DefaultModel, MaxConcurrent: 200})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := concurrentChats(c, 200); err != nil {
			b.Fatal(err)
		}
	}
}

// concurrentChats runs n chats at once and returns the first failure,
// including a reply that is not the fake's.
func concurrentChats(c *Client, n int) error {
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Go(func() {
			resp, err := c.Chat(context.Background(), hello(), nil)
			if err == nil && resp.Text != benchReply {
				err = &Error{Kind: KindProtocol, Message: "wrong text: " + cmp.Diff(benchReply, resp.Text)}
			}
			if err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	return <-errs
}

func TestTwoHundredConcurrentStreamsSucceed(t *testing.T) {
	srv := llmtest.NewServer(t, llmtest.Options{Dialect: llmtest.OpenAI, Reply: benchReply})
	c, _ := newTestClient(t, Config{Type: OpenAI, Endpoint: srv.URL, Model: llmtest.DefaultModel, MaxConcurrent: 200})
	if err := concurrentChats(c, 200); err != nil {
		t.Fatal(err)
	}
}
