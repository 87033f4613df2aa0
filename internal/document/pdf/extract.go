// Package pdf extracts readable text from PDF files in pure Go.
//
// It reads classic and stream cross-references (rebuilding them by scanning
// when they are damaged), object streams, Flate/ASCIIHex/ASCII85/RunLength
// filters, simple fonts (WinAnsi, MacRoman, Standard, /Differences) and
// composite fonts through their ToUnicode CMaps. Text is placed by the
// text and graphics matrices and put in reading order, detecting columns
// by the empty vertical strips between them.
//
// Decoding is bounded against decompression bombs: each filter's output
// and each page's content by Options.MaxStreamBytes, the whole document
// by Options.MaxDecodedBytes; past either, Extract fails with ErrTooLarge.
//
// Composite fonts without a ToUnicode CMap give no text, and LZW-compressed
// content streams (rare since PDF 1.2) are skipped.
package pdf

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Errors returned by Extract, wrapped with detail; their text names the
// format, so a caller can wrap them once without repeating it.
var (
	// ErrNotPDF means the data does not start with a %PDF- header.
	ErrNotPDF = errors.New("not a PDF")
	// ErrEncrypted means the document has an /Encrypt dictionary.
	ErrEncrypted = errors.New("encrypted PDF")
	// ErrCorrupt means the structure could not be read.
	ErrCorrupt = errors.New("corrupt PDF")
	// ErrTooLarge means the streams decode to more than Options allow,
	// as a decompression bomb does.
	ErrTooLarge = errors.New("PDF too large when decompressed")
)

// Options bounds the work done on one document.
type Options struct {
	// MaxStreamBytes caps the output of each filter of a stream, and the
	// content streams of one page together; default 256 MiB.
	MaxStreamBytes int64
	// MaxDecodedBytes caps the bytes decoded from all streams of the
	// document together (every filter stage counts, and a stream decoded
	// again counts again); default 4 × MaxStreamBytes.
	MaxDecodedBytes int64
	// MaxPages caps the pages read; default 10,000.
	MaxPages int
}

func (o Options) withDefaults() Options {
	if o.MaxStreamBytes <= 0 {
		o.MaxStreamBytes = 256 << 20
	}
	if o.MaxDecodedBytes <= 0 {
		o.MaxDecodedBytes = 4 * o.MaxStreamBytes
	}
	if o.MaxPages <= 0 {
		o.MaxPages = 10000
	}
	return o
}

// Result is the text and metadata of one document.
type Result struct {
	// Title is the Info dictionary's /Title, or empty.
	Title string
	// Created is the Info dictionary's /CreationDate, or zero.
	Created time.Time
	// Pages holds each page's text in reading order; paragraphs are
	// separated by blank lines.
	Pages []string
}

// Text joins the pages' text with blank lines between pages.
func (r *Result) Text() string {
	var b strings.Builder
	for _, p := range r.Pages {
		if p == "" {
			continue
		}
		switch {
		case b.Len() == 0:
		case continues(b.String()[max(0, b.Len()-8):], p):
			b.WriteByte(' ')
		default:
			b.WriteString("\n\n")
		}
		b.WriteString(p)
	}
	return b.String()
}

// Extract reads data as a PDF and returns its text, page by page. It checks
// ctx between pages. Streams that decode past Options' caps stop it with
// ErrTooLarge.
func Extract(ctx context.Context, data []byte, opt Options) (*Result, error) {
	res, _, err := extract(ctx, data, opt.withDefaults())
	return res, err
}

