package kb

import (
	"errors"
	"strings"
	"testing"

	"github.com/tipster-cti/tipster/internal/ai"
	"github.com/tipster-cti/tipster/internal/ai/kb/index"
	"github.com/tipster-cti/tipster/internal/ai/llm"
	"github.com/tipster-cti/tipster/internal/ai/llm/llmtest"
	"github.com/tipster-cti/tipster/internal/stix"
	"github.com/tipster-cti/tipster/internal/store"
	"github.com/tipster-cti/tipster/internal/store/storetest"
)

var (
	greenAnalyst = store.Viewer{Name: "green@example.org", Clearance: stix.TLPGreen, Role: store.RoleAnalyst}
	redAnalyst   = store.Viewer{Name: "red@example.org", Clearance: stix.TLPRed, Role: store.RoleAnalyst}
)

// fixture is a knowledge-base service over the clearance fixture, whose
// model is a fake that answers reply.
type fixture struct {
	svc   *Service
	audit *ai.AuditLog
	fake  *llmtest.Server
}

func newFixture(t *testing.T, reply string, maxTLP stix.TLP) *fixture {
	t.Helper()
	db := openStore(t)
	storetest.LoadClearanceFixture(t, db)
	ix := index.New(db.Passages())
	if _, err := ix.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	fake := llmtest.NewServer(t, llmtest.Options{Dialect: llmtest.Ollama, Reply: reply})
	settings := ai.Settings{Enabled: true, Type: "ollama", MaxTokens: 500, Location: ai.Local, MaxTLP: maxTLP,
		LLM: llm.Config{Type: llm.Ollama, Endpoint: fake.URL, Model: llmtest.DefaultModel}}
	audit := ai.NewAuditLog(db.AI())
	aiSvc, err := ai.New(ai.Options{Store: db, Settings: settings, Audit: audit})
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{svc: &Service{AI: aiSvc, Audit: audit, Retriever: NewRetriever(db, ix)}, audit: audit, fake: fake}
}

// chats counts the chat requests the fake model received.
func (f *fixture) chats() int {
	n := 0
	for _, r := range f.fake.Requests() {
		if strings.HasSuffix(r.Path, "/chat") {
			n++
		}
	}
	return n
}

func TestAnAnswerKeepsOnlyCitationsOfFactsRetrievedForTheAsker(t *testing.T) {
	reply := "Greenleaf is malware [" + string(storetest.FixtureGreen) + "] used by Crimson Quiet [" +
		string(storetest.FixtureRed) + "] and by [malware--99999999-9999-4999-8999-999999999999]."
	f := newFixture(t, reply, stix.TLPAmber)
	var streamed strings.Builder
	a, err := f.svc.Ask(ctx, greenAnalyst, Request{Question: "What do we know about Greenleaf?"}, func(s string) error {
		streamed.WriteString(s)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Citations) != 1 || a.Citations[0].ID != storetest.FixtureGreen {
		t.Errorf("citations = %+v, want only the green malware", a.Citations)
	}
	if strings.Contains(a.Text, string(storetest.FixtureRed)) || strings.Contains(a.Text, "malware--9999") {
		t.Errorf("answer still cites what was not retrieved: %q", a.Text)
	}
	flagged := map[string]bool{}
	for _, fl := range a.Flags {
		flagged[fl.Value] = fl.Kind == ai.FlagUnknownReference
	}
	if !flagged[string(storetest.FixtureRed)] || !flagged["malware--99999999-9999-4999-8999-999999999999"] {
		t.Errorf("flags = %+v, want both foreign citations flagged", a.Flags)
	}
	for _, r := range f.fake.Requests() {
		if strings.Contains(string(r.Body), "Crimson Quiet") || strings.Contains(string(r.Body), "secret actor") {
			t.Errorf("the TLP:RED intrusion set reached the model of a TLP:GREEN asker: %s", r.Body)
		}
	}
	e, err := f.audit.Get(ctx, a.AuditID)
	if err != nil {
		t.Fatal(err)
	}
	if e.Operation != Operation || e.Outcome != ai.OutcomeOK || e.BytesSent == 0 || e.User != greenAnalyst.Name {
		t.Errorf("audit entry = %+v, want a successful question by the asker with bytes sent", e)
	}
}

func TestAQuestionTheKnowledgeBaseCannotAnswerAsksNoModel(t *testing.T) {
	f := newFixture(t, "should not be asked", stix.TLPAmber)
	a, err := f.svc.Ask(ctx, redAnalyst, Request{Question: "What did Midnight Blizzard take from corporate mailboxes?"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if a.Answered || f.chats() != 0 {
		t.Errorf("answered = %v after %d chats, want a plain no without asking the model", a.Answered, f.chats())
	}
	if !strings.Contains(a.Text, "nothing relevant") {
		t.Errorf("text = %q, want it to say the knowledge base does not know", a.Text)
	}
}

func TestFactsAboveTheProviderLimitAreRefusedUnlessTheAskerLimitsRetrieval(t *testing.T) {
	f := newFixture(t, "Crimson Quiet uses Greenleaf.", stix.TLPGreen)
	_, err := f.svc.Ask(ctx, redAnalyst, Request{Question: "What do we know about Crimson Quiet?"}, nil)
	var refused *ai.RefusedError
	if !errors.As(err, &refused) || refused.Content != stix.TLPRed {
		t.Fatalf("err = %v, want a refusal for TLP:RED content", err)
	}
	if f.chats() != 0 {
		t.Errorf("the model was asked %d times despite the refusal", f.chats())
	}
	entries, err := f.audit.List(ctx, ai.AuditQuery{})
	if err != nil || len(entries) != 1 || entries[0].Outcome != ai.OutcomeRefused {
		t.Errorf("audit = %+v (%v), want one refused entry", entries, err)
	}
	a, err := f.svc.Ask(ctx, redAnalyst, Request{Question: "What do we know about Greenleaf and Crimson Quiet?", WithinLimit: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range a.Retrieved {
		if c.ID == storetest.FixtureRed {
			t.Errorf("retrieval within the provider's limit returned the TLP:RED set")
		}
	}
}

func TestTheOfflineAnswerListsTheRetrievedFactsByEntity(t *testing.T) {
	f := newFixture(t, "should not be asked", stix.TLPAmber)
	a, err := f.svc.Ask(ctx, redAnalyst, Request{Question: "What do we know about Crimson Quiet?", Offline: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if f.chats() != 0 {
		t.Errorf("the offline answer asked the model")
	}
	for _, want := range []string{"Intrusion sets", "Crimson Quiet [" + string(storetest.FixtureRed) + "]", "Malware", "Greenleaf"} {
		if !strings.Contains(a.Text, want) {
			t.Errorf("offline answer lacks %q:\n%s", want, a.Text)
		}
	}
}

func TestAViewerWithoutAskAIRightsIsRefused(t *testing.T) {
	f := newFixture(t, "x", stix.TLPAmber)
	v := greenAnalyst
	v.Role = store.RoleViewer
	if _, err := f.svc.Ask(ctx, v, Request{Question: "Greenleaf?"}, nil); !errors.Is(err, ai.ErrForbidden) {
		t.Errorf("err = %v, want ErrForbidden", err)
	}
}
