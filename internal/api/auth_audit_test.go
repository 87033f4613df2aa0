package api_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/tipster-cti/tipster/internal/api"
	"github.com/tipster-cti/tipster/internal/store/storetest"
)

func TestAdminCreatesUserWhoseTokenIsShownOnceAndStoredHashed(t *testing.T) {
	h := newHarness(t)
	admin := h.token["admin@example.org"]
	created := h.do(request{method: "POST", path: "/api/v1/users", token: admin,
		body: `{"email":"New.Analyst@Example.org","role":"analyst","clearance":"amber","password":"a long enough passphrase"}`})
	if created.status != 201 {
		t.Fatalf("create answered %d: %s", created.status, created.body)
	}
	out := decodeJSON[struct {
		User  api.UserOut
		Token string
	}](t, created.body)
	if out.User.Email != "new.analyst@example.org" || out.User.Clearance != "TLP:AMBER" || out.User.Role != "analyst" {
		t.Errorf("created %+v", out.User)
	}
	me := h.do(request{path: "/api/v1/me", token: out.Token})
	if !strings.Contains(me.body, "new.analyst@example.org") {
		t.Fatalf("the new token does not work: %d %s", me.status, me.body)
	}
	for _, path := range []string{"/api/v1/users", fmt.Sprintf("/api/v1/users/%d/tokens", out.User.ID), "/api/v1/audit"} {
		body := h.as("admin@example.org", path).body
		for _, secret := range []string{out.Token, "argon2id", "a long enough passphrase"} {
			if strings.Contains(body, secret) {
				t.Errorf("%s shows a secret: %s", path, body)
			}
		}
	}
	assertSecretsNotStored(t, h, out.Token, "a long enough passphrase")
}

// assertSecretsNotStored reads every text column of the access-control
// tables and fails when one holds a secret in clear.
func assertSecretsNotStored(t *testing.T, h *harness, secrets ...string) {
	t.Helper()
	hashes := 0
	for _, ph := range columnTexts(t, h.st, `SELECT password_hash FROM users`) {
		if strings.HasPrefix(ph, "$argon2id$v=19$") {
			hashes++
		}
	}
	if hashes != len(harnessUsers)+1 {
		t.Errorf("%d passwords are Argon2id hashes, want %d", hashes, len(harnessUsers)+1)
	}
	for _, q := range []string{
		`SELECT email || password_hash FROM users`,
		`SELECT name || hash || hint FROM api_tokens`,
		`SELECT hash || csrf FROM sessions`,
		`SELECT actor || target || detail FROM audit_log`,
	} {
		for _, s := range columnTexts(t, h.st, q) {
			for _, secret := range secrets {
				if strings.Contains(s, secret) {
					t.Errorf("%q holds a secret in clear", q)
				}
			}
		}
	}
}

func TestUserChangesThatMustFail(t *testing.T) {
	h := newHarness(t)
	admin := h.token["admin@example.org"]
	cases := []struct {
		name, method, path, body string
		status                   int
	}{
		{"an e-mail taken in another case", "POST", "/api/v1/users", `{"email":"ADMIN@example.org","role":"viewer","clearance":"GREEN"}`, 409},
		{"a short password", "POST", "/api/v1/users", `{"email":"z@example.org","role":"viewer","clearance":"GREEN","password":"short"}`, 400},
		{"an unknown role", "POST", "/api/v1/users", `{"email":"z@example.org","role":"root","clearance":"GREEN"}`, 400},
		{"an unknown clearance", "POST", "/api/v1/users", `{"email":"z@example.org","role":"viewer","clearance":"TLP:PURPLE"}`, 400},
		{"not an e-mail address", "POST", "/api/v1/users", `{"email":"z","role":"viewer","clearance":"GREEN"}`, 400},
		{"an unknown field", "PATCH", "/api/v1/users/4", `{"is_admin":true}`, 400},
		{"an absent user", "PATCH", "/api/v1/users/999", `{"disabled":true}`, 404},
		{"an absent token", "DELETE", "/api/v1/users/4/tokens/999", ``, 404},
		{"another user's token", "DELETE", "/api/v1/users/4/tokens/1", ``, 404},
	}
	for _, c := range cases {
		t.Run(c.name+" is refused", func(t *testing.T) {
			got := h.do(request{method: c.method, path: c.path, body: c.body, token: admin})
			if got.status != c.status {
				t.Fatalf("status %d, want %d: %s", got.status, c.status, got.body)
			}
			if strings.Contains(got.body, "sqlite") || strings.Contains(got.body, "SQL") {
				t.Errorf("internal error text reached the client: %s", got.body)
			}
		})
	}
	// With the other admin disabled, the last one cannot be demoted or disabled.
	h.do(request{method: "PATCH", path: fmt.Sprintf("/api/v1/users/%d", h.ids["green-admin@example.org"]), body: `{"disabled":true}`, token: admin})
	for _, body := range []string{`{"role":"viewer"}`, `{"disabled":true}`} {
		got := h.do(request{method: "PATCH", path: fmt.Sprintf("/api/v1/users/%d", h.ids["admin@example.org"]), body: body, token: admin})
		if got.status != 409 {
			t.Errorf("%s on the last admin answered %d: %s", body, got.status, got.body)
		}
	}
}

