package stix

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/go-json-experiment/json/jsontext"
)

// Parse reads the common properties of one STIX object from its JSON. It
// keeps raw as the object's stored form. Parse fails only when raw is not a
// JSON object; whether the object is valid STIX is Validate's business.
func Parse(raw []byte) (*Object, error) {
	o := &Object{Raw: raw, Confidence: -1, keys: make([]string, 0, 16)}
	p := parsers.Get().(*parser)
	p.o = o
	// A bytes.Buffer lets the decoder read raw in place, without copying it
	// into a buffer of its own.
	p.dec.Reset(bytes.NewBuffer(raw))
	err := p.object()
	p.o = nil
	p.dec.Reset(noInput{}) // drop the decoder's hold on raw
	parsers.Put(p)
	if err != nil {
		return nil, fmt.Errorf("parse object: %w", err)
	}
	o.Created, _ = parseTime(o.rawTimes["created"])
	o.Modified, _ = parseTime(o.rawTimes["modified"])
	o.Published, _ = parseTime(o.rawTimes["published"])
	return o, nil
}

// parsers reuse their decoders: a new one for every object costs more
// than the parsing.
var parsers = sync.Pool{New: func() any { return &parser{dec: jsontext.NewDecoder(noInput{})} }}

type noInput struct{}

func (noInput) Read([]byte) (int, error) { return 0, io.EOF }

type parser struct {
	o     *Object
	dec   *jsontext.Decoder
	prop  string // the top-level property being read
	depth int    // > 0 inside external_references, whose shape is checked elsewhere
}

func (p *parser) object() error {
	tok, err := p.dec.ReadToken()
	if err != nil {
		return err
	}
	if tok.Kind() != '{' {
		return errors.New("not a JSON object")
	}
	for k := p.dec.PeekKind(); k != '}'; k = p.dec.PeekKind() {
		if k != '"' {
			// Not a name: ReadToken reports why, as it always has.
			if _, err := p.dec.ReadToken(); err != nil {
				return err
			}
			return errors.New("object member name is not a string")
		}
		name, err := p.dec.ReadValue()
		if err != nil {
			return err
		}
		key := propertyName(name)
		p.o.keys = append(p.o.keys, key)
		p.prop = key
		if err := p.property(key); err != nil {
			return err
		}
	}
	_, err = p.dec.ReadToken()
	return err
}

// propertyName unquotes a property name, without allocating for the names
// Parse looks for and the common ones it skips.
func propertyName(quoted jsontext.Value) string {
	inner := quoted[1 : len(quoted)-1]
	if bytes.IndexByte(inner, '\\') < 0 {
		if s, ok := knownNames[string(inner)]; ok {
			return s
		}
		return string(inner)
	}
	b, _ := jsontext.AppendUnquote(nil, quoted) // the decoder has checked the escapes
	return string(b)
}

// knownNames are the property names met in nearly every object.
var knownNames = func() map[string]string {
	m := map[string]string{}
	for _, n := range []string{"type", "id", "spec_version", "created", "modified", "published", "revoked",
		"name", "description", "aliases", "x_mitre_aliases", "x_opencti_aliases", "labels", "confidence",
		"relationship_type", "external_references", "granular_markings", "definition", "definition_type",
		"extensions", "x_opencti_definition", "created_by_ref", "object_marking_refs", "object_refs",
		"source_ref", "target_ref", "sighting_of_ref", "where_sighted_refs", "observed_data_refs",
		"pattern", "pattern_type", "valid_from", "valid_until", "indicator_types", "malware_types",
		"is_family", "kill_chain_phases", "first_seen", "last_seen", "report_types", "lang", "value",
		"x_mitre_version", "x_mitre_modified_by_ref", "x_mitre_domains", "x_mitre_attack_spec_version",
		"x_mitre_deprecated", "x_mitre_platforms", "x_mitre_is_subtechnique", "x_mitre_detection",
		"x_mitre_data_sources", "x_mitre_contributors", "x_mitre_permissions_required",
		"x_mitre_tactic_type", "x_mitre_shortname"} {
		m[n] = n
	}
	return m
}()

// property reads the value of one top-level property.
func (p *parser) property(name string) error {
	o := p.o
	switch name {
	case "type":
		return p.str(&o.Type)
	case "id":
		var s string
		err := p.str(&s)
		o.ID = ID(s)
		return err
	case "spec_version":
		return p.str(&o.SpecVersion)
	case "created", "modified", "published", "valid_from", "valid_until", "first_seen", "last_seen",
		"first_observed", "last_observed":
		var s string
		if err := p.str(&s); err != nil {
			return err
		}
		if o.rawTimes == nil {
			o.rawTimes = make(map[string]string, 3)
		}
		o.rawTimes[name] = s
		return nil
	case "revoked":
		tok, err := p.dec.ReadToken()
		o.Revoked = err == nil && tok.Kind() == 't'
		return err
	case "name":
		return p.str(&o.Name)
	case "description":
		return p.str(&o.Description)
	case "aliases", "x_mitre_aliases", "x_opencti_aliases":
		return p.strs(&o.Aliases)
	case "labels":
		return p.strs(&o.Labels)
	case "confidence":
		tok, err := p.dec.ReadToken()
		if err == nil && tok.Kind() == '0' {
			o.Confidence = int(tok.Int())
		}
		return err
	case "relationship_type":
		return p.str(&o.RelationshipType)
	case "external_references":
		p.depth++
		defer func() { p.depth-- }()
		return p.externalRefs()
	case "granular_markings", "definition", "extensions", "x_opencti_definition":
		return p.walk(name, 1)
	}
	if strings.HasSuffix(name, "_ref") || strings.HasSuffix(name, "_refs") {
		return p.refValue(name)
	}
	return p.dec.SkipValue()
}

