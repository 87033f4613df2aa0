package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/tipster-cti/tipster/internal/api"
	"github.com/tipster-cti/tipster/internal/auth"
	"github.com/tipster-cti/tipster/internal/config"
	"github.com/tipster-cti/tipster/internal/stix"
	"github.com/tipster-cti/tipster/internal/store"
	"github.com/tipster-cti/tipster/internal/store/storetest"
	"github.com/tipster-cti/tipster/internal/web"
)

// runIn runs a command line with stdin.
func runIn(t *testing.T, env map[string]string, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	e := &Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errOut, Getenv: func(k string) string { return env[k] }}
	return Run(context.Background(), e, args), out.String(), errOut.String()
}

// tokenUser opens the store of env and returns the user of a token.
func tokenUser(t *testing.T, env map[string]string, token string) (*auth.User, error) {
	t.Helper()
	cfg := config.Load(func(k string) string { return env[k] }, nil)
	st, err := openStore(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	svc, err := newAuthService(st, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	return svc.TokenUser(context.Background(), token)
}

func TestUserAddPrintsTheTokenOnceOnItsOwnLine(t *testing.T) {
	forEachBackend(t, testUserAdd)
}

func testUserAdd(t *testing.T, env map[string]string) {
	code, out, errOut := run(t, env, "user", "add", "Alice@Example.org", "--role", "viewer", "--clearance", "TLP:GREEN")
	if code != 0 {
		t.Fatalf("user add exited %d: %s", code, errOut)
	}
	token := strings.TrimSuffix(out, "\n")
	if strings.Contains(token, "\n") || !strings.HasPrefix(token, auth.TokenPrefix) || len(token) != 47 {
		t.Fatalf("stdout is not one token line: %q", out)
	}
	u, err := tokenUser(t, env, token)
	if err != nil || u.Email != "alice@example.org" || u.Clearance.String() != "TLP:GREEN" || u.Role != "viewer" {
		t.Fatalf("the printed token is %v, %v", u, err)
	}
	if code, _, errOut := run(t, env, "user", "add", "alice@example.org"); code != 1 || !strings.Contains(errOut, "already exists") {
		t.Errorf("adding the user again exited %d: %s", code, errOut)
	}
	_, list, _ := run(t, env, "user", "list")
	if !strings.Contains(list, "alice@example.org") || !strings.Contains(list, "TLP:GREEN") || strings.Contains(list, token) {
		t.Errorf("user list: %s", list)
	}
	if code, _, errOut := run(t, env, "user", "disable", "alice@example.org"); code != 0 {
		t.Fatalf("disable exited %d: %s", code, errOut)
	}
	if _, err := tokenUser(t, env, token); !errors.Is(err, auth.ErrUnauthenticated) {
		t.Errorf("a disabled user's token still works: %v", err)
	}
}

func TestUserPasswordsAndTokensFromTheCommandLine(t *testing.T) {
	forEachBackend(t, testUserPasswordsAndTokens)
}

func testUserPasswordsAndTokens(t *testing.T, env map[string]string) {
	if code, _, errOut := runIn(t, env, "a passphrase long enough\n", "user", "add", "bob@example.org",
		"--role", "analyst", "--clearance", "amber", "--password-stdin"); code != 0 {
		t.Fatalf("add exited %d: %s", code, errOut)
	}
	code, pw, errOut := run(t, env, "user", "reset-password", "bob@example.org")
	if code != 0 || len(strings.TrimSpace(pw)) != 20 {
		t.Fatalf("reset-password exited %d, printed %q: %s", code, pw, errOut)
	}
	code, token, _ := run(t, env, "user", "token", "bob@example.org", "--name", "ci")
	if code != 0 || !strings.HasPrefix(token, auth.TokenPrefix) {
		t.Fatalf("token exited %d: %q", code, token)
	}
	_, list, _ := run(t, env, "user", "tokens", "bob@example.org")
	if !strings.Contains(list, "ci") || strings.Contains(list, strings.TrimSpace(token)) {
		t.Errorf("tokens listing: %s", list)
	}
	if code, _, errOut := run(t, env, "user", "revoke", "bob@example.org", "2"); code != 0 {
		t.Fatalf("revoke exited %d: %s", code, errOut)
	}
	if _, err := tokenUser(t, env, strings.TrimSpace(token)); !errors.Is(err, auth.ErrUnauthenticated) {
		t.Errorf("a revoked token still works: %v", err)
	}
	if code, _, errOut := runIn(t, env, "short\n", "user", "reset-password", "bob@example.org", "--password-stdin"); code != 1 ||
		!strings.Contains(errOut, "at least 12") {
		t.Errorf("a short password was accepted (%d): %s", code, errOut)
	}
}

func TestServeRefusesToStartWithNoWayToLogIn(t *testing.T) {
	env := map[string]string{"APP__DATA_DIR": t.TempDir(), "APP__ADDR": "127.0.0.1:0"}
	code, out, errOut := run(t, env, "serve")
	if code != 1 || !strings.Contains(errOut, "APP__ADMIN__PASSWORD") || !strings.Contains(errOut, "APP__ADMIN__TOKEN") {
		t.Fatalf("serve exited %d: %s", code, errOut)
	}
	if strings.Contains(out, "serving") {
		t.Errorf("serve started: %s", out)
	}
}

// newTestApp is the app of the server, without listening, over a fresh store.
func newTestApp(t *testing.T, env map[string]string, demo bool) *app {
	t.Helper()
	cfg := config.Load(func(k string) string { return env[k] }, nil)
	st, err := openStore(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	log := slog.New(slog.DiscardHandler)
	return &app{Config: cfg, Store: st, Log: log, Mux: http.NewServeMux(), Demo: demo,
		API: &api.Server{Store: st, Auth: localOnly{}, Log: log}}
}

func TestDemoPrintsAGeneratedPasswordOnceAndItLogsIn(t *testing.T) {
	forEachBackend(t, testDemoPassword)
}

func testDemoPassword(t *testing.T, env map[string]string) {
	a := newTestApp(t, env, true)
	if err := setupAuth(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	if len(a.LoginHint) != 3 || !strings.Contains(a.LoginHint[0], "admin@tipster.local") {
		t.Fatalf("login hint: %q", a.LoginHint)
	}
	password := strings.TrimSpace(a.LoginHint[1])
	sessions, _, isUnauth := webAccess(a)
	form := url.Values{"email": {"admin@tipster.local"}, "password": {password}}
	r := httptest.NewRequest("POST", "/login", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	w := httptest.NewRecorder()
	if err := sessions.Login(w, r, "admin@tipster.local", password); err != nil {
		t.Fatalf("the printed password does not log in: %v", err)
	}
	if err := sessions.Login(httptest.NewRecorder(), r, "admin@tipster.local", "wrong password!"); !errors.Is(err, web.ErrBadCredentials) {
		t.Errorf("a wrong password: %v", err)
	}
	page := httptest.NewRequest("GET", "/", nil)
	if _, err := a.API.Auth.Viewer(page); !isUnauth(err) || !errors.Is(err, web.ErrUnauthenticated) {
		t.Errorf("a request without a session: %v", err)
	}
	page.AddCookie(w.Result().Cookies()[0])
	if v, err := a.API.Auth.Viewer(page); err != nil || !v.IsAdmin() {
		t.Errorf("the session's viewer: %v %v", v, err)
	}
	again := newTestApp(t, env, true)
	if err := setupAuth(context.Background(), again); err != nil || len(again.LoginHint) != 0 {
		t.Errorf("a second start printed %q (%v)", again.LoginHint, err)
	}
}

func TestAdminTokenFromTheEnvironmentWorks(t *testing.T) {
	const token = "8c3a5a4e-4d2b-4c8e-9a55-1f0d3e0b7c21" // the UUID form OpenCTI deployments use
	env := map[string]string{"APP__DATA_DIR": t.TempDir(), "APP__ADMIN__TOKEN": token, "APP__ADMIN__EMAIL": "ops@example.org"}
	a := newTestApp(t, env, false)
	if err := setupAuth(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	if len(a.LoginHint) != 0 {
		t.Errorf("a configured admin printed %q", a.LoginHint)
	}
	r := httptest.NewRequest("GET", "/api/v1/counts", nil)
	r.Header.Set("Authorization", "Bearer "+token)
	if v, err := a.API.Auth.Viewer(r); err != nil || v.Name != "ops@example.org" || !v.IsAdmin() {
		t.Errorf("APP__ADMIN__TOKEN: %v %v", v, err)
	}
}

func TestAccessControlOnEachBackend(t *testing.T) {
	forEachBackend(t, testAccessControl)
}

// testAccessControl runs the server's access control over each store:
// rate limit, session and CSRF, token expiry and revocation, and the audit
// log's clearance filter, all kept in the database.
func testAccessControl(t *testing.T, env map[string]string) {
	ctx := context.Background()
	env["APP__ADMIN__PASSWORD"] = "correct horse battery staple"
	a := newTestApp(t, env, false)
	if err := setupAuth(ctx, a); err != nil {
		t.Fatal(err)
	}
	svc := authService(a)
	storetest.LoadClearanceFixture(t, a.Store)
	u, token, err := svc.CreateUser(ctx, auth.CLI, auth.NewUser{Email: "Green@Example.org", Role: store.RoleAnalyst,
		Clearance: stix.TLPGreen, Password: "another long passphrase"})
	if err != nil {
		t.Fatal(err)
	}
	for i := range auth.DefaultLimit.PerEmail {
		if _, err := svc.Login(ctx, "green@example.org", fmt.Sprint("guess ", i), "192.0.2.4", ""); !errors.Is(err, auth.ErrInvalidCredentials) {
			t.Fatalf("guess %d: %v", i, err)
		}
	}
	var rl *auth.RateLimitError
	if _, err := svc.Login(ctx, "GREEN@example.org", "another long passphrase", "192.0.2.5", ""); !errors.As(err, &rl) {
		t.Errorf("login after %d failures: %v", auth.DefaultLimit.PerEmail, err)
	}
	l, err := svc.Login(ctx, "admin@tipster.local", "correct horse battery staple", "192.0.2.6", "")
	if err != nil {
		t.Fatal(err)
	}
	post := httptest.NewRequest("POST", "/api/v1/bundles", strings.NewReader("{}"))
	post.AddCookie(&http.Cookie{Name: auth.CookieName, Value: l.SessionID})
	if _, err := svc.Authenticate(post); !errors.Is(err, auth.ErrCSRF) {
		t.Errorf("a session POST without CSRF token: %v", err)
	}
	post.Header.Set(auth.CSRFHeader, l.CSRF)
	if id, err := svc.Authenticate(post); err != nil || id.User.Email != "admin@tipster.local" {
		t.Errorf("a session POST with the CSRF token: %v %v", id, err)
	}
	if got, err := svc.TokenUser(ctx, token); err != nil || got.ID != u.ID {
		t.Errorf("the new user's token: %v %v", got, err)
	}
	tokens, _ := svc.Tokens(ctx, u.ID)
	if err := svc.RevokeToken(ctx, auth.CLI, u.ID, tokens[0].ID); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.TokenUser(ctx, token); !errors.Is(err, auth.ErrUnauthenticated) {
		t.Errorf("a revoked token: %v", err)
	}
	audited := svc.AuditedStore(a.Store)
	for _, id := range []stix.ID{storetest.FixtureRed, storetest.FixtureGreen} {
		if _, err := audited.Get(auth.WithRequest(ctx, auth.Actor{Name: "admin@tipster.local"}, id), store.LocalAdmin, id); err != nil {
			t.Fatal(err)
		}
	}
	entries, err := svc.AuditLog(ctx, u.Viewer(), auth.AuditQuery{Action: auth.ActionExport})
	if err != nil || len(entries) != 1 || entries[0].ObjectID != storetest.FixtureGreen {
		t.Errorf("a TLP:GREEN reader's exports in the audit log: %+v %v", entries, err)
	}
	all, err := svc.AuditLog(ctx, store.LocalAdmin, auth.AuditQuery{})
	if err != nil || len(all) < 10 || all[0].Action != auth.ActionExport {
		t.Errorf("the whole audit log: %d entries, %v", len(all), err)
	}
}
