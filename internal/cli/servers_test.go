package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tipster-cti/tipster/internal/auth"
)

// childEnv marks the test binary run as a `tipster serve` process.
const childEnv = "TIPSTER_TEST_SERVE_PROCESS"

// TestServeProcess is `tipster serve` in a child process of
// TestTwoServeProcessesShareOneDatabase; on its own it skips.
func TestServeProcess(t *testing.T) {
	if os.Getenv(childEnv) != "1" {
		t.Skip("runs only as a child process of TestTwoServeProcessesShareOneDatabase")
	}
	os.Exit(Main([]string{"serve"}))
}

func TestTwoServeProcessesShareOneDatabase(t *testing.T) {
	forEachBackend(t, testTwoServeProcesses)
}

// testTwoServeProcesses starts two server processes on one database, as
// two replicas would: a session begun on one is valid on the other, failed
// logins on both count toward one limit, and an Ask AI call made on one is
// in the audit log read on the other. They start one after the other
// (startServeProcess waits until each serves), so the second finds the
// administrator the first created. Started at the same moment on an empty
// database, both would start too: the one whose insert loses the race
// finds the administrator the other created and goes on (auth.Service.
// Bootstrap; internal/api's TestServersStartingAtOnceCreateOneAdministrator).
func testTwoServeProcesses(t *testing.T, env map[string]string) {
	env["APP__ADMIN__PASSWORD"] = "correct horse battery staple"
	env["APP__ADMIN__TOKEN"] = "tip_test_token_for_two_servers_0123"
	a := startServeProcess(t, env)
	b := startServeProcess(t, env)
	if a == "" || b == "" {
		t.FailNow()
	}
	jar := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	cookie := formLogin(t, jar, a, "admin@tipster.local", env["APP__ADMIN__PASSWORD"])
	if cookie == nil {
		t.Fatal("no session from the first server's login form")
	}
	if code, body := get(t, b, "/api/v1/me", cookie, ""); code != 200 || !strings.Contains(body, "admin@tipster.local") {
		t.Errorf("the first server's session on the second: %d %s", code, body)
	}

	for i := range auth.DefaultLimit.PerEmail {
		if formLogin(t, jar, []string{a, b}[i%2], "admin@tipster.local", fmt.Sprint("guess ", i)) != nil {
			t.Fatalf("guess %d logged in", i)
		}
	}
	if formLogin(t, jar, b, "admin@tipster.local", env["APP__ADMIN__PASSWORD"]) != nil {
		t.Errorf("the right password after %d failures split between both servers still logged in", auth.DefaultLimit.PerEmail)
	}

	id := askOffline(t, a, env["APP__ADMIN__TOKEN"])
	code, body := get(t, b, "/api/v1/ai/audit", nil, env["APP__ADMIN__TOKEN"])
	if code != 200 || !strings.Contains(body, fmt.Sprintf(`"id":%d`, id)) {
		t.Errorf("the first server's Ask AI call %d in the second's audit log: %d %s", id, code, body)
	}
}

// startServeProcess starts this test binary as `tipster serve` with env
// and returns its URL ("" after reporting why it did not start); the
// process is stopped with SIGTERM when the test ends, and must exit 0.
func startServeProcess(t *testing.T, env map[string]string) string {
	cmd := exec.Command(os.Args[0], "-test.run=^TestServeProcess$")
	cmd.Env = append(os.Environ(), childEnv+"=1", "APP__ADDR=127.0.0.1:0")
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Error(err)
		return ""
	}
	var stderr safeBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Error(err)
		return ""
	}
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		if err := cmd.Wait(); err != nil {
			t.Errorf("serve process: %v\n%s", err, stderr.String())
		}
	})
	found := make(chan string, 1)
	go func() {
		defer close(found)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if u := regexp.MustCompile(`http://127\.0\.0\.1:\d+`).FindString(sc.Text()); u != "" {
				found <- u
				break
			}
		}
		io.Copy(io.Discard, stdout)
	}()
	select {
	case u, ok := <-found:
		if !ok {
			t.Errorf("serve process stopped before serving:\n%s", stderr.String())
		}
		return u
	case <-time.After(30 * time.Second):
		t.Errorf("serve process printed no URL in 30 s:\n%s", stderr.String())
		return ""
	}
}

// formLogin posts the login form and returns the session cookie it set,
// nil when the login was refused.
func formLogin(t *testing.T, c *http.Client, base, email, password string) *http.Cookie {
	t.Helper()
	resp, err := c.PostForm(base+"/login", url.Values{"email": {email}, "password": {password}, "next": {"/"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	for _, ck := range resp.Cookies() {
		if ck.Name == auth.CookieName && ck.Value != "" {
			return ck
		}
	}
	return nil
}

// get requests path with a session cookie or a token, and returns the
// status and body.
func get(t *testing.T, base, path string, cookie *http.Cookie, token string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", base+path, nil)
	if cookie != nil {
		req.AddCookie(cookie)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// askOffline asks the offline engine for a summary over the API and
// returns the call's audit id.
func askOffline(t *testing.T, base, token string) int64 {
	t.Helper()
	req, _ := http.NewRequestWithContext(context.Background(), "POST", base+"/api/v1/ai/summarize",
		strings.NewReader(`{"text":"APT1 sent spear-phishing e-mail. The e-mail carried a dropper. The dropper installed a backdoor."}`))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var ans struct {
		AuditID int64 `json:"audit_id"`
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || json.Unmarshal(body, &ans) != nil || ans.AuditID == 0 {
		t.Fatalf("Ask AI on the first server: %d %s", resp.StatusCode, body)
	}
	return ans.AuditID
}
