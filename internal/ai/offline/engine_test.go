package offline

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/tipster-cti/tipster/internal/ai"
	"github.com/tipster-cti/tipster/internal/extract"
	"github.com/tipster-cti/tipster/internal/stix"
	"github.com/tipster-cti/tipster/internal/store"
	"github.com/tipster-cti/tipster/internal/store/sqlite"
	"github.com/tipster-cti/tipster/internal/store/storetest"
)

// icsText names ATT&CK for ICS objects of the test knowledge base and
// holds two indicators.
const icsText = "Sandworm Team used Industroyer against Ukraine's energy sector. " +
	"The operators relied on Exploitation of Remote Services (T0866) to move between hosts. " +
	"Stuxnet is older. The loader beaconed to 203.0.113.7 and to update-check.net every hour. " +
	"Operators later exploited CVE-2021-44228 on an exposed server."

// Ids of objects named in icsText, in ATT&CK v14 for ICS.
const (
	sandwormID = "intrusion-set--381fcf73-60f6-4ab2-9991-6af3cbc35192"
	t0866ID    = "attack-pattern--85a45294-08f1-4539-bf00-7da08aa7b0ee"
)

var ctx = context.Background()

func run(t *testing.T, e *Engine, task ai.Task) string {
	t.Helper()
	task.Viewer = store.LocalAdmin
	r, err := e.Run(ctx, task, nil)
	if err != nil {
		t.Fatalf("Run(%s %s): %v", task.Operation, task.Audience, err)
	}
	return r.Text
}

func TestEveryAnswerCarriesTheLabelInEveryFormat(t *testing.T) {
	e := New(testKB(t))
	for _, op := range ai.Operations {
		for _, f := range []ai.Format{ai.Text, ai.Markdown, ai.HTML} {
			got := run(t, e, ai.Task{Operation: op, Format: f, Content: icsText})
			if !strings.Contains(got, Label) {
				t.Errorf("%s in %s: answer lacks %q:\n%s", op, f, Label, got)
			}
		}
	}
}

func TestAnswersSayWhatTheTextNames(t *testing.T) {
	e := New(testKB(t))
	tests := []struct {
		name string
		task ai.Task
		want []string
	}{
		{"a summary lists actors, malware, techniques, vulnerabilities, indicators, sectors and countries",
			ai.Task{Operation: ai.Summarize},
			[]string{"Threat actors: Sandworm Team (G0034)", "Industroyer", "Exploitation of Remote Services (T0866)",
				"Vulnerabilities: CVE-2021-44228", "203.0.113.7", "update-check.net", "energy", "Ukraine"}},
		{"longer keeps the text and cites the knowledge base by STIX id",
			ai.Task{Operation: ai.Longer},
			[]string{icsText[:60], "CONTEXT FROM THE KNOWLEDGE BASE", "[" + sandwormID + "]", "[" + t0866ID + "]"}},
		{"explain defines each name and says what the knowledge base links it to",
			ai.Task{Operation: ai.Explain},
			[]string{"It is a threat group (intrusion set).", "The knowledge base links it to:", "uses: ", "mitigated by: ",
				"NOT IN THE KNOWLEDGE BASE", "CVE-2021-44228"}},
		{"a tactical answer maps techniques to ATT&CK with their mitigations",
			ai.Task{Operation: ai.ChangeTone, Audience: ai.Tactical},
			[]string{"T0866, T1428\tExploitation of Remote Services\tinitial access, lateral movement", "MITIGATIONS", "course-of-action--"}},
		{"an operational answer gives the indicator table and STIX patterns",
			ai.Task{Operation: ai.ChangeTone, Audience: ai.Operational},
			[]string{"ipv4\t203.0.113.7\t1\tdocumentation", "[ipv4-addr:value = '203.0.113.7']", "[domain-name:value = 'update-check.net']"}},
		{"a strategic answer says who, what, whom and impact",
			ai.Task{Operation: ai.ChangeTone, Audience: ai.Strategic},
			[]string{"WHO", "Sandworm Team", "WHAT", "WHOM", "energy", "IMPACT"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.task.Content = icsText
			got := run(t, e, tc.task)
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("answer lacks %q:\n%s", w, got)
				}
			}
		})
	}
}

