//go:build unix

package ingest

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/tipster-cti/tipster/internal/stix"
	"github.com/tipster-cti/tipster/internal/store/sqlite"
	"github.com/tipster-cti/tipster/scripts/genbundle/gen"
)

// attackInputs reads ATT&CK ICS and Mobile (3,981 objects), skipping the
// benchmark when the shared data is absent.
func attackInputs(b *testing.B) [][]byte {
	var inputs [][]byte
	for _, f := range []string{"ics-attack.json", "mobile-attack.json"} {
		data, err := os.ReadFile("../../../shared/data/attack-v14/" + f)
		if err != nil {
			b.Skipf("ATT&CK data not available (%v): it lives in ../shared beside the checkout", err)
		}
		inputs = append(inputs, data)
	}
	return inputs
}

// generated is a synthetic bundle of n objects with TLP markings, reports
// and relationships (scripts/genbundle).
func generated(b *testing.B, n int) [][]byte {
	var buf bytes.Buffer
	if _, err := gen.Write(&buf, gen.Config{Seed: 1, Objects: n}); err != nil {
		b.Fatal(err)
	}
	return [][]byte{buf.Bytes()}
}

// cpuClock is the CPU time, user and system, of every thread of the process.
func cpuClock() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkImportATTACK imports ATT&CK ICS and Mobile into a new SQLite
// store per iteration, end to end from bytes to committed rows.
func BenchmarkImportATTACK(b *testing.B) { benchImport(b, attackInputs(b)) }

// BenchmarkImportGenerated20k imports 20,000 synthetic objects, a third of
// them TLP:GREEN or above, into a new store per iteration.
func BenchmarkImportGenerated20k(b *testing.B) { benchImport(b, generated(b, 20000)) }

// benchImport reports objects/s of wall time and objects per CPU second
// (both cores, garbage collection included); opening the store is not
// counted in either.
func benchImport(b *testing.B, inputs [][]byte) {
	ctx := context.Background()
	objects := 0
	var cpu time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		db, err := sqlite.Open(ctx, b.TempDir())
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		c0 := cpuClock()
		for _, in := range inputs {
			sum, err := Bundle(ctx, db, bytes.NewReader(in), Options{})
			if err != nil {
				b.Fatal(err)
			}
			objects += sum.Objects()
		}
		cpu += cpuClock() - c0
		b.StopTimer()
		db.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(objects)/b.Elapsed().Seconds(), "objects/s")
	b.ReportMetric(float64(objects)/cpu.Seconds(), "objects/cpu-s")
}

// BenchmarkDecodeATTACK is the limit set by reading alone: decoding,
// parsing, upgrading and validating every object of ATT&CK ICS and Mobile
// on one goroutine, with no store.
func BenchmarkDecodeATTACK(b *testing.B) { benchDecode(b, attackInputs(b)) }

// BenchmarkDecodeGenerated20k is BenchmarkDecodeATTACK on synthetic objects.
func BenchmarkDecodeGenerated20k(b *testing.B) { benchDecode(b, generated(b, 20000)) }

func benchDecode(b *testing.B, inputs [][]byte) {
	size := 0
	for _, in := range inputs {
		size += len(in)
	}
	b.SetBytes(int64(size))
	objects := 0
	c0 := cpuClock()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, in := range inputs {
			objects += decodeOnly(b, in)
		}
	}
	cpu := cpuClock() - c0
	b.ReportMetric(float64(objects)/b.Elapsed().Seconds(), "objects/s")
	b.ReportMetric(float64(objects)/cpu.Seconds(), "objects/cpu-s")
}

func decodeOnly(b *testing.B, in []byte) int {
	dec := stix.NewDecoder(bytes.NewReader(in))
	known := map[stix.ID]stix.TLP{}
	n := 0
	for ; ; n++ {
		it, err := dec.Next()
		if errors.Is(err, io.EOF) {
			return n
		}
		if err != nil {
			b.Fatal(err)
		}
		prepare(it, nil, known)
	}
}
