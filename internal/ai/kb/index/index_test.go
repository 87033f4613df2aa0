package index_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/tipster-cti/tipster/internal/ai/aitest"
	"github.com/tipster-cti/tipster/internal/ai/kb/index"
	"github.com/tipster-cti/tipster/internal/ingest"
	"github.com/tipster-cti/tipster/internal/stix"
	"github.com/tipster-cti/tipster/internal/store"
	"github.com/tipster-cti/tipster/internal/store/storetest"
)

// sharedData is the real data beside the checkout, from this directory.
const sharedData = "../../../../../shared/data"

var ctx = context.Background()

// testStore is a store of either backend that keeps the passage index.
type testStore interface {
	store.Store
	Passages() index.Storage
}

// openDB opens an empty store as aitest.OpenStore does: PostgreSQL within
// TestIndexOnPostgreSQL, SQLite otherwise.
func openDB(t testing.TB) testStore {
	t.Helper()
	st, ok := aitest.OpenStore(t).(testStore)
	if !ok {
		t.Fatal("the test store keeps no passage index")
	}
	return st
}

func importShared(t testing.TB, db store.Store, rel string) {
	t.Helper()
	f, err := os.Open(filepath.Join(sharedData, rel))
	if err != nil {
		t.Skipf("real data not available (%v): it lives in ../shared beside the checkout", err)
	}
	defer f.Close()
	if _, err := ingest.Bundle(ctx, db, f, ingest.Options{}); err != nil {
		t.Fatalf("import %s: %v", rel, err)
	}
}

