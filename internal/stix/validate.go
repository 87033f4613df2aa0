package stix

import (
	"errors"
	"fmt"
	"strings"
)

// ErrInvalid is wrapped by every validation failure.
var ErrInvalid = errors.New("invalid STIX object")

// sdoRequired names, per type, the properties STIX 2.1 requires beyond the
// common ones.
var sdoRequired = map[string][]string{
	"attack-pattern":   {"name"},
	"campaign":         {"name"},
	"course-of-action": {"name"},
	"grouping":         {"context", "object_refs"},
	"identity":         {"name"},
	"incident":         {"name"},
	"indicator":        {"pattern", "pattern_type", "valid_from"},
	"infrastructure":   {"name"},
	"intrusion-set":    {"name"},
	"malware":          {"is_family"},
	"malware-analysis": {"product"},
	"note":             {"content", "object_refs"},
	"observed-data":    {"first_observed", "last_observed", "number_observed"},
	"opinion":          {"opinion", "object_refs"},
	"report":           {"name", "published", "object_refs"},
	"threat-actor":     {"name"},
	"tool":             {"name"},
	"vulnerability":    {"name"},
	"relationship":     {"relationship_type", "source_ref", "target_ref"},
	"sighting":         {"sighting_of_ref"},
}

// Validate checks the rules every stored object must meet: a well-formed id
// matching type, the common properties its kind requires, UTC RFC 3339
// timestamps, modified not before created, and well-formed references of
// the right type.
func Validate(o *Object) error {
	if o.Type == "" {
		return invalid("missing required property \"type\"")
	}
	if !ValidTypeName(o.Type) {
		return invalid("type %q is not a valid STIX type name", o.Type)
	}
	if len(o.notString) > 0 {
		return invalid("property %q must be a string", o.notString[0])
	}
	if o.ID == "" {
		return invalid("missing required property \"id\"")
	}
	if _, err := ParseID(string(o.ID)); err != nil {
		return invalid("%v", err)
	}
	if o.ID.Type() != o.Type {
		return invalid("id %q does not match type %q", o.ID, o.Type)
	}
	if err := validateCommon(o); err != nil {
		return err
	}
	if err := validateTimes(o); err != nil {
		return err
	}
	return validateRefs(o)
}

func validateCommon(o *Object) error {
	var required []string
	switch {
	case IsObservable(o.Type):
	case o.Type == "marking-definition":
		required = []string{"spec_version", "created"}
	case strings.HasPrefix(o.Type, "x-") && !o.Has("created"):
		// A custom observable: like SCOs it needs only type and id.
	default:
		required = append([]string{"spec_version", "created", "modified"}, sdoRequired[o.Type]...)
	}
	for _, p := range required {
		if !o.Has(p) {
			return invalid("missing required property %q", p)
		}
	}
	if o.SpecVersion != "" && o.SpecVersion != "2.1" {
		return invalid("spec_version %q is not \"2.1\"", o.SpecVersion)
	}
	if o.Confidence > 100 {
		return invalid("confidence %d is above 100", o.Confidence)
	}
	if o.Has("confidence") && o.Confidence < 0 {
		return invalid("confidence %d is below 0", o.Confidence)
	}
	if required := sdoRequired[o.Type]; contains(required, "object_refs") && len(o.Contents()) == 0 &&
		len(o.badRefs) == 0 {
		return invalid("object_refs is empty; a %s must refer to at least one object", o.Type)
	}
	return nil
}

func validateTimes(o *Object) error {
	for _, name := range []string{"created", "modified", "published", "valid_from", "valid_until",
		"first_seen", "last_seen", "first_observed", "last_observed"} {
		s, ok := o.rawTimes[name]
		if !ok {
			continue
		}
		if _, err := parseTime(s); err != nil {
			return invalid("%s: %v", name, err)
		}
	}
	if !o.Modified.IsZero() && o.Modified.Before(o.Created) {
		return invalid("modified %s is before created %s",
			o.rawTimes["modified"], o.rawTimes["created"])
	}
	return nil
}

// refTypes constrains what some reference properties may point to.
var refTypes = map[string]string{
	"created_by_ref":                "identity",
	"object_marking_refs":           "marking-definition",
	"granular_markings.marking_ref": "marking-definition",
	"sighting_of_ref":               "",
}

func validateRefs(o *Object) error {
	if len(o.badRefs) > 0 {
		b := o.badRefs[0]
		return invalid("%s: %q is not a STIX identifier", b.prop, b.value)
	}
	for _, r := range o.Refs {
		want, ok := refTypes[r.Prop]
		if ok && want != "" && r.Target.Type() != want {
			return invalid("%s: %q is not a %s", r.Prop, r.Target, want)
		}
	}
	return nil
}

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
