package kb

import (
	"context"
	"fmt"
	"sort"

	"github.com/tipster-cti/tipster/internal/ai/kb/index"
	"github.com/tipster-cti/tipster/internal/stix"
	"github.com/tipster-cti/tipster/internal/store"
)

// Fusion constants: rrfK flattens reciprocal-rank fusion (a small value
// favours the top of each list), wantBoost favours objects of the type a
// question asks for first, maxPassages bounds the passages kept per hit.
const (
	rrfK        = 10.0
	wantBoost   = 2.0
	maxPassages = 2
)

// notAnswers are types that support answers without being one: a
// relationship's passage counts for its two ends.
var notAnswers = map[string]bool{"relationship": true, "marking-definition": true}

// fusion merges the three rankings of one question.
type fusion struct {
	st    store.Store
	ix    *index.Index
	v     store.Viewer
	want  map[string]float64
	named []stix.ID

	objs     map[stix.ID]*store.Stored
	score    map[stix.ID]float64
	via      map[stix.ID][]string
	passages map[stix.ID][]index.Passage
	links    map[stix.ID][]Link
}

// fuse ranks objects by reciprocal-rank fusion of the text, vector and
// graph lists and returns the best limit with their evidence.
func (f *fusion) fuse(
	ctx context.Context,
	text, vec []index.Passage,
	nodes []*graphNode,
	limit int,
) ([]Hit, error) {
	f.objs, f.score, f.via = map[stix.ID]*store.Stored{}, map[stix.ID]float64{}, map[stix.ID][]string{}
	f.passages, f.links = map[stix.ID][]index.Passage{}, map[stix.ID][]Link{}
	for _, n := range nodes {
		f.objs[n.obj.ID] = n.obj
	}
	if err := f.load(ctx, append(append([]index.Passage{}, text...), vec...)); err != nil {
		return nil, err
	}
	f.addPassages("text", text)
	f.addPassages("vector", vec)
	for rank, n := range nodes {
		f.credit(n.obj.ID, "graph", rank)
		f.links[n.obj.ID] = append(f.links[n.obj.ID], n.links...)
	}
	ids := make([]stix.ID, 0, len(f.score))
	for id := range f.score {
		if o := f.objs[id]; o != nil && !notAnswers[o.Type] && !o.Revoked {
			if f.want[o.Type] == primaryWeight {
				f.score[id] *= wantBoost
			}
			ids = append(ids, id)
		}
	}
	sort.Slice(ids, func(i, j int) bool {
		if f.score[ids[i]] != f.score[ids[j]] {
			return f.score[ids[i]] > f.score[ids[j]]
		}
		return ids[i] < ids[j]
	})
	if len(ids) > limit {
		ids = ids[:limit]
	}
	return f.hits(ctx, ids)
}

// load reads, as the viewer, the objects of the passages and the two ends
// of the relationships among them.
func (f *fusion) load(ctx context.Context, ps []index.Passage) error {
	var ids []stix.ID
	for _, p := range ps {
		if f.objs[stix.ID(p.ObjectID)] == nil {
			ids = append(ids, stix.ID(p.ObjectID))
		}
	}
	got, err := f.st.GetMany(ctx, f.v, ids)
	if err != nil {
		return fmt.Errorf("kb: read retrieved objects: %w", err)
	}
	var ends []stix.ID
	for _, o := range got {
		f.objs[o.ID] = o
		if o.Type == "relationship" || o.Type == "sighting" {
			ends = append(ends, o.Source, o.Target)
		}
	}
	got, err = f.st.GetMany(ctx, f.v, ends)
	if err != nil {
		return fmt.Errorf("kb: read relationship ends: %w", err)
	}
	for _, o := range got {
		f.objs[o.ID] = o
	}
	return nil
}

// addPassages credits the objects of a ranked passage list, a
// relationship's passage going to its ends that the question did not name.
func (f *fusion) addPassages(list string, ps []index.Passage) {
	rank := 0
	seen := map[stix.ID]bool{}
	for _, p := range ps {
		o := f.objs[stix.ID(p.ObjectID)]
		if o == nil {
			continue // not visible to the viewer after all
		}
		targets := []stix.ID{o.ID}
		if o.Type == "relationship" {
			targets = f.ends(o)
		}
		for _, id := range targets {
			if len(f.passages[id]) < maxPassages && !hasPassage(f.passages[id], p.ID) {
				f.passages[id] = append(f.passages[id], p)
			}
			if !seen[id] {
				seen[id] = true
				f.credit(id, list, rank)
				rank++
			}
		}
	}
}

// ends are the visible ends of a relationship that the question did not
// name (both when it named neither).
func (f *fusion) ends(o *store.Stored) []stix.ID {
	var out []stix.ID
	for _, id := range []stix.ID{o.Source, o.Target} {
		if f.objs[id] != nil && !contains(f.named, id) {
			out = append(out, id)
		}
	}
	if len(out) == 0 {
		for _, id := range []stix.ID{o.Source, o.Target} {
			if f.objs[id] != nil {
				out = append(out, id)
			}
		}
	}
	return out
}

func (f *fusion) credit(id stix.ID, list string, rank int) {
	f.score[id] += 1 / (rrfK + float64(rank) + 1)
	if !containsString(f.via[id], list) {
		f.via[id] = append(f.via[id], list)
	}
}

// hits assembles the kept objects with their passages; an object found
// only through the graph gets its first passage and the passage of the
// relationship that led to it.
func (f *fusion) hits(ctx context.Context, ids []stix.ID) ([]Hit, error) {
	var need []string
	for _, id := range ids {
		if len(f.passages[id]) == 0 {
			need = append(need, string(id))
		}
		if ls := f.links[id]; len(ls) > 0 && ls[0].Type != "contains" && len(f.passages[id]) < maxPassages {
			need = append(need, string(ls[0].ID))
		}
	}
	heads, err := f.ix.Heads(ctx, need)
	if err != nil {
		return nil, err
	}
	byObject := map[stix.ID]index.Passage{}
	for _, p := range heads {
		byObject[stix.ID(p.ObjectID)] = p
	}
	out := make([]Hit, 0, len(ids))
	for _, id := range ids {
		h := Hit{
			Object:   f.objs[id],
			Score:    f.score[id],
			Via:      f.via[id],
			Passages: f.passages[id],
			Links:    f.links[id],
		}
		if p, ok := byObject[id]; ok && len(h.Passages) == 0 {
			h.Passages = append(h.Passages, p)
		}
		if len(h.Links) > 0 {
			if p, ok := byObject[h.Links[0].ID]; ok && len(h.Passages) < maxPassages &&
				!hasPassage(h.Passages, p.ID) {
				h.Passages = append(h.Passages, p)
			}
		}
		out = append(out, h)
	}
	return out, nil
}

func hasPassage(ps []index.Passage, id int64) bool {
	for _, p := range ps {
		if p.ID == id {
			return true
		}
	}
	return false
}

func contains(ids []stix.ID, id stix.ID) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

func containsString(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}
