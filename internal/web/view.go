package web

import (
	"encoding/json"
	"html/template"
	"sort"
	"strings"
	"time"

	"github.com/tipster-cti/tipster/internal/stix"
	"github.com/tipster-cti/tipster/internal/store"
)

// funcs are the helpers templates may call. None returns template.HTML:
// every text is escaped by html/template.
var funcs = template.FuncMap{
	"tlpClass":  tlpClass,
	"typeLabel": typeLabel,
	"date":      date,
	"datetime":  datetime,
	"name":      displayName,
	"isoDate":   isoDate,
	"askai":     askAI,
}

// askTarget is what an Ask AI menu works on: a field of an object.
type askTarget struct {
	ID    stix.ID
	Field string
}

func askAI(id stix.ID, field string) askTarget { return askTarget{id, field} }

// tlpClass is the CSS class of a TLP badge, such as "tlp-amber-strict".
func tlpClass(t stix.TLP) string {
	s := strings.ToLower(strings.TrimPrefix(t.String(), "TLP:"))
	return "tlp-" + strings.ReplaceAll(s, "+", "-")
}

// typeLabel turns a STIX type into words: "attack-pattern" -> "Attack pattern".
func typeLabel(typ string) string {
	if l, ok := typeLabels[typ]; ok {
		return l
	}
	s := strings.ReplaceAll(strings.TrimPrefix(typ, "x-"), "-", " ")
	if s == "" {
		return typ
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

var typeLabels = map[string]string{
	"attack-pattern": "Technique", "intrusion-set": "Intrusion set", "threat-actor": "Threat actor",
	"course-of-action": "Course of action", "x-mitre-tactic": "Tactic", "ipv4-addr": "IPv4 address",
	"ipv6-addr": "IPv6 address", "domain-name": "Domain name", "email-addr": "E-mail address",
	"url": "URL", "marking-definition": "Marking definition",
}

// date writes a day as 2006-01-02, or "" for the zero time.
func date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02")
}

// datetime writes a moment to the minute, in UTC.
func datetime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

// isoDate is the machine-readable form for <time datetime=...>.
func isoDate(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// displayName is what a link to an object says: its name, else a pattern
// or value, else its id.
func displayName(o *store.Stored) string {
	if o == nil {
		return "(not visible)"
	}
	if o.Name != "" {
		return o.Name
	}
	var v struct {
		Value, Pattern, Hashes string
		Key                    string
	}
	if json.Unmarshal(o.Raw, &v) == nil {
		for _, s := range []string{v.Value, v.Key, v.Pattern} {
			if s != "" {
				return s
			}
		}
	}
	return string(o.ID)
}

// group is objects of one type, for lists grouped by type.
type group struct {
	Type    string
	Objects []*store.Stored
}

// byType groups objects by type, types in alphabetical order of their
// label, objects in the order given.
func byType(objs []*store.Stored) []group {
	idx := map[string]int{}
	var gs []group
	for _, o := range objs {
		i, ok := idx[o.Type]
		if !ok {
			i = len(gs)
			idx[o.Type] = i
			gs = append(gs, group{Type: o.Type})
		}
		gs[i].Objects = append(gs[i].Objects, o)
	}
	sort.Slice(gs, func(a, b int) bool { return typeLabel(gs[a].Type) < typeLabel(gs[b].Type) })
	return gs
}

// count is the number of objects of one type.
type count struct {
	Type string
	N    int
}

// sortedCounts lists counts largest first, then by type.
func sortedCounts(m map[string]int) []count {
	cs := make([]count, 0, len(m))
	for t, n := range m {
		cs = append(cs, count{t, n})
	}
	sort.Slice(cs, func(a, b int) bool {
		if cs[a].N != cs[b].N {
			return cs[a].N > cs[b].N
		}
		return cs[a].Type < cs[b].Type
	})
	return cs
}
