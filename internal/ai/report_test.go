package ai_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tipster-cti/tipster/internal/ai"
	"github.com/tipster-cti/tipster/internal/ai/aitest"
	"github.com/tipster-cti/tipster/internal/ai/llm/llmtest"
	"github.com/tipster-cti/tipster/internal/store"
	"github.com/tipster-cti/tipster/internal/store/storetest"
)

// reportBundle is a report holding an intrusion set, malware, a
// relationship, an indicator and an observable.
const reportBundle = `{"type":"bundle","id":"bundle--aaaaaaaa-0000-4000-8000-000000000000","objects":[
{"type":"intrusion-set","spec_version":"2.1","id":"intrusion-set--aaaaaaaa-0000-4000-8000-000000000001",
 "created":"2024-03-01T00:00:00Z","modified":"2024-03-01T00:00:00Z","name":"Wizard Spider","description":"Russia-based financially motivated group."},
{"type":"malware","spec_version":"2.1","id":"malware--aaaaaaaa-0000-4000-8000-000000000002",
 "created":"2024-03-01T00:00:00Z","modified":"2024-03-01T00:00:00Z","name":"Conti","is_family":true},
{"type":"relationship","spec_version":"2.1","id":"relationship--aaaaaaaa-0000-4000-8000-000000000003",
 "created":"2024-03-01T00:00:00Z","modified":"2024-03-01T00:00:00Z","relationship_type":"uses",
 "source_ref":"intrusion-set--aaaaaaaa-0000-4000-8000-000000000001","target_ref":"malware--aaaaaaaa-0000-4000-8000-000000000002"},
{"type":"indicator","spec_version":"2.1","id":"indicator--aaaaaaaa-0000-4000-8000-000000000004",
 "created":"2024-03-01T00:00:00Z","modified":"2024-03-01T00:00:00Z","pattern_type":"stix","valid_from":"2024-03-01T00:00:00Z",
 "pattern":"[ipv4-addr:value = '198.51.100.23']"},
{"type":"domain-name","spec_version":"2.1","id":"domain-name--aaaaaaaa-0000-4000-8000-000000000005","value":"contirecovery.example"},
{"type":"report","spec_version":"2.1","id":"report--aaaaaaaa-0000-4000-8000-000000000006",
 "created":"2024-03-02T00:00:00Z","modified":"2024-03-02T00:00:00Z","name":"Conti in March","published":"2024-03-02T00:00:00Z",
 "description":"Wizard Spider deployed Conti.",
 "object_refs":["intrusion-set--aaaaaaaa-0000-4000-8000-000000000001","malware--aaaaaaaa-0000-4000-8000-000000000002",
  "relationship--aaaaaaaa-0000-4000-8000-000000000003","indicator--aaaaaaaa-0000-4000-8000-000000000004",
  "domain-name--aaaaaaaa-0000-4000-8000-000000000005"]}
]}`

const reportID = "report--aaaaaaaa-0000-4000-8000-000000000006"