func TestStrategicAnswerHoldsNoIndicator(t *testing.T) {
	e := New(testKB(t))
	text := tramText(t, "StopRansomware Royal Ransomware") + "\n" + icsText
	got := run(t, e, ai.Task{Operation: ai.ChangeTone, Audience: ai.Strategic, Content: text})
	for _, ind := range extract.Indicators(got) {
		t.Errorf("strategic answer holds the %s %q", ind.Kind, ind.Value)
	}
}

func TestShorterKeepsAboutHalfAndTheSentencesThatNameThings(t *testing.T) {
	text := tramText(t, "Conti Ransomware")
	lex, err := BuildLexicon(context.Background(), testKB(t), store.LocalAdmin)
	if err != nil {
		t.Fatal(err)
	}
	a := analyze(text, lex)
	got := shorterText(a)
	if r := float64(len(got)) / float64(len(text)); r < 0.4 || r > 0.6 {
		t.Errorf("shorter keeps %.2f of the text, want about half", r)
	}
	carries := func(i int) bool { return a.named[i]+a.iocs[i] > 0 }
	keptBytes := 0
	for _, i := range shorterKeep(a) {
		if carries(i) {
			keptBytes += a.sents[i].end - a.sents[i].start
		}
	}
	allBytes := 0
	for i, s := range a.sents {
		if carries(i) && !s.heading && s.end-s.start < 1000 {
			allBytes += s.end - s.start
		}
	}
	if want := min(allBytes, len(text)/2) * 8 / 10; keptBytes < want {
		t.Errorf("shorter kept %d bytes of sentences that name things, want at least %d (the text has %d in sentences under 1,000 bytes)", keptBytes, want, allBytes)
	}
}

func TestRunStreamsTheAnswerItReturns(t *testing.T) {
	e := New(testKB(t))
	var streamed strings.Builder
	r, err := e.Run(ctx, ai.Task{Operation: ai.Summarize, Content: icsText, Format: ai.Markdown, Viewer: store.LocalAdmin}, func(d ai.Delta) error {
		streamed.WriteString(d.Text)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if streamed.String() != r.Text || r.FinishReason != "stop" || r.Model != "" {
		t.Errorf("streamed %q, result %+v", streamed.String(), r)
	}
}

func TestEmptyTextIsABadRequest(t *testing.T) {
	e := New(testKB(t))
	_, err := e.Run(ctx, ai.Task{Operation: ai.Summarize, Content: "  "}, nil)
	if err == nil || !strings.Contains(err.Error(), "no text") {
		t.Errorf("Run on empty text: err = %v, want a bad request", err)
	}
}

func TestEngineIsRegisteredAsTheOfflineEngine(t *testing.T) {
	e, ok := ai.NewOffline(testKB(t))
	if !ok || e.Name() != "builtin" || !e.Local() || e.Model() != "" {
		t.Errorf("ai.NewOffline = %v, %v", e, ok)
	}
}

func TestReportFromContainerFacts(t *testing.T) {
	st := testKB(t)
	ctx := context.Background()
	const reportID = "report--e33ffe07-2f4c-48d8-b0af-ee2619d765cf"
	rep, err := st.Get(ctx, store.LocalAdmin, reportID)
	if err != nil {
		t.Fatal(err)
	}
	objs, err := st.Contents(ctx, store.LocalAdmin, reportID)
	if err != nil {
		t.Fatal(err)
	}
	facts := &ai.Facts{}
	for _, o := range objs {
		if o.Type == "relationship" {
			facts.Links = append(facts.Links, ai.Link{ID: o.ID, Type: o.RelationshipType, Source: o.Source, Target: o.Target})
			continue
		}
		facts.Objects = append(facts.Objects, ai.Fact{ID: o.ID, Type: o.Type, Name: o.Name, Description: o.Description, ExternalIDs: o.ExternalIDs})
	}
	subject := &ai.Fact{ID: rep.ID, Type: rep.Type, Name: rep.Name, Description: rep.Description, Published: rep.Published, TLP: rep.EffectiveTLP}
	tests := []struct {
		name     string
		audience ai.Audience
		want     []string
		not      []string
	}{
		// The Service appends the indicator table built from the store, so
		// the engine must not write one of its own.
		{"an operational report lists actors, malware and relationships, and leaves the indicator table to the service", ai.Operational,
			[]string{"Report: APT1", "THREAT ACTORS", "APT1 [intrusion-set--", "MALWARE", "RELATIONSHIPS", "hugesoft.org"},
			[]string{"INDICATORS AND OBSERVABLES"}},
		{"a strategic report leaves indicators out", ai.Strategic,
			[]string{"Report: APT1", "THREAT ACTORS"}, []string{"INDICATORS AND OBSERVABLES", "hugesoft.org"}},
	}
	e := New(st)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := run(t, e, ai.Task{Operation: ai.Report, Audience: tc.audience, Subject: subject, Facts: facts})
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("report lacks %q:\n%s", w, got)
				}
			}
			for _, w := range tc.not {
				if strings.Contains(got, w) {
					t.Errorf("report holds %q:\n%s", w, got)
				}
			}
		})
	}
}

