package extract

import (
	"slices"
	"strings"
)

// Entities returns the entities named in text, ordered by first
// occurrence: lexicon names and aliases (longest match first, left to
// right), ATT&CK technique ids (T1059, T1059.001) and tactic ids (TA0002)
// found by pattern, and the embedded countries and sectors. An ATT&CK id
// that the lexicon knows as an ExternalID becomes that entity; otherwise
// it is reported with Kind attack-pattern or x-mitre-tactic, the id in
// ExternalID and ID and Name empty. A nil lexicon is allowed.
//
// Memory is bounded by the output, not the text: tokens are matched in a
// sliding window.
func (l *Lexicon) Entities(text string) []Entity {
	if l == nil {
		l = defaultLexicon()
	}
	m := entityMatcher{l: l, text: text, width: max(l.maxN, 2), index: make(map[string]int)}
	tokenize(text, m.push)
	for len(m.win) > 0 {
		m.consume()
	}
	return m.out
}

// entityMatcher holds the window of tokens not yet matched.
type entityMatcher struct {
	l     *Lexicon
	text  string
	width int
	win   []token
	index map[string]int
	out   []Entity
}

func (m *entityMatcher) push(t token) {
	m.win = append(m.win, t)
	if len(m.win) >= m.width {
		m.consume()
	}
}

// consume matches at the first token of the window and drops what the
// match used (one token when nothing matched).
func (m *entityMatcher) consume() {
	n := m.matchName()
	if n == 0 {
		n = m.matchID()
	}
	m.win = m.win[:copy(m.win, m.win[max(n, 1):])]
}

// adjacent reports whether two tokens are close enough to be one name:
// at most three bytes apart, not across a line break.
func (m *entityMatcher) adjacent(a, b token) bool {
	gap := m.text[a.end:b.start]
	return len(gap) <= 3 && !strings.ContainsAny(gap, "\n\r")
}

// matchName looks up the longest name starting at the window's first
// token and records every entity it names; it returns the tokens used.
func (m *entityMatcher) matchName() int {
	w := m.win
	if !m.l.first[w[0].h] {
		return 0
	}
	var hs [maxNameTokens + 1]uint64
	n := 0
	for k := 0; k < len(w) && k < m.l.maxN; k++ {
		if k == 0 {
			hs[1] = w[0].h
		} else {
			if !m.adjacent(w[k-1], w[k]) {
				break
			}
			hs[k+1] = combine(hs[k], w[k].h)
		}
		n = k + 1
	}
	for ; n > 0; n-- {
		found := false
		for _, e := range m.l.entries[hs[n]] {
			if len(e.words) == n && m.wordsMatch(e) {
				m.record(e.canon, "", w[0].start, w[n-1].end)
				found = true
			}
		}
		if found {
			return n
		}
	}
	return 0
}

// wordsMatch checks an entry's words against the window (the hash only
// says they probably match).
func (m *entityMatcher) wordsMatch(e entry) bool {
	for k, want := range e.words {
		got := m.text[m.win[k].start:m.win[k].end]
		if e.exact {
			if got != want && got != strings.ToUpper(want) {
				return false
			}
		} else if !strings.EqualFold(got, want) {
			return false
		}
	}
	return true
}

// matchID recognises T1234, T1234.567 and TA1234 (any case) as whole
// tokens. A sub-technique suffix of other than three digits (T1156.0012)
// voids the match, and so does an id the lexicon does not know that is
// outside the ranges ATT&CK uses (see plausibleAttackID).
func (m *entityMatcher) matchID() int {
	w, text := m.win, m.text
	tok, glued := gluedID(text[w[0].start:w[0].end])
	kind := ""
	switch {
	case len(tok) == 5 && lower(tok[0]) == 't' && isAllDigits(tok[1:]):
		kind = "attack-pattern"
	case len(tok) == 6 && lower(tok[0]) == 't' && lower(tok[1]) == 'a' && isAllDigits(tok[2:]):
		kind = "x-mitre-tactic"
	default:
		return 0
	}
	id, end, n := strings.ToUpper(tok), w[0].start+len(tok), 1
	if len(w) > 1 && !glued && at(text, end) == '.' && w[1].start == end+1 {
		sub, _ := gluedID(text[w[1].start:w[1].end])
		if !isAllDigits(sub) {
			return n
		}
		if len(sub) != 3 || kind != "attack-pattern" {
			return 2
		}
		id, end, n = id+"."+sub, w[1].start+len(sub), 2
	}
	if c, ok := m.l.byExtID[id]; ok {
		m.record(c, "", w[0].start, end)
		return n
	}
	if plausibleAttackID(id) {
		m.record(-1, kind+"\x00"+id, w[0].start, end)
	}
	return n
}

// plausibleAttackID reports whether an upper-case id not in the lexicon
// is shaped like the ids ATT&CK hands out: techniques T1001 to T1699 today,
// so T1000–T1999, with an optional sub-technique .001–.099; tactics
// TA0001 to TA0111, so TA0001–TA0999. "T9999" and "TA9999" are not.
func plausibleAttackID(id string) bool {
	if strings.HasPrefix(id, "TA") {
		return id[2] == '0' && id[2:] != "0000"
	}
	id, sub, hasSub := strings.Cut(id, ".")
	if hasSub && (sub[0] != '0' || sub == "000") {
		return false
	}
	return id[1] == '1'
}

// gluedID cuts an id glued to a capitalised word, as text pulled from
// tables often is ("T1016Remote System Discovery", "T1204.002Windows"):
// a run of digits followed by an upper-case then a lower-case letter.
// "T1329FUN" stays whole, and so is no id.
func gluedID(tok string) (string, bool) {
	d := 0
	if len(tok) > 2 && lower(tok[0]) == 't' {
		d = 1
		if lower(tok[1]) == 'a' {
			d = 2
		}
	}
	e := run(tok, d, isDigit)
	if e+1 < len(tok) && e > d && 'A' <= tok[e] && tok[e] <= 'Z' && 'a' <= tok[e+1] && tok[e+1] <= 'z' {
		return tok[:e], true
	}
	return tok, false
}

// record adds an occurrence of canon entity c, or (c < 0) of the
// pattern-only ATT&CK id in key ("kind\x00id").
func (m *entityMatcher) record(c int, key string, start, end int) {
	if c >= 0 {
		key = "\x01" + string(rune(c))
	}
	i, ok := m.index[key]
	if !ok {
		i = len(m.out)
		m.index[key] = i
		if c >= 0 {
			t := m.l.canon[c]
			m.out = append(m.out, Entity{ID: t.ID, Kind: t.Kind, Name: t.Name, ExternalID: t.ExternalID})
		} else {
			kind, id, _ := strings.Cut(key, "\x00")
			m.out = append(m.out, Entity{Kind: kind, ExternalID: id})
		}
	}
	e := &m.out[i]
	if surface := m.text[start:end]; len(e.Matched) < 32 && !slices.Contains(e.Matched, surface) {
		e.Matched = append(e.Matched, surface)
	}
	if len(e.Spans) < MaxSpans {
		e.Spans = append(e.Spans, Span{Start: start, End: end})
	}
}
