package ai

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/tipster-cti/tipster/internal/stix"
	"github.com/tipster-cti/tipster/internal/store"
)

// AssistedProperty is the custom property that marks an object whose text
// was written with Ask AI.
const AssistedProperty = "x_tipster_ai_assisted"

// Fields AI text can be applied to.
const (
	FieldDescription = "description" // the object's STIX description
	FieldText        = "text"        // the text of the document behind a report
)

// Modes of applying AI text.
const (
	ModeReplace = "replace" // the AI text replaces the field
	ModeInsert  = "insert"  // the AI text is added after the field's text, as a new paragraph
)

// ApplyRequest writes an AI answer into an object.
type ApplyRequest struct {
	Field   string // FieldDescription (default) or FieldText
	Text    string
	AuditID int64  // the audited call the text came from
	Mode    string // ModeReplace (default) or ModeInsert
}

// Assisted is the value of the x_tipster_ai_assisted property.
type Assisted struct {
	Model      string `json:"model"`
	Time       string `json:"time"`
	Reviewed   bool   `json:"reviewed"`
	Field      string `json:"field"`
	AuditID    int64  `json:"audit_id"`
	ReviewedBy string `json:"reviewed_by,omitempty"`
	ReviewedAt string `json:"reviewed_at,omitempty"`
}

// Apply writes AI text into an object's field as a new version of the
// object, marked AI-assisted and unreviewed, and records the provenance
// with the text it replaced. The model comes from the audit entry, which
// must be a successful call the viewer may read: their own (or any, for
// an admin), within their clearance, about objects they still see. The
// answer's level (the entry's TLP) may not be above the object's own
// marking, or readers of the object would read more restricted text.
func (s *Service) Apply(
	ctx context.Context,
	v store.Viewer,
	id stix.ID,
	req ApplyRequest,
) (Provenance, error) {
	o, req, err := s.checkApply(ctx, v, id, req)
	if err != nil {
		return Provenance{}, err
	}
	entry, err := s.usableEntry(ctx, v, req.AuditID)
	if err != nil {
		return Provenance{}, err
	}
	if entry.TLP > o.TLP {
		return Provenance{}, &TLPMismatchError{Answer: entry.TLP, Target: o.TLP, Object: o.ID}
	}
	prev, doc, err := s.fieldText(ctx, v, o, req.Field)
	if err != nil {
		return Provenance{}, err
	}
	text := Sanitize(req.Text)
	if req.Mode == ModeInsert && strings.TrimSpace(prev) != "" {
		text = strings.TrimRight(prev, "\n") + "\n\n" + text
	}
	now := s.now().UTC()
	p := Provenance{ObjectID: o.ID, Field: req.Field, Mode: req.Mode, AuditID: entry.ID, Model: entry.Model,
		PreviousText: prev, NewText: text, AppliedBy: v.Name, AppliedAt: now}
	if p.ID, err = s.audit.repo.AddProvenance(ctx, p); err != nil {
		return Provenance{}, err
	}
	mark := Assisted{Model: entry.Model, Time: now.Format(time.RFC3339), Field: req.Field, AuditID: entry.ID}
	if err := s.writeField(ctx, o, doc, req.Field, text, &mark); err != nil {
		if derr := s.audit.repo.DeleteProvenance(context.WithoutCancel(ctx), p.ID); derr != nil {
			s.log.Error("provenance left for an unapplied AI text", "object", o.ID, "err", derr)
		}
		return Provenance{}, err
	}
	s.log.Info("AI text applied", "user", v.Name, "object", o.ID, "field", req.Field, "audit_id", entry.ID)
	return p, nil
}

// usableEntry returns the audit entry an apply names when it is a
// successful call viewer v may read (see Visible), ErrNoAudit otherwise.
func (s *Service) usableEntry(ctx context.Context, v store.Viewer, id int64) (Entry, error) {
	entry, err := s.audit.Get(ctx, id)
	if errors.Is(err, ErrNoAudit) || (err == nil && entry.Outcome != OutcomeOK) {
		return Entry{}, fmt.Errorf("%w: audit id %d", ErrNoAudit, id)
	}
	if err != nil {
		return Entry{}, fmt.Errorf("ai: audit entry %d: %w", id, err)
	}
	visible, err := Visible(ctx, s.store, v, []Entry{entry})
	if err != nil {
		return Entry{}, err
	}
	if len(visible) == 0 {
		return Entry{}, fmt.Errorf("%w: audit id %d", ErrNoAudit, id)
	}
	return entry, nil
}

