package ai

import (
	"context"
	"fmt"
	"time"

	"github.com/tipster-cti/tipster/internal/stix"
	"github.com/tipster-cti/tipster/internal/store"
)

// Review marks the latest AI text applied to an object as reviewed by the
// viewer, in the provenance and as a new version of the object.
func (s *Service) Review(ctx context.Context, v store.Viewer, id stix.ID) (Provenance, error) {
	o, p, err := s.active(ctx, v, id)
	if err != nil || p.ReviewedAt != nil {
		return p, err
	}
	now := s.now().UTC()
	mark := assistedOf(p)
	mark.Reviewed, mark.ReviewedBy, mark.ReviewedAt = true, v.Name, now.Format(time.RFC3339)
	next, err := newVersion(o.Object, now, map[string]any{AssistedProperty: mark}, false)
	if err != nil {
		return p, err
	}
	if err := s.put(ctx, next); err != nil {
		return p, err
	}
	if err := s.audit.repo.MarkReviewed(ctx, p.ID, v.Name, now); err != nil {
		return p, err
	}
	p.ReviewedBy, p.ReviewedAt = v.Name, &now
	return p, nil
}

// Restore puts back the text the latest AI application replaced, as a new
// version of the object. The object stays marked AI-assisted only if an
// earlier application remains in force. It fails with ErrChanged when the
// field was edited after the AI text was applied.
func (s *Service) Restore(ctx context.Context, v store.Viewer, id stix.ID) (Provenance, error) {
	o, p, err := s.active(ctx, v, id)
	if err != nil {
		return p, err
	}
	current, doc, err := s.fieldText(ctx, v, o, p.Field)
	if err != nil {
		return p, err
	}
	if current != p.NewText {
		return p, ErrChanged
	}
	earlier, err := s.earlierActive(ctx, p)
	if err != nil {
		return p, err
	}
	if err := s.writeField(ctx, o, doc, p.Field, p.PreviousText, earlier); err != nil {
		return p, err
	}
	now := s.now().UTC()
	if err := s.audit.repo.MarkRestored(ctx, p.ID, v.Name, now); err != nil {
		return p, err
	}
	p.RestoredBy, p.RestoredAt = v.Name, &now
	s.log.Info("AI text restored", "user", v.Name, "object", id, "field", p.Field)
	return p, nil
}

// ProvenanceOf lists the AI applications on an object the viewer may see.
func (s *Service) ProvenanceOf(ctx context.Context, v store.Viewer, id stix.ID) ([]Provenance, error) {
	if _, err := s.store.Get(ctx, v, id); err != nil {
		return nil, fmt.Errorf("ai: %s: %w", id, err)
	}
	ps, err := s.audit.Provenance(ctx, id)
	if ps == nil {
		ps = []Provenance{}
	}
	return ps, err
}

// active reads the object and its latest application in force.
func (s *Service) active(ctx context.Context, v store.Viewer, id stix.ID) (*store.Stored, Provenance, error) {
	if !v.CanWrite() {
		return nil, Provenance{}, ErrForbidden
	}
	o, err := s.store.Get(ctx, v, id)
	if err != nil {
		return nil, Provenance{}, fmt.Errorf("ai: %s: %w", id, err)
	}
	p, err := s.audit.repo.LatestProvenance(ctx, id)
	return o, p, err
}

// earlierActive returns the mark of the application before p still in
// force, nil if none.
func (s *Service) earlierActive(ctx context.Context, p Provenance) (*Assisted, error) {
	all, err := s.audit.Provenance(ctx, p.ObjectID)
	if err != nil {
		return nil, err
	}
	for _, q := range all {
		if q.ID < p.ID && q.RestoredAt == nil {
			m := assistedOf(q)
			return &m, nil
		}
	}
	return nil, nil
}

func assistedOf(p Provenance) Assisted {
	a := Assisted{Model: p.Model, Time: p.AppliedAt.Format(time.RFC3339), Field: p.Field, AuditID: p.AuditID}
	if p.ReviewedAt != nil {
		a.Reviewed, a.ReviewedBy, a.ReviewedAt = true, p.ReviewedBy, p.ReviewedAt.Format(time.RFC3339)
	}
	return a
}
