package aiapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/tipster-cti/tipster/internal/ai"
	"github.com/tipster-cti/tipster/internal/ai/llm/llmtest"
	"github.com/tipster-cti/tipster/internal/store/storetest"
)

func get(t *testing.T, url, user string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
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

// TestAuditVisibility: admins read every entry, others their own, and
// nobody reads entries about objects above their clearance.
func TestAuditVisibility(t *testing.T) {
	fake := llmtest.NewServer(t, llmtest.Options{Dialect: llmtest.OpenAI})
	srv, _ := server(t, env(llmtest.OpenAI, fake.URL), nil)
	for _, ask := range []struct{ user, body string }{
		{"ana", `{"text":"a"}`},
		{"ana", `{"object_id":"` + string(storetest.FixtureRed) + `"}`},
		{"bob", `{"text":"b"}`},
		{"", `{"text":"c"}`},
	} {
		if resp := post(t, srv.URL+"/api/v1/ai/summarize", ask.user, ask.body, false); resp.StatusCode != 200 {
			t.Fatalf("%s asking: status %d", ask.user, resp.StatusCode)
		}
	}
	cases := []struct {
		user, query string
		want        []string
	}{
		{"", "", []string{"local admin", "bob", "ana", "ana"}},
		{"", "?user=ana", []string{"ana", "ana"}},
		{"ana", "", []string{"ana", "ana"}},
		{"ana", "?user=bob", []string{"ana", "ana"}},
		{"bob", "", []string{"bob"}},
		{"ana-lowered", "", []string{"ana"}},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%q reads %q", c.user, c.query), func(t *testing.T) {
			var out struct{ Entries []ai.Entry }
			resp := get(t, srv.URL+"/api/v1/ai/audit"+c.query, c.user)
			if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != 200 {
				t.Fatalf("status %d: %v", resp.StatusCode, err)
			}
			var users []string
			for _, e := range out.Entries {
				users = append(users, e.User)
			}
			if strings.Join(users, ",") != strings.Join(c.want, ",") {
				t.Errorf("entries of %v, want %v", users, c.want)
			}
		})
	}
}

// TestStatus checks the status of a working and of an unreachable provider.
func TestStatus(t *testing.T) {
	fake := llmtest.NewServer(t, llmtest.Options{Dialect: llmtest.Mistral, ContextLength: 32768})
	e := env(llmtest.Mistral, fake.URL)
	delete(e, "AI__CONTEXT_LENGTH")
	srv, _ := server(t, e, nil)
	var st ai.Status
	resp := get(t, srv.URL+"/api/v1/ai/status", "")
	json.NewDecoder(resp.Body).Decode(&st)
	if !st.OK || st.Type != "mistralai" || st.Model != "test-model" || st.Label != "custom mistralai - test-model" ||
		st.Location != ai.Local || st.MaxTLP != "TLP:RED" || st.ContextLength != 32768 || st.Reason == "" {
		t.Errorf("status = %+v", st)
	}
	down, _ := server(t, env(llmtest.Mistral, closedPort(t), "AI__LOCATION", "cloud"), nil)
	resp = post(t, down.URL+"/api/v1/ai/status/test", "", "", false)
	st = ai.Status{}
	json.NewDecoder(resp.Body).Decode(&st)
	if st.OK || st.Reachable || st.MaxTLP != "TLP:AMBER" || !strings.HasPrefix(st.Reason, "Nothing answered at 127.0.0.1:") || st.Fix == "" {
		t.Errorf("status of a provider that is down = %+v", st)
	}
	if resp := post(t, down.URL+"/api/v1/ai/status/test", "reader", "", false); resp.StatusCode != 403 {
		t.Errorf("a reader testing the connection: status %d", resp.StatusCode)
	}
}

