package cli

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/tipster-cti/tipster/internal/ai"
	"github.com/tipster-cti/tipster/internal/config"
	"github.com/tipster-cti/tipster/internal/stix"
)

func TestAskAuditsEveryAnswerInTheStore(t *testing.T) {
	forEachBackend(t, testAskAudits)
}

// testAskAudits asks the offline engine (the default provider) about an
// imported object twice and finds the first call in the store's audit log.
func testAskAudits(t *testing.T, env map[string]string) {
	apt1 := needData(t, "cti-documentation/apt1.json")
	if code, _, errOut := run(t, env, "import", apt1); code != 0 {
		t.Fatalf("import exit %d: %s", code, errOut)
	}
	_, out, _ := run(t, env, "search", "--type", "intrusion-set", "APT1")
	id := regexp.MustCompile(`intrusion-set--[0-9a-f-]{36}`).FindString(out)
	var first ai.Answer
	for i := range 2 {
		code, out, errOut := run(t, env, "ask", "summarize", "--json", "--object", id)
		if code != 0 {
			t.Fatalf("ask exit %d: %s", code, errOut)
		}
		var ans ai.Answer
		if err := json.Unmarshal([]byte(out), &ans); err != nil {
			t.Fatalf("ask --json: %v\n%s", err, out)
		}
		if strings.TrimSpace(ans.Text) == "" || ans.Engine != "builtin" || ans.AuditID <= 0 {
			t.Errorf("answer %d: engine %q, audit %d, text %q", i, ans.Engine, ans.AuditID, ans.Text)
		}
		if i == 0 {
			first = ans
		} else if ans.AuditID <= first.AuditID {
			t.Errorf("second answer's audit id %d is not after the first's %d", ans.AuditID, first.AuditID)
		}
	}
	ctx := context.Background()
	st, err := openStore(ctx, config.Load(func(k string) string { return env[k] }, nil))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	e, err := ai.NewAuditLog(st.(aiBackend).AI()).Get(ctx, first.AuditID)
	if err != nil {
		t.Fatal(err)
	}
	if e.Operation != ai.Summarize || e.Outcome != ai.OutcomeOK || len(e.ObjectIDs) == 0 || e.ObjectIDs[0] != stix.ID(id) {
		t.Errorf("audit entry of the first answer: %+v", e)
	}
}
