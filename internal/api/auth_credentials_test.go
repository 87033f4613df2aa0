package api_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tipster-cti/tipster/internal/auth"
	"github.com/tipster-cti/tipster/internal/store/storetest"
)

// aBundle is a one-object bundle to import.
const aBundle = `{"type":"bundle","id":"bundle--0f0f0f0f-0f0f-4f0f-8f0f-0f0f0f0f0f0f","objects":[
{"type":"malware","spec_version":"2.1","id":"malware--abababab-abab-4bab-8bab-abababababab",
 "created":"2024-02-01T00:00:00Z","modified":"2024-02-01T00:00:00Z","name":"Bluebell","is_family":true}]}`

// everyRoute is one request per API route, with whatever body.
var everyRoute = []request{
	{method: "GET", path: "/api/v1/objects"},
	{method: "GET", path: "/api/v1/objects/" + string(storetest.FixtureGreen)},
	{method: "GET", path: "/api/v1/objects/" + string(storetest.FixtureGreen) + "/bundle"},
	{method: "GET", path: "/api/v1/counts"},
	{method: "POST", path: "/api/v1/bundles", body: aBundle},
	{method: "GET", path: "/api/v1/me"},
	{method: "GET", path: "/api/v1/users"},
	{method: "POST", path: "/api/v1/users", body: `{"email":"x@example.org","role":"admin","clearance":"TLP:RED"}`},
	{method: "GET", path: "/api/v1/users/1"},
	{method: "PATCH", path: "/api/v1/users/1", body: `{"clearance":"TLP:RED"}`},
	{method: "POST", path: "/api/v1/users/1/password", body: `{}`},
	{method: "GET", path: "/api/v1/users/1/tokens"},
	{method: "POST", path: "/api/v1/users/1/tokens", body: `{}`},
	{method: "DELETE", path: "/api/v1/users/1/tokens/1"},
	{method: "GET", path: "/api/v1/audit"},
	{method: "GET", path: "/api/v1/no-such-route"},
}

func TestEveryRouteRefusesMissingOrBadCredentials(t *testing.T) {
	h := newHarness(t)
	expired, _, err := h.svc.IssueToken(context.Background(), auth.CLI, h.ids["admin@example.org"], "short", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	h.clock.Add(2 * time.Hour)
	cookie, _ := h.login("admin@example.org")
	creds := []struct {
		name  string
		apply func(*request)
	}{
		{"no credentials", func(*request) {}},
		{"an unknown token", func(r *request) { r.token = auth.TokenPrefix + strings.Repeat("A", 43) }},
		{"an expired token", func(r *request) { r.token = expired }},
		{"a token hash instead of the token", func(r *request) { r.token = fmt.Sprintf("%x", "nothing") }},
		{"Basic instead of Bearer", func(r *request) {
			r.header = map[string]string{"Authorization": "Basic YWRtaW5AZXhhbXBsZS5vcmc6eA=="}
		}},
		{"a bad token beside a good session cookie", func(r *request) {
			r.token, r.cookie = "tip_wrong", cookie
		}},
		{"an unknown session cookie", func(r *request) {
			r.cookie = &http.Cookie{Name: auth.CookieName, Value: "made-up"}
		}},
	}
	for _, c := range creds {
		for _, rt := range everyRoute {
			t.Run(c.name+": "+rt.method+" "+rt.path, func(t *testing.T) {
				r := rt
				c.apply(&r)
				got := h.do(r)
				if got.status != http.StatusUnauthorized {
					t.Fatalf("status %d, want 401: %s", got.status, got.body)
				}
				if got.header.Get("WWW-Authenticate") == "" {
					t.Error("401 without WWW-Authenticate")
				}
			})
		}
	}
	if n := countMalware(t, h, "Bluebell"); n != 0 {
		t.Errorf("an unauthenticated import wrote %d objects", n)
	}
}

func countMalware(t *testing.T, h *harness, name string) int {
	t.Helper()
	got := h.as("admin@example.org", "/api/v1/objects?type=malware&q="+name)
	return strings.Count(got.body, `"name":"`+name+`"`)
}

func TestRolesLimitWhatEachUserMayDo(t *testing.T) {
	h := newHarness(t)
	cases := []struct {
		name   string
		email  string
		r      request
		status int
	}{
		{"a viewer may not import", "green-viewer@example.org", request{method: "POST", path: "/api/v1/bundles", body: aBundle}, 403},
		{"a viewer may not list users", "green-viewer@example.org", request{path: "/api/v1/users"}, 403},
		{"a viewer may not read the audit log", "green-viewer@example.org", request{path: "/api/v1/audit"}, 403},
		{"a viewer may not raise its own clearance", "green-viewer@example.org",
			request{method: "PATCH", path: "/api/v1/users/4", body: `{"clearance":"TLP:RED"}`}, 403},
		{"a viewer may not give itself a token", "green-viewer@example.org",
			request{method: "POST", path: "/api/v1/users/4/tokens", body: `{}`}, 403},
		{"an analyst may not create users", "green-analyst@example.org",
			request{method: "POST", path: "/api/v1/users", body: `{"email":"y@example.org","role":"admin","clearance":"TLP:RED"}`}, 403},
		{"an analyst may not read the audit log", "green-analyst@example.org", request{path: "/api/v1/audit"}, 403},
		{"a viewer may read who it is", "green-viewer@example.org", request{path: "/api/v1/me"}, 200},
		{"an analyst may import", "green-analyst@example.org", request{method: "POST", path: "/api/v1/bundles", body: aBundle}, 200},
		{"an admin may list users", "green-admin@example.org", request{path: "/api/v1/users"}, 200},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.r.token = h.token[c.email]
			got := h.do(c.r)
			if got.status != c.status {
				t.Fatalf("status %d, want %d: %s", got.status, c.status, got.body)
			}
		})
	}
	u, err := h.svc.User(context.Background(), h.ids["green-viewer@example.org"])
	if err != nil || u.Clearance.String() != "TLP:GREEN" {
		t.Errorf("the viewer's clearance changed: %v %v", u, err)
	}
}

