package kb

import (
	"context"
	"fmt"
	"sort"

	"github.com/tipster-cti/tipster/internal/stix"
	"github.com/tipster-cti/tipster/internal/store"
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
	obj   *store.Stored
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

// walk ranks the objects around the seeds: the seeds themselves, their
// neighbours (relationships and the reports that contain them) and, when
// the question asks for types, the neighbours of those types two hops
// away. Every read is made as v, so nothing above its clearance is reached.
func walk(
	ctx context.Context,
	st store.Store,
	v store.Viewer,
	seeds []seed,
	want map[string]float64,
) ([]*graphNode, error) {
	g := map[stix.ID]*graphNode{}
	add := func(o *store.Stored, score float64, l *Link) *graphNode {
		n := g[o.ID]
		if n == nil {
			n = &graphNode{obj: o}
			g[o.ID] = n
		}
		n.score += score
		if l != nil && len(n.links) < 8 {
			n.links = append(n.links, *l)
		}
		return n
	}
	var hop1 []*graphNode
	for _, s := range seeds {
		o, err := st.Get(ctx, v, s.id)
		if err != nil {
			continue // not visible, or gone: it simply adds nothing
		}
		add(o, 10*s.weight, nil)
		ns, err := neighbours(ctx, st, v, o, s.weight, want, add)
		if err != nil {
			return nil, err
		}
		hop1 = append(hop1, ns...)
	}
	if len(want) > 0 {
		if err := secondHop(ctx, st, v, g, hop1, want, add); err != nil {
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
		return out[i].obj.ID < out[j].obj.ID
	})
	return out, nil
}

type adder func(o *store.Stored, score float64, l *Link) *graphNode

// neighbours adds the relationships' other ends and the containers of o.
func neighbours(ctx context.Context, st store.Store, v store.Viewer, o *store.Stored, w float64,
	want map[string]float64, add adder) ([]*graphNode, error) {
	rels, err := st.Relationships(ctx, v, o.ID)
	if err != nil {
		return nil, fmt.Errorf("kb: relationships of %s: %w", o.ID, err)
	}
	var out []*graphNode
	for _, r := range rels {
		other := r.Target
		if other.ID == o.ID {
			other = r.Source
		}
		if other == nil || other.ID == o.ID || other.Revoked {
			continue
		}
		l := &Link{ID: r.ID, Type: relType(r.Stored), Source: r.Source.ID, Target: r.Target.ID}
		out = append(out, add(other, w*typeWeight(other.Type, want, 1), l))
	}
	cs, err := st.Containers(ctx, v, o.ID)
	if err != nil {
		return nil, fmt.Errorf("kb: containers of %s: %w", o.ID, err)
	}
	for _, c := range cs {
		l := &Link{ID: c.ID, Type: "contains", Source: c.ID, Target: o.ID}
		out = append(out, add(c, w*typeWeight(c.Type, want, 0.5), l))
	}
	return out, nil
}

// secondHop adds, from the best first-hop neighbours, their neighbours of
// the wanted types, one point per path.
func secondHop(ctx context.Context, st store.Store, v store.Viewer, g map[stix.ID]*graphNode,
	hop1 []*graphNode, want map[string]float64, add adder) error {
	seen := map[stix.ID]bool{}
	var from []*graphNode
	for _, n := range hop1 {
		if !seen[n.obj.ID] && n.obj.Type != "report" {
			seen[n.obj.ID] = true
			from = append(from, n)
		}
	}
	sort.SliceStable(from, func(i, j int) bool { return from[i].score > from[j].score })
	if len(from) > maxSecondHop {
		from = from[:maxSecondHop]
	}
	for _, n := range from {
		rels, err := st.Relationships(ctx, v, n.obj.ID)
		if err != nil {
			return fmt.Errorf("kb: relationships of %s: %w", n.obj.ID, err)
		}
		for _, r := range rels {
			other := r.Target
			if other.ID == n.obj.ID {
				other = r.Source
			}
			if other == nil || want[other.Type] == 0 || other.Revoked ||
				g[other.ID] != nil && g[other.ID].score >= 10 {
				continue
			}
			add(
				other,
				want[other.Type],
				&Link{ID: r.ID, Type: relType(r.Stored), Source: r.Source.ID, Target: r.Target.ID},
			)
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

func relType(o *store.Stored) string {
	if o.RelationshipType != "" {
		return o.RelationshipType
	}
	return o.Type
}