// TestReportIsGroundedAndEndsWithTheStoresTable drafts a report: the model
// gets the container's facts with their ids, and the indicator table comes
// from the store, after the model's text.
func TestReportIsGroundedAndEndsWithTheStoresTable(t *testing.T) {
	fake := llmtest.NewServer(t, llmtest.Options{Dialect: llmtest.Ollama,
		Reply: "# Conti\n\nWizard Spider [intrusion-set--aaaaaaaa-0000-4000-8000-000000000001] uses Conti, also from 192.0.2.200."})
	s := aitest.New(t, map[string]string{"AI__TYPE": "ollama", "AI__ENDPOINT": fake.URL, "AI__MODEL": "test-model"}, nil)
	storetest.ImportJSON(t, s.Store, reportBundle)
	var streamed strings.Builder
	ans, err := s.Service.Ask(ctx, store.LocalAdmin, ai.Request{Operation: ai.Report, ObjectID: reportID,
		Audience: ai.Strategic, Format: ai.Markdown}, func(d string) error { streamed.WriteString(d); return nil })
	if err != nil {
		t.Fatal(err)
	}
	if streamed.String() != ans.Text {
		t.Errorf("streamed text differs from the answer")
	}
	var body struct{ Messages []struct{ Content string } }
	json.Unmarshal(chatRequests(fake)[0].Body, &body)
	prompt := body.Messages[0].Content + body.Messages[1].Content
	for _, want := range []string{
		`[intrusion-set--aaaaaaaa-0000-4000-8000-000000000001] intrusion-set "Wizard Spider"`,
		"[relationship--aaaaaaaa-0000-4000-8000-000000000003] intrusion-set--aaaaaaaa-0000-4000-8000-000000000001 uses malware--aaaaaaaa-0000-4000-8000-000000000002",
		"executives", "Markdown", "Wizard Spider deployed Conti.",
	} {
		if !strings.Contains(prompt, want) {
			t.Errorf("prompt lacks %q", want)
		}
	}
	table := "\n\n## Indicators\n\n| Type | Value | STIX id |\n|---|---|---|\n" +
		"| domain-name | `contirecovery.example` | domain-name--aaaaaaaa-0000-4000-8000-000000000005 |\n" +
		"| indicator | `[ipv4-addr:value = '198.51.100.23']` | indicator--aaaaaaaa-0000-4000-8000-000000000004 |\n"
	if !strings.HasSuffix(ans.Text, table) {
		t.Errorf("answer does not end with the store's table:\n%s", ans.Text)
	}
	if len(ans.Flags) != 1 || ans.Flags[0].Kind != ai.FlagIndicatorAdded || ans.Flags[0].Value != "192.0.2.200" {
		t.Errorf("flags = %+v, want the invented 192.0.2.200 only", ans.Flags)
	}
}

// TestReportNeedsAContainer refuses a report on a non-container and on free text.
func TestReportNeedsAContainer(t *testing.T) {
	s := aitest.New(t, map[string]string{"AI__TYPE": "ollama", "AI__ENDPOINT": "http://127.0.0.1:9", "AI__MODEL": "m"}, nil)
	for _, req := range []ai.Request{
		{Operation: ai.Report, ObjectID: storetest.FixtureGreen},
		{Operation: ai.Report, Text: "free text"},
		{Operation: ai.Summarize},
	} {
		if _, err := s.Service.Ask(ctx, store.LocalAdmin, req, nil); !errorsIs(err, ai.ErrInput) {
			t.Errorf("%+v: %v, want ErrInput", req, err)
		}
	}
}

