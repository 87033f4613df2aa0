package document

import (
	"bytes"
	"context"
	"testing"
)

func benchParse(b *testing.B, file string) {
	data := readTestdata(b, file)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(context.Background(), bytes.NewReader(data), file, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParsePDF100Pages(b *testing.B) { benchParse(b, "pdf/long.pdf") }
func BenchmarkParseHTMLBlog(b *testing.B)    { benchParse(b, "docs/blog.html") }
func BenchmarkParseMarkdown(b *testing.B)    { benchParse(b, "docs/writeup.md") }

// BenchmarkParseLargeText parses 8 MiB of plain prose.
func BenchmarkParseLargeText(b *testing.B) {
	data := bytes.Repeat([]byte("The actor sent a lure from 198.51.100.9 to finance staff.\n\n"), 8<<20/60)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(context.Background(), bytes.NewReader(data), "big.txt", Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
