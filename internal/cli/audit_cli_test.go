package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tipster-cti/tipster/internal/auth"
	"github.com/tipster-cti/tipster/internal/config"
	"github.com/tipster-cti/tipster/internal/stix"
	"github.com/tipster-cti/tipster/internal/store"
)

const (
	auditIdentity = "identity--5e2b8a3c-1d4f-4b6a-9c7e-0f1a2b3c4d5e"
	auditMalware  = "malware--7c1d2e3f-4a5b-4c6d-8e9f-a0b1c2d3e4f5"
)

// auditBundle is two valid objects and one that is skipped (a bad id);
// modified sets the malware's version.
func auditBundle(modified string) string {
	return `{"type":"bundle","id":"bundle--0b7e1b52-3c0d-4f7e-9a61-2d8c5b7a9e10","objects":[
{"type":"identity","spec_version":"2.1","id":"` + auditIdentity + `","created":"2024-01-01T00:00:00.000Z",
 "modified":"2024-01-01T00:00:00.000Z","name":"Example Corp","identity_class":"organization"},
{"type":"malware","spec_version":"2.1","id":"` + auditMalware + `","created":"2024-01-01T00:00:00.000Z",
 "modified":"` + modified + `","name":"Audit Test RAT","is_family":true,"created_by_ref":"` + auditIdentity + `"},
{"type":"malware","spec_version":"2.1","id":"not-an-id","name":"broken"}]}`
}

// wantCLIActor is who the audit log should name for this test process.
func wantCLIActor(t *testing.T) auth.Actor {
	t.Helper()
	name := "cli"
	if u, err := user.Current(); err == nil && u.Username != "" {
		name = "cli:" + u.Username
	} else {
		t.Logf("the operating-system user has no name (%v): the actor is plain cli", err)
	}
	host, _ := os.Hostname()
	return auth.Actor{Name: name, Remote: host}
}

// auditLog reads the access audit log of env's store as reader.
func auditLog(t *testing.T, env map[string]string, reader store.Viewer, q auth.AuditQuery) []auth.Entry {
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
	q.Limit = 1000
	entries, err := svc.AuditLog(context.Background(), reader, q)
	if err != nil {
		t.Fatal(err)
	}
	return entries
}

func entryLine(e auth.Entry) string {
	return fmt.Sprintf("%s %s %s [%s] object=%s", e.Action, e.Target, e.Outcome, e.Detail, e.ObjectID)
}

func TestCLIImportsAndExportsAreAudited(t *testing.T) {
	forEachBackend(t, testCLIAudit)
}

