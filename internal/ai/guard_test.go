package ai_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/tipster-cti/tipster/internal/ai"
	"github.com/tipster-cti/tipster/internal/ai/aitest"
	"github.com/tipster-cti/tipster/internal/ai/llm/llmtest"
	"github.com/tipster-cti/tipster/internal/stix"
	"github.com/tipster-cti/tipster/internal/store"
	"github.com/tipster-cti/tipster/internal/store/storetest"
)

func tlp(t stix.TLP) *stix.TLP { return &t }

// TestTLPGuardRefusesBeforeAByteLeaves asks a provider classified cloud
// (by AI__LOCATION, as the fake is on loopback) for content of each level,
// and checks that a refusal sends no request at all and is audited.
func TestTLPGuardRefusesBeforeAByteLeaves(t *testing.T) {
	cases := []struct {
		name    string
		env     map[string]string
		req     ai.Request
		refused bool
	}{
		{"cloud takes amber free text", nil, ai.Request{Text: "x", Marking: tlp(stix.TLPAmber)}, false},
		{"cloud refuses amber+strict free text", nil, ai.Request{Text: "x", Marking: tlp(stix.TLPAmberStrict)}, true},
		{"cloud refuses red free text", nil, ai.Request{Text: "x", Marking: tlp(stix.TLPRed)}, true},
		{"free text without a marking is clear", nil, ai.Request{Text: "x"}, false},
		{"a green report holding a red set is red", nil, ai.Request{ObjectID: storetest.FixtureMixedReport, Operation: ai.Report}, true},
		{"a green report of green content goes", nil, ai.Request{ObjectID: storetest.FixtureGreenReport, Operation: ai.Report}, false},
		{"AI__MAX_TLP lowers the limit", map[string]string{"AI__MAX_TLP": "TLP:GREEN"}, ai.Request{Text: "x", Marking: tlp(stix.TLPAmber)}, true},
		{"a local provider takes red", map[string]string{"AI__LOCATION": "local"}, ai.Request{Text: "x", Marking: tlp(stix.TLPRed)}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fake := llmtest.NewServer(t, llmtest.Options{Dialect: llmtest.Mistral})
			env := map[string]string{"AI__TYPE": "mistralai", "AI__ENDPOINT": fake.URL, "AI__MODEL": "test-model",
				"AI__LOCATION": "cloud", "AI__CONTEXT_LENGTH": "8192"}
			for k, v := range c.env {
				env[k] = v
			}
			s := aitest.New(t, env, nil)
			if c.req.Operation == "" {
				c.req.Operation = ai.Summarize
			}
			_, err := s.Service.Ask(ctx, store.LocalAdmin, c.req, nil)
			var refused *ai.RefusedError
			if got := errors.As(err, &refused); got != c.refused {
				t.Fatalf("refused = %v (err %v), want %v", got, err, c.refused)
			}
			if !c.refused {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if n := len(fake.Requests()); n != 0 {
				t.Errorf("the fake received %d requests, want none", n)
			}
			msg := refused.Error()
			if !strings.Contains(msg, refused.Content.String()) || !strings.Contains(msg, refused.Limit.String()) {
				t.Errorf("refusal %q names neither the marking nor the limit", msg)
			}
			entries, _ := s.Service.Audit(ctx, ai.AuditQuery{})
			if len(entries) != 1 || entries[0].Outcome != ai.OutcomeRefused || entries[0].BytesSent != 0 {
				t.Errorf("audit = %+v, want one refused entry with 0 bytes sent", entries)
			}
		})
	}
}

