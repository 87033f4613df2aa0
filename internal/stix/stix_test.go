package stix

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestParseID(t *testing.T) {
	cases := []struct {
		name, id string
		ok       bool
	}{
		{"a lowercase UUID is accepted", "malware--2485b844-4efe-4343-84c8-eb33312dd56f", true},
		{"a custom type is accepted", "x-mitre-tactic--2558fd61-8c75-4730-94c4-11926db2a263", true},
		{"an uppercase UUID is accepted", "indicator--8E2E2D2B-17D4-4CBF-938F-98EE46B3CD3F", true},
		{"a missing separator is refused", "malware2485b844-4efe-4343-84c8-eb33312dd56f", false},
		{"a short UUID is refused", "malware--2485b844-4efe-4343-84c8", false},
		{"a type with capitals is refused", "Malware--2485b844-4efe-4343-84c8-eb33312dd56f", false},
		{"a two-letter type is refused", "ab--2485b844-4efe-4343-84c8-eb33312dd56f", false},
		{"a non-hex UUID is refused", "malware--2485b844-4efe-4343-84c8-eb33312dd56g", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseID(c.id)
			if (err == nil) != c.ok {
				t.Errorf("ParseID(%q) error = %v, want ok=%v", c.id, err, c.ok)
			}
		})
	}
}

const validIdentity = `{"type":"identity","spec_version":"2.1","id":"identity--8c6af861-7b20-41ef-9b59-6344fd872a8f",
 "created":"2016-08-08T15:50:10.983Z","modified":"2016-08-08T15:50:10.983Z","name":"Franistan Intelligence"`

func TestValidate(t *testing.T) {
	cases := []struct {
		name, json, reason string // reason "" means valid
	}{
		{"a complete identity is valid", validIdentity + `}`, ""},
		{"custom properties are kept and valid", validIdentity + `,"x_opencti_score":50,"foo":"bar"}`, ""},
		{"an id of another type is refused", strings.Replace(validIdentity, `"id":"identity--`, `"id":"malware--`, 1) + `}`, "does not match type"},
		{"a missing modified is refused", strings.Replace(validIdentity, `"modified":"2016-08-08T15:50:10.983Z",`, "", 1) + `}`, `"modified"`},
		{"modified before created is refused", strings.Replace(validIdentity, `"modified":"2016`, `"modified":"2015`, 1) + `}`, "before created"},
		{"a timestamp with an offset is refused", strings.Replace(validIdentity, `10.983Z","name"`, `10.983+02:00","name"`, 1) + `}`, "UTC"},
		{"a malformed timestamp is refused", strings.Replace(validIdentity, `"created":"2016-08-08T15`, `"created":"2016-08-08 15`, 1) + `}`, "RFC 3339"},
		{"a bad reference is refused", validIdentity + `,"created_by_ref":"identity--nope"}`, "created_by_ref"},
		{"an author that is not an identity is refused", validIdentity + `,"created_by_ref":"malware--2485b844-4efe-4343-84c8-eb33312dd56f"}`, "is not a identity"},
		{"a report without object_refs is refused", `{"type":"report","spec_version":"2.1","id":"report--84e4d88f-44ea-4bcd-bbf3-b2c1c320bcb3","created":"2015-12-21T19:59:11.000Z","modified":"2015-12-21T19:59:11.000Z","name":"r","published":"2016-01-20T17:00:00.000Z"}`, "object_refs"},
		{"an observable needs only type and id", `{"type":"ipv4-addr","id":"ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd","value":"198.51.100.3"}`, ""},
		{"spec_version 2.2 is refused", strings.Replace(validIdentity, `"2.1"`, `"2.2"`, 1) + `}`, "spec_version"},
		{"confidence above 100 is refused", validIdentity + `,"confidence":101}`, "confidence"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o, err := Parse([]byte(c.json))
			if err != nil {
				t.Fatal(err)
			}
			err = Validate(o)
			switch {
			case c.reason == "" && err != nil:
				t.Errorf("refused: %v", err)
			case c.reason != "" && (err == nil || !strings.Contains(err.Error(), c.reason)):
				t.Errorf("error %v, want one mentioning %q", err, c.reason)
			}
		})
	}
}

