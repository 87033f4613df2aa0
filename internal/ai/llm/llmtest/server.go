// Package llmtest provides fake LLM providers on loopback that speak the
// wire formats of OpenAI, Mistral, Azure OpenAI and Ollama (native and
// OpenAI-compatible), record what they receive and can be scripted with the
// faults real providers show: bad keys, unknown models, rate limits, server
// errors, cut streams, error frames, slow and silent models.
//
// They are for tests of any package that talks to a model through
// package llm:
//
//	srv := llmtest.NewServer(t, llmtest.Options{Dialect: llmtest.Ollama, Reply: "Hi there"})
//	client, _ := llm.New(llm.Config{Type: llm.Ollama, Endpoint: srv.URL, Model: "test-model"})
package llmtest

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Dialect is the wire format a fake speaks.
type Dialect string

// The dialects. Ollama serves both its native API and its OpenAI-compatible
// /v1 API, like the real server.
const (
	OpenAI  Dialect = "openai"
	Mistral Dialect = "mistralai"
	Azure   Dialect = "azureopenai"
	Ollama  Dialect = "ollama"
)

// DefaultModel is the one model a fake has unless Options.Models says
// otherwise (Ollama lists it as "test-model:latest").
const DefaultModel = "test-model"

// FaultKind is a scripted misbehaviour.
type FaultKind int

// The faults a fake can be scripted with.
const (
	NoFault        FaultKind = iota
	Unauthorized             // 401 with the dialect's error body
	RateLimited              // 429 with Retry-After: Fault.RetryAfter
	QuotaExhausted           // 429 with the dialect's out-of-credit error
	ServerError              // 500 with the dialect's error body
	ProxyError               // 502 with an HTML page, as a reverse proxy sends
	CutStream                // the connection drops after Fault.AfterChunks chunks
	ErrorFrame               // an error frame after Fault.AfterChunks chunks, under HTTP 200
	Hang                     // no answer at all until the client goes away
)

// Fault scripts one misbehaviour.
type Fault struct {
	Kind        FaultKind
	RetryAfter  string // Retry-After header for RateLimited, e.g. "2" or an HTTP date
	AfterChunks int    // chunks sent before CutStream or ErrorFrame strikes
}

// Options configure a fake.
type Options struct {
	Dialect Dialect
	// Reply is the text every chat answers, streamed a word at a time;
	// default "Hello from the fake model."
	Reply string
	// Chunks, if set, are streamed as given instead of Reply's words.
	Chunks []string
	// FirstTokenDelay is the silence before the first chunk; ChunkDelay
	// the silence before each later one.
	FirstTokenDelay, ChunkDelay time.Duration
	// Models the fake has (Azure: deployments); default DefaultModel.
	Models []string
	// ContextLength is what /api/show and Mistral's model list report;
	// default 4096.
	ContextLength int
	// Token, if set, must be sent (Bearer, or Azure's api-key).
	Token string
	// Fault strikes every request; Script[i], if present, replaces it for
	// request i (counting every request the fake receives).
	Fault  Fault
	Script []Fault
	// OmitDone leaves out the end marker after the last chunk ([DONE] or
	// Ollama's done:true), while still sending the finish reason.
	OmitDone bool
	// EmbeddingDims is the length of each embedding; default 8.
	EmbeddingDims int
}

// Request is a request the fake received.
type Request struct {
	Method, Path, RawQuery string
	Header                 http.Header
	Body                   []byte
	// Canceled is true when the client went away before the handler was
	// done; it is known only for requests from Ended.
	Canceled bool
}

// Server is a running fake.
type Server struct {
	URL  string // base URL, e.g. http://127.0.0.1:PORT
	opts Options
	srv  *httptest.Server

	mu       sync.Mutex
	requests []Request
	ended    chan Request
	closing  chan struct{}

	inFlight, peak atomic.Int64 // requests being handled now, and the most at once
}

// NewServer starts a fake that stops when the test ends.
func NewServer(t testing.TB, opts Options) *Server {
	t.Helper()
	if opts.Reply == "" && opts.Chunks == nil {
		opts.Reply = "Hello from the fake model."
	}
	if len(opts.Models) == 0 {
		opts.Models = []string{DefaultModel}
	}
	if opts.ContextLength == 0 {
		opts.ContextLength = 4096
	}
	if opts.EmbeddingDims == 0 {
		opts.EmbeddingDims = 8
	}
	s := &Server{opts: opts, ended: make(chan Request, 1024), closing: make(chan struct{})}
	s.srv = httptest.NewServer(s.routes())
	s.URL = s.srv.URL
	t.Cleanup(func() {
		close(s.closing)
		s.srv.Close()
	})
	return s
}

