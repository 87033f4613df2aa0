// Package storetest is the conformance suite every store backend must pass:
// the same behaviour, on the same real data, whatever the database.
package storetest

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tipster-cti/tipster/internal/ingest"
	"github.com/tipster-cti/tipster/internal/stix"
	"github.com/tipster-cti/tipster/internal/store"
)

// Factory returns a new, empty store for one test; the suite closes it.
type Factory func(t *testing.T) store.Store

// Run runs the whole suite against the backend that newStore opens. data
// is the directory of the real data the suite imports (the shared data
// beside the checkout, as the calling test names it); the cases that need
// it skip when it is absent.
func Run(t *testing.T, data string, newStore Factory) {
	c := suite{data: data}
	tests := []struct {
		name string
		fn   func(*testing.T, store.Store)
	}{
		{"a real bundle imports with every object counted", c.testImportCounts},
		{"importing the same bundle twice changes nothing", c.testReimport},
		{"a newer modified replaces and an older one is ignored", testVersioning},
		{"input that is not JSON leaves nothing written", testSyntaxRollback},
		{"references to objects not stored are counted", testDanglingRefs},
		{"search finds names, aliases and descriptions by relevance", c.testSearch},
		{"search lists exact names, then names, then mentions, each newest first", testSearchTiers},
		{"search filters by type, label, marking, author and external id", c.testFilters},
		{"search filters by an object's own TLP level, whichever TLP version marks it", c.testTLPFilter},
		{"pages follow one another without gaps or repeats", c.testPagination},
		{"relationships, containers and related reports are queryable", c.testGraph},
		{"objects above the viewer's clearance do not exist for them", testClearance},
		{"a container's effective TLP is the highest of its contents", testContainerTLP},
		{"a document is kept with its report and found by its text", testDocument},
		{"search survives odd text, filters and cursors, and its index stays exact", testSearchAttack},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newStore(t)
			defer s.Close()
			tc.fn(t, s)
		})
	}
}

// suite holds what the cases that import real data need.
type suite struct {
	data string // directory of the real data
}

// importFile imports the file rel of the real data into s.
func (c suite) importFile(t testing.TB, s store.Store, rel string) ingest.Summary {
	t.Helper()
	return ImportFile(t, s, filepath.Join(c.data, rel), ingest.Options{})
}

// ImportFile imports the bundle at path into s, skipping the test when the
// file is absent (real data that a checkout may not have beside it).
func ImportFile(t testing.TB, s store.Store, path string, opt ingest.Options) ingest.Summary {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Skipf("real data not available: %v", err)
	}
	defer f.Close()
	sum, err := ingest.Bundle(context.Background(), s, f, opt)
	if err != nil {
		t.Fatalf("import %s: %v", path, err)
	}
	return sum
}

// ImportJSON imports objects written inline by a test.
func ImportJSON(t testing.TB, s store.Store, js string) ingest.Summary {
	t.Helper()
	sum, err := ingest.Bundle(context.Background(), s, strings.NewReader(js), ingest.Options{})
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	return sum
}

var ctx = context.Background()

func mustGet(t *testing.T, s store.Store, v store.Viewer, id stix.ID) *store.Stored {
	t.Helper()
	o, err := s.Get(ctx, v, id)
	if err != nil {
		t.Fatalf("get %s: %v", id, err)
	}
	return o
}
