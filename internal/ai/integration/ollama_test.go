package integration

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/tipster-cti/tipster/internal/ai"
	"github.com/tipster-cti/tipster/internal/ai/aiapi"
	"github.com/tipster-cti/tipster/internal/ai/aitest"
	"github.com/tipster-cti/tipster/internal/api"
	"github.com/tipster-cti/tipster/internal/cli"
	"github.com/tipster-cti/tipster/internal/store"
)

// ollama returns the URL and model of the test server, or skips.
func ollama(t *testing.T) (url, model string) {
	url, model = os.Getenv("TIPSTER_TEST_OLLAMA_URL"), os.Getenv("TIPSTER_TEST_OLLAMA_MODEL")
	if url == "" {
		t.Skip("TIPSTER_TEST_OLLAMA_URL is not set; start a server with: vars=$(scripts/ollama-test) && export $vars")
	}
	if model == "" {
		model = "tiny:latest"
	}
	return url, model
}

// configs are the two ways OpenCTI users reach Ollama: its native API, and
// its OpenAI-compatible API under the mistralai type with token none.
func configs(url, model string) map[string]map[string]string {
	return map[string]map[string]string{
		"ollama": {"AI__TYPE": "ollama", "AI__ENDPOINT": url, "AI__MODEL": model, "AI__MAX_TOKENS": "24"},
		"mistralai": {"AI__TYPE": "mistralai", "AI__ENDPOINT": url, "AI__MODEL": model, "AI__TOKEN": "none",
			"AI__MAX_TOKENS": "24"},
	}
}

type localAdmin struct{}

func (localAdmin) Viewer(*http.Request) (store.Viewer, error) { return store.LocalAdmin, nil }

// TestSummarizeStreamsFromOllama streams a summary through the API and
// reads the status, with each configuration.
func TestSummarizeStreamsFromOllama(t *testing.T) {
	url, model := ollama(t)
	for name, env := range configs(url, model) {
		t.Run(name, func(t *testing.T) {
			s := aitest.New(t, env, nil)
			a := &api.Server{Store: s.Store, Auth: localAdmin{}, Log: slog.New(slog.DiscardHandler)}
			(&aiapi.Handlers{AI: s.Service, Store: s.Store, Log: a.Log}).Register(a)
			srv := httptest.NewServer(a.Routes())
			defer srv.Close()

			req, _ := http.NewRequest("POST", srv.URL+"/api/v1/ai/summarize",
				strings.NewReader(`{"text":"Wizard Spider deployed Conti ransomware from 198.51.100.23 after phishing."}`))
			req.Header.Set("Accept", "text/event-stream")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Fatalf("status %d", resp.StatusCode)
			}
			deltas, last := 0, ""
			sc := bufio.NewScanner(resp.Body)
			for sc.Scan() {
				if line, ok := strings.CutPrefix(sc.Text(), "event: "); ok {
					last = line
					if line == "delta" {
						deltas++
					}
				}
			}
			if deltas < 2 || last != "done" {
				t.Errorf("%d delta events, last event %q; want a streamed answer ending with done", deltas, last)
			}

			var st ai.Status
			sresp, err := http.Get(srv.URL + "/api/v1/ai/status")
			if err != nil {
				t.Fatal(err)
			}
			defer sresp.Body.Close()
			json.NewDecoder(sresp.Body).Decode(&st)
			if !st.OK || st.Location != ai.Local || st.ContextLength == 0 {
				t.Errorf("status = %+v", st)
			}
		})
	}
}

// run runs the tipster command with env as its whole environment.
func run(t *testing.T, env map[string]string, args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	e := &cli.Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut, Getenv: func(k string) string { return env[k] }}
	code = cli.Run(context.Background(), e, args)
	return code, out.String(), errOut.String()
}

// TestDoctorAgainstOllama runs tipster doctor with each configuration,
// then with a model the server does not have.
func TestDoctorAgainstOllama(t *testing.T) {
	url, model := ollama(t)
	for name, env := range configs(url, model) {
		t.Run(name, func(t *testing.T) {
			if code, out, errOut := run(t, env, "doctor"); code != 0 || !strings.Contains(out, "\nOK") {
				t.Errorf("doctor exit %d:\n%s%s", code, out, errOut)
			}
			env["APP__DATA_DIR"] = t.TempDir()
			code, out, errOut := run(t, env, "ask", "summarize", "--text", "Conti encrypts files on every host.")
			if code != 0 || strings.TrimSpace(out) == "" || !strings.Contains(errOut, "audit 1") {
				t.Errorf("ask exit %d, stdout %q, stderr %q", code, out, errOut)
			}
		})
	}
	t.Run("a model that is not pulled", func(t *testing.T) {
		env := configs(url, model)["ollama"]
		env["AI__MODEL"] = "mistral:instruct"
		code, out, _ := run(t, env, "doctor")
		if code == 0 || !strings.Contains(out, "ollama pull mistral:instruct") {
			t.Errorf("doctor exit %d, want non-zero with the pull advice:\n%s", code, out)
		}
	})
}
