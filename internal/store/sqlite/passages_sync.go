package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/tipster-cti/tipster/internal/ai/kb/index"
)

const staleQuery = `SELECT o.seq, o.id, o.type, o.name, o.aliases, o.description, o.raw, o.eff_tlp,
	coalesce(d.text, ''), ` + fingerprintExpr + `
	FROM objects o
	LEFT JOIN documents d ON d.report_id = o.id
	LEFT JOIN passage_sources s ON s.object_seq = o.seq
	WHERE s.object_seq IS NULL OR s.fingerprint <> ` + fingerprintExpr + `
	ORDER BY o.seq LIMIT ?`

// fingerprintExpr changes whenever an object's passages could.
const fingerprintExpr = `(o.modified || '|' || length(o.raw) || '|' || coalesce(d.sha256, ''))`

// SyncBatch cuts one batch of stale objects in one transaction.
func (r *PassageRepo) SyncBatch(ctx context.Context, limit int) (index.SyncStats, error) {
	var st index.SyncStats
	tx, err := r.db.BeginTx(ctx, nil)
	if err != nil {
		return st, fmt.Errorf("sqlite: passage sync: %w", err)
	}
	defer tx.Rollback()
	srcs, err := staleSources(ctx, tx, limit)
	if err != nil {
		return st, err
	}
	w, err := newPassageWriter(ctx, tx)
	if err != nil {
		return st, err
	}
	defer w.close()
	seqs := make([]any, 0, len(srcs))
	for _, src := range srcs {
		n, err := w.write(ctx, src)
		if err != nil {
			return st, err
		}
		st.Objects++
		st.Passages += n
		seqs = append(seqs, src.Seq)
	}
	if err := writeLevels(ctx, tx, seqs); err != nil {
		return st, err
	}
	if st.Objects > 0 {
		if err := bumpPassages(ctx, tx); err != nil {
			return st, err
		}
	}
	if err := tx.Commit(); err != nil {
		return st, fmt.Errorf("sqlite: passage sync commit: %w", err)
	}
	return st, nil
}

