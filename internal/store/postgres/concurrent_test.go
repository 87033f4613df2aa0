package postgres_test

import (
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/tipster-cti/tipster/internal/ingest"
	"github.com/tipster-cti/tipster/internal/stix"
	"github.com/tipster-cti/tipster/internal/store"
	"github.com/tipster-cti/tipster/internal/store/postgres"
	"github.com/tipster-cti/tipster/internal/store/postgres/pgtest"
	"github.com/tipster-cti/tipster/internal/store/storetest"
)

// attackBundles are two real bundles that share objects (MITRE's identity
// and marking definition).
var attackBundles = []string{"attack-v14/ics-attack.json", "attack-v14/mobile-attack.json"}

// openAtOnce opens n stores on one database at the same moment, as n
// servers starting together would, each with its own connection pool.
func openAtOnce(t testing.TB, url string, n int) []*postgres.DB {
	t.Helper()
	dbs := make([]*postgres.DB, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range dbs {
		wg.Go(func() { dbs[i], errs[i] = postgres.Open(ctx, url) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("open %d: %v", i, err)
		}
		t.Cleanup(func() { dbs[i].Close() })
	}
	return dbs
}

// importAtOnce imports file i into store i, all at the same moment.
func importAtOnce(t testing.TB, dbs []*postgres.DB, files []string) []ingest.Summary {
	t.Helper()
	sums := make([]ingest.Summary, len(files))
	errs := make([]error, len(files))
	var wg sync.WaitGroup
	for i, name := range files {
		f, err := os.Open(filepath.Join(sharedData, name))
		if err != nil {
			t.Skipf("real data not available: %v", err)
		}
		defer f.Close()
		wg.Go(func() { sums[i], errs[i] = ingest.Bundle(ctx, dbs[i], f, ingest.Options{}) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("import %s: %v", files[i], err)
		}
	}
	return sums
}

func TestTwoServersImportingAtOnceBothSucceedWithCorrectCounts(t *testing.T) {
	url := pgtest.Schema(t)
	dbs := openAtOnce(t, url, 2)
	sums := importAtOnce(t, dbs, attackBundles)

	want := pgtest.New(t)
	for _, name := range attackBundles {
		storetest.ImportFile(t, want, filepath.Join(sharedData, name), ingest.Options{})
	}
	wantCounts, err := want.Count(ctx, store.LocalAdmin)
	if err != nil {
		t.Fatal(err)
	}
	for i, db := range dbs {
		got, err := db.Count(ctx, store.LocalAdmin)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(wantCounts, got); diff != "" {
			t.Errorf("server %d counts differ from a sequential import (-want +got):\n%s", i, diff)
		}
	}
	total := 0
	for _, n := range wantCounts {
		total += n
	}
	created := sums[0].Created + sums[1].Created
	if want := total - len(stix.BuiltinMarkings()); created != want {
		t.Errorf("the imports created %d + %d objects, want %d in all", sums[0].Created, sums[1].Created, want)
	}
}

func TestServersStartingAtOnceApplyEachMigrationOnce(t *testing.T) {
	url := pgtest.Schema(t)
	dbs := openAtOnce(t, url, 4)
	rows, err := dbs[0].Pool().Query(ctx, `SELECT version, count(*) FROM schema_migrations GROUP BY version`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var version, count int
		if err := rows.Scan(&version, &count); err != nil {
			t.Fatal(err)
		}
		if count != 1 {
			t.Errorf("migration %d recorded %d times", version, count)
		}
		n++
	}
	if n == 0 {
		t.Errorf("no migration recorded")
	}
	counts, err := dbs[0].Count(ctx, store.LocalAdmin)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := counts["marking-definition"], len(stix.BuiltinMarkings()); got != want {
		t.Errorf("%d marking definitions after four starts, want the %d built in", got, want)
	}
}
