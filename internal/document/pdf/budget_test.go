package pdf

import (
	"bytes"
	"compress/zlib"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// buildPDF writes objs as objects 1, 2, … with a classic xref table; object
// 1 must be the catalog.
func buildPDF(objs ...string) []byte {
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

// pagesPDF builds a document of n pages whose /Contents is contents
// (references to object 3 onwards), with body as object 3.
func pagesPDF(n int, contents string, body string) []byte {
	kids := ""
	objs := []string{"<< /Type /Catalog /Pages 2 0 R >>", "", body}
	for i := range n {
		kids += fmt.Sprintf("%d 0 R ", 4+i)
		objs = append(objs, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents "+contents+
			" /Resources << /Font << /F1 << /Subtype /Type1 >> >> >> >>")
	}
	objs[1] = fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", kids, n)
	return buildPDF(objs...)
}

// filtered is a stream object holding data under the given /Filter.
func filtered(filter string, data []byte) string {
	return fmt.Sprintf("<< /Length %d /Filter %s >>\nstream\n%s\nendstream", len(data), filter, data)
}

func deflate(data []byte) []byte {
	var b bytes.Buffer
	w := zlib.NewWriter(&b)
	w.Write(data)
	w.Close()
	return b.Bytes()
}

// runLengthBomb is RunLengthDecode input that expands pairs times 128.
func runLengthBomb(pairs int) []byte {
	return bytes.Repeat([]byte{0x81, 'A'}, pairs)
}

// textOf is n bytes of content stream that shows a little text.
func textOf(n int) []byte {
	show := []byte("BT /F1 12 Tf 72 700 Td (APT1) Tj ET\n")
	return append(show, bytes.Repeat([]byte(" "), n-len(show))...)
}

func TestExtractStopsDecompressionBombsWithinTheBudget(t *testing.T) {
	const mib = 1 << 20
	tests := []struct {
		name    string
		pdf     []byte
		opt     Options
		mention string
	}{
		{"a Flate stream wrapping a RunLength bomb stops at the per-stream cap",
			pagesPDF(1, "3 0 R", filtered("[/FlateDecode /RunLengthDecode]", deflate(runLengthBomb(64<<10)))),
			Options{MaxStreamBytes: mib}, "a stream decodes to more than 1048576 bytes"},
		{"an ASCII85 stream of z characters stops at the per-stream cap",
			pagesPDF(1, "3 0 R", filtered("/ASCII85Decode", bytes.Repeat([]byte("z"), mib))),
			Options{MaxStreamBytes: mib}, "a stream decodes to more than"},
		{"a Flate bomb stops at the per-stream cap",
			pagesPDF(1, "3 0 R", filtered("/FlateDecode", deflate(make([]byte, 8*mib)))),
			Options{MaxStreamBytes: mib}, "a stream decodes to more than"},
		{"one stream listed forty times in a page's contents stops at the per-page cap",
			pagesPDF(1, "["+strings.Repeat("3 0 R ", 40)+"]", filtered("/FlateDecode", deflate(textOf(mib)))),
			Options{MaxStreamBytes: 4 * mib}, "page 1: content streams decode to more than 4194304 bytes"},
		{"an unfiltered stream listed forty times stops at the per-page cap",
			pagesPDF(1, "["+strings.Repeat("3 0 R ", 40)+"]", fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", mib, textOf(mib))),
			Options{MaxStreamBytes: 4 * mib}, "content streams decode to more than"},
		{"one stream on forty pages stops at the per-document budget",
			pagesPDF(40, "3 0 R", filtered("/FlateDecode", deflate(textOf(mib)))),
			Options{MaxStreamBytes: 2 * mib, MaxDecodedBytes: 8 * mib}, "page 9: streams decode to more than 8388608 bytes in all"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opt := tt.opt.withDefaults()
			res, lim, err := extract(context.Background(), tt.pdf, opt)
			if !errors.Is(err, ErrTooLarge) || res != nil {
				t.Fatalf("extract = %v, %v; want ErrTooLarge", res, err)
			}
			if !strings.Contains(err.Error(), tt.mention) {
				t.Errorf("error %q should say %q", err, tt.mention)
			}
			if lim.used > opt.MaxDecodedBytes || lim.used > 8*mib {
				t.Errorf("decoded %d bytes before stopping, want at most the budget of %d", lim.used, opt.MaxDecodedBytes)
			}
		})
	}
}

func TestExtractReadsADocumentWithinTheBudget(t *testing.T) {
	const kib = 1 << 10
	data := pagesPDF(40, "3 0 R", filtered("/FlateDecode", deflate(textOf(100*kib))))
	res, lim, err := extract(context.Background(), data, Options{MaxStreamBytes: 200 * kib, MaxDecodedBytes: 4000 * kib}.withDefaults())
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Pages) != 40 || res.Pages[39] != "APT1" {
		t.Errorf("got %d pages, the last %q; want 40 pages of APT1", len(res.Pages), res.Pages[len(res.Pages)-1])
	}
	if lim.used != 4000*kib {
		t.Errorf("decoded %d bytes, want 100 KiB per page, exactly the budget", lim.used)
	}
}

func TestFiltersStopAtTheirLimit(t *testing.T) {
	tests := []struct {
		name   string
		decode func(limit int64) ([]byte, error)
		full   int // bytes of output without a limit
	}{
		{"RunLength", func(l int64) ([]byte, error) { return runLength(runLengthBomb(100), l) }, 12800},
		{"RunLength literal runs", func(l int64) ([]byte, error) {
			return runLength(bytes.Repeat([]byte{3, 'a', 'b', 'c', 'd'}, 100), l)
		}, 400},
		{"ASCII85 z", func(l int64) ([]byte, error) { return ascii85(bytes.Repeat([]byte("z"), 100), l) }, 400},
		{"Flate", func(l int64) ([]byte, error) { return inflate(deflate(make([]byte, 5000)), l) }, 5000},
	}
	for _, tt := range tests {
		t.Run(tt.name+" output of exactly the limit is accepted", func(t *testing.T) {
			if out, err := tt.decode(int64(tt.full)); err != nil || len(out) != tt.full {
				t.Errorf("got %d bytes, %v; want %d", len(out), err, tt.full)
			}
		})
		t.Run(tt.name+" output one byte past the limit is refused", func(t *testing.T) {
			if out, err := tt.decode(int64(tt.full - 1)); !errors.Is(err, errOverLimit) || out != nil {
				t.Errorf("got %d bytes, %v; want errOverLimit", len(out), err)
			}
		})
	}
}
