package extract

// Byte classes used by the scanners, from one lookup table. Everything
// here is ASCII: a non-ASCII byte is never part of an indicator.

const (
	clDigit = 1 << iota
	clAlpha
	clHex
	clUnder // '_'
	clHostPunct
	clLocalPunct
)

var classes = func() (t [256]uint8) {
	for c := '0'; c <= '9'; c++ {
		t[c] |= clDigit | clHex
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c] |= clAlpha
		t[c-'a'+'A'] |= clAlpha
	}
	for c := 'a'; c <= 'f'; c++ {
		t[c] |= clHex
		t[c-'a'+'A'] |= clHex
	}
	t['_'] |= clUnder
	t['-'] |= clHostPunct | clLocalPunct
	for _, c := range ".%+" {
		t[c] |= clLocalPunct
	}
	return t
}()

func isDigit(c byte) bool     { return classes[c]&clDigit != 0 }
func isAlpha(c byte) bool     { return classes[c]&clAlpha != 0 }
func isAlnum(c byte) bool     { return classes[c]&(clDigit|clAlpha) != 0 }
func isWord(c byte) bool      { return classes[c]&(clDigit|clAlpha|clUnder) != 0 }
func isHex(c byte) bool       { return classes[c]&clHex != 0 }
func isHostByte(c byte) bool  { return classes[c]&(clDigit|clAlpha|clUnder|clHostPunct) != 0 }
func localByte(c byte) bool   { return classes[c]&(clDigit|clAlpha|clUnder|clLocalPunct) != 0 }
func isHostOrDot(c byte) bool { return isHostByte(c) || c == '.' }

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

// lower returns an ASCII byte in lowercase.
func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// run returns the end of the run of bytes from i that satisfy ok.
func run(s string, i int, ok func(byte) bool) int {
	for i < len(s) && ok(s[i]) {
		i++
	}
	return i
}

// at returns s[i], or 0 when i is out of range.
func at(s string, i int) byte {
	if i < 0 || i >= len(s) {
		return 0
	}
	return s[i]
}
