package kb

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
// within TestQuestionsOnPostgreSQL, SQLite otherwise.
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
	"TestAnAnswerKeepsOnlyCitationsOfFactsRetrievedForTheAsker":             TestAnAnswerKeepsOnlyCitationsOfFactsRetrievedForTheAsker,
	"TestAQuestionTheKnowledgeBaseCannotAnswerAsksNoModel":                  TestAQuestionTheKnowledgeBaseCannotAnswerAsksNoModel,
	"TestFactsAboveTheProviderLimitAreRefusedUnlessTheAskerLimitsRetrieval": TestFactsAboveTheProviderLimitAreRefusedUnlessTheAskerLimitsRetrieval,
	"TestTheOfflineAnswerListsTheRetrievedFactsByEntity":                    TestTheOfflineAnswerListsTheRetrievedFactsByEntity,
	"TestAViewerWithoutAskAIRightsIsRefused":                                TestAViewerWithoutAskAIRightsIsRefused,
	"TestEvaluateOnTheSharedData":                                           TestEvaluateOnTheSharedData,
}

// TestQuestionsOnPostgreSQL runs the tests that open a store again over
// PostgreSQL, the evaluation's recall included.
func TestQuestionsOnPostgreSQL(t *testing.T) {
	aitest.CheckEveryTestListed(t, "kb", postgresTests, "TestQuestionsOnPostgreSQL",
		"TestEvaluateWithARealOllamaEmbeddingModel")
	aitest.RunOnPostgreSQL(t, postgresTests)
}
