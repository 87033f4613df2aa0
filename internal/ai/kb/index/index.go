// Package index keeps the passages that knowledge-base questions are
// answered from: every object (and a report's document text) cut into
// passages of about 200 tokens, their full-text index, and their
// embeddings per model, in the tables of migration 0004_passages.sql of
// the SQLite store's database.
//
// The index reads the store's objects table directly (it is part of the
// same backend's schema) and keeps no state between calls that another
// server on the same database could contradict: staleness is found by
// comparing fingerprints, embedding work is claimed through a lease row,
// and in-memory vectors are checked against a generation counter.
package index

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"
)

// SyncBatch is how many objects one sync transaction cuts.
const SyncBatch = 500

// Index is the passage index over one database.
type Index struct {
	db *sql.DB

	df idfCache // document frequencies, see text.go

	mu      sync.Mutex
	vectors map[string]*vectorSet // per model, see vectors.go
}

// New returns the index over db, which must hold the tables of migration
// 0004_passages.sql.
func New(db *sql.DB) *Index {
	return &Index{db: db, vectors: map[string]*vectorSet{}}
}

// SyncStats says what a Sync did.
type SyncStats struct {
	Objects  int // objects whose passages were cut again
	Passages int // passages written (new or changed)
	Levels   int // objects whose TLP level changed
}

// Sync brings the passages up to date with the objects: new and changed
// objects are cut again, each batch in its own transaction, so that
// servers sharing the database can sync at once without doing the same
// work twice. It returns when nothing is stale.
func (ix *Index) Sync(ctx context.Context) (SyncStats, error) {
	var total SyncStats
	n, err := ix.syncLevels(ctx)
	if err != nil {
		return total, err
	}
	total.Levels = n
	for {
		st, err := ix.syncBatch(ctx)
		if err != nil {
			return total, err
		}
		total.Objects += st.Objects
		total.Passages += st.Passages
		if st.Objects < SyncBatch {
			return total, nil
		}
	}
}

// syncLevels copies changed TLP levels, which need no new passages.
func (ix *Index) syncLevels(ctx context.Context) (int, error) {
	res, err := ix.db.ExecContext(ctx, `UPDATE passage_sources SET tlp = o.eff_tlp
		FROM objects o WHERE o.seq = passage_sources.object_seq AND o.eff_tlp <> passage_sources.tlp`)
	if err != nil {
		return 0, fmt.Errorf("index: sync levels: %w", err)
	}
	n, _ := res.RowsAffected()
	if n > 0 {
		if err := bump(ctx, ix.db); err != nil {
			return 0, err
		}
	}
	return int(n), nil
}

const staleQuery = `SELECT o.seq, o.id, o.type, o.name, o.aliases, o.description, o.raw, o.eff_tlp,
	coalesce(d.text, ''), ` + fingerprintExpr + `
	FROM objects o
	LEFT JOIN documents d ON d.report_id = o.id
	LEFT JOIN passage_sources s ON s.object_seq = o.seq
	WHERE s.object_seq IS NULL OR s.fingerprint <> ` + fingerprintExpr + `
	ORDER BY o.seq LIMIT ?`

// fingerprintExpr changes whenever an object's passages could.
const fingerprintExpr = `(o.modified || '|' || length(o.raw) || '|' || coalesce(d.sha256, ''))`

// syncBatch cuts one batch of stale objects in one transaction.
func (ix *Index) syncBatch(ctx context.Context) (SyncStats, error) {
	var st SyncStats
	tx, err := ix.db.BeginTx(ctx, nil)
	if err != nil {
		return st, fmt.Errorf("index: sync: %w", err)
	}
	defer tx.Rollback()
	srcs, levels, err := staleSources(ctx, tx)
	if err != nil {
		return st, err
	}
	w, err := newWriter(ctx, tx)
	if err != nil {
		return st, err
	}
	defer w.close()
	for i, src := range srcs {
		n, err := w.write(ctx, src, levels[i])
		if err != nil {
			return st, err
		}
		st.Objects++
		st.Passages += n
	}
	if st.Objects > 0 {
		if err := bump(ctx, tx); err != nil {
			return st, err
		}
	}
	if err := tx.Commit(); err != nil {
		return st, fmt.Errorf("index: sync commit: %w", err)
	}
	return st, nil
}

// staleSources reads the objects whose passages are missing or stale.
func staleSources(ctx context.Context, tx *sql.Tx) ([]source, []int, error) {
	rows, err := tx.QueryContext(ctx, staleQuery, SyncBatch)
	if err != nil {
		return nil, nil, fmt.Errorf("index: read stale objects: %w", err)
	}
	defer rows.Close()
	var srcs []source
	var levels []int
	for rows.Next() {
		var s source
		var aliases string
		var level int
		if err := rows.Scan(&s.seq, &s.id, &s.typ, &s.name, &aliases, &s.description, &s.raw, &level,
			&s.document, &s.fingerprint); err != nil {
			return nil, nil, fmt.Errorf("index: read stale objects: %w", err)
		}
		if aliases != "" {
			s.aliases = strings.Split(aliases, "\n")
		}
		srcs = append(srcs, s)
		levels = append(levels, level)
	}
	return srcs, levels, rows.Err()
}

// execer is a database or a transaction.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// bump marks the passages or vectors as changed.
func bump(ctx context.Context, db execer) error {
	if _, err := db.ExecContext(ctx, `UPDATE passage_generation SET value = value + 1 WHERE id = 1`); err != nil {
		return fmt.Errorf("index: bump generation: %w", err)
	}
	return nil
}

// generation is the change counter of passages and vectors.
func (ix *Index) generation(ctx context.Context) (int64, error) {
	var g int64
	if err := ix.db.QueryRowContext(ctx, `SELECT value FROM passage_generation WHERE id = 1`).Scan(&g); err != nil {
		return 0, fmt.Errorf("index: read generation: %w", err)
	}
	return g, nil
}
