package index_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/tipster-cti/tipster/internal/ai/kb/index"
	"github.com/tipster-cti/tipster/internal/stix"
	"github.com/tipster-cti/tipster/internal/store"
	"github.com/tipster-cti/tipster/internal/store/storetest"
)

// allIDs returns the id of every stored object.
func allIDs(t *testing.T, db store.Store) []string {
	t.Helper()
	var ids []string
	q := store.Query{Limit: 500}
	for {
		page, err := db.Search(ctx, store.LocalAdmin, q)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range page.Objects {
			ids = append(ids, string(o.ID))
		}
		if page.Next == "" {
			return ids
		}
		q.Cursor = page.Next
	}
}

// edgeString writes an edge as the walk uses it.
func edgeString(e index.Edge) string {
	return fmt.Sprintf("%s %s %s %s>%s other=%s/%s/%v",
		e.At, e.ID, e.Type, e.Source, e.Target, e.Other.ID, e.Other.Type, e.Other.Revoked)
}

// TestTheGraphReadsAgreeWithTheStoreAtEveryClearance checks the narrow
// reads of the graph walk against the store's own reads of whole objects,
// for every object and every clearance.
func TestTheGraphReadsAgreeWithTheStoreAtEveryClearance(t *testing.T) {
	db := openDB(t)
	storetest.LoadClearanceFixture(t, db)
	importShared(t, db, "cti-documentation/apt1.json")
	importShared(t, db, "cti-documentation/sighting-of-observed-data.json")
	importShared(t, db, "cti-documentation/using-marking-definitions.json")
	// A relationship to an object the store does not hold is left out,
	// as the store leaves it out.
	storetest.ImportJSON(t, db, `{"type":"bundle","id":"bundle--7a7a7a7a-7a7a-4a7a-8a7a-7a7a7a7a7a7a","objects":[
	{"type":"relationship","spec_version":"2.1","id":"relationship--7b7b7b7b-7b7b-4b7b-8b7b-7b7b7b7b7b7b",
	 "created":"2024-01-01T00:00:00Z","modified":"2024-01-01T00:00:00Z","relationship_type":"variant-of",
	 "source_ref":"`+string(storetest.FixtureGreen)+`","target_ref":"malware--7c7c7c7c-7c7c-4c7c-8c7c-7c7c7c7c7c7c"}]}`)
	ix := index.New(db.Passages())
	ids := allIDs(t, db)
	seen := map[int][3]int{}
	for level := stix.TLPClear; level <= stix.TLPRed; level++ {
		v := store.Viewer{Name: "graph", Clearance: level, Role: store.RoleAnalyst}
		nodes, err := ix.Nodes(ctx, int(level), ids)
		if err != nil {
			t.Fatal(err)
		}
		objs, err := db.GetMany(ctx, v, stixIDs(ids))
		if err != nil {
			t.Fatal(err)
		}
		var want, got []string
		for _, o := range objs {
			want = append(want, fmt.Sprintf("%s %s %v %s>%s", o.ID, o.Type, o.Revoked, o.Source, o.Target))
		}
		for _, n := range nodes {
			got = append(got, fmt.Sprintf("%s %s %v %s>%s", n.ID, n.Type, n.Revoked, n.Source, n.Target))
		}
		slices.Sort(want)
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("%s: nodes\n%v\nwant\n%v", level, got, want)
		}

		rels, err := ix.Relations(ctx, int(level), ids, nil)
		if err != nil {
			t.Fatal(err)
		}
		cs, err := ix.Containers(ctx, int(level), ids)
		if err != nil {
			t.Fatal(err)
		}
		want, got = nil, nil
		var wantCs, gotCs []string
		for _, id := range stixIDs(ids) {
			rs, err := db.Relationships(ctx, v, id)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rs {
				other := r.Target
				if other.ID == id {
					other = r.Source
				}
				e := index.Edge{At: string(id), ID: string(r.ID), Type: r.RelationshipType, Source: string(r.Stored.Source),
					Target: string(r.Stored.Target)}
				if e.Type == "" {
					e.Type = r.Type
				}
				if other != nil {
					e.Other = index.Node{ID: string(other.ID), Type: other.Type, Revoked: other.Revoked}
				}
				want = append(want, edgeString(e))
			}
			containers, err := db.Containers(ctx, v, id)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range containers {
				wantCs = append(wantCs, edgeString(index.Edge{At: string(id), ID: string(c.ID), Type: "contains",
					Source: string(c.ID), Target: string(id), Other: index.Node{ID: string(c.ID), Type: c.Type, Revoked: c.Revoked}}))
			}
		}
		for _, e := range rels {
			if e.Other.ID != "" && e.Other.ID != e.Source && e.Other.ID != e.Target {
				t.Errorf("%s: other end %s is not an end of %s", level, e.Other.ID, e.ID)
			}
			got = append(got, edgeString(e))
		}
		for _, e := range cs {
			gotCs = append(gotCs, edgeString(e))
		}
		for _, l := range [][]string{want, got, wantCs, gotCs} {
			slices.Sort(l)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: relations\n%v\nwant\n%v", level, got, want)
		}
		if !slices.Equal(gotCs, wantCs) {
			t.Errorf("%s: containers\n%v\nwant\n%v", level, gotCs, wantCs)
		}

		// Reading only the relations that lead to given types gives those
		// of the whole list.
		types := []string{"malware", "identity"}
		typed, err := ix.Relations(ctx, int(level), ids, types)
		if err != nil {
			t.Fatal(err)
		}
		want, got = nil, nil
		for _, e := range rels {
			if slices.Contains(types, e.Other.Type) {
				want = append(want, edgeString(e))
			}
		}
		for _, e := range typed {
			got = append(got, edgeString(e))
		}
		slices.Sort(want)
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("%s: relations to %v\n%v\nwant\n%v", level, types, got, want)
		}
		seen[int(level)] = [3]int{len(nodes), len(rels), len(typed)}
	}
	// The comparison means something only if there was something to read,
	// and less of it at lower clearances.
	if seen[0][1] == 0 || seen[0][2] == 0 || seen[0][0] >= seen[4][0] || seen[0][1] >= seen[4][1] {
		t.Errorf("nodes, relations and typed relations read by clearance: %v", seen)
	}
}

func stixIDs(ids []string) []stix.ID {
	out := make([]stix.ID, len(ids))
	for i, id := range ids {
		out[i] = stix.ID(id)
	}
	return out
}
