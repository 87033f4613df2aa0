package extract

import (
	"sort"
	"strings"
)

// refanged is a text with its defanging undone, and the map back to the
// original offsets. The map is sparse (one entry per replacement), so a
// text with no defanging costs no copy and no memory.
type refanged struct {
	s    string
	reps []replacement
}

// replacement records that orig[o0:o1] became s[r0:r1].
type replacement struct{ r0, r1, o0, o1 int }

// origStart maps an offset in the refanged text that starts a span.
func (r *refanged) origStart(p int) int {
	k := sort.Search(len(r.reps), func(k int) bool { return r.reps[k].r0 > p }) - 1
	if k < 0 {
		return p
	}
	x := r.reps[k]
	if p < x.r1 {
		return x.o0
	}
	return x.o1 + p - x.r1
}

// origEnd maps an offset in the refanged text that ends a span.
func (r *refanged) origEnd(p int) int {
	k := sort.Search(len(r.reps), func(k int) bool { return r.reps[k].r0 >= p }) - 1
	if k < 0 {
		return p
	}
	x := r.reps[k]
	if p <= x.r1 {
		return x.o1
	}
	return x.o1 + p - x.r1
}

// refangTrigger marks the bytes where a defang token can start.
var refangTrigger = func() (t [256]bool) {
	for _, c := range "[({hHfF." {
		t[c] = true
	}
	return t
}()

// refanger builds a refanged text lazily: nothing is copied until the
// first replacement.
type refanger struct {
	t    string
	b    strings.Builder
	done int // t[:done] is already in b
	reps []replacement
}

// refang undoes the common defanging styles: hxxp and fxp schemes, [.] (.)
// {.} [dot] with optional spaces inside square or curly brackets, [:] [/]
// [://], [@] [at], and a bracket on one side only ("example[.com").
func refang(t string) refanged {
	f := refanger{t: t}
	for i := 0; i < len(t); {
		if !refangTrigger[t[i]] {
			i++
			continue
		}
		n, repl, start := f.match(i)
		if n == 0 {
			i++
			continue
		}
		f.replace(start, i+n, repl)
		i += n
	}
	if f.reps == nil {
		return refanged{s: t}
	}
	f.b.WriteString(t[f.done:])
	return refanged{s: f.b.String(), reps: f.reps}
}

// replace writes repl in place of t[o0:o1].
func (f *refanger) replace(o0, o1 int, repl string) {
	if f.reps == nil {
		f.b.Grow(len(f.t))
	}
	f.b.WriteString(f.t[f.done:o0])
	r0 := f.b.Len()
	f.b.WriteString(repl)
	f.reps = append(f.reps, replacement{r0: r0, r1: f.b.Len(), o0: o0, o1: o1})
	f.done = o1
}

// match reports a defang token at i: its length from i, its replacement,
// and where the replaced text starts (before i when a leading space is
// eaten).
func (f *refanger) match(i int) (n int, repl string, start int) {
	t := f.t
	switch t[i] {
	case '[', '(', '{':
		return f.bracket(i)
	case 'h', 'H':
		if i > 0 && isWord(t[i-1]) {
			return 0, "", 0
		}
		if hasFoldAt(t, i+1, "xxp") && i+4 < len(t) && (t[i+4] == ':' || t[i+4] == '[' ||
			(t[i+4]|0x20 == 's' && i+5 < len(t) && (t[i+5] == ':' || t[i+5] == '['))) {
			return 3, "htt", i
		}
	case 'f', 'F':
		if (i == 0 || !isWord(t[i-1])) && hasFoldAt(t, i+1, "xp:") {
			return 2, "ft", i
		}
	case '.':
		if i > 0 && i+2 < len(t) && t[i+1] == ']' && isAlnum(t[i-1]) && isAlnum(t[i+2]) {
			return 2, ".", i
		}
	}
	return 0, "", 0
}

// bracket matches a bracketed separator such as [.], ( . ), [dot], [://].
func (f *refanger) bracket(i int) (n int, repl string, start int) {
	t := f.t
	open := t[i]
	closer := byte(']')
	switch open {
	case '(':
		closer = ')'
	case '{':
		closer = '}'
	}
	spaced := open != '('
	j := i + 1
	if spaced && j < len(t) && t[j] == ' ' {
		j++
	}
	inner, k := bracketInner(t, j)
	if inner == "" {
		return 0, "", 0
	}
	if spaced && k < len(t) && t[k] == ' ' {
		k++
	}
	if k >= len(t) || t[k] != closer {
		if open == '[' && inner == "." && j == i+1 && i > 0 && isAlnum(t[i-1]) &&
			k < len(t) && isAlnum(t[k]) {
			return k - i, ".", i // "example[.com"
		}
		return 0, "", 0
	}
	k++
	return f.flank(i, k, inner, spaced)
}

// bracketInner reads the separator inside a bracket pair at j.
func bracketInner(t string, j int) (string, int) {
	for _, c := range [...]struct{ in, out string }{
		{"://", "://"}, {":", ":"}, {"/", "/"}, {".", "."}, {"@", "@"},
		{"dot", "."}, {"at", "@"},
	} {
		if hasFoldAt(t, j, c.in) {
			return c.out, j + len(c.in)
		}
	}
	return "", j
}

// flank checks what surrounds a bracket group t[i:k] and, for "." and "@",
// eats one space on each side when the brackets allow spaces.
func (f *refanger) flank(i, k int, inner string, spaced bool) (int, string, int) {
	t := f.t
	if inner != "." && inner != "@" {
		if i == 0 || k >= len(t) || isSpace(t[i-1]) || isSpace(t[k]) {
			return 0, "", 0
		}
		return k - i, inner, i
	}
	start, end := i, k
	if spaced && start >= 2 && t[start-1] == ' ' && start-1 > f.done && isAlnum(t[start-2]) &&
		end+1 < len(t) && t[end] == ' ' && isAlnum(t[end+1]) {
		start--
		end++
	}
	if start == 0 || end >= len(t) || !isHostByte(t[start-1]) || !isAlnum(t[end]) {
		return 0, "", 0
	}
	return end - i, inner, start
}

// hasFoldAt reports whether t[i:] starts with the lowercase ASCII word w,
// ignoring case.
func hasFoldAt(t string, i int, w string) bool {
	if i < 0 || i+len(w) > len(t) {
		return false
	}
	for k := 0; k < len(w); k++ {
		c := t[i+k]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != w[k] {
			return false
		}
	}
	return true
}
