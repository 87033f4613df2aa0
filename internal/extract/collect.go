package extract

import (
	"slices"
)

// collector merges occurrences into distinct indicators, keyed by kind and
// value, and maps spans back to the original text.
type collector struct {
	src   string
	rf    *refanged
	index map[string]int
	out   []Indicator
	// capped is set when a value was dropped for MaxIndicators.
	capped bool
}

func newCollector(src string, rf *refanged) *collector {
	return &collector{src: src, rf: rf, index: make(map[string]int)}
}

// add records that s[r0:r1] of the refanged text is an indicator.
// defanged says the scanner itself undid a defang the refanger cannot see
// (a comma in a host, a stray bracket).
func (c *collector) add(k Kind, value string, r0, r1 int, defanged bool, flags []string) {
	if value == "" || r0 >= r1 {
		return
	}
	sp := Span{Start: c.rf.origStart(r0), End: c.rf.origEnd(r1)}
	defanged = defanged || c.src[sp.Start:sp.End] != c.rf.s[r0:r1]
	key := string(k) + "\x00" + value
	i, ok := c.index[key]
	if !ok {
		if len(c.out) >= MaxIndicators {
			c.capped = true
			return
		}
		i = len(c.out)
		c.index[key] = i
		c.out = append(c.out, Indicator{Kind: k, Value: value, Flags: flags})
	}
	ind := &c.out[i]
	ind.Defanged = ind.Defanged || defanged
	if n := len(ind.Spans); n < MaxSpans && (n == 0 || ind.Spans[n-1] != sp) {
		ind.Spans = append(ind.Spans, sp)
	}
}

// result sorts spans and orders indicators by first occurrence.
func (c *collector) result() []Indicator {
	for i := range c.out {
		slices.SortFunc(c.out[i].Spans, cmpSpan)
	}
	slices.SortStableFunc(c.out, func(a, b Indicator) int { return cmpSpan(a.Spans[0], b.Spans[0]) })
	return c.out
}

func cmpSpan(a, b Span) int {
	if a.Start != b.Start {
		return a.Start - b.Start
	}
	return a.End - b.End
}
