package kb

import (
	"strings"
	"unicode"
)

// stopwords are words of a question that say nothing about its subject.
var stopwords = set(`a about above after again against all also am an and any are as at be been before being
below between both but by can could did do does doing done during each either ever few for from further
get gets give had has have having he her here hers him his how i if in into is it its itself just know known
let list me more most my no nor not now of off on once only or other our ours out over own please said same
say says she should show so some such tell than that the their theirs them then there these they this those
through to too under until up us very was we were what whatever when where which while who whom whose why
will with would you your yours hold held kb knowledge base information info anything something things thing
`)

func set(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

// words splits text into lowercase letters-and-digits words.
func words(text string) []string {
	return strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

// contentTerms are the distinct words of a question that are not stopwords.
func contentTerms(question string) []string {
	var out []string
	seen := map[string]bool{}
	for _, w := range words(question) {
		if stopwords[w] || seen[w] || (len(w) < 2 && !unicode.IsDigit(rune(w[0]))) {
			continue
		}
		seen[w] = true
		out = append(out, w)
	}
	return out
}

// intentWords map words of a question to the STIX types it asks for.
var intentWords = map[string][]string{
	"technique": {"attack-pattern"}, "techniques": {"attack-pattern"}, "ttp": {"attack-pattern"},
	"ttps": {"attack-pattern"}, "behaviour": {"attack-pattern"}, "behavior": {"attack-pattern"},
	"behaviors": {"attack-pattern"}, "behaviours": {"attack-pattern"},
	"mitigation": {"course-of-action"}, "mitigations": {"course-of-action"}, "mitigate": {"course-of-action"},
	"mitigates": {
		"course-of-action",
	}, "countermeasure": {"course-of-action"}, "countermeasures": {"course-of-action"},
	"defend": {"course-of-action"}, "prevent": {"course-of-action"},
	"malware": {"malware"}, "software": {"malware", "tool"}, "implant": {"malware"}, "implants": {"malware"},
	"trojan": {"malware"}, "backdoor": {"malware"}, "tool": {"tool"}, "tools": {"tool"},
	"group": {"intrusion-set", "threat-actor"}, "groups": {"intrusion-set", "threat-actor"},
	"actor": {"threat-actor", "intrusion-set"}, "actors": {"threat-actor", "intrusion-set"},
	"campaign": {"campaign"}, "campaigns": {"campaign"},
	"indicator": {"indicator"}, "indicators": {"indicator"}, "ioc": {"indicator"}, "iocs": {"indicator"},
	"report": {"report"}, "reports": {"report"},
	"detect": {"x-mitre-data-component"}, "detection": {"x-mitre-data-component"},
	"detections": {"x-mitre-data-component"}, "component": {"x-mitre-data-component"},
	"components": {
		"x-mitre-data-component",
	}, "source": {"x-mitre-data-source"}, "sources": {"x-mitre-data-source"},
	"asset": {"x-mitre-asset"}, "assets": {"x-mitre-asset"},
	"tactic": {"x-mitre-tactic"}, "tactics": {"x-mitre-tactic"},
	"vulnerability": {"vulnerability"}, "vulnerabilities": {"vulnerability"}, "cve": {"vulnerability"},
	"sighting": {"sighting"}, "sightings": {"sighting"}, "observed": {"observed-data"},
	"identity": {"identity"}, "organization": {"identity"}, "organisation": {"identity"},
	"location": {"location"}, "country": {"location"},
	"infrastructure": {"infrastructure"},
}

// intent returns the STIX types a question asks for, with the weight of
// each: the types of the first such word (what the question is after)
// weigh primaryWeight, later ones otherWeight.
func intent(question string) map[string]float64 {
	want := map[string]float64{}
	for _, w := range words(question) {
		weight := otherWeight
		if len(want) == 0 {
			weight = primaryWeight
		}
		for _, t := range intentWords[w] {
			if want[t] == 0 {
				want[t] = weight
			}
		}
	}
	return want
}

// Intent weights of the types a question asks for.
const (
	primaryWeight = 3.0
	otherWeight   = 1.5
)

// properNouns are the words of a question written as names: capitalised
// or with digits inside, not at its start.
func properNouns(question string) []string {
	var out []string
	fields := strings.FieldsFunc(question, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-'
	})
	for i, f := range fields {
		f = strings.Trim(f, "-")
		if f == "" || stopwords[strings.ToLower(f)] {
			continue
		}
		r := []rune(f)
		named := i > 0 && unicode.IsUpper(r[0])
		mixed := strings.ContainsFunc(f, unicode.IsDigit) && strings.ContainsFunc(f, unicode.IsLetter)
		if named || mixed {
			out = append(out, strings.ToLower(f))
		}
	}
	return out
}
