package api_test

import (
	"net/url"
	"os"
	"slices"
	"testing"

	"github.com/tipster-cti/tipster/internal/store"
	"github.com/tipster-cti/tipster/internal/store/storetest"
)

func TestTheMarkingFilterTakesALevelOrADefinitionID(t *testing.T) {
	data, err := os.ReadFile("../../../shared/data/cti-documentation/using-marking-definitions.json")
	if err != nil {
		t.Skipf("real data not available (%v): it lives in ../shared beside the checkout", err)
	}
	srv, db := newServer(t, store.LocalAdmin)
	storetest.ImportJSON(t, db, string(data))
	storetest.LoadClearanceFixture(t, db)
	const amber1 = "indicator--33fe3b22-0201-47cf-85d0-97c02164528d" // marked with the TLP 1.0 AMBER definition
	cases := []struct {
		name, marking string
		want          []string
	}{
		{"a TLP name finds the level whichever TLP version marks it", "TLP:AMBER", []string{amber1}},
		{"a lower-case name without prefix is the same level", "amber", []string{amber1}},
		{"the TLP 1.0 definition's id finds the objects it marks",
			"marking-definition--f88d31f6-486f-44da-b317-01333bde0b82", []string{amber1}},
		{"the TLP 2.0 definition's id finds only the objects it marks",
			"marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421", nil},
		{"TLP:RED finds the TLP 2.0 red intrusion set", "TLP:RED", []string{string(storetest.FixtureRed)}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out struct {
				Objects []struct{ ID string }
			}
			getJSON(t, srv.URL+"/api/v1/objects?type=indicator,intrusion-set&marking="+url.QueryEscape(c.marking), 200, &out)
			var got []string
			for _, o := range out.Objects {
				got = append(got, o.ID)
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("marking=%s found %v, want %v", c.marking, got, c.want)
			}
		})
	}
}
