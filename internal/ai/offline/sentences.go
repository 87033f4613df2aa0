package offline

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// sentence is a span of the text: a sentence of prose, or a heading.
type sentence struct {
	start, end int  // byte span in the text, trimmed of space and list marks
	line       int  // number of the non-empty line it is on, from 0
	heading    bool // a short line without final punctuation, or a Markdown heading
	item       bool // the line began with a list mark
}

// abbreviations end with a period that does not end a sentence.
var abbreviations = map[string]bool{
	"e.g": true, "i.e": true, "etc": false, "vs": true, "mr": true, "mrs": true, "ms": true,
	"dr": true, "inc": true, "ltd": true, "co": true, "corp": true, "fig": true, "no": true,
	"st": true, "jan": true, "feb": true, "mar": true, "apr": true, "jun": true, "jul": true,
	"aug": true, "sep": true, "sept": true, "oct": true, "nov": true, "dec": true, "u.s": true,
	"approx": true, "al": true, "cf": true, "ver": true, "v": true,
}

// splitSentences cuts text into sentences. Every line break ends a
// sentence (reports pasted from the web keep one paragraph per line);
// within a line, a sentence ends at . ! or ? followed by space and a
// capital, a digit or an opening mark, unless the period closes an
// abbreviation or an initial.
func splitSentences(text string) []sentence {
	var out []sentence
	line := 0
	for start := 0; start < len(text); {
		end := strings.IndexByte(text[start:], '\n')
		if end < 0 {
			end = len(text)
		} else {
			end += start
		}
		if s, e, hd, it := trimLine(text, start, end); s < e {
			out = appendLine(out, text, s, e, line, hd, it)
			line++
		}
		start = end + 1
	}
	return out
}

// trimLine strips space, Markdown heading and list marks and emphasis
// stars from a line, and says whether it was a heading or a list item.
func trimLine(text string, s, e int) (start, end int, heading, item bool) {
	for s < e && isSpaceAt(text, s) {
		s += runeLen(text, s)
	}
	for e > s && isSpaceBefore(text, e) {
		_, n := utf8.DecodeLastRuneInString(text[s:e])
		e -= n
	}
	l := text[s:e]
	switch {
	case strings.HasPrefix(l, "#"):
		heading = true
		s += len(l) - len(strings.TrimLeft(l, "# "))
	case strings.HasPrefix(l, "* "), strings.HasPrefix(l, "- "), strings.HasPrefix(l, "• "):
		item = true
		_, rest, _ := strings.Cut(l, " ")
		s += len(l) - len(strings.TrimLeft(rest, " "))
	}
	for s+1 < e && text[s:s+2] == "**" {
		s += 2
	}
	for e-1 > s && text[e-2:e] == "**" {
		e -= 2
	}
	return s, e, heading, item
}

// appendLine adds the sentences of one trimmed line.
func appendLine(out []sentence, text string, s, e, line int, heading, item bool) []sentence {
	l := text[s:e]
	if !heading && looksLikeHeading(l) {
		heading = true
	}
	if heading {
		return append(out, sentence{start: s, end: e, line: line, heading: true, item: item})
	}
	from := s
	for i := s; i < e; i++ {
		c := text[i]
		if c != '.' && c != '!' && c != '?' {
			continue
		}
		j := i + 1
		for j < e && strings.IndexByte(`"')]`, text[j]) >= 0 {
			j++
		}
		if strings.HasPrefix(text[j:e], "”") || strings.HasPrefix(text[j:e], "’") {
			j += 3
		}
		if j >= e || !isSpaceAt(text, j) || !opensSentence(text, j, e) ||
			(c == '.' && isAbbreviation(text, from, i)) {
			continue
		}
		out = append(out, sentence{start: from, end: j, line: line, item: item})
		for from = j; from < e && isSpaceAt(text, from); {
			from += runeLen(text, from)
		}
		i = from - 1
	}
	if from < e {
		out = append(out, sentence{start: from, end: e, line: line, item: item})
	}
	return out
}

// looksLikeHeading reports a short line that ends without punctuation
// and holds nothing like a path, an address or a command.
func looksLikeHeading(l string) bool {
	if l == "" || strings.ContainsAny(l[len(l)-1:], ".!?:;,)\"") || strings.ContainsAny(l, `\/:[]=@%.`) {
		return false
	}
	return len(strings.Fields(l)) <= 10 && len(l) < 90
}

// opensSentence reports whether the first non-space rune at or after i
// can begin a sentence.
func opensSentence(text string, i, e int) bool {
	for i < e && isSpaceAt(text, i) {
		i += runeLen(text, i)
	}
	if i >= e {
		return false
	}
	r, _ := utf8.DecodeRuneInString(text[i:])
	return unicode.IsUpper(r) || unicode.IsDigit(r) || strings.ContainsRune("\"'“‘([*", r)
}

// isAbbreviation reports whether the word that ends at the period i is
// an abbreviation or a single-letter initial.
func isAbbreviation(text string, from, i int) bool {
	k := i
	for k > from && !isSpaceAt(text, k-1) && text[k-1] != '(' {
		k--
	}
	w := strings.ToLower(text[k:i])
	if utf8.RuneCountInString(w) == 1 {
		r, _ := utf8.DecodeRuneInString(w)
		return unicode.IsLetter(r)
	}
	return abbreviations[w]
}

func isSpaceAt(text string, i int) bool {
	r, _ := utf8.DecodeRuneInString(text[i:])
	return unicode.IsSpace(r)
}

func isSpaceBefore(text string, i int) bool {
	r, _ := utf8.DecodeLastRuneInString(text[:i])
	return unicode.IsSpace(r)
}

func runeLen(text string, i int) int {
	_, n := utf8.DecodeRuneInString(text[i:])
	return max(n, 1)
}
