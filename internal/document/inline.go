package document

import (
	"regexp"
	"strings"
)

var (
	mdImage    = regexp.MustCompile(`!\[([^\]]*)\]\([^)]*\)`)
	mdLink     = regexp.MustCompile(`\[([^\]]+)\]\([^)\s]*(?:\s+"[^"]*")?\)`)
	mdRefLink  = regexp.MustCompile(`\[([^\]]+)\]\[[^\]]*\]`)
	mdAutolink = regexp.MustCompile(`<(?:mailto:)?((?:https?://|ftp://)?[^>\s]+[.@][^>\s]+)>`)
	mdStrong   = regexp.MustCompile(`(^|[^\w*])(\*\*|__)([^\s*_](?:[^*]*?[^\s*_])?)(\*\*|__)($|[^\w*])`)
	mdEmStar   = regexp.MustCompile(`(^|[^\w*])\*([^\s*](?:[^*]*?[^\s*])?)\*($|[^\w*])`)
	mdEmUnder  = regexp.MustCompile(`(^|[^\w_])_([^\s_](?:[^_]*?[^\s_])?)_($|[^\w_])`)
	mdStrike   = regexp.MustCompile(`~~([^~]+)~~`)
	mdEscape   = regexp.MustCompile(`\\([\\` + "`" + `*_{}\[\]()#+\-.!|>~])`)
)

// inline removes inline Markdown syntax outside code spans: links keep
// their text, images their alt text, emphasis markers go. Underscores
// inside words (file_name, evil_domain) are left alone. Code spans lose
// their backticks but keep their content verbatim.
func inline(s string) string {
	parts := strings.Split(s, "`")
	if len(parts)%2 == 0 { // an unmatched backtick is literal
		parts[len(parts)-2] += "`" + parts[len(parts)-1]
		parts = parts[:len(parts)-1]
	}
	for i := 0; i < len(parts); i += 2 {
		parts[i] = plainInline(parts[i])
	}
	return strings.Join(parts, "")
}

func plainInline(s string) string {
	// Escaped markers are parked in the private use area so the emphasis
	// rules below cannot see them, then restored.
	s = mdEscape.ReplaceAllStringFunc(s, func(m string) string { return string(rune(0xE000) + rune(m[1])) })
	s = mdImage.ReplaceAllString(s, "$1")
	s = mdLink.ReplaceAllString(s, "$1")
	s = mdRefLink.ReplaceAllString(s, "$1")
	s = mdAutolink.ReplaceAllString(s, "$1")
	s = mdStrike.ReplaceAllString(s, "$1")
	for range 2 { // overlapping matches need a second pass
		s = mdStrong.ReplaceAllString(s, "$1$3$5")
		s = mdEmStar.ReplaceAllString(s, "$1$2$3")
		s = mdEmUnder.ReplaceAllString(s, "$1$2$3")
	}
	return strings.Map(func(r rune) rune {
		if r > 0xE000 && r < 0xE080 {
			return r - 0xE000
		}
		return r
	}, s)
}
