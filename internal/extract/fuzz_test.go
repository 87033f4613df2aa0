package extract

import (
	"testing"
	"unicode/utf8"
)

// FuzzExtract checks that arbitrary text never panics, that every span
// lies within the text and that every value is non-empty. Seeds are in
// testdata/fuzz/FuzzExtract.
func FuzzExtract(f *testing.F) {
	f.Add("hxxp://example[.]com/a 1.2.3[.]4 HKLM\\Software\\x T1059.001 Royal")
	lex := NewLexicon(testTerms)
	f.Fuzz(func(t *testing.T, text string) {
		r := Extract(text, lex)
		for _, in := range r.Indicators {
			if in.Value == "" || len(in.Spans) == 0 {
				t.Fatalf("empty indicator %+v", in)
			}
			checkSpans(t, text, in.Spans)
			if in.Kind != FilePath && in.Kind != RegistryKey && in.Kind != UserAgent && !utf8.ValidString(in.Value) {
				t.Fatalf("value %q is not UTF-8", in.Value)
			}
			if in.ObservableType() != "" && in.Pattern() == "" {
				t.Fatalf("no pattern for %+v", in)
			}
		}
		for _, e := range r.Entities {
			if e.Name == "" && e.ExternalID == "" {
				t.Fatalf("entity with no name or id %+v", e)
			}
			checkSpans(t, text, e.Spans)
		}
	})
}

func checkSpans(t *testing.T, text string, spans []Span) {
	t.Helper()
	for _, sp := range spans {
		if sp.Start < 0 || sp.End > len(text) || sp.Start >= sp.End {
			t.Fatalf("span %v out of bounds of %d bytes", sp, len(text))
		}
	}
}
