package api_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tipster-cti/tipster/internal/api"
	"github.com/tipster-cti/tipster/internal/auth"
	"github.com/tipster-cti/tipster/internal/stix"
	"github.com/tipster-cti/tipster/internal/store"
	"github.com/tipster-cti/tipster/internal/store/storetest"
)

// cheap keeps Argon2id fast in tests; the cost is recorded in each hash,
// so checking works the same as with the default.
var cheap = auth.PasswordParams{Memory: 64, Time: 1, Threads: 1}

const testPassword = "correct horse battery staple"

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// harness is the real API over a real store (SQLite, or PostgreSQL
// within TestEveryAPITestOnPostgreSQL) holding the clearance
// fixture, with the real authenticator, served on loopback.
type harness struct {
	t     *testing.T
	srv   *httptest.Server
	st    testStore
	svc   *auth.Service
	clock *clock
	ids   map[string]int64  // user ids by e-mail
	token map[string]string // API tokens by e-mail
}

// users of the harness: every one has testPassword.
var harnessUsers = []auth.NewUser{
	{Email: "admin@example.org", Role: store.RoleAdmin, Clearance: stix.TLPRed},
	{Email: "green-admin@example.org", Role: store.RoleAdmin, Clearance: stix.TLPGreen},
	{Email: "green-analyst@example.org", Role: store.RoleAnalyst, Clearance: stix.TLPGreen},
	{Email: "green-viewer@example.org", Role: store.RoleViewer, Clearance: stix.TLPGreen},
}

func newHarness(t *testing.T, register ...func(*api.Server, testStore)) *harness {
	t.Helper()
	ctx := context.Background()
	st := openTestStore(t)
	storetest.LoadClearanceFixture(t, st)
	c := &clock{t: time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)}
	log := slog.New(slog.DiscardHandler)
	svc := auth.New(st.Auth(), auth.Options{Password: cheap, Now: c.Now}, log)
	h := &harness{t: t, st: st, svc: svc, clock: c, ids: map[string]int64{}, token: map[string]string{}}
	for _, nu := range harnessUsers {
		nu.Password = testPassword
		u, token, err := svc.CreateUser(ctx, auth.CLI, nu)
		if err != nil {
			t.Fatal(err)
		}
		h.ids[u.Email], h.token[u.Email] = u.ID, token
	}
	access := api.Access{Service: svc}
	s := &api.Server{Store: svc.AuditedStore(st), Auth: access, Log: log}
	access.Register(s)
	for _, r := range register {
		r(s, st)
	}
	mux := http.NewServeMux()
	mux.Handle("/api/", s.Routes())
	h.srv = httptest.NewServer(mux)
	t.Cleanup(h.srv.Close)
	return h
}

// request is one HTTP call of a test.
type request struct {
	method, path, body string
	token              string       // Bearer token, if any
	cookie             *http.Cookie // session cookie, if any
	csrf               string       // X-CSRF-Token, if any
	header             map[string]string
}

// response is what came back.
type response struct {
	status int
	body   string
	header http.Header
}

func (h *harness) do(r request) response {
	h.t.Helper()
	if r.method == "" {
		r.method = http.MethodGet
	}
	req, err := http.NewRequest(r.method, h.srv.URL+r.path, strings.NewReader(r.body))
	if err != nil {
		h.t.Fatal(err)
	}
	if r.token != "" {
		req.Header.Set("Authorization", "Bearer "+r.token)
	}
	if r.cookie != nil {
		req.AddCookie(r.cookie)
	}
	if r.csrf != "" {
		req.Header.Set(auth.CSRFHeader, r.csrf)
	}
	for k, v := range r.header {
		req.Header.Set(k, v)
	}
	resp, err := h.srv.Client().Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		h.t.Fatal(err)
	}
	return response{status: resp.StatusCode, body: string(body), header: resp.Header}
}

// as returns a GET by the user's API token.
func (h *harness) as(email, path string) response {
	h.t.Helper()
	return h.do(request{path: path, token: h.token[email]})
}

// login starts a session for a user and returns its cookie and CSRF token.
func (h *harness) login(email string) (*http.Cookie, string) {
	h.t.Helper()
	l, err := h.svc.Login(context.Background(), email, testPassword, "192.0.2.1", "")
	if err != nil {
		h.t.Fatalf("login %s: %v", email, err)
	}
	return &http.Cookie{Name: auth.CookieName, Value: l.SessionID}, l.CSRF
}

// decodeJSON decodes a response body.
func decodeJSON[T any](t *testing.T, body string) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatalf("response is not JSON: %v\n%s", err, body)
	}
	return v
}

// newJar is a cookie jar for tests that follow the login form.
func newJar(t *testing.T) http.CookieJar {
	j, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return j
}
