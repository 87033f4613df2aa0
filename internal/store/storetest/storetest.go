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

// SharedData is the real data beside the checkout, relative to a package
// directory three levels down (internal/store/<backend>).
const SharedData = "../../../../shared/data"

// Run runs the whole suite against the backend that newStore opens.
func Run(t *testing.T, newStore Factory) {
	tests := []struct {
		name string
		fn   func(*testing.T, store.Store)
	}{
		{"a real bundle imports with every object counted", testImportCounts},
		{"importing the same bundle twice changes nothing", testReimport},
		{"a newer modified replaces and an older one is ignored", testVersioning},
		{"input that is not JSON leaves nothing written", testSyntaxRollback},
		{"search finds names, aliases and descriptions by relevance", testSearch},
		{"search lists exact names, then names, then mentions, each newest first", testSearchTiers},
		{"search filters by type, label, marking, author and external id", testFilters},
		{"search filters by an object's own TLP level, whichever TLP version marks it", testTLPFilter},
		{"pages follow one another without gaps or repeats", testPagination},
		{"relationships, containers and related reports are queryable", testGraph},
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

// ImportFile imports one file of the shared data into s, skipping the test
// when the shared data is absent.
func ImportFile(t testing.TB, s store.Store, rel string, opt ingest.Options) ingest.Summary {
	t.Helper()
	f, err := os.Open(filepath.Join(SharedData, rel))
	if err != nil {
		t.Skipf("real data not available (%v): it lives in ../shared beside the checkout", err)
	}
	defer f.Close()
	sum, err := ingest.Bundle(context.Background(), s, f, opt)
	if err != nil {
		t.Fatalf("import %s: %v", rel, err)
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
