package aitest

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
	"github.com/tipster-cti/tipster/internal/store"
	"github.com/tipster-cti/tipster/internal/store/postgres/pgtest"
	"github.com/tipster-cti/tipster/internal/store/sqlite"
)

// Store is a store of either backend, with Ask AI's repository.
type Store interface {
	store.Store
	AI() ai.Repository
}

// postgresSuffix ends the name of a test that RunOnPostgreSQL accepts;
// the stores of its subtests are PostgreSQL ones.
const postgresSuffix = "OnPostgreSQL"

// OpenStore opens an empty store, closed when the test ends: PostgreSQL
// within a test run by RunOnPostgreSQL, SQLite otherwise.
func OpenStore(t testing.TB) Store {
	t.Helper()
	if strings.Contains(t.Name(), postgresSuffix+"/") {
		return pgtest.New(t)
	}
	st, err := sqlite.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// RunOnPostgreSQL runs tests again as subtests of t, whose name ends in
// OnPostgreSQL, with OpenStore and New giving PostgreSQL stores. It skips
// when TIPSTER_TEST_DATABASE_URL names no test database.
func RunOnPostgreSQL(t *testing.T, tests map[string]func(*testing.T)) {
	if !strings.HasSuffix(t.Name(), postgresSuffix) {
		t.Fatalf("%s: a test running others on PostgreSQL must be named ...%s", t.Name(), postgresSuffix)
	}
	pgtest.URL(t)
	names := make([]string, 0, len(tests))
	for name := range tests {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		t.Run(name, tests[name])
	}
}

// CheckEveryTestListed reads the test files of package pkg in the working
// directory and fails for a test function missing from tests, other than
// those named in skip (the runner itself, and tests that open no store).
func CheckEveryTestListed(t *testing.T, pkg string, tests map[string]func(*testing.T), skip ...string) {
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
		if parsed.Name.Name != pkg {
			continue
		}
		for _, d := range parsed.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Recv != nil || !strings.HasPrefix(fn.Name.Name, "Test") ||
				slices.Contains(skip, fn.Name.Name) {
				continue
			}
			if _, ok := tests[fn.Name.Name]; !ok {
				t.Errorf("%s (%s) does not run on PostgreSQL: add it to the tests run there", fn.Name.Name, f)
			}
		}
	}
}
