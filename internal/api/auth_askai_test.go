package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/tipster-cti/tipster/internal/ai"
	"github.com/tipster-cti/tipster/internal/ai/aiapi"
	"github.com/tipster-cti/tipster/internal/api"
	"github.com/tipster-cti/tipster/internal/store/storetest"
)

// recorder is an Ask AI engine that keeps every task it is given: what
// would have been sent to an LLM on the viewer's behalf.
type recorder struct {
	mu    sync.Mutex
	tasks []string
}

func (*recorder) Name() string  { return "openai" }
func (*recorder) Model() string { return "recorder" }
func (*recorder) Local() bool   { return true }

func (r *recorder) Run(_ context.Context, t ai.Task, emit func(ai.Delta) error) (ai.Result, error) {
	b, err := json.Marshal(t)
	if err != nil {
		return ai.Result{}, err
	}
	r.mu.Lock()
	r.tasks = append(r.tasks, string(b))
	r.mu.Unlock()
	return ai.Result{Text: "A summary.", FinishReason: "stop"}, nil
}

func (r *recorder) sent() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Join(r.tasks, "\n")
}

// TestAskAINeverSendsWhatTheViewerCannotRead asks Ask AI, as a TLP:GREEN
// analyst, about the report holding the TLP:RED object, the red object
// itself, and the green objects around them: what reaches the engine must
// hold nothing the analyst cannot read.
func TestAskAINeverSendsWhatTheViewerCannotRead(t *testing.T) {
	rec := &recorder{}
	h := newHarness(t, func(s *api.Server, st testStore) {
		svc, err := ai.New(ai.Options{Store: s.Store, Audit: ai.NewAuditLog(st.AI()), Engine: rec,
			Settings: ai.Settings{Enabled: true, Type: "openai", MaxTLP: 4, Location: ai.Local, MaxTokens: 200}})
		if err != nil {
			t.Fatal(err)
		}
		(&aiapi.Handlers{AI: svc, Store: s.Store, Log: s.Log}).Register(s)
	})
	analyst := h.token["green-analyst@example.org"]
	red, mixed := string(storetest.FixtureRed), string(storetest.FixtureMixedReport)
	greenReport := string(storetest.FixtureGreenReport)
	hiddenCases := []struct{ name, op, id string }{
		{"a report on the green report holding the red object", "report", mixed},
		{"a summary of the green report holding the red object", "summarize", mixed},
		{"an explanation of the red object", "explain", red},
		{"a summary of the relationship pointing at it", "summarize", string(storetest.FixtureRelToRed)},
	}
	for _, c := range hiddenCases {
		t.Run(c.name+" is not found", func(t *testing.T) {
			got := h.do(request{method: "POST", path: "/api/v1/ai/" + c.op, token: analyst,
				body: `{"object_id":"` + c.id + `"}`})
			if got.status != http.StatusNotFound {
				t.Errorf("status %d, want 404: %s", got.status, got.body)
			}
			assertNoLeak(t, c.op, got.body)
		})
	}
	if sent := rec.sent(); sent != "" {
		t.Fatalf("the engine was called for hidden objects:\n%s", sent)
	}
	viewer := h.do(request{method: "POST", path: "/api/v1/ai/report", token: h.token["green-viewer@example.org"],
		body: `{"object_id":"` + greenReport + `"}`})
	if viewer.status != http.StatusForbidden {
		t.Errorf("a viewer used Ask AI: status %d: %s", viewer.status, viewer.body)
	}
	got := h.do(request{method: "POST", path: "/api/v1/ai/report", token: analyst, body: `{"object_id":"` + greenReport + `"}`})
	if got.status != http.StatusOK {
		t.Errorf("a report on the green report: status %d: %s", got.status, got.body)
	}
	sent := rec.sent()
	if !strings.Contains(sent, "Greenleaf") {
		t.Fatalf("the engine was not given the visible objects:\n%s", sent)
	}
	assertNoLeak(t, "what was sent to the engine", sent)
}
