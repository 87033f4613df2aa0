package stix

import (
	"bytes"
	"fmt"

	"github.com/go-json-experiment/json/jsontext"
)

// AddMarking returns a copy of o whose object_marking_refs also lists id.
// Every other property keeps its value and order.
func AddMarking(o *Object, id ID) (*Object, error) {
	if !o.Has("object_marking_refs") {
		return Parse(Prepend(o.Raw, fmt.Appendf(nil, `"object_marking_refs":[%q],`, id)))
	}
	dec := jsontext.NewDecoder(bytes.NewReader(o.Raw))
	var out bytes.Buffer
	enc := jsontext.NewEncoder(&out)
	if _, err := dec.ReadToken(); err != nil {
		return nil, err
	}
	if err := enc.WriteToken(jsontext.BeginObject); err != nil {
		return nil, err
	}
	for dec.PeekKind() != '}' {
		tok, err := dec.ReadToken()
		if err != nil {
			return nil, err
		}
		name := tok.String() // the token is void after the next read
		val, err := dec.ReadValue()
		if err != nil {
			return nil, err
		}
		if err := enc.WriteToken(jsontext.String(name)); err != nil {
			return nil, err
		}
		if name == "object_marking_refs" && val.Kind() == '[' {
			val = appendToArray(val, id)
		}
		if err := enc.WriteValue(val); err != nil {
			return nil, err
		}
	}
	if err := enc.WriteToken(jsontext.EndObject); err != nil {
		return nil, err
	}
	return Parse(bytes.TrimSpace(out.Bytes()))
}

func appendToArray(arr jsontext.Value, id ID) jsontext.Value {
	b := bytes.TrimSpace(arr)
	body := bytes.TrimSpace(b[1 : len(b)-1])
	out := append([]byte{'['}, body...)
	if len(body) > 0 {
		out = append(out, ',')
	}
	out = fmt.Appendf(out, "%q]", id)
	return out
}
