package document

import (
	"bytes"
	"compress/zlib"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseRejectsBadInputWithAClearError(t *testing.T) {
	pdf := readTestdata(t, "pdf/advisory.pdf")
	tests := []struct {
		name    string
		input   []byte
		opt     Options
		want    error
		mention string
	}{
		{"an empty file is empty", nil, Options{}, ErrEmpty, "empty.txt"},
		{"a file of blank lines is empty", []byte("\n \r\n\t\n"), Options{}, ErrEmpty, "no text"},
		{"an ELF executable is binary", append([]byte("\x7fELF\x02\x01\x01"), make([]byte, 64)...), Options{}, ErrBinary, "looks like an ELF executable"},
		{"NUL bytes past MaxBytes are binary, not too large", make([]byte, 200), Options{MaxBytes: 100}, ErrBinary, "NUL byte at offset 0"},
		{"a PNG image is binary", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), Options{}, ErrBinary, "PNG image"},
		{"random bytes with NULs are binary", []byte("abc\x00\x01\x02def"), Options{}, ErrBinary, "NUL byte at offset 3"},
		{"an encrypted PDF is reported as encrypted", readTestdata(t, "pdf/encrypted.pdf"), Options{}, ErrEncrypted, "/Encrypt"},
		{"a truncated PDF is corrupt", pdf[:200], Options{}, ErrCorrupt, "corrupt PDF: no document catalog"},
		{"a PDF whose xref is outside the file is corrupt, saying where", []byte("%PDF-1.7\ngarbage\nstartxref\n9999\n%%EOF\n"), Options{},
			ErrCorrupt, "corrupt PDF: xref offset 9999 is outside the file (38 bytes), and no objects found"},
		{"a PDF whose xref table is cut short is corrupt, saying where", []byte("%PDF-1.7\nxref\n0 1\n0000000000 65535 f \nstartxref\n9\n%%EOF\n"), Options{},
			ErrCorrupt, "corrupt PDF: xref table at byte 9 unreadable: bad subsection header at byte 49, and no objects found"},
		{"a PDF that decompresses past the limits is too large", bombPDF(), Options{MaxBytes: 1 << 20}, ErrTooLarge, "PDF too large when decompressed"},
		{"a PDF header with garbage after it is corrupt", []byte("%PDF-1.7\n" + strings.Repeat("garbage ", 50)), Options{}, ErrCorrupt, "no objects"},
		{"input past MaxBytes is too large", []byte(strings.Repeat("a", 101)), Options{MaxBytes: 100}, ErrTooLarge, "more than 100 bytes"},
		{"HTML with only scripts has no text", []byte("<html><body><script>x()</script></body></html>"), Options{}, ErrEmpty, "html"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name := "empty.txt"
			_, err := Parse(context.Background(), bytes.NewReader(tt.input), name, tt.opt)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Parse error = %v, want %v", err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.mention) || !strings.Contains(err.Error(), name) {
				t.Errorf("error %q should mention %q and the file name", err, tt.mention)
			}
			for _, word := range []string{"pdf", "corrupt", "document is", "binary"} {
				if strings.Count(strings.ToLower(err.Error()), word) > 1 {
					t.Errorf("error %q says %q more than once", err, word)
				}
			}
		})
	}
}

