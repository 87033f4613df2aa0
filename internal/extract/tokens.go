package extract

import (
	"unicode"
	"unicode/utf8"
)

// token is a maximal run of letters and digits in a text, with the FNV-1a
// hash of its lowercase form.
type token struct {
	start, end int
	h          uint64
}

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// tokenize splits text into tokens. Letters and digits of any script
// count; everything else separates.
func tokenize(text string, f func(token)) {
	start, h := -1, uint64(fnvOffset)
	for i := 0; i < len(text); {
		c := text[i]
		var r rune = rune(c)
		size := 1
		if c >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(text[i:])
		}
		if isAlnum(c) || (c >= utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r))) {
			if start < 0 {
				start, h = i, fnvOffset
			}
			h = hashRune(h, r)
		} else if start >= 0 {
			f(token{start: start, end: i, h: h})
			start = -1
		}
		i += size
	}
	if start >= 0 {
		f(token{start: start, end: len(text), h: h})
	}
}

// hashRune folds the lowercase form of r into an FNV-1a hash.
func hashRune(h uint64, r rune) uint64 {
	if r < utf8.RuneSelf {
		h ^= uint64(lower(byte(r)))
		return h * fnvPrime
	}
	var b [utf8.UTFMax]byte
	n := utf8.EncodeRune(b[:], unicode.ToLower(r))
	for _, x := range b[:n] {
		h ^= uint64(x)
		h *= fnvPrime
	}
	return h
}

// hashWord returns the token hash of a single word.
func hashWord(w string) uint64 {
	h := uint64(fnvOffset)
	for _, r := range w {
		h = hashRune(h, r)
	}
	return h
}

// combine extends an n-gram hash with the next token's hash.
func combine(h, tok uint64) uint64 {
	return (h^tok)*fnvPrime + 0x9e3779b97f4a7c15
}
