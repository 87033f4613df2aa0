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
	"testing"
	"time"
)

const sharedData = "../../../shared/data"

// run runs one command line against a data directory and returns its exit
// status and outputs.
func run(t *testing.T, dir string, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	e := &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut, Getenv: func(k string) string {
		if k == "APP__DATA_DIR" {
			return dir
		}
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
	dir := t.TempDir()
	apt1 := needData(t, "cti-documentation/apt1.json")
	code, out, errOut := run(t, dir, nil, "import", "--json", apt1)
	if code != 0 {
		t.Fatalf("import exit %d: %s", code, errOut)
	}
	var rep struct{ Created int }
	if err := json.Unmarshal([]byte(out), &rep); err != nil || rep.Created != 76 {
		t.Fatalf("import --json: %v %s", err, out)
	}
	code, out, _ = run(t, dir, nil, "search", "--type", "intrusion-set", "comment crew")
	if code != 0 || !strings.Contains(out, "APT1") {
		t.Errorf("search by alias: exit %d\n%s", code, out)
	}
	id := regexp.MustCompile(`intrusion-set--[0-9a-f-]{36}`).FindString(out)
	code, out, _ = run(t, dir, nil, "show", id)
	if code != 0 || !strings.Contains(out, "Comment Crew") || !strings.Contains(out, "relationships") {
		t.Errorf("show: exit %d\n%s", code, out)
	}
	code, out, _ = run(t, dir, nil, "export", id)
	var bundle struct {
		Type    string            `json:"type"`
		Objects []json.RawMessage `json:"objects"`
	}
	// APT1 is attributed to three threat actors: itself, three
	// relationships and their three other ends.
	if code != 0 || json.Unmarshal([]byte(out), &bundle) != nil || bundle.Type != "bundle" || len(bundle.Objects) != 7 {
		t.Errorf("export: exit %d, %d objects, want 7", code, len(bundle.Objects))
	}
	code, _, errOut = run(t, dir, nil, "show", "malware--00000000-0000-4000-8000-000000000000")
	if code == 0 || !strings.Contains(errOut, "not found") {
		t.Errorf("show of an unknown id: exit %d %q", code, errOut)
	}
}

func TestImportReportsBrokenFilesAndKeepsGoing(t *testing.T) {
	dir := t.TempDir()
	broken := needData(t, "cti-stix-validator/v21/invalid_comma.json")
	good := needData(t, "cti-stix-validator/v21/identity.json")
	code, out, errOut := run(t, dir, nil, "import", broken, good)
	if code != 1 {
		t.Errorf("exit %d, want 1 when a file is refused", code)
	}
	if !strings.Contains(errOut, "line 8, column 35") || !strings.Contains(out, "1 created") {
		t.Errorf("want the broken file's line and column and the good file imported:\n%s\n%s", out, errOut)
	}
}

func TestConfigRedactsSecretsAndFlagsWin(t *testing.T) {
	code, out, _ := run(t, "/from/env", map[string]string{"AI__TOKEN": "sk-secret-value", "AI__TYPE": "mistralai"},
		"config", "--data", "/from/flag")
	if code != 0 || strings.Contains(out, "sk-secret-value") || !strings.Contains(out, "/from/flag") ||
		!strings.Contains(out, "mistralai") {
		t.Errorf("config output:\n%s", out)
	}
}

func TestServeAnswersAndStopsGracefully(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out safeBuffer
	e := &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &safeBuffer{}, Getenv: func(k string) string {
		return map[string]string{"APP__DATA_DIR": dir, "APP__ADDR": "127.0.0.1:0",
			"APP__ADMIN__PASSWORD": "correct horse battery staple", "APP__ADMIN__TOKEN": "tip_test_token_for_serve_0123456789"}[k]
	}}
	done := make(chan int, 1)
	go func() { done <- Run(ctx, e, []string{"serve"}) }()
	url := ""
	for i := 0; i < 100 && url == ""; i++ {
		time.Sleep(50 * time.Millisecond)
		url = regexp.MustCompile(`http://127\.0\.0\.1:\d+`).FindString(out.String())
	}
	if url == "" {
		t.Fatalf("server did not print its URL: %q", out.String())
	}
	resp, err := http.Get(url + "/healthz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("healthz: %v %v", resp, err)
	}
	resp.Body.Close()
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
