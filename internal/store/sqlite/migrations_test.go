//go:build unix

package sqlite

import (
	"bytes"
	"context"
	"io/fs"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/tipster-cti/tipster/internal/ingest"
	"github.com/tipster-cti/tipster/scripts/genbundle/gen"
)

// TestRefsMigrationKeepsEveryReference puts a store back to the layout
// before migration 0008, references keyed by the referring object's id and
// authors among them, and checks that opening it again keys every
// reference that reads follow by sequence number (0008), losing none and
// inventing none, and drops the others (0009).
func TestRefsMigrationKeepsEveryReference(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	d, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := gen.Write(&buf, gen.Config{Seed: 8, Objects: 3000}); err != nil {
		t.Fatal(err)
	}
	if _, err := ingest.Bundle(ctx, d, &buf, ingest.Options{}); err != nil {
		t.Fatal(err)
	}
	want := allRefs(t, d)
	if len(want) < 3000 {
		t.Fatalf("only %d references to migrate", len(want))
	}
	for _, q := range []string{
		`CREATE TABLE refs_old (source_id TEXT NOT NULL, prop TEXT NOT NULL, target_id TEXT NOT NULL,
			PRIMARY KEY (source_id, prop, target_id)) WITHOUT ROWID`,
		`INSERT INTO refs_old SELECT o.id, r.prop, r.target_id FROM refs r JOIN objects o ON o.seq = r.source_seq`,
		`INSERT INTO refs_old SELECT id, 'created_by_ref', created_by FROM objects WHERE created_by <> ''`,
		`DROP TABLE refs`,
		`ALTER TABLE refs_old RENAME TO refs`,
		`CREATE INDEX refs_target ON refs (target_id, prop)`,
		`DELETE FROM schema_migrations WHERE version IN (8, 9)`,
	} {
		if _, err := d.db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	var authors int
	if err := d.db.QueryRow(`SELECT count(*) FROM refs WHERE prop = 'created_by_ref'`).Scan(&authors); err != nil ||
		authors == 0 {
		t.Fatalf("no authors in the old layout for migration 0009 to drop (%v)", err)
	}
	d.Close()
	if d, err = Open(ctx, dir); err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if got := allRefs(t, d); !slices.Equal(got, want) {
		t.Errorf("after the migration %d references, before %d", len(got), len(want))
	}
	checkLevels(t, d, "after the migration")
}

// allRefs lists every reference as "source prop target", sorted.
func allRefs(t *testing.T, d *DB) []string {
	t.Helper()
	rows, err := d.db.Query(`SELECT o.id || ' ' || r.prop || ' ' || r.target_id
		FROM refs r JOIN objects o ON o.seq = r.source_seq ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

// TestRefsMigrationKeepsWhatImportsWrite checks that migration 0009 keeps
// in refs exactly the properties that imports write there, refProps.
func TestRefsMigrationKeepsWhatImportsWrite(t *testing.T) {
	sqlText, err := fs.ReadFile(migrations, "migrations/0009_refs_read.sql")
	if err != nil {
		t.Fatal(err)
	}
	var kept []string
	list := string(sqlText)[strings.Index(string(sqlText), "NOT IN"):]
	for _, m := range regexp.MustCompile(`'([^']+)'`).FindAllStringSubmatch(list, -1) {
		kept = append(kept, m[1])
	}
	want := slices.Sorted(maps.Keys(refProps))
	if slices.Sort(kept); !slices.Equal(kept, want) {
		t.Errorf("migration 0009 keeps %q, imports write %q", kept, want)
	}
}
