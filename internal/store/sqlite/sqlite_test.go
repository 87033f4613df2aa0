package sqlite

import (
	"context"
	"testing"

	"github.com/tipster-cti/tipster/internal/store"
	"github.com/tipster-cti/tipster/internal/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		db, err := Open(context.Background(), t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		return db
	})
}
