package eval

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/tipster-cti/tipster/internal/extract"
)

// lexiconKinds are the STIX types whose names go into a lexicon.
var lexiconKinds = map[string]bool{
	"attack-pattern": true, "x-mitre-tactic": true, "malware": true, "tool": true,
	"intrusion-set": true, "campaign": true, "threat-actor": true,
}

// stixObject holds the fields of a STIX 2.0 or 2.1 object a lexicon needs.
type stixObject struct {
	Type       string   `json:"type"`
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	Aliases    []string `json:"aliases"`
	MitreAlias []string `json:"x_mitre_aliases"`
	Revoked    bool     `json:"revoked"`
	Deprecated bool     `json:"x_mitre_deprecated"`
	ExtRefs    []struct {
		Source     string `json:"source_name"`
		ExternalID string `json:"external_id"`
	} `json:"external_references"`
}

// TermsFromBundle reads a STIX bundle (such as an ATT&CK release) and
// returns a term per name and per alias of its techniques, tactics,
// software, groups and campaigns, skipping revoked and deprecated ones.
func TermsFromBundle(r io.Reader) ([]extract.Term, error) {
	var b struct {
		Objects []stixObject `json:"objects"`
	}
	if err := json.NewDecoder(r).Decode(&b); err != nil {
		return nil, fmt.Errorf("eval: decode bundle: %w", err)
	}
	var terms []extract.Term
	for _, o := range b.Objects {
		if !lexiconKinds[o.Type] || o.Revoked || o.Deprecated || o.Name == "" {
			continue
		}
		ext := ""
		for _, ref := range o.ExtRefs {
			if strings.HasPrefix(ref.Source, "mitre-") && ref.ExternalID != "" {
				ext = ref.ExternalID
				break
			}
		}
		seen := map[string]bool{}
		for _, n := range append(append([]string{o.Name}, o.Aliases...), o.MitreAlias...) {
			if !seen[n] {
				seen[n] = true
				terms = append(terms, extract.Term{ID: o.ID, Kind: o.Type, Name: n, ExternalID: ext})
			}
		}
	}
	return terms, nil
}
