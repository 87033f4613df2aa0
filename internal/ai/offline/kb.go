package offline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/tipster-cti/tipster/internal/ai"
	"github.com/tipster-cti/tipster/internal/extract"
	"github.com/tipster-cti/tipster/internal/stix"
	"github.com/tipster-cti/tipster/internal/store"
)

// kb reads the knowledge base for one viewer and records what it read,
// so that the answer can say what it quotes.
type kb struct {
	st   store.Store
	v    store.Viewer
	used *sources
}

// newKB returns a kb reading st as v, recording from empty.
func newKB(st store.Store, v store.Viewer) kb {
	return kb{st: st, v: v, used: &sources{seen: map[stix.ID]bool{}}}
}

// sources are the objects an answer drew on, in the order first read.
type sources struct {
	seen  map[stix.ID]bool
	facts []ai.Fact
}

// add records o as a source of the answer.
func (s *sources) add(o *store.Stored) {
	if o == nil || s.seen[o.ID] {
		return
	}
	s.seen[o.ID] = true
	name := o.Name
	if name == "" {
		name = detailsOf(o).Pattern
	}
	s.facts = append(s.facts, ai.Fact{ID: o.ID, Type: o.Type, Name: name, Description: o.Description,
		Aliases: o.Aliases, ExternalIDs: o.ExternalIDs, Labels: o.Labels, TLP: o.EffectiveTLP})
}

// object returns the stored object an entity names, as lookup does, and
// records it as a source of the answer.
func (k kb) object(ctx context.Context, e extract.Entity) (*store.Stored, error) {
	o, err := k.lookup(ctx, e)
	k.used.add(o)
	return o, err
}

// lookup returns the stored object an entity names: by STIX id when the
// lexicon gave one, by external id for a vulnerability (CVE). It returns
// nil when the knowledge base has no such object visible to the viewer.
// An ATT&CK id that the lexicon did not resolve is not looked up again:
// the lexicon holds every visible technique and tactic with its id.
func (k kb) lookup(ctx context.Context, e extract.Entity) (*store.Stored, error) {
	if e.ID != "" {
		o, err := k.st.Get(ctx, k.v, stix.ID(e.ID))
		if errors.Is(err, store.ErrNotFound) {
			return nil, nil
		}
		if err != nil {
			return nil, fmt.Errorf("offline: read %s: %w", e.ID, err)
		}
		return o, nil
	}
	if e.ExternalID == "" || e.Kind != "vulnerability" {
		return nil, nil
	}
	return k.byExternalID(ctx, e.ExternalID, e.Kind)
}

// byExternalID returns the first visible object of type typ carrying an
// external id such as T1059 or CVE-2021-44228, nil when there is none.
func (k kb) byExternalID(ctx context.Context, id, typ string) (*store.Stored, error) {
	page, err := k.st.Search(ctx, k.v, store.Query{ExternalID: id, Types: []string{typ}, Limit: 1})
	if err != nil {
		return nil, fmt.Errorf("offline: look up %s: %w", id, err)
	}
	if len(page.Objects) == 0 {
		return nil, nil
	}
	return page.Objects[0], nil
}

// linkGroup is the objects related to one object in one way.
type linkGroup struct {
	verb  string   // "uses", "used by", "mitigated by"
	names []string // related objects, each with its id as code
	// from are the relationships counted and the objects at their other
	// end: what an answer quoting the group draws on.
	from []*store.Stored
}

// use records the group as a source of the answer.
func (g linkGroup) use(k kb) {
	for _, o := range g.from {
		k.used.add(o)
	}
}

// linksShown bounds the related objects named per group.
const linksShown = 8

// relationships returns the relationships and sightings of id with both
// ends visible; the caller records those it quotes or counts.
func (k kb) relationships(ctx context.Context, id stix.ID) ([]store.Relationship, error) {
	rels, err := k.st.Relationships(ctx, k.v, id)
	if err != nil {
		return nil, fmt.Errorf("offline: relationships of %s: %w", id, err)
	}
	return rels, nil
}

