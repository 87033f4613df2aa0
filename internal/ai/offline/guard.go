package offline

import (
	"slices"
	"sort"
	"strings"

	"github.com/tipster-cti/tipster/internal/extract"
)

// spans is a sorted list of byte ranges that do not overlap.
type spans []extract.Span

// overlaps reports whether [start,end) shares a byte with a span.
func (s spans) overlaps(start, end int) bool {
	i := sort.Search(len(s), func(i int) bool { return s[i].End > start })
	return i < len(s) && s[i].Start < end
}

// normalise sorts the spans and merges those that overlap or touch.
func (s spans) normalise() spans {
	slices.SortFunc(s, func(a, b extract.Span) int { return a.Start - b.Start })
	var out spans
	for _, x := range s {
		if n := len(out); n > 0 && x.Start <= out[n-1].End {
			out[n-1].End = max(out[n-1].End, x.End)
			continue
		}
		out = append(out, x)
	}
	return out
}

// guardedSpans returns what fix-spelling must not change: indicators,
// names the lexicon knows, code (fenced, inline or indented) and quoted
// strings.
func guardedSpans(text string, lex *extract.Lexicon) spans {
	var s spans
	for _, ind := range extract.Indicators(text) {
		s = append(s, ind.Spans...)
	}
	for _, e := range lex.Entities(text) {
		if e.Kind != "location" && e.Kind != "identity-sector" {
			s = append(s, e.Spans...)
		}
	}
	s = append(s, fencedCode(text)...)
	for start := 0; start < len(text); {
		end := strings.IndexByte(text[start:], '\n')
		if end < 0 {
			end = len(text)
		} else {
			end += start
		}
		line := text[start:end]
		if strings.HasPrefix(line, "    ") || strings.HasPrefix(line, "\t") || codeLine(line) {
			s = append(s, extract.Span{Start: start, End: end})
		} else {
			s = append(s, pairs(line, start)...)
		}
		start = end + 1
	}
	return s.normalise()
}

// codeSigns are bits of text that prose seldom holds and code, command
// lines and rules often do.
var codeSigns = []string{"=", "$", "{", "}", "/*", "*/", "();", "::", "&&", "||", "==", ">>"}

// codeLine reports a line that looks like code or a command line: it
// holds a code sign or a command-line flag.
func codeLine(line string) bool {
	for _, s := range codeSigns {
		if strings.Contains(line, s) {
			return true
		}
	}
	return hasFlag(line)
}

// hasFlag reports a token such as -p, --verbose or /add (but not a path
// such as /usr/bin).
func hasFlag(line string) bool {
	for f := range strings.FieldsSeq(line) {
		var rest string
		switch {
		case strings.HasPrefix(f, "--"):
			rest = f[2:]
		case strings.HasPrefix(f, "-"):
			rest = f[1:]
		case strings.HasPrefix(f, "/"):
			rest = f[1:]
			if strings.Contains(rest, "/") {
				continue
			}
		default:
			continue
		}
		if rest != "" && isASCIILetter(rest[0]) {
			return true
		}
	}
	return false
}

// fencedCode returns the blocks between lines of ``` or ~~~.
func fencedCode(text string) spans {
	var s spans
	open := -1
	for start := 0; start < len(text); {
		end := strings.IndexByte(text[start:], '\n')
		if end < 0 {
			end = len(text)
		} else {
			end += start
		}
		l := strings.TrimSpace(text[start:end])
		if strings.HasPrefix(l, "```") || strings.HasPrefix(l, "~~~") {
			if open < 0 {
				open = start
			} else {
				s = append(s, extract.Span{Start: open, End: end})
				open = -1
			}
		}
		start = end + 1
	}
	if open >= 0 {
		s = append(s, extract.Span{Start: open, End: len(text)})
	}
	return s
}

// quotePairs are the marks that open and close inline code and quotes.
var quotePairs = [][2]string{{"`", "`"}, {`"`, `"`}, {"“", "”"}, {"‘", "’"}}

// pairs returns the quoted and inline-code spans of one line (offset
// base in the text). A single quote opens only after a space or an
// opening bracket and closes only before a non-letter, so that
// apostrophes are not taken for quotes.
func pairs(line string, base int) spans {
	var s spans
	for _, q := range quotePairs {
		for from := 0; ; {
			i := strings.Index(line[from:], q[0])
			if i < 0 {
				break
			}
			i += from
			j := strings.Index(line[i+len(q[0]):], q[1])
			if j < 0 {
				break
			}
			j += i + len(q[0]) + len(q[1])
			s = append(s, extract.Span{Start: base + i, End: base + j})
			from = j
		}
	}
	return append(s, singleQuoted(line, base)...)
}

// singleQuoted returns the spans of 'quoted' strings in a line.
func singleQuoted(line string, base int) spans {
	var s spans
	open := -1
	for i := 0; i < len(line); i++ {
		if line[i] != '\'' {
			continue
		}
		before := i == 0 || strings.IndexByte(" ([{=:,", line[i-1]) >= 0
		after := i+1 == len(line) || !isASCIILetter(line[i+1])
		switch {
		case open < 0 && before:
			open = i
		case open >= 0 && after:
			s = append(s, extract.Span{Start: base + open, End: base + i + 1})
			open = -1
		}
	}
	return s
}

func isASCIILetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }
