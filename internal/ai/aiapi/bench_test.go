package aiapi_test

import (
	"bufio"
	"fmt"
	"net/http"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tipster-cti/tipster/internal/ai/llm/llmtest"
)

// firstToken posts body to url and returns the time until the first line
// holding text (prefix), then drains the stream so the connection is reused.
func firstToken(b *testing.B, client *http.Client, url, body, prefix string) time.Duration {
	req, _ := http.NewRequest("POST", url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	start := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	var ttft time.Duration
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if ttft == 0 && strings.HasPrefix(sc.Text(), prefix) {
			ttft = time.Since(start)
		}
	}
	if ttft == 0 || resp.StatusCode != 200 {
		b.Fatalf("no text from %s (status %d)", url, resp.StatusCode)
	}
	return ttft
}

func median(ds []time.Duration) time.Duration {
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	return ds[len(ds)/2]
}

// BenchmarkAddedTimeToFirstToken measures what Tipster adds to the time
// to first token: each iteration asks the fake provider directly, then
// through POST /api/v1/ai/summarize with server-sent events, and the
// paired differences give the median extra time.
func BenchmarkAddedTimeToFirstToken(b *testing.B) {
	fake := llmtest.NewServer(b, llmtest.Options{Dialect: llmtest.Mistral, Reply: "Conti encrypted every host in two days."})
	srv, _ := server(b, env(llmtest.Mistral, fake.URL, "AI__FIRST_TOKEN_TIMEOUT", "10s"), nil)
	client := &http.Client{}
	direct := `{"model":"test-model","stream":true,"messages":[{"role":"user","content":"Summarize: Conti encrypts files."}]}`
	viaTipster := `{"text":"Conti encrypts files."}`
	firstToken(b, client, srv.URL+"/api/v1/ai/summarize", viaTipster, "event: delta") // warm the model-info cache
	var d, t, extra []time.Duration
	b.ResetTimer()
	for range b.N {
		dt := firstToken(b, client, fake.URL+"/v1/chat/completions", direct, `data: {"choices":[{"delta":{"content":"`)
		tt := firstToken(b, client, srv.URL+"/api/v1/ai/summarize", viaTipster, "event: delta")
		d, t, extra = append(d, dt), append(t, tt), append(extra, tt-dt)
	}
	b.StopTimer()
	b.ReportMetric(float64(median(d).Microseconds()), "direct-p50-µs")
	b.ReportMetric(float64(median(t).Microseconds()), "tipster-p50-µs")
	b.ReportMetric(float64(median(extra).Microseconds()), "extra-p50-µs")
}

// BenchmarkConcurrentStreams runs 200 streamed summaries at once, each of
// 20 chunks 10 ms apart, and reports errors, wall time and memory.
func BenchmarkConcurrentStreams(b *testing.B) {
	const streams = 200
	chunks := make([]string, 20)
	for i := range chunks {
		chunks[i] = fmt.Sprintf("word%d ", i)
	}
	fake := llmtest.NewServer(b, llmtest.Options{Dialect: llmtest.Ollama, Chunks: chunks, ChunkDelay: 10 * time.Millisecond})
	srv, _ := server(b, env(llmtest.Ollama, fake.URL, "AI__MAX_CONCURRENT", "200", "AI__FIRST_TOKEN_TIMEOUT", "30s"), nil)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: streams}}
	var failures atomic.Int64
	var peak atomic.Uint64
	for range b.N {
		runtime.GC()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		stop := sampleHeap(&peak)
		start := time.Now()
		var wg sync.WaitGroup
		for range streams {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if !streamOnce(client, srv.URL) {
					failures.Add(1)
				}
			}()
		}
		wg.Wait()
		wall := time.Since(start)
		stop()
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(wall.Milliseconds()), "wall-ms")
		b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/streams/1024, "alloc-KB/stream")
	}
	b.ReportMetric(float64(failures.Load()), "errors")
	b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MB")
	if failures.Load() > 0 {
		b.Errorf("%d streams failed", failures.Load())
	}
}

// streamOnce runs one streamed summary and reports whether it ended with done.
func streamOnce(client *http.Client, base string) bool {
	req, _ := http.NewRequest("POST", base+"/api/v1/ai/summarize", strings.NewReader(`{"text":"Conti encrypts files."}`))
	req.Header.Set("Accept", "text/event-stream")
	resp, err := client.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	last := ""
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if name, ok := strings.CutPrefix(sc.Text(), "event: "); ok {
			last = name
		}
	}
	return resp.StatusCode == 200 && last == "done"
}

// sampleHeap records the largest heap in use until the returned stop is called.
func sampleHeap(peak *atomic.Uint64) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}
