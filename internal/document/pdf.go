package document

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"

	"github.com/tipster-cti/tipster/internal/document/pdf"
)

// parsePDF extracts text with the built-in reader, and with pdftotext only
// when that is configured and the built-in reader found no text.
func parsePDF(ctx context.Context, data []byte, opt Options) (*Document, error) {
	res, err := pdf.Extract(ctx, data, pdfOptions(opt))
	switch {
	case errors.Is(err, pdf.ErrEncrypted):
		return nil, &kindError{ErrEncrypted, err}
	case errors.Is(err, pdf.ErrTooLarge):
		return nil, &kindError{ErrTooLarge, err}
	case errors.Is(err, pdf.ErrCorrupt), errors.Is(err, pdf.ErrNotPDF):
		return nil, &kindError{ErrCorrupt, err}
	case err != nil:
		return nil, err
	}
	doc := &Document{Title: res.Title, Published: res.Created, Pages: len(res.Pages), Text: res.Text()}
	if strings.TrimSpace(doc.Text) == "" && opt.PDFToText != "" {
		if doc.Text, err = pdfToText(ctx, opt.PDFToText, data); err != nil {
			return nil, err
		}
	}
	if doc.Title == "" {
		doc.Title, _, _ = strings.Cut(strings.TrimSpace(doc.Text), "\n")
		if len(doc.Title) > 200 {
			doc.Title = ""
		}
	}
	return doc, nil
}

// pdfOptions bounds decoding by the input limit: one stream (or one
// page's content) may decode to MaxBytes, the whole document to four
// times that, far more than the text of any report needs.
func pdfOptions(opt Options) pdf.Options {
	return pdf.Options{MaxStreamBytes: opt.MaxBytes, MaxDecodedBytes: 4 * opt.MaxBytes}
}

// pdfToText runs poppler's pdftotext on data, reading stdin and writing
// stdout, in reading order (its default, without -layout).
func pdfToText(ctx context.Context, tool string, data []byte) (string, error) {
	path, err := exec.LookPath(tool)
	if err != nil {
		return "", fmt.Errorf(
			"pdftotext fallback: %q not found (install poppler-utils or clear Options.PDFToText): %w",
			tool,
			err,
		)
	}
	cmd := exec.CommandContext(ctx, path, "-enc", "UTF-8", "-q", "-", "-")
	cmd.Stdin = bytes.NewReader(data)
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("pdftotext fallback: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	text := strings.ReplaceAll(out.String(), "\f", "\n\n")
	return strings.TrimSpace(text), nil
}
