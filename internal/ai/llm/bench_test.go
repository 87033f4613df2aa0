package llm

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/tipster-cti/tipster/internal/ai/llm/llmtest"
)

// benchReply is streamed as 20 chunks.
var benchReply = strings.TrimSpace(strings.Repeat("token ", 20))

// staticStream serves a pre-rendered 20-chunk stream in the given format,
// so that the benchmarks measure the client, not a fake's JSON encoding.
func staticStream(b *testing.B, ndjson bool) *httptest.Server {
	var body strings.Builder
	for i := range 20 {
		w := " token"
		if i == 0 {
			w = "token"
		}
		if ndjson {
			body.WriteString(`{"model":"m","message":{"role":"assistant","content":"` + w + `"},"done":false}` + "\n")
		} else {
			body.WriteString(`data: {"id":"c","object":"chat.completion.chunk","model":"m","choices":[{"index":0,"delta":{"content":"` + w + `"},"finish_reason":null}]}` + "\n\n")
		}
	}
	ct := "text/event-stream"
	if ndjson {
		ct = "application/x-ndjson"
		body.WriteString(`{"model":"m","message":{"role":"assistant","content":""},"done":true,"done_reason":"stop","prompt_eval_count":4,"eval_count":20}` + "\n")
	} else {
		body.WriteString(`data: {"id":"c","object":"chat.completion.chunk","model":"m","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}` + "\n\ndata: [DONE]\n\n")
	}
	payload := []byte(body.String())
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", ct)
		_, _ = w.Write(payload)
	}))
	b.Cleanup(srv.Close)
	return srv
}

// BenchmarkChatStream measures a whole streamed chat of 20 chunks against
// a loopback server, reporting the time to the first delta as well.
func BenchmarkChatStream(b *testing.B) {
	for _, d := range []struct {
		name   string
		typ    Type
		ndjson bool
	}{{"openai-sse", OpenAI, false}, {"ollama-ndjson", Ollama, true}} {
		b.Run(d.name, func(b *testing.B) {
			srv := staticStream(b, d.ndjson)
			c, err := New(Config{Type: d.typ, Endpoint: srv.URL, Model: "m"})
			if err != nil {
				b.Fatal(err)
			}
			var first time.Duration
			b.ReportAllocs()
			for b.Loop() {
				start, seen := time.Now(), false
				resp, err := c.Chat(context.Background(), hello(), func(string) error {
					if !seen {
						first += time.Since(start)
						seen = true
					}
					return nil
				})
				if err != nil || resp.Text != benchReply {
					b.Fatalf("text %q, err %v", resp.Text, err)
				}
			}
			b.ReportMetric(float64(first.Nanoseconds())/float64(b.N), "ns-to-first-delta/op")
		})
	}
}

// BenchmarkRawSSE is the floor: the same exchange with net/http and
// bufio.Scanner alone, no parsing, timers or retries.
func BenchmarkRawSSE(b *testing.B) {
	srv := staticStream(b, false)
	body := `{"model":"m","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Say hello"}],"stream":true}`
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