// checkApply validates an apply request and reads the object.
func (s *Service) checkApply(
	ctx context.Context,
	v store.Viewer,
	id stix.ID,
	req ApplyRequest,
) (*store.Stored, ApplyRequest, error) {
	if !v.CanWrite() {
		return nil, req, ErrForbidden
	}
	if req.Field == "" {
		req.Field = FieldDescription
	}
	if req.Mode == "" {
		req.Mode = ModeReplace
	}
	switch {
	case req.Field != FieldDescription && req.Field != FieldText:
		return nil, req, fmt.Errorf("%w: field must be description or text", ErrInput)
	case req.Mode != ModeReplace && req.Mode != ModeInsert:
		return nil, req, fmt.Errorf("%w: mode must be replace or insert", ErrInput)
	case strings.TrimSpace(req.Text) == "":
		return nil, req, fmt.Errorf("%w: no text to apply", ErrInput)
	}
	o, err := s.store.Get(ctx, v, id)
	if err != nil {
		return nil, req, fmt.Errorf("ai: %s: %w", id, err)
	}
	if o.Modified.IsZero() {
		return nil, req, fmt.Errorf("%w: a %s has no versions to write", ErrInput, o.Type)
	}
	return o, req, nil
}

// fieldText returns a field's current text, and the document for FieldText.
func (s *Service) fieldText(
	ctx context.Context,
	v store.Viewer,
	o *store.Stored,
	field string,
) (string, *store.Document, error) {
	if field == FieldDescription {
		return o.Description, nil, nil
	}
	doc, err := s.store.GetDocument(ctx, v, o.ID)
	if errors.Is(err, store.ErrNotFound) {
		return "", nil, fmt.Errorf("%w: %s has no document text", ErrInput, o.ID)
	}
	if err != nil {
		return "", nil, fmt.Errorf("ai: document of %s: %w", o.ID, err)
	}
	return doc.Text, doc, nil
}

// writeField stores text in the field and a new version of the object
// with mark as its x_tipster_ai_assisted (removed when mark is nil).
func (s *Service) writeField(
	ctx context.Context,
	o *store.Stored,
	doc *store.Document,
	field, text string,
	mark *Assisted,
) error {
	set := map[string]any{}
	if field == FieldDescription {
		set["description"] = text
	} else {
		d := *doc
		d.Text = text
		if err := s.store.PutDocument(ctx, d); err != nil {
			return fmt.Errorf("ai: write document text: %w", err)
		}
	}
	if mark != nil {
		set[AssistedProperty] = mark
	}
	next, err := newVersion(o.Object, s.now(), set, mark == nil)
	if err != nil {
		return err
	}
	return s.put(ctx, next)
}

// newVersion returns o with the properties of set, modified advanced past
// its current value, and without x_tipster_ai_assisted when unmark. Other
// properties, custom ones included, are kept as they were written.
func newVersion(o *stix.Object, now time.Time, set map[string]any, unmark bool) (*stix.Object, error) {
	var props map[string]json.RawMessage
	if err := json.Unmarshal(o.Raw, &props); err != nil {
		return nil, fmt.Errorf("ai: read %s: %w", o.ID, err)
	}
	mod := now.UTC().Truncate(time.Millisecond)
	if !mod.After(o.Modified) {
		mod = o.Modified.Add(time.Millisecond)
	}
	set["modified"] = mod.Format("2006-01-02T15:04:05.000Z")
	for k, v := range set {
		raw, err := json.Marshal(v)
		if err != nil {
			return nil, fmt.Errorf("ai: encode %s: %w", k, err)
		}
		props[k] = raw
	}
	if unmark {
		delete(props, AssistedProperty)
	}
	raw, err := json.Marshal(props)
	if err != nil {
		return nil, fmt.Errorf("ai: encode %s: %w", o.ID, err)
	}
	return stix.Parse(raw)
}

// put imports one object version.
func (s *Service) put(ctx context.Context, o *stix.Object) error {
	imp, err := s.store.Import(ctx)
	if err != nil {
		return fmt.Errorf("ai: write %s: %w", o.ID, err)
	}
	defer imp.Rollback()
	if _, err := imp.Put(ctx, o); err != nil {
		return fmt.Errorf("ai: write %s: %w", o.ID, err)
	}
	if _, err := imp.Commit(ctx); err != nil {
		return fmt.Errorf("ai: write %s: %w", o.ID, err)
	}
	return nil
}
