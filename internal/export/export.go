// Package export writes STIX 2.1 bundles of an object and everything it
// needs to be read on its own.
//
// The closure rule, applied with the viewer's clearance at every step:
//  1. the object itself;
//  2. for a container (report, grouping, note, opinion, observed-data), the
//     objects in its object_refs, and recursively those of any container
//     among them; for a relationship or sighting, its ends;
//  3. for any other object, the relationships and sightings in which it is
//     an end, and the object at their other end;
//  4. for every object included so far, its author (created_by_ref) and the
//     marking definitions it references;
//  5. every relationship among the included objects.
//
// References to objects the store does not hold, or that the viewer may not
// see, are left as they are in the JSON; the bundle does not include them.
package export

import (
	"context"
	"crypto/sha1"
	"encoding/json"
	"fmt"
	"io"

	"github.com/tipster-cti/tipster/internal/stix"
	"github.com/tipster-cti/tipster/internal/store"
)

// Closure returns the objects of root's bundle, root first.
func Closure(ctx context.Context, s store.Store, v store.Viewer, root stix.ID) ([]*store.Stored, error) {
	c := &closure{ctx: ctx, s: s, v: v, seen: map[stix.ID]bool{}}
	first, err := s.Get(ctx, v, root)
	if err != nil {
		return nil, err
	}
	c.add(first)
	if err := c.expand(first); err != nil {
		return nil, err
	}
	if err := c.authorsAndMarkings(); err != nil {
		return nil, err
	}
	if err := c.relationshipsAmong(); err != nil {
		return nil, err
	}
	return c.out, nil
}

type closure struct {
	ctx  context.Context
	s    store.Store
	v    store.Viewer
	seen map[stix.ID]bool
	out  []*store.Stored
}

func (c *closure) add(o *store.Stored) bool {
	if c.seen[o.ID] {
		return false
	}
	c.seen[o.ID] = true
	c.out = append(c.out, o)
	return true
}

func (c *closure) expand(o *store.Stored) error {
	switch {
	case stix.IsContainer(o.Type):
		return c.contents(o)
	case o.Type == "relationship" || o.Type == "sighting":
		return c.fetch(endsOf(o.Object))
	}
	rels, err := c.s.Relationships(c.ctx, c.v, o.ID)
	if err != nil {
		return err
	}
	for _, r := range rels {
		c.add(r.Stored)
		for _, end := range []*store.Stored{r.Source, r.Target} {
			if end != nil {
				c.add(end)
			}
		}
	}
	return nil
}

func (c *closure) contents(o *store.Stored) error {
	items, err := c.s.Contents(c.ctx, c.v, o.ID)
	if err != nil {
		return err
	}
	for _, it := range items {
		if c.add(it) && stix.IsContainer(it.Type) {
			if err := c.contents(it); err != nil {
				return err
			}
		}
	}
	return nil
}

func endsOf(o *stix.Object) []stix.ID {
	var ids []stix.ID
	for _, r := range o.Refs {
		switch r.Prop {
		case "source_ref", "target_ref", "sighting_of_ref", "where_sighted_refs", "observed_data_refs":
			ids = append(ids, r.Target)
		}
	}
	return ids
}

func (c *closure) fetch(ids []stix.ID) error {
	var want []stix.ID
	for _, id := range ids {
		if !c.seen[id] {
			want = append(want, id)
		}
	}
	if len(want) == 0 {
		return nil
	}
	objs, err := c.s.GetMany(c.ctx, c.v, want)
	if err != nil {
		return err
	}
	for _, o := range objs {
		c.add(o)
	}
	return nil
}

func (c *closure) authorsAndMarkings() error {
	var ids []stix.ID
	for _, o := range c.out {
		if o.CreatedBy != "" {
			ids = append(ids, o.CreatedBy)
		}
		ids = append(ids, o.Markings...)
	}
	if err := c.fetch(ids); err != nil {
		return err
	}
	// Authors and markings may themselves be marked or authored.
	ids = ids[:0]
	for _, o := range c.out {
		ids = append(ids, o.Markings...)
		if o.CreatedBy != "" {
			ids = append(ids, o.CreatedBy)
		}
	}
	return c.fetch(ids)
}

func (c *closure) relationshipsAmong() error {
	members := make([]*store.Stored, len(c.out))
	copy(members, c.out)
	for _, o := range members {
		if o.Type == "relationship" || o.Type == "sighting" || o.Type == "marking-definition" {
			continue
		}
		rels, err := c.s.Relationships(c.ctx, c.v, o.ID)
		if err != nil {
			return err
		}
		for _, r := range rels {
			if r.Source != nil && r.Target != nil && c.seen[r.Source.ID] && c.seen[r.Target.ID] {
				c.add(r.Stored)
			}
		}
	}
	return nil
}

// WriteBundle writes objs as a STIX 2.1 bundle. Its id is derived from the
// ids and versions of its objects, so the same content gives the same id.
func WriteBundle(w io.Writer, objs []*store.Stored) error {
	h := sha1.New()
	for _, o := range objs {
		fmt.Fprintf(h, "%s|%s\n", o.ID, o.Version())
	}
	sum := h.Sum(nil)
	sum[6] = sum[6]&0x0f | 0x50 // a name-based (version 5 style) UUID
	sum[8] = sum[8]&0x3f | 0x80
	id := fmt.Sprintf("bundle--%x-%x-%x-%x-%x", sum[0:4], sum[4:6], sum[6:8], sum[8:10], sum[10:16])
	if _, err := fmt.Fprintf(w, `{"type":"bundle","id":%q,"objects":[`, id); err != nil {
		return err
	}
	for i, o := range objs {
		if i > 0 {
			if _, err := io.WriteString(w, ",\n"); err != nil {
				return err
			}
		}
		if !json.Valid(o.Raw) {
			return fmt.Errorf("export: stored object %s is not valid JSON", o.ID)
		}
		if _, err := w.Write(o.Raw); err != nil {
			return err
		}
	}
	_, err := io.WriteString(w, "]}\n")
	return err
}
