package llm

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// newTestClient builds a client whose retry waits are recorded, not slept.
func newTestClient(t *testing.T, cfg Config) (*Client, *[]time.Duration) {
	t.Helper()
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	waits := &[]time.Duration{}
	c.sleep = func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		defer mu.Unlock()
		*waits = append(*waits, d)
		return ctx.Err()
	}
	c.jitter = func() float64 { return 0.5 }
	return c, waits
}

// chatCollect runs a chat and returns the deltas it delivered.
func chatCollect(ctx context.Context, c *Client, req Request) (Response, []string, error) {
	var deltas []string
	resp, err := c.Chat(ctx, req, func(d string) error {
		deltas = append(deltas, d)
		return nil
	})
	return resp, deltas, err
}

func hello() Request {
	return Request{Messages: []Message{{Role: "system", Content: "Be brief."}, {Role: "user", Content: "Say hello"}}}
}

// wantError checks that err is an *Error of kind k and returns it.
func wantError(t *testing.T, err error, k ErrorKind) *Error {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error = %v (%T), want *Error of kind %v", err, err, k)
	}
	if e.Kind != k {
		t.Fatalf("kind = %v, want %v (error: %v)", e.Kind, k, err)
	}
	return e
}

// sentRequest is what a redirecting transport saw leave the client.
type sentRequest struct {
	URL    string
	Header http.Header
	Body   []byte
}

// redirect is a RoundTripper that records each request as the client built
// it, then sends it to a loopback fake instead of its real host, so that
// tests can check URLs of public providers without contacting them.
type redirect struct {
	target *url.URL
	mu     sync.Mutex
	sent   []sentRequest
}

func newRedirect(t *testing.T, target string) *redirect {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	return &redirect{target: u}
}

func (r *redirect) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		body, _ = io.ReadAll(req.Body)
		req.Body.Close()
	}
	r.mu.Lock()
	r.sent = append(r.sent, sentRequest{URL: req.URL.String(), Header: req.Header.Clone(), Body: body})
	r.mu.Unlock()
	out := req.Clone(req.Context())
	out.URL.Scheme, out.URL.Host, out.Host = r.target.Scheme, r.target.Host, r.target.Host
	out.Body = io.NopCloser(bytes.NewReader(body))
	return http.DefaultTransport.RoundTrip(out)
}

func (r *redirect) requests() []sentRequest {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]sentRequest(nil), r.sent...)
}

// joined concatenates deltas.
func joined(deltas []string) string { return strings.Join(deltas, "") }

func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }

// notInContainer makes Diagnose believe the process runs on a host, for
// the duration of the test.
func notInContainer(t *testing.T) {
	old := inContainer
	inContainer = func() bool { return false }
	t.Cleanup(func() { inContainer = old })
}
