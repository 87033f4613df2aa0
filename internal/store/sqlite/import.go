package sqlite

import (
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

// An importer writes objects in batches and works out TLP levels as it goes:
// an object's own level from the markings known when it is written, and a
// container's effective level when every object it refers to was written
// earlier in the same import. Commit recomputes, in SQL, only what that
// could have got wrong: objects referring to TLP markings written by the
// import, and containers whose contents were not at hand or gained a level.
type importer struct {
	d    *DB
	conn *sql.Conn // the imports' connection, in a transaction begun by begin
	done bool

	start        int64 // the sequence number of the first new object: those from start on are new
	nextSeq      int64
	ftsFrom      int64                     // the first new object not yet in the full-text index
	pending      map[string]bool           // ids in the batches, not yet written
	pendingBytes int                       // the JSON of the objects in the batches
	levels       map[stix.ID]stix.TLP      // TLP markings: stored when the import began, or written since
	recent       recent[stix.ID, stix.TLP] // own levels of the objects written lately
	// unknown holds, since the last flush, the references whose target
	// this import had not written lately; present, targets known to be
	// stored. Commit counts the dangling references among those in the
	// temporary table targets.
	unknown []unknownRef
	present recent[string, struct{}]

	objects, refs, labels, extIDs, markings *batch
	// Temporary tables for Commit: containers whose effective level is
	// left to Commit; new objects with a level above CLEAR, whose
	// containers from earlier imports Commit rechecks; objects written over
	// a stored version, all of whose containers it rechecks; references
	// whose target was not stored when they were written, by referring
	// object.
	recheck, raised, changed, targets *batch
}

// Rows are written once flushEvery objects, or flushBytes of their JSON,
// are collected. Fewer, larger batches cost less: each is one statement of
// the full-text index, which writes a new segment of it, and a few
// multi-row inserts per table; the byte bound keeps memory flat when
// objects are large.
const (
	flushEvery = 4096
	flushBytes = 16 << 20
)

// tempTables hold, for the length of one import, what Commit must revisit.
// All but targets hold sequence numbers.
var tempTables = []struct{ name, cols string }{
	{"recheck", "seq INTEGER PRIMARY KEY"},
	{"raised", "seq INTEGER PRIMARY KEY"},
	{"changed", "seq INTEGER PRIMARY KEY"},
	{"targets", "source_seq INTEGER NOT NULL, id TEXT NOT NULL"},
}

// begin starts a write transaction on conn. The transaction is begun and
// ended by statements, not by database/sql, so that the statements the
// import prepares on conn outlive it and serve the next import.
func (d *DB) begin(ctx context.Context, conn *sql.Conn) (*importer, error) {
	if _, err := conn.ExecContext(ctx, `BEGIN IMMEDIATE`); err != nil {
		return nil, fmt.Errorf("sqlite: begin import: %w", err)
	}
	im := &importer{d: d, conn: conn, pending: map[string]bool{},
		objects: newBatch(
			"INSERT OR FAIL",
			`objects (id, type, spec_version, created, modified, revoked, name,
			description, aliases, confidence, created_by, published, tlp, eff_tlp, raw)`,
			15,
		),
		refs:     newBatch("INSERT OR IGNORE", `refs (source_seq, prop, target_id)`, 3),
		labels:   newBatch("INSERT OR IGNORE", `labels (object_id, label)`, 2),
		extIDs:   newBatch("INSERT OR IGNORE", `external_ids (object_id, external_id)`, 2),
		markings: newBatch("INSERT OR REPLACE", `markings (id, level)`, 2),
		recheck:  newBatch("INSERT OR IGNORE", `recheck (seq)`, 1),
		raised:   newBatch("INSERT OR IGNORE", `raised (seq)`, 1),
		changed:  newBatch("INSERT OR IGNORE", `changed (seq)`, 1),
		targets:  newBatch("INSERT", `targets (source_seq, id)`, 2),
	}
	if err := im.begin(ctx); err != nil {
		im.Rollback()
		return nil, fmt.Errorf("sqlite: begin import: %w", err)
	}
	return im, nil
}

// begin empties the temporary tables and reads the next sequence number and
// the known TLP markings.
func (im *importer) begin(ctx context.Context) error {
	for _, t := range tempTables {
		for _, q := range []string{`CREATE TEMP TABLE IF NOT EXISTS ` + t.name + ` (` + t.cols + `)`, `DELETE FROM ` + t.name} {
			if _, err := im.conn.ExecContext(ctx, q); err != nil {
				return err
			}
		}
	}
	// An update deletes the references of the version it replaces.
	if _, err := im.conn.ExecContext(ctx, `CREATE INDEX IF NOT EXISTS temp.targets_source ON targets (source_seq)`); err != nil {
		return err
	}
	if err := im.conn.QueryRowContext(ctx, `SELECT coalesce(max(seq), 0) + 1 FROM objects`).Scan(&im.nextSeq); err != nil {
		return err
	}
	im.start, im.ftsFrom = im.nextSeq, im.nextSeq
	rows, err := im.conn.QueryContext(ctx, `SELECT id, level FROM markings`)
	if err != nil {
		return err
	}
	defer rows.Close()
	im.levels = map[stix.ID]stix.TLP{}
	for rows.Next() {
		var id string
		var level int
		if err := rows.Scan(&id, &level); err != nil {
			return err
		}
		im.levels[stix.ID(id)] = stix.TLP(level)
	}
	return rows.Err()
}

func (im *importer) batches() []*batch {
	// objects first: Commit checks the sequence numbers they were given.
	return []*batch{
		im.objects,
		im.refs,
		im.labels,
		im.extIDs,
		im.markings,
		im.recheck,
		im.raised,
		im.changed,
	}
}

var importSQL = map[string]string{
	"update": `UPDATE objects SET spec_version=?, created=?, modified=?, revoked=?, name=?, description=?,
		aliases=?, confidence=?, created_by=?, published=?, tlp=?, eff_tlp=?, raw=? WHERE seq = ?`,
	"delRefs":    `DELETE FROM refs WHERE source_seq = ?`,
	"delTargets": `DELETE FROM targets WHERE source_seq = ?`,
	"delLabels":  `DELETE FROM labels WHERE object_id = ?`,
	"delExt":     `DELETE FROM external_ids WHERE object_id = ?`,
}

func (im *importer) exec(ctx context.Context, name string, args ...any) error {
	return im.execStmt(ctx, importSQL[name], args...)
}

// execStmt runs query, prepared once on the imports' connection.
func (im *importer) execStmt(ctx context.Context, query string, args ...any) error {
	st, err := im.d.writerStmt(ctx, query)
	if err != nil {
		return err
	}
	if _, err := st.ExecContext(ctx, args...); err != nil {
		return fmt.Errorf("sqlite: %.40q: %w", query, err)
	}
	return nil
}

// flush writes every collected row and indexes the new objects' text. New
// objects take their sequence number from SQLite (one more than the
// largest, as no other writer can run), so that the insert needs no
// statement journal; flush checks that they got the numbers it gave them.
func (im *importer) flush(ctx context.Context) error {
	want := im.nextSeq - 1
	n := im.objects.len()
	for _, b := range im.batches() {
		last, err := b.flush(ctx, im.d)
		if err != nil {
			return err
		}
		if b == im.objects && n > 0 && last != want {
			return fmt.Errorf("sqlite: objects were numbered up to %d, expected %d", last, want)
		}
	}
	clear(im.pending)
	im.pendingBytes = 0
	if im.ftsFrom < im.nextSeq {
		if err := im.execStmt(ctx, ftsIndexRangeSQL, im.ftsFrom, im.nextSeq); err != nil {
			return err
		}
		im.ftsFrom = im.nextSeq
	}
	return im.settleUnknown(ctx)
}

func (im *importer) insert(ctx context.Context, o *stix.Object) error {
	seq := im.nextSeq
	im.nextSeq++
	tlp := im.ownLevel(o)
	eff, known := im.effectiveLevel(o, tlp)
	im.objects.add(string(o.ID), o.Type, o.SpecVersion, timeText(o.Created), timeText(o.Modified),
		o.Revoked, o.Name, o.Description, strings.Join(o.Aliases, "\n"), confidence(o),
		string(o.CreatedBy), timeText(o.Published), int(tlp), int(eff), o.Raw)
	im.pending[string(o.ID)] = true
	im.index(seq, o)
	im.written(seq, o, tlp, known, false)
	im.pendingBytes += len(o.Raw)
	if im.objects.len() >= flushEvery || im.pendingBytes >= flushBytes {
		return im.flush(ctx)
	}
	return nil
}

func (im *importer) update(ctx context.Context, seq int64, o *stix.Object) error {
	tlp := im.ownLevel(o)
	eff, known := im.effectiveLevel(o, tlp)
	if err := im.execStmt(ctx, ftsUnindexSQL, seq); err != nil {
		return err
	}
	err := im.exec(ctx, "update", o.SpecVersion, timeText(o.Created), timeText(o.Modified), o.Revoked,
		o.Name, o.Description, strings.Join(o.Aliases, "\n"), confidence(o), string(o.CreatedBy),
		timeText(o.Published), int(tlp), int(eff), o.Raw, seq)
	if err != nil {
		return err
	}
	for _, q := range []string{"delRefs", "delTargets"} {
		if err := im.exec(ctx, q, seq); err != nil {
			return err
		}
	}
	for _, q := range []string{"delLabels", "delExt"} {
		if err := im.exec(ctx, q, o.ID); err != nil {
			return err
		}
	}
	if err := im.execStmt(ctx, ftsIndexSQL, seq); err != nil {
		return err
	}
	im.index(seq, o)
	im.written(seq, o, tlp, known, true)
	return im.flush(ctx)
}

// index collects the rows derived from o: references through refProps,
// labels and external ids. It counts every reference whose target this
// import has not written lately, for Commit to look up.
func (im *importer) index(seq int64, o *stix.Object) {
	for _, r := range o.Refs {
		if refProps[r.Prop] {
			im.refs.add(seq, r.Prop, string(r.Target))
		}
		if _, ok := im.recent.get(r.Target); !ok {
			im.unknown = append(im.unknown, unknownRef{seq, string(r.Target)})
		}
	}
	for _, l := range o.Labels {
		im.labels.add(string(o.ID), l)
	}
	for _, e := range o.ExternalIDs {
		im.extIDs.add(string(o.ID), e)
	}
}

func confidence(o *stix.Object) any {
	if o.Confidence < 0 {
		return nil
	}
	return o.Confidence
}

// written records what Commit needs to know about an object just written:
// its level if it is a TLP marking, whether its effective level is still
// to be computed, and whether the containers that refer to it must be
// rechecked.
func (im *importer) written(seq int64, o *stix.Object, tlp stix.TLP, effKnown, replaced bool) {
	if o.Type == "marking-definition" {
		if level, ok := stix.MarkingLevel(o); ok {
			im.markings.add(string(o.ID), int(level))
			im.levels[o.ID] = level
		}
	}
	if !effKnown {
		im.recheck.add(seq)
	}
	switch {
	case replaced:
		im.changed.add(seq)
	case tlp > stix.TLPClear:
		im.raised.add(seq)
	}
	im.recent.put(o.ID, tlp)
}

// ownLevel is the highest level among o's TLP markings, CLEAR without any.
func (im *importer) ownLevel(o *stix.Object) stix.TLP {
	tlp := stix.TLPClear
	for _, m := range o.Markings {
		if l, ok := im.levels[m]; ok && l > tlp {
			tlp = l
		}
	}
	return tlp
}

// effectiveLevel is a container's or relationship's own level raised to the
// levels of what it refers to, known when each of those was written earlier
// in this import; ok is false when one was not, and Commit must work it out.
func (im *importer) effectiveLevel(o *stix.Object, tlp stix.TLP) (eff stix.TLP, ok bool) {
	if !levelTypes[o.Type] {
		return tlp, true
	}
	eff = tlp
	for _, r := range o.Refs {
		if !levelProps[r.Prop] {
			continue
		}
		l, ok := im.recent.get(r.Target)
		if !ok {
			return tlp, false
		}
		eff = max(eff, l)
	}
	return eff, true
}

// levelTypes have an effective level above their own when they refer to
// more restricted objects, through levelProps.
var (
	levelTypes = map[string]bool{"report": true, "grouping": true, "note": true, "opinion": true,
		"observed-data": true, "relationship": true, "sighting": true}
	levelProps = map[string]bool{"object_refs": true, "source_ref": true, "target_ref": true,
		"sighting_of_ref": true, "observed_data_refs": true, "where_sighted_refs": true}
)

// refProps are the reference properties that refs holds (migration 0009):
// those that reads follow and that settle TLP levels, levelProps and the
// markings. The others, such as created_by_ref (which objects.created_by
// holds) or x_mitre_modified_by_ref, stay in the object's JSON and count
// towards dangling references, but no read looks them up: in ATT&CK they
// are more than two references in five, written for nothing.
var refProps = func() map[string]bool {
	m := map[string]bool{"object_marking_refs": true, "granular_markings.marking_ref": true}
	for p := range levelProps {
		m[p] = true
	}
	return m
}()

// Commit writes what is left, settles TLP levels, counts dangling
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
		var args []any
		if strings.Contains(q, ":start") {
			args = append(args, sql.Named("start", im.start))
		}
		if err := im.execStmt(ctx, q, args...); err != nil {
			return stats, fmt.Errorf("sqlite: recompute levels: %w", err)
		}
	}
	err := im.conn.QueryRowContext(ctx, `SELECT count(*) FROM targets t
		WHERE NOT EXISTS (SELECT 1 FROM objects o WHERE o.id = t.id)`).Scan(&stats.DanglingRefs)
	if err != nil {
		return stats, fmt.Errorf("sqlite: count dangling references: %w", err)
	}
	if _, err := im.conn.ExecContext(ctx, `COMMIT`); err != nil {
		return stats, fmt.Errorf("sqlite: commit import: %w", err)
	}
	im.done = true
	return stats, nil
}

