package postgres_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tipster-cti/tipster/internal/ai/llm"
	"github.com/tipster-cti/tipster/internal/ai/llm/llmtest"
	"github.com/tipster-cti/tipster/internal/store/postgres"
	"github.com/tipster-cti/tipster/internal/store/postgres/pgtest"
)

// The limiter must satisfy the interface package llm takes.
var _ llm.Limiter = (*postgres.Limiter)(nil)

// twoServers opens two stores on one fresh schema, each with its own
// connection pool, as two servers sharing a database have.
func twoServers(t *testing.T) (*postgres.DB, *postgres.DB) {
	t.Helper()
	dbs := openAtOnce(t, pgtest.Schema(t), 2)
	return dbs[0], dbs[1]
}

// closeLimiter closes l when the test ends.
func closeLimiter(t *testing.T, l *postgres.Limiter) *postgres.Limiter {
	t.Cleanup(func() { l.Close() })
	return l
}

// highWater counts calls running at once and keeps the most seen.
type highWater struct{ now, peak atomic.Int32 }

func (h *highWater) enter() {
	n := h.now.Add(1)
	for p := h.peak.Load(); n > p && !h.peak.CompareAndSwap(p, n); p = h.peak.Load() {
	}
}

func (h *highWater) leave() { h.now.Add(-1) }

