package api_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tipster-cti/tipster/internal/auth"
)

// postLogin posts the login form to HandleLogin with the given session
// cookie, and returns the response.
func postLogin(t *testing.T, svc *auth.Service, email, password, next string, cookie *http.Cookie, origin string) *http.Response {
	t.Helper()
	form := url.Values{"email": {email}, "password": {password}, "next": {next}}
	r := httptest.NewRequest("POST", "http://tipster.test/login", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.RemoteAddr = "198.51.100.4:5555"
	if cookie != nil {
		r.AddCookie(cookie)
	}
	if origin != "" {
		r.Header.Set("Origin", origin)
	}
	w := httptest.NewRecorder()
	svc.HandleLogin(w, r)
	return w.Result()
}

func sessionCookie(resp *http.Response) *http.Cookie {
	for _, c := range resp.Cookies() {
		if strings.HasSuffix(c.Name, auth.CookieName) && c.Value != "" {
			return c
		}
	}
	return nil
}

func TestLoginNeverPromotesAPlantedSessionID(t *testing.T) {
	h := newHarness(t)
	// The attacker logs in, then plants their own session cookie in the
	// victim's browser, and also tries a made-up one.
	attacker, _ := h.login("green-viewer@example.org")
	for _, planted := range []*http.Cookie{attacker, {Name: auth.CookieName, Value: "attacker-chosen-session-id"}} {
		resp := postLogin(t, h.svc, "admin@example.org", testPassword, "/", planted, "")
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("login answered %d", resp.StatusCode)
		}
		got := sessionCookie(resp)
		if got == nil || got.Value == planted.Value {
			t.Fatalf("login kept the planted session id: %v", got)
		}
		if r := h.do(request{path: "/api/v1/me", cookie: planted}); r.status != 401 {
			t.Errorf("the planted session still works after the victim's login (%d): %s", r.status, r.body)
		}
		if r := h.do(request{path: "/api/v1/me", cookie: got}); !strings.Contains(r.body, "admin@example.org") {
			t.Errorf("the new session is not the victim's: %s", r.body)
		}
	}
}

func TestLoginCookieIsHttpOnlySameSiteAndSecureWhenAsked(t *testing.T) {
	h := newHarness(t)
	resp := postLogin(t, h.svc, "admin@example.org", testPassword, "/", nil, "")
	c := sessionCookie(resp)
	if c == nil || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Secure {
		t.Errorf("plain-HTTP session cookie: %+v", c)
	}
	secure := auth.New(h.st.Auth(), auth.Options{Password: cheap, CookieSecure: true, Now: h.clock.Now}, nil)
	c = sessionCookie(postLogin(t, secure, "admin@example.org", testPassword, "/", nil, ""))
	if c == nil || !c.Secure || !c.HttpOnly || c.Name != "__Host-"+auth.CookieName {
		t.Errorf("HTTPS session cookie: %+v", c)
	}
}

func TestLoginFormRefusesOtherSitesAndOffSiteRedirects(t *testing.T) {
	h := newHarness(t)
	if resp := postLogin(t, h.svc, "admin@example.org", testPassword, "/", nil, "https://evil.example"); resp.StatusCode != 403 || sessionCookie(resp) != nil {
		t.Errorf("a login posted from another site answered %d", resp.StatusCode)
	}
	for next, want := range map[string]string{
		"/objects/x?tab=1":      "/objects/x?tab=1",
		"//evil.example/":       "/",
		"https://evil.example/": "/",
		"/\\evil.example":       "/",
		"javascript:alert(1)":   "/",
		"":                      "/",
	} {
		resp := postLogin(t, h.svc, "admin@example.org", testPassword, next, nil, "http://tipster.test")
		if loc := resp.Header.Get("Location"); loc != want {
			t.Errorf("next=%q sent the browser to %q, want %q", next, loc, want)
		}
	}
}

func TestBruteForceLoginIsRateLimited(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	email := "green-viewer@example.org"
	for i := range auth.DefaultLimit.PerEmail {
		if _, err := h.svc.Login(ctx, email, fmt.Sprintf("guess number %d", i), "203.0.113.7", ""); !errors.Is(err, auth.ErrInvalidCredentials) {
			t.Fatalf("guess %d: %v", i, err)
		}
	}
	// The right password no longer helps, from any address.
	_, err := h.svc.Login(ctx, email, testPassword, "203.0.113.99", "")
	var rl *auth.RateLimitError
	if !errors.As(err, &rl) || rl.RetryAfter <= 0 || rl.RetryAfter > auth.DefaultLimit.Window {
		t.Fatalf("login after %d failures: %v", auth.DefaultLimit.PerEmail, err)
	}
	resp := postLogin(t, h.svc, email, testPassword, "/", nil, "")
	if loc := resp.Header.Get("Location"); !strings.Contains(loc, "error=rate") || sessionCookie(resp) != nil {
		t.Errorf("the login form during the lockout sent the browser to %q", loc)
	}
	// Other accounts are not locked by one account's failures.
	if _, err := h.svc.Login(ctx, "green-analyst@example.org", testPassword, "203.0.113.99", ""); err != nil {
		t.Errorf("another account was locked too: %v", err)
	}
	h.clock.Add(auth.DefaultLimit.Window + time.Second)
	if _, err := h.svc.Login(ctx, email, testPassword, "203.0.113.99", ""); err != nil {
		t.Errorf("login after the window: %v", err)
	}
}

func TestOneAddressGuessingManyAccountsIsRateLimited(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	for i := range auth.DefaultLimit.PerRemote {
		email := fmt.Sprintf("nobody%d@example.org", i)
		if _, err := h.svc.Login(ctx, email, "wrong password", "203.0.113.8", ""); !errors.Is(err, auth.ErrInvalidCredentials) {
			t.Fatalf("guess %d: %v", i, err)
		}
	}
	_, err := h.svc.Login(ctx, "admin@example.org", testPassword, "203.0.113.8", "")
	var rl *auth.RateLimitError
	if !errors.As(err, &rl) {
		t.Errorf("the %dth guess from one address: %v", auth.DefaultLimit.PerRemote+1, err)
	}
	if _, err := h.svc.Login(ctx, "admin@example.org", testPassword, "203.0.113.200", ""); err != nil {
		t.Errorf("another address was locked too: %v", err)
	}
}

func TestUnknownAccountsFailLikeWrongPasswords(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	_, unknown := h.svc.Login(ctx, "nobody@example.org", testPassword, "192.0.2.50", "")
	_, wrong := h.svc.Login(ctx, "admin@example.org", "not the password at all", "192.0.2.51", "")
	if unknown != auth.ErrInvalidCredentials || wrong != auth.ErrInvalidCredentials {
		t.Errorf("unknown account: %v; wrong password: %v", unknown, wrong)
	}
}

func TestLogoutEndsTheSession(t *testing.T) {
	h := newHarness(t)
	cookie, _ := h.login("green-viewer@example.org")
	if err := h.svc.Logout(context.Background(), cookie.Value, "192.0.2.1"); err != nil {
		t.Fatal(err)
	}
	if got := h.do(request{path: "/api/v1/me", cookie: cookie}); got.status != 401 {
		t.Errorf("a logged-out session answered %d", got.status)
	}
}
