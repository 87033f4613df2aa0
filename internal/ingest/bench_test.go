package ingest_test

import (
	"bytes"
	"context"
	"os"
	"testing"

	"github.com/tipster-cti/tipster/internal/ingest"
	"github.com/tipster-cti/tipster/internal/store/sqlite"
)

// BenchmarkImportATTACK imports ATT&CK ICS and Mobile (3,981 objects) into
// a new SQLite store per iteration, end to end from bytes to committed rows.
func BenchmarkImportATTACK(b *testing.B) {
	var inputs [][]byte
	for _, f := range []string{"ics-attack.json", "mobile-attack.json"} {
		data, err := os.ReadFile("../../../shared/data/attack-v14/" + f)
		if err != nil {
			b.Skipf("ATT&CK data not available (%v): it lives in ../shared beside the checkout", err)
		}
		inputs = append(inputs, data)
	}
	ctx := context.Background()
	objects := 0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		db, err := sqlite.Open(ctx, b.TempDir())
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		for _, in := range inputs {
			sum, err := ingest.Bundle(ctx, db, bytes.NewReader(in), ingest.Options{})
			if err != nil {
				b.Fatal(err)
			}
			objects += sum.Objects()
		}
		b.StopTimer()
		db.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(objects)/b.Elapsed().Seconds(), "objects/s")
}
