package pdf

import (
	"context"
	"testing"
)

// FuzzExtract feeds mutated PDFs to Extract: it must return text or an
// error, never panic or hang. Seeds are the committed fixtures.
func FuzzExtract(f *testing.F) {
	for _, name := range []string{"advisory.pdf", "objstm.pdf", "plain.pdf", "encrypted.pdf"} {
		f.Add(fixture(f, name))
	}
	f.Add(minimalPDF("BT /F1 12 Tf 72 700 Td (x) Tj ET", "<< /Subtype /Type1 >>"))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := Extract(context.Background(), data, Options{MaxStreamBytes: 1 << 20, MaxPages: 50})
		if err == nil && res == nil {
			t.Fatal("Extract returned neither a result nor an error")
		}
	})
}

func BenchmarkExtract100Pages(b *testing.B) {
	data := fixture(b, "long.pdf")
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Extract(context.Background(), data, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