func TestResetPasswordEndsSessionsAndReturnsGeneratedPasswordOnce(t *testing.T) {
	h := newHarness(t)
	email := "green-viewer@example.org"
	cookie, _ := h.login(email)
	got := h.do(request{method: "POST", path: fmt.Sprintf("/api/v1/users/%d/password", h.ids[email]), token: h.token["admin@example.org"]})
	pw := decodeJSON[struct{ Password string }](t, got.body).Password
	if got.status != 200 || len(pw) < 12 {
		t.Fatalf("reset answered %d: %s", got.status, got.body)
	}
	if r := h.do(request{path: "/api/v1/me", cookie: cookie}); r.status != 401 {
		t.Errorf("a session from before the reset answered %d", r.status)
	}
	if _, err := h.svc.Login(context.Background(), email, pw, "192.0.2.3", ""); err != nil {
		t.Errorf("the new password does not log in: %v", err)
	}
	if _, err := h.svc.Login(context.Background(), email, testPassword, "192.0.2.3", ""); err == nil {
		t.Error("the old password still logs in")
	}
}

type auditPage struct {
	Entries []api.EntryOut
}

func TestAuditLogRecordsAccessAndHidesEntriesAboveTheReadersClearance(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	h.svc.Login(ctx, "green-viewer@example.org", "a wrong password", "192.0.2.77", "")
	h.login("green-analyst@example.org")
	red, green := string(storetest.FixtureRed), string(storetest.FixtureGreen)
	h.as("admin@example.org", "/api/v1/objects/"+red+"/bundle")
	h.as("admin@example.org", "/api/v1/objects/"+green+"/bundle")
	h.as("green-viewer@example.org", "/api/v1/objects/"+red+"/bundle")
	h.do(request{method: "POST", path: "/api/v1/bundles", body: aBundle, token: h.token["green-analyst@example.org"]})
	h.do(request{method: "POST", path: "/api/v1/bundles", body: `{"type":"bundle",`, token: h.token["green-analyst@example.org"]})
	h.do(request{method: "PATCH", path: "/api/v1/users/4", body: `{"clearance":"TLP:AMBER"}`, token: h.token["admin@example.org"]})

	all := decodeJSON[auditPage](t, h.as("admin@example.org", "/api/v1/audit?limit=1000").body).Entries
	want := []string{
		"user.update green-viewer@example.org ok by admin@example.org",
		"import bundle failed by green-analyst@example.org",
		"import bundle ok by green-analyst@example.org",
		"export " + red + " denied by green-viewer@example.org",
		"export " + green + " ok by admin@example.org",
		"export " + red + " ok by admin@example.org",
		"login green-analyst@example.org ok by green-analyst@example.org",
		"login green-viewer@example.org failed by green-viewer@example.org",
	}
	var got []string
	for _, e := range all[:len(want)] {
		got = append(got, fmt.Sprintf("%s %s %s by %s", e.Action, e.Target, e.Outcome, e.Actor))
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("audit log, newest first:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if all[0].Remote != "127.0.0.1" || all[len(want)-1].Remote != "192.0.2.77" {
		t.Errorf("remote addresses: %q %q", all[0].Remote, all[len(want)-1].Remote)
	}
	if !strings.Contains(all[2].Detail, "1 created") {
		t.Errorf("import detail: %q", all[2].Detail)
	}
	body := h.as("green-admin@example.org", "/api/v1/audit?limit=1000").body
	assertNoLeak(t, "a TLP:GREEN admin's audit log", body)
	if !strings.Contains(body, green) || !strings.Contains(body, "import") {
		t.Errorf("a TLP:GREEN admin's audit log misses visible entries: %s", body)
	}
	page := decodeJSON[auditPage](t, h.as("admin@example.org", "/api/v1/audit?action=export&actor=admin@example.org").body).Entries
	if len(page) != 2 {
		t.Errorf("filtered audit log: %+v", page)
	}
}
