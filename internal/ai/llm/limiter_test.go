package llm

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tipster-cti/tipster/internal/ai/llm/llmtest"
)

// countingLimiter is a Limiter with n slots that records how it is used.
type countingLimiter struct {
	slots              chan struct{}
	acquired, released atomic.Int32
}

func newCountingLimiter(n int) *countingLimiter {
	return &countingLimiter{slots: make(chan struct{}, n)}
}

func (l *countingLimiter) Acquire(ctx context.Context) (func(), error) {
	select {
	case l.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	l.acquired.Add(1)
	return sync.OnceFunc(func() {
		l.released.Add(1)
		<-l.slots
	}), nil
}

func TestConfigLimiterReplacesTheClientsSemaphore(t *testing.T) {
	srv := llmtest.NewServer(t, llmtest.Options{Dialect: llmtest.Ollama, FirstTokenDelay: 50 * time.Millisecond})
	lim := newCountingLimiter(3)
	// MaxConcurrent 1 would let one call run at a time; the limiter allows 3.
	c, _ := newTestClient(t, Config{Type: Ollama, Endpoint: srv.URL, Model: llmtest.DefaultModel,
		MaxConcurrent: 1, Limiter: lim})
	var wg sync.WaitGroup
	errs := make(chan error, 7)
	for range 6 {
		wg.Go(func() {
			_, err := c.Chat(context.Background(), hello(), nil)
			errs <- err
		})
	}
	wg.Go(func() {
		_, err := c.Embed(context.Background(), "", []string{"one", "two"})
		errs <- err
	})
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if a, r := lim.acquired.Load(), lim.released.Load(); a != 7 || r != 7 {
		t.Errorf("limiter acquired %d and released %d slots, want 7 of each (6 chats, 1 embedding)", a, r)
	}
	if p := srv.Peak(); p != 3 {
		t.Errorf("peak concurrency at the server = %d, want the limiter's 3", p)
	}
}

// failingLimiter refuses every slot, as a limiter whose database is down.
type failingLimiter struct{ err error }

func (l failingLimiter) Acquire(context.Context) (func(), error) { return nil, l.err }

func TestAFailingLimiterStopsTheCallBeforeItReachesTheProvider(t *testing.T) {
	srv := llmtest.NewServer(t, llmtest.Options{Dialect: llmtest.OpenAI})
	down := errors.New("database is down")
	c, _ := newTestClient(t, Config{Type: OpenAI, Endpoint: srv.URL, Model: llmtest.DefaultModel,
		Limiter: failingLimiter{down}})
	_, err := c.Chat(context.Background(), hello(), nil)
	if !errors.Is(err, down) || KindOf(err) != KindUnknown {
		t.Errorf("chat error = %v (kind %v), want the limiter's error wrapped, kind unknown", err, KindOf(err))
	}
	_, err = c.Embed(context.Background(), "", []string{"x"})
	if !errors.Is(err, down) {
		t.Errorf("embed error = %v, want the limiter's error wrapped", err)
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("the provider received %d requests, want none", n)
	}
}

// blockingLimiter never has a free slot; it waits for ctx and returns
// ctx's error wrapped, as a database limiter does.
type blockingLimiter struct{}

func (blockingLimiter) Acquire(ctx context.Context) (func(), error) {
	<-ctx.Done()
	return nil, errors.Join(errors.New("no free slot"), ctx.Err())
}

func TestAQueuedCallLeavesTheLimiterWithItsContextsError(t *testing.T) {
	srv := llmtest.NewServer(t, llmtest.Options{Dialect: llmtest.Ollama})
	c, _ := newTestClient(t, Config{Type: Ollama, Endpoint: srv.URL, Model: llmtest.DefaultModel,
		Limiter: blockingLimiter{}})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.Chat(ctx, hello(), nil)
	if e := wantError(t, err, KindTimeout); e.Timeout != TimeoutDeadline {
		t.Errorf("timeout = %q, want deadline", e.Timeout)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("the queued chat took %s to leave", d)
	}
	cctx, ccancel := context.WithCancel(context.Background())
	ccancel()
	_, err = c.Embed(cctx, "", []string{"x"})
	wantError(t, err, KindCanceled)
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("the provider received %d requests, want none", n)
	}
}

func TestSemaphoreReleaseIsIdempotentAndCanceledWaitersLeave(t *testing.T) {
	s := NewSemaphore(1)
	release, err := s.Acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := s.Acquire(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("second acquire on a full semaphore = %v, want deadline exceeded", err)
	}
	release()
	release() // a second call must not free a slot someone else holds
	r2, err := s.Acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer r2()
	ctx, cancel = context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := s.Acquire(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("after a double release the semaphore let a second holder in: %v", err)
	}
}
