package ai

import (
	"regexp"
	"sort"
	"strings"

	"github.com/tipster-cti/tipster/internal/extract"
)

// FlagKind names a problem found in an answer.
type FlagKind string

// The flags an answer can carry.
const (
	// FlagIndicatorMissing: an indicator of the input is not in a rewrite
	// (fix-spelling, shorter, longer, change-tone) of it.
	FlagIndicatorMissing FlagKind = "indicator_missing"
	// FlagIndicatorAdded: the answer has an indicator that is in neither
	// its input nor the container's facts.
	FlagIndicatorAdded FlagKind = "indicator_added"
	// FlagUnknownReference: the answer cites a STIX id that is not among
	// the facts it was given.
	FlagUnknownReference FlagKind = "unknown_reference"
	// FlagTruncated: the answer stopped at its token limit.
	FlagTruncated FlagKind = "truncated"
	// FlagPeriodCapped: a digest's period held more reports than one
	// digest covers; the answer says which were left out.
	FlagPeriodCapped FlagKind = "period_capped"
)

// Flag is a problem found in an answer, for the analyst to check.
type Flag struct {
	Kind FlagKind `json:"kind"`
	// Value is the indicator or id concerned, and IndicatorKind its kind
	// (ipv4, sha256, cve, attack-id, stix-id…).
	Value         string `json:"value,omitempty"`
	IndicatorKind string `json:"indicator_kind,omitempty"`
	Message       string `json:"message"`
}

// attackID matches MITRE ATT&CK ids: techniques and sub-techniques
// (T1059.001), tactics (TA0001), groups, software and mitigations.
var attackID = regexp.MustCompile(`\b(?:TA|T|G|S|M)\d{4}(?:\.\d{3})?\b`)

// stixID matches a STIX identifier.
var stixID = regexp.MustCompile(
	`\b[a-z][a-z0-9-]{1,248}[a-z0-9]--[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b`,
)

// indicatorSet holds the normalised indicators of a text, by value.
type indicatorSet map[string]string // value -> kind

func indicatorsOf(text string) indicatorSet {
	set := indicatorSet{}
	for _, in := range extract.Indicators(text) {
		set[strings.ToLower(in.Value)] = string(in.Kind)
	}
	for _, id := range attackID.FindAllString(text, -1) {
		set[strings.ToLower(id)] = "attack-id"
	}
	return set
}

// verifier checks an answer against what the model was given.
type verifier struct {
	op      Operation
	input   string // the content, as given
	facts   string // the facts, rendered
	factIDs map[string]bool
}

// check returns the flags of answer: indicators of a rewrite's input that
// it lost, indicators it has that its input and facts do not, and STIX ids
// it cites that are not facts.
func (v verifier) check(answer string) []Flag {
	in, out := indicatorsOf(v.input), indicatorsOf(answer)
	known := indicatorsOf(v.facts)
	for k, kind := range in {
		known[k] = kind
	}
	haystack := strings.ToLower(v.input + "\n" + v.facts)
	lowAnswer := strings.ToLower(answer)
	var flags []Flag
	if v.op.rewrites() {
		for val, kind := range in {
			if _, ok := out[val]; !ok && !strings.Contains(lowAnswer, val) {
				flags = append(flags, Flag{Kind: FlagIndicatorMissing, Value: val, IndicatorKind: kind,
					Message: "this indicator of the input is missing from the answer"})
			}
		}
	}
	for val, kind := range out {
		if _, ok := known[val]; !ok && !strings.Contains(haystack, val) {
			flags = append(flags, Flag{Kind: FlagIndicatorAdded, Value: val, IndicatorKind: kind,
				Message: "this indicator is in neither the input nor its facts"})
		}
	}
	for _, id := range stixID.FindAllString(answer, -1) {
		if !v.factIDs[id] && !strings.Contains(v.input, id) {
			flags = append(flags, Flag{Kind: FlagUnknownReference, Value: id, IndicatorKind: "stix-id",
				Message: "the answer cites an object that was not among its facts"})
		}
	}
	return dedupe(flags)
}

func dedupe(flags []Flag) []Flag {
	seen := map[Flag]bool{}
	out := flags[:0]
	for _, f := range flags {
		if !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Kind != out[j].Kind {
			return out[i].Kind < out[j].Kind
		}
		return out[i].Value < out[j].Value
	})
	return out
}
