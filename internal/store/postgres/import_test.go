package postgres_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/tipster-cti/tipster/internal/stix"
	"github.com/tipster-cti/tipster/internal/store"
	"github.com/tipster-cti/tipster/internal/store/postgres/pgtest"
)

var ctx = context.Background()

// observable is an IPv4 address object, which has no timestamps: a new
// version is recognised by its JSON alone.
func observable(i int, value string) *stix.Object {
	return mustParse(fmt.Sprintf(`{"type":"ipv4-addr","spec_version":"2.1",
		"id":"ipv4-addr--00000000-0000-4000-8000-%012d","value":%q}`, i, value))
}

// indicator is an indicator object modified at the given time.
func indicator(i int, modified string) *stix.Object {
	return mustParse(fmt.Sprintf(`{"type":"indicator","spec_version":"2.1",
		"id":"indicator--00000000-0000-4000-8000-%012d","created":"2024-01-01T00:00:00Z",
		"modified":%q,"name":"indicator %d","pattern":"[ipv4-addr:value = '198.51.100.7']",
		"pattern_type":"stix","valid_from":"2024-01-01T00:00:00Z"}`, i, modified, i))
}

func mustParse(js string) *stix.Object {
	o, err := stix.Parse([]byte(js))
	if err != nil {
		panic(err)
	}
	return o
}

// putAll imports objs in one transaction and tallies the outcomes.
func putAll(t *testing.T, s store.Store, objs []*stix.Object) map[store.Outcome]int {
	t.Helper()
	imp, err := s.Import(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer imp.Rollback()
	out := map[store.Outcome]int{}
	for _, o := range objs {
		oc, err := imp.Put(ctx, o)
		if err != nil {
			t.Fatal(err)
		}
		out[oc]++
	}
	if _, err := imp.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestOutcomesAreTheSameForSmallAndLargeImports covers both ways the
// importer learns stored versions: one query for all when the import is
// large next to the store, and one query per object when it is small (the
// last step, with 700 objects of each kind).
func TestOutcomesAreTheSameForSmallAndLargeImports(t *testing.T) {
	for _, n := range []int{5, 700} {
		t.Run(fmt.Sprintf("%d objects of each kind", n), func(t *testing.T) {
			s := pgtest.New(t)
			var first, again, changed []*stix.Object
			for i := range n {
				first = append(first, observable(i, "10.0.0.1"), indicator(i, "2024-02-01T00:00:00Z"))
				again = append(again, observable(i, "10.0.0.1"), indicator(i, "2024-02-01T00:00:00Z"))
				if i%2 == 0 {
					changed = append(changed, observable(i, "10.0.0.2"), indicator(i, "2024-03-01T00:00:00.000000001Z"))
				} else {
					changed = append(changed, observable(i, "10.0.0.1"), indicator(i, "2024-01-15T00:00:00Z"))
				}
			}
			// An object repeated within one import counts against the copy
			// written earlier, or just before (still in the same buffer).
			first = append(first, observable(0, "10.0.0.1"), indicator(0, "2024-02-01T00:00:00.5Z"),
				indicator(n-1, "2024-02-01T00:00:00.5Z"))
			steps := []struct {
				name string
				objs []*stix.Object
				want map[store.Outcome]int
			}{
				{"first import", first, map[store.Outcome]int{store.Created: 2 * n, store.Unchanged: 1, store.Updated: 2}},
				{"same objects again", again, map[store.Outcome]int{store.Unchanged: 2 * n}},
				{"half newer, half older or equal", changed,
					map[store.Outcome]int{store.Updated: 2 * ((n + 1) / 2), store.Unchanged: 2 * (n / 2)}},
				{"a few objects, one changed", []*stix.Object{observable(0, "10.0.0.3"), indicator(1, "2024-01-01T00:00:00Z"),
					observable(n, "10.0.0.4"), observable(n, "10.0.0.4"), observable(n, "10.0.0.5")},
					map[store.Outcome]int{store.Created: 1, store.Updated: 2, store.Unchanged: 2}},
			}
			for _, st := range steps {
				got := putAll(t, s, st.objs)
				for _, oc := range []store.Outcome{store.Created, store.Updated, store.Unchanged} {
					if got[oc] != st.want[oc] {
						t.Errorf("%s: outcome %d counted %d times, want %d", st.name, oc, got[oc], st.want[oc])
					}
				}
			}
			o, err := s.Get(ctx, store.LocalAdmin, observable(0, "").ID)
			if err != nil {
				t.Fatal(err)
			}
			if want := observable(0, "10.0.0.3").Raw; string(o.Raw) != string(want) {
				t.Errorf("observable 0 after the updates is %s, want %s", o.Raw, want)
			}
		})
	}
}
