package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tipster-cti/tipster/internal/store/postgres/pgtest"
)

const sharedData = "../../../shared/data"

// backend is a store the command line can be pointed at.
type backend struct {
	name string
	env  func(t *testing.T) map[string]string // settings that select a fresh, empty store
}

// backends are SQLite always, and PostgreSQL when TIPSTER_TEST_DATABASE_URL
// names a test database (scripts/test starts one).
func backends(t *testing.T) []backend {
	bs := []backend{{"sqlite", func(t *testing.T) map[string]string {
		return map[string]string{"APP__DATA_DIR": t.TempDir()}
	}}}
	if os.Getenv(pgtest.EnvURL) != "" {
		bs = append(bs, backend{"postgres", func(t *testing.T) map[string]string {
			return map[string]string{"APP__DATA_DIR": t.TempDir(), "DATABASE__URL": pgtest.Schema(t)}
		}})
	} else {
		t.Logf("PostgreSQL not tested: %s is not set (scripts/test sets it)", pgtest.EnvURL)
	}
	return bs
}

// forEachBackend runs fn once per backend, each with a fresh store.
func forEachBackend(t *testing.T, fn func(t *testing.T, env map[string]string)) {
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) { fn(t, b.env(t)) })
	}
}

// run runs one command line with settings env and returns its exit status
// and outputs.
func run(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	e := &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut, Getenv: func(k string) string {
		return env[k]
	}}
	code := Run(context.Background(), e, args)
	return code, out.String(), errOut.String()
}

func needData(t *testing.T, rel string) string {
	p := filepath.Join(sharedData, rel)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("real data not available (%v): it lives in ../shared beside the checkout", err)
	}
	return p
}

func TestImportSearchShowExport(t *testing.T) {
	forEachBackend(t, testImportSearchShowExport)
}

func testImportSearchShowExport(t *testing.T, dir map[string]string) {
	apt1 := needData(t, "cti-documentation/apt1.json")
	code, out, errOut := run(t, dir, "import", "--json", apt1)
	if code != 0 {
		t.Fatalf("import exit %d: %s", code, errOut)
	}
	var rep struct{ Created int }
	if err := json.Unmarshal([]byte(out), &rep); err != nil || rep.Created != 76 {
		t.Fatalf("import --json: %v %s", err, out)
	}
	code, out, _ = run(t, dir, "search", "--type", "intrusion-set", "comment crew")
	if code != 0 || !strings.Contains(out, "APT1") {
		t.Errorf("search by alias: exit %d\n%s", code, out)
	}
	id := regexp.MustCompile(`intrusion-set--[0-9a-f-]{36}`).FindString(out)
	code, out, _ = run(t, dir, "show", id)
	if code != 0 || !strings.Contains(out, "Comment Crew") || !strings.Contains(out, "relationships") {
		t.Errorf("show: exit %d\n%s", code, out)
	}
	code, out, _ = run(t, dir, "export", id)
	var bundle struct {
		Type    string            `json:"type"`
		Objects []json.RawMessage `json:"objects"`
	}
	// APT1 is attributed to three threat actors: itself, three
	// relationships and their three other ends.
	if code != 0 || json.Unmarshal([]byte(out), &bundle) != nil || bundle.Type != "bundle" || len(bundle.Objects) != 7 {
		t.Errorf("export: exit %d, %d objects, want 7", code, len(bundle.Objects))
	}
	code, _, errOut = run(t, dir, "show", "malware--00000000-0000-4000-8000-000000000000")
	if code == 0 || !strings.Contains(errOut, "not found") {
		t.Errorf("show of an unknown id: exit %d %q", code, errOut)
	}
}

func TestImportReportsBrokenFilesAndKeepsGoing(t *testing.T) {
	forEachBackend(t, testImportReportsBrokenFiles)
}

func testImportReportsBrokenFiles(t *testing.T, dir map[string]string) {
	broken := needData(t, "cti-stix-validator/v21/invalid_comma.json")
	good := needData(t, "cti-stix-validator/v21/identity.json")
	code, out, errOut := run(t, dir, "import", broken, good)
	if code != 1 {
		t.Errorf("exit %d, want 1 when a file is refused", code)
	}
	if !strings.Contains(errOut, "line 8, column 35") || !strings.Contains(out, "1 created") {
		t.Errorf("want the broken file's line and column and the good file imported:\n%s\n%s", out, errOut)
	}
}

func TestConfigRedactsSecretsAndFlagsWin(t *testing.T) {
	code, out, _ := run(t, map[string]string{"APP__DATA_DIR": "/from/env", "AI__TOKEN": "sk-secret-value", "AI__TYPE": "mistralai"},
		"config", "--data", "/from/flag")
	if code != 0 || strings.Contains(out, "sk-secret-value") || !strings.Contains(out, "/from/flag") ||
		!strings.Contains(out, "mistralai") {
		t.Errorf("config output:\n%s", out)
	}
}

func TestServeAnswersAndStopsGracefully(t *testing.T) {
	forEachBackend(t, testServe)
}

