package sqlite

import (
	"context"
	"testing"

	"github.com/tipster-cti/tipster/internal/store"
	"github.com/tipster-cti/tipster/internal/store/storetest"
)

// sharedData is the real data beside the checkout, which users do not have:
// tests that need it skip without it.
const sharedData = "../../../../shared/data"

func TestConformance(t *testing.T) {
	storetest.Run(t, sharedData, func(t *testing.T) store.Store {
		db, err := Open(context.Background(), t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		return db
	})
}
