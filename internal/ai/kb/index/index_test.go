package index

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tipster-cti/tipster/internal/ingest"
	"github.com/tipster-cti/tipster/internal/store/sqlite"
	"github.com/tipster-cti/tipster/internal/store/storetest"
)

// sharedData is the real data beside the checkout, from this directory.
const sharedData = "../../../../../shared/data"

var ctx = context.Background()

func openDB(t testing.TB) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func importShared(t testing.TB, db *sqlite.DB, rel string) {
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
	ix := New(db.SQL())
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

func TestSplitKeepsPiecesUnderTheLimitAndLosesNoWords(t *testing.T) {
	text := strings.Repeat("APT1 has used spearphishing with malicious attachments. ", 60) + "\n\nLast paragraph."
	pieces := Split(text, 300)
	var words int
	for _, p := range pieces {
		if len(p) > 300 {
			t.Errorf("piece of %d bytes, want at most 300", len(p))
		}
		words += len(strings.Fields(p))
	}
	if want := len(strings.Fields(text)); words != want {
		t.Errorf("pieces hold %d words, want %d", words, want)
	}
}

func TestSyncThroughputOnATTACK(t *testing.T) {
	if testing.Short() {
		t.Skip("imports two ATT&CK bundles")
	}
	db := openDB(t)
	importShared(t, db, "attack-v14/ics-attack.json")
	importShared(t, db, "attack-v14/mobile-attack.json")
	ix := New(db.SQL())
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

func TestDotMatchesASimpleLoopForEveryLength(t *testing.T) {
	for n := 0; n < 20; n++ {
		a, b := make([]float32, n), make([]float32, n)
		var want float32
		for i := range a {
			a[i], b[i] = float32(i)+0.5, float32(n-i)
			want += a[i] * b[i]
		}
		if got := dot(a, b); got != want {
			t.Errorf("dot of length %d = %v, want %v", n, got, want)
		}
	}
}
