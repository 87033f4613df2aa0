package postgres_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tipster-cti/tipster/internal/store"
	"github.com/tipster-cti/tipster/internal/store/postgres/pgtest"
	"github.com/tipster-cti/tipster/internal/store/storetest"
)

const dottedTool = `{"type":"tool","spec_version":"2.1","id":"tool--99999999-9999-4999-8999-999999999999",
 "created":"2024-01-01T00:00:00Z","modified":"2024-01-01T00:00:00Z","name":"Net.exe",
 "description":"Runs T1059.001 through powershell.exe on example.com hosts."}`

func TestSearchMatchesWordsInsideDottedIdentifiers(t *testing.T) {
	s := pgtest.New(t)
	storetest.ImportJSON(t, s, dottedTool)
	for _, q := range []string{"Net.exe", "net exe", "T1059.001", "t1059", "powershell.exe", "example.com", "exampl"} {
		page, err := s.Search(ctx, store.LocalAdmin, store.Query{Text: q})
		if err != nil {
			t.Fatalf("search %q: %v", q, err)
		}
		if len(page.Objects) != 1 || page.Objects[0].Name != "Net.exe" {
			t.Errorf("search %q found %d objects, want the tool", q, len(page.Objects))
		}
	}
}

func TestADocumentOverTheIndexLimitIsKeptAndSearchable(t *testing.T) {
	s := pgtest.New(t)
	storetest.LoadClearanceFixture(t, s)
	// About 4 MB of unique short words, whose index would be far past
	// PostgreSQL's 1 MB limit on one tsvector.
	var b strings.Builder
	b.WriteString("The wombat campaign opened it.")
	for i := range 600_000 {
		fmt.Fprintf(&b, " %x", i)
	}
	text := b.String()
	doc := store.Document{ReportID: storetest.FixtureGreenReport, FileName: "long.txt", MediaType: "text/plain",
		SHA256: "abc", Text: text, Original: []byte(text), Created: time.Now()}
	if err := s.PutDocument(ctx, doc); err != nil {
		t.Fatal(err)
	}
	page, err := s.Search(ctx, store.LocalAdmin, store.Query{Text: "wombat"})
	if err != nil || len(page.Objects) != 1 || page.Objects[0].ID != storetest.FixtureGreenReport {
		t.Fatalf("search of the document's first words: %v %v", page.Objects, err)
	}
	got, err := s.GetDocument(ctx, store.LocalAdmin, storetest.FixtureGreenReport)
	if err != nil || got.Text != text {
		t.Errorf("document text came back changed (%v)", err)
	}
}

func TestADocumentForAReportNotStoredIsNotFound(t *testing.T) {
	s := pgtest.New(t)
	doc := store.Document{ReportID: "report--00000000-0000-4000-8000-000000000000", FileName: "a.txt",
		MediaType: "text/plain", Text: "x", Original: []byte("x"), Created: time.Now()}
	if err := s.PutDocument(ctx, doc); err == nil {
		t.Errorf("a document was stored for a report that does not exist")
	}
}
