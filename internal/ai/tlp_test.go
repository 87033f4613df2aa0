package ai_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/tipster-cti/tipster/internal/ai"
	"github.com/tipster-cti/tipster/internal/ai/aitest"
	"github.com/tipster-cti/tipster/internal/ai/llm/llmtest"
	"github.com/tipster-cti/tipster/internal/ai/offline"
	"github.com/tipster-cti/tipster/internal/stix"
	"github.com/tipster-cti/tipster/internal/store"
	"github.com/tipster-cti/tipster/internal/store/storetest"
)

// Targets of different markings for applying answers, beside the
// clearance fixture (a TLP:RED intrusion set, Crimson Quiet, that uses a
// TLP:GREEN malware, Greenleaf).
const (
	clearIndicator = stix.ID("indicator--cccccccc-0000-4000-8000-000000000001")
	redMalware     = stix.ID("malware--cccccccc-0000-4000-8000-000000000002")
	targetsBundle  = `{"type":"bundle","id":"bundle--cccccccc-0000-4000-8000-000000000000","objects":[
{"type":"indicator","spec_version":"2.1","id":"indicator--cccccccc-0000-4000-8000-000000000001",
 "created":"2024-01-01T00:00:00Z","modified":"2024-01-01T00:00:00Z","name":"Beacon","description":"Public beacon.",
 "pattern":"[domain-name:value = 'beacon.example']","pattern_type":"stix","valid_from":"2024-01-01T00:00:00Z"},
{"type":"malware","spec_version":"2.1","id":"malware--cccccccc-0000-4000-8000-000000000002",
 "created":"2024-01-01T00:00:00Z","modified":"2024-01-01T00:00:00Z","name":"Hushloader","is_family":true,"description":"Kept close.",
 "object_marking_refs":["marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"]}]}`
)

var (
	redAnalyst   = store.Viewer{Name: "rita", Clearance: stix.TLPRed, Role: store.RoleAnalyst}
	greenAnalyst = store.Viewer{Name: "gus", Clearance: stix.TLPGreen, Role: store.RoleAnalyst}
	// ritaLowered is rita after her clearance was lowered to GREEN.
	ritaLowered = store.Viewer{Name: "rita", Clearance: stix.TLPGreen, Role: store.RoleAnalyst}
	greenAdmin  = store.Viewer{Name: "gwen", Clearance: stix.TLPGreen, Role: store.RoleAdmin}
)

// TestApplyKeepsTextAtItsLevel asks for answers of TLP:RED and TLP:CLEAR
// content, then applies them to objects of each marking: an answer may
// only go where its readers may already read at its level.
func TestApplyKeepsTextAtItsLevel(t *testing.T) {
	fake := llmtest.NewServer(t, llmtest.Options{Dialect: llmtest.OpenAI, Reply: "The group behind the intrusions."})
	s := aitest.New(t, map[string]string{"AI__TYPE": "openai", "AI__ENDPOINT": fake.URL, "AI__MODEL": "test-model",
		"AI__CONTEXT_LENGTH": "8192"}, nil)
	storetest.ImportJSON(t, s.Store, targetsBundle)
	red, err := s.Service.Ask(ctx, redAnalyst, ai.Request{Operation: ai.Summarize, ObjectID: storetest.FixtureRed}, nil)
	if err != nil {
		t.Fatal(err)
	}
	clear, err := s.Service.Ask(ctx, redAnalyst, ai.Request{Operation: ai.Summarize, Text: "A public beacon."}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if red.TLP != "TLP:RED" || clear.TLP != "TLP:CLEAR" {
		t.Fatalf("answers are %s and %s, want TLP:RED and TLP:CLEAR", red.TLP, clear.TLP)
	}
	cases := []struct {
		name     string
		viewer   store.Viewer
		target   stix.ID
		audit    int64
		mismatch bool
		want     error
	}{
		{"a red answer is refused on a TLP:CLEAR indicator", redAnalyst, clearIndicator, red.AuditID, true, nil},
		{"a red answer goes into a TLP:RED malware", redAnalyst, redMalware, red.AuditID, false, nil},
		{"a clear answer goes into a TLP:CLEAR indicator", redAnalyst, clearIndicator, clear.AuditID, false, nil},
		{"a clear answer goes into a TLP:RED malware", redAnalyst, redMalware, clear.AuditID, false, nil},
		{"an answer above the applier's lowered clearance is not theirs to use", ritaLowered, clearIndicator, red.AuditID, false, ai.ErrNoAudit},
		{"an admin may not use an answer above their clearance", greenAdmin, clearIndicator, red.AuditID, false, ai.ErrNoAudit},
		{"another analyst may not use the answer", greenAnalyst, clearIndicator, clear.AuditID, false, ai.ErrNoAudit},
		{"a target above the applier's clearance is not found", ritaLowered, redMalware, clear.AuditID, false, store.ErrNotFound},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before, err := s.Store.Get(ctx, store.LocalAdmin, c.target)
			if err != nil {
				t.Fatal(err)
			}
			_, applyErr := s.Service.Apply(ctx, c.viewer, c.target, ai.ApplyRequest{Text: "Applied " + c.name, AuditID: c.audit})
			var mismatch *ai.TLPMismatchError
			switch {
			case c.mismatch:
				if !errors.As(applyErr, &mismatch) || mismatch.Answer != stix.TLPRed || mismatch.Target != stix.TLPClear {
					t.Fatalf("err = %v, want a mismatch of TLP:RED text and a TLP:CLEAR object", applyErr)
				}
			case c.want != nil:
				if !errors.Is(applyErr, c.want) {
					t.Fatalf("err = %v, want %v", applyErr, c.want)
				}
			case applyErr != nil:
				t.Fatal(applyErr)
			}
			after, err := s.Store.Get(ctx, store.LocalAdmin, c.target)
			if err != nil {
				t.Fatal(err)
			}
			if written := after.Description != before.Description; written != (applyErr == nil) {
				t.Errorf("description changed: %v, want %v (now %q)", written, applyErr == nil, after.Description)
			}
		})
	}
	if ps, _ := s.Service.ProvenanceOf(ctx, store.LocalAdmin, clearIndicator); len(ps) != 1 {
		t.Errorf("the clear indicator has %d applications, want the one clear answer", len(ps))
	}
}

