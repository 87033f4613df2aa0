package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/tipster-cti/tipster/internal/store/storetest"
)

// hidden is every string by which the TLP:RED intrusion set, the
// relationship pointing at it or the report holding it could leak.
var hidden = []string{
	string(storetest.FixtureRed), string(storetest.FixtureRelToRed), string(storetest.FixtureMixedReport),
	"Crimson Quiet", "secret actor", "Mixed report",
}

// assertNoLeak fails when body mentions any hidden object.
func assertNoLeak(t *testing.T, what, body string) {
	t.Helper()
	for _, s := range hidden {
		if strings.Contains(body, s) {
			t.Errorf("%s leaks %q:\n%s", what, s, body)
		}
	}
}

const absent = "intrusion-set--99999999-9999-4999-8999-999999999999"

// TestGreenCannotReachRed attacks the TLP:RED object as each TLP:GREEN
// user, by API token and by session, through every read endpoint: each
// must answer as if the object did not exist.
func TestGreenCannotReachRed(t *testing.T) {
	h := newHarness(t)
	red, rel, mixed := string(storetest.FixtureRed), string(storetest.FixtureRelToRed), string(storetest.FixtureMixedReport)
	green, greenReport := string(storetest.FixtureGreen), string(storetest.FixtureGreenReport)
	notFound := h.as("green-viewer@example.org", "/api/v1/objects/"+absent)
	if notFound.status != http.StatusNotFound {
		t.Fatalf("an absent object answered %d", notFound.status)
	}
	attacks := []struct {
		name   string
		path   string
		status int
		same   bool // the body must be exactly that of an absent object
	}{
		{"the red object by its id is not found", "/api/v1/objects/" + red, 404, true},
		{"the relationship pointing at it is not found", "/api/v1/objects/" + rel, 404, true},
		{"the green report holding it is not found", "/api/v1/objects/" + mixed, 404, true},
		{"an export of the red object is not found", "/api/v1/objects/" + red + "/bundle", 404, true},
		{"an export of the report holding it is not found", "/api/v1/objects/" + mixed + "/bundle", 404, true},
		{"search by its name finds nothing", "/api/v1/objects?q=Crimson", 200, false},
		{"search by its description finds nothing", "/api/v1/objects?q=secret", 200, false},
		{"search by the holding report's name finds nothing", "/api/v1/objects?q=Mixed", 200, false},
		{"a listing of intrusion sets is empty", "/api/v1/objects?type=intrusion-set", 200, false},
		{"a listing of relationships is empty", "/api/v1/objects?type=relationship", 200, false},
		{"a listing by TLP:RED marking is empty", "/api/v1/objects?marking=TLP:RED", 200, false},
		{"the green malware's page hides the relationship and the report", "/api/v1/objects/" + green, 200, false},
		{"the green report's related reports leave out the mixed one", "/api/v1/objects/" + greenReport, 200, false},
		{"an export of the green malware leaves out what points at it", "/api/v1/objects/" + green + "/bundle", 200, false},
		{"an export of the green report holds only green objects", "/api/v1/objects/" + greenReport + "/bundle", 200, false},
		{"a full listing leaves it out", "/api/v1/objects?limit=1000", 200, false},
	}
	users := []string{"green-viewer@example.org", "green-analyst@example.org", "green-admin@example.org"}
	for _, email := range users {
		cookie, _ := h.login(email)
		for _, a := range attacks {
			for _, via := range []string{"token", "session"} {
				t.Run(email+" by "+via+": "+a.name, func(t *testing.T) {
					r := request{path: a.path}
					if via == "token" {
						r.token = h.token[email]
					} else {
						r.cookie = cookie
					}
					got := h.do(r)
					if got.status != a.status {
						t.Fatalf("status %d, want %d: %s", got.status, a.status, got.body)
					}
					if a.same && got.body != notFound.body {
						t.Errorf("a hidden object answers differently from an absent one:\n%s\n%s", got.body, notFound.body)
					}
					assertNoLeak(t, a.path, got.body)
				})
			}
		}
	}
}

func TestCountsLeaveOutHiddenObjects(t *testing.T) {
	h := newHarness(t)
	type counts struct {
		Counts map[string]int `json:"counts"`
	}
	green := decodeJSON[counts](t, h.as("green-viewer@example.org", "/api/v1/counts").body).Counts
	all := decodeJSON[counts](t, h.as("admin@example.org", "/api/v1/counts").body).Counts
	for typ, want := range map[string][2]int{"intrusion-set": {0, 1}, "relationship": {0, 1}, "report": {1, 2}, "malware": {1, 1}} {
		if green[typ] != want[0] || all[typ] != want[1] {
			t.Errorf("%s: green sees %d, admin %d; want %d and %d", typ, green[typ], all[typ], want[0], want[1])
		}
	}
}

// TestRedClearanceSeesEverything keeps the attack suite honest: the
// objects it cannot reach exist and are reachable with clearance.
func TestRedClearanceSeesEverything(t *testing.T) {
	h := newHarness(t)
	for _, id := range []string{string(storetest.FixtureRed), string(storetest.FixtureRelToRed), string(storetest.FixtureMixedReport)} {
		if got := h.as("admin@example.org", "/api/v1/objects/"+id); got.status != 200 {
			t.Errorf("a TLP:RED admin got %d for %s", got.status, id)
		}
	}
	if got := h.as("admin@example.org", "/api/v1/objects?q=Crimson"); !strings.Contains(got.body, "Crimson Quiet") {
		t.Errorf("a TLP:RED admin's search missed the red object: %s", got.body)
	}
	got := h.as("admin@example.org", "/api/v1/objects/"+string(storetest.FixtureGreen)+"/bundle")
	if !strings.Contains(got.body, string(storetest.FixtureRelToRed)) {
		t.Errorf("a TLP:RED admin's export left out the relationship: %s", got.body)
	}
}
