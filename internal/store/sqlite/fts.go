package sqlite

import (
	"context"
	"encoding/hex"
	"fmt"
)

// The full-text index objects_fts holds no copy of the text it indexes and
// no per-row column sizes (migration 0006): both would cost a b-tree row per
// object at import and a lookup per match at search. The price is that a
// row can only be removed by giving the index the very text it was given,
// so ftsRows is the one place that text is made, from what objects and
// documents hold, when a row is added and when it is removed.

// ftsRows selects, for the objects that a condition on o picks, the rowid,
// name, aliases, body and kind that objects_fts holds: the stored columns
// (aliases newline-separated), the description followed by a report's
// document text, and one word for the type. Objects with no text at all
// hold no row. The index is filled from the stored rows, not from values
// bound by the importer: one statement then indexes a whole batch, and
// SQLite flushes the index's pending terms once per statement.
const ftsRows = `SELECT seq, name, aliases, body, kind FROM (
	SELECT o.seq, o.name, o.aliases, 'k' || lower(hex(o.type)) AS kind,
		o.description || CASE WHEN coalesce(d.text, '') <> '' THEN char(10) || char(10) || d.text ELSE '' END AS body
	FROM objects o LEFT JOIN documents d ON o.type = 'report' AND d.report_id = o.id
	WHERE %s
) WHERE name <> '' OR aliases <> '' OR body <> ''`

// kindToken is the one word that the kind column holds for a type: the
// index then filters by type as it matches words, instead of a lookup in
// objects per match. Hex keeps every type one word and no two types alike;
// it is what ftsRows computes in SQL.
func kindToken(typ string) string { return "k" + hex.EncodeToString([]byte(typ)) }

var (
	ftsIndexRangeSQL = `INSERT INTO objects_fts (rowid, name, aliases, body, kind) ` +
		fmt.Sprintf(ftsRows, `o.seq >= ? AND o.seq < ?`)
	ftsIndexSQL = `INSERT INTO objects_fts (rowid, name, aliases, body, kind) ` +
		fmt.Sprintf(ftsRows, `o.seq = ?`)
	ftsUnindexSQL = `INSERT INTO objects_fts (objects_fts, rowid, name, aliases, body, kind)
		SELECT 'delete', * FROM (` + fmt.Sprintf(ftsRows, `o.seq = ?`) + `)`
)

// ftsIndex adds the full-text row of the object at seq, from its stored
// columns and document, as they are now.
func ftsIndex(ctx context.Context, tx execer, seq int64) error {
	if _, err := tx.ExecContext(ctx, ftsIndexSQL, seq); err != nil {
		return fmt.Errorf("sqlite: index %d: %w", seq, err)
	}
	return nil
}

// ftsUnindex removes the full-text row of the object at seq by restating
// its text. It must run before its stored columns or its document change.
func ftsUnindex(ctx context.Context, tx execer, seq int64) error {
	if _, err := tx.ExecContext(ctx, ftsUnindexSQL, seq); err != nil {
		return fmt.Errorf("sqlite: unindex %d: %w", seq, err)
	}
	return nil
}
