package offline

import (
	"html"
	"strings"

	"github.com/tipster-cti/tipster/internal/ai"
)

// answer is an engine's output before it is written in a format: a title
// and blocks. Inline code (indicators, ids, patterns) is wrapped by code()
// so that each format can mark it its own way.
type answer struct {
	title  string // "" for rewrites, whose answer is the text itself
	blocks []block
	notes  []string // lines for the footer, under the label
}

// blockKind is the shape of a block.
type blockKind int

const (
	paragraph blockKind = iota
	heading
	bullets
	table
	lines // text kept line by line, as a rewrite gives it back
)

// block is one paragraph, heading, list or table.
type block struct {
	kind   blockKind
	text   string     // paragraph and heading
	items  []string   // bullets and lines
	header []string   // table
	rows   [][]string // table
}

func (a *answer) para(s string) {
	if strings.TrimSpace(s) != "" {
		a.blocks = append(a.blocks, block{kind: paragraph, text: s})
	}
}

func (a *answer) heading(s string) { a.blocks = append(a.blocks, block{kind: heading, text: s}) }

func (a *answer) list(items []string) {
	if len(items) > 0 {
		a.blocks = append(a.blocks, block{kind: bullets, items: items})
	}
}

func (a *answer) table(header []string, rows [][]string) {
	if len(rows) > 0 {
		a.blocks = append(a.blocks, block{kind: table, header: header, rows: rows})
	}
}

// Inline code is marked with two private-use runes that no report holds
// in practice; render turns them into each format's code marks.
const (
	codeOpen  = "\uE000"
	codeClose = "\uE001"
)

// code marks s as inline code: an indicator, an id or a pattern.
func code(s string) string { return codeOpen + s + codeClose }

// render writes the answer in format f, the label last.
func render(a *answer, f ai.Format) string {
	var b strings.Builder
	switch f {
	case ai.Markdown:
		renderMarkdown(&b, a)
	case ai.HTML:
		renderHTML(&b, a)
	default:
		renderText(&b, a)
	}
	return b.String()
}

func renderText(b *strings.Builder, a *answer) {
	inline := strings.NewReplacer(codeOpen, "", codeClose, "")
	if a.title != "" {
		b.WriteString(a.title + " · " + Label + "\n\n")
	}
	for _, bl := range a.blocks {
		switch bl.kind {
		case heading:
			b.WriteString(strings.ToUpper(inline.Replace(bl.text)) + "\n")
			continue
		case paragraph:
			b.WriteString(inline.Replace(bl.text) + "\n")
		case bullets:
			for _, it := range bl.items {
				b.WriteString("- " + inline.Replace(it) + "\n")
			}
		case lines:
			b.WriteString(inline.Replace(strings.Join(bl.items, "\n")) + "\n")
		case table:
			writeTextTable(b, bl, inline)
		}
		b.WriteString("\n")
	}
	b.WriteString("---\n" + footerLine)
	for _, n := range a.notes {
		b.WriteString("\n" + inline.Replace(n))
	}
	b.WriteString("\n")
}

// writeTextTable writes a table as tab-separated lines under its header.
func writeTextTable(b *strings.Builder, bl block, inline *strings.Replacer) {
	b.WriteString(strings.Join(bl.header, "\t") + "\n")
	for _, r := range bl.rows {
		cells := make([]string, len(r))
		for i, c := range r {
			cells[i] = inline.Replace(c)
		}
		b.WriteString(strings.Join(cells, "\t") + "\n")
	}
}

func renderMarkdown(b *strings.Builder, a *answer) {
	inline := strings.NewReplacer(codeOpen, "`", codeClose, "`")
	if a.title != "" {
		b.WriteString("## " + a.title + "\n\n_" + Label + "_\n\n")
	}
	for _, bl := range a.blocks {
		switch bl.kind {
		case heading:
			b.WriteString("### " + inline.Replace(bl.text) + "\n")
		case paragraph:
			b.WriteString(inline.Replace(bl.text) + "\n")
		case bullets:
			for _, it := range bl.items {
				b.WriteString("- " + inline.Replace(it) + "\n")
			}
		case lines:
			b.WriteString(inline.Replace(strings.Join(bl.items, "\n\n")) + "\n")
		case table:
			cell := strings.NewReplacer("|", `\|`, "\n", " ")
			b.WriteString("| " + strings.Join(bl.header, " | ") + " |\n")
			b.WriteString(strings.Repeat("|---", len(bl.header)) + "|\n")
			for _, r := range bl.rows {
				cells := make([]string, len(r))
				for i, c := range r {
					cells[i] = inline.Replace(cell.Replace(c))
				}
				b.WriteString("| " + strings.Join(cells, " | ") + " |\n")
			}
		}
		b.WriteString("\n")
	}
	b.WriteString("---\n_" + footerLine + "_")
	for _, n := range a.notes {
		b.WriteString("  \n" + inline.Replace(n))
	}
	b.WriteString("\n")
}

func renderHTML(b *strings.Builder, a *answer) {
	esc := func(s string) string {
		s = html.EscapeString(s)
		return strings.NewReplacer(codeOpen, "<code>", codeClose, "</code>").Replace(s)
	}
	b.WriteString(`<div class="ai-offline">` + "\n")
	if a.title != "" {
		b.WriteString("<h2>" + esc(a.title) + "</h2>\n<p><em>" + Label + "</em></p>\n")
	}
	for _, bl := range a.blocks {
		switch bl.kind {
		case heading:
			b.WriteString("<h3>" + esc(bl.text) + "</h3>\n")
		case paragraph:
			b.WriteString("<p>" + esc(bl.text) + "</p>\n")
		case bullets:
			b.WriteString("<ul>\n")
			for _, it := range bl.items {
				b.WriteString("<li>" + esc(it) + "</li>\n")
			}
			b.WriteString("</ul>\n")
		case lines:
			for _, l := range bl.items {
				b.WriteString("<p>" + esc(l) + "</p>\n")
			}
		case table:
			b.WriteString("<table>\n<tr>")
			for _, h := range bl.header {
				b.WriteString("<th>" + esc(h) + "</th>")
			}
			b.WriteString("</tr>\n")
			for _, r := range bl.rows {
				b.WriteString("<tr>")
				for _, c := range r {
					b.WriteString("<td>" + esc(c) + "</td>")
				}
				b.WriteString("</tr>\n")
			}
			b.WriteString("</table>\n")
		}
	}
	b.WriteString("<hr>\n<p><em>" + esc(footerLine) + "</em></p>\n")
	for _, n := range a.notes {
		b.WriteString("<p>" + esc(n) + "</p>\n")
	}
	b.WriteString("</div>\n")
}

// footerLine is the label line every answer ends with.
const footerLine = "Written by the " + Label +
	": built from the knowledge base and the extractor; no language model was used."
