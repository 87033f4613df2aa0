package stix

import (
	"time"
)

// Object is one STIX object: its JSON exactly as it will be stored, and the
// common properties that Tipster indexes, read from that JSON.
type Object struct {
	Raw []byte // the object's JSON; never re-encoded, so custom properties survive

	ID          ID
	Type        string
	SpecVersion string // "2.1", or "" when absent (SCOs may omit it)
	Created     time.Time
	Modified    time.Time // zero when absent (SCOs, marking definitions)
	Revoked     bool
	Name        string
	Aliases     []string // aliases, x_mitre_aliases and x_opencti_aliases together
	Description string
	Labels      []string
	Confidence  int // 0-100, or -1 when absent
	CreatedBy   ID
	Markings    []ID // object_marking_refs plus the marking_ref of each granular marking
	ExternalIDs []string
	Published   time.Time // reports only

	// Relationship and sighting endpoints.
	RelationshipType string
	Source, Target   ID // relationship: source_ref, target_ref; sighting: sighting_of_ref as Target

	// Refs lists every reference the object makes (any *_ref or *_refs
	// property at any depth), including the ones above.
	Refs []Ref

	// MarkingTLP is the level named inside a marking definition
	// (definition.tlp, the TLP 2.0 extension, or x_opencti_definition).
	MarkingTLP string

	rawTimes  map[string]string // created, modified, published, as written
	badRefs   []badRef
	notString []string // top-level properties that must be strings but are not
	keys      []string // top-level property names, in order
}

// Has reports whether the object has the top-level property prop.
func (o *Object) Has(prop string) bool {
	for _, k := range o.keys {
		if k == prop {
			return true
		}
	}
	return false
}

// Ref is one reference from an object to another, with the property it
// came from ("object_refs", "created_by_ref", "extensions.x.contains_refs").
type Ref struct {
	Prop   string
	Target ID
}

type badRef struct{ prop, value string }

// IsContainer reports whether objects of type typ hold other objects in
// object_refs: report, grouping, note, opinion and observed-data.
func IsContainer(typ string) bool {
	switch typ {
	case "report", "grouping", "note", "opinion", "observed-data":
		return true
	}
	return false
}

// Contents returns the ids in the object's object_refs.
func (o *Object) Contents() []ID {
	var ids []ID
	for _, r := range o.Refs {
		if r.Prop == "object_refs" {
			ids = append(ids, r.Target)
		}
	}
	return ids
}

// Version is the timestamp that orders versions of the object: modified when
// present, created otherwise, zero for objects that carry neither (SCOs).
func (o *Object) Version() time.Time {
	if !o.Modified.IsZero() {
		return o.Modified
	}
	return o.Created
}

// scoTypes are the cyber-observable types of STIX 2.1 section 6.
var scoTypes = map[string]bool{
	"artifact": true, "autonomous-system": true, "directory": true, "domain-name": true,
	"email-addr": true, "email-message": true, "file": true, "ipv4-addr": true,
	"ipv6-addr": true, "mac-addr": true, "mutex": true, "network-traffic": true,
	"process": true, "software": true, "url": true, "user-account": true,
	"windows-registry-key": true, "x509-certificate": true,
}

// IsObservable reports whether typ is a STIX 2.1 cyber-observable type.
func IsObservable(typ string) bool { return scoTypes[typ] }
