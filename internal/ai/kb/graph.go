package kb

import (
	"context"
	"fmt"
	"sort"

	"github.com/tipster-cti/tipster/internal/ai/kb/index"
	"github.com/tipster-cti/tipster/internal/stix"
)

// Graph bounds: how many named entities a question expands from, and how
// many of their neighbours a second hop expands from.
const (
	maxSeeds     = 6
	maxSecondHop = 8
)

// seed is an entity a question names (or a previous turn cited), with the
// weight of what it contributes.
type seed struct {
	id     stix.ID
	weight float64
}

// graphNode is an object reached from the seeds.
type graphNode struct {
	node  index.Node
	score float64
	links []Link // relationships that led to it
}

// Link is a relationship that connects a retrieved object to another.
type Link struct {
	ID     stix.ID `json:"id"`
	Type   string  `json:"type"` // relationship_type, or "contains" for a report's object_refs
	Source stix.ID `json:"source"`
	Target stix.ID `json:"target"`
}

func linkOf(e index.Edge) *Link {
	return &Link{ID: stix.ID(e.ID), Type: e.Type, Source: stix.ID(e.Source), Target: stix.ID(e.Target)}
}

// walk ranks the objects around the seeds: the seeds themselves, their
// neighbours (relationships and the reports that contain them) and, when
// the question asks for types, the neighbours of those types two hops
// away. It reads the index's narrow views of the objects (ids, types,
// ends), each hop in one query, at clearance, so nothing above it is
// reached.
func walk(
	ctx context.Context,
	ix *index.Index,
	clearance int,
	seeds []seed,
	want map[string]float64,
) ([]*graphNode, error) {
	g := map[string]*graphNode{}
	add := func(n index.Node, score float64, l *Link) *graphNode {
		gn := g[n.ID]
		if gn == nil {
			gn = &graphNode{node: n}
			g[n.ID] = gn
		}
		gn.score += score
		if l != nil && len(gn.links) < 8 {
			gn.links = append(gn.links, *l)
		}
		return gn
	}
	ids := make([]string, len(seeds))
	for i, s := range seeds {
		ids[i] = string(s.id)
	}
	found, err := ix.Nodes(ctx, clearance, ids)
	if err != nil {
		return nil, fmt.Errorf("kb: graph seeds: %w", err)
	}
	visible := map[string]index.Node{}
	var from []string
	for _, n := range found {
		visible[n.ID] = n
		from = append(from, n.ID)
	}
	rels, err := relationsByEnd(ctx, ix, clearance, from, nil)
	if err != nil {
		return nil, err
	}
	cs, err := ix.Containers(ctx, clearance, from)
	if err != nil {
		return nil, fmt.Errorf("kb: graph containers: %w", err)
	}
	containers := byAt(cs)
	var hop1 []*graphNode
	for _, s := range seeds {
		n, ok := visible[string(s.id)]
		if !ok {
			continue // not visible, or gone: it simply adds nothing
		}
		add(n, 10*s.weight, nil)
		for _, e := range rels[n.ID] {
			other := e.Other
			if other.ID == "" || other.ID == n.ID || other.Revoked {
				continue
			}
			hop1 = append(hop1, add(other, s.weight*typeWeight(other.Type, want, 1), linkOf(e)))
		}
		for _, e := range containers[n.ID] {
			hop1 = append(hop1, add(e.Other, s.weight*typeWeight(e.Other.Type, want, 0.5), linkOf(e)))
		}
	}
	if len(want) > 0 {
		if err := secondHop(ctx, ix, clearance, g, hop1, want, add); err != nil {
			return nil, err
		}
	}
	out := make([]*graphNode, 0, len(g))
	for _, n := range g {
		out = append(out, n)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].score != out[j].score {
			return out[i].score > out[j].score
		}
		return out[i].node.ID < out[j].node.ID
	})
	return out, nil
}

type adder func(n index.Node, score float64, l *Link) *graphNode

// relationsByEnd reads the relationships of ids (to objects of types,
// when given), grouped by the id they were found from.
func relationsByEnd(
	ctx context.Context,
	ix *index.Index,
	clearance int,
	ids, types []string,
) (map[string][]index.Edge, error) {
	rels, err := ix.Relations(ctx, clearance, ids, types)
	if err != nil {
		return nil, fmt.Errorf("kb: graph relationships: %w", err)
	}
	return byAt(rels), nil
}

func byAt(es []index.Edge) map[string][]index.Edge {
	m := map[string][]index.Edge{}
	for _, e := range es {
		m[e.At] = append(m[e.At], e)
	}
	return m
}

// secondHop adds, from the best first-hop neighbours, their neighbours of
// the wanted types, one point per path.
func secondHop(ctx context.Context, ix *index.Index, clearance int, g map[string]*graphNode,
	hop1 []*graphNode, want map[string]float64, add adder) error {
	seen := map[string]bool{}
	var from []*graphNode
	for _, n := range hop1 {
		if !seen[n.node.ID] && n.node.Type != "report" {
			seen[n.node.ID] = true
			from = append(from, n)
		}
	}
	sort.SliceStable(from, func(i, j int) bool { return from[i].score > from[j].score })
	if len(from) > maxSecondHop {
		from = from[:maxSecondHop]
	}
	ids := make([]string, len(from))
	for i, n := range from {
		ids[i] = n.node.ID
	}
	types := make([]string, 0, len(want))
	for t := range want {
		types = append(types, t)
	}
	sort.Strings(types)
	rels, err := relationsByEnd(ctx, ix, clearance, ids, types)
	if err != nil {
		return err
	}
	for _, n := range from {
		for _, e := range rels[n.node.ID] {
			other := e.Other
			if other.ID == "" || want[other.Type] == 0 || other.Revoked ||
				g[other.ID] != nil && g[other.ID].score >= 10 {
				continue
			}
			add(other, want[other.Type], linkOf(e))
		}
	}
	return nil
}

// typeWeight is the weight of reaching an object of typ: its intent
// weight when the question asks for it, else miss.
func typeWeight(typ string, want map[string]float64, miss float64) float64 {
	if w := want[typ]; w > 0 {
		return w
	}
	return miss
}
