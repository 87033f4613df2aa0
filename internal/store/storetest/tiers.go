package storetest

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/tipster-cti/tipster/internal/stix"
	"github.com/tipster-cti/tipster/internal/store"
)

func tierUUID(n int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", n) }

func tierMalware(n int, name, desc, extra string) string {
	return fmt.Sprintf(`{"type":"malware","spec_version":"2.1","id":"malware--%s","created":"2024-01-01T00:00:00Z",
		"modified":"2024-01-01T00:00:00Z","name":%q,"description":%q,"is_family":true%s}`,
		tierUUID(n), name, desc, extra)
}

// SearchNames pages through a search and returns the names found, in order.
func SearchNames(t *testing.T, s store.Store, v store.Viewer, q store.Query) []string {
	t.Helper()
	var names []string
	for pages := 0; ; pages++ {
		p, err := s.Search(context.Background(), v, q)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range p.Objects {
			names = append(names, o.Object.Name)
		}
		if p.Next == "" {
			return names
		}
		if pages > 100 {
			t.Fatal("search does not end")
		}
		q.Cursor = p.Next
	}
}

// testSearchTiers checks the order of a text search: exact names, then
// aliases, then external ids (however old), then names holding the words,
// then mentions, each newest first; and that paging through them, in pages
// of every size, yields each match once in that order, for a viewer of
// lower clearance and with type filters.
func testSearchTiers(t *testing.T, s store.Store) {
	imports := [][]string{
		{
			tierMalware(1, "Alpha", "first of its name", ""),
			tierMalware(2, "Beta", "mentions alpha once", ""),
			tierMalware(3, "Gamma", "an alpha alpha alpha loader", ""),
			tierMalware(4, "Delta", "unrelated", `,"aliases":["ALPHA"]`),
			tierMalware(5, "Epsilon", "no such word",
				`,"external_references":[{"source_name":"mitre-attack","external_id":"ALPHA"}]`),
		},
		{
			`{"type":"indicator","spec_version":"2.1","id":"indicator--` + tierUUID(13) + `",
			"created":"2024-01-01T00:00:00Z","modified":"2024-01-01T00:00:00Z","name":"alpha domain",
			"pattern":"[domain-name:value = 'a.example']","pattern_type":"stix",
			"valid_from":"2024-01-01T00:00:00Z"}`,
		},
		{tierMalware(14, "Alpha Red", "held back",
			`,"object_marking_refs":["marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed"]`)},
	}
	for i := 6; i <= 12; i++ {
		imports[0] = append(imports[0], tierMalware(i, fmt.Sprintf("Later %d", i), "alpha in passing", ""))
	}
	for _, objs := range imports {
		for _, js := range objs { // one import each, so that insertion order is the list's
			ImportJSON(t, s, js)
		}
	}
	// Exact: Alpha (name), Delta (alias), Epsilon (external id, not in any
	// text); then names holding the word, newest first; then mentions.
	want := []string{"Alpha", "Delta", "Epsilon", "Alpha Red", "alpha domain", "Later 12", "Later 11",
		"Later 10", "Later 9", "Later 8", "Later 7", "Later 6", "Gamma", "Beta"}
	green := store.Viewer{Name: "green", Clearance: stix.TLPGreen}
	wantGreen := slices.DeleteFunc(slices.Clone(want), func(s string) bool { return s == "Alpha Red" })
	for limit := 1; limit <= 15; limit++ {
		if got := SearchNames(t, s, store.LocalAdmin, store.Query{Text: "alpha", Limit: limit}); !slices.Equal(got, want) {
			t.Errorf("pages of %d:\n got %q\nwant %q", limit, got, want)
		}
		if got := SearchNames(t, s, green, store.Query{Text: "ALPHA ", Limit: limit}); !slices.Equal(got, wantGreen) {
			t.Errorf("TLP:GREEN, pages of %d: %q", limit, got)
		}
	}
	typed := SearchNames(t, s, store.LocalAdmin, store.Query{Text: "alpha", Types: []string{"malware"}, Limit: 2})
	if w := slices.DeleteFunc(slices.Clone(want), func(s string) bool { return s == "alpha domain" }); !slices.Equal(typed, w) {
		t.Errorf("malware only: %q", typed)
	}
	got := SearchNames(t, s, store.LocalAdmin, store.Query{Text: "alpha", Types: []string{"indicator"}})
	if !slices.Equal(got, []string{"alpha domain"}) {
		t.Errorf("indicators only: %q", got)
	}
	// Words typed match text only, never the store's own index of types
	// (SQLite keeps each type there as "k" and its hex).
	for _, internal := range []string{"k6d616c77617265", "k6d616c"} {
		if got := SearchNames(t, s, store.LocalAdmin, store.Query{Text: internal}); len(got) != 0 {
			t.Errorf("search %q finds %q", internal, got)
		}
	}
	// A prefix finds what holds the word, not what has it only as an id.
	got = SearchNames(t, s, store.LocalAdmin, store.Query{Text: "alp"})
	wantPrefix := []string{"Alpha Red", "alpha domain", "Delta", "Alpha", "Later 12", "Later 11", "Later 10",
		"Later 9", "Later 8", "Later 7", "Later 6", "Gamma", "Beta"}
	if !slices.Equal(got, wantPrefix) {
		t.Errorf("prefix alp:\n got %q\nwant %q", got, wantPrefix)
	}
}