// TestDigestCoversThePeriod drafts a digest of the reports of a period.
func TestDigestCoversThePeriod(t *testing.T) {
	fake := llmtest.NewServer(t, llmtest.Options{Dialect: llmtest.OpenAI, Reply: "Digest."})
	s := aitest.New(t, map[string]string{"AI__TYPE": "openai", "AI__ENDPOINT": fake.URL, "AI__MODEL": "test-model",
		"AI__CONTEXT_LENGTH": "8192"}, nil)
	storetest.ImportJSON(t, s.Store, reportBundle)
	ans, err := s.Service.Ask(ctx, store.LocalAdmin, ai.Request{Operation: ai.Report,
		Since: mustDay(t, "2024-03-01"), Until: mustDay(t, "2024-04-01")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var body struct{ Messages []struct{ Content string } }
	json.Unmarshal(chatRequests(fake)[0].Body, &body)
	if !strings.Contains(body.Messages[1].Content, "Conti in March") || strings.Contains(body.Messages[1].Content, "Green report") {
		t.Errorf("digest content should hold March's report only:\n%s", body.Messages[1].Content)
	}
	if !strings.Contains(body.Messages[0].Content, "from 2024-03-01 to 2024-04-01") {
		t.Errorf("system prompt does not name the period")
	}
	if !strings.Contains(ans.Text, "contirecovery.example") {
		t.Errorf("digest lacks the indicator table:\n%s", ans.Text)
	}
}

// bumblebee reads the text of a real 42 KB report (TRAM, Apache-2.0).
func bumblebee(t *testing.T) string {
	t.Helper()
	path := filepath.Join("..", "..", "..", "shared", "data", "tram", "mjson", "BumbleBee Roasts Its Way to Domain Admin.mjson")
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Skipf("real report %s is absent (it lives in ../shared/data beside the checkout): %v", path, err)
	}
	var doc struct {
		Signal string `json:"signal"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	return doc.Signal
}

// TestMapReduceOverALongRealReport summarizes a 42 KB report with a
// 2048-token window: every byte goes to the model in some chunk, each
// request fits the window, notes are combined, and the answer says how
// many chunks there were.
func TestMapReduceOverALongRealReport(t *testing.T) {
	text := bumblebee(t)
	fake := llmtest.NewServer(t, llmtest.Options{Dialect: llmtest.Ollama, Reply: "Conti encrypted the domain."})
	s := aitest.New(t, map[string]string{"AI__TYPE": "ollama", "AI__ENDPOINT": fake.URL, "AI__MODEL": "test-model",
		"AI__CONTEXT_LENGTH": "2048"}, nil)
	ans, err := s.Service.Ask(ctx, store.LocalAdmin, ai.Request{Operation: ai.Summarize, Text: text}, nil)
	if err != nil {
		t.Fatal(err)
	}
	chats := chatRequests(fake)
	if least := int(float64(len(text))/(2048*ai.BytesPerToken)) + 1; ans.Chunks < least || len(chats) != ans.Chunks+1 {
		t.Fatalf("%d chunks in %d requests, want many chunks and one combine step", ans.Chunks, len(chats))
	}
	var joined strings.Builder
	for i, c := range chats {
		var b struct {
			Messages []struct{ Content string }
			Options  struct {
				NumCtx int `json:"num_ctx"`
			}
		}
		json.Unmarshal(c.Body, &b)
		if b.Options.NumCtx > 2048 || ai.EstimateTokens(string(c.Body)) > 2048+200 {
			t.Errorf("request %d does not fit the window: num_ctx %d, %d bytes", i, b.Options.NumCtx, len(c.Body))
		}
		user := b.Messages[1].Content
		content := user[strings.Index(user, "<<<CONTENT\n")+len("<<<CONTENT\n") : len(user)-len("\nCONTENT>>>")]
		if i < ans.Chunks {
			joined.WriteString(content)
		} else if strings.Count(content, "Notes on part") != ans.Chunks {
			t.Errorf("the combine step holds %d notes, want %d", strings.Count(content, "Notes on part"), ans.Chunks)
		}
	}
	if joined.String() != text {
		t.Error("the chunks sent do not add up to the report: something was cut")
	}
	entries, _ := s.Service.Audit(ctx, ai.AuditQuery{})
	if entries[0].Chunks != ans.Chunks || entries[0].BytesSent < len(text) {
		t.Errorf("audit = %+v", entries[0])
	}
}

// TestLongRewriteIsRewrittenPieceByPiece fixes the spelling of the long
// report with a small window: each chunk is rewritten in turn, in order.
func TestLongRewriteIsRewrittenPieceByPiece(t *testing.T) {
	text := bumblebee(t)
	fake := llmtest.NewServer(t, llmtest.Options{Dialect: llmtest.Mistral, Reply: "piece"})
	s := aitest.New(t, map[string]string{"AI__TYPE": "mistralai", "AI__ENDPOINT": fake.URL, "AI__MODEL": "test-model",
		"AI__CONTEXT_LENGTH": "4096"}, nil)
	ans, err := s.Service.Ask(ctx, store.LocalAdmin, ai.Request{Operation: ai.FixSpelling, Text: text}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if least := int(float64(len(text))/(4096*ai.BytesPerToken)) + 1; ans.Chunks < least || len(chatRequests(fake)) != ans.Chunks {
		t.Fatalf("%d chunks, %d requests", ans.Chunks, len(chatRequests(fake)))
	}
	if strings.Count(ans.Text, "piece") != ans.Chunks {
		t.Errorf("answer holds %d rewritten pieces, want %d", strings.Count(ans.Text, "piece"), ans.Chunks)
	}
	if len(ans.Flags) == 0 || ans.Flags[0].Kind != ai.FlagIndicatorMissing {
		t.Errorf("a rewrite that lost the report's indicators carries no indicator_missing flag: %+v", ans.Flags)
	}
}
