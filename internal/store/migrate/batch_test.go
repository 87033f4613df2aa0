package migrate

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/tipster-cti/tipster/internal/ingest"
	"github.com/tipster-cti/tipster/internal/store/sqlite"
	"github.com/tipster-cti/tipster/internal/store/storetest"
)

// sharedData is the real data beside the checkout, which users do not have:
// tests that need it skip without it.
const sharedData = "../../../../shared/data"

func TestACopyInSeveralBatchesCopiesEverything(t *testing.T) {
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
	storetest.ImportFile(t, from, filepath.Join(sharedData, "cti-documentation/apt1.json"), ingest.Options{})
	rep, err := copyAll(ctx, from, to, 20, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Objects <= 20 || rep.Created+rep.Unchanged != rep.Objects {
		t.Errorf("copy in batches of 20: %+v", rep)
	}
}
