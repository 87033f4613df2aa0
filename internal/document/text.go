package document

import (
	"strings"
)

// parseText turns plain text into a Document. Line breaks inside a
// paragraph are kept (plain text often carries meaningful line structure:
// logs, indicator lists); runs of blank lines collapse to one. The title is
// the first non-empty line when it is short.
func parseText(s string) *Document {
	lines := strings.Split(s, "\n")
	for i, ln := range lines {
		lines[i] = strings.TrimRight(ln, " \t\f\v")
	}
	doc := &Document{Published: leadingDate(lines), Text: joinParagraphs(lines)}
	for _, ln := range lines {
		if t := strings.TrimSpace(ln); t != "" {
			if len(t) <= 200 {
				doc.Title = t
			}
			break
		}
	}
	return doc
}

// joinParagraphs keeps lines, collapsing runs of blank lines into one
// blank line and dropping blank lines at both ends.
func joinParagraphs(lines []string) string {
	var b strings.Builder
	blank := false
	for _, ln := range lines {
		if strings.TrimSpace(ln) == "" {
			blank = b.Len() > 0
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
			if blank {
				b.WriteByte('\n')
			}
		}
		blank = false
		b.WriteString(ln)
	}
	return b.String()
}
