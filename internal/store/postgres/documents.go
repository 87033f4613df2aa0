package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/tipster-cti/tipster/internal/stix"
	"github.com/tipster-cti/tipster/internal/store"
)

// PutDocument keeps a report's original file and text, replacing an earlier
// one, and adds the text to the report's index entry. It takes the import
// lock, so that an import rewriting the same report's entry at the same
// time cannot lose the text.
func (d *DB) PutDocument(ctx context.Context, doc store.Document) error {
	tx, err := d.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("postgres: put document: %w", err)
	}
	defer tx.Rollback(context.Background())
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, `+lockKey("import")+`)`, lockClass); err != nil {
		return fmt.Errorf("postgres: put document: import lock: %w", err)
	}
	var typ, name, aliases, desc string
	err = tx.QueryRow(ctx, `SELECT type, name, aliases, description FROM objects WHERE id = $1`,
		string(doc.ReportID)).Scan(&typ, &name, &aliases, &desc)
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("document's report %s: %w", doc.ReportID, store.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("postgres: document's report %s: %w", doc.ReportID, err)
	}
	if typ != "report" {
		return fmt.Errorf("postgres: document's report %s is a %s", doc.ReportID, typ)
	}
	// PostgreSQL text holds neither NUL nor invalid UTF-8, which a file's
	// extracted text may; the original file keeps every byte.
	clean := func(s string) string { return strings.ToValidUTF8(noNUL(s), "\uFFFD") }
	text := clean(doc.Text)
	_, err = tx.Exec(
		ctx,
		`INSERT INTO documents (report_id, file_name, media_type, sha256, text, original, created, fts)
		VALUES ($1, $2, $3, $4, $5, $6, $7, setweight(to_tsvector('`+ftsConfig+`', $8), 'C'))
		ON CONFLICT (report_id) DO UPDATE SET file_name = excluded.file_name, media_type = excluded.media_type,
		sha256 = excluded.sha256, text = excluded.text, original = excluded.original,
		created = excluded.created, fts = excluded.fts`,
		string(doc.ReportID),
		clean(doc.FileName),
		clean(doc.MediaType),
		doc.SHA256,
		text,
		doc.Original,
		doc.Created,
		indexText(text, maxIndexedDocument),
	)
	if err != nil {
		return fmt.Errorf("postgres: put document %s: %w", doc.ReportID, err)
	}
	_, err = tx.Exec(ctx, `UPDATE objects SET fts = `+ftsSQL("$1", "$2", "$3", "$4")+` WHERE id = $1`,
		string(doc.ReportID), indexText(name, maxIndexedName), indexText(aliases, maxIndexedName),
		indexText(desc, maxIndexedBody))
	if err != nil {
		return fmt.Errorf("postgres: index document %s: %w", doc.ReportID, err)
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("postgres: put document %s: %w", doc.ReportID, err)
	}
	return nil
}

// GetDocument returns the document behind a report the viewer may see.
func (d *DB) GetDocument(ctx context.Context, v store.Viewer, id stix.ID) (*store.Document, error) {
	var doc store.Document
	var reportID string
	err := d.pool.QueryRow(ctx, `SELECT d.report_id, d.file_name, d.media_type, d.sha256,
		d.text, d.original, d.created
		FROM documents d JOIN objects o ON o.id = d.report_id WHERE d.report_id = $1 AND o.eff_tlp <= $2`,
		string(id), int(v.Clearance)).
		Scan(&reportID, &doc.FileName, &doc.MediaType, &doc.SHA256, &doc.Text,
			&doc.Original, &doc.Created)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("document of %s: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("postgres: get document %s: %w", id, err)
	}
	doc.ReportID = stix.ID(reportID)
	doc.Created = doc.Created.UTC()
	return &doc, nil
}
