package ai_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/tipster-cti/tipster/internal/ai"
	"github.com/tipster-cti/tipster/internal/ai/aitest"
	"github.com/tipster-cti/tipster/internal/ai/llm/llmtest"
	"github.com/tipster-cti/tipster/internal/stix"
	"github.com/tipster-cti/tipster/internal/store"
	"github.com/tipster-cti/tipster/internal/store/storetest"
)

const setID = stix.ID("intrusion-set--aaaaaaaa-0000-4000-8000-000000000001")

func assisted(t *testing.T, st store.Store, v store.Viewer) (*store.Stored, *ai.Assisted) {
	t.Helper()
	o, err := st.Get(ctx, v, setID)
	if err != nil {
		t.Fatal(err)
	}
	var props map[string]json.RawMessage
	json.Unmarshal(o.Raw, &props)
	raw, ok := props[ai.AssistedProperty]
	if !ok {
		return o, nil
	}
	var a ai.Assisted
	if err := json.Unmarshal(raw, &a); err != nil {
		t.Fatal(err)
	}
	return o, &a
}

// TestApplyReviewRestore applies an AI answer to a description, reviews
// it and restores the original, checking each STIX version and the
// provenance.
func TestApplyReviewRestore(t *testing.T) {
	fake := llmtest.NewServer(t, llmtest.Options{Dialect: llmtest.OpenAI, Reply: "A Russia-based, financially motivated group."})
	s := aitest.New(t, map[string]string{"AI__TYPE": "openai", "AI__ENDPOINT": fake.URL, "AI__MODEL": "test-model",
		"AI__CONTEXT_LENGTH": "8192"}, nil)
	storetest.ImportJSON(t, s.Store, reportBundle)
	ana := store.Viewer{Name: "ana", Clearance: stix.TLPRed, Role: store.RoleAnalyst}
	before, _ := assisted(t, s.Store, ana)

	ans, err := s.Service.Ask(ctx, ana, ai.Request{Operation: ai.FixSpelling, ObjectID: setID}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if after, _ := assisted(t, s.Store, ana); after.Description != before.Description {
		t.Fatal("asking changed the object")
	}
	bob := store.Viewer{Name: "bob", Clearance: stix.TLPRed, Role: store.RoleAnalyst}
	if _, err := s.Service.Apply(ctx, bob, setID, ai.ApplyRequest{Text: ans.Text, AuditID: ans.AuditID}); !errors.Is(err, ai.ErrNoAudit) {
		t.Errorf("applying another user's answer: %v, want ErrNoAudit", err)
	}
	reader := store.Viewer{Name: "ana", Clearance: stix.TLPRed, Role: store.RoleViewer}
	if _, err := s.Service.Apply(ctx, reader, setID, ai.ApplyRequest{Text: ans.Text, AuditID: ans.AuditID}); !errors.Is(err, ai.ErrForbidden) {
		t.Errorf("a viewer applying: %v, want ErrForbidden", err)
	}

	p, err := s.Service.Apply(ctx, ana, setID, ai.ApplyRequest{Text: ans.Text, AuditID: ans.AuditID})
	if err != nil {
		t.Fatal(err)
	}
	applied, mark := assisted(t, s.Store, ana)
	if applied.Description != ans.Text || !applied.Modified.After(before.Modified) {
		t.Errorf("applied version: description %q, modified %v (was %v)", applied.Description, applied.Modified, before.Modified)
	}
	if mark == nil || mark.Model != "test-model" || mark.Reviewed || mark.AuditID != ans.AuditID {
		t.Errorf("mark = %+v", mark)
	}
	if p.PreviousText != before.Description || p.NewText != ans.Text || p.AppliedBy != "ana" || p.Mode != ai.ModeReplace {
		t.Errorf("provenance = %+v", p)
	}

	if _, err := s.Service.Review(ctx, ana, setID); err != nil {
		t.Fatal(err)
	}
	reviewed, mark := assisted(t, s.Store, ana)
	if mark == nil || !mark.Reviewed || mark.ReviewedBy != "ana" || !reviewed.Modified.After(applied.Modified) {
		t.Errorf("reviewed mark = %+v", mark)
	}

	if _, err := s.Service.Restore(ctx, ana, setID); err != nil {
		t.Fatal(err)
	}
	restored, mark := assisted(t, s.Store, ana)
	if restored.Description != before.Description || mark != nil || !restored.Modified.After(reviewed.Modified) {
		t.Errorf("restored: %q, mark %+v", restored.Description, mark)
	}
	if _, err := s.Service.Restore(ctx, ana, setID); !errors.Is(err, ai.ErrNoProvenance) {
		t.Errorf("second restore: %v, want ErrNoProvenance", err)
	}
	ps, _ := s.Service.ProvenanceOf(ctx, ana, setID)
	if len(ps) != 1 || ps[0].ReviewedAt == nil || ps[0].RestoredAt == nil {
		t.Errorf("provenance = %+v", ps)
	}
}

// TestInsertAndRestoreAfterAnEdit inserts AI text after the description,
// then refuses to restore once someone edited the field.
func TestInsertAndRestoreAfterAnEdit(t *testing.T) {
	fake := llmtest.NewServer(t, llmtest.Options{Dialect: llmtest.OpenAI, Reply: "Added paragraph."})
	s := aitest.New(t, map[string]string{"AI__TYPE": "openai", "AI__ENDPOINT": fake.URL, "AI__MODEL": "test-model",
		"AI__CONTEXT_LENGTH": "8192"}, nil)
	storetest.ImportJSON(t, s.Store, reportBundle)
	ans, err := s.Service.Ask(ctx, store.LocalAdmin, ai.Request{Operation: ai.Longer, ObjectID: setID}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Service.Apply(ctx, store.LocalAdmin, setID, ai.ApplyRequest{Text: ans.Text, AuditID: ans.AuditID, Mode: ai.ModeInsert}); err != nil {
		t.Fatal(err)
	}
	o, _ := assisted(t, s.Store, store.LocalAdmin)
	if want := "Russia-based financially motivated group.\n\nAdded paragraph."; o.Description != want {
		t.Errorf("description = %q, want %q", o.Description, want)
	}
	edited := `{"type":"bundle","id":"bundle--aaaaaaaa-0000-4000-8000-0000000000ff","objects":[{"type":"intrusion-set","spec_version":"2.1",
 "id":"intrusion-set--aaaaaaaa-0000-4000-8000-000000000001","created":"2024-03-01T00:00:00Z","modified":"2099-01-01T00:00:00Z",
 "name":"Wizard Spider","description":"Edited by hand."}]}`
	storetest.ImportJSON(t, s.Store, edited)
	if _, err := s.Service.Restore(ctx, store.LocalAdmin, setID); !errors.Is(err, ai.ErrChanged) {
		t.Errorf("restore after an edit: %v, want ErrChanged", err)
	}
}
