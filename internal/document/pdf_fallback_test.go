package document

import (
	"bytes"
	"compress/lzw"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"testing"
)

// lzwPDF is a one-page PDF whose content stream is LZW-compressed, which
// the built-in reader skips and poppler reads.
func lzwPDF(t *testing.T) []byte {
	t.Helper()
	var content bytes.Buffer
	w := lzw.NewWriter(&content, lzw.MSB, 8)
	fmt.Fprint(w, "BT /F1 12 Tf 72 700 Td (Legacy LZW advisory text) Tj ET")
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R " +
			"/Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> >>",
		fmt.Sprintf("<< /Length %d /Filter /LZWDecode /DecodeParms << /EarlyChange 0 >> >>\nstream\n%s\nendstream",
			content.Len(), content.String()),
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	var offs []int
	for i, o := range objs {
		offs = append(offs, b.Len())
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}

func TestParsePDFWithoutFallbackFindsNoTextInLZWContent(t *testing.T) {
	_, err := Parse(context.Background(), bytes.NewReader(lzwPDF(t)), "old.pdf", Options{})
	if !errors.Is(err, ErrEmpty) {
		t.Fatalf("Parse error = %v, want ErrEmpty", err)
	}
}

func TestParsePDFFallsBackToPdftotext(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext (Debian package poppler-utils) is not installed")
	}
	doc, err := Parse(context.Background(), bytes.NewReader(lzwPDF(t)), "old.pdf", Options{PDFToText: "pdftotext"})
	if err != nil {
		t.Fatal(err)
	}
	if doc.Text != "Legacy LZW advisory text" || doc.Pages != 1 {
		t.Errorf("Text = %q, Pages = %d; want poppler's text of the one page", doc.Text, doc.Pages)
	}
}

func TestParsePDFSaysWhenTheFallbackToolIsMissing(t *testing.T) {
	_, err := Parse(context.Background(), bytes.NewReader(lzwPDF(t)), "old.pdf",
		Options{PDFToText: "/nonexistent/pdftotext"})
	if err == nil || !strings.Contains(err.Error(), "poppler-utils") {
		t.Fatalf("Parse error = %v, want one naming the missing tool and its package", err)
	}
}
