//go:build unix

package sqlite

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tipster-cti/tipster/internal/ingest"
	"github.com/tipster-cti/tipster/internal/stix"
	"github.com/tipster-cti/tipster/scripts/genbundle/gen"
)

// cpuClock is the CPU time, user and system, of every thread of the process.
func cpuClock() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// rawObjects splits a bundle into its objects' JSON.
func rawObjects(t testing.TB, bundle []byte) [][]byte {
	dec := stix.NewDecoder(bytes.NewReader(bundle))
	var out [][]byte
	for {
		it, err := dec.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, it.Raw)
	}
}

// parsed decodes, parses and validates every object of the files, as the
// importer receives them; invalid ones are left out.
func parsed(b *testing.B, files ...string) []*stix.Object {
	var out []*stix.Object
	for _, f := range files {
		data, err := os.ReadFile(sharedData + "/" + f)
		if err != nil {
			b.Skipf("real data not available (%v): it lives in ../shared beside the checkout", err)
		}
		for _, raw := range rawObjects(b, data) {
			o, err := stix.Parse(raw)
			if err == nil && stix.Validate(o) == nil {
				out = append(out, o)
			}
		}
	}
	return out
}

// BenchmarkStorePutATTACK measures the store alone: Put and Commit of the
// 3,980 valid objects of ATT&CK ICS and Mobile, already parsed, into a new
// database per iteration.
func BenchmarkStorePutATTACK(b *testing.B) {
	objs := parsed(b, "attack-v14/ics-attack.json", "attack-v14/mobile-attack.json")
	ctx := context.Background()
	var cpu time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		db, err := Open(ctx, b.TempDir())
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		c0 := cpuClock()
		imp, err := db.Import(ctx)
		if err != nil {
			b.Fatal(err)
		}
		for _, o := range objs {
			if _, err := imp.Put(ctx, o); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := imp.Commit(ctx); err != nil {
			b.Fatal(err)
		}
		cpu += cpuClock() - c0
		b.StopTimer()
		db.Close()
		b.StartTimer()
	}
	n := float64(len(objs) * b.N)
	b.ReportMetric(n/b.Elapsed().Seconds(), "objects/s")
	b.ReportMetric(n/cpu.Seconds(), "objects/cpu-s")
}

// TestLevelsMatchFullRecompute checks the importer's incremental TLP levels
// against a recomputation of every object from scratch, after imports that
// make it work hard: references to objects that arrive later, in the same
// import or the next, a TLP marking definition that arrives after the
// objects it marks, and newer versions that change their marking.
func TestLevelsMatchFullRecompute(t *testing.T) {
	var buf bytes.Buffer
	if _, err := gen.Write(&buf, gen.Config{Seed: 5, Objects: 6000}); err != nil {
		t.Fatal(err)
	}
	objs := rawObjects(t, buf.Bytes())
	ctx := context.Background()
	db, err := Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// The last third first, then the rest shuffled: many references point
	// forward, within an import and across imports.
	rest := append([][]byte(nil), objs[:4000]...)
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(rest), func(i, j int) { rest[i], rest[j] = rest[j], rest[i] })
	marked := customMarking(objs[100:400], "red")
	late := customMarking(objs[1000:1300], "green")
	steps := [][][]byte{objs[4000:], rest, marked, late[:len(late)-1], late[len(late)-1:], relabelled(objs[:3000])}
	for i, step := range steps {
		if _, err := ingest.Bundle(ctx, db, bytes.NewReader(bytes.Join(step, []byte("\n"))), ingest.Options{}); err != nil {
			t.Fatalf("import %d: %v", i, err)
		}
		checkLevels(t, db, fmt.Sprintf("after import %d", i))
	}
}

// customMarking returns newer versions of objs marked with a TLP marking
// definition that is not a standard one, and that definition last.
func customMarking(objs [][]byte, level string) [][]byte {
	id := "marking-definition--0c9a9b8e-1f6e-4b5a-9d3c-" + fmt.Sprintf("%012x", len(level))
	var out [][]byte
	for _, raw := range objs {
		s := strings.Replace(string(raw), `"modified":"20`, `"modified":"21`, 1)
		s = strings.Replace(s, `{`, `{"object_marking_refs":["`+id+`"],`, 1)
		if strings.Contains(string(raw), `"object_marking_refs"`) {
			continue // keep the example simple: one object_marking_refs each
		}
		out = append(out, []byte(s))
	}
	return append(out, []byte(`{"type":"marking-definition","spec_version":"2.1","id":"`+id+`",
		"created":"2020-01-01T00:00:00Z","definition_type":"tlp","definition":{"tlp":"`+level+`"}}`))
}

// relabelled returns newer versions of objs with their TLP markings moved
// one step: AMBER to CLEAR, CLEAR to RED, GREEN to AMBER.
func relabelled(objs [][]byte) [][]byte {
	swap := strings.NewReplacer(
		string(stix.TLPAmber.MarkingID()), string(stix.TLPClear.MarkingID()),
		string(stix.TLPClear.MarkingID()), string(stix.TLPRed.MarkingID()),
		string(stix.TLPGreen.MarkingID()), string(stix.TLPAmber.MarkingID()))
	var out [][]byte
	for _, raw := range objs {
		s := strings.Replace(string(raw), `"modified":"20`, `"modified":"22`, 1)
		out = append(out, []byte(swap.Replace(s)))
	}
	return out
}

// checkLevels compares every stored level with one computed from scratch.
func checkLevels(t *testing.T, d *DB, when string) {
	t.Helper()
	checks := []struct{ what, q string }{
		{"own level", `SELECT o.id, o.tlp, coalesce((SELECT max(m.level) FROM refs r JOIN markings m ON m.id = r.target_id
			WHERE r.source_seq = o.seq AND r.prop IN ` + markingPropsSQL + `), 0) AS want FROM objects o WHERE o.tlp <> want`},
		{"effective level", `SELECT o.id, o.eff_tlp, CASE WHEN o.type IN ` + levelTypesSQL + ` THEN max(o.tlp,
			coalesce((SELECT max(x.tlp) FROM refs r JOIN objects x ON x.id = r.target_id
			WHERE r.source_seq = o.seq AND r.prop IN ` + levelPropsSQL + `), 0)) ELSE o.tlp END AS want
			FROM objects o WHERE o.eff_tlp <> want`},
	}
	for _, c := range checks {
		rows, err := d.db.Query(c.q)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for rows.Next() {
			var id string
			var got, want int
			rows.Scan(&id, &got, &want)
			if n++; n <= 5 {
				t.Errorf("%s: %s has %s %d, want %d", when, id, c.what, got, want)
			}
		}
		rows.Close()
		if n > 5 {
			t.Errorf("%s: %d objects with a wrong %s", when, n, c.what)
		}
	}
	var raised int
	d.db.QueryRow(`SELECT count(*) FROM objects WHERE eff_tlp > tlp`).Scan(&raised)
	if raised == 0 {
		t.Errorf("%s: no container has an effective level above its own; the check proves nothing", when)
	}
}
