package storetest

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/tipster-cti/tipster/internal/stix"
	"github.com/tipster-cti/tipster/internal/store"
)

// attackMalware is a malware object whose name and description may hold
// any text, escaped as JSON.
func attackMalware(n int, modified, name, desc, extra string) string {
	j := func(s string) string { b, _ := json.Marshal(s); return string(b) }
	return fmt.Sprintf(`{"type":"malware","spec_version":"2.1","id":"malware--%s","created":"2024-01-01T00:00:00Z",
		"modified":%q,"name":%s,"description":%s,"is_family":true%s}`, tierUUID(n), modified, j(name), j(desc), extra)
}

// testSearchAttack throws unusual text, filters and cursors at a text
// search: none may fail with anything but a bad-query error, an index must
// hold exactly the current text of every object after each kind of update,
// and an alias is matched whole, never across two aliases.
func testSearchAttack(t *testing.T, s store.Store) {
	const m1, m2, m3 = "2024-01-01T00:00:00Z", "2024-01-02T00:00:00Z", "2024-01-03T00:00:00Z"
	ImportJSON(t, s, "["+strings.Join([]string{
		attackMalware(1, m1, "Multi", "aliases across lines", `,"aliases":["one two","three"]`),
		attackMalware(2, m1, "one two three", "all the words in its name", ""),
		attackMalware(3, m1, "Phish kit", "T1566 and CVE-2021-44228",
			`,"external_references":[{"source_name":"mitre-attack","external_id":"T1566"}]`),
		attackMalware(4, m1, "NEAR AND OR NOT", "operators as words", ""),
	}, ",")+"]")

	// Text, filters and cursors no store can hold: never an error.
	queries := []store.Query{
		{Text: "multi\x00"}, {Text: "\x00"}, {Text: "multi\xff"}, {Text: "\xffmulti"}, {Text: "mul\xffti"},
		{Text: "multi", Label: "a\x00b"}, {Text: "multi", ExternalID: "T\x00"}, {Text: "multi", ExternalID: "\xff"},
		{Text: "multi", CreatedBy: "identity--\x00"}, {Text: "multi", Marking: "x\x00"},
		{Text: "multi", Types: []string{"mal\x00ware"}}, {Text: "multi", Types: []string{"mal\xffware"}},
		{Label: "\xff"}, {ExternalID: "\x00"},
		{Text: `" * ^ ( ) :* & | ! ' \ {name} : NEAR( AND OR NOT -`}, {Text: "k6d616c77617265"},
		{Text: strings.Repeat("multi ", 1<<17)}, {Text: strings.Repeat("m", 1<<20)},
	}
	for _, q := range queries {
		if _, err := s.Search(ctx, store.LocalAdmin, q); err != nil {
			t.Errorf("search %.60q (label %q, external id %q, types %q): %v", q.Text, q.Label, q.ExternalID, q.Types, err)
		}
	}
	for text, want := range map[string][]string{
		"multi\x00":  {"Multi"},
		"multi\xff":  {"Multi"},
		"\xffmulti":  {"Multi"},
		"NOT":        {"NEAR AND OR NOT"},
		"near(":      {"NEAR AND OR NOT"},
		"T1566":      {"Phish kit"},
		"cve-2021-4": {"Phish kit"},
	} {
		if got := SearchNames(t, s, store.LocalAdmin, store.Query{Text: text}); !slices.Equal(got, want) {
			t.Errorf("search %q: %q, want %q", text, got, want)
		}
	}
	// A cursor that this server did not issue is refused, not read.
	for _, c := range []string{"!!!", "MTpOYU4" /* 1:NaN */, "MTpJbmY" /* 1:Inf */, "MTotSW5m", /* 1:-Inf */
		"LTE6MQ" /* -1:1 */, "MDow" /* 0:0 */, "MTotMQ" /* 1:-1 */, b64("1:3.5"), b64("1:"), b64(":1"), b64("1:2:3")} {
		_, err := s.Search(ctx, store.LocalAdmin, store.Query{Text: "multi", Cursor: c})
		if err == nil {
			t.Errorf("cursor %q accepted", c)
		}
	}

	// An alias is one line of an object's aliases: text spanning two of
	// them names no alias, so the object whose name holds the words, newer,
	// comes first, as in a store that keeps aliases apart.
	if got, want := SearchNames(t, s, store.LocalAdmin, store.Query{Text: "one two\nthree"}),
		[]string{"one two three", "Multi"}; !slices.Equal(got, want) {
		t.Errorf("text across two aliases: %q, want %q", got, want)
	}
	if got, want := SearchNames(t, s, store.LocalAdmin, store.Query{Text: "one two"}),
		[]string{"Multi", "one two three"}; !slices.Equal(got, want) {
		t.Errorf("a whole alias: %q, want %q", got, want)
	}

	// The index holds the current text and only that, whatever changed.
	expect := func(step string, found map[string][]string) {
		t.Helper()
		for text, want := range found {
			got := SearchNames(t, s, store.LocalAdmin, store.Query{Text: text})
			if !slices.Equal(got, want) && !(len(got) == 0 && len(want) == 0) {
				t.Errorf("%s: search %q: %q, want %q", step, text, got, want)
			}
		}
	}
	ImportJSON(t, s, attackMalware(10, m1, "oldname", "olddesc", `,"aliases":["oldalias"]`))
	ImportJSON(t, s, attackMalware(10, m2, "", "", ""))
	expect("emptied", map[string][]string{"oldname": nil, "oldalias": nil, "olddesc": nil})
	ImportJSON(t, s, attackMalware(10, m3, "newname", "newdesc", `,"aliases":["newalias",""," "]`))
	ImportJSON(t, s, attackMalware(10, m3, "newname", "newdesc", `,"aliases":["newalias",""," "]`))
	ImportJSON(t, s, attackMalware(10, m2, "stale", "stale", ""))
	expect("refilled", map[string][]string{"oldname": nil, "newname": {"newname"}, "newalias": {"newname"},
		"newdesc": {"newname"}, "stale": nil})
	ImportJSON(t, s, "["+attackMalware(11, m1, "dupone", "", "")+","+attackMalware(11, m3, "duptwo", "", "")+","+
		attackMalware(11, m2, "dupthree", "", "")+","+attackMalware(11, m3, "dupfour", "", "")+"]")
	expect("duplicates in a bundle", map[string][]string{"dupone": nil, "duptwo": {"duptwo"}, "dupthree": nil,
		"dupfour": nil})
	ImportJSON(t, s, attackMalware(12, m1, `nul\u0000name`, `a\u0000b`, `,"aliases":["al\u0000x"]`))
	ImportJSON(t, s, attackMalware(12, m2, "plain", "", ""))
	expect("NUL replaced", map[string][]string{"nul": nil, "plain": {"plain"}})
	ImportJSON(t, s, attackMalware(13, m1, " ", "\n\n", `,"aliases":["\n"," "]`))
	ImportJSON(t, s, attackMalware(13, m2, "wsgone", "", ""))
	expect("blank replaced", map[string][]string{"wsgone": {"wsgone"}})
	report := func(mod, name, desc string) string {
		return fmt.Sprintf(`{"type":"report","spec_version":"2.1","id":"report--%s","created":"2024-01-01T00:00:00Z",
		"modified":%q,"name":%q,"description":%q,"published":"2024-01-01T00:00:00Z","object_refs":["malware--%s"]}`,
			tierUUID(14), mod, name, desc, tierUUID(10))
	}
	doc := func(text string) {
		t.Helper()
		err := s.PutDocument(ctx, store.Document{ReportID: stix.ID("report--" + tierUUID(14)), FileName: "f.txt",
			MediaType: "text/plain", SHA256: "0", Text: text, Original: []byte(text)})
		if err != nil {
			t.Fatal(err)
		}
	}
	ImportJSON(t, s, report(m1, "repname", "repdesc"))
	doc("docone xyzzy")
	doc("doctwo xyzzy")
	expect("document replaced", map[string][]string{"docone": nil, "doctwo": {"repname"}, "repdesc": {"repname"}})
	ImportJSON(t, s, report(m2, "", ""))
	expect("report emptied", map[string][]string{"repname": nil, "repdesc": nil, "doctwo": {""}})
	doc("")
	expect("document emptied", map[string][]string{"doctwo": nil, "xyzzy": nil})
	ImportJSON(t, s, report(m3, "rep3", ""))
	doc("docthree")
	expect("document again", map[string][]string{"docthree": {"rep3"}, "rep3": {"rep3"}})
}

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
