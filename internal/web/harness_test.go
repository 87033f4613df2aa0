package web_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/tipster-cti/tipster/internal/cli"
)

// Credentials of the administrator the test servers create on first start.
const (
	adminEmail    = "admin@tipster.test"
	adminPassword = "correct horse battery staple"
)

// syncBuffer is a buffer the server writes to while the test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

var servingAt = regexp.MustCompile(`Tipster is serving at (http://\S+)`)

// startTipster runs `tipster serve` on a free loopback port with a fresh
// data directory and the given settings, and returns its base URL. The
// server stops when the test ends.
func startTipster(t *testing.T, settings map[string]string) string {
	t.Helper()
	env := map[string]string{
		"APP__DATA_DIR": t.TempDir(), "APP__ADDR": "127.0.0.1:0", "APP__LOG_LEVEL": "warn",
		"APP__ADMIN__EMAIL": adminEmail, "APP__ADMIN__PASSWORD": adminPassword,
	}
	for k, v := range settings {
		env[k] = v
	}
	out, errs := &syncBuffer{}, &syncBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() {
		e := &cli.Env{Stdin: strings.NewReader(""), Stdout: out, Stderr: errs, Getenv: func(k string) string { return env[k] }}
		done <- cli.Run(ctx, e, []string{"serve"})
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			t.Errorf("the server did not stop within 15s")
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if m := servingAt.FindStringSubmatch(out.String()); m != nil {
			return m[1]
		}
		select {
		case code := <-done:
			t.Fatalf("tipster serve exited with %d:\n%s", code, errs.String())
		case <-time.After(50 * time.Millisecond):
		}
	}
	t.Fatalf("tipster serve did not start within 30s:\n%s", errs.String())
	return ""
}

// chromiumPath finds Debian's chromium, or another Chrome, or "".
func chromiumPath() string {
	if p := os.Getenv("TIPSTER_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// newBrowser starts a headless Chromium with a fresh profile that reaches
// nothing but the test servers, sized 1280x800. Without a browser the test
// is skipped, or fails when TIPSTER_REQUIRE_BROWSER=1.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	path := chromiumPath()
	if path == "" {
		if os.Getenv("TIPSTER_REQUIRE_BROWSER") == "1" {
			t.Fatal("no chromium found and TIPSTER_REQUIRE_BROWSER=1: install Debian's chromium package")
		}
		t.Skip("browser tests need chromium (apt-get install chromium); set TIPSTER_REQUIRE_BROWSER=1 to fail instead")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 800),
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-default-apps", true), chromedp.Flag("no-pings", true),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	tctx, cancelTimeout := context.WithTimeout(ctx, 5*time.Minute)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	if err := chromedp.Do(tctx); err != nil {
		t.Fatalf("starting chromium at %s: %v", path, err)
	}
	return tctx
}

// stepTimeout bounds one step of a browser test, so that a missing element
// fails the step instead of the whole test's time.
const stepTimeout = 30 * time.Second

// do runs browser steps, failing the test with a screenshot on error.
func do(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(sctx, steps...); err != nil {
		shot(t, ctx, "failed-"+strings.ReplaceAll(t.Name(), "/", "-"))
		t.Fatalf("%s: %v", what, err)
	}
}

// val runs one browser action and returns its value, failing the test with
// a screenshot on error.
func val[T any](t *testing.T, ctx context.Context, what string, a chromedp.Action[T]) T {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(sctx, a)
	if err != nil {
		shot(t, ctx, "failed-"+strings.ReplaceAll(t.Name(), "/", "-"))
		t.Fatalf("%s: %v", what, err)
	}
	return v
}

// waitFor polls a JavaScript condition until it is true, for up to 20s.
func waitFor(t *testing.T, ctx context.Context, what, cond string) {
	t.Helper()
	val(t, ctx, "wait for "+what, chromedp.Poll[bool](cond, chromedp.WithPollingTimeout(20*time.Second),
		chromedp.WithPollingInterval(50*time.Millisecond)))
}

// js evaluates an expression, awaiting it when it is a promise.
func js[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	return val(t, ctx, "evaluate "+expr, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
}

var (
	artifactsOnce sync.Once
	artifactsDir  string
)

// artifacts is where screenshots go: $TIPSTER_ARTIFACTS/screenshots, or a
// directory under the system's temporary directory kept after the tests.
func artifacts(t *testing.T) string {
	artifactsOnce.Do(func() {
		if base := os.Getenv("TIPSTER_ARTIFACTS"); base != "" {
			artifactsDir = filepath.Join(base, "screenshots")
			if err := os.MkdirAll(artifactsDir, 0o755); err != nil {
				artifactsDir = ""
			}
		}
		if artifactsDir == "" {
			artifactsDir, _ = os.MkdirTemp("", "tipster-screenshots-")
		}
		fmt.Fprintf(os.Stderr, "web: browser screenshots are written to %s\n", artifactsDir)
	})
	return artifactsDir
}

// shot saves a full-page screenshot as NAME.png in the artifacts directory.
func shot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(90))
	if err != nil {
		t.Logf("screenshot %s: %v", name, err)
		return
	}
	path := filepath.Join(artifacts(t), name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Logf("screenshot %s: %v", name, err)
		return
	}
	t.Logf("screenshot: %s", path)
}

// login logs the browser in when the server asks for it. It reports false
// when the build has no access control, so there is no login page.
func login(t *testing.T, ctx context.Context, base string) bool {
	t.Helper()
	do(t, ctx, "open the dashboard", chromedp.Navigate(base+"/"))
	if url := val(t, ctx, "read the location", chromedp.Location()); !strings.Contains(url, "/login") {
		return false
	}
	shot(t, ctx, "login")
	do(t, ctx, "log in",
		chromedp.SendKeys(chromedp.ID("email"), adminEmail),
		chromedp.SendKeys(chromedp.ID("password"), adminPassword),
		chromedp.Click(chromedp.CSS(`.login button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.ID("counts-h")),
	)
	return true
}

// fetchStatus asks the server for path as the browser does, with its
// session, and returns the HTTP status.
func fetchStatus(t *testing.T, ctx context.Context, path string) int {
	t.Helper()
	return js[int](t, ctx, fmt.Sprintf(`fetch(%q, {credentials: "same-origin"}).then(r => r.status)`, path))
}

// readTestdata returns a file of testdata.
func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// get fetches base+path without a browser, for checks of headers.
func get(t *testing.T, url string) (*http.Response, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}
