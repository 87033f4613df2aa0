package web

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/tipster-cti/tipster/internal/config"
	"github.com/tipster-cti/tipster/internal/ingest"
	"github.com/tipster-cti/tipster/internal/stix"
	"github.com/tipster-cti/tipster/internal/store"
	"github.com/tipster-cti/tipster/internal/store/sqlite"
)

// fixedViewer is an authenticator that always answers the same.
type fixedViewer struct {
	v   store.Viewer
	err error
}

func (f fixedViewer) Viewer(*http.Request) (store.Viewer, error) { return f.v, f.err }

// newPages serves the pages over a SQLite store holding the test bundles
// and the extra bundles named.
func newPages(t *testing.T, auth Authenticator, extra ...string) http.Handler {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	for _, name := range append([]string{"testdata/apt1.json", "testdata/xss-bundle.json"}, extra...) {
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		_, err = ingest.Bundle(ctx, st, f, ingest.Options{})
		f.Close()
		if err != nil {
			t.Fatalf("import %s: %v", name, err)
		}
	}
	p := &Pages{Store: st, Auth: auth, Config: config.Load(func(string) string { return "" }, nil),
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	mux := http.NewServeMux()
	if err := p.Register(mux); err != nil {
		t.Fatal(err)
	}
	return mux
}

func serve(h http.Handler, path string) (*http.Response, string) {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec.Result(), rec.Body.String()
}

func TestPages(t *testing.T) {
	h := newPages(t, fixedViewer{v: store.LocalAdmin})
	cases := []struct {
		name, path string
		status     int
		contains   []string
		absent     []string
	}{
		{"the dashboard lists the latest reports", "/", 200,
			[]string{"APT1: Exposing One of China&#39;s Cyber Espionage Units"}, nil},
		{"a report's markup is escaped, never rendered", "/objects/report--6a0f3b7e-2c1d-4e8f-9a5b-3d7c1e0f2a94", 200,
			[]string{"&lt;script&gt;window.__xss=", "&lt;img src=x onerror="},
			[]string{"<script>window", "<img src=x", `<b onmouseover`}},
		{"a malformed date is a readable 400", "/reports?created_after=yesterday", 400,
			[]string{"is not a date such as 2024-01-31"}, nil},
		{"an unknown TLP is a readable 400", "/reports?marking=PURPLE", 400, []string{"is not a TLP level"}, nil},
		{"an unknown object is a 404 page", "/objects/report--00000000-0000-4000-8000-000000000000", 404,
			[]string{"above your clearance"}, nil},
		{"an unknown path is a 404 page", "/no/such/page", 404, nil, nil},
		{"a static asset is served from the binary", "/static/app.js", 200, []string{"textContent"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, body := serve(h, c.path)
			if res.StatusCode != c.status {
				t.Fatalf("GET %s = %d, want %d", c.path, res.StatusCode, c.status)
			}
			if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
				t.Errorf("Content-Security-Policy = %q", csp)
			}
			for _, s := range c.contains {
				if !strings.Contains(body, s) {
					t.Errorf("GET %s lacks %q", c.path, s)
				}
			}
			for _, s := range c.absent {
				if strings.Contains(body, s) {
					t.Errorf("GET %s holds %q", c.path, s)
				}
			}
		})
	}
}

func TestAccess(t *testing.T) {
	t.Run("a browser without a session is sent to the login page and back", func(t *testing.T) {
		h := newPages(t, fixedViewer{err: ErrUnauthenticated})
		res, _ := serve(h, "/reports?q=apt1")
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login?next=%2Freports%3Fq%3Dapt1" {
			t.Errorf("GET /reports = %d to %q", res.StatusCode, res.Header.Get("Location"))
		}
	})
	t.Run("an analyst may not open the settings", func(t *testing.T) {
		h := newPages(t, fixedViewer{v: store.Viewer{Name: "ana", Role: store.RoleAnalyst}})
		if res, _ := serve(h, "/settings"); res.StatusCode != http.StatusForbidden {
			t.Errorf("GET /settings as analyst = %d, want 403", res.StatusCode)
		}
	})
	t.Run("a failing authenticator shows no internal error text", func(t *testing.T) {
		h := newPages(t, fixedViewer{err: errors.New("database is locked at /secret/path")})
		res, body := serve(h, "/")
		if res.StatusCode != http.StatusInternalServerError || strings.Contains(body, "/secret/path") {
			t.Errorf("GET / = %d %q", res.StatusCode, body)
		}
	})
}

func TestLocalPath(t *testing.T) {
	cases := []struct{ in, want string }{
		{"/reports?q=x", "/reports?q=x"},
		{"https://evil.example/", "/"},
		{"//evil.example/", "/"},
		{"/\\evil.example", "/"},
		{"", "/"},
	}
	for _, c := range cases {
		if got := localPath(c.in); got != c.want {
			t.Errorf("localPath(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestFiltersQuery(t *testing.T) {
	f := filters{Type: "report", Marking: "amber", After: "2024-01-01", Before: "2024-01-31"}
	q, err := f.query()
	if err != nil {
		t.Fatal(err)
	}
	if q.CreatedBefore != time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC) {
		t.Errorf("the before day is not included: CreatedBefore = %v", q.CreatedBefore)
	}
	if q.TLP == nil || *q.TLP != stix.TLPAmber || q.Marking != "" || len(q.Types) != 1 {
		t.Errorf("query = %+v, want the level TLP:AMBER and one type", q)
	}
}

func TestTheTLPFilterFindsObjectsMarkedWithTLP1Definitions(t *testing.T) {
	const shared = "../../../shared/data/cti-documentation/using-marking-definitions.json"
	if _, err := os.Stat(shared); err != nil {
		t.Skipf("real data not available (%v): it lives in ../shared beside the checkout", err)
	}
	h := newPages(t, fixedViewer{v: store.LocalAdmin}, shared)
	const amber1 = `href="/objects/indicator--33fe3b22-0201-47cf-85d0-97c02164528d"` // TLP 1.0 AMBER
	for _, c := range []struct {
		marking string
		found   bool
	}{{"TLP:AMBER", true}, {"TLP:GREEN", false}} {
		_, body := serve(h, "/search?type=&marking="+c.marking)
		if strings.Contains(body, amber1) != c.found {
			t.Errorf("/search?marking=%s lists the TLP 1.0 AMBER indicator: %v, want %v", c.marking, !c.found, c.found)
		}
	}
}

func TestPropText(t *testing.T) {
	cases := []struct{ in, want string }{
		{`"[ipv4-addr:value = '10.0.0.1']"`, "[ipv4-addr:value = '10.0.0.1']"},
		{`["a","b"]`, "a, b"},
		{`[{"kill_chain_name":"mitre-attack","phase_name":"execution"}]`, "mitre-attack: execution"},
		{`{"x": 1}`, `{"x":1}`},
	}
	for _, c := range cases {
		if got := propText([]byte(c.in)); got != c.want {
			t.Errorf("propText(%s) = %q, want %q", c.in, got, c.want)
		}
	}
}
