package api_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/tipster-cti/tipster/internal/api"
	"github.com/tipster-cti/tipster/internal/auth"
	"github.com/tipster-cti/tipster/internal/stix"
	"github.com/tipster-cti/tipster/internal/store"
)

// node is one Tipster server: its own connections to the shared
// database, its own access-control service and its own HTTP server.
type node struct {
	svc *auth.Service
	srv *httptest.Server
}

func newNode(t *testing.T, st testStore) node {
	log := slog.New(slog.DiscardHandler)
	svc := auth.New(st.Auth(), auth.Options{Password: cheap}, log)
	access := api.Access{Service: svc}
	s := &api.Server{Store: svc.AuditedStore(st), Auth: access, Log: log}
	access.Register(s)
	srv := httptest.NewServer(s.Routes())
	t.Cleanup(srv.Close)
	return node{svc: svc, srv: srv}
}

// me asks a node who the session cookie belongs to; "" when nobody.
func (n node) me(t *testing.T, c *http.Cookie) string {
	t.Helper()
	req, _ := http.NewRequest("GET", n.srv.URL+"/api/v1/me", nil)
	req.AddCookie(c)
	resp, err := n.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		return ""
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return decodeJSON[struct{ User api.UserOut }](t, string(body)).User.Email
}

// TestTwoServersOnOneDatabaseShareSessionsAndLoginLimits runs two servers,
// each with its own connections, on one database: a session begun on one
// is valid on the other and ended by either, and failed logins on both
// count toward one limit.
func TestTwoServersOnOneDatabaseShareSessionsAndLoginLimits(t *testing.T) {
	first, second := openSharedStores(t)
	a, b := newNode(t, first), newNode(t, second)
	ctx := context.Background()
	const email = "shared@example.org"
	if _, _, err := a.svc.CreateUser(ctx, auth.CLI, auth.NewUser{Email: email, Password: testPassword,
		Role: store.RoleAnalyst, Clearance: stix.TLPGreen}); err != nil {
		t.Fatal(err)
	}
	cookie := sessionCookie(postLogin(t, a.svc, email, testPassword, "/", nil, "http://tipster.test"))
	if cookie == nil {
		t.Fatal("no session from the login form of the first server")
	}
	if got := b.me(t, cookie); got != email {
		t.Errorf("the second server sees the first's session as %q, want %q", got, email)
	}
	if err := b.svc.Logout(ctx, cookie.Value, "192.0.2.9"); err != nil {
		t.Fatal(err)
	}
	if got := a.me(t, cookie); got != "" {
		t.Errorf("the first server still takes a session ended on the second, as %q", got)
	}

	nodes := []node{a, b}
	for i := range auth.DefaultLimit.PerEmail {
		_, err := nodes[i%2].svc.Login(ctx, email, fmt.Sprintf("guess %d", i), "203.0.113.7", "")
		if !errors.Is(err, auth.ErrInvalidCredentials) {
			t.Fatalf("guess %d on server %d: %v", i, i%2+1, err)
		}
	}
	for i, n := range nodes {
		_, err := n.svc.Login(ctx, email, testPassword, "203.0.113.99", "")
		var rl *auth.RateLimitError
		if !errors.As(err, &rl) {
			t.Errorf("server %d after %d failures split between both: %v, want a rate limit", i+1, auth.DefaultLimit.PerEmail, err)
		}
	}
}

// TestServersStartingAtOnceCreateOneAdministrator starts the first
// administrator's creation on two servers of one empty database at the
// same time: both must start, with one administrator between them.
func TestServersStartingAtOnceCreateOneAdministrator(t *testing.T) {
	first, second := openSharedStores(t)
	a, b := newNode(t, first), newNode(t, second)
	ctx := context.Background()
	boot := auth.Bootstrap{Email: "admin@example.org", Password: testPassword}
	errs := make(chan error, 2)
	for _, n := range []node{a, b} {
		go func() {
			_, err := n.svc.Bootstrap(ctx, boot)
			errs <- err
		}()
	}
	for range 2 {
		if err := <-errs; err != nil {
			t.Errorf("a server failed to start: %v", err)
		}
	}
	users, err := a.svc.ListUsers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(users) != 1 {
		t.Errorf("%d users after two servers started at once, want one administrator", len(users))
	}
}
