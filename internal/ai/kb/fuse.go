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

	nodes    map[stix.ID]index.Node // what is known of the objects found, all visible to v
	score    map[stix.ID]float64
	via      map[stix.ID][]string
	passages map[stix.ID][]index.Passage
	links    map[stix.ID][]Link
}

// spareHits are the candidates read beyond the limit, in case one became
// invisible to the viewer since the searches ran.
const spareHits = 4

// fuse ranks objects by reciprocal-rank fusion of the text, vector and
// graph lists and returns the best limit with their evidence.
func (f *fusion) fuse(
	ctx context.Context,
	text, vec []index.Passage,
	nodes []*graphNode,
	limit int,
) ([]Hit, error) {
	f.nodes, f.score, f.via = map[stix.ID]index.Node{}, map[stix.ID]float64{}, map[stix.ID][]string{}
	f.passages, f.links = map[stix.ID][]index.Passage{}, map[stix.ID][]Link{}
	for _, n := range nodes {
		f.nodes[stix.ID(n.node.ID)] = n.node
	}
	if err := f.load(ctx, append(append([]index.Passage{}, text...), vec...)); err != nil {
		return nil, err
	}
	f.addPassages("text", text)
	f.addPassages("vector", vec)
	for rank, n := range nodes {
		id := stix.ID(n.node.ID)
		f.credit(id, "graph", rank)
		f.links[id] = append(f.links[id], n.links...)
	}
	ids := make([]stix.ID, 0, len(f.score))
	for id := range f.score {
		if n, ok := f.nodes[id]; ok && !notAnswers[n.Type] && !n.Revoked {
			if f.want[n.Type] == primaryWeight {
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
	if len(ids) > limit+spareHits {
		ids = ids[:limit+spareHits]
	}
	return f.hits(ctx, ids, limit)
}

// load reads what is known of the objects of the passages and of the two
// ends of the relationships among them, at the viewer's clearance.
func (f *fusion) load(ctx context.Context, ps []index.Passage) error {
	var ids []string
	for _, p := range ps {
		if _, ok := f.nodes[stix.ID(p.ObjectID)]; !ok {
			ids = append(ids, p.ObjectID)
		}
	}
	got, err := f.ix.Nodes(ctx, int(f.v.Clearance), ids)
	if err != nil {
		return fmt.Errorf("kb: read retrieved objects: %w", err)
	}
	var ends []string
	for _, n := range got {
		f.nodes[stix.ID(n.ID)] = n
		if n.Type == "relationship" || n.Type == "sighting" {
			for _, end := range []string{n.Source, n.Target} {
				if _, ok := f.nodes[stix.ID(end)]; !ok && end != "" {
					ends = append(ends, end)
				}
			}
		}
	}
	got, err = f.ix.Nodes(ctx, int(f.v.Clearance), ends)
	if err != nil {
		return fmt.Errorf("kb: read relationship ends: %w", err)
	}
	for _, n := range got {
		f.nodes[stix.ID(n.ID)] = n
	}
	return nil
}

// addPassages credits the objects of a ranked passage list, a
// relationship's passage going to its ends that the question did not name.
func (f *fusion) addPassages(list string, ps []index.Passage) {
	rank := 0
	seen := map[stix.ID]bool{}
	for _, p := range ps {
		n, ok := f.nodes[stix.ID(p.ObjectID)]
		if !ok {
			continue // not visible to the viewer after all
		}
		targets := []stix.ID{stix.ID(n.ID)}
		if n.Type == "relationship" {
			targets = f.ends(n)
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
func (f *fusion) ends(n index.Node) []stix.ID {
	var out []stix.ID
	for _, id := range []stix.ID{stix.ID(n.Source), stix.ID(n.Target)} {
		if _, ok := f.nodes[id]; ok && !contains(f.named, id) {
			out = append(out, id)
		}
	}
	if len(out) == 0 {
		for _, id := range []stix.ID{stix.ID(n.Source), stix.ID(n.Target)} {
			if _, ok := f.nodes[id]; ok {
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

// hits reads the best objects in full as the viewer (dropping any that it
// can no longer see) and assembles the first limit with their passages; an
// object found only through the graph gets its first passage and the
// passage of the relationship that led to it.
func (f *fusion) hits(ctx context.Context, ids []stix.ID, limit int) ([]Hit, error) {
	objs, err := f.st.GetMany(ctx, f.v, ids)
	if err != nil {
		return nil, fmt.Errorf("kb: read retrieved objects: %w", err)
	}
	if len(objs) > limit {
		objs = objs[:limit]
	}
	var need []string
	for _, o := range objs {
		if len(f.passages[o.ID]) == 0 {
			need = append(need, string(o.ID))
		}
		if ls := f.links[o.ID]; len(ls) > 0 && ls[0].Type != "contains" && len(f.passages[o.ID]) < maxPassages {
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
	out := make([]Hit, 0, len(objs))
	for _, o := range objs {
		h := Hit{
			Object:   o,
			Score:    f.score[o.ID],
			Via:      f.via[o.ID],
			Passages: f.passages[o.ID],
			Links:    f.links[o.ID],
		}
		if p, ok := byObject[o.ID]; ok && len(h.Passages) == 0 {
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
