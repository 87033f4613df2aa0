package migrate_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/tipster-cti/tipster/internal/ai"
	"github.com/tipster-cti/tipster/internal/auth"
	"github.com/tipster-cti/tipster/internal/stix"
	"github.com/tipster-cti/tipster/internal/store"
	"github.com/tipster-cti/tipster/internal/store/migrate"
	"github.com/tipster-cti/tipster/internal/store/postgres"
	"github.com/tipster-cti/tipster/internal/store/postgres/pgtest"
	"github.com/tipster-cti/tipster/internal/store/sqlite"
	"github.com/tipster-cti/tipster/internal/store/storetest"
)

// Both backends keep every table a copy carries.
var (
	_ migrate.TableSource = (*sqlite.DB)(nil)
	_ migrate.TableTarget = (*postgres.DB)(nil)
)

// tableRows is what a source holds beside its objects, to check a copy.
type tableRows struct {
	admin, viewer auth.User
	token         string // hash of the admin's token in force
	revoked       string // hash of a revoked token
	session       string // hash of the admin's session
	aiAudit       int64  // id of the AI audit entry with provenance
}

// now is a time both stores keep exactly (they keep microseconds).
var now = time.Now().UTC().Truncate(time.Microsecond)

// fillTables writes users, tokens, a session, a failed login, audit
// entries, AI audit entries and provenance into the SQLite store s.
func fillTables(t *testing.T, s *sqlite.DB) tableRows {
	t.Helper()
	r := s.Auth()
	var rows tableRows
	rows.admin = auth.User{Email: "Ana@Example.org", PasswordHash: "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA",
		Role: store.RoleAdmin, Clearance: stix.TLPRed, Created: now.Add(-48 * time.Hour), Updated: now.Add(-time.Hour)}
	rows.viewer = auth.User{Email: "bo@example.org", Role: store.RoleViewer, Clearance: stix.TLPGreen, Disabled: true,
		Created: now.Add(-24 * time.Hour), Updated: now.Add(-24 * time.Hour)}
	for _, u := range []*auth.User{&rows.admin, &rows.viewer} {
		if err := r.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	rows.token, rows.revoked = strings.Repeat("ab", 32), strings.Repeat("cd", 32)
	live := auth.Token{UserID: rows.admin.ID, Name: "ci", Hint: "tip_ab", Hash: rows.token, Created: now.Add(-time.Hour),
		Expires: now.Add(30 * 24 * time.Hour)}
	gone := auth.Token{UserID: rows.admin.ID, Name: "old", Hint: "tip_cd", Hash: rows.revoked,
		Created: now.Add(-2 * time.Hour)}
	for _, tok := range []*auth.Token{&live, &gone} {
		if err := r.CreateToken(ctx, tok); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.RevokeToken(ctx, rows.admin.ID, gone.ID, now.Add(-time.Minute)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := r.TokenUser(ctx, rows.token, now.Add(-30*time.Minute)); err != nil { // sets last_used
		t.Fatal(err)
	}
	rows.session = strings.Repeat("ef", 32)
	if err := r.CreateSession(ctx, &auth.Session{Hash: rows.session, UserID: rows.admin.ID, CSRF: "csrf-token",
		Created: now.Add(-10 * time.Minute), LastSeen: now.Add(-time.Minute), Expires: now.Add(12 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if err := r.AddFailure(ctx, "bo@example.org", "192.0.2.7", now.Add(-5*time.Minute)); err != nil {
		t.Fatal(err)
	}
	for _, e := range []auth.Entry{
		{At: now.Add(-3 * time.Minute), Actor: "cli", Action: auth.Action("user.create"), Target: "bo@example.org",
			Outcome: auth.Outcome("ok"), Detail: "viewer"},
		{At: now.Add(-2 * time.Minute), Actor: "ana@example.org", Action: auth.Action("export"),
			Target: string(storetest.FixtureMixedReport), ObjectID: storetest.FixtureMixedReport, Remote: "192.0.2.1",
			Outcome: auth.Outcome("ok")},
	} {
		if err := r.AppendAudit(ctx, &e); err != nil {
			t.Fatal(err)
		}
	}
	a := s.AI()
	var err error
	rows.aiAudit, err = a.RecordAudit(ctx, ai.Entry{At: now.Add(-90 * time.Second), User: "ana@example.org",
		Operation: ai.Summarize, ObjectIDs: []stix.ID{storetest.FixtureMixedReport}, Engine: "ollama",
		Model: "llama3:latest", EndpointHost: "127.0.0.1:11434", Location: ai.Local, TLP: stix.TLPRed, BytesSent: 1200,
		BytesReceived: 300, Duration: 4200, Outcome: ai.OutcomeOK, Chunks: 1, ContentSent: "prompt",
		ContentReceived: "answer"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.RecordAudit(ctx, ai.Entry{At: now.Add(-80 * time.Second), User: "ana@example.org",
		Operation: ai.FixSpelling, Engine: "builtin", Location: ai.Local, Outcome: "error: timeout",
		Chunks: 1}); err != nil {
		t.Fatal(err)
	}
	prov, err := a.AddProvenance(ctx, ai.Provenance{ObjectID: storetest.FixtureMixedReport, Field: "description",
		Mode: "replace", AuditID: rows.aiAudit, Model: "llama3:latest", PreviousText: "before", NewText: "after",
		AppliedBy: "ana@example.org", AppliedAt: now.Add(-time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.MarkReviewed(ctx, prov, "bo@example.org", now.Add(-30*time.Second)); err != nil {
		t.Fatal(err)
	}
	return rows
}

// tableSource is a SQLite store with the clearance fixture and rows in
// every table a copy carries.
func tableSource(t *testing.T) (*sqlite.DB, tableRows) {
	t.Helper()
	s, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	storetest.LoadClearanceFixture(t, s)
	return s, fillTables(t, s)
}

func TestCopyCarriesUsersSessionsAndAuditLogs(t *testing.T) {
	from, rows := tableSource(t)
	to := pgtest.New(t)
	rep, err := migrate.Copy(ctx, from, to, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []migrate.TableReport{
		{Name: "users", Rows: 2, Copied: 2}, {Name: "api_tokens", Rows: 2, Copied: 2},
		{Name: "sessions", Rows: 1, Copied: 1}, {Name: "audit_log", Rows: 2, Copied: 2},
		{Name: "ai_audit", Rows: 2, Copied: 2}, {Name: "ai_provenance", Rows: 1, Copied: 1},
	}
	if diff := cmp.Diff(want, rep.Tables); diff != "" || rep.TablesSkipped != "" {
		t.Errorf("tables of the report (-want +got):\n%s%s", diff, rep.TablesSkipped)
	}
	checkTables(t, from, to, rows)

	// A second copy adds nothing and still checks out.
	again, err := migrate.Copy(ctx, from, to, nil)
	if err != nil {
		t.Fatalf("second copy: %v", err)
	}
	for i := range want {
		want[i].Present, want[i].Copied = want[i].Rows, 0
	}
	if diff := cmp.Diff(want, again.Tables); diff != "" {
		t.Errorf("tables of the second copy's report (-want +got):\n%s", diff)
	}
	counts, err := to.TableCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]int{"users": 2, "api_tokens": 2, "sessions": 1, "audit_log": 2, "ai_audit": 2,
		"ai_provenance": 1}, counts); diff != "" {
		t.Errorf("rows in the target after two copies (-want +got):\n%s", diff)
	}

	// Rows made in the target afterwards get ids after the copied ones.
	u := auth.User{Email: "new@example.org", Role: store.RoleAnalyst, Clearance: stix.TLPAmber, Created: now, Updated: now}
	if err := to.Auth().CreateUser(ctx, &u); err != nil || u.ID <= rows.viewer.ID {
		t.Errorf("a user created after the copy: id %d (copied up to %d), %v", u.ID, rows.viewer.ID, err)
	}
	e := auth.Entry{At: now, Actor: "cli", Action: auth.Action("user.create"), Outcome: auth.Outcome("ok")}
	if err := to.Auth().AppendAudit(ctx, &e); err != nil || e.ID != 3 {
		t.Errorf("an audit entry after the copy: id %d, want 3; %v", e.ID, err)
	}
	id, err := to.AI().RecordAudit(ctx, ai.Entry{At: now, User: "x", Operation: ai.Summarize, Engine: "builtin",
		Outcome: ai.OutcomeOK, Chunks: 1})
	if err != nil || id != 3 {
		t.Errorf("an AI audit entry after the copy: id %d, want 3; %v", id, err)
	}
}

// checkTables checks that what the target's repositories answer is what
// the source's answer.
func checkTables(t *testing.T, from *sqlite.DB, to *postgres.DB, rows tableRows) {
	t.Helper()
	fa, ta := from.Auth(), to.Auth()
	wantUsers, err := fa.ListUsers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	gotUsers, err := ta.ListUsers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(wantUsers, gotUsers); diff != "" {
		t.Errorf("users (-source +target):\n%s", diff)
	}
	wantTokens, _ := fa.ListTokens(ctx, rows.admin.ID)
	gotTokens, err := ta.ListTokens(ctx, rows.admin.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(wantTokens, gotTokens); diff != "" {
		t.Errorf("tokens (-source +target):\n%s", diff)
	}
	// The token in force authenticates on the target; the revoked one
	// does not.
	at := now.Add(-20 * time.Minute)
	u, tok, err := ta.TokenUser(ctx, rows.token, at)
	if err != nil || u.ID != rows.admin.ID || tok.Name != "ci" || tok.Expires.IsZero() {
		t.Errorf("the admin's token on the target: %+v %+v %v", u, tok, err)
	}
	if _, _, err := ta.TokenUser(ctx, rows.revoked, at); !errors.Is(err, auth.ErrUnauthenticated) {
		t.Errorf("the revoked token on the target: %v, want ErrUnauthenticated", err)
	}
	// The browser session goes on, with its CSRF token.
	ses, su, err := ta.SessionUser(ctx, rows.session, now)
	if err != nil || su.ID != rows.admin.ID || ses.CSRF != "csrf-token" {
		t.Errorf("the admin's session on the target: %+v %+v %v", ses, su, err)
	}
	wantSes, _, _ := fa.SessionUser(ctx, rows.session, now)
	if diff := cmp.Diff(wantSes, ses); diff != "" {
		t.Errorf("session (-source +target):\n%s", diff)
	}
	q := auth.AuditQuery{Limit: 100}
	wantAudit, err := fa.ListAudit(ctx, stix.TLPRed, q)
	if err != nil {
		t.Fatal(err)
	}
	gotAudit, err := ta.ListAudit(ctx, stix.TLPRed, q)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(wantAudit, gotAudit); diff != "" || len(gotAudit) != 2 {
		t.Errorf("access audit log (-source +target), %d entries:\n%s", len(gotAudit), diff)
	}
	aq := ai.AuditQuery{Before: 1 << 62, Limit: 100}
	wantAI, err := from.AI().ListAudit(ctx, aq)
	if err != nil {
		t.Fatal(err)
	}
	gotAI, err := to.AI().ListAudit(ctx, aq)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(wantAI, gotAI); diff != "" || len(gotAI) != 2 {
		t.Errorf("AI audit log (-source +target), %d entries:\n%s", len(gotAI), diff)
	}
	wantProv, err := from.AI().ListProvenance(ctx, storetest.FixtureMixedReport)
	if err != nil {
		t.Fatal(err)
	}
	gotProv, err := to.AI().ListProvenance(ctx, storetest.FixtureMixedReport)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(wantProv, gotProv); diff != "" || len(gotProv) != 1 || gotProv[0].AuditID != rows.aiAudit ||
		gotProv[0].ReviewedAt == nil {
		t.Errorf("provenance (-source +target):\n%s", diff)
	}
}

func TestCopyRefusesATargetHoldingOtherUsers(t *testing.T) {
	from, _ := tableSource(t)
	to := pgtest.New(t)
	// A server started on the target first and made its own administrator.
	other := auth.User{Email: "root@example.org", Role: store.RoleAdmin, Clearance: stix.TLPRed, Created: now,
		Updated: now}
	if err := to.Auth().CreateUser(ctx, &other); err != nil {
		t.Fatal(err)
	}
	_, err := migrate.Copy(ctx, from, to, nil)
	if err == nil || !strings.Contains(err.Error(), "another row") || !strings.Contains(err.Error(), "empty database") {
		t.Fatalf("copy onto a target with another user under id %d: %v, want a refusal", other.ID, err)
	}
	// Nothing of the refused batch was written.
	users, err := to.Auth().ListUsers(ctx)
	if err != nil || len(users) != 1 || users[0].Email != "root@example.org" {
		t.Errorf("users of the target after the refusal: %+v %v", users, err)
	}
}

func TestCopyIntoAStoreThatCannotHoldUsersFails(t *testing.T) {
	from, _ := tableSource(t)
	_, err := migrate.Copy(ctx, from, openSQLite(t), nil)
	if err == nil || !strings.Contains(err.Error(), "users (2)") {
		t.Fatalf("copy of users into a store that cannot take them: %v, want an error naming them", err)
	}
}
