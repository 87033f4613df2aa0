package pdf

import (
	"bytes"
	"strconv"
)

// Object kinds. A PDF object is one of: nil (null), bool, int64, float64,
// String, Name, Array, Dict, *Stream or Ref.
type (
	// Name is a PDF name such as /Type, without the slash.
	Name string
	// String is a PDF string's raw bytes, escapes already resolved.
	String []byte
	// Array is a PDF array.
	Array []any
	// Dict is a PDF dictionary keyed by name.
	Dict map[Name]any
	// Ref is an indirect reference "num gen R".
	Ref struct{ Num, Gen int }
	// Stream is a dictionary followed by raw, still encoded bytes.
	Stream struct {
		Dict Dict
		Raw  []byte
	}
	// keyword is a bare word: an operator in a content stream or obj/endobj.
	keyword string
	// delim is one of [ ] << >> { }.
	delim string
)

// lexer reads PDF tokens from a byte slice.
type lexer struct {
	b   []byte
	pos int
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0
}

func isDelim(c byte) bool {
	switch c {
	case '(', ')', '<', '>', '[', ']', '{', '}', '/', '%':
		return true
	}
	return false
}

// skipSpace moves past white space and comments.
func (l *lexer) skipSpace() {
	for l.pos < len(l.b) {
		c := l.b[l.pos]
		if isSpace(c) {
			l.pos++
			continue
		}
		if c == '%' {
			for l.pos < len(l.b) && l.b[l.pos] != '\n' && l.b[l.pos] != '\r' {
				l.pos++
			}
			continue
		}
		return
	}
}

// token returns the next token, or ok=false at the end of input.
func (l *lexer) token() (tok any, ok bool) {
	l.skipSpace()
	if l.pos >= len(l.b) {
		return nil, false
	}
	c := l.b[l.pos]
	switch c {
	case '[', ']', '{', '}':
		l.pos++
		return delim(string(c)), true
	case '<':
		if l.pos+1 < len(l.b) && l.b[l.pos+1] == '<' {
			l.pos += 2
			return delim("<<"), true
		}
		return l.hexString(), true
	case '>':
		if l.pos+1 < len(l.b) && l.b[l.pos+1] == '>' {
			l.pos += 2
			return delim(">>"), true
		}
		l.pos++
		return keyword(">"), true
	case '(':
		return l.literalString(), true
	case ')':
		l.pos++
		return keyword(")"), true
	case '/':
		return l.name(), true
	}
	start := l.pos
	for l.pos < len(l.b) && !isSpace(l.b[l.pos]) && !isDelim(l.b[l.pos]) {
		l.pos++
	}
	word := l.b[start:l.pos]
	if n, isNum := parseNumber(word); isNum {
		return n, true
	}
	switch string(word) {
	case "true":
		return true, true
	case "false":
		return false, true
	case "null":
		return nil, true
	}
	return keyword(word), true
}

// parseNumber reads an integer or real; PDF writers emit odd forms like
// "-.5" or "1.-2" which are read as far as they make sense.
func parseNumber(w []byte) (any, bool) {
	if len(w) == 0 {
		return nil, false
	}
	c := w[0]
	if !(c >= '0' && c <= '9') && c != '-' && c != '+' && c != '.' {
		return nil, false
	}
	if !bytes.ContainsAny(w, ".") {
		if i, err := strconv.ParseInt(string(w), 10, 64); err == nil {
			return i, true
		}
	}
	if f, err := strconv.ParseFloat(string(w), 64); err == nil {
		return f, true
	}
	if c == '-' && len(w) > 1 && w[1] == '-' { // "--5" seen in the wild
		return parseNumber(w[1:])
	}
	return nil, false
}

func (l *lexer) name() Name {
	l.pos++ // '/'
	var out []byte
	for l.pos < len(l.b) && !isSpace(l.b[l.pos]) && !isDelim(l.b[l.pos]) {
		c := l.b[l.pos]
		if c == '#' && l.pos+2 < len(l.b) {
			if v, err := strconv.ParseUint(string(l.b[l.pos+1:l.pos+3]), 16, 8); err == nil {
				out = append(out, byte(v))
				l.pos += 3
				continue
			}
		}
		out = append(out, c)
		l.pos++
	}
	return Name(out)
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

func (l *lexer) hexString() String {
	l.pos++ // '<'
	var out []byte
	var hi byte
	half := false
	for l.pos < len(l.b) {
		c := l.b[l.pos]
		l.pos++
		if c == '>' {
			break
		}
		v, ok := unhex(c)
		if !ok {
			continue
		}
		if half {
			out = append(out, hi<<4|v)
		} else {
			hi = v
		}
		half = !half
	}
	if half {
		out = append(out, hi<<4)
	}
	return String(out)
}

func (l *lexer) literalString() String {
	l.pos++ // '('
	var out []byte
	depth := 1
	for l.pos < len(l.b) {
		c := l.b[l.pos]
		l.pos++
		switch c {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return String(out)
			}
		case '\\':
			out = l.escape(out)
			continue
		case '\r':
			if l.pos < len(l.b) && l.b[l.pos] == '\n' {
				l.pos++
			}
			c = '\n'
		}
		out = append(out, c)
	}
	return String(out)
}

// escape resolves one backslash escape inside a literal string.
func (l *lexer) escape(out []byte) []byte {
	if l.pos >= len(l.b) {
		return out
	}
	c := l.b[l.pos]
	l.pos++
	switch c {
	case 'n':
		return append(out, '\n')
	case 'r':
		return append(out, '\r')
	case 't':
		return append(out, '\t')
	case 'b':
		return append(out, '\b')
	case 'f':
		return append(out, '\f')
	case '\r':
		if l.pos < len(l.b) && l.b[l.pos] == '\n' {
			l.pos++
		}
		return out
	case '\n':
		return out
	}
	if c >= '0' && c <= '7' {
		v := int(c - '0')
		for i := 0; i < 2 && l.pos < len(l.b) && l.b[l.pos] >= '0' && l.b[l.pos] <= '7'; i++ {
			v = v*8 + int(l.b[l.pos]-'0')
			l.pos++
		}
		return append(out, byte(v))
	}
	return append(out, c)
}