// Requests returns every request received so far, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Peak returns the most requests the fake was handling at one moment
// since it started, to check a client's concurrency limit.
func (s *Server) Peak() int { return int(s.peak.Load()) }

// Ended delivers each request once its handler has returned, with
// Canceled set if the client had gone away.
func (s *Server) Ended() <-chan Request { return s.ended }

// record stores the request and returns its number and fault.
func (s *Server) record(r *http.Request) (Request, Fault) {
	body, _ := io.ReadAll(r.Body)
	rec := Request{
		Method:   r.Method,
		Path:     r.URL.Path,
		RawQuery: r.URL.RawQuery,
		Header:   r.Header.Clone(),
		Body:     body,
	}
	s.mu.Lock()
	n := len(s.requests)
	s.requests = append(s.requests, rec)
	s.mu.Unlock()
	f := s.opts.Fault
	if n < len(s.opts.Script) {
		f = s.opts.Script[n]
	}
	return rec, f
}

// handler wraps a route: it records the request, enforces the token,
// applies status faults, and reports the request's end.
func (s *Server) handler(
	route func(w http.ResponseWriter, r *http.Request, body []byte, f Fault),
) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		n := s.inFlight.Add(1)
		defer s.inFlight.Add(-1)
		for p := s.peak.Load(); n > p && !s.peak.CompareAndSwap(p, n); p = s.peak.Load() {
		}
		rec, f := s.record(r)
		defer func() {
			rec.Canceled = r.Context().Err() != nil
			select {
			case s.ended <- rec:
			default:
			}
		}()
		if !s.authorized(r) {
			f = Fault{Kind: Unauthorized}
		}
		if s.statusFault(w, r, f) {
			return
		}
		route(w, r, rec.Body, f)
	}
}

func (s *Server) authorized(r *http.Request) bool {
	if s.opts.Token == "" {
		return true
	}
	if s.opts.Dialect == Azure {
		return r.Header.Get("api-key") == s.opts.Token
	}
	return r.Header.Get("Authorization") == "Bearer "+s.opts.Token
}

// statusFault answers with the fault's status, if it has one.
func (s *Server) statusFault(w http.ResponseWriter, r *http.Request, f Fault) bool {
	switch f.Kind {
	case Hang:
		select {
		case <-r.Context().Done():
		case <-s.closing:
		}
		return true
	case RateLimited:
		if f.RetryAfter != "" {
			w.Header().Set("Retry-After", f.RetryAfter)
		}
	case ProxyError:
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		_, _ = io.WriteString(
			w,
			"<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>\n",
		)
		return true
	case Unauthorized, QuotaExhausted, ServerError:
	default:
		return false
	}
	status, body := s.errorBody(f.Kind)
	writeJSON(w, status, body)
	return true
}

// known reports whether the fake has the model, taking an untagged name
// to mean :latest as Ollama does.
func (s *Server) known(model string) bool {
	for _, m := range s.opts.Models {
		if m == model || (s.opts.Dialect == Ollama && tagged(m) == tagged(model)) {
			return true
		}
	}
	return false
}

func tagged(m string) string {
	if !strings.Contains(m[strings.LastIndex(m, "/")+1:], ":") {
		return m + ":latest"
	}
	return m
}

// chunks returns the reply split into the pieces to stream.
func (s *Server) chunks() []string {
	if s.opts.Chunks != nil {
		return s.opts.Chunks
	}
	var out []string
	for i, w := range strings.Fields(s.opts.Reply) {
		if i > 0 {
			w = " " + w
		}
		out = append(out, w)
	}
	return out
}

// pause waits before chunk i; false means the client went away.
func (s *Server) pause(r *http.Request, i int) bool {
	d := s.opts.ChunkDelay
	if i == 0 {
		d = s.opts.FirstTokenDelay
	}
	if d <= 0 {
		return r.Context().Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	case <-s.closing:
		return false
	}
}
