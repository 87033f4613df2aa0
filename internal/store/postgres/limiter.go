package postgres

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Limiter is a concurrency limit held in the database, so that every
// server using it shares one: Ask AI's AI__MAX_CONCURRENT calls at once
// across all of them, not in each. It implements llm.Limiter.
//
// Its n slots are session-level advisory locks (lockClass and a hash of
// the schema and the slot number). A call holds one on a connection of its
// own for as long as it runs, so the slot of a server that dies frees
// itself when its connection drops. A call that finds every slot taken
// polls again after a short, growing, jittered wait until one frees or its
// context ends.
//
// The connections come from a pool of the limiter's own, of at most n:
// calls in this process beyond n wait in the process without a connection,
// so that held slots never take the connections the rest of the server
// needs. The pool is opened at the first call and closed once no call has
// used it for a minute.
type Limiter struct {
	n     int
	cfg   *pgxpool.Config
	local chan struct{} // bounds this process's calls holding or polling for a slot to n
	try   string        // the statement that takes the first free slot
	idle  time.Duration // how long the pool stays open unused

	// pollMin and pollMax bound the wait between two tries.
	pollMin, pollMax time.Duration

	mu     sync.Mutex
	keys   []int32 // the second advisory-lock key of each slot, once known
	pool   *pgxpool.Pool
	busy   int // calls holding or waiting for a connection of pool
	timer  *time.Timer
	closed bool
}

// ErrLimiterClosed is returned by Acquire after Close.
var ErrLimiterClosed = errors.New("postgres: the AI concurrency limiter is closed")

// AILimiter returns a limiter of n slots (at least 1) held in this
// database. Servers sharing the database should give the same n; with
// different values the largest is the limit of all, and a server with a
// smaller one takes only the first of its slots.
func (d *DB) AILimiter(n int) *Limiter {
	n = max(n, 1)
	cfg := d.pool.Config()
	cfg.MaxConns = int32(n)
	cfg.MinConns = 0
	cfg.MaxConnIdleTime = 30 * time.Second
	cfg.HealthCheckPeriod = 15 * time.Second
	// CASE tries its conditions in order and stops at the first true one,
	// so the statement takes at most one slot, the first free.
	var b strings.Builder
	b.WriteString("SELECT CASE")
	for i := range n {
		fmt.Fprintf(&b, " WHEN pg_try_advisory_lock($1, $%d) THEN %d", i+2, i)
	}
	b.WriteString(" ELSE -1 END")
	return &Limiter{n: n, cfg: cfg, local: make(chan struct{}, n), try: b.String(), idle: time.Minute,
		pollMin: 10 * time.Millisecond, pollMax: 100 * time.Millisecond}
}

// Acquire takes a free slot, waiting until one frees or ctx ends, and
// returns the function that gives it back. When ctx ends first it returns
// ctx's error (wrapped when the wait was in the database).
func (l *Limiter) Acquire(ctx context.Context) (func(), error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	select {
	case l.local <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	pool, err := l.use()
	if err != nil {
		<-l.local
		return nil, err
	}
	conn, key, err := l.take(ctx, pool)
	if err != nil {
		l.unuse()
		<-l.local
		return nil, err
	}
	return sync.OnceFunc(func() {
		give(conn, key)
		l.unuse()
		<-l.local
	}), nil
}

// take waits on a connection of pool until it holds a slot, and returns the
// connection and the slot's key.
func (l *Limiter) take(ctx context.Context, pool *pgxpool.Pool) (*pgxpool.Conn, int32, error) {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return nil, 0, fmt.Errorf("postgres: AI limiter connection: %w", err)
	}
	keys, err := l.slotKeys(ctx, conn)
	if err != nil {
		conn.Release()
		return nil, 0, err
	}
	args := make([]any, 1, l.n+1)
	args[0] = lockClass
	for _, k := range keys {
		args = append(args, k)
	}
	wait := l.pollMin
	for {
		var slot int
		if err := conn.QueryRow(ctx, l.try, args...).Scan(&slot); err != nil {
			// The statement may have taken a slot before it failed (ctx
			// ended while it ran): closing the session frees it.
			discard(conn)
			return nil, 0, fmt.Errorf("postgres: AI limiter: %w", err)
		}
		if slot >= 0 {
			return conn, keys[slot], nil
		}
		if l.isClosed() {
			conn.Release()
			return nil, 0, ErrLimiterClosed
		}
		if err := sleep(ctx, wait/2+rand.N(wait)); err != nil {
			conn.Release()
			return nil, 0, err
		}
		wait = min(2*wait, l.pollMax)
	}
}

