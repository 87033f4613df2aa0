package index_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/tipster-cti/tipster/internal/ai/aitest"
	"github.com/tipster-cti/tipster/internal/ai/kb/index"
	"github.com/tipster-cti/tipster/internal/ingest"
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
	hits, err := ix.SearchText(ctx, 4, []string{"loaders", "energy"}, 5)
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
