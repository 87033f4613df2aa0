package ai

import (
	"strings"
	"unicode"
)

// Sanitize removes from model output what must never reach a terminal or a
// page as is: control characters other than newline and tab (which ends
// ANSI escape sequences' power), carriage returns, and the Unicode
// bidirectional overrides that can make text read differently from what it
// is. Escaping for HTML is the web UI's job; the API returns text.
func Sanitize(s string) string {
	if clean(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if keep(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func clean(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 && c != '\n' && c != '\t' || c == 0x7f || c >= 0x80 {
			return false
		}
	}
	return true
}

func keep(r rune) bool {
	switch {
	case r == '\n' || r == '\t':
		return true
	case r == unicode.ReplacementChar:
		return false
	case unicode.IsControl(r):
		return false
	case r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069, r == 0x200E, r == 0x200F:
		return false
	}
	return true
}
