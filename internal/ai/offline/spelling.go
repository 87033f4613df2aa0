package offline

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/tipster-cti/tipster/internal/extract"
)

// Edit is one correction that fix-spelling makes.
type Edit struct {
	Start, End int    // byte span replaced in the original text
	Old, New   string // the text replaced and its replacement
	Why        string // one of the Why* reasons
}

// Reasons for an edit.
const (
	WhyMisspelling = "misspelling"
	WhyTransposed  = "transposed letters"
	WhyDoubled     = "doubled word"
	WhySpacing     = "spacing"
	WhyCapital     = "sentence capital"
)

// token is a run of non-space text and the word inside its punctuation.
type token struct {
	start, end int // the run
	cs, ce     int // the core, without leading and trailing punctuation
	id         bool
}

// speller applies the rules to one text.
type speller struct {
	text    string
	toks    []token
	guarded spans
	edits   []Edit
}

// fixSpelling corrects text conservatively and returns it with the edits
// made. It never touches indicators, names the lexicon knows, ids, code
// or quoted strings; lex may be nil.
func fixSpelling(text string, lex *extract.Lexicon) (string, []Edit) {
	sp := &speller{text: text, toks: tokens(text), guarded: guardedSpans(text, lex)}
	for i := range sp.toks {
		sp.misspelling(i)
		sp.doubled(i)
		sp.spacing(i)
		sp.capital(i)
	}
	return sp.apply()
}

// tokens cuts text at white space.
func tokens(text string) []token {
	var out []token
	for i := 0; i < len(text); {
		if isSpaceAt(text, i) {
			i += runeLen(text, i)
			continue
		}
		j := i
		for j < len(text) && !isSpaceAt(text, j) {
			j += runeLen(text, j)
		}
		t := token{start: i, end: j, cs: i, ce: j}
		for t.cs < t.ce && strings.IndexByte(`"'([{<*_`, text[t.cs]) >= 0 {
			t.cs++
		}
		for t.ce > t.cs && strings.IndexByte(`.,;:!?)]}>"'*_`, text[t.ce-1]) >= 0 {
			t.ce--
		}
		t.id = idLike(text[t.cs:t.ce])
		out = append(out, t)
		i = j
	}
	return out
}

// idLike reports a token that is an identifier, a path, a version, code
// or a name with inner capitals, which spelling rules must leave alone.
func idLike(core string) bool {
	if strings.ContainsAny(core, "0123456789_/\\@=<>{}$%#|~`.:+&") {
		return true
	}
	for i, r := range core {
		if i > 0 && unicode.IsUpper(r) {
			return true
		}
	}
	return false
}

// word returns the token's core when it is a plain word of letters.
func (sp *speller) word(i int) string {
	t := sp.toks[i]
	w := sp.text[t.cs:t.ce]
	if t.id || w == "" || sp.guarded.overlaps(t.cs, t.ce) {
		return ""
	}
	for _, r := range w {
		if !unicode.IsLetter(r) || r > unicode.MaxASCII {
			return ""
		}
	}
	return w
}

func (sp *speller) edit(start, end int, repl, why string) {
	sp.edits = append(sp.edits, Edit{Start: start, End: end, Old: sp.text[start:end], New: repl, Why: why})
}

// misspelling replaces a word from the curated list, or a word with two
// letters swapped when exactly one English word is that close.
func (sp *speller) misspelling(i int) {
	w := sp.word(i)
	if w == "" || isWord(w) || !(isLowerWord(w) || isCapitalised(w)) {
		return
	}
	t := sp.toks[i]
	if fix, ok := misspellings()[strings.ToLower(w)]; ok {
		sp.edit(t.cs, t.ce, matchCase(fix, w), WhyMisspelling)
		return
	}
	if len(w) >= 5 && isLowerWord(w) {
		if fix := transposition(w); fix != "" {
			sp.edit(t.cs, t.ce, fix, WhyTransposed)
		}
	}
}

// transposition returns the one common word that swapping two adjacent
// letters of w makes, "" when there is none or more than one.
func transposition(w string) string {
	found := ""
	b := []byte(w)
	for k := 0; k+1 < len(b); k++ {
		if b[k] == b[k+1] {
			continue
		}
		b[k], b[k+1] = b[k+1], b[k]
		if c := string(b); isCommonWord(c) && c != found {
			if found != "" {
				return ""
			}
			found = c
		}
		b[k], b[k+1] = b[k+1], b[k]
	}
	return found
}

// doublesAllowed are words that English may repeat ("that that", "had had").
var doublesAllowed = toSet([]string{"had", "that", "is", "do", "does", "bye", "very", "so", "no"})

// doubled removes the second of two equal words with only spaces between.
func (sp *speller) doubled(i int) {
	if i+1 >= len(sp.toks) {
		return
	}
	a, b := sp.toks[i], sp.toks[i+1]
	wa, wb := sp.word(i), sp.word(i+1)
	if wa == "" || !strings.EqualFold(wa, wb) || a.ce != a.end || b.cs != b.start ||
		doublesAllowed[strings.ToLower(wa)] || !isWord(wa) || strings.Trim(sp.text[a.end:b.start], " ") != "" {
		return
	}
	sp.edit(a.ce, b.ce, "", WhyDoubled)
}

