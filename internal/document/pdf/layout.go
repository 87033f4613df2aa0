package pdf

import (
	"math"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// frag is a piece of one text line with no wide gap inside it.
type frag struct {
	x0, x1, y, size float64
	text            string
	col             int // column index, or -1 when it crosses a gutter
}

// row is the fragments that share one baseline.
type row struct {
	y     float64
	frags []frag
}

// gutter is a vertical strip free of text that separates columns.
type gutter struct{ x0, x1 float64 }

// Layout tuning, as fractions of the font size.
const (
	sameLine  = 0.35 // baselines closer than this are one line
	wordGap   = 0.15 // a gap wider than this is a space
	fragGap   = 1.2  // a gap wider than this separates table cells or columns
	paraSpace = 1.2  // baseline distance, in line spacings, that ends a paragraph
)

// rows groups spans into baselines, top of the page first, and splits each
// baseline into fragments at wide gaps.
func rows(spans []span) []row {
	sort.SliceStable(spans, func(i, j int) bool {
		if math.Abs(spans[i].y-spans[j].y) >= 0.01 {
			return spans[i].y > spans[j].y
		}
		return spans[i].x0 < spans[j].x0
	})
	var out []row
	for i := 0; i < len(spans); {
		j := i + 1
		for j < len(spans) && spans[i].y-spans[j].y < sameLine*spans[i].size {
			j++
		}
		line := append([]span(nil), spans[i:j]...)
		sort.SliceStable(line, func(a, b int) bool { return line[a].x0 < line[b].x0 })
		out = append(out, row{y: spans[i].y, frags: fragments(line)})
		i = j
	}
	return out
}

func fragments(line []span) []frag {
	var out []frag
	var b strings.Builder
	cur := frag{x0: line[0].x0, x1: line[0].x0, y: line[0].y, size: line[0].size}
	for _, s := range line {
		gap := s.x0 - cur.x1
		if b.Len() > 0 && gap > fragGap*s.size {
			cur.text = strings.TrimSpace(b.String())
			out = append(out, cur)
			b.Reset()
			cur = frag{x0: s.x0, y: s.y, size: s.size}
		} else if b.Len() > 0 && gap > wordGap*s.size && !endsSpace(b.String()) &&
			!strings.HasPrefix(s.text, " ") {
			b.WriteByte(' ')
		}
		b.WriteString(s.text)
		cur.x1 = max(cur.x1, s.x1)
		cur.size = max(cur.size, s.size)
	}
	cur.text = strings.TrimSpace(b.String())
	return append(out, cur)
}

func endsSpace(s string) bool {
	r, _ := utf8.DecodeLastRuneInString(s)
	return unicode.IsSpace(r)
}

// gutters finds vertical strips that nearly no fragment crosses while
// several lines of prose lie on both sides: the gaps between columns.
func gutters(rs []row) []gutter {
	var all []frag
	minX, maxX := math.Inf(1), math.Inf(-1)
	for _, r := range rs {
		for _, f := range r.frags {
			all = append(all, f)
			minX, maxX = min(minX, f.x0), max(maxX, f.x1)
		}
	}
	if len(all) < 6 || maxX-minX < 50 || maxX-minX > 5000 {
		return nil
	}
	n := int(maxX-minX) + 1
	cover := make([]int, n+1) // a difference array, summed below
	for _, f := range all {
		if a, b := int(f.x0-minX), min(int(f.x1-minX), n); a < b {
			cover[a]++
			cover[b]--
		}
	}
	for b := 1; b < n; b++ {
		cover[b] += cover[b-1]
	}
	limit := max(1, len(all)/20)
	var out []gutter
	for b := 0; b < n; {
		if cover[b] > limit {
			b++
			continue
		}
		e := b
		for e < n && cover[e] <= limit {
			e++
		}
		g := gutter{x0: minX + float64(b), x1: minX + float64(e)}
		if b > 0 && e < n && g.x1-g.x0 >= 8 && proseBothSides(all, g) {
			out = append(out, g)
		}
		b = e
	}
	return out
}

// proseBothSides tells columns of prose from the columns of a table: each
// side must hold at least three fragments with a median of four words.
func proseBothSides(all []frag, g gutter) bool {
	var left, right []int
	for _, f := range all {
		words := len(strings.Fields(f.text))
		switch {
		case f.x1 <= g.x0+1:
			left = append(left, words)
		case f.x0 >= g.x1-1:
			right = append(right, words)
		}
	}
	return len(left) >= 3 && len(right) >= 3 && median(left) >= 4 && median(right) >= 4
}

func median(v []int) int {
	sort.Ints(v)
	return v[len(v)/2]
}

// columnOf assigns a fragment to the column between gutters, or -1 when it
// spans a gutter (a title or a full-width figure caption).
func columnOf(f frag, gs []gutter) int {
	col := 0
	for _, g := range gs {
		if f.x0 < g.x0-1 && f.x1 > g.x1+1 {
			return -1
		}
		if (f.x0+f.x1)/2 > (g.x0+g.x1)/2 {
			col++
		}
	}
	return col
}
