package ingest_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tipster-cti/tipster/internal/ingest"
	"github.com/tipster-cti/tipster/internal/stix"
)

const sharedData = "../../../shared/data"

// TestEveryRealFileImportsWithTheRightOutcome imports each file of the real
// data the issue names into a fresh store: valid objects in, each invalid
// case refused with a precise reason.
func TestEveryRealFileImportsWithTheRightOutcome(t *testing.T) {
	cases := []struct {
		file     string
		imported int    // created, updated or unchanged (a fresh store holds only the built-in markings)
		upgraded int    // objects upgraded from STIX 2.0
		skipped  int    // objects refused
		reason   string // part of the first refusal's reason, or of the error
		notJSON  bool   // the whole file is refused
	}{
		{file: "cti-documentation/apt1.json", imported: 76},
		{file: "cti-documentation/poisonivy.json", imported: 155},
		{file: "cti-documentation/defining-campaigns-threat-actors-intrusion-sets.json", imported: 26},
		{file: "cti-documentation/sighting-of-observed-data.json", imported: 8},
		{file: "cti-documentation/using-marking-definitions.json", imported: 4},
		{file: "cti-documentation/using-granular-markings.json", imported: 4},
		{file: "attack-v14/ics-attack.json", imported: 1794},
		{file: "attack-v14/mobile-attack.json", imported: 2186, skipped: 1, reason: "before created"},
		{file: "tram/attack-stix20/pre-attack.json", imported: 268, upgraded: 268},
		// A bare array of 82 observables, 12 of which repeat an id.
		{file: "cti-python-stix2/sco-examples-bundle.json", imported: 82},
		{file: "misp-stix/test_events_collection_stix21.json", imported: 20},
		{file: "misp-stix/test_objects_collection_stix21.json", imported: 18},
		{file: "cti-stix-validator/v21/identity.json", imported: 1},
		{file: "cti-stix-validator/v21/identity_custom.json", imported: 1},
		{file: "cti-stix-validator/v21/identity_unicode.json", imported: 1},
		{file: "cti-stix-validator/v21/tlp-amber.json", imported: 1},
		{file: "cti-stix-validator/v21/invalid_identity.json", skipped: 1, reason: `missing required property "modified"`},
		{file: "cti-stix-validator/v21/invalid_timestamp.json", skipped: 1, reason: "modified 2015-08-08T15:50:10.983Z is before created"},
		{file: "cti-stix-validator/v21/invalid_comma.json", notJSON: true, reason: "invalid character ','"},
		{file: "cti-stix-validator/v21/invalid_braces.json", notJSON: true, reason: "invalid character '<'"},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(sharedData, c.file))
			if err != nil {
				t.Skipf("real data not available (%v): it lives in ../shared beside the checkout", err)
			}
			st := openStore(t)
			sum, err := ingest.Bundle(context.Background(), st, strings.NewReader(string(data)), ingest.Options{})
			if c.notJSON {
				var se *stix.SyntaxError
				if !errors.As(err, &se) || !strings.Contains(err.Error(), c.reason) {
					t.Fatalf("error %v, want a syntax error mentioning %q", err, c.reason)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := sum.Created + sum.Updated + sum.Unchanged; got != c.imported {
				t.Errorf("imported %d (%+v), want %d", got, sum, c.imported)
			}
			if sum.Upgraded != c.upgraded {
				t.Errorf("upgraded %d, want %d", sum.Upgraded, c.upgraded)
			}
			if len(sum.Skipped) != c.skipped {
				t.Fatalf("skipped %v, want %d", sum.Skipped, c.skipped)
			}
			if c.skipped > 0 && !strings.Contains(sum.Skipped[0].Reason, c.reason) {
				t.Errorf("reason %q does not say %q", sum.Skipped[0].Reason, c.reason)
			}
		})
	}
}
