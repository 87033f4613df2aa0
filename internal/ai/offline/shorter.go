package offline

import (
	"slices"
	"strings"
)

// shorterRatio is the share of the text's length that shorter aims at.
const shorterRatio = 0.5

// shorterKeep chooses the sentences to keep: those that carry entities or
// indicators first, the most central first within each group, until
// about half the text's length. One sentence is always kept.
func shorterKeep(a *analysis) []int {
	total := 0
	var order []int
	for i, s := range a.sents {
		total += s.end - s.start
		fragment := len(strings.Fields(a.text[s.start:s.end])) < 3 && a.named[i]+a.iocs[i] == 0
		if !s.heading && !fragment {
			order = append(order, i)
		}
	}
	carries := func(i int) bool { return a.named[i]+a.iocs[i] > 0 }
	slices.SortStableFunc(order, func(x, y int) int {
		if cx, cy := carries(x), carries(y); cx != cy {
			if cx {
				return -1
			}
			return 1
		}
		switch {
		case a.score[x] > a.score[y]:
			return -1
		case a.score[x] < a.score[y]:
			return 1
		}
		return x - y
	})
	budget := int(float64(total) * shorterRatio)
	var keep []int
	used := 0
	for _, i := range order {
		n := a.sents[i].end - a.sents[i].start
		if len(keep) > 0 && used+n > budget {
			continue
		}
		keep = append(keep, i)
		used += n
	}
	slices.Sort(keep)
	return keep
}

// shorterLines returns the kept sentences as lines: sentences of one
// line of the original are joined, list items keep their dash, and a
// heading is kept when something under it is. Each line is built once,
// so a text on a single line costs no more than one of many lines.
func shorterLines(a *analysis) []string {
	keep := shorterKeep(a)
	headings := a.headingsBefore()
	var lines []string
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			lines = append(lines, cur.String())
			cur.Reset()
		}
	}
	lastLine, lastHeading := -1, -1
	for _, i := range keep {
		s := a.sents[i]
		if h := headings[i]; h >= 0 && h != lastHeading {
			flush()
			lines = append(lines, a.sentenceText(h))
			lastHeading, lastLine = h, -1
		}
		if s.line == lastLine {
			cur.WriteString(" ")
		} else {
			flush()
			if s.item {
				cur.WriteString("- ")
			}
		}
		cur.WriteString(a.sentenceText(i))
		lastLine = s.line
	}
	flush()
	return lines
}

// headingsBefore returns, for each sentence, the heading it falls under,
// -1 when none does.
func (a *analysis) headingsBefore() []int {
	out := make([]int, len(a.sents))
	last := -1
	for i, s := range a.sents {
		out[i] = last
		if s.heading {
			last = i
		}
	}
	return out
}

// shorter answers the shorter operation.
func shorter(a *analysis) *answer {
	ans := &answer{}
	ans.blocks = append(ans.blocks, block{kind: lines, items: shorterLines(a)})
	return ans
}

// shorterText is the body of shorter's answer, as measured by Evaluate.
func shorterText(a *analysis) string { return strings.Join(shorterLines(a), "\n") }
