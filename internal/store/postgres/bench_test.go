package postgres_test

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/tipster-cti/tipster/internal/ingest"
	"github.com/tipster-cti/tipster/internal/stix"
	"github.com/tipster-cti/tipster/internal/store"
	"github.com/tipster-cti/tipster/internal/store/postgres"
	"github.com/tipster-cti/tipster/internal/store/postgres/pgtest"
	"github.com/tipster-cti/tipster/internal/store/storetest"
)

// readBundles reads the ATT&CK bundles into memory, so that benchmarks do
// not time the disk.
func readBundles(b *testing.B) [][]byte {
	b.Helper()
	var out [][]byte
	for _, name := range attackBundles {
		data, err := os.ReadFile(filepath.Join(sharedData, name))
		if err != nil {
			b.Skipf("real data not available: %v", err)
		}
		out = append(out, data)
	}
	return out
}

// BenchmarkImportATTACK imports ATT&CK ICS then Mobile into an empty
// schema, as one server would.
func BenchmarkImportATTACK(b *testing.B) {
	bundles := readBundles(b)
	objects := 0
	var elapsed time.Duration
	for b.Loop() {
		b.StopTimer()
		s := pgtest.New(b)
		b.StartTimer()
		start := time.Now()
		for _, data := range bundles {
			sum, err := ingest.Bundle(ctx, s, bytes.NewReader(data), ingest.Options{})
			if err != nil {
				b.Fatal(err)
			}
			objects += sum.Objects()
		}
		elapsed += time.Since(start)
	}
	b.ReportMetric(float64(objects)/elapsed.Seconds(), "objects/s")
}

// BenchmarkConcurrentImporters imports ICS and Mobile at the same moment
// through two stores with pools of their own, as two servers would, and
// checks that the counts are those of a sequential import.
func BenchmarkConcurrentImporters(b *testing.B) {
	readBundles(b)
	want := pgtest.New(b)
	for _, name := range attackBundles {
		storetest.ImportFile(b, want, filepath.Join(sharedData, name), ingest.Options{})
	}
	wantCounts, err := want.Count(ctx, store.LocalAdmin)
	if err != nil {
		b.Fatal(err)
	}
	objects := 0
	var elapsed time.Duration
	for b.Loop() {
		b.StopTimer()
		dbs := openAtOnce(b, pgtest.Schema(b), 2)
		b.StartTimer()
		start := time.Now()
		for _, sum := range importAtOnce(b, dbs, attackBundles) {
			objects += sum.Objects()
		}
		elapsed += time.Since(start)
		b.StopTimer()
		got, err := dbs[0].Count(ctx, store.LocalAdmin)
		if err != nil || !equalCounts(got, wantCounts) {
			b.Fatalf("counts after concurrent imports %v (%v), want %v", got, err, wantCounts)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(objects)/elapsed.Seconds(), "objects/s")
}

func equalCounts(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, n := range a {
		if b[k] != n {
			return false
		}
	}
	return true
}

// synthSize is the number of synthetic objects the search benchmark runs on.
const synthSize = 100_000

// synth is the store of synthetic objects shared by search benchmarks; it
// is loaded once per test binary and dropped by TestMain.
var synth struct {
	once    sync.Once
	db      *postgres.DB
	drop    func() error
	queries []string
	err     error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if synth.db != nil {
		synth.db.Close()
		if err := synth.drop(); err != nil {
			os.Stderr.WriteString(err.Error() + "\n")
		}
	}
	os.Exit(code)
}

// loadSynth imports synthSize synthetic objects into a schema of their own
// through ingest.Bundle, once, and logs the import rate.
func loadSynth(b *testing.B) (*postgres.DB, []string) {
	b.Helper()
	base := pgtest.URL(b)
	c := loadCorpus(b)
	synth.once.Do(func() {
		var url string
		url, synth.drop, synth.err = pgtest.TempSchema(ctx, base)
		if synth.err != nil {
			return
		}
		if synth.db, synth.err = postgres.Open(ctx, url); synth.err != nil {
			return
		}
		g := newGenerator(c)
		r, w := io.Pipe()
		go func() { w.CloseWithError(g.writeBundle(w, synthSize)) }()
		start := time.Now()
		sum, err := ingest.Bundle(ctx, synth.db, r, ingest.Options{})
		if synth.err = err; err == nil {
			b.Logf("imported %d synthetic objects (%d skipped) in %v: %.0f objects/s", sum.Created,
				len(sum.Skipped), time.Since(start).Round(time.Millisecond), float64(sum.Objects())/time.Since(start).Seconds())
		}
		synth.queries = g.queries(200)
	})
	if synth.err != nil {
		b.Fatal(synth.err)
	}
	return synth.db, synth.queries
}

// BenchmarkSearch100k runs 200 typed queries (words, names, prefixes, word
// pairs) against 100,000 synthetic objects, half as a TLP:GREEN viewer, and
// reports the latency percentiles of single searches.
func BenchmarkSearch100k(b *testing.B) {
	db, queries := loadSynth(b)
	viewers := []store.Viewer{store.LocalAdmin, {Name: "green", Clearance: stix.TLPGreen}}
	var lat []time.Duration
	hits := 0
	for b.Loop() {
		for i, q := range queries {
			start := time.Now()
			page, err := db.Search(ctx, viewers[i%2], store.Query{Text: q})
			if err != nil {
				b.Fatalf("search %q: %v", q, err)
			}
			lat = append(lat, time.Since(start))
			hits += len(page.Objects)
		}
	}
	slices.Sort(lat)
	pct := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000 }
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.95), "p95-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(float64(hits)/float64(len(lat)), "hits/search")
}
