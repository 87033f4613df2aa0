package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/tipster-cti/tipster/internal/ai/kb/index"
)

// fingerprintExpr changes whenever an object's passages could.
const fingerprintExpr = `(o.modified || '|' || octet_length(o.raw) || '|' || coalesce(d.sha256, ''))`

const staleQuery = `SELECT o.seq, o.id, o.type, o.name, o.aliases, o.description, o.raw, o.eff_tlp,
	coalesce(d.text, ''), ` + fingerprintExpr + `
	FROM objects o
	LEFT JOIN documents d ON d.report_id = o.id
	LEFT JOIN passage_sources s ON s.object_seq = o.seq
	WHERE s.object_seq IS NULL OR s.fingerprint <> ` + fingerprintExpr + `
	ORDER BY o.seq LIMIT $1`

// SyncBatch cuts one batch of stale objects in one transaction. It holds
// a transaction-scoped advisory lock, so that servers syncing at once
// take turns and each finds what the other left stale, instead of cutting
// the same objects twice.
func (r *PassageRepo) SyncBatch(ctx context.Context, limit int) (index.SyncStats, error) {
	var st index.SyncStats
	tx, err := r.pool.Begin(ctx)
	if err != nil {
		return st, fmt.Errorf("postgres: passage sync: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, `+lockKey("passages")+`)`, lockClass); err != nil {
		return st, fmt.Errorf("postgres: passage sync lock: %w", err)
	}
	srcs, err := staleSources(ctx, tx, limit)
	if err != nil {
		return st, err
	}
	w := newPassageWriter(ctx, tx)
	for _, src := range srcs {
		n, err := w.write(ctx, src)
		if err != nil {
			return st, err
		}
		st.Objects++
		st.Passages += n
	}
	if st.Objects > 0 {
		if err := bumpPassages(ctx, tx); err != nil {
			return st, err
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return st, fmt.Errorf("postgres: passage sync commit: %w", err)
	}
	return st, nil
}

// staleSources reads the objects whose passages are missing or stale.
func staleSources(ctx context.Context, tx pgx.Tx, limit int) ([]index.Source, error) {
	rows, err := tx.Query(ctx, staleQuery, limit)
	if err != nil {
		return nil, fmt.Errorf("postgres: read stale objects: %w", err)
	}
	defer rows.Close()
	var srcs []index.Source
	for rows.Next() {
		var s index.Source
		var aliases string
		if err := rows.Scan(&s.Seq, &s.ID, &s.Type, &s.Name, &aliases, &s.Description, &s.Raw, &s.Level,
			&s.Document, &s.Fingerprint); err != nil {
			return nil, fmt.Errorf("postgres: read stale objects: %w", err)
		}
		s.Aliases = index.SplitAliases(aliases)
		srcs = append(srcs, s)
	}
	return srcs, rows.Err()
}

// passageWriter writes the passages of objects inside one sync transaction.
type passageWriter struct {
	tx  pgx.Tx
	cut *index.Cutter
}

func newPassageWriter(ctx context.Context, tx pgx.Tx) *passageWriter {
	w := &passageWriter{tx: tx}
	w.cut = index.NewCutter(func(id string) (index.Source, bool) {
		var s index.Source
		err := tx.QueryRow(ctx, `SELECT name, type, raw FROM objects WHERE id = $1`, id).
			Scan(&s.Name, &s.Type, &s.Raw)
		return s, err == nil // a missing or unreadable object is named by its id
	})
	return w
}

// ftsExpr is the tsvector of a passage's head ($n) and body ($n+1).
func ftsExpr(n int) string {
	return fmt.Sprintf(
		`setweight(to_tsvector('english', $%d), 'A') || setweight(to_tsvector('english', $%d), 'D')`,
		n,
		n+1,
	)
}

// write replaces the passages of src, keeping unchanged ones, and
// returns how many it wrote. Changing a passage drops its vectors.
func (w *passageWriter) write(ctx context.Context, src index.Source) (int, error) {
	old, err := w.old(ctx, src.Seq)
	if err != nil {
		return 0, err
	}
	ch := w.cut.Plan(src, old)
	b := &pgx.Batch{}
	for _, p := range ch.Puts {
		if p.ID != 0 {
			b.Queue(`DELETE FROM passage_vectors WHERE passage_id = $1`, p.ID)
			b.Queue(`UPDATE passages SET text = $1, fts = `+ftsExpr(2)+` WHERE id = $4`,
				p.Row.Text, p.Row.Head, p.Row.Body, p.ID)
			continue
		}
		b.Queue(
			`INSERT INTO passages (object_seq, object_id, ord, text, fts) VALUES ($1, $2, $3, $4, `+ftsExpr(
				5,
			)+`)`,
			src.Seq,
			src.ID,
			p.Row.Ord,
			p.Row.Text,
			p.Row.Head,
			p.Row.Body,
		)
	}
	if len(ch.Deletes) > 0 {
		b.Queue(`DELETE FROM passages WHERE id = ANY($1)`, ch.Deletes)
	}
	b.Queue(`INSERT INTO passage_sources (object_seq, fingerprint, tlp) VALUES ($1, $2, $3)
		ON CONFLICT (object_seq) DO UPDATE SET fingerprint = excluded.fingerprint, tlp = excluded.tlp`,
		src.Seq, src.Fingerprint, src.Level)
	if err := w.tx.SendBatch(ctx, b).Close(); err != nil {
		return 0, fmt.Errorf("postgres: write passages of %s: %w", src.ID, err)
	}
	return len(ch.Puts), nil
}

func (w *passageWriter) old(ctx context.Context, seq int64) ([]index.Stored, error) {
	rows, err := w.tx.Query(ctx, `SELECT id, ord, text FROM passages WHERE object_seq = $1 ORDER BY ord`, seq)
	if err != nil {
		return nil, fmt.Errorf("postgres: read passages: %w", err)
	}
	defer rows.Close()
	var out []index.Stored
	for rows.Next() {
		var o index.Stored
		if err := rows.Scan(&o.ID, &o.Ord, &o.Text); err != nil {
			return nil, fmt.Errorf("postgres: read passages: %w", err)
		}
		out = append(out, o)
	}
	return out, rows.Err()
}
