package sqlite

import (
	"context"
	"database/sql"
	"encoding/hex"
	"fmt"
)

// The full-text index objects_fts holds no copy of the text it indexes and
// no per-row column sizes (migration 0006): both would cost a b-tree row per
// object at import and a lookup per match at search. The price is that a
// row can only be removed by giving the index the very text it was given,
// so ftsText is the one place that text is made, from what objects and
// documents hold, when a row is added and when it is removed.

// ftsText returns the name, aliases, body and kind that objects_fts holds
// for an object, from its stored columns (aliases newline-separated, as in
// objects) and its report text, and whether it holds a row at all.
func ftsText(typ, name, aliases, description, docText string) (n, a, body, kind string, ok bool) {
	body = description
	if docText != "" {
		body += "\n\n" + docText
	}
	return name, aliases, body, kindToken(typ), name != "" || aliases != "" || body != ""
}

// kindToken is the one word that the kind column holds for a type: the
// index then filters by type as it matches words, instead of a lookup in
// objects per match. Hex keeps every type one word and no two types alike.
func kindToken(typ string) string { return "k" + hex.EncodeToString([]byte(typ)) }

// ftsDeleteSQL removes a row by restating what it indexed.
const ftsDeleteSQL = `INSERT INTO objects_fts (objects_fts, rowid, name, aliases, body, kind)
	VALUES ('delete', ?, ?, ?, ?, ?)`

// indexed is what objects holds of an object's text, as its full-text row
// was made from it.
type indexed struct {
	typ, name, aliases, description string
}

// ftsUnindex removes the full-text row of the object at seq, restating its
// text from the stored columns and, for a report, its document's text, and
// returns the columns it read. It must run before either changes.
func ftsUnindex(ctx context.Context, tx *sql.Tx, seq int64) (indexed, error) {
	var o indexed
	var docText sql.NullString
	err := tx.QueryRowContext(ctx, `SELECT o.type, o.name, o.aliases, o.description, d.text
		FROM objects o LEFT JOIN documents d ON o.type = 'report' AND d.report_id = o.id WHERE o.seq = ?`, seq).
		Scan(&o.typ, &o.name, &o.aliases, &o.description, &docText)
	if err != nil {
		return o, fmt.Errorf("sqlite: read indexed text of %d: %w", seq, err)
	}
	n, a, body, kind, ok := ftsText(o.typ, o.name, o.aliases, o.description, docText.String)
	if !ok {
		return o, nil
	}
	if _, err := tx.ExecContext(ctx, ftsDeleteSQL, seq, n, a, body, kind); err != nil {
		return o, fmt.Errorf("sqlite: unindex %d: %w", seq, err)
	}
	return o, nil
}
