package postgres

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/tipster-cti/tipster/internal/store"
)

// Full-text search uses PostgreSQL's "simple" configuration: words are
// lower-cased but neither stemmed nor dropped as stop words. This matches
// the SQLite backend (unicode61, no stemmer), keeps identifiers such as
// APT1, T0817 or CVE numbers intact, works the same for reports in any
// language, and makes a prefix query ("spearphish") mean a prefix of what
// was written rather than of a stem.
const ftsConfig = "simple"

// Limits, in bytes, on the text that goes into one object's index entry:
// PostgreSQL refuses a tsvector over 1 MB, and text of unique short words
// (the worst case) makes a tsvector about three times its size. Words past
// these points of a very long description or document are not searchable;
// the text itself is kept whole.
const (
	maxIndexedName     = 16 << 10  // a name, or the aliases together
	maxIndexedBody     = 64 << 10  // a description
	maxIndexedDocument = 256 << 10 // the text of a report's document
)

// indexText prepares text for to_tsvector: every run of characters that are
// not letters or digits becomes a space, so the index holds the words that
// store.Words makes of a query (PostgreSQL's parser would otherwise keep
// "T1059.001" or "example.com" as one token), and text longer than max
// bytes is cut at a word boundary.
func indexText(s string, max int) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return r
		}
		return ' '
	}, s)
	if len(s) > max {
		cut := strings.LastIndexByte(s[:max], ' ') + 1
		if cut == 0 {
			// One word longer than max: keep its start, whole runes only.
			for cut = max; cut > 0 && !utf8.RuneStart(s[cut]); cut-- {
			}
		}
		s = s[:cut]
	}
	return s
}

// tsQuery turns free text typed by a user into a to_tsquery expression that
// cannot be misread: each word is quoted (words hold only letters and
// digits), all must match, and the last one matches as a prefix. It returns
// "" when the text holds no word.
func tsQuery(text string) string {
	words := store.Words(text)
	if len(words) == 0 {
		return ""
	}
	for i, w := range words {
		words[i] = "'" + w + "'"
	}
	words[len(words)-1] += ":*"
	return strings.Join(words, " & ")
}
