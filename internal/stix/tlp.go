package stix

import (
	"fmt"
	"strings"
)

// TLP is a Traffic Light Protocol level, ordered from the most shareable
// (TLPClear) to the most restricted (TLPRed). TLP 1.0 WHITE is TLPClear.
type TLP int

// TLP levels in increasing order of restriction.
const (
	TLPClear TLP = iota
	TLPGreen
	TLPAmber
	TLPAmberStrict
	TLPRed
)

var tlpNames = [...]string{"TLP:CLEAR", "TLP:GREEN", "TLP:AMBER", "TLP:AMBER+STRICT", "TLP:RED"}

// String returns the TLP 2.0 name, such as "TLP:AMBER+STRICT".
func (t TLP) String() string {
	if t < TLPClear || t > TLPRed {
		return fmt.Sprintf("TLP(%d)", int(t))
	}
	return tlpNames[t]
}

// ParseTLP reads a TLP name with or without the "TLP:" prefix, in any case;
// WHITE is accepted as the TLP 1.0 name of CLEAR.
func ParseTLP(s string) (TLP, error) {
	u := strings.ToUpper(strings.TrimSpace(s))
	u = strings.TrimPrefix(u, "TLP:")
	u = strings.ReplaceAll(u, " ", "")
	switch u {
	case "CLEAR", "WHITE":
		return TLPClear, nil
	case "GREEN":
		return TLPGreen, nil
	case "AMBER":
		return TLPAmber, nil
	case "AMBER+STRICT", "AMBER_STRICT", "AMBERSTRICT":
		return TLPAmberStrict, nil
	case "RED":
		return TLPRed, nil
	}
	return 0, fmt.Errorf("unknown TLP level %q (want CLEAR, GREEN, AMBER, AMBER+STRICT or RED)", s)
}

// MarkingID returns the standard STIX id of the TLP 2.0 marking definition
// for t.
func (t TLP) MarkingID() ID { return tlp2IDs[t] }

// Standard marking definition ids of TLP 1.0 (STIX 2.1 section 7.2.1.4) and
// TLP 2.0 (the OASIS TLP 2.0 extension).
var (
	tlp1IDs = map[ID]TLP{
		"marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9": TLPClear,
		"marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da": TLPGreen,
		"marking-definition--f88d31f6-486f-44da-b317-01333bde0b82": TLPAmber,
		"marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed": TLPRed,
	}
	tlp2IDs = [...]ID{
		TLPClear:       "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
		TLPGreen:       "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
		TLPAmber:       "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
		TLPAmberStrict: "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
		TLPRed:         "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
	}
)

// BuiltinTLP returns the level of a standard TLP 1.0 or 2.0 marking id.
func BuiltinTLP(id ID) (TLP, bool) {
	if t, ok := tlp1IDs[id]; ok {
		return t, true
	}
	for t, mid := range tlp2IDs {
		if mid == id {
			return TLP(t), true
		}
	}
	return 0, false
}

// MarkingLevel tells the TLP level of a marking-definition object that is
// not one of the standard ones: a TLP 1.0 style definition ("definition_type":
// "tlp"), a TLP 2.0 name, or OpenCTI's x_opencti_definition. ok is false when
// the definition is not a TLP marking (a statement, say).
func MarkingLevel(o *Object) (TLP, bool) {
	if t, ok := BuiltinTLP(o.ID); ok {
		return t, true
	}
	for _, s := range []string{o.MarkingTLP, o.Name} {
		if t, err := ParseTLP(s); err == nil && s != "" {
			return t, true
		}
	}
	return 0, false
}

// BuiltinMarkings returns the standard TLP 1.0 and 2.0 marking definition
// objects as STIX 2.1 JSON, so that a fresh store can show and export them.
func BuiltinMarkings() [][]byte {
	var out [][]byte
	for id, t := range tlp1IDs {
		name := strings.ToLower(strings.TrimPrefix(t.String(), "TLP:"))
		if t == TLPClear {
			name = "white"
		}
		out = append(out, []byte(fmt.Sprintf(`{"type":"marking-definition","spec_version":"2.1","id":%q,`+
			`"created":"2017-01-20T00:00:00.000Z","definition_type":"tlp","name":"TLP:%s",`+
			`"definition":{"tlp":%q}}`, id, strings.ToUpper(name), name)))
	}
	for t, id := range tlp2IDs {
		out = append(out, []byte(fmt.Sprintf(`{"type":"marking-definition","spec_version":"2.1","id":%q,`+
			`"created":"2022-10-01T00:00:00.000Z","name":%q,"extensions":{"extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d":`+
			`{"extension_type":"property-extension","tlp_2_0":%q}}}`, id, TLP(t).String(),
			strings.ToLower(strings.TrimPrefix(TLP(t).String(), "TLP:")))))
	}
	return out
}
