package migrate

import (
	"context"
	"testing"

	"github.com/tipster-cti/tipster/internal/ingest"
	"github.com/tipster-cti/tipster/internal/store/sqlite"
	"github.com/tipster-cti/tipster/internal/store/storetest"
)

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
	storetest.ImportFile(t, from, "cti-documentation/apt1.json", ingest.Options{})
	rep, err := copyAll(ctx, from, to, 20, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Objects <= 20 || rep.Created+rep.Unchanged != rep.Objects {
		t.Errorf("copy in batches of 20: %+v", rep)
	}
}
