package pdf

import (
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// line is one line of a column, ready to be joined into paragraphs.
type line struct {
	x0, y, size float64
	text        string
}

// pageText puts a page's spans in reading order: sections of the page
// separated by full-width lines, and within a section each column top to
// bottom, left column first.
func pageText(spans []span) string {
	rs := dropPageNumbers(rows(spans))
	gs := gutters(rs)
	var blocks [][]line
	section := make(map[int][]line)
	flush := func() {
		cols := make([]int, 0, len(section))
		for c := range section {
			cols = append(cols, c)
		}
		sort.Ints(cols)
		for _, c := range cols {
			blocks = append(blocks, section[c])
		}
		clear(section)
	}
	for _, r := range rs {
		byCol := map[int][]frag{}
		spanning := false
		for _, f := range r.frags {
			c := columnOf(f, gs)
			spanning = spanning || c < 0
			byCol[c] = append(byCol[c], f)
		}
		if spanning {
			flush()
			blocks = append(blocks, []line{joinCells(r.y, r.frags)})
			continue
		}
		for c, fs := range byCol {
			section[c] = append(section[c], joinCells(r.y, fs))
		}
	}
	flush()
	return paragraphs(blocks)
}

// joinCells turns the fragments of one line into text; fragments are
// apart by more than fragGap, so they are table cells, joined by " | ".
func joinCells(y float64, fs []frag) line {
	ln := line{y: y, x0: fs[0].x0}
	var b strings.Builder
	for i, f := range fs {
		if i > 0 {
			b.WriteString(" | ")
		}
		b.WriteString(strings.Join(strings.Fields(f.text), " "))
		ln.size = max(ln.size, f.size)
	}
	ln.text = b.String()
	return ln
}

var pageNumber = regexp.MustCompile(`^(?i)(page\s*)?[-–—]?\s*\d{1,4}\s*[-–—]?(\s*(of|/)\s*\d{1,4})?$`)

// dropPageNumbers removes a bare page number printed as the first or last
// line of a page.
func dropPageNumbers(rs []row) []row {
	isNum := func(r row) bool {
		return len(r.frags) == 1 && pageNumber.MatchString(r.frags[0].text)
	}
	if len(rs) > 1 && isNum(rs[len(rs)-1]) {
		rs = rs[:len(rs)-1]
	}
	if len(rs) > 1 && isNum(rs[0]) {
		rs = rs[1:]
	}
	return rs
}

// paragraphs joins lines into paragraphs separated by blank lines. A wide
// vertical gap, a change of font size or a list bullet starts a new one.
func paragraphs(blocks [][]line) string {
	spacing := lineSpacing(blocks)
	var out []string
	var cur strings.Builder
	end := func() {
		if cur.Len() > 0 {
			out = append(out, cur.String())
			cur.Reset()
		}
	}
	for _, blk := range blocks {
		if len(blk) > 0 && !continues(cur.String(), blk[0].text) {
			end()
		}
		for i, ln := range blk {
			text := bullet(strings.TrimSpace(ln.text))
			if text == "" {
				continue
			}
			if i > 0 && breaksParagraph(blk[i-1], ln, spacing) {
				end()
			}
			switch {
			case cur.Len() == 0:
			case startsItem(text) || strings.Contains(text, " | "):
				cur.WriteByte('\n')
			default:
				text = joinWrapped(&cur, text)
			}
			cur.WriteString(text)
		}
	}
	end()
	return strings.Join(out, "\n\n")
}

func breaksParagraph(prev, ln line, spacing float64) bool {
	if prev.size > 0 && (ln.size/prev.size > 1.15 || prev.size/ln.size > 1.15) {
		return true
	}
	indent := ln.x0-prev.x0 > 0.8*ln.size && ln.x0-prev.x0 < 6*ln.size
	return indent || prev.y-ln.y > paraSpace*spacing || prev.y < ln.y
}

// joinWrapped prepares text to continue the paragraph in cur. A word that
// the typesetter hyphenated ("re-" + "gions") is joined again when both
// halves are lower-case letters and the second half is no host or path,
// so hyphenated indicators keep their hyphen.
func joinWrapped(cur *strings.Builder, text string) string {
	prev := cur.String()
	if !strings.HasSuffix(prev, "-") {
		cur.WriteByte(' ')
		return text
	}
	before, _ := utf8.DecodeLastRuneInString(prev[:len(prev)-1])
	first, _ := utf8.DecodeRuneInString(text)
	next, _, _ := strings.Cut(text, " ")
	if unicode.IsLower(before) && unicode.IsLower(first) && !strings.ContainsAny(next, "./:-") {
		trimmed := prev[:len(prev)-1]
		cur.Reset()
		cur.WriteString(trimmed)
	}
	return text
}

// lineSpacing is the most common distance between consecutive baselines.
func lineSpacing(blocks [][]line) float64 {
	counts := map[int]int{}
	for _, blk := range blocks {
		for i := 1; i < len(blk); i++ {
			if d := blk[i-1].y - blk[i].y; d > 0 {
				counts[int(d*2+0.5)]++
			}
		}
	}
	best, n := 0, 0
	for d, c := range counts {
		if c > n || (c == n && d < best) {
			best, n = d, c
		}
	}
	if best == 0 {
		return 14
	}
	return float64(best) / 2
}

// bullet rewrites a leading bullet glyph as "- ".
func bullet(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	switch r {
	case '•', '◦', '▪', '‣', '●', '·', '\uf0b7':
		return "- " + strings.TrimLeftFunc(s[size:], unicode.IsSpace)
	}
	return s
}

var orderedItem = regexp.MustCompile(`^(\d{1,3}[.)]|\([a-z0-9]{1,3}\))\s`)

func startsItem(s string) bool {
	return strings.HasPrefix(s, "- ") || strings.HasPrefix(s, "* ") || orderedItem.MatchString(s)
}

// continues reports whether next, the first line of a column or page,
// carries on the paragraph prev: prev stops mid-sentence and next starts
// with a lower-case letter.
func continues(prev, next string) bool {
	last, _ := utf8.DecodeLastRuneInString(prev)
	first, _ := utf8.DecodeRuneInString(strings.TrimSpace(next))
	return prev != "" && !strings.ContainsRune(".:!?\"”)", last) && unicode.IsLower(first)
}
