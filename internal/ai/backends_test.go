package ai_test

import (
	"testing"

	"github.com/tipster-cti/tipster/internal/ai/aitest"
)

// onPostgreSQL are the tests of Ask AI that read or write the store (its
// objects, the audit log, provenance), run again over PostgreSQL.
var onPostgreSQL = map[string]func(*testing.T){
	"TestApplyReviewRestore":                         TestApplyReviewRestore,
	"TestInsertAndRestoreAfterAnEdit":                TestInsertAndRestoreAfterAnEdit,
	"TestTLPGuardRefusesBeforeAByteLeaves":           TestTLPGuardRefusesBeforeAByteLeaves,
	"TestAuditRecordsEveryCall":                      TestAuditRecordsEveryCall,
	"TestViewersMayNotAsk":                           TestViewersMayNotAsk,
	"TestOfflineIsNeverSilent":                       TestOfflineIsNeverSilent,
	"TestReportIsGroundedAndEndsWithTheStoresTable":  TestReportIsGroundedAndEndsWithTheStoresTable,
	"TestReportNeedsAContainer":                      TestReportNeedsAContainer,
	"TestDigestCoversThePeriod":                      TestDigestCoversThePeriod,
	"TestMapReduceOverALongRealReport":               TestMapReduceOverALongRealReport,
	"TestLongRewriteIsRewrittenPieceByPiece":         TestLongRewriteIsRewrittenPieceByPiece,
	"TestApplyKeepsTextAtItsLevel":                   TestApplyKeepsTextAtItsLevel,
	"TestOfflineAnswersCarryTheLevelOfWhatTheyQuote": TestOfflineAnswersCarryTheLevelOfWhatTheyQuote,
	"TestSourcesGroundAndLabelTheAnswer":             TestSourcesGroundAndLabelTheAnswer,
}

func TestAskAIOnPostgreSQL(t *testing.T) {
	aitest.RunOnPostgreSQL(t, onPostgreSQL)
}

// TestEveryStoreTestRunsOnPostgreSQL fails for a new test missing from
// onPostgreSQL; the wire-format tests use the store only to build a
// service, and the runners themselves run nothing twice.
func TestEveryStoreTestRunsOnPostgreSQL(t *testing.T) {
	aitest.CheckEveryTestListed(t, "ai_test", onPostgreSQL, "TestAskAIOnPostgreSQL", "TestEveryStoreTestRunsOnPostgreSQL",
		"TestOpenCTIConfigurationsVerbatim", "TestEachTypeSpeaksItsWireFormat")
}