// spacing turns two spaces between words into one and removes a space
// before , ; . ! or ?. Lines with wider runs of spaces (aligned columns)
// and indented lines (code) are left alone.
func (sp *speller) spacing(i int) {
	if i == 0 {
		return
	}
	p, t := sp.toks[i-1], sp.toks[i]
	gap := sp.text[p.end:t.start]
	if strings.Trim(gap, " ") != "" || sp.guarded.overlaps(p.end, t.start) || sp.alignedLine(t.start) {
		return
	}
	tok := sp.text[t.start:t.end]
	last, _ := utf8.DecodeLastRuneInString(sp.text[p.start:p.end])
	switch {
	case len(tok) == 1 && strings.Contains(",;.!?", tok) && unicode.IsLetter(last) && !p.id:
		sp.edit(p.end, t.start, "", WhySpacing)
	case gap == "  ":
		sp.edit(p.end, t.start, " ", WhySpacing)
	}
}

// alignedLine reports whether the line holding off is indented, a table
// row, or holds a run of three spaces or a tab.
func (sp *speller) alignedLine(off int) bool {
	s := strings.LastIndexByte(sp.text[:off], '\n') + 1
	e := strings.IndexByte(sp.text[off:], '\n')
	if e < 0 {
		e = len(sp.text)
	} else {
		e += off
	}
	line := sp.text[s:e]
	return strings.HasPrefix(line, " ") || strings.HasPrefix(line, "|") ||
		strings.Contains(line, "   ") || strings.Contains(line, "\t")
}

// capital capitalises a common word that begins a sentence, and the
// pronoun "i".
func (sp *speller) capital(i int) {
	w := sp.word(i)
	t := sp.toks[i]
	if w == "" || t.cs != t.start || !isLowerWord(w) {
		return
	}
	if w == "i" {
		if sp.prosePronoun(i) {
			sp.edit(t.cs, t.cs+1, "I", WhyCapital)
		}
		return
	}
	if !isCommonWord(w) || !sp.sentenceStart(i) || strings.HasSuffix(sp.text[t.start:t.end], ":") ||
		sp.alignedLine(t.start) {
		return
	}
	sp.edit(t.cs, t.ce, strings.ToUpper(w[:1])+w[1:], WhyCapital)
}

// prosePronoun reports whether the "i" at token i sits between two plain
// words of prose on one line, the next in lower case ("then i went"),
// and not in code ("Dim i As Integer", "Next i").
func (sp *speller) prosePronoun(i int) bool {
	if i == 0 || i+1 >= len(sp.toks) {
		return false
	}
	prev, next := sp.word(i-1), sp.word(i+1)
	sameLine := !strings.Contains(sp.text[sp.toks[i-1].end:sp.toks[i+1].start], "\n")
	return sameLine && prev != "" && next != "" && isLowerWord(next) && isCommonWord(next) && isWord(prev)
}

// sentenceStart reports whether token i begins the text or follows a
// token ending a sentence (not an abbreviation, an initial or guarded text).
func (sp *speller) sentenceStart(i int) bool {
	if i == 0 {
		return true
	}
	p := sp.toks[i-1]
	prev := strings.TrimRight(sp.text[p.start:p.end], `"')]”’`)
	if prev == "" || !strings.ContainsAny(prev[len(prev)-1:], ".!?") || sp.guarded.overlaps(p.start, p.end) {
		return false
	}
	if gap := sp.text[p.end:sp.toks[i].start]; strings.Count(gap, "\n") == 1 {
		return false // a line broken inside a paragraph
	}
	core := strings.ToLower(strings.TrimRight(prev, ".!?"))
	core = strings.TrimLeft(core, `"'([“‘`)
	// One letter, an abbreviation or an initialism (E.K.P.) is no sentence end.
	return utf8.RuneCountInString(core) > 1 && !abbreviations[core] && core != "etc" &&
		!strings.Contains(core, ".")
}

// apply makes the edits that do not overlap an earlier one.
func (sp *speller) apply() (string, []Edit) {
	slices.SortStableFunc(sp.edits, func(a, b Edit) int { return a.Start - b.Start })
	var kept []Edit
	var b strings.Builder
	at := 0
	for _, e := range sp.edits {
		if e.Start < at {
			continue
		}
		b.WriteString(sp.text[at:e.Start])
		b.WriteString(e.New)
		at = e.End
		kept = append(kept, e)
	}
	b.WriteString(sp.text[at:])
	return b.String(), kept
}

func isLowerWord(w string) bool { return w == strings.ToLower(w) }

func isCapitalised(w string) bool {
	return len(w) > 1 && unicode.IsUpper(rune(w[0])) && w[1:] == strings.ToLower(w[1:])
}

// matchCase writes fix with the capital of w.
func matchCase(fix, w string) string {
	if isCapitalised(w) {
		return strings.ToUpper(fix[:1]) + fix[1:]
	}
	return fix
}