func (p *parser) str(dst *string) error {
	tok, err := p.dec.ReadToken()
	if err != nil {
		return err
	}
	if tok.Kind() == '"' {
		*dst = tok.String()
	} else if p.depth == 0 {
		p.o.notString = append(p.o.notString, p.prop)
	}
	return p.skipRest(tok)
}

// skipRest finishes a value whose first token was read when that token
// opened an array or object of an unexpected shape.
func (p *parser) skipRest(tok jsontext.Token) error {
	switch tok.Kind() {
	case '{', '[':
		depth := 1
		for depth > 0 {
			t, err := p.dec.ReadToken()
			if err != nil {
				return err
			}
			switch t.Kind() {
			case '{', '[':
				depth++
			case '}', ']':
				depth--
			}
		}
	}
	return nil
}

func (p *parser) strs(dst *[]string) error {
	tok, err := p.dec.ReadToken()
	if err != nil {
		return err
	}
	if tok.Kind() != '[' {
		return p.skipRest(tok)
	}
	for p.dec.PeekKind() != ']' {
		t, err := p.dec.ReadToken()
		if err != nil {
			return err
		}
		if t.Kind() == '"' {
			*dst = append(*dst, t.String())
		} else if err := p.skipRest(t); err != nil {
			return err
		}
	}
	_, err = p.dec.ReadToken()
	return err
}

func (p *parser) refValue(prop string) error {
	if p.dec.PeekKind() == '[' {
		var vals []string
		if err := p.strs(&vals); err != nil {
			return err
		}
		for _, v := range vals {
			p.addRef(prop, v)
		}
		return nil
	}
	var v string
	if err := p.str(&v); err != nil {
		return err
	}
	p.addRef(prop, v)
	return nil
}

func (p *parser) addRef(prop, v string) {
	o := p.o
	id, err := ParseID(v)
	if err != nil {
		o.badRefs = append(o.badRefs, badRef{prop, v})
		return
	}
	o.Refs = append(o.Refs, Ref{Prop: prop, Target: id})
	switch prop {
	case "created_by_ref":
		o.CreatedBy = id
	case "object_marking_refs", "granular_markings.marking_ref":
		o.Markings = append(o.Markings, id)
	case "source_ref":
		o.Source = id
	case "target_ref", "sighting_of_ref":
		o.Target = id
	}
}

// walk descends into a nested value, collecting references and the TLP
// names of marking definitions.
func (p *parser) walk(path string, depth int) error {
	tok, err := p.dec.ReadToken()
	if err != nil {
		return err
	}
	switch tok.Kind() {
	case '"':
		if strings.HasSuffix(path, ".tlp") || strings.HasSuffix(path, ".tlp_2_0") ||
			path == "x_opencti_definition" {
			p.o.MarkingTLP = tok.String()
		}
		return nil
	case '[':
		for p.dec.PeekKind() != ']' {
			if err := p.walk(path, depth+1); err != nil {
				return err
			}
		}
		_, err = p.dec.ReadToken()
		return err
	case '{':
		for p.dec.PeekKind() != '}' {
			k, err := p.dec.ReadToken()
			if err != nil {
				return err
			}
			key := path + "." + k.String()
			if strings.HasSuffix(key, "_ref") || strings.HasSuffix(key, "_refs") {
				if err := p.refValue(key); err != nil {
					return err
				}
				continue
			}
			if err := p.walk(key, depth+1); err != nil {
				return err
			}
		}
		_, err = p.dec.ReadToken()
		return err
	}
	return nil
}

func (p *parser) externalRefs() error {
	tok, err := p.dec.ReadToken()
	if err != nil {
		return err
	}
	if tok.Kind() != '[' {
		return p.skipRest(tok)
	}
	for p.dec.PeekKind() == '{' {
		var eid string
		if _, err := p.dec.ReadToken(); err != nil {
			return err
		}
		for p.dec.PeekKind() != '}' {
			k, err := p.dec.ReadToken()
			if err != nil {
				return err
			}
			switch k.String() {
			case "external_id":
				err = p.str(&eid)
			default:
				err = p.dec.SkipValue()
			}
			if err != nil {
				return err
			}
		}
		if _, err := p.dec.ReadToken(); err != nil {
			return err
		}
		if eid != "" {
			p.o.ExternalIDs = append(p.o.ExternalIDs, eid)
		}
	}
	return p.skipRest(jsontext.BeginArray)
}

// parseTime reads a STIX timestamp: RFC 3339 in UTC ("Z"), with optional
// fractional seconds.
func parseTime(s string) (time.Time, error) {
	if !strings.HasSuffix(s, "Z") {
		return time.Time{}, fmt.Errorf("timestamp %q is not in UTC (must end in \"Z\")", s)
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("timestamp %q is not RFC 3339", s)
	}
	return t, nil
}
