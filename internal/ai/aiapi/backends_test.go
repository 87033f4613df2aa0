package aiapi_test

import (
	"testing"

	"github.com/tipster-cti/tipster/internal/ai/aitest"
)

// onPostgreSQL are the tests of the Ask AI API, run again over PostgreSQL.
var onPostgreSQL = map[string]func(*testing.T){
	"TestStreamFormat":                                TestStreamFormat,
	"TestJSONAnswer":                                  TestJSONAnswer,
	"TestBadRequests":                                 TestBadRequests,
	"TestProviderFaultsAreAPIErrors":                  TestProviderFaultsAreAPIErrors,
	"TestClientGoneCancelsTheProvider":                TestClientGoneCancelsTheProvider,
	"TestRefusalOverTheAPI":                           TestRefusalOverTheAPI,
	"TestAuditVisibility":                             TestAuditVisibility,
	"TestStatus":                                      TestStatus,
	"TestApplyReviewRestoreOverTheAPI":                TestApplyReviewRestoreOverTheAPI,
	"TestBodiesAreReadStrictly":                       TestBodiesAreReadStrictly,
	"TestApplyRefusesAMoreRestrictedAnswerOverTheAPI": TestApplyRefusesAMoreRestrictedAnswerOverTheAPI,
}

func TestAskAIAPIOnPostgreSQL(t *testing.T) {
	aitest.RunOnPostgreSQL(t, onPostgreSQL)
}

// TestEveryAPITestRunsOnPostgreSQL fails for a new test missing from
// onPostgreSQL.
func TestEveryAPITestRunsOnPostgreSQL(t *testing.T) {
	aitest.CheckEveryTestListed(t, "aiapi_test", onPostgreSQL, "TestAskAIAPIOnPostgreSQL", "TestEveryAPITestRunsOnPostgreSQL")
}
