package extract

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

var testTerms = []Term{
	{ID: "attack-pattern--ps", Kind: "attack-pattern", Name: "PowerShell", ExternalID: "T1059.001"},
	{ID: "malware--royal", Kind: "malware", Name: "Royal"},
	{ID: "malware--page", Kind: "malware", Name: "Page"},
	{ID: "tool--cs", Kind: "tool", Name: "Cobalt Strike", ExternalID: "S0154"},
	{ID: "tool--cobalt", Kind: "tool", Name: "Cobalt"},
	{ID: "intrusion-set--apt1", Kind: "intrusion-set", Name: "APT1", ExternalID: "G0006"},
	{ID: "intrusion-set--apt1", Kind: "intrusion-set", Name: "Comment Crew"},
	{ID: "tool--at", Kind: "tool", Name: "at"},
	{ID: "attack-pattern--ics", Kind: "attack-pattern", Name: "Drive-by Compromise", ExternalID: "T0817"},
}

// seen is an entity reduced to what a table case states.
type seen struct {
	Kind, Name, ExternalID string
	Matched                []string
}

func reduceEntities(es []Entity) []seen {
	var out []seen
	for _, e := range es {
		out = append(out, seen{e.Kind, e.Name, e.ExternalID, e.Matched})
	}
	return out
}

func TestEntitiesMatchesNamesAliasesAndIds(t *testing.T) {
	lex := NewLexicon(testTerms)
	cases := []struct {
		name string
		text string
		want []seen
	}{
		{"an alias is reported under the canonical name", "Comment Crew (APT1) struck",
			[]seen{{"intrusion-set", "APT1", "G0006", []string{"Comment Crew", "APT1"}}}},
		{"names match in any case", "ran powershell and POWERSHELL",
			[]seen{{"attack-pattern", "PowerShell", "T1059.001", []string{"powershell", "POWERSHELL"}}}},
		{"the longest name wins", "loaded Cobalt Strike beacons",
			[]seen{{"tool", "Cobalt Strike", "S0154", []string{"Cobalt Strike"}}}},
		{"a common word matches only as written or in capitals", "Royal hit a royal flush; ROYAL again",
			[]seen{{"malware", "Royal", "", []string{"Royal", "ROYAL"}}}},
		{"a lowercase short name is never matched", "look at this page", nil},
		{"a known id becomes its entity", "uses T1059.001 daily",
			[]seen{{"attack-pattern", "PowerShell", "T1059.001", []string{"T1059.001"}}}},
		{"an unknown id is reported by pattern", "see t1027 and TA0002",
			[]seen{{"attack-pattern", "", "T1027", []string{"t1027"}}, {"x-mitre-tactic", "", "TA0002", []string{"TA0002"}}}},
		{"an id glued to a word is not an id unless the word is capitalised", "FOOT1329 T1329FUN T1016Remote",
			[]seen{{"attack-pattern", "", "T1016", []string{"T1016"}}}},
		{"a sub-technique of four digits voids the id", "foo T1156.0012 bar", nil},
		{"an unknown id outside ATT&CK's technique range is no id", "codes T9999, T0001 and T2059 are not techniques", nil},
		{"an unknown sub-technique outside ATT&CK's range is no id", "T1059.000 and T1059.123 are not sub-techniques", nil},
		{"an unknown tactic id outside ATT&CK's range is no id", "TA9999 and TA0000 are not tactics", nil},
		{"an id the lexicon knows is kept whatever its range", "ICS technique T0817 seen",
			[]seen{{"attack-pattern", "Drive-by Compromise", "T0817", []string{"T0817"}}}},
		{"ids at the edges of ATT&CK's ranges are kept", "T1001, T1699.009 and TA0111",
			[]seen{{"attack-pattern", "", "T1001", []string{"T1001"}}, {"attack-pattern", "", "T1699.009", []string{"T1699.009"}},
				{"x-mitre-tactic", "", "TA0111", []string{"TA0111"}}}},
		{"demonyms name their country and sectors are canonical", "Iranian actors hit banks in the U.S.",
			[]seen{{"location", "Iran", "", []string{"Iranian"}}, {"identity-sector", "financial-services", "", []string{"banks"}},
				{"location", "United States", "", []string{"U.S"}}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if diff := cmp.Diff(c.want, reduceEntities(lex.Entities(c.text))); diff != "" {
				t.Errorf("Entities(%q) (-want +got):\n%s", c.text, diff)
			}
		})
	}
}

func TestEntitiesWithANilLexiconUsesPatternsAndEmbeddedLists(t *testing.T) {
	var lex *Lexicon
	got := reduceEntities(lex.Entities("Russian group used T1059 against healthcare"))
	want := []seen{
		{"location", "Russia", "", []string{"Russian"}},
		{"attack-pattern", "", "T1059", []string{"T1059"}},
		{"identity-sector", "healthcare", "", []string{"healthcare"}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestEntitiesSpansCoverTheMatchedText(t *testing.T) {
	text := "APT1 and apt1, then Comment\nCrew"
	es := NewLexicon(testTerms).Entities(text)
	if len(es) != 1 {
		t.Fatalf("got %d entities, want 1 (a name does not span a line break)", len(es))
	}
	var got []string
	for _, sp := range es[0].Spans {
		got = append(got, text[sp.Start:sp.End])
	}
	if diff := cmp.Diff([]string{"APT1", "apt1"}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestExtractCombinesIndicatorsAndEntities(t *testing.T) {
	r := Extract("APT1 used 8.8.8.8", NewLexicon(testTerms))
	if len(r.Indicators) != 1 || len(r.Entities) != 1 {
		t.Errorf("Extract = %+v, want one indicator and one entity", r)
	}
}
