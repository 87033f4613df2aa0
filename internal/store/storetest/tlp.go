package storetest

import (
	"slices"
	"testing"

	"github.com/tipster-cti/tipster/internal/stix"
	"github.com/tipster-cti/tipster/internal/store"
)

// Objects of the OASIS examples marked with TLP 1.0 definitions.
const (
	tlp1AmberIndicator = stix.ID("indicator--33fe3b22-0201-47cf-85d0-97c02164528d")
	tlp1RedActor       = stix.ID("threat-actor--8b6297fe-cae7-47c6-9256-5584b417849c")
	tlp1RedRel         = stix.ID("relationship--3d1dd3cc-eb47-4704-9c77-ceff2971b95c")
	// granularIndicator has TLP 1.0 RED, AMBER and GREEN granular markings
	// on parts of it; its own level is the highest, RED.
	granularIndicator = stix.ID("indicator--1ed8caa7-a708-4706-b651-f1186ede6ca1")
)

// testTLPFilter filters by an object's own level over objects marked with
// TLP 1.0 definitions (the OASIS examples) and TLP 2.0 ones (the
// clearance fixture).
func (c suite) testTLPFilter(t *testing.T, s store.Store) {
	c.importFile(t, s, "cti-documentation/using-marking-definitions.json")
	c.importFile(t, s, "cti-documentation/using-granular-markings.json")
	LoadClearanceFixture(t, s)
	cases := []struct {
		name   string
		viewer store.Viewer
		level  stix.TLP
		want   []stix.ID
	}{
		{"TLP:AMBER finds the object marked with the TLP 1.0 definition", store.LocalAdmin, stix.TLPAmber,
			[]stix.ID{tlp1AmberIndicator}},
		{
			"TLP:RED finds TLP 1.0 and 2.0 objects, granular markings counted, but not a green report of red contents",
			store.LocalAdmin,
			stix.TLPRed,
			[]stix.ID{tlp1RedActor, tlp1RedRel, granularIndicator, redSet},
		},
		{"TLP:GREEN finds the objects marked green, the report of red contents included", store.LocalAdmin,
			stix.TLPGreen, []stix.ID{greenMal, greenReport, mixedReport}},
		{"a green viewer finds nothing red", greenViewer, stix.TLPRed, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			page, err := s.Search(ctx, c.viewer, store.Query{TLP: &c.level, Types: []string{
				"indicator", "threat-actor", "relationship", "intrusion-set", "malware", "report"}})
			if err != nil {
				t.Fatal(err)
			}
			var got []stix.ID
			for _, o := range page.Objects {
				got = append(got, o.ID)
			}
			slices.Sort(got)
			want := slices.Sorted(slices.Values(c.want))
			if !slices.Equal(got, want) {
				t.Errorf("objects at %s = %v, want %v", c.level, got, want)
			}
		})
	}
}
