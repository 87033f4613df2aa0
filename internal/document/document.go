// Package document extracts readable text and a little metadata (title,
// publication date) from the prose documents that threat intelligence
// arrives in: plain text, Markdown, HTML and PDF.
package document

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"
)

// Format is a document's kind as Detect sees it.
type Format string

// The formats Parse understands.
const (
	FormatText     Format = "text"
	FormatMarkdown Format = "markdown"
	FormatHTML     Format = "html"
	FormatPDF      Format = "pdf"
)

// MediaType returns the IANA media type of the format.
func (f Format) MediaType() string {
	switch f {
	case FormatMarkdown:
		return "text/markdown"
	case FormatHTML:
		return "text/html"
	case FormatPDF:
		return "application/pdf"
	}
	return "text/plain"
}

// Document is the readable content of one file.
type Document struct {
	// Format is the detected format.
	Format Format
	// MediaType is Format's media type, such as text/html.
	MediaType string
	// Title comes from the document's own metadata or first heading or
	// line; it falls back to the file name without extension, then to
	// "untitled". It is never empty.
	Title string
	// Published is the publication date the document states, or zero.
	Published time.Time
	// Text is UTF-8 prose: paragraphs separated by blank lines, list items
	// as "- item", table rows with cells separated by " | ".
	Text string
	// Pages is the page count of a PDF, 0 for other formats.
	Pages int
	// Truncated is set when Text was cut at Options.MaxTextBytes.
	Truncated bool
}

// Defaults for Options.
const (
	DefaultMaxBytes     = 64 << 20
	DefaultMaxTextBytes = 16 << 20
)

// Options bounds the work Parse does.
type Options struct {
	// MaxBytes is the largest input accepted; default 64 MiB. Larger
	// input fails with ErrTooLarge after reading MaxBytes+1 bytes.
	MaxBytes int64
	// MaxTextBytes caps Document.Text; default 16 MiB. Longer text is cut
	// at a paragraph (or line, or rune) boundary and Truncated is set.
	MaxTextBytes int64
	// PDFToText names poppler's pdftotext, used only when the built-in PDF
	// reader finds no text at all (for example fonts without ToUnicode
	// maps). Empty disables the fallback.
	PDFToText string
}

// Errors returned by Parse and Detect, always wrapped with the file name
// and the reason; test them with errors.Is.
var (
	// ErrEmpty means the input holds no readable text.
	ErrEmpty = errors.New("document is empty")
	// ErrBinary means the input is not a document (an image, executable...).
	ErrBinary = errors.New("binary, not a document")
	// ErrEncrypted means the PDF is encrypted.
	ErrEncrypted = errors.New("document is encrypted")
	// ErrTooLarge means the input exceeds Options.MaxBytes, or a PDF's
	// streams decompress to far more than that.
	ErrTooLarge = errors.New("too large")
	// ErrCorrupt means the file's structure could not be read.
	ErrCorrupt = errors.New("document is corrupt")
)

// kindError marks err with one of the sentinels above for errors.Is,
// without repeating the sentinel's text where err already says it
// ("corrupt PDF: …").
type kindError struct{ kind, err error }

func (e *kindError) Error() string   { return e.err.Error() }
func (e *kindError) Unwrap() []error { return []error{e.kind, e.err} }

// Parse reads a whole document from r and extracts its text. name (a file
// name or URL path) is used for messages, as a tiebreak between text and
// Markdown, and as the last resort for the title.
func Parse(ctx context.Context, r io.Reader, name string, opt Options) (*Document, error) {
	opt = opt.withDefaults()
	data, err := readInput(r, name, opt.MaxBytes)
	if err != nil {
		return nil, fmt.Errorf("document %s: %w", name, err)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("document %s: %w", name, err)
	}
	format, err := Detect(data, name)
	if err != nil {
		return nil, fmt.Errorf("document %s: %w", name, err)
	}
	doc, err := parseAs(ctx, format, data, opt)
	if err != nil {
		return nil, fmt.Errorf("document %s: %w", name, err)
	}
	doc.Format, doc.MediaType = format, format.MediaType()
	if strings.TrimSpace(doc.Text) == "" {
		return nil, fmt.Errorf("document %s: %w: no text found in it as %s", name, ErrEmpty, format)
	}
	doc.Title = strings.Join(strings.Fields(doc.Title), " ")
	if doc.Title == "" {
		doc.Title = titleFromName(name)
	}
	doc.Text, doc.Truncated = truncate(doc.Text, opt.MaxTextBytes)
	return doc, nil
}

// readInput reads r up to limit bytes. It checks the first block before
// reading on, so that binary input (an executable, /dev/zero) is refused
// as binary rather than as too large.
func readInput(r io.Reader, name string, limit int64) ([]byte, error) {
	var buf bytes.Buffer
	n, err := io.CopyN(&buf, r, min(sniffLen, limit+1))
	if err != nil && err != io.EOF {
		return nil, fmt.Errorf("read: %w", err)
	}
	if _, err := Detect(buf.Bytes(), name); errors.Is(err, ErrBinary) {
		return nil, err
	}
	if _, err := buf.ReadFrom(io.LimitReader(r, limit+1-n)); err != nil {
		return nil, fmt.Errorf("read: %w", err)
	}
	if int64(buf.Len()) > limit {
		return nil, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, limit)
	}
	return buf.Bytes(), nil
}

func parseAs(ctx context.Context, f Format, data []byte, opt Options) (*Document, error) {
	switch f {
	case FormatPDF:
		return parsePDF(ctx, data, opt)
	case FormatHTML:
		return parseHTML(decodeText(data))
	case FormatMarkdown:
		return parseMarkdown(decodeText(data)), nil
	}
	return parseText(decodeText(data)), nil
}

func (o Options) withDefaults() Options {
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	if o.MaxTextBytes <= 0 {
		o.MaxTextBytes = DefaultMaxTextBytes
	}
	return o
}

// titleFromName is the base name without its extension, or "untitled".
func titleFromName(name string) string {
	base := filepath.Base(strings.ReplaceAll(name, "\\", "/"))
	base = strings.TrimSuffix(base, filepath.Ext(base))
	if base == "" || base == "." || base == "/" {
		return "untitled"
	}
	return base
}

// truncate cuts s to at most n bytes, preferring a paragraph break, then a
// line break, then a rune boundary.
func truncate(s string, n int64) (string, bool) {
	if int64(len(s)) <= n {
		return s, false
	}
	cut := s[:n]
	for !utf8.ValidString(cut) && len(cut) > 0 {
		cut = cut[:len(cut)-1]
	}
	if i := strings.LastIndex(cut, "\n\n"); i > len(cut)/2 {
		cut = cut[:i]
	} else if i := strings.LastIndex(cut, "\n"); i > len(cut)/2 {
		cut = cut[:i]
	}
	return cut, true
}
