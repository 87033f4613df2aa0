package document

import (
	"bytes"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// cp1252 gives the characters of Windows-1252 at 0x80..0x9F, the usual
// meaning of those bytes in text that is not UTF-8; 0 marks unassigned.
var cp1252 = []rune("€\x00‚ƒ„…†‡ˆ‰Š‹Œ\x00Ž\x00\x00‘’“”•–—˜™š›œ\x00žŸ")

// decodeText turns bytes into a UTF-8 string: it honours UTF-8 and UTF-16
// byte order marks, accepts valid UTF-8 as is, and otherwise reads the
// bytes as Windows-1252 (a superset of Latin-1's printable characters).
// Line endings become "\n".
func decodeText(b []byte) string {
	var s string
	switch {
	case bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}):
		s = strings.ToValidUTF8(string(b[3:]), "\uFFFD")
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}):
		s = utf16String(b[2:], false)
	case bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		s = utf16String(b[2:], true)
	case utf8.Valid(b) || validUTF8Prefix(b):
		s = strings.ToValidUTF8(string(b), "\uFFFD")
	default:
		s = windows1252(b)
	}
	if strings.IndexByte(s, '\r') >= 0 {
		s = strings.ReplaceAll(s, "\r\n", "\n")
		s = strings.ReplaceAll(s, "\r", "\n")
	}
	return s
}

// validUTF8Prefix accepts data that is valid UTF-8 except for a rune cut
// at the very end, as happens when Detect is handed a prefix.
func validUTF8Prefix(b []byte) bool {
	for i := 0; i < utf8.UTFMax && len(b) > 0; i++ {
		b = b[:len(b)-1]
		if utf8.Valid(b) {
			return true
		}
	}
	return false
}

func utf16String(b []byte, bigEndian bool) string {
	u := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		if bigEndian {
			u = append(u, uint16(b[i])<<8|uint16(b[i+1]))
		} else {
			u = append(u, uint16(b[i+1])<<8|uint16(b[i]))
		}
	}
	return string(utf16.Decode(u))
}

func windows1252(b []byte) string {
	var sb strings.Builder
	sb.Grow(len(b) + len(b)/8)
	for _, c := range b {
		switch {
		case c < 0x80:
			sb.WriteByte(c)
		case c < 0xA0 && cp1252[c-0x80] != 0:
			sb.WriteRune(cp1252[c-0x80])
		default:
			sb.WriteRune(rune(c))
		}
	}
	return sb.String()
}
