package api_test

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tipster-cti/tipster/internal/ai"
	"github.com/tipster-cti/tipster/internal/auth"
	"github.com/tipster-cti/tipster/internal/store"
	"github.com/tipster-cti/tipster/internal/store/postgres"
	"github.com/tipster-cti/tipster/internal/store/postgres/pgtest"
	"github.com/tipster-cti/tipster/internal/store/sqlite"
)

// testStore is a store of either backend, with the repositories the
// API's features keep in its database.
type testStore interface {
	store.Store
	Auth() auth.Repository
	AI() ai.Repository
}

// onPostgres is the test that runs every other test of the package again
// over PostgreSQL; the stores of its subtests are PostgreSQL ones.
const onPostgres = "TestEveryAPITestOnPostgreSQL"

// openTestStore opens an empty store, closed when the test ends: SQLite,
// or PostgreSQL within TestEveryAPITestOnPostgreSQL.
func openTestStore(t *testing.T) testStore {
	t.Helper()
	if strings.HasPrefix(t.Name(), onPostgres+"/") {
		return pgtest.New(t)
	}
	db, err := sqlite.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// openSharedStores opens two stores on one new database, each with its
// own connections, as two servers would: two SQLite handles on one file,
// or two PostgreSQL pools on one schema within TestEveryAPITestOnPostgreSQL.
func openSharedStores(t *testing.T) (testStore, testStore) {
	t.Helper()
	ctx := context.Background()
	var open func() (testStore, error)
	if strings.HasPrefix(t.Name(), onPostgres+"/") {
		url := pgtest.Schema(t)
		open = func() (testStore, error) { return postgres.Open(ctx, url) }
	} else {
		dir := t.TempDir()
		open = func() (testStore, error) { return sqlite.Open(ctx, dir) }
	}
	var out [2]testStore
	for i := range out {
		st, err := open()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		out[i] = st
	}
	return out[0], out[1]
}

// apiTests are the tests run over both backends; a test in this package
// that is missing here makes TestEveryAPITestIsRunOnBothBackends fail.
var apiTests = map[string]func(*testing.T){
	"TestImportThenQueryOverHTTP":                                      TestImportThenQueryOverHTTP,
	"TestNULInsideAnObjectIsKeptAndImported":                           TestNULInsideAnObjectIsKeptAndImported,
	"TestServersStartingAtOnceCreateOneAdministrator":                  TestServersStartingAtOnceCreateOneAdministrator,
	"TestASlowUploadDoesNotHoldOtherImports":                           TestASlowUploadDoesNotHoldOtherImports,
	"TestUploadedFileNamesKeepOnlyTheirLastElement":                    TestUploadedFileNamesKeepOnlyTheirLastElement,
	"TestExportedBundleReimportsOnItsOwn":                              TestExportedBundleReimportsOnItsOwn,
	"TestErrorsSayWhatAndHideWhatIsHidden":                             TestErrorsSayWhatAndHideWhatIsHidden,
	"TestTheMarkingFilterTakesALevelOrADefinitionID":                   TestTheMarkingFilterTakesALevelOrADefinitionID,
	"TestAskAINeverSendsWhatTheViewerCannotRead":                       TestAskAINeverSendsWhatTheViewerCannotRead,
	"TestGreenCannotReachRed":                                          TestGreenCannotReachRed,
	"TestCountsLeaveOutHiddenObjects":                                  TestCountsLeaveOutHiddenObjects,
	"TestRedClearanceSeesEverything":                                   TestRedClearanceSeesEverything,
	"TestAdminCreatesUserWhoseTokenIsShownOnceAndStoredHashed":         TestAdminCreatesUserWhoseTokenIsShownOnceAndStoredHashed,
	"TestUserChangesThatMustFail":                                      TestUserChangesThatMustFail,
	"TestResetPasswordEndsSessionsAndReturnsGeneratedPasswordOnce":     TestResetPasswordEndsSessionsAndReturnsGeneratedPasswordOnce,
	"TestAuditLogRecordsAccessAndHidesEntriesAboveTheReadersClearance": TestAuditLogRecordsAccessAndHidesEntriesAboveTheReadersClearance,
	"TestEveryRouteRefusesMissingOrBadCredentials":                     TestEveryRouteRefusesMissingOrBadCredentials,
	"TestRolesLimitWhatEachUserMayDo":                                  TestRolesLimitWhatEachUserMayDo,
	"TestRevokedTokenStopsAtOnce":                                      TestRevokedTokenStopsAtOnce,
	"TestTokenExpiresAtItsTime":                                        TestTokenExpiresAtItsTime,
	"TestDisabledUserIsLockedOutEverywhere":                            TestDisabledUserIsLockedOutEverywhere,
	"TestSessionRequestsThatChangeStateNeedTheCSRFToken":               TestSessionRequestsThatChangeStateNeedTheCSRFToken,
	"TestSessionEndsAfterInactivityAndAtItsMaximumAge":                 TestSessionEndsAfterInactivityAndAtItsMaximumAge,
	"TestLoginNeverPromotesAPlantedSessionID":                          TestLoginNeverPromotesAPlantedSessionID,
	"TestLoginCookieIsHttpOnlySameSiteAndSecureWhenAsked":              TestLoginCookieIsHttpOnlySameSiteAndSecureWhenAsked,
	"TestLoginFormRefusesOtherSitesAndOffSiteRedirects":                TestLoginFormRefusesOtherSitesAndOffSiteRedirects,
	"TestBruteForceLoginIsRateLimited":                                 TestBruteForceLoginIsRateLimited,
	"TestOneAddressGuessingManyAccountsIsRateLimited":                  TestOneAddressGuessingManyAccountsIsRateLimited,
	"TestUnknownAccountsFailLikeWrongPasswords":                        TestUnknownAccountsFailLikeWrongPasswords,
	"TestLogoutEndsTheSession":                                         TestLogoutEndsTheSession,
	"TestTwoServersOnOneDatabaseShareSessionsAndLoginLimits":           TestTwoServersOnOneDatabaseShareSessionsAndLoginLimits,
}

// TestEveryAPITestOnPostgreSQL runs the package's tests again with
// PostgreSQL stores, when TIPSTER_TEST_DATABASE_URL names a test database.
func TestEveryAPITestOnPostgreSQL(t *testing.T) {
	pgtest.URL(t)
	names := make([]string, 0, len(apiTests))
	for name := range apiTests {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		t.Run(name, apiTests[name])
	}
}

// TestEveryAPITestIsRunOnBothBackends reads the package's test files and
// fails for a test that TestEveryAPITestOnPostgreSQL does not run.
func TestEveryAPITestIsRunOnBothBackends(t *testing.T) {
	files, err := filepath.Glob("*_test.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, f := range files {
		parsed, err := parser.ParseFile(fset, f, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range parsed.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Recv != nil || !strings.HasPrefix(fn.Name.Name, "Test") ||
				strings.HasPrefix(fn.Name.Name, "TestEveryAPITest") {
				continue
			}
			if _, ok := apiTests[fn.Name.Name]; !ok {
				t.Errorf("%s (%s) does not run on PostgreSQL: add it to apiTests", fn.Name.Name, f)
			}
		}
	}
}

// columnTexts runs a query of one text column on the store's database.
func columnTexts(t *testing.T, st testStore, q string) []string {
	t.Helper()
	var out []string
	switch db := st.(type) {
	case *sqlite.DB:
		rows, err := db.SQL().Query(q)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			out = append(out, s)
		}
	case *postgres.DB:
		rows, err := db.Pool().Query(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			out = append(out, s)
		}
	default:
		t.Fatalf("no raw queries on a %T", st)
	}
	return out
}
