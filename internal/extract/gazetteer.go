package extract

import (
	_ "embed"
	"strings"
	"sync"
)

// Kinds of the entities from the embedded lists.
const (
	kindLocation = "location"
	kindSector   = "identity-sector"
)

var (
	//go:embed gazetteer/locations.txt
	locationsTxt string
	//go:embed gazetteer/sectors.txt
	sectorsTxt string
	//go:embed gazetteer/common.txt
	commonTxt string
)

// embeddedTerm is a name from an embedded list and the canonical name of
// what it names.
type embeddedTerm struct {
	Term
	canon string
}

// embeddedTerms returns the countries, regions and sectors. A location's
// first field is both its canonical name and a name; a sector's first
// field is its STIX industry-sector-ov value and is not itself matched.
var embeddedTerms = sync.OnceValue(func() []embeddedTerm {
	var out []embeddedTerm
	for _, list := range []struct {
		kind, text string
		matchCanon bool
	}{{kindLocation, locationsTxt, true}, {kindSector, sectorsTxt, false}} {
		for line := range strings.Lines(list.text) {
			line = strings.TrimSpace(line)
			if line == "" || line[0] == '#' {
				continue
			}
			names := strings.Split(line, "|")
			if !list.matchCanon {
				names = names[1:]
			}
			canon := strings.Split(line, "|")[0]
			for _, n := range names {
				out = append(out, embeddedTerm{Term{Kind: list.kind, Name: n}, canon})
			}
		}
	}
	return out
})

// commonWords returns the embedded list of common English words.
var commonWords = sync.OnceValue(func() map[string]bool {
	var words []string
	for line := range strings.Lines(commonTxt) {
		if !strings.HasPrefix(line, "#") {
			words = append(words, strings.Fields(line)...)
		}
	}
	return toSet(words)
})
