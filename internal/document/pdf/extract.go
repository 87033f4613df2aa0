// Package pdf extracts readable text from PDF files in pure Go.
//
// It reads classic and stream cross-references (rebuilding them by scanning
// when they are damaged), object streams, Flate/ASCIIHex/ASCII85/RunLength
// filters, simple fonts (WinAnsi, MacRoman, Standard, /Differences) and
// composite fonts through their ToUnicode CMaps. Text is placed by the
// text and graphics matrices and put in reading order, detecting columns
// by the empty vertical strips between them.
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

// Errors returned by Extract, wrapped with detail.
var (
	// ErrNotPDF means the data does not start with a %PDF- header.
	ErrNotPDF = errors.New("not a pdf")
	// ErrEncrypted means the document has an /Encrypt dictionary.
	ErrEncrypted = errors.New("pdf is encrypted")
	// ErrCorrupt means the structure could not be read.
	ErrCorrupt = errors.New("pdf is corrupt")
)

// Options bounds the work done on one document.
type Options struct {
	// MaxStreamBytes caps one decoded stream; default 256 MiB.
	MaxStreamBytes int64
	// MaxPages caps the pages read; default 10,000.
	MaxPages int
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
// ctx between pages.
func Extract(ctx context.Context, data []byte, opt Options) (res *Result, err error) {
	if opt.MaxStreamBytes <= 0 {
		opt.MaxStreamBytes = 256 << 20
	}
	if opt.MaxPages <= 0 {
		opt.MaxPages = 10000
	}
	start := bytes.Index(data[:min(len(data), 1024)], []byte("%PDF-"))
	if start < 0 {
		return nil, fmt.Errorf("pdf: %w: no %%PDF- header in the first 1024 bytes", ErrNotPDF)
	}
	defer func() {
		// A reader bug must not take the process down with a hostile file.
		if p := recover(); p != nil {
			res, err = nil, fmt.Errorf("pdf: %w: internal error: %v", ErrCorrupt, p)
		}
	}()
	f, err := openFile(data[start:], opt.MaxStreamBytes)
	if errors.Is(err, ErrEncrypted) {
		return nil, fmt.Errorf("pdf: %w: documents with /Encrypt are not decrypted", ErrEncrypted)
	}
	if err != nil {
		return nil, fmt.Errorf("pdf: %w: %w", ErrCorrupt, err)
	}
	res = &Result{}
	f.info(res)
	pages := f.pages(opt.MaxPages)
	if len(pages) == 0 {
		return nil, fmt.Errorf("pdf: %w: page tree has no pages", ErrCorrupt)
	}
	in := &interp{f: f, fontDict: map[Ref]*font{}, maxSpans: 1 << 20, active: map[*Stream]bool{}}
	for i, p := range pages {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("pdf: page %d: %w", i+1, err)
		}
		res.Pages = append(res.Pages, in.page(p))
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
	var content []byte
	switch c := in.f.resolve(p.dict["Contents"]).(type) {
	case *Stream:
		content, _ = in.f.decode(c)
	case Array:
		for _, part := range c {
			if s, ok := in.f.resolve(part).(*Stream); ok {
				data, _ := in.f.decode(s)
				content = append(append(content, data...), '\n')
			}
		}
	}
	in.run(content, p.res)
	return pageText(in.spans)
}
