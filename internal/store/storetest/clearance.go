package storetest

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/tipster-cti/tipster/internal/stix"
	"github.com/tipster-cti/tipster/internal/store"
)

// The clearance fixture: a TLP:RED intrusion set, a TLP:GREEN malware, an
// unmarked relationship from the first to the second, a TLP:GREEN report
// holding both, and a TLP:GREEN report holding only the malware.
const (
	redSet      = stix.ID("intrusion-set--11111111-1111-4111-8111-111111111111")
	greenMal    = stix.ID("malware--22222222-2222-4222-8222-222222222222")
	unmarkedRel = stix.ID("relationship--33333333-3333-4333-8333-333333333333")
	mixedReport = stix.ID("report--44444444-4444-4444-8444-444444444444")
	greenReport = stix.ID("report--55555555-5555-4555-8555-555555555555")
)

const clearanceBundle = `{"type":"bundle","id":"bundle--66666666-6666-4666-8666-666666666666","objects":[
{"type":"intrusion-set","spec_version":"2.1","id":"intrusion-set--11111111-1111-4111-8111-111111111111",
 "created":"2024-01-01T00:00:00Z","modified":"2024-01-01T00:00:00Z","name":"Crimson Quiet",
 "description":"secret actor","object_marking_refs":["marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"]},
{"type":"malware","spec_version":"2.1","id":"malware--22222222-2222-4222-8222-222222222222",
 "created":"2024-01-01T00:00:00Z","modified":"2024-01-01T00:00:00Z","name":"Greenleaf","is_family":true,
 "object_marking_refs":["marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"]},
{"type":"relationship","spec_version":"2.1","id":"relationship--33333333-3333-4333-8333-333333333333",
 "created":"2024-01-01T00:00:00Z","modified":"2024-01-01T00:00:00Z","relationship_type":"uses",
 "source_ref":"intrusion-set--11111111-1111-4111-8111-111111111111","target_ref":"malware--22222222-2222-4222-8222-222222222222"},
{"type":"report","spec_version":"2.1","id":"report--44444444-4444-4444-8444-444444444444",
 "created":"2024-01-01T00:00:00Z","modified":"2024-01-01T00:00:00Z","name":"Mixed report","published":"2024-01-01T00:00:00Z",
 "object_marking_refs":["marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"],
 "object_refs":["intrusion-set--11111111-1111-4111-8111-111111111111","malware--22222222-2222-4222-8222-222222222222"]},
{"type":"report","spec_version":"2.1","id":"report--55555555-5555-4555-8555-555555555555",
 "created":"2024-01-01T00:00:00Z","modified":"2024-01-01T00:00:00Z","name":"Green report","published":"2024-01-01T00:00:00Z",
 "object_marking_refs":["marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"],
 "object_refs":["malware--22222222-2222-4222-8222-222222222222"]}
]}`

var greenViewer = store.Viewer{Name: "green", Clearance: stix.TLPGreen}

// LoadClearanceFixture imports the clearance fixture into s; other suites
// (API, CLI, Ask AI) attack it from their own entry points.
func LoadClearanceFixture(t testing.TB, s store.Store) {
	ImportJSON(t, s, clearanceBundle)
}

// Clearance fixture ids, exported for suites that attack other entry points.
var (
	FixtureRed         = redSet
	FixtureGreen       = greenMal
	FixtureRelToRed    = unmarkedRel
	FixtureMixedReport = mixedReport
	FixtureGreenReport = greenReport
)

func testClearance(t *testing.T, s store.Store) {
	LoadClearanceFixture(t, s)
	for _, id := range []stix.ID{redSet, unmarkedRel, mixedReport} {
		if _, err := s.Get(ctx, greenViewer, id); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("green viewer got %s: %v", id, err)
		}
		mustGet(t, s, store.LocalAdmin, id)
	}
	if objs, _ := s.GetMany(ctx, greenViewer, []stix.ID{redSet, greenMal}); len(objs) != 1 ||
		objs[0].ID != greenMal {
		t.Errorf("GetMany leaked: %v", objs)
	}
	for _, q := range []string{"Crimson", "secret", "Mixed"} {
		page, err := s.Search(ctx, greenViewer, store.Query{Text: q})
		if err != nil || len(page.Objects) != 0 {
			t.Errorf("search %q by a green viewer found %d objects (%v)", q, len(page.Objects), err)
		}
	}
	counts, _ := s.Count(ctx, greenViewer)
	if counts["intrusion-set"] != 0 || counts["relationship"] != 0 || counts["report"] != 1 {
		t.Errorf("counts show hidden objects: %v", counts)
	}
	if rels, _ := s.Relationships(ctx, greenViewer, greenMal); len(rels) != 0 {
		t.Errorf("relationship to a hidden object listed: %v", rels[0].ID)
	}
	if rels, _ := s.Relationships(ctx, store.LocalAdmin, greenMal); len(rels) != 1 ||
		rels[0].Source.ID != redSet {
		t.Errorf("admin should see the relationship with both ends, got %v", rels)
	}
	if cs, _ := s.Containers(ctx, greenViewer, greenMal); len(cs) != 1 || cs[0].ID != greenReport {
		t.Errorf("containers of the malware for green: %v", cs)
	}
	if _, err := s.Contents(ctx, greenViewer, mixedReport); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("contents of a hidden report: %v", err)
	}
	if rel, _ := s.RelatedReports(ctx, greenViewer, greenReport, 10); len(rel) != 0 {
		t.Errorf("related reports leaked the mixed report: %v", rel)
	}
	if rel, _ := s.RelatedReports(ctx, store.LocalAdmin, greenReport, 10); len(rel) != 1 ||
		rel[0].Shared != 1 {
		t.Errorf("admin related reports: %v", rel)
	}
}