// levelSQL settles what the importer could not: first the own level of
// every object that refers to a TLP marking written by this import (it was
// computed before the marking's level was final), then the effective level
// of the containers and relationships in recheck, of those among the
// former, of those that refer to anything in changed or among the former,
// and of those written before this import that refer to anything in
// raised (those written by it knew the levels of what they refer to, or
// are in recheck): the highest of their own level and of every object they
// refer to. The objects written by this import are those numbered from
// :start on, the new ones, and those in changed.
var levelSQL = []string{
	`CREATE TEMP TABLE IF NOT EXISTS affected (seq INTEGER PRIMARY KEY)`,
	`DELETE FROM affected`,
	`INSERT OR IGNORE INTO affected SELECT r.source_seq FROM markings m CROSS JOIN objects t ON t.id = m.id
		CROSS JOIN refs r ON r.target_id = m.id WHERE t.seq >= :start OR t.seq IN (SELECT seq FROM changed)`,
	// Own levels: reset, then raise those that carry a TLP marking.
	`UPDATE objects SET tlp = 0 WHERE tlp <> 0 AND seq IN (SELECT seq FROM affected)`,
	`UPDATE objects SET tlp = (SELECT max(m.level) FROM refs r JOIN markings m ON m.id = r.target_id
		WHERE r.source_seq = objects.seq AND r.prop IN ` + markingPropsSQL + `)
		WHERE seq IN (SELECT r.source_seq FROM affected a CROSS JOIN refs r ON r.source_seq = a.seq
		CROSS JOIN markings m ON m.id = r.target_id WHERE r.prop IN ` + markingPropsSQL + `)`,
	`UPDATE objects SET eff_tlp = tlp WHERE eff_tlp <> tlp AND seq IN (SELECT seq FROM affected)`,
	`INSERT OR IGNORE INTO changed SELECT seq FROM affected`,
	`INSERT OR IGNORE INTO recheck SELECT seq FROM affected`,
	`INSERT OR IGNORE INTO recheck SELECT r.source_seq FROM changed x CROSS JOIN objects c ON c.seq = x.seq
		CROSS JOIN refs r ON r.target_id = c.id WHERE +r.prop IN ` + levelPropsSQL,
	`INSERT OR IGNORE INTO recheck SELECT r.source_seq FROM raised x CROSS JOIN objects c ON c.seq = x.seq
		CROSS JOIN refs r ON r.target_id = c.id WHERE +r.prop IN ` + levelPropsSQL + `
		AND r.source_seq < :start AND r.source_seq NOT IN (SELECT seq FROM changed)`,
	`UPDATE objects SET eff_tlp = max(tlp, coalesce((SELECT max(o2.tlp) FROM refs r JOIN objects o2 ON o2.id = r.target_id
		WHERE r.source_seq = objects.seq AND +r.prop IN ` + levelPropsSQL + `), 0))
		WHERE seq IN (SELECT seq FROM recheck) AND +type IN ` + levelTypesSQL,
}

// The SQL forms of the marking properties, levelProps and levelTypes.
const (
	markingPropsSQL = `('object_marking_refs', 'granular_markings.marking_ref')`
	levelPropsSQL   = `('object_refs', 'source_ref', 'target_ref', 'sighting_of_ref', 'observed_data_refs', 'where_sighted_refs')`
	levelTypesSQL   = `('report', 'grouping', 'note', 'opinion', 'observed-data', 'relationship', 'sighting')`
)

// Rollback abandons the import.
func (im *importer) Rollback() error {
	if im.done {
		return nil
	}
	im.done = true
	// Not ctx: the rollback must run when the import's context has ended.
	if _, err := im.conn.ExecContext(context.Background(), `ROLLBACK`); err != nil {
		// The connection may still be in the transaction: the next
		// import takes a new one.
		im.d.closeWriter()
		return fmt.Errorf("sqlite: roll back import: %w", err)
	}
	return nil
}
