package migrate

import (
	"context"
	"testing"

	"github.com/tipster-cti/tipster/internal/ingest"
	"github.com/tipster-cti/tipster/internal/store/sqlite"
	"github.com/tipster-cti/tipster/internal/store/storetest"
)

func TestACopyInSeveralBatchesReportsProgressAfterEach(t *testing.T) {
	ctx := context.Background()
	from, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer from.Close()
	to, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer to.Close()
	storetest.ImportFile(t, from, "cti-documentation/apt1.json", ingest.Options{})
	var progress []int
	rep, err := copyAll(ctx, from, to, 20, func(n int) { progress = append(progress, n) })
	if err != nil {
		t.Fatal(err)
	}
	if want := (rep.Objects + 19) / 20; len(progress) != want || progress[len(progress)-1] != rep.Objects {
		t.Errorf("progress %v for %d objects in batches of 20, want %d calls ending at the total",
			progress, rep.Objects, want)
	}
}