// links returns what the knowledge base relates to id, grouped by
// relationship type and direction, in the order first met. The caller
// records the groups it quotes.
func (k kb) links(ctx context.Context, id stix.ID) ([]linkGroup, error) {
	rels, err := k.relationships(ctx, id)
	if err != nil {
		return nil, err
	}
	var groups []linkGroup
	index := map[string]int{}
	counts := map[string]int{}
	for _, r := range rels {
		if r.Source == nil || r.Target == nil || r.Revoked {
			continue
		}
		verb, other := r.RelationshipType, r.Target
		if r.Target.ID == id {
			verb, other = inverse(r.RelationshipType), r.Source
		}
		if r.Type == "sighting" {
			verb = "sighted"
		}
		i, ok := index[verb]
		if !ok {
			i = len(groups)
			index[verb] = i
			groups = append(groups, linkGroup{verb: verb})
		}
		counts[verb]++
		groups[i].from = append(groups[i].from, r.Stored, other)
		if len(groups[i].names) < linksShown {
			groups[i].names = append(groups[i].names, objectLabel(other))
		}
	}
	for i, g := range groups {
		if n := counts[g.verb] - len(g.names); n > 0 {
			groups[i].names = append(groups[i].names, fmt.Sprintf("and %d more", n))
		}
	}
	return groups, nil
}

// inverse words a relationship as seen from its target.
func inverse(rel string) string {
	switch rel {
	case "uses":
		return "used by"
	case "mitigates":
		return "mitigated by"
	case "indicates":
		return "indicated by"
	case "targets":
		return "targeted by"
	case "attributed-to":
		return "to which is attributed"
	case "subtechnique-of":
		return "has sub-technique"
	case "detects":
		return "detected by"
	case "revoked-by":
		return "replaces"
	case "related-to":
		return "related to"
	}
	return rel + " (by)"
}

// objectLabel names a stored object with its ATT&CK id and STIX id.
func objectLabel(o *store.Stored) string {
	name := o.Name
	if name == "" {
		name = o.Type
	}
	if ext := attackIDOf(o.Object); ext != "" {
		name += " " + code(ext)
	}
	return name + " [" + code(string(o.ID)) + "]"
}

// Patterns that clean ATT&CK descriptions for plain reading.
var (
	citation = regexp.MustCompile(`\s*\(Citation:[^)]*\)`)
	mdLink   = regexp.MustCompile(`\[([^\]]+)\]\([^)]*\)`)
	htmlTag  = regexp.MustCompile(`</?code>`)
)

// plainDescription returns the first paragraph of a description, without
// citations, links or code tags.
func plainDescription(s string) string {
	s = citation.ReplaceAllString(s, "")
	s = mdLink.ReplaceAllString(s, "$1")
	s = htmlTag.ReplaceAllString(s, "")
	s = strings.TrimSpace(s)
	if i := strings.Index(s, "\n"); i >= 0 {
		s = s[:i]
	}
	return strings.Join(strings.Fields(s), " ")
}

// firstSentences returns at most n sentences from the start of s.
func firstSentences(s string, n int) string {
	sents := splitSentences(s)
	if len(sents) == 0 {
		return ""
	}
	last := sents[min(n, len(sents))-1]
	return s[sents[0].start:last.end]
}

// details are fields of an object that the store does not index.
type details struct {
	Phases []struct {
		Chain string `json:"kill_chain_name"`
		Phase string `json:"phase_name"`
	} `json:"kill_chain_phases"`
	Detection string `json:"x_mitre_detection"`
	Pattern   string `json:"pattern"`
}

// detailsOf reads the details from the object's JSON; a field that does
// not decode is left empty.
func detailsOf(o *store.Stored) details {
	var d details
	_ = json.Unmarshal(o.Raw, &d)
	return d
}

// tactics returns the ATT&CK tactics (kill-chain phases) of a technique,
// as words: "defense evasion, privilege escalation".
func (d details) tactics() string {
	var out []string
	for _, p := range d.Phases {
		out = append(out, strings.ReplaceAll(p.Phase, "-", " "))
	}
	return strings.Join(out, ", ")
}

// kindWords says in plain words what a STIX type is.
func kindWords(typ string) string {
	switch typ {
	case "attack-pattern":
		return "an ATT&CK technique, a way adversaries act"
	case "x-mitre-tactic":
		return "an ATT&CK tactic, a goal adversaries pursue"
	case "intrusion-set":
		return "a threat group (intrusion set)"
	case "threat-actor":
		return "a threat actor"
	case "campaign":
		return "a campaign, a set of attacks with one purpose"
	case "malware":
		return "malware, code written to do harm"
	case "tool":
		return "a tool, legitimate software that adversaries also use"
	case "vulnerability":
		return "a vulnerability, a flaw that attackers can exploit"
	}
	return "a " + typ
}
