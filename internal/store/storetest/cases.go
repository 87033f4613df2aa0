package storetest

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/tipster-cti/tipster/internal/ingest"
	"github.com/tipster-cti/tipster/internal/stix"
	"github.com/tipster-cti/tipster/internal/store"
)

const (
	apt1Report    = stix.ID("report--e33ffe07-2f4c-48d8-b0af-ee2619d765cf")
	apt1Set       = stix.ID("intrusion-set--da1065ce-972c-4605-8755-9cd1074e3b5a")
	mitreIdentity = stix.ID("identity--c78cb6e5-0c4b-4611-8297-d1b8b55e40b5")
)

func (c suite) testImportCounts(t *testing.T, s store.Store) {
	sum := c.importFile(t, s, "attack-v14/ics-attack.json")
	if sum.Created != 1794 || len(sum.Skipped) != 0 {
		t.Fatalf("ICS: created %d, skipped %v; want 1794 created", sum.Created, sum.Skipped)
	}
	sum = c.importFile(t, s, "attack-v14/mobile-attack.json")
	// Mobile shares its identity and marking definition with ICS, and one
	// of its relationships has modified before created.
	if sum.Created+sum.Unchanged != 2186 || len(sum.Skipped) != 1 {
		t.Fatalf("Mobile: created %d unchanged %d skipped %v", sum.Created, sum.Unchanged, sum.Skipped)
	}
	if !strings.Contains(sum.Skipped[0].Reason, "before created") || sum.Skipped[0].ID == "" {
		t.Errorf("skip record %+v does not say why or which", sum.Skipped[0])
	}
	counts, err := s.Count(ctx, store.LocalAdmin)
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, n := range counts {
		total += n
	}
	builtin := len(stix.BuiltinMarkings())
	if want := 1794 + sum.Created + builtin; total != want {
		t.Errorf("store holds %d objects, want %d (%v)", total, want, counts)
	}
	if counts["attack-pattern"] == 0 || counts["relationship"] == 0 {
		t.Errorf("counts by type look wrong: %v", counts)
	}
}

func (c suite) testReimport(t *testing.T, s store.Store) {
	first := c.importFile(t, s, "cti-documentation/apt1.json")
	second := c.importFile(t, s, "cti-documentation/apt1.json")
	if first.Created != 76 {
		t.Errorf("first import created %d, want 76", first.Created)
	}
	if second.Created != 0 || second.Updated != 0 || second.Unchanged != 76 {
		t.Errorf("second import: %+v, want 76 unchanged", second)
	}
}

const identityV = `{"type":"identity","spec_version":"2.1","id":"identity--8c6af861-7b20-41ef-9b59-6344fd872a8f",
 "created":"2016-08-08T15:50:10.983Z","modified":"%s","name":"%s","identity_class":"organization"}`

func testVersioning(t *testing.T, s store.Store) {
	id := stix.ID("identity--8c6af861-7b20-41ef-9b59-6344fd872a8f")
	steps := []struct {
		modified, name string
		want           func(ingest.Summary) bool
		wantName       string
	}{
		{"2016-08-08T15:50:10.983Z", "First", func(s ingest.Summary) bool { return s.Created == 1 }, "First"},
		{"2017-01-01T00:00:00Z", "Newer", func(s ingest.Summary) bool { return s.Updated == 1 }, "Newer"},
		{"2016-12-01T00:00:00Z", "Older", func(s ingest.Summary) bool { return s.Unchanged == 1 }, "Newer"},
		{
			"2017-01-01T00:00:00Z",
			"Same time",
			func(s ingest.Summary) bool { return s.Unchanged == 1 },
			"Newer",
		},
	}
	for _, st := range steps {
		sum := ImportJSON(t, s, fmt.Sprintf(identityV, st.modified, st.name))
		if !st.want(sum) {
			t.Errorf("importing %q (%s): unexpected summary %+v", st.name, st.modified, sum)
		}
		if got := mustGet(t, s, store.LocalAdmin, id).Name; got != st.wantName {
			t.Errorf("after %q: stored name %q, want %q", st.name, got, st.wantName)
		}
	}
	page, err := s.Search(ctx, store.LocalAdmin, store.Query{Text: "Older"})
	if err != nil || len(page.Objects) != 0 {
		t.Errorf("an ignored older version is searchable: %v %v", page.Objects, err)
	}
	testVersionsInOneBundle(t, s)
}

