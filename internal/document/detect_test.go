package document

import (
	"errors"
	"testing"
)

func TestDetect(t *testing.T) {
	tests := []struct {
		name string
		head string
		file string
		want Format
	}{
		{"a PDF header wins over a .txt name", "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "x.txt", FormatPDF},
		{"a PDF header after junk bytes is found", "\r\n\r\n%PDF-1.7\n", "", FormatPDF},
		{"a doctype means HTML", "<!DOCTYPE html><p>hi", "x.md", FormatHTML},
		{"a bare paragraph tag at the start means HTML", "  <p>Hello</p>", "", FormatHTML},
		{"XHTML with an XML prolog is HTML", "<?xml version=\"1.0\"?>\n<html xmlns=\"http://www.w3.org/1999/xhtml\">", "", FormatHTML},
		{"a .md name makes plain prose Markdown", "Just words.", "notes.md", FormatMarkdown},
		{"a .txt name keeps headings-like text as text", "# not a heading\n", "notes.txt", FormatText},
		{"a heading without an extension means Markdown", "# Report\n\nBody", "report", FormatMarkdown},
		{"a fenced block means Markdown", "Intro\n```\ncode\n```\n", "", FormatMarkdown},
		{"a link means Markdown", "see [the post](https://example.com)", "", FormatMarkdown},
		{"prose with inline angle brackets is text", "if a < b then c > d", "", FormatText},
		{"UTF-16 HTML is HTML", string(utf16le("<html><body>x</body></html>")), "", FormatHTML},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Detect([]byte(tt.head), tt.file)
			if err != nil || got != tt.want {
				t.Errorf("Detect = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestDetectRefusesBinaries(t *testing.T) {
	tests := []struct {
		name string
		head string
	}{
		{"a gzip stream", "\x1f\x8b\x08\x00\x00\x00"},
		{"a ZIP archive", "PK\x03\x04\x14\x00"},
		{"mostly control characters", "\x01\x02\x03\x04\x05\x06abc"},
		{"invalid UTF-16 surrogates only", "\xff\xfe\x00\xd8\x00\xd8\x00\xd8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if f, err := Detect([]byte(tt.head), "x.txt"); !errors.Is(err, ErrBinary) {
				t.Errorf("Detect = %q, %v; want ErrBinary", f, err)
			}
		})
	}
}
