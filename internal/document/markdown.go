package document

import (
	"regexp"
	"strings"
	"time"
)

// mdBlock is one output block; list items and table rows are "tight" and
// join their neighbours of the same kind with a single newline.
type mdBlock struct {
	text  string
	tight bool
}

var (
	mdHeading   = regexp.MustCompile(`^ {0,3}(#{1,6})\s+(.*?)(\s+#+)?\s*$`)
	mdSetext    = regexp.MustCompile(`^ {0,3}(=+|-+)\s*$`)
	mdRule      = regexp.MustCompile(`^ {0,3}([-*_])(\s*[-*_]){2,}\s*$`)
	mdFence     = regexp.MustCompile("^ {0,3}(```+|~~~+)")
	mdBullet    = regexp.MustCompile(`^(\s*)[-*+]\s+(.*)$`)
	mdOrdered   = regexp.MustCompile(`^(\s*)(\d{1,9})[.)]\s+(.*)$`)
	mdTableSep  = regexp.MustCompile(`^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$`)
	mdQuote     = regexp.MustCompile(`^ {0,3}>\s?`)
	mdFrontDate = regexp.MustCompile(`(?i)^(date|published|publishdate|pubdate)\s*:\s*["']?(.*?)["']?\s*$`)
	mdFrontName = regexp.MustCompile(`(?i)^title\s*:\s*["']?(.*?)["']?\s*$`)
)

// parseMarkdown keeps a Markdown document's text: headings without their
// hashes, paragraphs reflowed, code blocks verbatim, lists as "- item",
// tables as "a | b" rows, emphasis and link syntax removed. YAML front
// matter supplies the title and date when present.
func parseMarkdown(s string) *Document {
	lines := strings.Split(s, "\n")
	doc := &Document{}
	lines = frontMatter(lines, doc)
	p := &mdParser{}
	for i := 0; i < len(lines); i++ {
		i = p.line(lines, i)
	}
	p.endPara()
	if doc.Title == "" {
		doc.Title = p.title
	}
	if doc.Published.IsZero() {
		doc.Published = leadingDate(lines)
	}
	doc.Text = joinBlocks(p.blocks)
	return doc
}

// frontMatter strips a leading "---" YAML block, reading title and date.
func frontMatter(lines []string, doc *Document) []string {
	if len(lines) == 0 || strings.TrimSpace(lines[0]) != "---" {
		return lines
	}
	for i := 1; i < len(lines) && i < 200; i++ {
		ln := strings.TrimSpace(lines[i])
		if ln == "---" || ln == "..." {
			return lines[i+1:]
		}
		if m := mdFrontName.FindStringSubmatch(ln); m != nil {
			doc.Title = m[1]
		}
		if m := mdFrontDate.FindStringSubmatch(ln); m != nil {
			doc.Published = parseDate(m[2])
		}
	}
	doc.Title, doc.Published = "", time.Time{} // not front matter after all
	return lines
}

type mdParser struct {
	blocks []mdBlock
	para   []string
	title  string
}

func (p *mdParser) endPara() {
	if len(p.para) > 0 {
		p.blocks = append(p.blocks, mdBlock{text: inline(strings.Join(p.para, " "))})
		p.para = p.para[:0]
	}
}

func (p *mdParser) heading(text string) {
	p.endPara()
	text = inline(text)
	if p.title == "" {
		p.title = text
	}
	p.blocks = append(p.blocks, mdBlock{text: text})
}