// slotKeys returns the second lock key of each slot, reading them once:
// a hash of the schema, so that stores in different schemas of one
// database keep separate limits, and of the slot number.
func (l *Limiter) slotKeys(ctx context.Context, conn *pgxpool.Conn) ([]int32, error) {
	l.mu.Lock()
	keys := l.keys
	l.mu.Unlock()
	if keys != nil {
		return keys, nil
	}
	rows, err := conn.Query(ctx, `SELECT hashtext(coalesce(current_schema(), '') || ':ai-slot:' || s)
		FROM generate_series(0, $1 - 1) AS s ORDER BY s`, l.n)
	if err != nil {
		return nil, fmt.Errorf("postgres: AI limiter keys: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k int32
		if err := rows.Scan(&k); err != nil {
			return nil, fmt.Errorf("postgres: AI limiter keys: %w", err)
		}
		keys = append(keys, k)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: AI limiter keys: %w", err)
	}
	l.mu.Lock()
	l.keys = keys
	l.mu.Unlock()
	return keys, nil
}

// give unlocks the slot of key and returns the connection to the pool,
// whatever became of the caller's context. A connection that cannot
// unlock (it was cut, or the server does not answer) is closed, which
// frees the slot as well.
func give(conn *pgxpool.Conn, key int32) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var unlocked bool
	if err := conn.QueryRow(ctx, `SELECT pg_advisory_unlock($1, $2)`, lockClass, key).Scan(&unlocked); err != nil ||
		!unlocked {
		discard(conn)
		return
	}
	conn.Release()
}

// discard closes a connection and hands it back, so that the pool drops
// it; every advisory lock of its session goes with it.
func discard(conn *pgxpool.Conn) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = conn.Conn().Close(ctx)
	conn.Release()
}

// use returns the pool, opening it when needed, and counts one more user.
func (l *Limiter) use() (*pgxpool.Pool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil, ErrLimiterClosed
	}
	if l.timer != nil {
		l.timer.Stop()
		l.timer = nil
	}
	if l.pool == nil {
		pool, err := pgxpool.NewWithConfig(context.Background(), l.cfg)
		if err != nil {
			return nil, fmt.Errorf("postgres: AI limiter pool: %w", err)
		}
		l.pool = pool
	}
	l.busy++
	return l.pool, nil
}

// unuse counts one user less. The last one arms the idle timer, or after
// Close closes the pool.
func (l *Limiter) unuse() {
	l.mu.Lock()
	l.busy--
	var pool *pgxpool.Pool
	switch {
	case l.busy > 0 || l.pool == nil:
	case l.closed:
		pool, l.pool = l.pool, nil
	default:
		l.timer = time.AfterFunc(l.idle, l.closeIdle)
	}
	l.mu.Unlock()
	if pool != nil {
		pool.Close()
	}
}

// closeIdle closes the pool if nobody has used it since the timer was set.
func (l *Limiter) closeIdle() {
	l.mu.Lock()
	if l.busy > 0 || l.pool == nil {
		l.mu.Unlock()
		return
	}
	pool := l.pool
	l.pool, l.timer = nil, nil
	l.mu.Unlock()
	pool.Close()
}

func (l *Limiter) isClosed() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.closed
}

// Close makes later calls fail with ErrLimiterClosed and closes the pool,
// at once or, when calls still hold or wait for a slot, as the last of
// them ends. It does not wait for them.
func (l *Limiter) Close() error {
	l.mu.Lock()
	l.closed = true
	if l.timer != nil {
		l.timer.Stop()
		l.timer = nil
	}
	var pool *pgxpool.Pool
	if l.busy == 0 {
		pool, l.pool = l.pool, nil
	}
	l.mu.Unlock()
	if pool != nil {
		pool.Close()
	}
	return nil
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
