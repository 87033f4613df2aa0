package cli

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/tipster-cti/tipster/internal/store/migrate"
	"github.com/tipster-cti/tipster/internal/store/postgres/pgtest"
)

// tableLine matches the report line of one table: its name, the rows in
// both stores, those copied and those already there.
func tableLine(out, table string) []string {
	re := regexp.MustCompile(`(?m)^  ` + table + ` +(\d+) in both stores \((\d+) copied, (\d+) already there\)$`)
	return re.FindStringSubmatch(out)
}

func TestMigrateCopiesUsersTokensAndAuditLogsAndCanRunTwice(t *testing.T) {
	if os.Getenv(pgtest.EnvURL) == "" {
		t.Skipf("PostgreSQL not available: %s is not set (scripts/test sets it)", pgtest.EnvURL)
	}
	dir := t.TempDir()
	sqliteEnv := map[string]string{"APP__DATA_DIR": dir}
	if code, _, errOut := run(t, sqliteEnv, "import", needData(t, "cti-documentation/poisonivy.json")); code != 0 {
		t.Fatalf("import: %s", errOut)
	}
	code, out, errOut := run(t, sqliteEnv, "user", "add", "ana@example.org", "--role", "analyst", "--clearance", "TLP:AMBER")
	if code != 0 {
		t.Fatalf("user add: %s", errOut)
	}
	token := strings.TrimSpace(out)
	_, out, _ = run(t, sqliteEnv, "search", "--type", "malware", "poison ivy")
	id := regexp.MustCompile(`malware--[0-9a-f-]{36}`).FindString(out)
	if code, _, errOut := run(t, sqliteEnv, "ask", "summarize", "--object", id); code != 0 {
		t.Fatalf("ask (offline engine): %s", errOut)
	}

	url := pgtest.Schema(t)
	want := map[string][3]string{ // rows, copied, already there
		"users": {"1", "1", "0"}, "api_tokens": {"1", "1", "0"}, "ai_audit": {"1", "1", "0"},
		"sessions": {"0", "0", "0"}, "ai_provenance": {"0", "0", "0"},
	}
	for pass := range 2 {
		code, out, errOut := run(t, nil, "migrate", "--from", dir, "--to", url)
		if code != 0 {
			t.Fatalf("migrate, pass %d, exit %d:\n%s\n%s", pass+1, code, out, errOut)
		}
		for table, w := range want {
			if pass == 1 {
				w = [3]string{w[0], "0", w[0]}
			}
			if m := tableLine(out, table); m == nil || [3]string{m[1], m[2], m[3]} != w {
				t.Errorf("pass %d: %s line %q, want %v rows, copied, already there:\n%s", pass+1, table, m, w, out)
			}
		}
		// user add writes an entry; the count is the source's.
		if m := tableLine(out, "audit_log"); m == nil || m[1] == "0" || (pass == 1 && m[2] != "0") {
			t.Errorf("pass %d: audit_log line %q:\n%s", pass+1, m, out)
		}
		if !strings.Contains(out, migrate.NotCopied) {
			t.Errorf("pass %d: the report does not say what is not copied:\n%s", pass+1, out)
		}
	}
	pgEnv := map[string]string{"DATABASE__URL": url}
	u, err := tokenUser(t, pgEnv, token)
	if err != nil || u.Email != "ana@example.org" || u.Clearance.String() != "TLP:AMBER" || u.Role != "analyst" {
		t.Fatalf("the token made on SQLite, on PostgreSQL after migrate: %v, %v", u, err)
	}
	if code, list, _ := run(t, pgEnv, "user", "list"); code != 0 || !strings.Contains(list, "ana@example.org") {
		t.Errorf("user list on PostgreSQL after migrate: %s", list)
	}
	// A user added on PostgreSQL afterwards gets a new id.
	if code, _, errOut := run(t, pgEnv, "user", "add", "bo@example.org"); code != 0 {
		t.Errorf("user add on PostgreSQL after migrate: %s", errOut)
	}
}
