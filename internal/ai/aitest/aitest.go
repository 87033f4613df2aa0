// Package aitest builds Ask AI services over a fresh store holding the
// clearance fixture, for the tests of packages that use Ask AI, runs those
// tests again over PostgreSQL, and holds the suite every ai.Repository
// passes.
package aitest

import (
	"net/http"
	"net/url"
	"sync"
	"testing"

	"github.com/tipster-cti/tipster/internal/ai"
	"github.com/tipster-cti/tipster/internal/config"
	"github.com/tipster-cti/tipster/internal/store/storetest"
)

// Config returns the settings of env over the registry's defaults, as if
// env were the process environment.
func Config(env map[string]string) config.Config {
	return config.Load(func(k string) string { return env[k] }, nil)
}

// Setup is a test's Ask AI: the service and its store.
type Setup struct {
	Service *ai.Service
	Store   Store
}

// New builds a service from env (AI__* settings) over a new store (see
// OpenStore) loaded with the clearance fixture. edit, if given, changes
// the options before the service is built (to inject an engine or an HTTP
// client).
func New(t testing.TB, env map[string]string, edit func(*ai.Options)) Setup {
	t.Helper()
	st := OpenStore(t)
	storetest.LoadClearanceFixture(t, st)
	s, err := ai.SettingsFrom(Config(env))
	if err != nil {
		t.Fatalf("settings: %v", err)
	}
	opts := ai.Options{Store: st, Settings: s, Audit: ai.NewAuditLog(st.AI())}
	if edit != nil {
		edit(&opts)
	}
	svc, err := ai.New(opts)
	if err != nil {
		t.Fatalf("new service: %v", err)
	}
	return Setup{Service: svc, Store: st}
}

// Redirect is an http.RoundTripper that sends every request to a fake on
// loopback instead of its host, recording the URL it was meant for. It
// lets a test check the exact URL a configuration produces (the cloud's,
// or the Docker bridge's) without contacting it.
type Redirect struct {
	To *url.URL // the fake's base URL

	mu   sync.Mutex
	urls []string
}

// NewRedirect returns a Redirect to the fake at base.
func NewRedirect(t testing.TB, base string) *Redirect {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("fake URL: %v", err)
	}
	return &Redirect{To: u}
}

// RoundTrip records req's URL and sends it to the fake.
func (r *Redirect) RoundTrip(req *http.Request) (*http.Response, error) {
	r.mu.Lock()
	r.urls = append(r.urls, req.URL.String())
	r.mu.Unlock()
	out := req.Clone(req.Context())
	out.URL.Scheme, out.URL.Host, out.Host = r.To.Scheme, r.To.Host, r.To.Host
	return http.DefaultTransport.RoundTrip(out)
}

// URLs returns the URLs requested so far, as the client built them.
func (r *Redirect) URLs() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.urls...)
}
