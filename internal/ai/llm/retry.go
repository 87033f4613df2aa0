package llm

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// retryAfter reads how long the provider asks to wait: Retry-After in
// seconds or as an HTTP date, or Azure's and OpenAI's retry-after-ms.
// It returns 0 when none is given or the value is unreadable.
func retryAfter(h http.Header, now time.Time) time.Duration {
	if ms := strings.TrimSpace(h.Get("Retry-After-Ms")); ms != "" {
		if n, err := strconv.ParseFloat(ms, 64); err == nil && n > 0 {
			return time.Duration(n * float64(time.Millisecond))
		}
	}
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if n, err := strconv.ParseFloat(v, 64); err == nil {
		if n <= 0 {
			return 0
		}
		return time.Duration(n * float64(time.Second))
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// backoff returns the wait before retry number attempt (0 for the first
// retry): the provider's Retry-After when given, otherwise exponential from
// RetryBaseDelay with equal jitter, capped at RetryMaxDelay. ok is false when
// the provider asks for more than RetryMaxDelay.
func (c *Client) backoff(attempt int, asked time.Duration) (wait time.Duration, ok bool) {
	if asked > 0 {
		return asked, asked <= c.cfg.RetryMaxDelay
	}
	d := c.cfg.RetryBaseDelay << min(attempt, 20)
	if d <= 0 || d > c.cfg.RetryMaxDelay {
		d = c.cfg.RetryMaxDelay
	}
	half := d / 2
	return half + time.Duration(c.jitter()*float64(d-half)), true
}

// sleepCtx waits d or until ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctxError(ctx, ctx.Err())
	}
}

// retrying runs try until it succeeds, fails for good, or runs out of
// retries. try reports whether it delivered anything to the caller, after
// which a failure is final. A failure that is an *Error gets the url and
// its retry count.
func (c *Client) retrying(ctx context.Context, url string, try func() (delivered bool, err error)) error {
	for attempt := 0; ; attempt++ {
		delivered, err := try()
		var e *Error
		if err == nil || !errors.As(err, &e) {
			return err
		}
		e.Retries, e.Delta = attempt, delivered
		if e.URL == "" {
			e.URL = url
		}
		if delivered || !e.retryable() || attempt >= c.cfg.MaxRetries {
			return e
		}
		wait, ok := c.backoff(attempt, e.RetryAfter)
		if !ok {
			return e
		}
		if err := c.sleep(ctx, wait); err != nil {
			return err
		}
	}
}
