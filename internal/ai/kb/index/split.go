package index

import (
	"strings"
	"unicode/utf8"
)

// MaxPassageBytes is the most text one passage holds, about 200 tokens:
// long enough to carry a paragraph, short enough that several fit in a
// prompt.
const MaxPassageBytes = 900

// Split cuts text into pieces of at most max bytes, at paragraph breaks
// when it can, else at sentence ends, else at spaces.
func Split(text string, max int) []string {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil
	}
	var out []string
	var cur strings.Builder
	flush := func() {
		if s := strings.TrimSpace(cur.String()); s != "" {
			out = append(out, s)
		}
		cur.Reset()
	}
	for _, para := range strings.Split(text, "\n\n") {
		para = strings.TrimSpace(para)
		if para == "" {
			continue
		}
		for _, piece := range cutLong(para, max) {
			if cur.Len() > 0 && cur.Len()+2+len(piece) > max {
				flush()
			}
			if cur.Len() > 0 {
				cur.WriteString("\n\n")
			}
			cur.WriteString(piece)
		}
	}
	flush()
	return out
}

// cutLong splits one paragraph longer than max at sentence ends or spaces.
func cutLong(para string, max int) []string {
	var out []string
	for len(para) > max {
		cut := lastBreak(para[:max], ". ")
		if cut < max/3 {
			cut = lastBreak(para[:max], " ")
		}
		if cut < max/3 {
			cut = max
			for cut > 0 && !utf8.RuneStart(para[cut]) {
				cut--
			}
		}
		out = append(out, strings.TrimSpace(para[:cut]))
		para = strings.TrimSpace(para[cut:])
	}
	if para != "" {
		out = append(out, para)
	}
	return out
}

// lastBreak is the index just after the last sep in s, 0 when none.
func lastBreak(s, sep string) int {
	i := strings.LastIndex(s, sep)
	if i < 0 {
		return 0
	}
	return i + len(sep)
}
