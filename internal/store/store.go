// Package store defines Tipster's knowledge base: the Store interface that
// the SQLite and PostgreSQL backends implement, the filters and pages of its
// queries, and the Viewer whose clearance every read takes.
package store

import (
	"context"
	"errors"
	"time"

	"github.com/tipster-cti/tipster/internal/stix"
)

// ErrNotFound is returned when an object does not exist or is above the
// viewer's clearance; callers cannot tell the two apart, by design.
var ErrNotFound = errors.New("not found")

// Viewer is who a read is made for. Every read takes one, so that no query
// can forget the reader's clearance.
type Viewer struct {
	Name      string   // for logs and audit, e.g. an e-mail address
	Clearance stix.TLP // the most restricted level this viewer may read
	Role      Role
}

// Role is what a user may do: RoleAdmin everything, RoleAnalyst read and
// write knowledge and use Ask AI, RoleViewer read only.
type Role string

// Roles, from most to least powerful.
const (
	RoleAdmin   Role = "admin"
	RoleAnalyst Role = "analyst"
	RoleViewer  Role = "viewer"
)

// CanWrite reports whether the viewer may change knowledge and use Ask AI.
func (v Viewer) CanWrite() bool { return v.Role == RoleAdmin || v.Role == RoleAnalyst }

// IsAdmin reports whether the viewer may manage users and settings.
func (v Viewer) IsAdmin() bool { return v.Role == RoleAdmin }

// LocalAdmin is the viewer of the command line on the machine that holds the
// data directory: it may read and do everything.
var LocalAdmin = Viewer{Name: "local admin", Clearance: stix.TLPRed, Role: RoleAdmin}

// Stored is an object as the store keeps it.
type Stored struct {
	*stix.Object
	TLP          stix.TLP // level of its own markings
	EffectiveTLP stix.TLP // for containers and relationships, the highest of itself and what it refers to
}

// Outcome is what an import did with one object.
type Outcome int

// Outcomes of Importer.Put.
const (
	Created   Outcome = iota // the object was new
	Updated                  // a newer version replaced the stored one
	Unchanged                // the stored version is the same or newer
)

// Importer writes a batch of objects in one transaction: nothing is visible
// until Commit, and Rollback leaves the store as it was.
type Importer interface {
	// Put stores o unless the stored version is the same or newer.
	Put(ctx context.Context, o *stix.Object) (Outcome, error)
	// Commit recomputes markings and effective levels of what was written,
	// counts references to objects the store does not hold, and commits.
	Commit(ctx context.Context) (CommitStats, error)
	// Rollback abandons the batch; it is safe to call after Commit.
	Rollback() error
}

// A ManyPutter is an Importer that stores several objects in one call, as
// Put would one after another, so that it can look their stored versions up
// together. Outcomes go to outs, which is as long as objs.
type ManyPutter interface {
	PutMany(ctx context.Context, objs []*stix.Object, outs []Outcome) error
}

// PutAll stores objs through imp, together where imp is a ManyPutter, and
// writes their outcomes to outs.
func PutAll(ctx context.Context, imp Importer, objs []*stix.Object, outs []Outcome) error {
	if m, ok := imp.(ManyPutter); ok {
		return m.PutMany(ctx, objs, outs)
	}
	for i, o := range objs {
		var err error
		if outs[i], err = imp.Put(ctx, o); err != nil {
			return err
		}
	}
	return nil
}

// CommitStats describes a committed import.
type CommitStats struct {
	DanglingRefs int // references from the imported objects to objects not in the store
}

// Query selects objects. Zero fields do not filter.
type Query struct {
	Text           string // full-text search over names, aliases, descriptions and report text
	Types          []string
	Label          string
	Marking        stix.ID // objects carrying this marking definition
	CreatedBy      stix.ID
	ExternalID     string // such as T1059.001 or CVE-2021-44228
	CreatedAfter   time.Time
	CreatedBefore  time.Time
	ModifiedAfter  time.Time
	ModifiedBefore time.Time
	IncludeRevoked bool
	Limit          int    // default 50, at most 1000
	Cursor         string // from a previous Page.Next

	// TLP, when set, keeps objects whose own TLP level is exactly *TLP,
	// whichever definition gives it (TLP 1.0, TLP 2.0 or a custom TLP
	// marking); unmarked objects are TLP:CLEAR. A container's effective
	// level, which counts its contents, may be higher than its own.
	TLP *stix.TLP
}

// Page is one page of a query's results.
type Page struct {
	Objects []*Stored
	Next    string // cursor of the following page, "" on the last
}

// Relationship is a relationship object with its two ends, each visible to
// the viewer.
type Relationship struct {
	*Stored
	Source, Target *Stored
}

// Related is a report that shares objects with another object.
type Related struct {
	*Stored
	Shared int // objects the two have in common
}

// Document is the original file and readable text of a report imported from
// a document.
type Document struct {
	ReportID  stix.ID
	FileName  string
	MediaType string
	SHA256    string
	Text      string
	Original  []byte
	Created   time.Time
}

// Store is the knowledge base.
type Store interface {
	// Import starts a batch of writes.
	Import(ctx context.Context) (Importer, error)

	// Get returns one object, or ErrNotFound.
	Get(ctx context.Context, v Viewer, id stix.ID) (*Stored, error)
	// GetMany returns the visible objects among ids, in the order of ids.
	GetMany(ctx context.Context, v Viewer, ids []stix.ID) ([]*Stored, error)
	// Search runs a query.
	Search(ctx context.Context, v Viewer, q Query) (Page, error)
	// Count returns the number of visible objects of each type.
	Count(ctx context.Context, v Viewer) (map[string]int, error)
	// Relationships returns the relationships and sightings in which id is
	// an end, with both ends visible.
	Relationships(ctx context.Context, v Viewer, id stix.ID) ([]Relationship, error)
	// Containers returns the containers whose object_refs hold id.
	Containers(ctx context.Context, v Viewer, id stix.ID) ([]*Stored, error)
	// Contents returns the visible objects a container holds.
	Contents(ctx context.Context, v Viewer, id stix.ID) ([]*Stored, error)
	// RelatedReports ranks reports (other than id) by how many objects they
	// share with id's contents, or with id itself when it is not a container.
	RelatedReports(ctx context.Context, v Viewer, id stix.ID, limit int) ([]Related, error)
	// MarkingLevels returns the TLP level of every known TLP marking definition.
	MarkingLevels(ctx context.Context) (map[stix.ID]stix.TLP, error)

	// PutDocument keeps a report's original file and text.
	PutDocument(ctx context.Context, d Document) error
	// GetDocument returns the document behind a visible report.
	GetDocument(ctx context.Context, v Viewer, reportID stix.ID) (*Document, error)

	// Close releases the store.
	Close() error
}
