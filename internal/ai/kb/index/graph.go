package index

import "context"

// Node is an object as the graph walk of questions reads it: the few
// columns it needs, without reading or parsing the object's JSON.
type Node struct {
	ID      string
	Type    string
	Revoked bool
	// Source and Target are a relationship's ends, and a sighting's
	// sighting_of_ref as Target; "" for other objects.
	Source, Target string
}

// Edge links an object (At) to another: a relationship or sighting with
// At at one end, or a container holding At.
type Edge struct {
	At   string // the object it was found from
	ID   string // the relationship's, sighting's or container's id
	Type string // relationship_type, "sighting", or "contains" for a container
	// Source and Target are the relationship's ends ("" for a sighting's
	// source), or the container and At.
	Source, Target string
	// Other is the end that is not At (its Target, or its Source when
	// At is the Target; ID "" when there is none), or the container.
	Other Node
}

// SetEnds sets the ids of src and tgt from the edge's Source and Target and
// makes Other the one that is not At: how a store hands back the ends of a
// relationship it read.
func (e *Edge) SetEnds(src, tgt Node) {
	src.ID, tgt.ID = e.Source, e.Target
	e.Other = tgt
	if e.Target == e.At {
		e.Other = src
	}
}

// Nodes returns the objects among ids at or below clearance, in no
// particular order.
func (ix *Index) Nodes(ctx context.Context, clearance int, ids []string) ([]Node, error) {
	return chunked(ids, func(ids []string) ([]Node, error) { return ix.s.Nodes(ctx, clearance, ids) })
}

// Relations returns the relationships and sightings at or below clearance
// with one of ids at an end, every end they have at or below clearance
// too: what the stores' Relationships returns, without the JSON. With
// types, only those whose other end is of one of them (by its id, whose
// prefix is its type) are read.
func (ix *Index) Relations(ctx context.Context, clearance int, ids, types []string) ([]Edge, error) {
	return chunked(ids, func(ids []string) ([]Edge, error) { return ix.s.Relations(ctx, clearance, ids, types) })
}

// Containers returns the containers at or below clearance that hold one
// of ids: what the stores' Containers returns, without the JSON.
func (ix *Index) Containers(ctx context.Context, clearance int, ids []string) ([]Edge, error) {
	return chunked(ids, func(ids []string) ([]Edge, error) { return ix.s.Containers(ctx, clearance, ids) })
}

// chunked calls read on ids 500 at a time, as the stores bound the
// parameters of one statement.
func chunked[T any](ids []string, read func([]string) ([]T, error)) ([]T, error) {
	var out []T
	for start := 0; start < len(ids); start += 500 {
		got, err := read(ids[start:min(start+500, len(ids))])
		if err != nil {
			return nil, err
		}
		out = append(out, got...)
	}
	return out, nil
}
