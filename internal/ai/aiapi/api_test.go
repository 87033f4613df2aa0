package aiapi_test

import (
	"bufio"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/tipster-cti/tipster/internal/ai"
	"github.com/tipster-cti/tipster/internal/ai/aiapi"
	"github.com/tipster-cti/tipster/internal/ai/aitest"
	"github.com/tipster-cti/tipster/internal/api"
	"github.com/tipster-cti/tipster/internal/store"
)

// viewerAuth lets each request pick its viewer with the X-Test-User header
// (ana, ana-lowered, bob, reader); none means the local admin.
type viewerAuth struct{}

var viewers = map[string]store.Viewer{
	"ana":    {Name: "ana", Clearance: 4, Role: store.RoleAnalyst},
	"bob":    {Name: "bob", Clearance: 1, Role: store.RoleAnalyst},
	"reader": {Name: "reader", Clearance: 4, Role: store.RoleViewer},
	// ana-lowered is ana after her clearance was lowered to GREEN.
	"ana-lowered": {Name: "ana", Clearance: 1, Role: store.RoleAnalyst},
}

func (viewerAuth) Viewer(r *http.Request) (store.Viewer, error) {
	if v, ok := viewers[r.Header.Get("X-Test-User")]; ok {
		return v, nil
	}
	return store.LocalAdmin, nil
}

// server serves the API with Ask AI for the settings of env.
func server(t testing.TB, env map[string]string, edit func(*ai.Options)) (*httptest.Server, aitest.Setup) {
	t.Helper()
	s := aitest.New(t, env, edit)
	log := slog.New(slog.DiscardHandler)
	a := &api.Server{Store: s.Store, Auth: viewerAuth{}, Log: log}
	(&aiapi.Handlers{AI: s.Service, Store: s.Store, Log: log}).Register(a)
	srv := httptest.NewServer(a.Routes())
	t.Cleanup(srv.Close)
	return srv, s
}

// post sends a JSON body; stream asks for server-sent events.
func post(t testing.TB, url, user, body string, stream bool) *http.Response {
	t.Helper()
	req, _ := http.NewRequest("POST", url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if stream {
		req.Header.Set("Accept", "text/event-stream")
	}
	if user != "" {
		req.Header.Set("X-Test-User", user)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// errorBody is the API's error shape with Ask AI's field.
type errorBody struct {
	Error struct {
		Code             string `json:"code"`
		Message          string `json:"message"`
		OfflineAvailable bool   `json:"offline_available"`
		ProviderError    string `json:"provider_error"`
	} `json:"error"`
}

func decodeError(t testing.TB, resp *http.Response) errorBody {
	t.Helper()
	var e errorBody
	if err := json.NewDecoder(resp.Body).Decode(&e); err != nil {
		t.Fatalf("error body: %v", err)
	}
	return e
}

// event is one server-sent event.
type event struct {
	Name string
	Data string
}

// readEvents reads events until the stream ends.
func readEvents(t testing.TB, r io.Reader) []event {
	t.Helper()
	var out []event
	var cur event
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "event: "):
			cur.Name = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: "):
			cur.Data = strings.TrimPrefix(line, "data: ")
		case line == "":
			out = append(out, cur)
			cur = event{}
		default:
			t.Errorf("unexpected line in the stream: %q", line)
		}
	}
	return out
}
