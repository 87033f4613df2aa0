package llm

import (
	"context"
	"errors"
	"net/http/httptrace"
	"sync/atomic"
	"time"
)

// timeoutCause is the cancel cause a watchdog timer gives its context, so
// that the error a read returns can be traced to the timer that fired.
type timeoutCause TimeoutPhase

// Error names the timeout.
func (t timeoutCause) Error() string { return "llm: " + string(t) + " timeout" }

// watchdog runs the per-attempt timers. The connect timer stops once a
// connection (or a response) is had; the first-token timer stops at the
// first text; then the idle timer restarts at every line.
type watchdog struct {
	ctx     context.Context
	cancel  context.CancelCauseFunc
	connect *time.Timer
	first   *time.Timer
	idle    *time.Timer
	idleFor time.Duration
	flowing atomic.Bool
}

func newWatchdog(parent context.Context, cfg Config) *watchdog {
	ctx, cancel := context.WithCancelCause(parent)
	w := &watchdog{cancel: cancel, idleFor: cfg.IdleTimeout}
	w.connect = time.AfterFunc(cfg.ConnectTimeout, w.fire(TimeoutConnect))
	w.first = time.AfterFunc(cfg.FirstTokenTimeout, w.fire(TimeoutFirstToken))
	w.idle = time.AfterFunc(time.Hour, w.fire(TimeoutIdle))
	w.idle.Stop()
	w.ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		GotConn: func(httptrace.GotConnInfo) { w.connect.Stop() },
	})
	return w
}

func (w *watchdog) fire(p TimeoutPhase) func() {
	return func() { w.cancel(timeoutCause(p)) }
}

// answered records that response headers arrived.
func (w *watchdog) answered() { w.connect.Stop() }

// firstText records the first generated text: from now on silence, not
// slowness, is what times out.
func (w *watchdog) firstText() {
	if !w.flowing.Swap(true) {
		w.first.Stop()
		w.idle.Reset(w.idleFor)
	}
}

// touch records a line read from the stream.
func (w *watchdog) touch() {
	if w.flowing.Load() {
		w.idle.Reset(w.idleFor)
	}
}

// stop releases the timers and the context.
func (w *watchdog) stop() {
	w.connect.Stop()
	w.first.Stop()
	w.idle.Stop()
	w.cancel(context.Canceled)
}

// withTotal bounds a whole call by d, naming TimeoutTotal as the cause.
func withTotal(parent context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancelCause(parent)
	t := time.AfterFunc(d, func() { cancel(timeoutCause(TimeoutTotal)) })
	return ctx, func() { t.Stop(); cancel(context.Canceled) }
}

// ctxError turns an ended context into an *Error naming why it ended:
// one of our timers, the caller's deadline, or the caller's cancel.
func ctxError(ctx context.Context, err error) *Error {
	cause := context.Cause(ctx)
	var tc timeoutCause
	switch {
	case errors.As(cause, &tc):
		return &Error{Kind: KindTimeout, Timeout: TimeoutPhase(tc), Err: err}
	case errors.Is(cause, context.DeadlineExceeded):
		return &Error{Kind: KindTimeout, Timeout: TimeoutDeadline, Err: err}
	default:
		return &Error{Kind: KindCanceled, Err: cause}
	}
}