func testContainerTLP(t *testing.T, s store.Store) {
	LoadClearanceFixture(t, s)
	if got := mustGet(t, s, store.LocalAdmin, mixedReport); got.TLP != stix.TLPGreen ||
		got.EffectiveTLP != stix.TLPRed {
		t.Errorf("mixed report: own %v effective %v, want GREEN and RED", got.TLP, got.EffectiveTLP)
	}
	if got := mustGet(t, s, store.LocalAdmin, greenReport); got.EffectiveTLP != stix.TLPGreen {
		t.Errorf("green report: effective %v", got.EffectiveTLP)
	}
	// A container imported before its contents takes their level when they arrive.
	ImportJSON(
		t,
		s,
		`{"type":"grouping","spec_version":"2.1","id":"grouping--77777777-7777-4777-8777-777777777777",
	 "created":"2024-01-01T00:00:00Z","modified":"2024-01-01T00:00:00Z","context":"suspicious-activity",
	 "object_refs":["indicator--88888888-8888-4888-8888-888888888888"]}`,
	)
	ImportJSON(
		t,
		s,
		`{"type":"indicator","spec_version":"2.1","id":"indicator--88888888-8888-4888-8888-888888888888",
	 "created":"2024-01-01T00:00:00Z","modified":"2024-01-01T00:00:00Z","pattern":"[ipv4-addr:value = '198.51.100.7']",
	 "pattern_type":"stix","valid_from":"2024-01-01T00:00:00Z",
	 "object_marking_refs":["marking-definition--f88d31f6-486f-44da-b317-01333bde0b82"]}`,
	)
	if got := mustGet(t, s, store.LocalAdmin, "grouping--77777777-7777-4777-8777-777777777777"); got.EffectiveTLP != stix.TLPAmber {
		t.Errorf("grouping whose content arrived later: effective %v, want TLP:AMBER", got.EffectiveTLP)
	}
}

func (c suite) testGraph(t *testing.T, s store.Store) {
	c.importFile(t, s, "cti-documentation/apt1.json")
	rels, err := s.Relationships(ctx, store.LocalAdmin, apt1Set)
	if err != nil || len(rels) == 0 {
		t.Fatalf("APT1 relationships: %v %v", rels, err)
	}
	cs, err := s.Containers(ctx, store.LocalAdmin, apt1Set)
	if err != nil || len(cs) != 1 || cs[0].ID != apt1Report {
		t.Errorf("containers of APT1: %v %v", cs, err)
	}
	contents, err := s.Contents(ctx, store.LocalAdmin, apt1Report)
	if err != nil || len(contents) != 75 {
		t.Errorf("APT1 report holds %d visible objects (%v), want 75", len(contents), err)
	}
}

func testDocument(t *testing.T, s store.Store) {
	LoadClearanceFixture(t, s)
	doc := store.Document{ReportID: greenReport, FileName: "advisory.txt", MediaType: "text/plain",
		SHA256: "abc", Text: "The quokka campaign used spearphishing.", Original: []byte("raw"), Created: time.Now()}
	if err := s.PutDocument(ctx, doc); err != nil {
		t.Fatal(err)
	}
	page, err := s.Search(ctx, greenViewer, store.Query{Text: "quokka"})
	if err != nil || len(page.Objects) != 1 || page.Objects[0].ID != greenReport {
		t.Fatalf("search of document text: %v %v", page.Objects, err)
	}
	got, err := s.GetDocument(ctx, greenViewer, greenReport)
	if err != nil || got.Text != doc.Text || string(got.Original) != "raw" {
		t.Errorf("document: %+v %v", got, err)
	}
	doc.ReportID = mixedReport
	if err := s.PutDocument(ctx, doc); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetDocument(ctx, greenViewer, mixedReport); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("document of a hidden report: %v", err)
	}
	// Text extracted from a file may hold NUL and bytes that are not UTF-8:
	// the document is still kept and its words found.
	doc.ReportID, doc.Text = greenReport, "wallaby\x00 loader \xff\xfe numbat"
	if err := s.PutDocument(ctx, doc); err != nil {
		t.Fatalf("document with NUL and invalid UTF-8: %v", err)
	}
	for _, w := range []string{"wallaby", "numbat"} {
		page, err := s.Search(ctx, greenViewer, store.Query{Text: w})
		if err != nil || len(page.Objects) != 1 || page.Objects[0].ID != greenReport {
			t.Errorf("search %q in a document with NUL: %v %v", w, page.Objects, err)
		}
	}
	// A document belongs to a report, and says so of anything else.
	doc.ReportID = greenMal
	if err := s.PutDocument(ctx, doc); err == nil || !strings.Contains(err.Error(), "is a malware") {
		t.Errorf("document of a malware: %v", err)
	}
}
