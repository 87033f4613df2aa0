package document

import (
	"bytes"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"unicode/utf8"
)

// sniffLen is how much of the head Detect looks at.
const sniffLen = 4096

// magics are signatures of common binary files, named in ErrBinary with
// their article ("looks like an ELF executable").
var magics = []struct {
	sig  string
	what string
}{
	{"\x7fELF", "an ELF executable"}, {"MZ", "a Windows executable"},
	{"\x89PNG\r\n\x1a\n", "a PNG image"}, {"GIF8", "a GIF image"},
	{"\xff\xd8\xff", "a JPEG image"}, {"PK\x03\x04", "a ZIP archive (or Office document)"},
	{"\x1f\x8b", "a gzip archive"}, {"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"},
	{"Rar!", "a RAR archive"}, {"\xd0\xcf\x11\xe0", "an OLE2 file (legacy Office)"},
	{"\xca\xfe\xba\xbe", "a Mach-O executable or Java class"}, {"\xcf\xfa\xed\xfe", "a Mach-O executable"},
	{"BZh", "a bzip2 archive"}, {"\xfd7zXZ\x00", "an xz archive"}, {"%!PS", "PostScript"},
	{"{\\rtf", "an RTF document"}, {"RIFF", "a RIFF media file"}, {"\x00asm", "WebAssembly"},
}

var (
	htmlStart = regexp.MustCompile(
		`(?i)^<(!doctype\s+html|html|head|body|!--|meta|title|div|p|article|section|main|h[1-6]|table)[\s>/]`,
	)
	htmlTag   = regexp.MustCompile(`(?i)<(!doctype\s+html|html[\s>]|head>|body[\s>])`)
	mdMarkers = regexp.MustCompile(
		"(?m)^(#{1,6} \\S|```|~~~|\\|.*\\|\\s*$|\\s{0,3}[-*+] \\S.*\\n\\s{0,3}[-*+] |\\S.*\\n(=+|-+)\\s*$)|\\]\\(\\S+\\)",
	)
)

// Detect tells a document's format from its first bytes, looking at the
// content first: the PDF header, binary signatures and NUL bytes, HTML
// markup, Markdown syntax. The file name's extension only breaks the tie
// between text and Markdown. Binary input gives ErrBinary, empty input
// ErrEmpty.
func Detect(head []byte, name string) (Format, error) {
	head = head[:min(len(head), sniffLen)]
	if bytes.Contains(head[:min(len(head), 1024)], []byte("%PDF-")) {
		return FormatPDF, nil
	}
	for _, m := range magics {
		if bytes.HasPrefix(head, []byte(m.sig)) {
			return "", fmt.Errorf("%w: looks like %s", ErrBinary, m.what)
		}
	}
	text := decodeText(head)
	if strings.TrimSpace(text) == "" {
		return "", fmt.Errorf("%w: no text in the first %d bytes", ErrEmpty, len(head))
	}
	if why := binaryReason(text); why != "" {
		return "", fmt.Errorf("%w: %s", ErrBinary, why)
	}
	trimmed := strings.TrimLeft(text, " \t\r\n")
	if strings.HasPrefix(trimmed, "<?xml") && htmlTag.MatchString(text) {
		return FormatHTML, nil
	}
	if htmlStart.MatchString(trimmed) || htmlTag.MatchString(text) {
		return FormatHTML, nil
	}
	switch strings.ToLower(filepath.Ext(name)) {
	case ".md", ".markdown", ".mdown", ".mkd":
		return FormatMarkdown, nil
	case ".txt", ".text", ".log":
		return FormatText, nil
	}
	if mdMarkers.MatchString(text) {
		return FormatMarkdown, nil
	}
	return FormatText, nil
}

// binaryReason reports why decoded text looks binary: NUL bytes or many
// control characters. It returns "" for text.
func binaryReason(text string) string {
	if i := strings.IndexByte(text, 0); i >= 0 {
		return fmt.Sprintf("NUL byte at offset %d", i)
	}
	controls, total := 0, 0
	for _, r := range text {
		total++
		if r == utf8.RuneError || (r < 0x20 && r != '\n' && r != '\r' && r != '\t' && r != '\f') {
			controls++
		}
	}
	if total > 0 && controls*10 > total {
		return fmt.Sprintf("%d of the first %d characters are control characters", controls, total)
	}
	return ""
}
