package migrate_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/tipster-cti/tipster/internal/ingest"
	"github.com/tipster-cti/tipster/internal/stix"
	"github.com/tipster-cti/tipster/internal/store"
	"github.com/tipster-cti/tipster/internal/store/migrate"
	"github.com/tipster-cti/tipster/internal/store/postgres/pgtest"
	"github.com/tipster-cti/tipster/internal/store/sqlite"
	"github.com/tipster-cti/tipster/internal/store/storetest"
)

var ctx = context.Background()

// sharedData is the real data beside the checkout, which users do not have:
// tests that need it skip without it.
const sharedData = "../../../../shared/data"

func openSQLite(t *testing.T) store.Store {
	t.Helper()
	db, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// source is a SQLite store with real bundles, the clearance fixture and a
// report document.
func source(t *testing.T) store.Store {
	t.Helper()
	s := openSQLite(t)
	storetest.ImportFile(t, s, filepath.Join(sharedData, "cti-documentation/apt1.json"), ingest.Options{})
	storetest.ImportFile(t, s, filepath.Join(sharedData, "attack-v14/ics-attack.json"), ingest.Options{})
	storetest.LoadClearanceFixture(t, s)
	doc := store.Document{ReportID: storetest.FixtureMixedReport, FileName: "advisory.txt", MediaType: "text/plain",
		SHA256: "abc", Text: "The quokka campaign used spearphishing.", Original: []byte("raw bytes"),
		Created: time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)}
	if err := s.PutDocument(ctx, doc); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestCopy(t *testing.T) {
	targets := []struct {
		name string
		open func(t *testing.T) store.Store
	}{
		{"to another SQLite store", openSQLite},
		{"to PostgreSQL", func(t *testing.T) store.Store { return pgtest.New(t) }},
	}
	for _, tc := range targets {
		t.Run(tc.name, func(t *testing.T) {
			from := source(t)
			to := tc.open(t)
			var progress []int
			rep, err := migrate.Copy(ctx, from, to, func(n int) { progress = append(progress, n) })
			if err != nil {
				t.Fatal(err)
			}
			checkCopy(t, from, to, rep)
			if len(progress) == 0 || progress[len(progress)-1] != rep.Objects {
				t.Errorf("progress %v does not end at the %d objects copied", progress, rep.Objects)
			}
			again, err := migrate.Copy(ctx, from, to, nil)
			if err != nil || again.Created != 0 || again.Unchanged != again.Objects {
				t.Errorf("a second copy should change nothing: %+v %v", again, err)
			}
		})
	}
}

func checkCopy(t *testing.T, from, to store.Store, rep migrate.Report) {
	t.Helper()
	builtin := len(stix.BuiltinMarkings())
	if rep.Created != rep.Objects-builtin || rep.Documents != 1 {
		t.Errorf("report %+v: want every object but the %d built-in markings created, and 1 document", rep, builtin)
	}
	// The same listing, newest first, in both stores.
	want, err := from.Search(ctx, store.LocalAdmin, store.Query{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	got, err := to.Search(ctx, store.LocalAdmin, store.Query{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(ids(want.Objects), ids(got.Objects)); diff != "" {
		t.Errorf("listings differ (-source +target):\n%s", diff)
	}
	// Levels are recomputed by the target.
	mixed, err := to.Get(ctx, store.LocalAdmin, storetest.FixtureMixedReport)
	if err != nil || mixed.TLP != stix.TLPGreen || mixed.EffectiveTLP != stix.TLPRed {
		t.Errorf("mixed report in the target: %+v %v", mixed, err)
	}
	// The document came along and is searchable.
	doc, err := to.GetDocument(ctx, store.LocalAdmin, storetest.FixtureMixedReport)
	if err != nil || string(doc.Original) != "raw bytes" || !doc.Created.Equal(time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)) {
		t.Errorf("document in the target: %+v %v", doc, err)
	}
	page, err := to.Search(ctx, store.LocalAdmin, store.Query{Text: "quokka"})
	if err != nil || len(page.Objects) != 1 {
		t.Errorf("document text not searchable in the target: %v %v", page.Objects, err)
	}
}

func ids(objs []*store.Stored) []stix.ID {
	out := make([]stix.ID, len(objs))
	for i, o := range objs {
		out[i] = o.ID
	}
	return out
}

func TestCopyIntoAStoreHoldingOtherObjectsFailsTheCountCheck(t *testing.T) {
	from := openSQLite(t)
	storetest.ImportFile(t, from, filepath.Join(sharedData, "cti-documentation/apt1.json"), ingest.Options{})
	to := openSQLite(t)
	storetest.LoadClearanceFixture(t, to)
	_, err := migrate.Copy(ctx, from, to, nil)
	if !errors.Is(err, migrate.ErrMismatch) {
		t.Fatalf("copy into a store with extra objects: %v, want ErrMismatch", err)
	}
}