// line consumes the line at i (and any lines it owns, such as a fenced
// code block) and returns the index of the last line consumed.
func (p *mdParser) line(lines []string, i int) int {
	ln := lines[i]
	trimmed := strings.TrimSpace(ln)
	switch {
	case trimmed == "":
		p.endPara()
	case mdFence.MatchString(ln):
		return p.fence(lines, i)
	case mdHeading.MatchString(ln):
		p.heading(mdHeading.FindStringSubmatch(ln)[2])
	case len(p.para) > 0 && mdSetext.MatchString(ln):
		text := strings.Join(p.para, " ")
		p.para = p.para[:0]
		p.heading(text)
	case mdRule.MatchString(ln):
		p.endPara()
	case strings.HasPrefix(trimmed, "|") || (strings.Count(trimmed, "|") >= 1 &&
		i+1 < len(lines) && mdTableSep.MatchString(lines[i+1])):
		return p.table(lines, i)
	case len(p.para) == 0 && strings.HasPrefix(ln, "    "):
		return p.indentedCode(lines, i)
	case mdQuote.MatchString(ln):
		p.para = append(p.para, strings.TrimSpace(mdQuote.ReplaceAllString(ln, "")))
	default:
		p.listOrText(ln, trimmed)
	}
	return i
}

func (p *mdParser) listOrText(ln, trimmed string) {
	if m := mdBullet.FindStringSubmatch(ln); m != nil {
		p.endPara()
		p.blocks = append(p.blocks, mdBlock{text: indent(m[1]) + "- " + inline(m[2]), tight: true})
		return
	}
	if m := mdOrdered.FindStringSubmatch(ln); m != nil && (len(p.para) == 0 || m[2] == "1") {
		p.endPara()
		p.blocks = append(p.blocks, mdBlock{text: indent(m[1]) + m[2] + ". " + inline(m[3]), tight: true})
		return
	}
	if n := len(p.blocks); n > 0 && len(p.para) == 0 && p.blocks[n-1].tight &&
		strings.HasPrefix(ln, " ") && !strings.Contains(p.blocks[n-1].text, " | ") {
		p.blocks[n-1].text += " " + inline(trimmed) // lazy continuation of an item
		return
	}
	p.para = append(p.para, trimmed)
}

// indent renders nested list depth as two spaces per level.
func indent(lead string) string {
	n := len(strings.ReplaceAll(lead, "\t", "    ")) / 2
	return strings.Repeat("  ", min(n, 8))
}

func (p *mdParser) fence(lines []string, i int) int {
	p.endPara()
	marker := mdFence.FindStringSubmatch(lines[i])[1]
	var code []string
	j := i + 1
	for ; j < len(lines); j++ {
		if strings.HasPrefix(strings.TrimSpace(lines[j]), marker) {
			break
		}
		code = append(code, lines[j])
	}
	if text := strings.Trim(strings.Join(code, "\n"), "\n"); text != "" {
		p.blocks = append(p.blocks, mdBlock{text: text})
	}
	return j
}

func (p *mdParser) indentedCode(lines []string, i int) int {
	var code []string
	j := i
	for ; j < len(lines) && (strings.HasPrefix(lines[j], "    ") || strings.TrimSpace(lines[j]) == ""); j++ {
		code = append(code, strings.TrimPrefix(lines[j], "    "))
	}
	if text := strings.Trim(strings.Join(code, "\n"), "\n"); text != "" {
		p.blocks = append(p.blocks, mdBlock{text: text})
	}
	return j - 1
}

func (p *mdParser) table(lines []string, i int) int {
	p.endPara()
	var rows []string
	j := i
	for ; j < len(lines) && strings.Contains(lines[j], "|") && strings.TrimSpace(lines[j]) != ""; j++ {
		if mdTableSep.MatchString(lines[j]) {
			continue
		}
		cells := strings.Split(strings.Trim(strings.TrimSpace(lines[j]), "|"), "|")
		for k, c := range cells {
			cells[k] = inline(strings.TrimSpace(c))
		}
		rows = append(rows, strings.Join(cells, " | "))
	}
	p.blocks = append(p.blocks, mdBlock{text: strings.Join(rows, "\n")})
	return j - 1
}

// joinBlocks separates blocks by blank lines, except consecutive tight
// blocks (list items), which stay on adjacent lines.
func joinBlocks(blocks []mdBlock) string {
	var b strings.Builder
	for i, blk := range blocks {
		if i > 0 {
			if blk.tight && blocks[i-1].tight {
				b.WriteByte('\n')
			} else {
				b.WriteString("\n\n")
			}
		}
		b.WriteString(blk.text)
	}
	return b.String()
}
