package store

import (
	"context"

	"github.com/tipster-cti/tipster/internal/stix"
)

// WithEnds pairs relationships and sightings with their two ends, read in
// one GetMany with the viewer's clearance, and drops those with an end the
// viewer cannot see or the store does not hold. Both backends use it so
// that the rule is written once.
func WithEnds(
	ctx context.Context,
	getMany func(ctx context.Context, v Viewer, ids []stix.ID) ([]*Stored, error),
	v Viewer,
	rels []*Stored,
) ([]Relationship, error) {
	if len(rels) == 0 {
		return nil, nil
	}
	endIDs := make([]stix.ID, 0, 2*len(rels))
	for _, rel := range rels {
		endIDs = append(endIDs, rel.Source, rel.Target)
	}
	ends, err := getMany(ctx, v, endIDs)
	if err != nil {
		return nil, err
	}
	byID := make(map[stix.ID]*Stored, len(ends))
	for _, e := range ends {
		byID[e.ID] = e
	}
	var out []Relationship
	for _, rel := range rels {
		r := Relationship{Stored: rel, Source: byID[rel.Source], Target: byID[rel.Target]}
		if (rel.Source != "" && r.Source == nil) || (rel.Target != "" && r.Target == nil) {
			continue // an end is missing or hidden from this viewer
		}
		out = append(out, r)
	}
	return out, nil
}