// writeLevels gives the passages of the objects cut (seqs) their object's
// level in passage_levels, new passages and those whose object's level
// changed, in one statement for the batch: one per passage would add a
// tenth to the sync.
func writeLevels(ctx context.Context, tx *sql.Tx, seqs []any) error {
	if len(seqs) == 0 {
		return nil
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO passage_levels (id, tlp)
		SELECT p.id, s.tlp FROM passages p JOIN passage_sources s ON s.object_seq = p.object_seq
		WHERE p.object_seq IN (`+marks(len(seqs))+`)
		ON CONFLICT (id) DO UPDATE SET tlp = excluded.tlp WHERE tlp <> excluded.tlp`, seqs...)
	if err != nil {
		return fmt.Errorf("sqlite: passage levels: %w", err)
	}
	return nil
}

// staleSources reads the objects whose passages are missing or stale.
func staleSources(ctx context.Context, tx *sql.Tx, limit int) ([]index.Source, error) {
	rows, err := tx.QueryContext(ctx, staleQuery, limit)
	if err != nil {
		return nil, fmt.Errorf("sqlite: read stale objects: %w", err)
	}
	defer rows.Close()
	var srcs []index.Source
	for rows.Next() {
		var s index.Source
		var aliases string
		if err := rows.Scan(&s.Seq, &s.ID, &s.Type, &s.Name, &aliases, &s.Description, &s.Raw, &s.Level,
			&s.Document, &s.Fingerprint); err != nil {
			return nil, fmt.Errorf("sqlite: read stale objects: %w", err)
		}
		s.Aliases = index.SplitAliases(aliases)
		srcs = append(srcs, s)
	}
	return srcs, rows.Err()
}

// passageWriter writes the passages of objects inside one sync transaction.
type passageWriter struct {
	stmts map[string]*sql.Stmt
	cut   *index.Cutter
}

var passageWriterSQL = map[string]string{
	"old":      `SELECT id, ord, text FROM passages WHERE object_seq = ? ORDER BY ord`,
	"insert":   `INSERT INTO passages (object_seq, object_id, ord, text) VALUES (?, ?, ?, ?)`,
	"update":   `UPDATE passages SET text = ? WHERE id = ?`,
	"delete":   `DELETE FROM passages WHERE id = ?`,
	"delVecs":  `DELETE FROM passage_vectors WHERE passage_id = ?`,
	"ftsAdd":   `INSERT INTO passages_fts (rowid, head, body) VALUES (?, ?, ?)`,
	"ftsDel":   `DELETE FROM passages_fts WHERE rowid = ?`,
	"delLevel": `DELETE FROM passage_levels WHERE id = ?`,
	"source":   `INSERT INTO passage_sources (object_seq, fingerprint, tlp) VALUES (?, ?, ?) ON CONFLICT (object_seq) DO UPDATE SET fingerprint = excluded.fingerprint, tlp = excluded.tlp`,
	"nameOfID": `SELECT name, type, raw FROM objects WHERE id = ?`,
}

func newPassageWriter(ctx context.Context, tx *sql.Tx) (*passageWriter, error) {
	w := &passageWriter{stmts: map[string]*sql.Stmt{}}
	for k, q := range passageWriterSQL {
		st, err := tx.PrepareContext(ctx, q)
		if err != nil {
			w.close()
			return nil, fmt.Errorf("sqlite: prepare passage %s: %w", k, err)
		}
		w.stmts[k] = st
	}
	w.cut = index.NewCutter(func(id string) (index.Source, bool) {
		var s index.Source
		err := w.stmts["nameOfID"].QueryRowContext(ctx, id).Scan(&s.Name, &s.Type, &s.Raw)
		return s, err == nil // a missing or unreadable object is named by its id
	})
	return w, nil
}

func (w *passageWriter) close() {
	for _, st := range w.stmts {
		st.Close()
	}
}

// write replaces the passages of src, keeping unchanged ones, and
// returns how many it wrote.
func (w *passageWriter) write(ctx context.Context, src index.Source) (int, error) {
	old, err := w.old(ctx, src.Seq)
	if err != nil {
		return 0, err
	}
	ch := w.cut.Plan(src, old)
	for _, p := range ch.Puts {
		if err := w.put(ctx, src, p); err != nil {
			return 0, err
		}
	}
	for _, id := range ch.Deletes {
		for _, q := range []string{"ftsDel", "delLevel", "delete"} {
			if err := w.exec(ctx, q, id); err != nil {
				return 0, err
			}
		}
	}
	return len(ch.Puts), w.exec(ctx, "source", src.Seq, src.Fingerprint, src.Level)
}

// put writes one new or changed passage and its full-text entry.
func (w *passageWriter) put(ctx context.Context, src index.Source, p index.Put) error {
	id := p.ID
	if id != 0 {
		for _, q := range []string{"ftsDel", "delVecs"} {
			if err := w.exec(ctx, q, id); err != nil {
				return err
			}
		}
		if err := w.exec(ctx, "update", p.Row.Text, id); err != nil {
			return err
		}
	} else {
		res, err := w.stmts["insert"].ExecContext(ctx, src.Seq, src.ID, p.Row.Ord, p.Row.Text)
		if err != nil {
			return fmt.Errorf("sqlite: insert passage of %s: %w", src.ID, err)
		}
		if id, err = res.LastInsertId(); err != nil {
			return fmt.Errorf("sqlite: insert passage of %s: %w", src.ID, err)
		}
	}
	return w.exec(ctx, "ftsAdd", id, p.Row.Head, p.Row.Body)
}

func (w *passageWriter) old(ctx context.Context, seq int64) ([]index.Stored, error) {
	rows, err := w.stmts["old"].QueryContext(ctx, seq)
	if err != nil {
		return nil, fmt.Errorf("sqlite: read passages: %w", err)
	}
	defer rows.Close()
	var out []index.Stored
	for rows.Next() {
		var o index.Stored
		if err := rows.Scan(&o.ID, &o.Ord, &o.Text); err != nil {
			return nil, fmt.Errorf("sqlite: read passages: %w", err)
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

func (w *passageWriter) exec(ctx context.Context, name string, args ...any) error {
	if _, err := w.stmts[name].ExecContext(ctx, args...); err != nil {
		return fmt.Errorf("sqlite: passage %s: %w", name, err)
	}
	return nil
}