func TestRevokedTokenStopsAtOnce(t *testing.T) {
	h := newHarness(t)
	email := "green-viewer@example.org"
	if got := h.as(email, "/api/v1/counts"); got.status != 200 {
		t.Fatalf("a fresh token answered %d", got.status)
	}
	path := fmt.Sprintf("/api/v1/users/%d/tokens", h.ids[email])
	list := decodeJSON[struct{ Tokens []tokenInfo }](t, h.as("admin@example.org", path).body)
	if len(list.Tokens) != 1 || list.Tokens[0].Hint != h.token[email][:8] {
		t.Fatalf("tokens listed: %+v", list.Tokens)
	}
	del := h.do(request{method: "DELETE", path: fmt.Sprintf("%s/%d", path, list.Tokens[0].ID), token: h.token["admin@example.org"]})
	if del.status != http.StatusNoContent {
		t.Fatalf("revoke answered %d: %s", del.status, del.body)
	}
	if got := h.as(email, "/api/v1/counts"); got.status != 401 {
		t.Errorf("a revoked token answered %d", got.status)
	}
	if got := h.as("admin@example.org", path); !strings.Contains(got.body, `"revoked"`) {
		t.Errorf("the listing does not show the token revoked: %s", got.body)
	}
}

type tokenInfo struct {
	ID   int64  `json:"id"`
	Hint string `json:"hint"`
}

func TestTokenExpiresAtItsTime(t *testing.T) {
	h := newHarness(t)
	path := fmt.Sprintf("/api/v1/users/%d/tokens", h.ids["green-viewer@example.org"])
	created := h.do(request{method: "POST", path: path, body: `{"name":"ci","expires_in":"1h"}`, token: h.token["admin@example.org"]})
	token := decodeJSON[struct{ Token string }](t, created.body).Token
	if !strings.HasPrefix(token, auth.TokenPrefix) {
		t.Fatalf("new token %q lacks the prefix: %s", token, created.body)
	}
	h.clock.Add(59 * time.Minute)
	if got := h.do(request{path: "/api/v1/counts", token: token}); got.status != 200 {
		t.Errorf("a token before its expiry answered %d", got.status)
	}
	h.clock.Add(time.Minute)
	if got := h.do(request{path: "/api/v1/counts", token: token}); got.status != 401 {
		t.Errorf("a token at its expiry answered %d", got.status)
	}
}