// testCLIAudit imports a file, standard input, a broken file and a
// document with the command line, exports an object, and reads each back
// from the access audit log with the command line's actor and counts.
func testCLIAudit(t *testing.T, env map[string]string) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.json")
	broken := filepath.Join(dir, "broken.json")
	notes := filepath.Join(dir, "notes.txt")
	os.WriteFile(good, []byte(auditBundle("2024-01-01T00:00:00.000Z")), 0o600)
	// The first object is well formed, the second breaks the JSON.
	os.WriteFile(broken, []byte(`[{"type":"identity","spec_version":"2.1","id":"identity--9d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6",
"created":"2024-01-01T00:00:00.000Z","modified":"2024-01-01T00:00:00.000Z","name":"Never Stored","identity_class":"organization"},
{"type":"malware",,}]`), 0o600)
	os.WriteFile(notes, []byte("Operation Audit\n\nThe actor sent phishing mail from 203.0.113.45 and "+
		"staged payloads on hxxp://update-check[.]example/payload.bin for CVE-2021-44228.\n"), 0o600)

	if code, out, errOut := run(t, env, "import", good); code != 0 ||
		!strings.Contains(out, "2 created, 0 updated, 0 unchanged, 1 skipped") {
		t.Fatalf("import of a file: exit %d\n%s\n%s", code, out, errOut)
	}
	if code, out, errOut := runIn(t, env, auditBundle("2024-02-01T00:00:00.000Z"), "import", "-"); code != 0 ||
		!strings.Contains(out, "0 created, 1 updated, 1 unchanged, 1 skipped") {
		t.Fatalf("import of stdin: exit %d\n%s\n%s", code, out, errOut)
	}
	if code, out, errOut := run(t, env, "import", broken); code != 1 || !strings.Contains(errOut, "nothing from this file was imported") {
		t.Fatalf("import of a broken file: exit %d\n%s\n%s", code, out, errOut)
	}
	if code, _, errOut := run(t, env, "show", "identity--9d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6"); code == 0 {
		t.Fatalf("an object of the broken file was stored: %s", errOut)
	}
	code, out, errOut := run(t, env, "import", "--json", "--marking", "TLP:RED", notes)
	var rep struct{ Documents []docResult }
	if code != 0 || json.Unmarshal([]byte(out), &rep) != nil || len(rep.Documents) != 1 || rep.Documents[0].Indicators == 0 {
		t.Fatalf("import of a document: exit %d\n%s\n%s", code, out, errOut)
	}
	doc := rep.Documents[0]
	code, out, errOut = run(t, env, "export", auditMalware)
	var bundle struct{ Objects []json.RawMessage }
	if code != 0 || json.Unmarshal([]byte(out), &bundle) != nil || len(bundle.Objects) != 2 {
		t.Fatalf("export: exit %d\n%s\n%s", code, out, errOut)
	}

	by := wantCLIActor(t)
	want := []string{
		fmt.Sprintf("export %s ok [2 objects] object=%s", auditMalware, auditMalware),
		fmt.Sprintf("import %s ok [document: report created, %d indicators, %d known entities] object=%s",
			notes, doc.Indicators, doc.Entities, doc.ReportID),
		"import " + broken + " failed [nothing imported; 1 created, 0 updated, 0 unchanged, 0 skipped before the failure] object=",
		"import stdin ok [0 created, 1 updated, 1 unchanged, 1 skipped] object=",
		"import " + good + " ok [2 created, 0 updated, 0 unchanged, 1 skipped] object=",
	}
	all := auditLog(t, env, store.LocalAdmin, auth.AuditQuery{})
	var got []string
	for _, e := range all {
		got = append(got, entryLine(e))
		if e.Actor != by.Name || e.Remote != by.Remote {
			t.Errorf("entry %q by %q from %q, want %q from %q", entryLine(e), e.Actor, e.Remote, by.Name, by.Remote)
		}
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("audit log, newest first:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// The API's filters find the command line's entries by actor and action.
	if n := len(auditLog(t, env, store.LocalAdmin, auth.AuditQuery{Actor: by.Name, Action: auth.ActionImport})); n != 4 {
		t.Errorf("%d imports by %s, want 4", n, by.Name)
	}
	if n := len(auditLog(t, env, store.LocalAdmin, auth.AuditQuery{Action: auth.ActionExport})); n != 1 {
		t.Errorf("%d exports, want 1", n)
	}
	// The TLP:RED document's entry names its report, so a TLP:GREEN
	// administrator does not see it; the others stay visible.
	green := store.Viewer{Name: "green admin", Clearance: stix.TLPGreen, Role: store.RoleAdmin}
	var seen []string
	for _, e := range auditLog(t, env, green, auth.AuditQuery{}) {
		seen = append(seen, entryLine(e))
	}
	if len(seen) != len(want)-1 || strings.Contains(strings.Join(seen, "\n"), string(doc.ReportID)) {
		t.Errorf("a TLP:GREEN administrator's audit log:\n%s", strings.Join(seen, "\n"))
	}
}

func TestDemoImportIsAudited(t *testing.T) {
	forEachBackend(t, testDemoAudit)
}

// testDemoAudit loads the sample data as `tipster demo` does, twice, and
// finds one import entry per load with its counts.
func testDemoAudit(t *testing.T, env map[string]string) {
	ctx := context.Background()
	cfg := config.Load(func(k string) string { return env[k] }, nil)
	st, err := openStore(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	e := &Env{Stdout: &safeBuffer{}, Stderr: &safeBuffer{}, Getenv: func(k string) string { return env[k] }}
	first, err := loadDemo(ctx, e, cfg, st)
	if err != nil || first.Created < 1000 {
		t.Fatalf("first load: %d created, %v", first.Created, err)
	}
	second, err := loadDemo(ctx, e, cfg, st)
	if err != nil || second.Created+second.Updated != 0 || second.Unchanged < first.Created {
		t.Fatalf("second load: %+v (first %+v), %v", second, first, err)
	}
	by := wantCLIActor(t)
	entries := auditLog(t, env, store.LocalAdmin, auth.AuditQuery{})
	source := "tipster demo samples: ics-attack.json, apt1.json, poisonivy.json"
	want := []string{
		fmt.Sprintf("import %s ok [0 created, 0 updated, %d unchanged, %d skipped] object=", source, second.Unchanged, len(second.Skipped)),
		fmt.Sprintf("import %s ok [%d created, %d updated, %d unchanged, %d skipped] object=",
			source, first.Created, first.Updated, first.Unchanged, len(first.Skipped)),
	}
	if len(entries) != 2 || entryLine(entries[0]) != want[0] || entryLine(entries[1]) != want[1] {
		var got []string
		for _, e := range entries {
			got = append(got, entryLine(e))
		}
		t.Fatalf("audit log:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, e := range entries {
		if e.Actor != by.Name || e.Remote != by.Remote {
			t.Errorf("demo import by %q from %q, want %q from %q", e.Actor, e.Remote, by.Name, by.Remote)
		}
	}
}