func TestKnowledgeBaseIsReadAsTheTasksViewer(t *testing.T) {
	st, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	storetest.ImportJSON(t, st, `{"type":"malware","spec_version":"2.1","id":"malware--0a3f8c8e-3a55-4e43-9f53-2c4f0a1b0003",`+
		`"created":"2024-01-01T00:00:00Z","modified":"2024-01-01T00:00:00Z","name":"Redloader","is_family":true,`+
		`"description":"Redloader is known only to the few.",`+
		`"object_marking_refs":["`+string(stix.TLPRed.MarkingID())+`"]}`)
	e := New(st)
	tests := []struct {
		name   string
		viewer store.Viewer
		want   bool
	}{
		{"a viewer cleared for TLP:RED reads the red object", store.LocalAdmin, true},
		{"a viewer cleared for TLP:GREEN does not", store.Viewer{Name: "g", Clearance: stix.TLPGreen, Role: store.RoleAnalyst}, false},
		{"the zero viewer reads only TLP:CLEAR", store.Viewer{}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := e.Run(ctx, ai.Task{Operation: ai.Explain, Content: "Redloader was seen.", Viewer: tc.viewer}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Contains(r.Text, "known only to the few"); got != tc.want {
				t.Errorf("answer holds the red description: %v, want %v:\n%s", got, tc.want, r.Text)
			}
		})
	}
}

// TestSourcesAreEveryObjectTheAnswerCites checks that each STIX id an
// answer cites is among the sources it reports, with its level, so that
// Ask AI neither flags the engine's own citations nor under-labels them.
func TestSourcesAreEveryObjectTheAnswerCites(t *testing.T) {
	e := New(testKB(t))
	stixID := regexp.MustCompile(`[a-z][a-z0-9-]+--[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
	tasks := []struct {
		name     string
		task     ai.Task
		citeSome bool
	}{
		{"explain cites definitions and links", ai.Task{Operation: ai.Explain}, true},
		{"longer cites definitions", ai.Task{Operation: ai.Longer}, true},
		{"a tactical answer cites mitigations", ai.Task{Operation: ai.ChangeTone, Audience: ai.Tactical}, true},
		{"an operational answer without detection advice or known patterns draws on nothing", ai.Task{Operation: ai.ChangeTone, Audience: ai.Operational}, false},
		{"a summary reads nothing but the lexicon", ai.Task{Operation: ai.Summarize}, false},
	}
	for _, tc := range tasks {
		t.Run(tc.name, func(t *testing.T) {
			tc.task.Content, tc.task.Viewer = icsText, store.LocalAdmin
			r, err := e.Run(ctx, tc.task, nil)
			if err != nil {
				t.Fatal(err)
			}
			sources := map[stix.ID]bool{}
			for _, f := range r.Sources {
				sources[f.ID] = true
			}
			cited := stixID.FindAllString(r.Text, -1)
			if tc.citeSome && len(cited) == 0 || !tc.citeSome && len(cited)+len(r.Sources) > 0 {
				t.Errorf("cites %d ids with %d sources, want citations and sources %v", len(cited), len(r.Sources), tc.citeSome)
			}
			for _, id := range cited {
				if !sources[stix.ID(id)] {
					t.Errorf("cites %s, which is not among its sources", id)
				}
			}
		})
	}
}