// extract is Extract, also returning the decoding budget so that tests can
// see how much work was done.
func extract(ctx context.Context, data []byte, opt Options) (res *Result, lim *budget, err error) {
	lim = newBudget(opt.MaxStreamBytes, opt.MaxDecodedBytes)
	start := bytes.Index(data[:min(len(data), 1024)], []byte("%PDF-"))
	if start < 0 {
		return nil, lim, fmt.Errorf("%w: no %%PDF- header in the first 1024 bytes", ErrNotPDF)
	}
	defer func() {
		// A reader bug must not take the process down with a hostile file.
		if p := recover(); p != nil {
			res, err = nil, fmt.Errorf("%w: internal error: %v", ErrCorrupt, p)
		}
	}()
	f, err := openFile(data[start:], lim)
	switch {
	case lim.err != nil:
		return nil, lim, fmt.Errorf("%w: %w", ErrTooLarge, lim.err)
	case errors.Is(err, ErrEncrypted):
		return nil, lim, fmt.Errorf("%w: documents with /Encrypt are not decrypted", ErrEncrypted)
	case err != nil:
		return nil, lim, fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	res, err = f.read(ctx, opt.MaxPages)
	return res, lim, err
}

// read extracts the metadata and every page's text.
func (f *file) read(ctx context.Context, maxPages int) (*Result, error) {
	res := &Result{}
	f.info(res)
	pages := f.pages(maxPages)
	if f.lim.err != nil {
		return nil, fmt.Errorf("%w: %w", ErrTooLarge, f.lim.err)
	}
	if len(pages) == 0 {
		return nil, fmt.Errorf("%w: page tree has no pages", ErrCorrupt)
	}
	in := &interp{f: f, fontDict: map[Ref]*font{}, maxSpans: 1 << 20, active: map[*Stream]bool{}}
	for i, p := range pages {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("pdf page %d: %w", i+1, err)
		}
		res.Pages = append(res.Pages, in.page(p))
		if f.lim.err != nil {
			return nil, fmt.Errorf("%w: page %d: %w", ErrTooLarge, i+1, f.lim.err)
		}
	}
	return res, nil
}

func (f *file) info(res *Result) {
	info := f.dict(f.trailer["Info"])
	if t, ok := f.resolve(info["Title"]).(String); ok {
		res.Title = strings.TrimSpace(textString(t))
	}
	if d, ok := f.resolve(info["CreationDate"]).(String); ok {
		res.Created = parseDate(textString(d))
	}
}

// page holds a leaf of the page tree with its inherited resources.
type page struct {
	dict Dict
	res  Dict
}

// pages walks the page tree depth first, guarding against cycles.
func (f *file) pages(limit int) []page {
	root := f.dict(f.trailer["Root"])
	var out []page
	var walk func(v any, res Dict, depth int)
	walk = func(v any, res Dict, depth int) {
		d := f.dict(v)
		if d == nil || depth > 64 || len(out) >= limit {
			return
		}
		if r := f.dict(d["Resources"]); r != nil {
			res = r
		}
		kids, isTree := f.resolve(d["Kids"]).(Array)
		if !isTree {
			out = append(out, page{dict: d, res: res})
			return
		}
		for _, k := range kids {
			if r, ok := k.(Ref); ok && f.busyRef(r) {
				continue
			}
			walk(k, res, depth+1)
		}
	}
	walk(root["Pages"], nil, 0)
	return out
}

// busyRef reports whether r has already been visited during the walk; it
// marks r as visited.
func (f *file) busyRef(r Ref) bool {
	key := -1 - r.Num // negative keys never clash with object numbers
	if f.busy[key] {
		return true
	}
	f.busy[key] = true
	return false
}

// page interprets one page's content streams and orders its text.
func (in *interp) page(p page) string {
	in.spans = in.spans[:0]
	in.stack = in.stack[:0]
	in.forms = 0
	in.gs = gstate{ctm: identity, scale: 100}
	content := in.f.content(p.dict["Contents"])
	in.run(content, p.res)
	return pageText(in.spans)
}

// content decodes a page's /Contents, a stream or an array of streams
// read as one, at most MaxStreamBytes in all. A stream that fails to
// decode is skipped, since damaged files are common; going past the
// budget leaves f.lim.err set for the caller.
func (f *file) content(v any) []byte {
	switch c := f.resolve(v).(type) {
	case *Stream:
		data, _ := f.decode(c)
		return data
	case Array:
		var content []byte
		for _, part := range c {
			s, ok := f.resolve(part).(*Stream)
			if !ok {
				continue
			}
			data, err := f.decode(s)
			if err == nil && int64(len(content)+len(data)+1) > f.lim.stream {
				f.lim.exceedPage()
			}
			if f.lim.err != nil {
				return nil
			}
			content = append(append(content, data...), '\n')
		}
		return content
	}
	return nil
}