func TestDisabledUserIsLockedOutEverywhere(t *testing.T) {
	h := newHarness(t)
	email := "green-analyst@example.org"
	cookie, _ := h.login(email)
	patch := h.do(request{method: "PATCH", path: fmt.Sprintf("/api/v1/users/%d", h.ids[email]),
		body: `{"disabled":true}`, token: h.token["admin@example.org"]})
	if patch.status != 200 {
		t.Fatalf("disable answered %d: %s", patch.status, patch.body)
	}
	if got := h.as(email, "/api/v1/counts"); got.status != 401 {
		t.Errorf("a disabled user's token answered %d", got.status)
	}
	if got := h.do(request{path: "/api/v1/counts", cookie: cookie}); got.status != 401 {
		t.Errorf("a disabled user's session answered %d", got.status)
	}
	if _, err := h.svc.Login(context.Background(), email, testPassword, "192.0.2.9", ""); err != auth.ErrInvalidCredentials {
		t.Errorf("a disabled user logged in: %v", err)
	}
}

func TestSessionRequestsThatChangeStateNeedTheCSRFToken(t *testing.T) {
	h := newHarness(t)
	cookie, csrf := h.login("green-analyst@example.org")
	admin, adminCSRF := h.login("admin@example.org")
	cases := []struct {
		name   string
		r      request
		status int
	}{
		{"an import without the token is refused", request{method: "POST", path: "/api/v1/bundles", body: aBundle, cookie: cookie}, 403},
		{"an import with another session's token is refused",
			request{method: "POST", path: "/api/v1/bundles", body: aBundle, cookie: cookie, csrf: adminCSRF}, 403},
		{"an import with the token in a form field of a JSON body is refused",
			request{method: "POST", path: "/api/v1/bundles?csrf_token=" + csrf, body: aBundle, cookie: cookie}, 403},
		{"a user change without the token is refused",
			request{method: "PATCH", path: "/api/v1/users/4", body: `{"role":"admin"}`, cookie: admin}, 403},
		{"a token revocation without the token is refused",
			request{method: "DELETE", path: "/api/v1/users/1/tokens/1", cookie: admin}, 403},
		{"a read needs no token", request{path: "/api/v1/counts", cookie: cookie}, 200},
		{"an import with the session's token is accepted",
			request{method: "POST", path: "/api/v1/bundles", body: aBundle, cookie: cookie, csrf: csrf}, 200},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := h.do(c.r)
			if got.status != c.status {
				t.Fatalf("status %d, want %d: %s", got.status, c.status, got.body)
			}
		})
	}
	if u, _ := h.svc.User(context.Background(), 4); u.Role != "viewer" {
		t.Errorf("a change without CSRF token went through: role %s", u.Role)
	}
	bearer := h.do(request{method: "POST", path: "/api/v1/bundles", body: aBundle, token: h.token["green-analyst@example.org"]})
	if bearer.status != 200 {
		t.Errorf("a Bearer-token import needs no CSRF token, but answered %d", bearer.status)
	}
}

func TestSessionEndsAfterInactivityAndAtItsMaximumAge(t *testing.T) {
	h := newHarness(t)
	cookie, _ := h.login("green-viewer@example.org")
	for i := range 15 { // active every 11 hours: alive for days, until the 7-day cap
		h.clock.Add(11 * time.Hour)
		got := h.do(request{path: "/api/v1/counts", cookie: cookie})
		alive := time.Duration(i+1)*11*time.Hour < 7*24*time.Hour
		if (got.status == 200) != alive {
			t.Fatalf("after %d hours of activity the session answered %d", (i+1)*11, got.status)
		}
	}
	idle, _ := h.login("green-viewer@example.org")
	h.clock.Add(12*time.Hour + time.Second)
	if got := h.do(request{path: "/api/v1/counts", cookie: idle}); got.status != 401 {
		t.Errorf("a session idle for 12 hours answered %d", got.status)
	}
}
