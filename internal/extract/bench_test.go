package extract_test

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/tipster-cti/tipster/internal/extract"
	"github.com/tipster-cti/tipster/internal/extract/eval"
)

const sharedData = "../../../shared/data"

func longArticle(b *testing.B) string {
	t, err := os.ReadFile(sharedData + "/ioc-finder/long-article-1.txt")
	if err != nil {
		b.Skipf("shared data not available: %v", err)
	}
	return string(t)
}

func BenchmarkIndicatorsLongArticle(b *testing.B) {
	text := longArticle(b)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		extract.Indicators(text)
	}
}

func BenchmarkEntitiesLongArticleATTACKLexicon(b *testing.B) {
	text := longArticle(b)
	lex, n, err := eval.LoadLexicon(sharedData)
	if err != nil || n == 0 {
		b.Skipf("ATT&CK bundles not available: %v", err)
	}
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		lex.Entities(text)
	}
}

func BenchmarkNewLexiconATTACK(b *testing.B) {
	if _, err := os.Stat(sharedData + "/attack-v14"); err != nil {
		b.Skipf("ATT&CK bundles not available: %v", err)
	}
	for b.Loop() {
		if _, _, err := eval.LoadLexicon(sharedData); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPathological feeds inputs built to defeat a naive scanner, at
// two sizes: the time per byte should not grow with the size.
func BenchmarkPathological(b *testing.B) {
	units := map[string]string{
		"dots":        "1.1.1.1.",
		"brackets":    "[[.](.)[dot]",
		"backslashes": `HKLM\a b\`,
		"hex":         "abcdef0123",
		"slashes":     "/a/b c/",
		"useragent":   "Mozilla/5.0 (x) a ",
		"sameip":      "8.8.8.8 ",
	}
	for _, name := range []string{"brackets", "backslashes", "dots", "hex", "sameip", "slashes", "useragent"} {
		for _, size := range []int{1 << 20, 8 << 20} {
			text := strings.Repeat(units[name], size/len(units[name]))
			b.Run(fmt.Sprintf("%s/%dMiB", name, size>>20), func(b *testing.B) {
				b.SetBytes(int64(len(text)))
				for b.Loop() {
					extract.Extract(text, nil)
				}
			})
		}
	}
}
