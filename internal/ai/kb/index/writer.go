package index

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// writer writes the passages of objects inside one sync transaction.
type writer struct {
	tx    *sql.Tx
	stmts map[string]*sql.Stmt
	names map[string][2]string // id -> name, type, for relationship titles
}

var writerSQL = map[string]string{
	"old":      `SELECT id, ord, text FROM passages WHERE object_seq = ? ORDER BY ord`,
	"insert":   `INSERT INTO passages (object_seq, object_id, ord, text) VALUES (?, ?, ?, ?)`,
	"update":   `UPDATE passages SET text = ? WHERE id = ?`,
	"delete":   `DELETE FROM passages WHERE id = ?`,
	"delVecs":  `DELETE FROM passage_vectors WHERE passage_id = ?`,
	"ftsAdd":   `INSERT INTO passages_fts (rowid, head, body) VALUES (?, ?, ?)`,
	"ftsDel":   `DELETE FROM passages_fts WHERE rowid = ?`,
	"source":   `INSERT INTO passage_sources (object_seq, fingerprint, tlp) VALUES (?, ?, ?) ON CONFLICT (object_seq) DO UPDATE SET fingerprint = excluded.fingerprint, tlp = excluded.tlp`,
	"nameOfID": `SELECT name, type, raw FROM objects WHERE id = ?`,
}

func newWriter(ctx context.Context, tx *sql.Tx) (*writer, error) {
	w := &writer{tx: tx, stmts: map[string]*sql.Stmt{}, names: map[string][2]string{}}
	for k, q := range writerSQL {
		st, err := tx.PrepareContext(ctx, q)
		if err != nil {
			w.close()
			return nil, fmt.Errorf("index: prepare %s: %w", k, err)
		}
		w.stmts[k] = st
	}
	return w, nil
}

func (w *writer) close() {
	for _, st := range w.stmts {
		st.Close()
	}
}

type oldPassage struct {
	id   int64
	text string
}

// write replaces the passages of src, keeping the rows (and so the
// vectors) of passages whose text did not change. It returns how many
// passages it wrote.
func (w *writer) write(ctx context.Context, src source, level int) (int, error) {
	old, err := w.old(ctx, src.seq)
	if err != nil {
		return 0, err
	}
	var rows []row
	if !skipTypes[src.typ] {
		rows = rowsOf(cutOf(src, func(id string) (string, string) { return w.name(ctx, id) }))
	}
	written := 0
	for _, r := range rows {
		o, had := old[r.ord]
		delete(old, r.ord)
		if had && o.text == r.text {
			continue
		}
		if err := w.put(ctx, src, r, o, had); err != nil {
			return 0, err
		}
		written++
	}
	for _, o := range old {
		if err := w.exec(ctx, "ftsDel", o.id); err != nil {
			return 0, err
		}
		if err := w.exec(ctx, "delete", o.id); err != nil {
			return 0, err
		}
	}
	return written, w.exec(ctx, "source", src.seq, src.fingerprint, level)
}

// put writes one new or changed passage and its full-text entry.
func (w *writer) put(ctx context.Context, src source, r row, o oldPassage, had bool) error {
	id := o.id
	if had {
		for _, q := range []string{"ftsDel", "delVecs"} {
			if err := w.exec(ctx, q, id); err != nil {
				return err
			}
		}
		if err := w.exec(ctx, "update", r.text, id); err != nil {
			return err
		}
	} else {
		res, err := w.stmts["insert"].ExecContext(ctx, src.seq, src.id, r.ord, r.text)
		if err != nil {
			return fmt.Errorf("index: insert passage of %s: %w", src.id, err)
		}
		if id, err = res.LastInsertId(); err != nil {
			return fmt.Errorf("index: insert passage of %s: %w", src.id, err)
		}
	}
	return w.exec(ctx, "ftsAdd", id, r.head, r.body)
}

func (w *writer) old(ctx context.Context, seq int64) (map[int]oldPassage, error) {
	rows, err := w.stmts["old"].QueryContext(ctx, seq)
	if err != nil {
		return nil, fmt.Errorf("index: read passages: %w", err)
	}
	defer rows.Close()
	out := map[int]oldPassage{}
	for rows.Next() {
		var o oldPassage
		var ord int
		if err := rows.Scan(&o.id, &ord, &o.text); err != nil {
			return nil, fmt.Errorf("index: read passages: %w", err)
		}
		out[ord] = o
	}
	return out, rows.Err()
}

func (w *writer) exec(ctx context.Context, name string, args ...any) error {
	if _, err := w.stmts[name].ExecContext(ctx, args...); err != nil {
		return fmt.Errorf("index: %s: %w", name, err)
	}
	return nil
}

// name returns the display name and type of an object a relationship
// points to, "" name when it is not stored.
func (w *writer) name(ctx context.Context, id string) (string, string) {
	if n, ok := w.names[id]; ok {
		return n[0], n[1]
	}
	var name, typ string
	var raw []byte
	err := w.stmts["nameOfID"].QueryRowContext(ctx, id).Scan(&name, &typ, &raw)
	if errors.Is(err, sql.ErrNoRows) || err != nil {
		name, typ = id, idType(id)
	} else if name == "" {
		name = titleOf(source{id: id, typ: typ, raw: raw}, extrasOf(raw), nil)
		name = name[:len(name)-len(" ("+typ+")")]
	}
	w.names[id] = [2]string{name, typ}
	return name, typ
}