func TestParseCollectsReferencesAtAnyDepth(t *testing.T) {
	raw := `{"type":"file","id":"file--e277603e-1060-5ad4-9937-c26c97f1ca68","name":"a.zip",
	 "extensions":{"archive-ext":{"contains_refs":["file--019fde1c-94ab-5731-9cf8-36c0b9b5f0e9"]}},
	 "granular_markings":[{"marking_ref":"marking-definition--f88d31f6-486f-44da-b317-01333bde0b82","selectors":["name"]}]}`
	o, err := Parse([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{"extensions.archive-ext.contains_refs": false, "granular_markings.marking_ref": false}
	for _, r := range o.Refs {
		want[r.Prop] = true
	}
	for p, seen := range want {
		if !seen {
			t.Errorf("reference %s not collected (got %v)", p, o.Refs)
		}
	}
	if len(o.Markings) != 1 {
		t.Errorf("a granular TLP marking must count for clearance: %v", o.Markings)
	}
}

func TestUpgradeFromSTIX20(t *testing.T) {
	raw := `{"type":"indicator","id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","created":"2016-04-06T20:03:48.000Z",
	 "modified":"2016-04-06T20:03:48.000Z","labels":["malicious-activity"],"pattern":"[file:hashes.MD5 = 'a']",
	 "valid_from":"2016-01-01T00:00:00Z","x_custom":{"kept":true}}`
	o, _ := Parse([]byte(raw))
	if !NeedsUpgrade(o) {
		t.Fatal("an SDO without spec_version is STIX 2.0")
	}
	up, err := Upgrade(o)
	if err != nil {
		t.Fatal(err)
	}
	if err := Validate(up); err != nil {
		t.Fatalf("upgraded object invalid: %v", err)
	}
	var m map[string]any
	json.Unmarshal(up.Raw, &m)
	if m["spec_version"] != "2.1" || m["pattern_type"] != "stix" || m["x_custom"] == nil {
		t.Errorf("upgrade lost or missed properties: %s", up.Raw)
	}
	if types, _ := m["indicator_types"].([]any); len(types) != 1 {
		t.Errorf("labels not carried to indicator_types: %s", up.Raw)
	}
}

func TestAddMarkingKeepsEverythingElse(t *testing.T) {
	cases := []struct{ name, json string }{
		{"an object without markings", validIdentity + `}`},
		{"an object with a statement marking", validIdentity + `,"object_marking_refs":["marking-definition--fa42a846-8d90-4e51-bc29-71d5b4802168"],"x_a":[1,{"b":2}]}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o, _ := Parse([]byte(c.json))
			marked, err := AddMarking(o, TLPAmber.MarkingID())
			if err != nil {
				t.Fatal(err)
			}
			var before, after map[string]any
			json.Unmarshal(o.Raw, &before)
			json.Unmarshal(marked.Raw, &after)
			delete(before, "object_marking_refs")
			refs, _ := after["object_marking_refs"].([]any)
			delete(after, "object_marking_refs")
			if len(refs) == 0 || refs[len(refs)-1] != string(TLPAmber.MarkingID()) {
				t.Errorf("marking not added: %s", marked.Raw)
			}
			b1, _ := json.Marshal(before)
			b2, _ := json.Marshal(after)
			if string(b1) != string(b2) {
				t.Errorf("other properties changed:\n%s\n%s", b1, b2)
			}
		})
	}
}

func TestTLP(t *testing.T) {
	for in, want := range map[string]TLP{"TLP:WHITE": TLPClear, "clear": TLPClear, "tlp:amber+strict": TLPAmberStrict,
		"RED": TLPRed, "TLP:GREEN": TLPGreen} {
		if got, err := ParseTLP(in); err != nil || got != want {
			t.Errorf("ParseTLP(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	if _, err := ParseTLP("TLP:PURPLE"); err == nil {
		t.Error("an unknown level was accepted")
	}
	if l, ok := BuiltinTLP("marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed"); !ok || l != TLPRed {
		t.Error("TLP 1.0 RED not recognised by its standard id")
	}
	for _, raw := range BuiltinMarkings() {
		o, err := Parse(raw)
		if err != nil || Validate(o) != nil {
			t.Errorf("built-in marking invalid: %s (%v)", raw, err)
		}
		if _, ok := MarkingLevel(o); !ok {
			t.Errorf("built-in marking has no level: %s", raw)
		}
	}
}

func TestDecoderRefusesInputWithoutObjects(t *testing.T) {
	cases := []struct{ name, input, msg string }{
		{"an empty input", "", "input is empty"},
		{"whitespace only", " \n\t ", "input is empty"},
		{"a bundle whose objects is a number", `{"type":"bundle","id":"bundle--6a3f6490-9c44-40de-b059-e5940f246673","objects":5}`, "not an array"},
		{"a bundle whose objects comes before its type", `{"objects":{},"type":"bundle"}`, "not an array"},
		{"UTF-16 input", "\xff\xfe{\x00}\x00", "UTF-16"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := NewDecoder(strings.NewReader(c.input)).Next()
			if err == nil || !strings.Contains(err.Error(), c.msg) {
				t.Errorf("error %v, want one saying %q", err, c.msg)
			}
		})
	}
}

func TestDecoderAcceptsAByteOrderMarkAndReportsDuplicatesPerObject(t *testing.T) {
	input := "\ufeff[" + validIdentity + `}, {"type":"identity","type":"malware"}]`
	d := NewDecoder(strings.NewReader(input))
	first, err := d.Next()
	if err != nil {
		t.Fatalf("a UTF-8 byte order mark refused: %v", err)
	}
	if _, err := Parse(first.Raw); err != nil {
		t.Fatal(err)
	}
	second, err := d.Next()
	if err != nil {
		t.Fatalf("a duplicate property refused the whole input: %v", err)
	}
	if _, err := Parse(second.Raw); err == nil || !strings.Contains(err.Error(), `"type"`) {
		t.Errorf("the object with a duplicate property: %v, want an error naming it", err)
	}
}

func TestValidateRefusesWrongTypesAndEmptyContainers(t *testing.T) {
	cases := []struct{ name, json, reason string }{
		{"a name that is a number", strings.Replace(validIdentity, `"Franistan Intelligence"`, `5`, 1) + `}`, `"name" must be a string`},
		{"a negative confidence", validIdentity + `,"confidence":-5}`, "confidence"},
		{"an indicator with a bad valid_from", `{"type":"indicator","spec_version":"2.1","id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","created":"2016-04-06T20:03:48.000Z","modified":"2016-04-06T20:03:48.000Z","pattern":"[x:y = 'z']","pattern_type":"stix","valid_from":"garbage"}`, "valid_from"},
		{"malware without is_family", `{"type":"malware","spec_version":"2.1","id":"malware--2485b844-4efe-4343-84c8-eb33312dd56f","created":"2016-04-06T20:03:48.000Z","modified":"2016-04-06T20:03:48.000Z","name":"m"}`, "is_family"},
		{"a report with no object_refs", `{"type":"report","spec_version":"2.1","id":"report--84e4d88f-44ea-4bcd-bbf3-b2c1c320bcb3","created":"2015-12-21T19:59:11.000Z","modified":"2015-12-21T19:59:11.000Z","name":"r","published":"2016-01-20T17:00:00.000Z","object_refs":[]}`, "object_refs is empty"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o, err := Parse([]byte(c.json))
			if err == nil {
				err = Validate(o)
			}
			if err == nil || !strings.Contains(err.Error(), c.reason) {
				t.Errorf("error %v, want one mentioning %q", err, c.reason)
			}
		})
	}
}
