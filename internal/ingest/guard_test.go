package ingest_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/tipster-cti/tipster/internal/extract"
	"github.com/tipster-cti/tipster/internal/ingest"
	"github.com/tipster-cti/tipster/internal/stix"
	"github.com/tipster-cti/tipster/internal/store"
	"github.com/tipster-cti/tipster/internal/store/storetest"
)

var greenWriter = &store.Viewer{Name: "green analyst", Clearance: stix.TLPGreen, Role: store.RoleAnalyst}

func TestAWriterCannotReplaceWhatTheyCannotSee(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	storetest.LoadClearanceFixture(t, st)
	newer := strings.Replace(`{"type":"intrusion-set","spec_version":"2.1","id":"ID","created":"2024-01-01T00:00:00Z",
	 "modified":"2030-01-01T00:00:00Z","name":"Declassified"}`, "ID", string(storetest.FixtureRed), 1)
	sum, err := ingest.Bundle(ctx, st, strings.NewReader(newer), ingest.Options{Writer: greenWriter})
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Skipped) != 1 || !strings.Contains(sum.Skipped[0].Reason, "above your clearance") {
		t.Fatalf("a TLP:GREEN writer's newer version of a TLP:RED object: %+v", sum)
	}
	got, err := st.Get(ctx, store.LocalAdmin, storetest.FixtureRed)
	if err != nil || got.Name == "Declassified" || got.TLP != stix.TLPRed {
		t.Errorf("the TLP:RED object was replaced: %v %v", got, err)
	}
	sum, err = ingest.Bundle(ctx, st, strings.NewReader(newer), ingest.Options{})
	if err != nil || sum.Updated != 1 {
		t.Errorf("the local administrator may replace it: %+v %v", sum, err)
	}
}

func TestAKnownMarkingDefinitionCannotBeRedefined(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	const red = `[{"type":"marking-definition","spec_version":"2.1","id":"marking-definition--aaaaaaaa-0000-4000-8000-000000000001",
	 "created":"2020-01-01T00:00:00Z","name":"TLP:RED","definition_type":"tlp","definition":{"tlp":"red"}},
	 {"type":"malware","spec_version":"2.1","id":"malware--aaaaaaaa-0000-4000-8000-000000000002","created":"2020-01-01T00:00:00Z",
	 "modified":"2020-01-01T00:00:00Z","name":"Hidden","is_family":true,
	 "object_marking_refs":["marking-definition--aaaaaaaa-0000-4000-8000-000000000001"]}]`
	storetest.ImportJSON(t, st, red)
	clear := `{"type":"marking-definition","spec_version":"2.1","id":"marking-definition--aaaaaaaa-0000-4000-8000-000000000001",
	 "created":"2024-01-01T00:00:00Z","name":"TLP:CLEAR","definition_type":"tlp","definition":{"tlp":"white"}}`
	sum, err := ingest.Bundle(ctx, st, strings.NewReader(clear), ingest.Options{Writer: greenWriter})
	if err != nil || sum.Updated != 0 {
		t.Fatalf("redefining a marking: %+v %v", sum, err)
	}
	clearViewer := store.Viewer{Clearance: stix.TLPClear}
	if _, err := st.Get(ctx, clearViewer, "malware--aaaaaaaa-0000-4000-8000-000000000002"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the object marked TLP:RED became readable at TLP:CLEAR: %v", err)
	}
}

func TestImportingADocumentAgainNeverLowersItsReport(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	red := stix.TLPRed
	res, err := ingest.Document(ctx, st, strings.NewReader(advisory), "memo.txt", ingest.DocumentOptions{Marking: &red})
	if err != nil {
		t.Fatal(err)
	}
	_, err = ingest.Document(ctx, st, strings.NewReader(advisory), "memo.txt", ingest.DocumentOptions{Writer: greenWriter})
	if !errors.Is(err, ingest.ErrNotPermitted) {
		t.Errorf("a TLP:GREEN analyst importing the same file: %v, want not permitted", err)
	}
	// A lexicon that now knows Cobalt Strike changes what the file yields,
	// so the report is written again, without a marking given this time.
	lex := extract.NewLexicon([]extract.Term{{ID: "tool--aafea02e-ece5-4bb2-91a6-3bf8c7f38a39", Kind: "tool", Name: "Cobalt Strike"}})
	again, err := ingest.Document(ctx, st, strings.NewReader(advisory), "memo.txt", ingest.DocumentOptions{Lexicon: lex})
	if err != nil || !again.Updated {
		t.Fatalf("import with a new lexicon: %+v %v", again, err)
	}
	got, _ := st.Get(ctx, store.LocalAdmin, res.ReportID)
	if got.TLP != stix.TLPRed {
		t.Errorf("report level %v after importing the file again without a marking, want TLP:RED kept", got.TLP)
	}
}
