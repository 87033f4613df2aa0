package kbapi

import (
	"testing"

	"github.com/tipster-cti/tipster/internal/ai/aitest"
	"github.com/tipster-cti/tipster/internal/ai/kb/index"
)

// testStore is a store of either backend with Ask AI's repository and the
// passage index.
type testStore interface {
	aitest.Store
	Passages() index.Storage
}

// openStore opens an empty store as aitest.OpenStore does: PostgreSQL
// within TestHandlersOnPostgreSQL, SQLite otherwise.
func openStore(t testing.TB) testStore {
	t.Helper()
	st, ok := aitest.OpenStore(t).(testStore)
	if !ok {
		t.Fatal("the test store keeps no passage index")
	}
	return st
}

// postgresTests are this package's tests that open a store.
var postgresTests = map[string]func(*testing.T){
	"TestAQuestionStreamsDeltasThenTheCheckedAnswer": TestAQuestionStreamsDeltasThenTheCheckedAnswer,
	"TestFactsAboveTheProviderLimitAreAPlainRefusal": TestFactsAboveTheProviderLimitAreAPlainRefusal,
	"TestABodyWithUnknownFieldsIsABadRequest":        TestABodyWithUnknownFieldsIsABadRequest,
}

// TestHandlersOnPostgreSQL runs the tests that open a store again over
// PostgreSQL.
func TestHandlersOnPostgreSQL(t *testing.T) {
	aitest.CheckEveryTestListed(t, "kbapi", postgresTests, "TestHandlersOnPostgreSQL")
	aitest.RunOnPostgreSQL(t, postgresTests)
}