// bombPDF is a one-page PDF whose content stream, 6 KB deflated, is a
// RunLength run that expands to 64 MiB.
func bombPDF() []byte {
	var rl, z bytes.Buffer
	rl.Write(bytes.Repeat([]byte{0x81, ' '}, 1<<19))
	w := zlib.NewWriter(&z)
	w.Write(rl.Bytes())
	w.Close()
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
		fmt.Sprintf("<< /Length %d /Filter [/FlateDecode /RunLengthDecode] >>\nstream\n%s\nendstream", z.Len(), z.Bytes()),
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n")
	offs := make([]int, len(objs))
	for i, o := range objs {
		offs[i] = b.Len()
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

// zeros yields n NUL bytes, like /dev/zero cut short, counting what is read.
type zeros struct{ n int64 }

func (z *zeros) Read(p []byte) (int, error) {
	if z.n <= 0 {
		return 0, io.EOF
	}
	k := int(min(int64(len(p)), z.n))
	clear(p[:k])
	z.n -= int64(k)
	return k, nil
}

func TestParseRefusesEndlessZerosAsBinaryAfterOneBlock(t *testing.T) {
	src := &zeros{n: 1 << 30}
	_, err := Parse(context.Background(), src, "/dev/zero", Options{})
	if !errors.Is(err, ErrBinary) || errors.Is(err, ErrTooLarge) {
		t.Fatalf("Parse error = %v, want ErrBinary", err)
	}
	if read := 1<<30 - src.n; read > sniffLen {
		t.Errorf("read %d bytes, want no more than the %d that Detect looks at", read, sniffLen)
	}
}

// endless yields n bytes of repeated prose without holding them in memory.
type endless struct{ n int64 }

func (e *endless) Read(p []byte) (int, error) {
	if e.n <= 0 {
		return 0, io.EOF
	}
	line := "the quick brown fox contacted 198.51.100.1 over tcp/443\n"
	k := 0
	for k < len(p) && e.n > 0 {
		c := copy(p[k:], line[int(e.n)%len(line):])
		k += c
		e.n -= int64(c)
	}
	return k, nil
}

func TestParseStopsReadingA200MBTextAtTheLimit(t *testing.T) {
	src := &endless{n: 200 << 20}
	_, err := Parse(context.Background(), src, "huge.txt", Options{MaxBytes: 8 << 20})
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("Parse error = %v, want ErrTooLarge", err)
	}
	if read := 200<<20 - src.n; read > 8<<20+64<<10 {
		t.Errorf("read %d bytes, want at most MaxBytes plus one buffer", read)
	}
}

func TestParseCutsLongTextAtAParagraph(t *testing.T) {
	input := strings.Repeat("A paragraph of twenty-nine b.\n\n", 10)
	doc, err := Parse(context.Background(), strings.NewReader(input), "long.txt", Options{MaxTextBytes: 100})
	if err != nil {
		t.Fatal(err)
	}
	if !doc.Truncated || len(doc.Text) > 100 || !strings.HasSuffix(doc.Text, "b.") {
		t.Errorf("Truncated=%v len=%d text=%q: want a cut after a whole paragraph", doc.Truncated, len(doc.Text), doc.Text)
	}
}

func TestParseHonoursACancelledContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Parse(ctx, strings.NewReader("hello"), "a.txt", Options{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Parse error = %v, want context.Canceled", err)
	}
}

func TestParseText(t *testing.T) {
	tests := []struct {
		name  string
		input []byte
		file  string
		want  Document
	}{
		{
			name:  "UTF-16 little-endian text with a BOM is decoded",
			input: utf16le("Title line\r\nSecond line\r\n"),
			file:  "a.txt",
			want:  Document{Format: FormatText, MediaType: "text/plain", Title: "Title line", Text: "Title line\nSecond line"},
		},
		{
			name:  "Latin-1 bytes fall back to Windows-1252",
			input: []byte("Caf\xe9 \x93quoted\x94\n"),
			file:  "a.txt",
			want:  Document{Format: FormatText, MediaType: "text/plain", Title: "Café “quoted”", Text: "Café “quoted”"},
		},
		{
			name:  "old Mac line endings become newlines",
			input: []byte("one\rtwo\r\rthree"),
			file:  "notes",
			want:  Document{Format: FormatText, MediaType: "text/plain", Title: "one", Text: "one\ntwo\n\nthree"},
		},
		{
			name:  "a leading date line sets Published",
			input: []byte("Weekly digest\nDate: March 5th, 2024\n\nNothing new."),
			file:  "digest.txt",
			want: Document{Format: FormatText, MediaType: "text/plain", Title: "Weekly digest",
				Published: time.Date(2024, 3, 5, 0, 0, 0, 0, time.UTC), Text: "Weekly digest\nDate: March 5th, 2024\n\nNothing new."},
		},
		{
			name:  "a very long first line leaves the file name as title",
			input: []byte(strings.Repeat("word ", 60)),
			file:  "dir/report-2024.final.txt",
			want:  Document{Format: FormatText, MediaType: "text/plain", Title: "report-2024.final", Text: strings.TrimSpace(strings.Repeat("word ", 60))},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := Parse(context.Background(), bytes.NewReader(tt.input), tt.file, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, *doc); diff != "" {
				t.Errorf("Parse mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func utf16le(s string) []byte {
	out := []byte{0xFF, 0xFE}
	for _, r := range s {
		out = append(out, byte(r), byte(r>>8))
	}
	return out
}
