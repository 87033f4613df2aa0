package kb

import (
	"fmt"
	"regexp"

	"github.com/tipster-cti/tipster/internal/ai"
	"github.com/tipster-cti/tipster/internal/stix"
)

// stixIDPattern matches a STIX identifier in an answer.
var stixIDPattern = regexp.MustCompile(
	`[a-z][a-z0-9-]{1,248}[a-z0-9]--[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}`,
)

// Citation is an object an answer cites or was given.
type Citation struct {
	ID   stix.ID `json:"id"`
	Type string  `json:"type"`
	Name string  `json:"name"`
	TLP  string  `json:"tlp"`
}

// checkCitations keeps the ids of text that were among the facts given
// (all of them visible to the asker) and removes every other, with a flag
// for each: the text returned is the one to show.
func checkCitations(text string, given map[stix.ID]Citation) (string, []Citation, []ai.Flag) {
	var cited []Citation
	var flags []ai.Flag
	seen := map[string]bool{}
	out := stixIDPattern.ReplaceAllStringFunc(text, func(id string) string {
		c, ok := given[stix.ID(id)]
		if !ok {
			if !seen[id] {
				flags = append(
					flags,
					ai.Flag{Kind: ai.FlagUnknownReference, Value: id, IndicatorKind: "stix-id",
						Message: fmt.Sprintf(
							"the answer cited %s, which was not among the facts retrieved for you; the citation was removed",
							id,
						)},
				)
			}
			seen[id] = true
			return "unverified citation removed"
		}
		if !seen[id] {
			cited = append(cited, c)
		}
		seen[id] = true
		return id
	})
	return out, cited, flags
}
