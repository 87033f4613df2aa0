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
func cutOf(src Source, resolve names) cut {
	x := extrasOf(src.Raw)
	c := cut{title: titleOf(src, x, resolve), body: strings.TrimSpace(src.Description)}
	if src.Document != "" {
		c.body = strings.TrimSpace(c.body + "\n\n" + src.Document)
	}
	var lead []string
	heads := append([]string{c.title}, src.Aliases...)
	if len(src.Aliases) > 0 {
		lead = append(lead, "Also known as: "+strings.Join(src.Aliases, ", "))
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
func titleOf(src Source, x extras, resolve names) string {
	name := src.Name
	switch {
	case resolve != nil && x.RelationshipType != "" && x.SourceRef != "":
		s, st := resolve(x.SourceRef)
		t, tt := resolve(x.TargetRef)
		name = fmt.Sprintf("%s (%s) %s %s (%s)", s, st, x.RelationshipType, t, tt)
	case resolve != nil && src.Type == "sighting" && x.SightingOf != "":
		s, st := resolve(x.SightingOf)
		name = fmt.Sprintf("sighting of %s (%s)", s, st)
	case name == "" && x.Value != "":
		name = x.Value
	case name == "" && x.Hashes != nil:
		b, _ := json.Marshal(x.Hashes)
		name = string(b)
	case name == "":
		name = src.ID
	}
	return name + " (" + src.Type + ")"
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

// rowsOf cuts an object into passages: the first holds the title, the
// lead lines and the start of the text; the others the rest of the text.
func rowsOf(c cut) []Row {
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
	rows := []Row{{Ord: 0, Text: strings.TrimSpace(c.title + ": " + body0), Head: c.head, Body: body0}}
	rest := strings.Join(pieces, "\n\n")
	for i, p := range Split(rest, MaxPassageBytes) {
		rows = append(rows, Row{Ord: i + 1, Text: c.title + ": " + p, Body: p})
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
