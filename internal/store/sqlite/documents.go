package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/tipster-cti/tipster/internal/stix"
	"github.com/tipster-cti/tipster/internal/store"
)

// PutDocument keeps a report's original file and text, replacing an earlier
// one, and indexes the text for full-text search under the report.
func (d *DB) PutDocument(ctx context.Context, doc store.Document) error {
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: put document: %w", err)
	}
	defer tx.Rollback()
	var seq int64
	var typ string
	err = tx.QueryRowContext(ctx, `SELECT seq, type FROM objects WHERE id = ?`, doc.ReportID).Scan(&seq, &typ)
	if err != nil {
		return fmt.Errorf("sqlite: document's report %s: %w", doc.ReportID, err)
	}
	if typ != "report" {
		return fmt.Errorf("sqlite: document's report %s is a %s", doc.ReportID, typ)
	}
	if err := ftsUnindex(ctx, tx, seq); err != nil {
		return err
	}
	_, err = tx.ExecContext(
		ctx,
		`INSERT INTO documents (report_id, file_name, media_type, sha256, text, original, created)
		VALUES (?,?,?,?,?,?,?) ON CONFLICT (report_id) DO UPDATE SET file_name = excluded.file_name,
		media_type = excluded.media_type, sha256 = excluded.sha256, text = excluded.text,
		original = excluded.original, created = excluded.created`,
		doc.ReportID,
		doc.FileName,
		doc.MediaType,
		doc.SHA256,
		doc.Text,
		doc.Original,
		timeText(doc.Created),
	)
	if err != nil {
		return fmt.Errorf("sqlite: put document %s: %w", doc.ReportID, err)
	}
	if err := ftsIndex(ctx, tx, seq); err != nil {
		return err
	}
	return tx.Commit()
}

// GetDocument returns the document behind a report the viewer may see.
func (d *DB) GetDocument(ctx context.Context, v store.Viewer, id stix.ID) (*store.Document, error) {
	var doc store.Document
	var created string
	err := d.db.QueryRowContext(ctx, `SELECT d.report_id, d.file_name, d.media_type, d.sha256,
		d.text, d.original, d.created
		FROM documents d JOIN objects o ON o.id = d.report_id WHERE d.report_id = ? AND o.eff_tlp <= ?`,
		id, int(v.Clearance)).
		Scan(&doc.ReportID, &doc.FileName, &doc.MediaType, &doc.SHA256, &doc.Text, &doc.Original, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("document of %s: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: get document %s: %w", id, err)
	}
	doc.Created, _ = time.Parse("2006-01-02T15:04:05.000000000Z", created)
	return &doc, nil
}
