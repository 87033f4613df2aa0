package kbapi

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/tipster-cti/tipster/internal/ai"
	"github.com/tipster-cti/tipster/internal/ai/kb"
	"github.com/tipster-cti/tipster/internal/ai/kb/index"
	"github.com/tipster-cti/tipster/internal/ai/llm"
	"github.com/tipster-cti/tipster/internal/ai/llm/llmtest"
	"github.com/tipster-cti/tipster/internal/api"
	"github.com/tipster-cti/tipster/internal/stix"
	"github.com/tipster-cti/tipster/internal/store"
	"github.com/tipster-cti/tipster/internal/store/storetest"
)

// asViewer authenticates every request as one viewer.
type asViewer struct{ v store.Viewer }

func (a asViewer) Viewer(*http.Request) (store.Viewer, error) { return a.v, nil }

func newServer(t *testing.T, v store.Viewer, maxTLP stix.TLP) *httptest.Server {
	t.Helper()
	ctx := context.Background()
	db := openStore(t)
	storetest.LoadClearanceFixture(t, db)
	ix := index.New(db.Passages())
	if _, err := ix.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	fake := llmtest.NewServer(t, llmtest.Options{Dialect: llmtest.Ollama,
		Reply: "Greenleaf is malware [" + string(storetest.FixtureGreen) + "]."})
	settings := ai.Settings{Enabled: true, Type: "ollama", MaxTokens: 200, Location: ai.Local, MaxTLP: maxTLP,
		LLM: llm.Config{Type: llm.Ollama, Endpoint: fake.URL, Model: llmtest.DefaultModel}}
	aiSvc, err := ai.New(ai.Options{Store: db, Settings: settings, Audit: ai.NewAuditLog(db.AI())})
	if err != nil {
		t.Fatal(err)
	}
	svc := &kb.Service{AI: aiSvc, Audit: aiSvc.AuditLog(), Retriever: kb.NewRetriever(db, ix)}
	log := slog.New(slog.DiscardHandler)
	s := &api.Server{Store: db, Auth: asViewer{v}, Log: log}
	(&Handlers{KB: svc, Index: ix, Log: log}).Register(s)
	srv := httptest.NewServer(s.Routes())
	t.Cleanup(srv.Close)
	return srv
}

func post(t *testing.T, url, body string, stream bool) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url+"/api/v1/ai/question", strings.NewReader(body))
	if stream {
		req.Header.Set("Accept", "text/event-stream")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

var (
	analyst      = store.Viewer{Name: "a@example.org", Clearance: stix.TLPRed, Role: store.RoleAnalyst}
	greenAnalyst = store.Viewer{Name: "g@example.org", Clearance: stix.TLPGreen, Role: store.RoleAnalyst}
)

func TestAQuestionStreamsDeltasThenTheCheckedAnswer(t *testing.T) {
	srv := newServer(t, greenAnalyst, stix.TLPAmber)
	resp, body := post(t, srv.URL, `{"question":"What do we know about Greenleaf?"}`, true)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("status %d, type %q: %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	if !strings.Contains(body, "event: delta") || !strings.Contains(body, "event: done") {
		t.Fatalf("stream lacks delta or done events:\n%s", body)
	}
	_, data, _ := strings.Cut(body[strings.Index(body, "event: done"):], "data: ")
	var a kb.Answer
	if err := json.Unmarshal([]byte(strings.TrimSpace(data)), &a); err != nil {
		t.Fatal(err)
	}
	if !a.Answered || len(a.Citations) != 1 || a.Citations[0].ID != storetest.FixtureGreen || a.AuditID == 0 {
		t.Errorf("done = %+v, want an audited answer citing the green malware", a)
	}
}

func TestFactsAboveTheProviderLimitAreAPlainRefusal(t *testing.T) {
	srv := newServer(t, analyst, stix.TLPClear)
	resp, body := post(t, srv.URL, `{"question":"What do we know about Crimson Quiet?"}`, true)
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, `"tlp_refused"`) {
		t.Errorf("status %d: %s, want 403 tlp_refused", resp.StatusCode, body)
	}
	if strings.Contains(body, "secret actor") {
		t.Errorf("the refusal leaks the TLP:RED description: %s", body)
	}
}

func TestABodyWithUnknownFieldsIsABadRequest(t *testing.T) {
	srv := newServer(t, analyst, stix.TLPAmber)
	resp, _ := post(t, srv.URL, `{"question":"x","model":"gpt"}`, false)
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("status %d, want 400", resp.StatusCode)
	}
}