// testVersionsInOneBundle imports several versions of one id in one
// bundle, next to each other and hundreds of objects apart, for an id
// the store holds and for a new one: each version is compared with what
// the versions before it left, however a store batches its lookups, so
// an older version after a newer one is ignored.
func testVersionsInOneBundle(t *testing.T, s store.Store) {
	version := func(uuid, modified, name string) string {
		return fmt.Sprintf(`{"type":"identity","spec_version":"2.1","id":"identity--%s",
			"created":"2016-01-01T00:00:00Z","modified":%q,"name":%q,"identity_class":"organization"}`,
			uuid, modified, name)
	}
	fillers := func(from, n int) []string {
		var out []string
		for i := range n {
			out = append(out, version(fmt.Sprintf("00000000-0000-4000-8000-%012d", from+i),
				"2016-01-01T00:00:00Z", "filler"))
		}
		return out
	}
	stored := "8c6af861-7b20-41ef-9b59-6344fd872a8f" // "Newer" of 2017, from testVersioning
	for _, c := range []struct {
		what, uuid string
		gap        int
		want       ingest.Summary
	}{
		{"side by side, a stored id", stored, 0, ingest.Summary{Updated: 2, Unchanged: 1}},
		{"side by side, a new id", "3f1c2a9e-5b7d-4e8f-9a0b-1c2d3e4f5a60", 0,
			ingest.Summary{Created: 1, Updated: 1, Unchanged: 1}},
		{"hundreds apart, a new id", "3f1c2a9e-5b7d-4e8f-9a0b-1c2d3e4f5a61", 300,
			ingest.Summary{Created: 601, Updated: 1, Unchanged: 1}},
	} {
		objs := []string{version(c.uuid, "2018-01-01T00:00:00Z", "Middle")}
		objs = append(objs, fillers(1000*len(c.what), c.gap)...)
		objs = append(objs, version(c.uuid, "2019-01-01T00:00:00Z", "Newest"))
		objs = append(objs, fillers(1000*len(c.what)+c.gap, c.gap)...)
		objs = append(objs, version(c.uuid, "2018-06-01T00:00:00Z", "Late but older"))
		sum := ImportJSON(t, s, "["+strings.Join(objs, ",")+"]")
		if sum.Created != c.want.Created || sum.Updated != c.want.Updated || sum.Unchanged != c.want.Unchanged {
			t.Errorf("%s: created %d, updated %d, unchanged %d; want %d, %d, %d", c.what,
				sum.Created, sum.Updated, sum.Unchanged, c.want.Created, c.want.Updated, c.want.Unchanged)
		}
		if got := mustGet(t, s, store.LocalAdmin, stix.ID("identity--"+c.uuid)).Name; got != "Newest" {
			t.Errorf("%s: stored name %q, want Newest", c.what, got)
		}
	}
	// A copy of an object written earlier in the bundle, after a newer
	// version of a stored object whose replacement writes what came
	// before it: the copy is unchanged, not written twice.
	copied := version("3f1c2a9e-5b7d-4e8f-9a0b-1c2d3e4f5a62", "2018-01-01T00:00:00Z", "Copied")
	objs := append([]string{copied}, fillers(9000, 300)...)
	objs = append(objs, version(stored, "2020-01-01T00:00:00Z", "Newer still"), copied)
	sum := ImportJSON(t, s, "["+strings.Join(objs, ",")+"]")
	if sum.Created != 301 || sum.Updated != 1 || sum.Unchanged != 1 {
		t.Errorf("a copy after a replacement: created %d, updated %d, unchanged %d; want 301, 1, 1",
			sum.Created, sum.Updated, sum.Unchanged)
	}
}

func testSyntaxRollback(t *testing.T, s store.Store) {
	bad := `{"type":"bundle","id":"bundle--6a3f6490-9c44-40de-b059-e5940f246673","objects":[` +
		fmt.Sprintf(identityV, "2016-08-08T15:50:10.983Z", "Half") + `, {"type": "identity",, }]}`
	_, err := ingest.Bundle(ctx, s, strings.NewReader(bad), ingest.Options{})
	var se *stix.SyntaxError
	if !errors.As(err, &se) || se.Offset <= 0 {
		t.Fatalf("error %v does not say where the input broke", err)
	}
	_, err = s.Get(ctx, store.LocalAdmin, "identity--8c6af861-7b20-41ef-9b59-6344fd872a8f")
	if !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the object before the syntax error was written: %v", err)
	}
}

