package stix

import (
	"encoding/json"
	"fmt"
)

// typeVocab maps STIX 2.0 types whose "labels" became a typed vocabulary
// property in STIX 2.1.
var typeVocab = map[string]string{
	"indicator":    "indicator_types",
	"malware":      "malware_types",
	"tool":         "tool_types",
	"threat-actor": "threat_actor_types",
	"report":       "report_types",
}

// NeedsUpgrade reports whether o is a STIX 2.0 object: one that has a
// created timestamp but no spec_version (STIX 2.1 requires spec_version on
// every SDO, SRO and marking definition).
func NeedsUpgrade(o *Object) bool {
	return o.SpecVersion == "" && o.Has("created")
}

// Upgrade rewrites a STIX 2.0 object as 2.1 by adding the properties 2.1
// requires: spec_version, pattern_type on indicators, is_family on malware
// (2.0 malware described families), and the typed vocabulary property that
// 2.0 "labels" stood for. Everything else is kept as it was.
func Upgrade(o *Object) (*Object, error) {
	add := []byte(`"spec_version":"2.1",`)
	switch o.Type {
	case "indicator":
		if !o.Has("pattern_type") {
			add = append(add, `"pattern_type":"stix",`...)
		}
	case "malware":
		if !o.Has("is_family") {
			add = append(add, `"is_family":true,`...)
		}
	}
	if prop, ok := typeVocab[o.Type]; ok && len(o.Labels) > 0 && !o.Has(prop) {
		labels, err := json.Marshal(o.Labels)
		if err != nil {
			return nil, fmt.Errorf("upgrade: labels: %w", err)
		}
		add = fmt.Appendf(add, "%q:%s,", prop, labels)
	}
	return Parse(Prepend(o.Raw, add))
}

// Prepend returns a copy of the JSON object raw with members (one or more
// `"key":value,` pairs, each ending in a comma) inserted first.
func Prepend(raw, members []byte) []byte {
	i := 0
	for i < len(raw) && raw[i] != '{' {
		i++
	}
	rest := raw[i+1:]
	out := make([]byte, 0, len(raw)+len(members))
	out = append(out, '{')
	out = append(out, members...)
	j := 0
	for j < len(rest) && (rest[j] == ' ' || rest[j] == '\n' || rest[j] == '\r' || rest[j] == '\t') {
		j++
	}
	if j < len(rest) && rest[j] == '}' {
		out = out[:len(out)-1] // drop the trailing comma before an empty object's end
	}
	return append(out, rest...)
}
