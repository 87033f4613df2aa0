package ingest_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/tipster-cti/tipster/internal/extract"
	"github.com/tipster-cti/tipster/internal/ingest"
	"github.com/tipster-cti/tipster/internal/stix"
	"github.com/tipster-cti/tipster/internal/store"
	"github.com/tipster-cti/tipster/internal/store/sqlite"
)

const advisory = `Royal ransomware advisory

The actors used PowerShell and Cobalt Strike to reach 45.9.148[.]114 and
hxxp://evil-update[.]com/a.exe. The dropper hash is 44d88612fea8a8f36de82e1278abb02f.
They exploited CVE-2021-44228 against energy companies in Germany.
`

func openStore(t *testing.T) store.Store {
	t.Helper()
	db, err := sqlite.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestDocumentBecomesADraftReportWithItsExtractions(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	lex := extract.NewLexicon([]extract.Term{
		{ID: "tool--aafea02e-ece5-4bb2-91a6-3bf8c7f38a39", Kind: "tool", Name: "Cobalt Strike", ExternalID: "S0154"},
	})
	green := stix.TLPGreen
	res, err := ingest.Document(ctx, st, strings.NewReader(advisory), "royal.txt",
		ingest.DocumentOptions{Lexicon: lex, Marking: &green})
	if err != nil {
		t.Fatal(err)
	}
	if res.Name != "Royal ransomware advisory" || res.Indicators < 4 {
		t.Fatalf("result %+v: want the title and at least an IP, a URL, a hash and a CVE", res)
	}
	rep, err := st.Get(ctx, store.LocalAdmin, res.ReportID)
	if err != nil {
		t.Fatal(err)
	}
	if rep.TLP != stix.TLPGreen {
		t.Errorf("report TLP %v, want the marking given", rep.TLP)
	}
	var body struct {
		ObjectRefs  []stix.ID `json:"object_refs"`
		Extractions []struct {
			Ref   stix.ID  `json:"ref"`
			Value string   `json:"value"`
			Spans [][2]int `json:"spans"`
		} `json:"x_tipster_extractions"`
	}
	if err := json.Unmarshal(rep.Raw, &body); err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{"45.9.148.114": false, "http://evil-update.com/a.exe": false, "CVE-2021-44228": false,
		"Cobalt Strike": false, "44d88612fea8a8f36de82e1278abb02f": false}
	for _, ex := range body.Extractions {
		if _, ok := want[ex.Value]; ok {
			want[ex.Value] = true
			if len(ex.Spans) == 0 || ex.Ref == "" {
				t.Errorf("extraction %q has no place in the text or no object: %+v", ex.Value, ex)
			}
		}
	}
	for v, ok := range want {
		if !ok {
			t.Errorf("%q was not extracted", v)
		}
	}
	contents, _ := st.Contents(ctx, store.LocalAdmin, res.ReportID)
	if len(contents) < 4 {
		t.Errorf("report holds %d stored objects, want the indicators and vulnerability", len(contents))
	}
	doc, err := st.GetDocument(ctx, store.LocalAdmin, res.ReportID)
	if err != nil || doc.Text == "" || string(doc.Original) != advisory {
		t.Errorf("document not kept: %v", err)
	}
	page, _ := st.Search(ctx, store.LocalAdmin, store.Query{Text: "dropper"})
	if len(page.Objects) != 1 || page.Objects[0].ID != res.ReportID {
		t.Errorf("the report's text is not searchable: %v", page.Objects)
	}

	again, err := ingest.Document(ctx, st, strings.NewReader(advisory), "royal.txt",
		ingest.DocumentOptions{Lexicon: lex, Marking: &green})
	if err != nil || again.ReportID != res.ReportID || !again.Unchanged {
		t.Errorf("re-import: %+v %v; want the same report, unchanged", again, err)
	}
	counts, _ := st.Count(ctx, store.LocalAdmin)
	if counts["report"] != 1 {
		t.Errorf("%d reports after importing the same document twice", counts["report"])
	}
}

func TestBadDocumentsAreRefusedAndLeaveNothing(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name, content string
	}{
		{"an empty file", ""},
		{"a binary file", "\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00>\x00\x00\x00\x00"},
		{"a corrupt PDF", "%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st := openStore(t)
			before, _ := st.Count(ctx, store.LocalAdmin)
			_, err := ingest.Document(ctx, st, strings.NewReader(c.content), "bad.bin", ingest.DocumentOptions{})
			if !errors.Is(err, ingest.ErrInput) {
				t.Fatalf("error %v, want a bad-input error", err)
			}
			after, _ := st.Count(ctx, store.LocalAdmin)
			if after["report"] != before["report"] {
				t.Errorf("a report was written")
			}
		})
	}
}

func TestRealReportFromTRAM(t *testing.T) {
	raw, err := os.ReadFile("../../../shared/data/tram/mjson/Conti Ransomware.mjson")
	if err != nil {
		t.Skipf("TRAM reports not available (%v): they live in ../shared beside the checkout", err)
	}
	var m struct {
		Text string `json:"signal"`
	}
	if err := json.Unmarshal(raw, &m); err != nil || m.Text == "" {
		t.Skipf("unexpected TRAM format: %v", err)
	}
	st := openStore(t)
	res, err := ingest.Document(context.Background(), st, strings.NewReader(m.Text), "conti.txt", ingest.DocumentOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Entities+res.Indicators == 0 {
		t.Errorf("nothing extracted from the Conti report: %+v", res)
	}
}
