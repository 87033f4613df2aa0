package stix

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/go-json-experiment/json/jsontext"
)

// Parse reads the common properties of one STIX object from its JSON. It
// keeps raw as the object's stored form. Parse fails only when raw is not a
// JSON object; whether the object is valid STIX is Validate's business.
func Parse(raw []byte) (*Object, error) {
	o := &Object{Raw: raw, Confidence: -1}
	p := parser{o: o, dec: jsontext.NewDecoder(bytes.NewReader(raw))}
	if err := p.object(); err != nil {
		return nil, fmt.Errorf("parse object: %w", err)
	}
	o.Created, _ = parseTime(o.rawTimes["created"])
	o.Modified, _ = parseTime(o.rawTimes["modified"])
	o.Published, _ = parseTime(o.rawTimes["published"])
	return o, nil
}

type parser struct {
	o   *Object
	dec *jsontext.Decoder
}

func (p *parser) object() error {
	tok, err := p.dec.ReadToken()
	if err != nil {
		return err
	}
	if tok.Kind() != '{' {
		return errors.New("not a JSON object")
	}
	for p.dec.PeekKind() != '}' {
		name, err := p.dec.ReadToken()
		if err != nil {
			return err
		}
		key := name.String()
		p.o.keys = append(p.o.keys, key)
		if err := p.property(key); err != nil {
			return err
		}
	}
	_, err = p.dec.ReadToken()
	return err
}

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
	case "created", "modified", "published":
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
