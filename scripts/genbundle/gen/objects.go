package gen

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/tipster-cti/tipster/internal/stix"
)

// object writes one object of type typ as JSON and remembers its id.
func (g *generator) object(typ string) []byte {
	id := g.author
	if typ != "identity" {
		id = typ + "--" + g.uuid()
	}
	j := &jsonObj{b: g.buf[:0]}
	j.str("type", typ)
	j.str("spec_version", "2.1")
	j.str("id", id)
	created := g.clock
	j.str("created", stamp(created))
	j.str("modified", stamp(created.Add(time.Duration(g.rng.IntN(30*24))*time.Hour)))
	if typ != "identity" {
		j.str("created_by_ref", g.author)
	}
	name := ""
	switch typ {
	case "identity":
		name = "Synthetic Threat Research"
		j.str("name", name)
		j.str("identity_class", "organization")
	case "indicator":
		name = g.indicator(j, created)
	case "malware":
		name = g.malware(j)
	case "attack-pattern":
		name = g.attackPattern(j)
	case "intrusion-set", "threat-actor":
		name = g.actor(j, typ)
	case "vulnerability":
		name = g.vulnerability(j)
	case "relationship":
		g.relationship(j)
	case "report":
		g.report(j, created)
	}
	g.marking(j)
	if g.rng.IntN(3) == 0 {
		j.raw("confidence", strconv.Itoa(g.rng.IntN(101)))
	}
	g.buf = j.end()
	if name != "" {
		g.ring(typ).add(id, name)
	}
	return g.buf
}

func (g *generator) ring(typ string) *ring {
	r := g.rings[typ]
	if r == nil {
		r = &ring{}
		g.rings[typ] = r
	}
	return r
}

func stamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// marking gives 40% of objects no marking and the rest a TLP level, most
// often CLEAR or GREEN.
func (g *generator) marking(j *jsonObj) {
	r := g.rng.IntN(100)
	var t stix.TLP
	switch {
	case r < 40:
		return
	case r < 55:
		t = stix.TLPClear
	case r < 85:
		t = stix.TLPGreen
	case r < 96:
		t = stix.TLPAmber
	default:
		t = stix.TLPRed
	}
	j.strs("object_marking_refs", []string{string(t.MarkingID())})
}

func (g *generator) indicator(j *jsonObj, created time.Time) string {
	var name, pattern string
	switch g.rng.IntN(4) {
	case 0:
		ip := fmt.Sprintf(
			"%d.%d.%d.%d",
			1+g.rng.IntN(223),
			g.rng.IntN(256),
			g.rng.IntN(256),
			1+g.rng.IntN(254),
		)
		name, pattern = "Malicious IP "+ip, "[ipv4-addr:value = '"+ip+"']"
	case 1:
		d := g.word() + "-" + g.word() + "." + []string{"com", "net", "org", "info", "xyz"}[g.rng.IntN(5)]
		name, pattern = "C2 domain "+d, "[domain-name:value = '"+d+"']"
	case 2:
		h := fmt.Sprintf(
			"%016x%016x%016x%016x",
			g.rng.Uint64(),
			g.rng.Uint64(),
			g.rng.Uint64(),
			g.rng.Uint64(),
		)
		name, pattern = "Payload hash "+h[:12], "[file:hashes.'SHA-256' = '"+h+"']"
	default:
		u := "https://" + g.word() + ".example/" + g.word() + "/" + g.word() + ".php"
		name, pattern = "Phishing URL "+u, "[url:value = '"+u+"']"
	}
	j.str("name", name)
	j.str("description", g.prose(1+g.rng.IntN(3), "malware"))
	j.strs("indicator_types", []string{"malicious-activity"})
	j.str("pattern", pattern)
	j.str("pattern_type", "stix")
	j.str("valid_from", stamp(created))
	if g.rng.IntN(2) == 0 {
		j.strs("labels", []string{g.word(), g.word()})
	}
	return name
}

func (g *generator) malware(j *jsonObj) string {
	name := g.properName(2 + g.rng.IntN(2))
	j.str("name", name)
	j.str("description", g.prose(2+g.rng.IntN(6), "attack-pattern"))
	j.raw("is_family", "true")
	j.strs(
		"malware_types",
		[]string{[]string{"trojan", "ransomware", "backdoor", "dropper", "worm", "spyware"}[g.rng.IntN(6)]},
	)
	if n := g.rng.IntN(3); n > 0 {
		aliases := make([]string, n)
		for i := range aliases {
			aliases[i] = g.properName(2)
		}
		j.strs("aliases", aliases)
	}
	return name
}