// TestOfflineAnswersCarryTheLevelOfWhatTheyQuote asks the offline engine
// about unmarked free text naming objects of the clearance fixture: the
// answer is labelled with the highest level it quotes, its own citations
// are not flagged, and applying it to a less restricted object is refused.
func TestOfflineAnswersCarryTheLevelOfWhatTheyQuote(t *testing.T) {
	s := aitest.New(t, map[string]string{"AI__TYPE": "builtin"}, func(o *ai.Options) { o.Offline = offline.New(o.Store) })
	storetest.ImportJSON(t, s.Store, targetsBundle)
	cases := []struct {
		name   string
		viewer store.Viewer
		op     ai.Operation
		text   string
		want   string // the answer's level
		quotes string // text of the knowledge base the answer holds
	}{
		{"explaining a red actor's name is red", redAnalyst, ai.Explain, "Crimson Quiet struck again.", "TLP:RED", "secret actor"},
		{"lengthening text naming a red actor is red", redAnalyst, ai.Longer, "Crimson Quiet struck again.", "TLP:RED", "secret actor"},
		{"explaining green malware linked to a red actor is red", redAnalyst, ai.Explain, "Greenleaf was seen.", "TLP:RED", "Crimson Quiet"},
		{"the same for a green reader, who sees no link, is green", greenAnalyst, ai.Explain, "Greenleaf was seen.", "TLP:GREEN", string(storetest.FixtureGreen)},
		{"text naming nothing known stays clear", redAnalyst, ai.Explain, "Nothing to see here.", "TLP:CLEAR", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ans, err := s.Service.Ask(ctx, c.viewer, ai.Request{Operation: c.op, Text: c.text}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if ans.TLP != c.want || !strings.Contains(ans.Text, c.quotes) {
				t.Fatalf("answer is %s, want %s, and should quote %q:\n%s", ans.TLP, c.want, c.quotes, ans.Text)
			}
			for _, f := range ans.Flags {
				t.Errorf("flag %s on %s: %s", f.Kind, f.Value, f.Message)
			}
			entry, err := s.Service.AuditLog().Get(ctx, ans.AuditID)
			if err != nil || entry.TLP.String() != c.want {
				t.Errorf("audit entry is %s (%v), want %s", entry.TLP, err, c.want)
			}
			_, err = s.Service.Apply(ctx, c.viewer, clearIndicator, ai.ApplyRequest{Text: ans.Text, AuditID: ans.AuditID, Mode: ai.ModeInsert})
			var mismatch *ai.TLPMismatchError
			if refused := errors.As(err, &mismatch); refused != (c.want != "TLP:CLEAR") {
				t.Errorf("applying to a TLP:CLEAR indicator: %v, want refused %v", err, c.want != "TLP:CLEAR")
			}
		})
	}
}

// sourcingEngine answers with a fixed text and reports fixed sources, as
// an engine that reads the knowledge base does.
type sourcingEngine struct {
	text    string
	sources []ai.Fact
}

func (sourcingEngine) Name() string  { return "builtin" }
func (sourcingEngine) Model() string { return "" }
func (sourcingEngine) Local() bool   { return true }
func (e sourcingEngine) Run(context.Context, ai.Task, func(ai.Delta) error) (ai.Result, error) {
	return ai.Result{Text: e.text, FinishReason: "stop", Sources: e.sources}, nil
}

// TestSourcesGroundAndLabelTheAnswer checks that the objects an engine
// reports drawing on are facts to the verifier, so that only ids from
// nowhere are flagged, and that they raise the answer's level.
func TestSourcesGroundAndLabelTheAnswer(t *testing.T) {
	const (
		source   = "malware--dddddddd-0000-4000-8000-000000000001"
		invented = "malware--dddddddd-0000-4000-8000-0000000000ff"
	)
	eng := &sourcingEngine{
		text:    "Quietbot [" + source + "] beacons to 198.51.100.9; see also [" + invented + "].",
		sources: []ai.Fact{{ID: source, Type: "malware", Name: "Quietbot", Description: "Beacons to 198.51.100.9.", TLP: stix.TLPAmber}},
	}
	s := aitest.New(t, map[string]string{"AI__TYPE": "builtin"}, func(o *ai.Options) { o.Engine, o.Offline = eng, eng })
	ans, err := s.Service.Ask(ctx, redAnalyst, ai.Request{Operation: ai.Explain, Text: "Quietbot was seen.", Marking: tlp(stix.TLPGreen)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []ai.Flag{{Kind: ai.FlagUnknownReference, Value: invented, IndicatorKind: "stix-id",
		Message: "the answer cites an object that was not among its facts"}}
	if diff := cmp.Diff(want, ans.Flags); diff != "" {
		t.Errorf("flags (-want +got):\n%s", diff)
	}
	if ans.TLP != "TLP:AMBER" {
		t.Errorf("answer is %s, want TLP:AMBER, the level of its source above the GREEN text", ans.TLP)
	}
}
