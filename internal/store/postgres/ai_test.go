package postgres_test

import (
	"testing"

	"github.com/tipster-cti/tipster/internal/ai"
	"github.com/tipster-cti/tipster/internal/ai/aitest"
	"github.com/tipster-cti/tipster/internal/store/postgres/pgtest"
)

func TestAIRepository(t *testing.T) {
	aitest.TestRepository(t, func(t *testing.T) ai.Repository { return pgtest.New(t).AI() })
}
