//go:build linux

package sqlite

import (
	"bytes"
	"context"
	"fmt"
	"runtime"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/tipster-cti/tipster/internal/ingest"
	"github.com/tipster-cti/tipster/internal/stix"
	"github.com/tipster-cti/tipster/internal/store"
	"github.com/tipster-cti/tipster/scripts/genbundle/gen"
)

// searchQueries are what analysts type: common and rare single words, two
// words, names, identifiers and prefixes (the last word of every query
// matches as a prefix), some with type filters. The rare words and names
// come from the generator's vocabulary and name lists.
var searchQueries = []store.Query{
	{Text: "malware"},
	{Text: "ransomware"},
	{Text: "credentials"},
	{Text: "the"},
	{Text: "lateral movement"},
	{Text: "cobalt strike"},
	{Text: "spearphishing attachment"},
	{Text: "Crimson Panda"},
	{Text: "kravexzor"},
	{Text: "quinmolfen"},
	{Text: "CVE-2021"},
	{Text: "cred"},
	{Text: "exfil"},
	{Text: "ransom"},
	{Text: "apt1"},
	{Text: "phishing", Types: []string{"indicator"}},
	{Text: "malware", Types: []string{"report"}},
	{Text: "backdoor", Types: []string{"malware", "intrusion-set"}},
	{Text: "encryption impact", Types: []string{"attack-pattern"}},
	{Text: "payload hash", Types: []string{"indicator"}},
}

// BenchmarkSearch100k imports 100,000 synthetic objects once, then runs
// every query of searchQueries b.N times for each viewer, and reports the
// 50th, 95th and 99th percentile of the wall time one Search call takes
// (p50-ms...) and of the CPU time its thread spends (cpu-p50-ms...), which
// other processes on a shared machine disturb far less.
func BenchmarkSearch100k(b *testing.B) {
	ctx := context.Background()
	db, err := Open(ctx, b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	var buf bytes.Buffer
	if _, err := gen.Write(&buf, gen.Config{Seed: 1, Objects: 100000}); err != nil {
		b.Fatal(err)
	}
	if _, err := ingest.Bundle(ctx, db, &buf, ingest.Options{}); err != nil {
		b.Fatal(err)
	}
	viewers := []store.Viewer{store.LocalAdmin, {Name: "green", Clearance: stix.TLPGreen}}
	for _, v := range viewers {
		b.Run(v.Name, func(b *testing.B) { benchSearch(b, db, v) })
	}
}

func benchSearch(b *testing.B, db *DB, v store.Viewer) {
	ctx := context.Background()
	runtime.LockOSThread() // so that the thread's CPU time is the query's
	defer runtime.UnlockOSThread()
	var wall, cpu []time.Duration
	found := 0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, q := range searchQueries {
			t0, c0 := time.Now(), threadCPU()
			page, err := db.Search(ctx, v, q)
			wall, cpu = append(wall, time.Since(t0)), append(cpu, threadCPU()-c0)
			if err != nil {
				b.Fatal(err)
			}
			found += len(page.Objects)
		}
	}
	if found == 0 {
		b.Fatal("no query found anything")
	}
	for _, m := range []struct {
		unit string
		d    []time.Duration
	}{{"", wall}, {"cpu-", cpu}} {
		slices.Sort(m.d)
		for _, p := range []float64{50, 95, 99} {
			ms := m.d[int(p/100*float64(len(m.d)-1))].Seconds() * 1000
			b.ReportMetric(ms, fmt.Sprintf("%sp%.0f-ms", m.unit, p))
		}
	}
	b.ReportMetric(0, "ns/op")
}

// threadCPU is the CPU time of the calling thread.
func threadCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_THREAD, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// TestSearchQueriesFindSomething keeps searchQueries meaningful: each must
// find objects in the synthetic data, or it measures nothing.
func TestSearchQueriesFindSomething(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var buf bytes.Buffer
	gen.Write(&buf, gen.Config{Seed: 1, Objects: 20000})
	if _, err := ingest.Bundle(ctx, db, &buf, ingest.Options{}); err != nil {
		t.Fatal(err)
	}
	for _, q := range searchQueries {
		page, err := db.Search(ctx, store.LocalAdmin, q)
		if err != nil || len(page.Objects) == 0 {
			t.Errorf("%s: found %d (%v)", fmt.Sprint(q.Text, q.Types), len(page.Objects), err)
		}
	}
}
