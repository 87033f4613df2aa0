package sqlite_test

import (
	"context"
	"testing"

	"github.com/tipster-cti/tipster/internal/ai"
	"github.com/tipster-cti/tipster/internal/ai/aitest"
	"github.com/tipster-cti/tipster/internal/store/sqlite"
)

func TestAIRepository(t *testing.T) {
	aitest.TestRepository(t, func(t *testing.T) ai.Repository {
		db, err := sqlite.Open(context.Background(), t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db.AI()
	})
}
