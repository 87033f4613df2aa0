package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/tipster-cti/tipster/internal/stix"
	"github.com/tipster-cti/tipster/internal/store"
)

// timeText formats a timestamp so that text order is time order.
func timeText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05.000000000Z")
}

type importer struct {
	tx    *sql.Tx
	stmts map[string]*sql.Stmt
	done  bool

	nextSeq                                               int64
	pending                                               map[string]bool // ids in the batches, not yet written
	objects, refs, labels, extIDs, fts, touched, markings *batch
}

// flushEvery is how many objects are collected before their rows are written.
const flushEvery = 512

// Import starts a write transaction. SQLite allows one writer at a time;
// a second importer waits for the first (busy_timeout).
func (d *DB) Import(ctx context.Context) (store.Importer, error) {
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("sqlite: begin import: %w", err)
	}
	im := &importer{tx: tx, stmts: map[string]*sql.Stmt{}, pending: map[string]bool{},
		objects: newBatch(`objects (seq, id, type, spec_version, created, modified, revoked, name, description,
			aliases, confidence, created_by, published, raw)`, 14),
		refs:     newBatch(`refs (source_id, prop, target_id)`, 3),
		labels:   newBatch(`labels (object_id, label)`, 2),
		extIDs:   newBatch(`external_ids (object_id, external_id)`, 2),
		fts:      newBatch(`objects_fts (rowid, name, aliases, body)`, 4),
		touched:  newBatch(`touched (id)`, 1),
		markings: newBatch(`markings (id, level)`, 2),
	}
	for _, q := range []string{`CREATE TEMP TABLE IF NOT EXISTS touched (id TEXT PRIMARY KEY)`, `DELETE FROM touched`} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			tx.Rollback()
			return nil, fmt.Errorf("sqlite: begin import: %w", err)
		}
	}
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(seq), 0) + 1 FROM objects`).Scan(&im.nextSeq); err != nil {
		tx.Rollback()
		return nil, fmt.Errorf("sqlite: begin import: %w", err)
	}
	return im, nil
}

func (im *importer) batches() []*batch {
	// objects first: the full-text rows of a document's report read them.
	return []*batch{im.objects, im.refs, im.labels, im.extIDs, im.fts, im.touched, im.markings}
}

var importSQL = map[string]string{
	"current": `SELECT seq, modified, created, raw FROM objects WHERE id = ?`,
	"update": `UPDATE objects SET spec_version=?, created=?, modified=?, revoked=?, name=?, description=?,
		aliases=?, confidence=?, created_by=?, published=?, raw=? WHERE seq = ?`,
	"delRefs":   `DELETE FROM refs WHERE source_id = ?`,
	"delLabels": `DELETE FROM labels WHERE object_id = ?`,
	"delExt":    `DELETE FROM external_ids WHERE object_id = ?`,
	"delFTS":    `DELETE FROM objects_fts WHERE rowid = ?`,
	"docText":   `SELECT text FROM documents WHERE report_id = ?`,
}

func (im *importer) exec(ctx context.Context, name string, args ...any) error {
	st, err := im.stmt(ctx, name)
	if err != nil {
		return err
	}
	if _, err := st.ExecContext(ctx, args...); err != nil {
		return fmt.Errorf("sqlite: %s: %w", name, err)
	}
	return nil
}

func (im *importer) stmt(ctx context.Context, name string) (*sql.Stmt, error) {
	if st, ok := im.stmts[name]; ok {
		return st, nil
	}
	st, err := im.tx.PrepareContext(ctx, importSQL[name])
	if err != nil {
		return nil, fmt.Errorf("sqlite: prepare %s: %w", name, err)
	}
	im.stmts[name] = st
	return st, nil
}

// flush writes every collected row.
func (im *importer) flush(ctx context.Context) error {
	for _, b := range im.batches() {
		if err := b.flush(ctx, im.tx); err != nil {
			return err
		}
	}
	clear(im.pending)
	return nil
}

// Put stores o unless the stored version is the same or newer. Objects that
// carry no timestamps (observables) are replaced when their JSON differs.
func (im *importer) Put(ctx context.Context, o *stix.Object) (store.Outcome, error) {
	if im.pending[string(o.ID)] {
		// The same id twice in one batch: write the batch so the
		// comparison below sees the first one.
		if err := im.flush(ctx); err != nil {
			return 0, err
		}
	}
	cur, err := im.stmt(ctx, "current")
	if err != nil {
		return 0, err
	}
	var seq int64
	var modified, created string
	var raw []byte
	err = cur.QueryRowContext(ctx, o.ID).Scan(&seq, &modified, &created, &raw)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return store.Created, im.insert(ctx, o)
	case err != nil:
		return 0, fmt.Errorf("sqlite: read %s: %w", o.ID, err)
	}
	stored := modified
	if stored == "" {
		stored = created
	}
	incoming := timeText(o.Version())
	if incoming < stored || (incoming == stored && (incoming != "" || bytes.Equal(raw, o.Raw))) {
		return store.Unchanged, nil
	}
	if err := im.flush(ctx); err != nil {
		return 0, err
	}
	return store.Updated, im.update(ctx, seq, o)
}

func (im *importer) insert(ctx context.Context, o *stix.Object) error {
	seq := im.nextSeq
	im.nextSeq++
	im.objects.add(seq, string(o.ID), o.Type, o.SpecVersion, timeText(o.Created), timeText(o.Modified),
		o.Revoked, o.Name, o.Description, strings.Join(o.Aliases, "\n"), confidence(o),
		string(o.CreatedBy), timeText(o.Published), o.Raw)
	im.pending[string(o.ID)] = true
	if err := im.index(ctx, seq, o); err != nil {
		return err
	}
	if im.objects.len() >= flushEvery {
		return im.flush(ctx)
	}
	return nil
}

func (im *importer) update(ctx context.Context, seq int64, o *stix.Object) error {
	err := im.exec(ctx, "update", o.SpecVersion, timeText(o.Created), timeText(o.Modified), o.Revoked,
		o.Name, o.Description, strings.Join(o.Aliases, "\n"), confidence(o), string(o.CreatedBy),
		timeText(o.Published), o.Raw, seq)
	if err != nil {
		return err
	}
	for _, q := range []string{"delRefs", "delLabels", "delExt"} {
		if err := im.exec(ctx, q, o.ID); err != nil {
			return err
		}
	}
	if err := im.exec(ctx, "delFTS", seq); err != nil {
		return err
	}
	if err := im.index(ctx, seq, o); err != nil {
		return err
	}
	return im.flush(ctx)
}

// index collects the rows derived from o: references, labels, external
// ids, the full-text entry, and the level of a TLP marking definition.
func (im *importer) index(ctx context.Context, seq int64, o *stix.Object) error {
	for _, r := range o.Refs {
		im.refs.add(string(o.ID), r.Prop, string(r.Target))
	}
	for _, l := range o.Labels {
		im.labels.add(string(o.ID), l)
	}
	for _, e := range o.ExternalIDs {
		im.extIDs.add(string(o.ID), e)
	}
	body := o.Description
	if o.Type == "report" {
		text, err := im.documentText(ctx, o.ID)
		if err != nil {
			return err
		}
		if text != "" {
			body += "\n\n" + text
		}
	}
	if o.Name != "" || body != "" || len(o.Aliases) > 0 {
		im.fts.add(seq, o.Name, strings.Join(o.Aliases, " "), body)
	}
	if o.Type == "marking-definition" {
		if level, ok := stix.MarkingLevel(o); ok {
			im.markings.add(string(o.ID), int(level))
		}
	}
	im.touched.add(string(o.ID))
	return nil
}

func (im *importer) documentText(ctx context.Context, id stix.ID) (string, error) {
	st, err := im.stmt(ctx, "docText")
	if err != nil {
		return "", err
	}
	var text string
	err = st.QueryRowContext(ctx, id).Scan(&text)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("sqlite: document text of %s: %w", id, err)
	}
	return text, nil
}

func confidence(o *stix.Object) any {
	if o.Confidence < 0 {
		return nil
	}
	return o.Confidence
}

// Commit recomputes the TLP levels touched by this import, counts dangling
// references and commits.
func (im *importer) Commit(ctx context.Context) (store.CommitStats, error) {
	var stats store.CommitStats
	if im.done {
		return stats, errors.New("sqlite: import already finished")
	}
	if err := im.flush(ctx); err != nil {
		return stats, err
	}
	for _, q := range levelSQL {
		if _, err := im.tx.ExecContext(ctx, q); err != nil {
			return stats, fmt.Errorf("sqlite: recompute levels: %w", err)
		}
	}
	err := im.tx.QueryRowContext(ctx, `SELECT count(*) FROM refs r JOIN touched t ON t.id = r.source_id
		WHERE NOT EXISTS (SELECT 1 FROM objects o WHERE o.id = r.target_id)`).Scan(&stats.DanglingRefs)
	if err != nil {
		return stats, fmt.Errorf("sqlite: count dangling references: %w", err)
	}
	im.closeStmts()
	im.done = true
	if err := im.tx.Commit(); err != nil {
		return stats, fmt.Errorf("sqlite: commit import: %w", err)
	}
	return stats, nil
}

// levelSQL recomputes, for the objects written by an import and those that
// refer to them, first each object's own level from its markings, then the
// effective level of containers, relationships and sightings: the highest
// of their own and of every object they refer to.
var levelSQL = []string{
	`CREATE TEMP TABLE IF NOT EXISTS affected (id TEXT PRIMARY KEY)`,
	`DELETE FROM affected`,
	`INSERT OR IGNORE INTO affected SELECT id FROM touched`,
	`INSERT OR IGNORE INTO affected SELECT r.source_id FROM refs r JOIN touched t ON t.id = r.target_id
		JOIN markings m ON m.id = t.id`,
	// Own levels: reset, then raise those that reference a TLP marking.
	`UPDATE objects SET tlp = 0 WHERE tlp <> 0 AND id IN (SELECT id FROM affected)`,
	`UPDATE objects SET tlp = (SELECT max(m.level) FROM refs r JOIN markings m ON m.id = r.target_id
		WHERE r.source_id = objects.id AND r.prop IN ('object_marking_refs', 'granular_markings.marking_ref'))
		WHERE id IN (SELECT r.source_id FROM refs r JOIN markings m ON m.id = r.target_id
		JOIN affected a ON a.id = r.source_id)`,
	// Containers and relationships that refer to anything affected.
	`INSERT OR IGNORE INTO affected SELECT r.source_id FROM refs r JOIN affected a ON a.id = r.target_id
		WHERE r.prop IN ` + levelProps,
	`UPDATE objects SET eff_tlp = tlp WHERE eff_tlp <> tlp AND id IN (SELECT id FROM affected)`,
	`UPDATE objects SET eff_tlp = max(tlp, coalesce((SELECT max(o2.tlp) FROM refs r JOIN objects o2 ON o2.id = r.target_id
		WHERE r.source_id = objects.id AND r.prop IN ` + levelProps + `), 0))
		WHERE type IN ('report', 'grouping', 'note', 'opinion', 'observed-data', 'relationship', 'sighting')
		AND id IN (SELECT id FROM affected)`,
}

// levelProps are the references whose targets raise a container's or a
// relationship's effective level.
const levelProps = `('object_refs', 'source_ref', 'target_ref', 'sighting_of_ref', 'observed_data_refs', 'where_sighted_refs')`

func (im *importer) closeStmts() {
	for _, st := range im.stmts {
		st.Close()
	}
	for _, b := range im.batches() {
		b.close()
	}
}

// Rollback abandons the import.
func (im *importer) Rollback() error {
	if im.done {
		return nil
	}
	im.done = true
	im.closeStmts()
	return im.tx.Rollback()
}