func testServe(t *testing.T, settings map[string]string) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errOut safeBuffer
	e := &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut, Getenv: func(k string) string {
		env := map[string]string{"APP__ADDR": "127.0.0.1:0", "APP__ADMIN__PASSWORD": "correct horse battery staple",
			"APP__ADMIN__TOKEN": "tip_test_token_for_serve_0123456789"}
		if v, ok := settings[k]; ok {
			return v
		}
		return env[k]
	}}
	done := make(chan int, 1)
	go func() { done <- Run(ctx, e, []string{"serve"}) }()
	url := ""
	for i := 0; i < 200 && url == ""; i++ {
		select {
		case code := <-done:
			t.Fatalf("serve exited %d before serving:\n%s", code, errOut.String())
		case <-time.After(50 * time.Millisecond):
		}
		url = regexp.MustCompile(`http://127\.0\.0\.1:\d+`).FindString(out.String())
	}
	if url == "" {
		t.Fatalf("server did not print its URL: %q\n%s", out.String(), errOut.String())
	}
	resp, err := http.Get(url + "/healthz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("healthz: %v %v", resp, err)
	}
	resp.Body.Close()
	req, _ := http.NewRequest("GET", url+"/api/v1/ai/status", nil)
	req.Header.Set("Authorization", "Bearer tip_test_token_for_serve_0123456789")
	resp, err = http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Errorf("Ask AI status: %v %v (Ask AI must be on with either store)", resp, err)
	} else {
		resp.Body.Close()
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("serve exited %d after shutdown", code)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop")
	}
}

func TestMigrateCopiesSQLiteIntoPostgreSQL(t *testing.T) {
	if os.Getenv(pgtest.EnvURL) == "" {
		t.Skipf("PostgreSQL not available: %s is not set (scripts/test sets it)", pgtest.EnvURL)
	}
	dir := t.TempDir()
	sqliteEnv := map[string]string{"APP__DATA_DIR": dir}
	if code, _, errOut := run(t, sqliteEnv, "import", needData(t, "cti-documentation/poisonivy.json")); code != 0 {
		t.Fatalf("import: %s", errOut)
	}
	url := pgtest.Schema(t)
	code, out, errOut := run(t, nil, "migrate", "--from", dir, "--to", url)
	if code != 0 || !strings.Contains(out, "155 created") {
		t.Fatalf("migrate exit %d:\n%s\n%s", code, out, errOut)
	}
	code, out, _ = run(t, map[string]string{"DATABASE__URL": url}, "search", "poison ivy")
	if code != 0 || !strings.Contains(out, "Poison Ivy") {
		t.Errorf("search in PostgreSQL after migrate:\n%s", out)
	}
	if code, _, errOut = run(t, nil, "migrate", "--from", filepath.Join(dir, "missing"), "--to", url); code == 0 ||
		!strings.Contains(errOut, "no Tipster store") {
		t.Errorf("a missing source must fail clearly: %d %s", code, errOut)
	}
}

func TestImportGoesOnPastBadPathsAndRefusesWhatIsNotAFile(t *testing.T) {
	dir := t.TempDir()
	good := needData(t, "cti-stix-validator/v21/identity.json")
	fifo := filepath.Join(dir, "pipe.json")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("cannot make a FIFO here: %v", err)
	}
	env := map[string]string{"APP__DATA_DIR": filepath.Join(dir, "data")}
	code, out, errOut := run(t, env, "import", filepath.Join(dir, "missing.json"), fifo, good)
	if code != 1 || !strings.Contains(out, "1 created") {
		t.Errorf("exit %d, want 1 with the good file imported:\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{"missing.json: no such file or directory", "pipe.json: not a regular file"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("errors do not say %q:\n%s", want, errOut)
		}
	}
}

func TestSearchPrintsNoTerminalControlCharacters(t *testing.T) {
	env := map[string]string{"APP__DATA_DIR": t.TempDir()}
	dir := t.TempDir()
	bundle := filepath.Join(dir, "evil.json")
	os.WriteFile(bundle, []byte(`{"type":"malware","spec_version":"2.1","id":"malware--2485b844-4efe-4343-84c8-eb33312dd56f",
		"created":"2016-04-06T20:03:48.000Z","modified":"2016-04-06T20:03:48.000Z","is_family":true,
		"name":"Evil\u001b[2J\u202etxt.exe"}`), 0o600)
	if code, _, errOut := run(t, env, "import", bundle); code != 0 {
		t.Fatal(errOut)
	}
	for _, args := range [][]string{{"search", "evil"}, {"show", "malware--2485b844-4efe-4343-84c8-eb33312dd56f"}} {
		_, out, _ := run(t, env, args...)
		if strings.ContainsAny(out, "\x1b\u202e") || !strings.Contains(out, "Evil[2Jtxt.exe") {
			t.Errorf("%v printed control characters or lost the name: %q", args, out)
		}
	}
	if code, _, errOut := run(t, env, "search", "--limit", "-1", "evil"); code == 0 || !strings.Contains(errOut, "--limit") {
		t.Errorf("a negative limit: exit %d %q", code, errOut)
	}
}

func TestAskQuestionAnswersFromEitherStore(t *testing.T) {
	forEachBackend(t, func(t *testing.T, env map[string]string) {
		if code, _, errOut := run(t, env, "import", needData(t, "cti-documentation/apt1.json")); code != 0 {
			t.Fatal(errOut)
		}
		code, out, errOut := run(t, env, "ask", "question", "--offline", "who is Comment Crew?")
		if code != 0 || !strings.Contains(out, "intrusion-set--da1065ce-972c-4605-8755-9cd1074e3b5a") {
			t.Errorf("exit %d; want an answer citing APT1's id:\n%s\n%s", code, out, errOut)
		}
	})
}