func (c suite) testSearch(t *testing.T, s store.Store) {
	c.importFile(t, s, "cti-documentation/apt1.json")
	c.importFile(t, s, "attack-v14/ics-attack.json")
	cases := []struct{ q, wantFirst string }{
		{"APT1", "APT1"},
		{"comment crew", "APT1"}, // an alias
		{"Spearphishing Attachment", "Spearphishing Attachment"},
		{"spearphish", ""}, // prefix of the last word
	}
	for _, c := range cases {
		page, err := s.Search(ctx, store.LocalAdmin, store.Query{Text: c.q})
		if err != nil {
			t.Fatalf("search %q: %v", c.q, err)
		}
		if len(page.Objects) == 0 {
			t.Errorf("search %q found nothing", c.q)
			continue
		}
		if c.wantFirst != "" && page.Objects[0].Name != c.wantFirst {
			t.Errorf("search %q: first hit %q, want %q", c.q, page.Objects[0].Name, c.wantFirst)
		}
	}
	page, err := s.Search(ctx, store.LocalAdmin, store.Query{Text: `") OR name:* NOT "`})
	if err != nil {
		t.Errorf("search with query syntax characters failed instead of matching words: %v", err)
	}
	_ = page
}

func (c suite) testFilters(t *testing.T, s store.Store) {
	c.importFile(t, s, "attack-v14/ics-attack.json")
	c.importFile(t, s, "cti-documentation/apt1.json")
	cases := []struct {
		name string
		q    store.Query
		ok   func(*store.Stored) bool
	}{
		{
			"type",
			store.Query{Types: []string{"malware"}},
			func(o *store.Stored) bool { return o.Type == "malware" },
		},
		{
			"author",
			store.Query{CreatedBy: mitreIdentity},
			func(o *store.Stored) bool { return o.CreatedBy == mitreIdentity },
		},
		{
			"external id",
			store.Query{ExternalID: "T0817"},
			func(o *store.Stored) bool { return o.Name == "Drive-by Compromise" },
		},
		{"marking", store.Query{Marking: "marking-definition--fa42a846-8d90-4e51-bc29-71d5b4802168"},
			func(o *store.Stored) bool { return len(o.Markings) > 0 }},
	}
	for _, c := range cases {
		page, err := s.Search(ctx, store.LocalAdmin, c.q)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if len(page.Objects) == 0 {
			t.Errorf("filter by %s found nothing", c.name)
		}
		for _, o := range page.Objects {
			if !c.ok(o) {
				t.Errorf("filter by %s returned %s %q", c.name, o.ID, o.Name)
				break
			}
		}
	}
}

func (c suite) testPagination(t *testing.T, s store.Store) {
	c.importFile(t, s, "attack-v14/ics-attack.json")
	for _, q := range []store.Query{{Types: []string{"relationship"}, Limit: 97}, {Text: "control", Limit: 7}} {
		seen := map[stix.ID]bool{}
		pages := 0
		for {
			page, err := s.Search(ctx, store.LocalAdmin, q)
			if err != nil {
				t.Fatal(err)
			}
			pages++
			for _, o := range page.Objects {
				if seen[o.ID] {
					t.Fatalf("%+v: %s appears twice", q, o.ID)
				}
				seen[o.ID] = true
			}
			if page.Next == "" {
				break
			}
			q.Cursor = page.Next
		}
		if pages < 2 {
			t.Errorf("%+v: only %d page(s) for %d objects", q, pages, len(seen))
		}
		if q.Types != nil && len(seen) == 0 {
			t.Errorf("no relationships listed")
		}
	}
	if _, err := s.Search(ctx, store.LocalAdmin, store.Query{Cursor: "not-a-cursor!"}); !errors.Is(
		err,
		store.ErrBadQuery,
	) {
		t.Errorf("a forged cursor gave %v, want ErrBadQuery", err)
	}
}
