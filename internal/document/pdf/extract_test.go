package pdf

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "pdf", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func extractText(t *testing.T, data []byte) string {
	t.Helper()
	res, err := Extract(context.Background(), data, Options{})
	if err != nil {
		t.Fatalf("Extract: %v", err)
	}
	return res.Text()
}

var marker = regexp.MustCompile(`\bP(\d{3}) `)

func TestExtractReadsA100PageTwoColumnReportInOrder(t *testing.T) {
	res, err := Extract(context.Background(), fixture(t, "long.pdf"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Pages) != 100 {
		t.Errorf("got %d pages, want 100", len(res.Pages))
	}
	want := 1
	for _, m := range marker.FindAllStringSubmatch(res.Text(), -1) {
		if m[1] != fmt.Sprintf("%03d", want) {
			t.Fatalf("paragraph P%s found where P%03d was expected: columns out of order", m[1], want)
		}
		want++
	}
	if want != 586 {
		t.Errorf("found %d paragraphs in order, want 585", want-1)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestExtractRecoversFromADamagedCrossReference(t *testing.T) {
	data := fixture(t, "advisory.pdf")
	i := bytes.LastIndex(data, []byte("startxref"))
	broken := append(append([]byte{}, data[:i]...), []byte("startxref\n99999999\n%%EOF\n")...)
	if got := extractText(t, broken); !strings.Contains(got, "203.0.113.77") {
		t.Errorf("text after rebuilding the xref lacks the indicator table:\n%s", got)
	}
}

func TestExtractRefusesEncryptedAndBrokenFiles(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		want error
	}{
		{"an AES-256 encrypted file", fixture(t, "encrypted.pdf"), ErrEncrypted},
		{"a file without a PDF header", []byte("hello world"), ErrNotPDF},
		{"a header and nothing else", []byte("%PDF-1.4\n"), ErrCorrupt},
		{"a catalog without pages", []byte("%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n"), ErrCorrupt},
		{"a page tree that points at itself", []byte("%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [2 0 R] >> endobj\ntrailer << /Root 1 0 R >>\n"), ErrCorrupt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Extract(context.Background(), tt.data, Options{})
			if !errors.Is(err, tt.want) {
				t.Errorf("Extract error = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestExtractReadsAHandWrittenFileWithWinAnsiAndTJKerning(t *testing.T) {
	content := "BT /F1 12 Tf 72 700 Td [(Caf) 10 (\\351)-3000(cr\\350me)] TJ 0 -14 Td (\\225 item) Tj ET"
	data := minimalPDF(content, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
	want := "Café | crème\n- item"
	if got := extractText(t, data); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestExtractReadsType0FontsThroughToUnicode(t *testing.T) {
	cmap := "/CIDInit /ProcSet findresource begin 1 begincodespacerange <0000> <FFFF> endcodespacerange " +
		"2 beginbfchar <0001> <0048> <0002> <0069> endbfchar 1 beginbfrange <0010> <0012> <0061> endbfrange endcmap"
	font := "<< /Type /Font /Subtype /Type0 /BaseFont /X /Encoding /Identity-H /ToUnicode 5 0 R " +
		"/DescendantFonts [<< /Type /Font /Subtype /CIDFontType2 /DW 500 /W [1 [600 300]] >>] >>"
	data := minimalPDF("BT /F1 10 Tf 50 50 Td <000100020010001100120012> Tj ET", font, cmap)
	if got := extractText(t, data); got != "Hiabcc" {
		t.Errorf("got %q, want %q", got, "Hiabcc")
	}
}

// minimalPDF writes a one-page PDF with a proper xref table. extra
// streams become objects 5, 6, ...
func minimalPDF(content, font string, extra ...string) []byte {
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 " + font + " >> >> >>",
		stream(content),
	}
	for _, e := range extra {
		objs = append(objs, stream(e))
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	var offs []int
	for i, o := range objs {
		offs = append(offs, b.Len())
		b.WriteString(itoa(i+1) + " 0 obj\n" + o + "\nendobj\n")
	}
	xref := b.Len()
	b.WriteString("xref\n0 " + itoa(len(objs)+1) + "\n0000000000 65535 f \n")
	for _, o := range offs {
		s := "0000000000" + itoa(o)
		b.WriteString(s[len(s)-10:] + " 00000 n \n")
	}
	b.WriteString("trailer\n<< /Size " + itoa(len(objs)+1) + " /Root 1 0 R >>\nstartxref\n" + itoa(xref) + "\n%%EOF\n")
	return b.Bytes()
}

func stream(s string) string {
	return "<< /Length " + itoa(len(s)) + " >>\nstream\n" + s + "\nendstream"
}

// TestExtractAgreesWithPdftotext compares the words (not the layout) that
// poppler's pdftotext finds with ours, on every fixture.
func TestExtractAgreesWithPdftotext(t *testing.T) {
	tool, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Skip("pdftotext (Debian package poppler-utils) is not installed; nothing to compare with")
	}
	for _, name := range []string{"advisory.pdf", "twocol.pdf", "plain.pdf", "long.pdf"} {
		t.Run(name, func(t *testing.T) {
			out, err := exec.Command(tool, "-enc", "UTF-8", filepath.Join("..", "testdata", "pdf", name), "-").Output()
			if err != nil {
				t.Fatal(err)
			}
			ours := words(extractText(t, fixture(t, name)))
			theirs := words(string(out))
			missing := 0
			for w, n := range theirs {
				if ours[w] < n {
					missing += n - ours[w]
				}
			}
			total := 0
			for _, n := range theirs {
				total += n
			}
			if float64(missing) > 0.02*float64(total) {
				t.Errorf("%d of pdftotext's %d words are missing from our text", missing, total)
			}
		})
	}
}

// words counts letter-and-digit words, ignoring hyphenation and table
// punctuation, which the two extractors render differently.
func words(s string) map[string]int {
	m := map[string]int{}
	for _, w := range regexp.MustCompile(`[\pL\pN]+`).FindAllString(s, -1) {
		m[strings.ToLower(w)]++
	}
	return m
}

func TestParseDate(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want time.Time
	}{
		{"a full date with a zone offset", "D:20240314093000+01'00'", time.Date(2024, 3, 14, 8, 30, 0, 0, time.UTC)},
		{"a date with Z", "D:20231102120000Z", time.Date(2023, 11, 2, 12, 0, 0, 0, time.UTC)},
		{"a year and month only", "D:202401", time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)},
		{"an impossible month", "D:20241399", time.Time{}},
		{"not a date", "yesterday", time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := parseDate(tt.in); !got.Equal(tt.want) {
				t.Errorf("parseDate(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestGlyphText(t *testing.T) {
	tests := []struct{ name, glyph, want string }{
		{"a plain letter", "a", "a"},
		{"an accented Latin name", "eacute", "é"},
		{"a uniXXXX name", "uni20AC", "€"},
		{"a uXXXXX name", "u1F600", "😀"},
		{"a suffixed variant", "a.sc", "a"},
		{"a ligature of components", "f_f_i", "ffi"},
		{"an unknown name", "glyph123", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := glyphText(tt.glyph); got != tt.want {
				t.Errorf("glyphText(%q) = %q, want %q", tt.glyph, got, tt.want)
			}
		})
	}
}
