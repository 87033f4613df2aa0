package document

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"unicode/utf8"
)

// checkParse is the property both fuzz targets share: Parse returns a
// document with a title and valid UTF-8 text, or one of its errors.
func checkParse(t *testing.T, data []byte, name string) {
	doc, err := Parse(context.Background(), bytes.NewReader(data), name, Options{MaxBytes: 1 << 20})
	if err != nil {
		for _, known := range []error{ErrEmpty, ErrBinary, ErrEncrypted, ErrTooLarge, ErrCorrupt} {
			if errors.Is(err, known) {
				return
			}
		}
		t.Fatalf("Parse returned an error outside the documented set: %v", err)
	}
	if doc.Title == "" || !utf8.ValidString(doc.Text) {
		t.Fatalf("Parse returned title %q and text valid=%v", doc.Title, utf8.ValidString(doc.Text))
	}
}

// FuzzParseHTML feeds arbitrary markup, seeded with the blog fixture.
func FuzzParseHTML(f *testing.F) {
	f.Add(readTestdata(f, "docs/blog.html"))
	f.Add([]byte("<html><body><table><tr><td><ul><li><pre>x</pre></li></ul></td></tr></table>"))
	f.Add([]byte("<!doctype html><p hidden>a<p style='display:none'>b<main><header>c</header></main>"))
	f.Fuzz(func(t *testing.T, data []byte) { checkParse(t, data, "page.html") })
}

// FuzzParsePDF feeds mutated PDFs through Parse, seeded with fixtures.
func FuzzParsePDF(f *testing.F) {
	for _, name := range []string{"pdf/advisory.pdf", "pdf/objstm.pdf", "pdf/encrypted.pdf"} {
		f.Add(readTestdata(f, name))
	}
	f.Fuzz(func(t *testing.T, data []byte) { checkParse(t, data, "doc.pdf") })
}

// FuzzParseMarkdown feeds arbitrary Markdown, seeded with the write-up.
func FuzzParseMarkdown(f *testing.F) {
	f.Add(readTestdata(f, "docs/writeup.md"))
	f.Fuzz(func(t *testing.T, data []byte) { checkParse(t, data, "notes.md") })
}