func (g *generator) attackPattern(j *jsonObj) string {
	name := techniques[g.rng.IntN(len(techniques))]
	if g.rng.IntN(2) == 0 {
		name += " via " + g.properName(2)
	}
	ext := fmt.Sprintf("T%04d.%03d", 1000+g.rng.IntN(700), g.rng.IntN(20))
	j.str("name", name)
	j.str("description", g.prose(2+g.rng.IntN(5), ""))
	j.raw("external_references", `[{"source_name":"mitre-attack","external_id":"`+ext+
		`","url":"https://attack.example/techniques/`+ext+`"}]`)
	return name
}

func (g *generator) actor(j *jsonObj, typ string) string {
	name := colours[g.rng.IntN(len(colours))] + " " + animals[g.rng.IntN(len(animals))] + " " + strconv.Itoa(
		g.n,
	)
	j.str("name", name)
	j.str("description", g.prose(3+g.rng.IntN(6), "malware"))
	j.strs("aliases", []string{"APT" + strconv.Itoa(g.n), g.properName(2)})
	if typ == "threat-actor" {
		j.strs("threat_actor_types", []string{"nation-state"})
	}
	return name
}

func (g *generator) vulnerability(j *jsonObj) string {
	cve := fmt.Sprintf("CVE-%d-%d", 2015+g.rng.IntN(10), 1000+g.rng.IntN(60000))
	j.str("name", cve)
	j.str("description", g.prose(1+g.rng.IntN(3), ""))
	j.raw("external_references", `[{"source_name":"cve","external_id":"`+cve+`"}]`)
	return cve
}

// relTypes are the relationships written, by their ends.
var relTypes = []struct{ src, rel, dst string }{
	{"indicator", "indicates", "malware"},
	{"intrusion-set", "uses", "malware"},
	{"intrusion-set", "uses", "attack-pattern"},
	{"malware", "uses", "attack-pattern"},
	{"malware", "exploits", "vulnerability"},
	{"intrusion-set", "attributed-to", "threat-actor"},
}

func (g *generator) relationship(j *jsonObj) {
	rt := relTypes[g.rng.IntN(len(relTypes))]
	src, dst := g.ring(rt.src), g.ring(rt.dst)
	si, di := g.rng.IntN(len(src.ids)), g.rng.IntN(len(dst.ids))
	j.str("relationship_type", rt.rel)
	if g.rng.IntN(3) == 0 {
		j.str("description", src.names[si]+" "+rt.rel+" "+dst.names[di]+". "+g.prose(1, ""))
	}
	j.str("source_ref", src.ids[si])
	j.str("target_ref", dst.ids[di])
}

func (g *generator) report(j *jsonObj, created time.Time) {
	actors, mal := g.ring("intrusion-set"), g.ring("malware")
	a, m := actors.names[g.rng.IntN(len(actors.names))], mal.names[g.rng.IntN(len(mal.names))]
	j.str("name", a+" deploys "+m+" against "+common[60+g.rng.IntN(10)])
	j.str("description", g.prose(3+g.rng.IntN(10), "intrusion-set"))
	j.str("published", stamp(created))
	j.strs("report_types", []string{"threat-report"})
	seen := map[string]bool{}
	var refs []string
	for range 5 + g.rng.IntN(36) {
		typ := []string{"indicator", "indicator", "malware", "attack-pattern", "intrusion-set", "vulnerability"}[g.rng.IntN(6)]
		r := g.ring(typ)
		if id := r.ids[g.rng.IntN(len(r.ids))]; !seen[id] {
			seen[id] = true
			refs = append(refs, id)
		}
	}
	j.strs("object_refs", refs)
}

// word is one word of the vocabulary, drawn with a Zipf distribution.
func (g *generator) word() string { return g.vocab[g.zipf.Uint64()] }

// properName is a capitalised name of n syllables.
func (g *generator) properName(n int) string {
	var b strings.Builder
	for range n {
		b.WriteString(syllables[g.rng.IntN(len(syllables))])
	}
	s := b.String()
	return strings.ToUpper(s[:1]) + s[1:]
}

// prose is n sentences of 6 to 24 words; one in three names an object of
// type mention, when given.
func (g *generator) prose(n int, mention string) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte(' ')
		}
		words := 6 + g.rng.IntN(19)
		for k := range words {
			w := g.word()
			if k == 0 {
				w = strings.ToUpper(w[:1]) + w[1:]
			} else {
				b.WriteByte(' ')
			}
			b.WriteString(w)
		}
		if r := g.rings[mention]; r != nil && g.rng.IntN(3) == 0 {
			b.WriteString(" linked to " + r.names[g.rng.IntN(len(r.names))])
		}
		b.WriteByte('.')
	}
	return b.String()
}