// TestAuditRecordsEveryCall checks the audit row of a successful call and
// that content is kept only with AI__AUDIT_CONTENT.
func TestAuditRecordsEveryCall(t *testing.T) {
	for _, keep := range []bool{false, true} {
		name := "content is not kept by default"
		if keep {
			name = "AI__AUDIT_CONTENT keeps the content"
		}
		t.Run(name, func(t *testing.T) {
			fake := llmtest.NewServer(t, llmtest.Options{Dialect: llmtest.Ollama, Reply: "Short text."})
			env := map[string]string{"AI__TYPE": "ollama", "AI__ENDPOINT": fake.URL, "AI__MODEL": "test-model"}
			if keep {
				env["AI__AUDIT_CONTENT"] = "true"
			}
			s := aitest.New(t, env, nil)
			v := store.Viewer{Name: "ana@example.org", Clearance: stix.TLPAmber, Role: store.RoleAnalyst}
			ans, err := s.Service.Ask(ctx, v, ai.Request{Operation: ai.Shorter, Text: "A long text about the actor.", Marking: tlp(stix.TLPGreen)}, nil)
			if err != nil {
				t.Fatal(err)
			}
			entries, err := s.Service.Audit(ctx, ai.AuditQuery{})
			if err != nil || len(entries) != 1 {
				t.Fatalf("entries %v, err %v", entries, err)
			}
			e := entries[0]
			if e.ID != ans.AuditID || e.User != v.Name || e.Operation != ai.Shorter || e.Engine != "ollama" ||
				e.Model != "test-model:latest" || e.EndpointHost != "127.0.0.1" || e.Location != ai.Local ||
				e.TLPName != "TLP:GREEN" || e.Outcome != ai.OutcomeOK || e.Chunks != 1 {
				t.Errorf("entry = %+v", e)
			}
			chat := chatRequests(fake)[0]
			if e.BytesSent <= len("A long text about the actor.") || e.BytesSent > len(chat.Body) {
				t.Errorf("bytes sent %d, want the prompt's size (body %d bytes)", e.BytesSent, len(chat.Body))
			}
			if e.BytesReceived != len("Short text.") {
				t.Errorf("bytes received %d, want %d", e.BytesReceived, len("Short text."))
			}
			if got := e.ContentSent != "" && e.ContentReceived == "Short text."; got != keep {
				t.Errorf("content kept = %v, want %v", got, keep)
			}
		})
	}
}

// TestViewersMayNotAsk checks that read-only users cannot use Ask AI and
// that objects above a viewer's clearance are not found.
func TestViewersMayNotAsk(t *testing.T) {
	fake := llmtest.NewServer(t, llmtest.Options{Dialect: llmtest.OpenAI})
	s := aitest.New(t, map[string]string{"AI__TYPE": "openai", "AI__ENDPOINT": fake.URL, "AI__MODEL": "test-model"}, nil)
	reader := store.Viewer{Name: "r", Clearance: stix.TLPRed, Role: store.RoleViewer}
	if _, err := s.Service.Ask(ctx, reader, ai.Request{Operation: ai.Summarize, Text: "x"}, nil); !errors.Is(err, ai.ErrForbidden) {
		t.Errorf("a viewer's ask: %v, want ErrForbidden", err)
	}
	green := store.Viewer{Name: "g", Clearance: stix.TLPGreen, Role: store.RoleAnalyst}
	_, err := s.Service.Ask(ctx, green, ai.Request{Operation: ai.Summarize, ObjectID: storetest.FixtureRed}, nil)
	if !errors.Is(err, store.ErrNotFound) {
		t.Errorf("asking about a red object with green clearance: %v, want not found", err)
	}
	if len(fake.Requests()) != 0 {
		t.Errorf("the fake received %d requests", len(fake.Requests()))
	}
}

// stubOffline is an offline engine for tests of the fallback.
type stubOffline struct{}

func (stubOffline) Name() string  { return "builtin" }
func (stubOffline) Model() string { return "" }
func (stubOffline) Local() bool   { return true }
func (stubOffline) Run(_ context.Context, t ai.Task, emit func(ai.Delta) error) (ai.Result, error) {
	return ai.Result{Text: "offline answer", FinishReason: "stop"}, emit(ai.Delta{Text: "offline answer"})
}

// TestOfflineIsNeverSilent checks that a failing provider gives an error
// saying the offline engine is available, and that asking for it works.
func TestOfflineIsNeverSilent(t *testing.T) {
	fake := llmtest.NewServer(t, llmtest.Options{Dialect: llmtest.Mistral, Fault: llmtest.Fault{Kind: llmtest.ServerError}})
	s := aitest.New(t, map[string]string{"AI__TYPE": "mistralai", "AI__ENDPOINT": fake.URL, "AI__MODEL": "test-model",
		"AI__MAX_RETRIES": "0", "AI__CONTEXT_LENGTH": "4096"}, func(o *ai.Options) { o.Offline = stubOffline{} })
	_, err := s.Service.Ask(ctx, store.LocalAdmin, ai.Request{Operation: ai.Explain, Text: "x"}, nil)
	if err == nil || !s.Service.OfflineAvailable() {
		t.Fatalf("err %v, offline available %v", err, s.Service.OfflineAvailable())
	}
	ans, err := s.Service.Ask(ctx, store.LocalAdmin, ai.Request{Operation: ai.Explain, Text: "x", Offline: true}, nil)
	if err != nil || ans.Text != "offline answer" || ans.Engine != "builtin" || ans.Location != ai.Local {
		t.Errorf("offline ask = %+v, %v", ans, err)
	}
	entries, _ := s.Service.Audit(ctx, ai.AuditQuery{})
	if len(entries) != 2 || entries[0].Engine != "builtin" || entries[1].Outcome != "error: server_error" {
		t.Errorf("audit = %+v", entries)
	}
}
