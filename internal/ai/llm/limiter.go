package llm

import (
	"context"
	"sync"
)

// Limiter bounds how many chats and embeddings run at once. Acquire waits
// for a free slot until ctx ends, then returns the function that gives the
// slot back; calling release more than once gives it back once. When ctx
// ends first, Acquire returns promptly with an error (ctx's, or one that
// wraps it).
//
// The default, NewSemaphore, holds its slots in this process. A Limiter
// kept in a database that several processes share makes one limit hold
// across all of them.
type Limiter interface {
	Acquire(ctx context.Context) (release func(), err error)
}

// semaphore is a Limiter with n slots in this process.
type semaphore chan struct{}

// NewSemaphore returns a Limiter with n slots (at least 1) held in this
// process, the one a Client uses when Config.Limiter is nil.
func NewSemaphore(n int) Limiter {
	return make(semaphore, max(n, 1))
}

// Acquire takes a slot, or returns ctx's error once ctx ends.
func (s semaphore) Acquire(ctx context.Context) (func(), error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	select {
	case s <- struct{}{}:
		return sync.OnceFunc(func() { <-s }), nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
