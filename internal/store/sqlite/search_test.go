package sqlite

import (
	"context"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"testing"

	"github.com/tipster-cti/tipster/internal/stix"
	"github.com/tipster-cti/tipster/internal/store"
	"github.com/tipster-cti/tipster/internal/store/storetest"
)

// put imports the objects given as JSON in one batch.
func put(t *testing.T, d *DB, objs ...string) {
	t.Helper()
	ctx := context.Background()
	im, err := d.Import(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer im.Rollback()
	for _, js := range objs {
		o, err := stix.Parse([]byte(js))
		if err != nil {
			t.Fatalf("%s: %v", js, err)
		}
		if _, err := im.Put(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := im.Commit(ctx); err != nil {
		t.Fatal(err)
	}
}

func uuid(n int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", n) }

func malware(n int, modified, name, desc string, extra string) string {
	return fmt.Sprintf(`{"type":"malware","spec_version":"2.1","id":"malware--%s","created":"2024-01-01T00:00:00Z",
		"modified":%q,"name":%q,"description":%q,"is_family":true%s}`, uuid(n), modified, name, desc, extra)
}

// TestSearchIndexFollowsChanges replaces objects and report documents many
// times, then checks that every word matches exactly the objects whose
// current text holds it: the index removes a row by restating its text, so
// a wrong restatement would leave words behind or fail.
func TestSearchIndexFollowsChanges(t *testing.T) {
	ctx := context.Background()
	d, err := Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	words := []string{"red", "green", "blue", "cyan", "magenta", "yellow", "black", "white"}
	current := map[string]string{} // name of object -> its text
	report := func(n int, mod, name, desc string) string {
		return fmt.Sprintf(`{"type":"report","spec_version":"2.1","id":"report--%s","created":"2024-01-01T00:00:00Z",
			"modified":%q,"name":%q,"description":%q,"published":"2024-01-01T00:00:00Z","object_refs":["malware--%s"]}`,
			uuid(n), mod, name, desc, uuid(1))
	}
	for round := 0; round < 6; round++ {
		mod := fmt.Sprintf("2024-01-%02dT00:00:00Z", round+2)
		var objs []string
		for i := 1; i <= 4; i++ {
			name := fmt.Sprintf("obj%d %s", i, words[(i+round)%len(words)])
			desc := words[(i*3+round)%len(words)] + " and " + words[(i+2*round)%len(words)]
			aliases, alias := "", ""
			if round%2 == 1 {
				alias = words[(i+5*round)%len(words)]
				aliases = fmt.Sprintf(`,"aliases":[%q]`, alias)
			}
			objs = append(objs, malware(i, mod, name, desc, aliases))
			current[fmt.Sprintf("obj%d", i)] = name + " " + desc + " " + alias
		}
		rname := "rep " + words[round%len(words)]
		rdesc := words[(round+3)%len(words)]
		objs = append(objs, report(9, mod, rname, rdesc))
		put(t, d, objs...)
		text := ""
		if round%3 != 2 {
			text = "document says " + words[(round+6)%len(words)]
			if err := d.PutDocument(ctx, store.Document{ReportID: stix.ID("report--" + uuid(9)), FileName: "r.txt",
				MediaType: "text/plain", SHA256: "00", Text: text, Original: []byte(text)}); err != nil {
				t.Fatal(err)
			}
		} else if doc, err := d.GetDocument(ctx, store.LocalAdmin, stix.ID("report--"+uuid(9))); err == nil {
			text = doc.Text // the report's new version is indexed with the document it has
		}
		current["rep"] = rname + " " + rdesc + " " + text
		for _, w := range append(slices.Clone(words), "document", "says") {
			var want []string
			for k, txt := range current {
				if slices.Contains(strings.Fields(txt), w) {
					want = append(want, k)
				}
			}
			var got []string
			for _, name := range storetest.SearchNames(t, d, store.LocalAdmin, store.Query{Text: w + " "}) {
				got = append(got, strings.Fields(name)[0])
			}
			// The built-in TLP marking definitions are named with colours.
			got = slices.DeleteFunc(got, func(s string) bool { return strings.HasPrefix(s, "TLP:") })
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("round %d, %q: found %q, want %q", round, w, got, want)
			}
		}
	}
	if _, err := d.db.ExecContext(ctx, `INSERT INTO objects_fts (objects_fts) VALUES ('integrity-check')`); err != nil {
		t.Errorf("index integrity: %v", err)
	}
}

// TestMigrationRebuildsIndexAsImportDoes rebuilds the full-text index with
// the statement of migration 0006 and checks that every word still matches
// the same objects: the migration and ftsRows must make the same rows, or
// later removals would restate text the index never held.
func TestMigrationRebuildsIndexAsImportDoes(t *testing.T) {
	ctx := context.Background()
	d, err := Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	put(t, d,
		malware(1, "2024-01-01T00:00:00Z", "Ivy", "a remote access tool", `,"aliases":["Poison Ivy","Darkmoon"]`),
		malware(2, "2024-01-01T00:00:00Z", "", "", ""),
		`{"type":"report","spec_version":"2.1","id":"report--`+uuid(3)+`","created":"2024-01-01T00:00:00Z",
		"modified":"2024-01-01T00:00:00Z","name":"Quarterly","published":"2024-01-01T00:00:00Z",
		"object_refs":["malware--`+uuid(1)+`"]}`,
	)
	if err := d.PutDocument(ctx, store.Document{ReportID: stix.ID("report--" + uuid(3)), FileName: "q.txt",
		MediaType: "text/plain", SHA256: "00", Text: "the darkmoon campaign", Original: []byte("x")}); err != nil {
		t.Fatal(err)
	}
	words := []string{"ivy", "poison", "darkmoon", "remote", "quarterly", "campaign", "the"}
	before := map[string][]string{}
	for _, w := range words {
		before[w] = storetest.SearchNames(t, d, store.LocalAdmin, store.Query{Text: w})
	}
	sqlText, err := fs.ReadFile(migrations, "migrations/0006_fts_columnsize.sql")
	if err != nil {
		t.Fatal(err)
	}
	s := string(sqlText)
	rebuild := s[strings.Index(s, "INSERT INTO objects_fts"):]
	rebuild = rebuild[:strings.Index(rebuild, ";")+1]
	for _, q := range []string{`INSERT INTO objects_fts (objects_fts) VALUES ('delete-all')`, rebuild} {
		if _, err := d.db.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	for _, w := range words {
		if got := storetest.SearchNames(t, d, store.LocalAdmin, store.Query{Text: w}); !slices.Equal(got, before[w]) {
			t.Errorf("%q after rebuild: %q, before %q", w, got, before[w])
		}
	}
	// A removal restating the text ftsRows makes must leave nothing behind.
	put(t, d, malware(1, "2024-02-01T00:00:00Z", "Renamed", "nothing", ""))
	if got := storetest.SearchNames(t, d, store.LocalAdmin, store.Query{Text: "darkmoon"}); !slices.Equal(got, []string{"Quarterly"}) {
		t.Errorf("darkmoon after renaming: %q", got)
	}
	if _, err := d.db.ExecContext(ctx, `INSERT INTO objects_fts (objects_fts) VALUES ('integrity-check')`); err != nil {
		t.Errorf("index integrity: %v", err)
	}
}