func TestAILimiterHoldsOneLimitAcrossServers(t *testing.T) {
	db1, db2 := twoServers(t)
	limiters := []*postgres.Limiter{closeLimiter(t, db1.AILimiter(2)), closeLimiter(t, db2.AILimiter(2))}
	var calls highWater
	var maxConns atomic.Int32
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := range 16 {
		l := limiters[i%2]
		wg.Go(func() {
			release, err := l.Acquire(context.Background())
			if err != nil {
				errs <- err
				return
			}
			calls.enter()
			if _, n := l.PoolConns(); int32(n) > maxConns.Load() {
				maxConns.Store(int32(n))
			}
			time.Sleep(30 * time.Millisecond)
			calls.leave()
			release()
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	// Each server alone allows 2; together they must still allow 2, and
	// 16 calls of 30 ms reach it.
	if p := calls.peak.Load(); p != 2 {
		t.Errorf("calls running at once across both servers peaked at %d, want 2", p)
	}
	if n := maxConns.Load(); n > 2 {
		t.Errorf("a limiter of 2 slots had %d connections", n)
	}
}

func TestAILimiterCallsThroughTwoClientsNeverExceedTheLimitAtTheProvider(t *testing.T) {
	db1, db2 := twoServers(t)
	srv := llmtest.NewServer(t, llmtest.Options{Dialect: llmtest.Ollama, FirstTokenDelay: 40 * time.Millisecond})
	var clients []*llm.Client
	for _, db := range []*postgres.DB{db1, db2} {
		// Without the shared limiter each client would send 3 at once.
		c, err := llm.New(llm.Config{Type: llm.Ollama, Endpoint: srv.URL, Model: llmtest.DefaultModel,
			MaxConcurrent: 3, Limiter: closeLimiter(t, db.AILimiter(3))})
		if err != nil {
			t.Fatal(err)
		}
		clients = append(clients, c)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for i := range 20 {
		c := clients[i%2]
		wg.Go(func() {
			var err error
			if i%5 == 4 {
				_, err = c.Embed(context.Background(), "", []string{"a passage"})
			} else {
				_, err = c.Chat(context.Background(), llm.Request{Messages: []llm.Message{{Role: "user", Content: "hi"}}}, nil)
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := len(srv.Requests()); n != 20 {
		t.Errorf("the provider received %d requests, want 20", n)
	}
	if p := srv.Peak(); p != 3 {
		t.Errorf("the provider saw %d requests at once from two clients, want the shared limit of 3", p)
	}
}

func TestAILimiterWaiterLeavesWithItsContextsError(t *testing.T) {
	db1, db2 := twoServers(t)
	holder, waiter := closeLimiter(t, db1.AILimiter(1)), closeLimiter(t, db2.AILimiter(1))
	release, err := holder.Acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// The other server waits in the database for the one slot.
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()
	start := time.Now()
	if _, err := waiter.Acquire(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("waiting past the deadline: %v, want context.DeadlineExceeded", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("the waiter took %s to leave after a 150ms deadline", d)
	}
	cctx, ccancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := waiter.Acquire(cctx)
		done <- err
	}()
	time.Sleep(50 * time.Millisecond)
	ccancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("canceled waiter: %v, want context.Canceled", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("a canceled waiter was still waiting after 2s")
	}
	// The waiters left nothing held: once given back, the slot is free.
	release()
	release() // a second call gives nothing more back
	ctx, cancel = context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	r2, err := waiter.Acquire(ctx)
	if err != nil {
		t.Fatalf("the slot given back could not be taken: %v", err)
	}
	r2()
}

func TestAILimiterSlotOfAKilledConnectionFreesItself(t *testing.T) {
	db1, db2 := twoServers(t)
	holder, waiter := closeLimiter(t, db1.AILimiter(1)), closeLimiter(t, db2.AILimiter(1))
	release, err := holder.Acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan error, 1)
	var r2 func()
	go func() {
		var err error
		r2, err = waiter.Acquire(context.Background())
		got <- err
	}()
	select {
	case err := <-got:
		t.Fatalf("the second server took the one slot while the first held it (err %v)", err)
	case <-time.After(200 * time.Millisecond):
	}
	// The holding server dies: its session ends without unlocking.
	ctx := context.Background()
	var killed bool
	err = db2.Pool().QueryRow(ctx, `SELECT pg_terminate_backend(pid) FROM pg_locks
		WHERE locktype = 'advisory' AND granted AND objsubid = 2 AND classid = $1
		  AND objid::bigint = (hashtext(current_schema() || ':ai-slot:0')::bigint & 4294967295)`, 0x7469).
		Scan(&killed)
	if err != nil || !killed {
		t.Fatalf("terminate the holder's connection: %v %v", killed, err)
	}
	select {
	case err := <-got:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the slot of a dead connection was not free 5s later")
	}
	// The first server's call ends and gives back a slot it lost: no
	// error, and it can take a slot again once the second gives its back.
	release()
	r2()
	ctx2, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	r3, err := holder.Acquire(ctx2)
	if err != nil {
		t.Fatalf("the first server could not take a slot after losing its connection: %v", err)
	}
	r3()
}

func TestAILimiterLeavesTheStoresPoolAlone(t *testing.T) {
	db := pgtest.New(t)
	l := closeLimiter(t, db.AILimiter(8))
	var releases []func()
	for range 8 {
		r, err := l.Acquire(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		releases = append(releases, r)
	}
	// Every slot is held; the store still has all its connections.
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	size := int(db.Pool().Config().MaxConns)
	var conns []interface{ Release() }
	for range size {
		c, err := db.Pool().Acquire(ctx)
		if err != nil {
			t.Fatalf("the store's pool is starved while AI slots are held: %v", err)
		}
		conns = append(conns, c)
	}
	for _, c := range conns {
		c.Release()
	}
	for _, r := range releases {
		r()
	}
}

func TestAILimiterClosesItsPoolWhenIdleAndAfterClose(t *testing.T) {
	db := pgtest.New(t)
	l := closeLimiter(t, db.AILimiter(2))
	l.SetIdle(50 * time.Millisecond)
	r, err := l.Acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if open, n := l.PoolConns(); !open || n != 1 {
		t.Fatalf("pool while a slot is held: open %v, %d connections; want open with 1", open, n)
	}
	r()
	deadline := time.Now().Add(3 * time.Second)
	for open, _ := l.PoolConns(); open; open, _ = l.PoolConns() {
		if time.Now().After(deadline) {
			t.Fatal("the pool of an unused limiter was still open 3s after a 50ms idle period")
		}
		time.Sleep(10 * time.Millisecond)
	}
	// It opens again for the next call. Close does not wait for a call
	// that holds a slot; the pool closes as that call gives it back.
	r, err = l.Acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	l.Close()
	if _, err := l.Acquire(context.Background()); !errors.Is(err, postgres.ErrLimiterClosed) {
		t.Errorf("acquire after Close: %v, want ErrLimiterClosed", err)
	}
	if open, _ := l.PoolConns(); !open {
		t.Error("Close closed the pool under a call that holds a slot")
	}
	r()
	if open, _ := l.PoolConns(); open {
		t.Error("the pool is open after Close and the last call's end")
	}
}

// BenchmarkAILimiter measures what a call pays for its slot: one acquire
// and release when a slot is free, in the database and in the process.
//
//	go test -run '^$' -bench AILimiter ./internal/store/postgres/
func BenchmarkAILimiter(b *testing.B) {
	ctx := context.Background()
	b.Run("postgres", func(b *testing.B) {
		db := pgtest.New(b)
		l := db.AILimiter(4)
		defer l.Close()
		for b.Loop() {
			r, err := l.Acquire(ctx)
			if err != nil {
				b.Fatal(err)
			}
			r()
		}
	})
	// The first call after a minute unused opens the pool again, and pays
	// for a new connection.
	b.Run("postgres-first-call", func(b *testing.B) {
		db := pgtest.New(b)
		for b.Loop() {
			l := db.AILimiter(4)
			r, err := l.Acquire(ctx)
			if err != nil {
				b.Fatal(err)
			}
			r()
			l.Close()
		}
	})
	b.Run("postgres-parallel", func(b *testing.B) {
		db := pgtest.New(b)
		l := db.AILimiter(4)
		defer l.Close()
		b.SetParallelism(1) // GOMAXPROCS goroutines, fewer than the 4 slots on 2 cores
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				r, err := l.Acquire(ctx)
				if err != nil {
					b.Error(err)
					return
				}
				r()
			}
		})
	})
	// A slot given back on one server reaches a call waiting on another
	// within its poll: the time from release to the waiter holding it,
	// after the waiter has waited long enough to poll at the slowest.
	b.Run("postgres-handoff", func(b *testing.B) {
		dbs := openAtOnce(b, pgtest.Schema(b), 2)
		holder, waiter := dbs[0].AILimiter(1), dbs[1].AILimiter(1)
		defer holder.Close()
		defer waiter.Close()
		var total time.Duration
		for range b.N {
			release, err := holder.Acquire(ctx)
			if err != nil {
				b.Fatal(err)
			}
			got := make(chan time.Time, 1)
			go func() {
				r, err := waiter.Acquire(ctx)
				if err != nil {
					b.Error(err)
				}
				got <- time.Now()
				r()
			}()
			time.Sleep(500 * time.Millisecond)
			start := time.Now()
			release()
			total += (<-got).Sub(start)
		}
		b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "ms-to-waiter")
	})
	b.Run("semaphore", func(b *testing.B) {
		l := llm.NewSemaphore(4)
		for b.Loop() {
			r, err := l.Acquire(ctx)
			if err != nil {
				b.Fatal(err)
			}
			r()
		}
	})
}
