package index

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/tipster-cti/tipster/internal/stix"
)

// skipTypes are the object types that carry no knowledge worth a passage.
var skipTypes = map[string]bool{
	"marking-definition": true, "x-mitre-matrix": true, "x-mitre-collection": true,
	"language-content": true, "extension-definition": true,
}

// source is an object as the passage cutter reads it from the objects table.
type source struct {
	seq         int64
	id          string
	typ         string
	name        string
	aliases     []string
	description string
	document    string // a report's document text
	raw         []byte
	fingerprint string
}

// extras are the properties of an object's JSON that passages show beyond
// the indexed columns.
type extras struct {
	RelationshipType string   `json:"relationship_type"`
	SourceRef        string   `json:"source_ref"`
	TargetRef        string   `json:"target_ref"`
	SightingOf       string   `json:"sighting_of_ref"`
	Pattern          string   `json:"pattern"`
	Value            string   `json:"value"`
	Hashes           any      `json:"hashes"`
	Platforms        []string `json:"x_mitre_platforms"`
	KillChain        []struct {
		Phase string `json:"phase_name"`
	} `json:"kill_chain_phases"`
	References []struct {
		Source     string `json:"source_name"`
		ExternalID string `json:"external_id"`
	} `json:"external_references"`
}

// cut is what an object's passages are made of: a title shown before
// every passage, the head indexed with the first, and the text.
type cut struct {
	title string // "Name (type)"
	head  string // names, aliases and ids, for the full-text head column
	lead  string // first lines of the first passage (aliases, ids, tactics)
	body  string
}

// names resolves the names of objects a relationship or sighting refers to.
type names func(id string) (name, typ string)

// cutOf describes src for its passages.
func cutOf(src source, resolve names) cut {
	x := extrasOf(src.raw)
	c := cut{title: titleOf(src, x, resolve), body: strings.TrimSpace(src.description)}
	if src.document != "" {
		c.body = strings.TrimSpace(c.body + "\n\n" + src.document)
	}
	var lead []string
	heads := append([]string{c.title}, src.aliases...)
	if len(src.aliases) > 0 {
		lead = append(lead, "Also known as: "+strings.Join(src.aliases, ", "))
	}
	if ids := externalIDs(x); len(ids) > 0 {
		lead = append(lead, "Ids: "+strings.Join(ids, ", "))
		heads = append(heads, ids...)
	}
	if len(x.KillChain) > 0 {
		phases := make([]string, len(x.KillChain))
		for i, k := range x.KillChain {
			phases[i] = strings.ReplaceAll(k.Phase, "-", " ")
		}
		lead = append(lead, "Tactics: "+strings.Join(phases, ", "))
	}
	if len(x.Platforms) > 0 {
		lead = append(lead, "Platforms: "+strings.Join(x.Platforms, ", "))
	}
	if x.Pattern != "" {
		lead = append(lead, "Pattern: "+x.Pattern)
	}
	c.head = strings.Join(heads, " ")
	c.lead = strings.Join(lead, "\n")
	return c
}

// titleOf names an object for a reader: its name, an observable's value,
// or a relationship's ends.
func titleOf(src source, x extras, resolve names) string {
	name := src.name
	switch {
	case resolve != nil && x.RelationshipType != "" && x.SourceRef != "":
		s, st := resolve(x.SourceRef)
		t, tt := resolve(x.TargetRef)
		name = fmt.Sprintf("%s (%s) %s %s (%s)", s, st, x.RelationshipType, t, tt)
	case resolve != nil && src.typ == "sighting" && x.SightingOf != "":
		s, st := resolve(x.SightingOf)
		name = fmt.Sprintf("sighting of %s (%s)", s, st)
	case name == "" && x.Value != "":
		name = x.Value
	case name == "" && x.Hashes != nil:
		b, _ := json.Marshal(x.Hashes)
		name = string(b)
	case name == "":
		name = src.id
	}
	return name + " (" + src.typ + ")"
}

// externalIDs are the ATT&CK, CVE and other ids an object carries.
func externalIDs(x extras) []string {
	var ids []string
	for _, r := range x.References {
		if r.ExternalID != "" && len(ids) < 4 {
			ids = append(ids, r.ExternalID)
		}
	}
	return ids
}

// row is one passage as written.
type row struct {
	ord        int
	text       string // stored and shown
	head, body string // indexed
}

// rowsOf cuts an object into passages: the first holds the title, the
// lead lines and the start of the text; the others the rest of the text.
func rowsOf(c cut) []row {
	room := MaxPassageBytes - len(c.lead)
	if room < MaxPassageBytes/3 {
		room = MaxPassageBytes / 3
	}
	pieces := Split(c.body, room)
	first := ""
	if len(pieces) > 0 {
		first, pieces = pieces[0], pieces[1:]
	}
	body0 := strings.TrimSpace(c.lead + "\n" + first)
	rows := []row{{ord: 0, text: strings.TrimSpace(c.title + ": " + body0), head: c.head, body: body0}}
	rest := strings.Join(pieces, "\n\n")
	for i, p := range Split(rest, MaxPassageBytes) {
		rows = append(rows, row{ord: i + 1, text: c.title + ": " + p, body: p})
	}
	return rows
}

// idType is the type part of a STIX id.
func idType(id string) string { return stix.ID(id).Type() }

// extrasOf reads the extra properties of an object's JSON.
func extrasOf(raw []byte) extras {
	var x extras
	_ = json.Unmarshal(raw, &x) // a stored object is valid JSON; a missing field is simply empty
	return x
}