func TestSyncCutsEveryObjectOnceAndOnlyChangesAgain(t *testing.T) {
	db := openDB(t)
	importShared(t, db, "cti-documentation/apt1.json")
	ix := index.New(db.Passages())
	first, err := ix.Sync(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if first.Objects < 70 || first.Passages < first.Objects/2 {
		t.Fatalf("first sync = %+v, want every APT1 object cut", first)
	}
	again, err := ix.Sync(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if again.Objects != 0 {
		t.Errorf("second sync cut %d objects, want none", again.Objects)
	}
	storetest.ImportJSON(t, db, `{"type":"bundle","id":"bundle--0d6b7bb4-5b32-4a58-a7c3-1d4e0b0b3d11","objects":[
	{"type":"malware","spec_version":"2.1","id":"malware--0d6b7bb4-5b32-4a58-a7c3-1d4e0b0b3d12",
	 "created":"2024-01-01T00:00:00Z","modified":"2024-01-01T00:00:00Z","name":"Quillfeather","is_family":true,
	 "description":"A loader seen against the energy sector."}]}`)
	third, err := ix.Sync(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if third.Objects != 1 || third.Passages != 1 {
		t.Errorf("sync after one new object = %+v, want it alone", third)
	}
	hits, err := ix.SearchText(ctx, index.TextQuery{Clearance: 4, Terms: []string{"loaders", "energy"}, Limit: 5})
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) == 0 || hits[0].ObjectID != "malware--0d6b7bb4-5b32-4a58-a7c3-1d4e0b0b3d12" {
		t.Errorf("search for loaders in energy = %+v, want the new malware first (stemmed match)", hits)
	}
}

func TestSyncThroughputOnATTACK(t *testing.T) {
	if testing.Short() {
		t.Skip("imports two ATT&CK bundles")
	}
	db := openDB(t)
	importShared(t, db, "attack-v14/ics-attack.json")
	importShared(t, db, "attack-v14/mobile-attack.json")
	ix := index.New(db.Passages())
	start := time.Now()
	st, err := ix.Sync(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("sync: %+v in %v", st, time.Since(start))
	s, err := ix.Status(ctx, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	if s.Pending != 0 || s.Passages < st.Objects {
		t.Errorf("status after sync = %+v", s)
	}
}

// malwareJSON is a bundle of one malware object with a description and,
// when marking is set, that marking.
func malwareJSON(n int, modified, description, marking string) string {
	marks := ""
	if marking != "" {
		marks = `"object_marking_refs":["` + marking + `"],`
	}
	return fmt.Sprintf(`{"type":"bundle","id":"bundle--0e0e0e0e-0e0e-4e0e-8e0e-%012d","objects":[
	{"type":"malware","spec_version":"2.1","id":"malware--0e0e0e0e-0e0e-4e0e-8e0e-%012d",%s
	 "created":"2024-01-01T00:00:00Z","modified":"%s","name":"Sample %d","is_family":true,
	 "description":%q}]}`, n, n, marks, modified, n, description)
}

func searchIDs(t *testing.T, ix *index.Index, q index.TextQuery) []string {
	t.Helper()
	hits, err := ix.SearchText(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, h := range hits {
		ids = append(ids, h.ObjectID)
	}
	slices.Sort(ids)
	return ids
}

func TestTextSearchLeavesOutWhatRoseAboveTheClearanceAtTheNextSync(t *testing.T) {
	db := openDB(t)
	storetest.ImportJSON(t, db, malwareJSON(1, "2024-01-01T00:00:00Z", "A quillfeather dropper.", ""))
	storetest.ImportJSON(t, db, `{"type":"bundle","id":"bundle--0f0f0f0f-0f0f-4f0f-8f0f-0f0f0f0f0f0f","objects":[
	{"type":"report","spec_version":"2.1","id":"report--0f0f0f0f-0f0f-4f0f-8f0f-0f0f0f0f0f0f",
	 "created":"2024-01-01T00:00:00Z","modified":"2024-01-01T00:00:00Z","published":"2024-01-01T00:00:00Z",
	 "name":"Quillfeather campaign","object_refs":["malware--0e0e0e0e-0e0e-4e0e-8e0e-000000000001"]}]}`)
	ix := index.New(db.Passages())
	if _, err := ix.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	green := index.TextQuery{Clearance: int(stix.TLPGreen), Terms: []string{"quillfeather"}, Limit: 10}
	both := []string{"malware--0e0e0e0e-0e0e-4e0e-8e0e-000000000001", "report--0f0f0f0f-0f0f-4f0f-8f0f-0f0f0f0f0f0f"}
	if got := searchIDs(t, ix, green); !slices.Equal(got, both) {
		t.Fatalf("green search = %v, want %v", got, both)
	}
	// A newer version of the malware marked AMBER raises the report that
	// holds it to AMBER too, though the report itself did not change.
	storetest.ImportJSON(t, db, malwareJSON(1, "2024-02-01T00:00:00Z", "A quillfeather dropper.",
		string(stix.TLPAmber.MarkingID())))
	st, err := ix.Sync(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Levels == 0 {
		t.Errorf("sync = %+v, want the report's level changed", st)
	}
	if got := searchIDs(t, ix, green); len(got) != 0 {
		t.Errorf("green search after the rise = %v, want nothing", got)
	}
	amber := green
	amber.Clearance = int(stix.TLPAmber)
	if got := searchIDs(t, ix, amber); !slices.Equal(got, both) {
		t.Errorf("amber search = %v, want %v", got, both)
	}
}

func TestABoundedTextSearchRanksOnlyTheNewestMatches(t *testing.T) {
	db := openDB(t)
	for n := 1; n <= 5; n++ {
		storetest.ImportJSON(t, db, malwareJSON(n, "2024-01-01T00:00:00Z", "Zephyrcoil loader variant.", ""))
	}
	ix := index.New(db.Passages())
	if _, err := ix.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	q := index.TextQuery{Clearance: 0, Terms: []string{"zephyrcoil"}, Limit: 10}
	if got := searchIDs(t, ix, q); len(got) != 5 {
		t.Fatalf("unbounded search found %v, want all five", got)
	}
	q.MaxRanked = 2
	newest := []string{"malware--0e0e0e0e-0e0e-4e0e-8e0e-000000000004", "malware--0e0e0e0e-0e0e-4e0e-8e0e-000000000005"}
	if got := searchIDs(t, ix, q); !slices.Equal(got, newest) {
		t.Errorf("search ranking 2 = %v, want the two newest %v", got, newest)
	}
	q.MaxRanked = 5
	if got := searchIDs(t, ix, q); len(got) != 5 {
		t.Errorf("search ranking 5 of 5 found %v, want all five", got)
	}
}