// TestApplyReviewRestoreOverTheAPI applies an answer, reviews and restores it.
func TestApplyReviewRestoreOverTheAPI(t *testing.T) {
	fake := llmtest.NewServer(t, llmtest.Options{Dialect: llmtest.OpenAI, Reply: "Better text."})
	srv, s := server(t, env(llmtest.OpenAI, fake.URL), nil)
	storetest.ImportJSON(t, s.Store, `{"type":"bundle","id":"bundle--bbbbbbbb-0000-4000-8000-000000000000","objects":[
{"type":"malware","spec_version":"2.1","id":"malware--bbbbbbbb-0000-4000-8000-000000000001","created":"2024-01-01T00:00:00Z",
 "modified":"2024-01-01T00:00:00Z","name":"Bumblebee","is_family":true,"description":"A loder.","x_vendor_score":7}]}`)
	id := "malware--bbbbbbbb-0000-4000-8000-000000000001"
	var ans ai.Answer
	resp := post(t, srv.URL+"/api/v1/ai/fix-spelling", "ana", `{"object_id":"`+id+`"}`, false)
	json.NewDecoder(resp.Body).Decode(&ans)
	steps := []struct {
		path, user, body string
		status           int
	}{
		{"ai-apply", "reader", fmt.Sprintf(`{"text":"Better text.","audit_id":%d}`, ans.AuditID), 403},
		{"ai-apply", "ana", `{"text":"Better text.","audit_id":999}`, 400},
		{"ai-apply", "ana", fmt.Sprintf(`{"field":"name","text":"x","audit_id":%d}`, ans.AuditID), 400},
		{"ai-review", "ana", ``, 404},
		{"ai-apply", "ana", fmt.Sprintf(`{"field":"description","text":"Better text.","audit_id":%d,"mode":"replace"}`, ans.AuditID), 200},
		{"ai-review", "ana", ``, 200},
		{"ai-restore", "ana", ``, 200},
		{"ai-restore", "ana", ``, 404},
	}
	for i, st := range steps {
		resp := post(t, srv.URL+"/api/v1/objects/"+id+"/"+st.path, st.user, st.body, false)
		if resp.StatusCode != st.status {
			t.Errorf("step %d %s as %s: status %d, want %d", i, st.path, st.user, resp.StatusCode, st.status)
		}
	}
	var obj struct {
		Object map[string]any `json:"object"`
	}
	o, err := s.Store.Get(t.Context(), viewers["ana"], "malware--bbbbbbbb-0000-4000-8000-000000000001")
	if err != nil {
		t.Fatal(err)
	}
	json.Unmarshal(o.Raw, &obj.Object)
	if obj.Object["description"] != "A loder." || obj.Object["x_vendor_score"] != 7.0 || obj.Object[ai.AssistedProperty] != nil {
		t.Errorf("restored object = %v", obj.Object)
	}
	var prov struct{ Provenance []ai.Provenance }
	resp = get(t, srv.URL+"/api/v1/objects/"+id+"/ai-provenance", "ana")
	json.NewDecoder(resp.Body).Decode(&prov)
	if len(prov.Provenance) != 1 || prov.Provenance[0].PreviousText != "A loder." || prov.Provenance[0].RestoredBy != "ana" {
		t.Errorf("provenance = %+v", prov.Provenance)
	}
}

// TestApplyRefusesAMoreRestrictedAnswerOverTheAPI applies an answer about
// the TLP:RED intrusion set to the TLP:GREEN malware: 409 tlp_mismatch,
// naming both levels, and the malware keeps its text.
func TestApplyRefusesAMoreRestrictedAnswerOverTheAPI(t *testing.T) {
	fake := llmtest.NewServer(t, llmtest.Options{Dialect: llmtest.OpenAI, Reply: "A secret actor."})
	srv, s := server(t, env(llmtest.OpenAI, fake.URL), nil)
	var ans ai.Answer
	resp := post(t, srv.URL+"/api/v1/ai/summarize", "ana", `{"object_id":"`+string(storetest.FixtureRed)+`"}`, false)
	if err := json.NewDecoder(resp.Body).Decode(&ans); err != nil || ans.TLP != "TLP:RED" {
		t.Fatalf("answer %+v (%v), want one of TLP:RED", ans, err)
	}
	apply := srv.URL + "/api/v1/objects/" + string(storetest.FixtureGreen) + "/ai-apply"
	body := fmt.Sprintf(`{"text":"A secret actor.","audit_id":%d}`, ans.AuditID)
	resp = post(t, apply, "ana", body, false)
	e := decodeError(t, resp)
	if resp.StatusCode != 409 || e.Error.Code != "tlp_mismatch" ||
		!strings.Contains(e.Error.Message, "TLP:RED") || !strings.Contains(e.Error.Message, "TLP:GREEN") {
		t.Errorf("status %d, error %+v, want 409 tlp_mismatch naming TLP:RED and TLP:GREEN", resp.StatusCode, e.Error)
	}
	resp = post(t, apply, "ana-lowered", body, false)
	if e := decodeError(t, resp); resp.StatusCode != 400 || e.Error.Code != "bad_audit_id" {
		t.Errorf("ana, lowered to GREEN, applying her RED answer: status %d, %+v", resp.StatusCode, e.Error)
	}
	o, err := s.Store.Get(t.Context(), viewers["ana"], storetest.FixtureGreen)
	if err != nil || o.Description != "" {
		t.Errorf("the green malware's description is %q (%v), want it untouched", o.Description, err)
	}
}
