package document

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/golden")

// render is the golden-file form of a Document.
func render(d *Document) string {
	pub := "-"
	if !d.Published.IsZero() {
		pub = d.Published.Format("2006-01-02T15:04:05Z07:00")
	}
	return fmt.Sprintf("format: %s\nmedia type: %s\ntitle: %s\npublished: %s\npages: %d\n---\n%s\n",
		d.Format, d.MediaType, d.Title, pub, d.Pages, d.Text)
}

func TestParseMatchesGoldenFiles(t *testing.T) {
	tests := []struct {
		name string
		file string
	}{
		{"a vendor blog post loses its navigation, scripts and ads", "docs/blog.html"},
		{"a Markdown write-up keeps its code blocks, table and lists", "docs/writeup.md"},
		{"a plain-text notice keeps its lines and leading date", "docs/notice.txt"},
		{"a CERT-style PDF advisory keeps its table of indicators", "pdf/advisory.pdf"},
		{"a two-column PDF report reads column by column", "pdf/twocol.pdf"},
		{"a PDF with object streams reads like its plain twin", "pdf/objstm.pdf"},
		{"an enscript and ghostscript PDF gives its text", "pdf/plain.pdf"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := os.Open(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			doc, err := Parse(context.Background(), f, tt.file, Options{})
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			golden := filepath.Join("testdata", "golden", strings.ReplaceAll(tt.file, "/", "_")+".txt")
			got := render(doc)
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("missing golden file (run with -update): %v", err)
			}
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("Parse(%s) mismatch (-want +got):\n%s", tt.file, diff)
			}
		})
	}
}
