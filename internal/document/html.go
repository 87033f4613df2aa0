package document

import (
	"fmt"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// parseHTML extracts the readable text of a web page: the main content
// (<main>, a lone <article>, or <body>) without scripts, navigation,
// forms, hidden elements or advertising blocks.
func parseHTML(s string) (*Document, error) {
	root, err := html.Parse(strings.NewReader(s))
	if err != nil {
		return nil, &kindError{ErrCorrupt, fmt.Errorf("corrupt HTML: %w", err)}
	}
	meta := readMeta(root)
	c := &htmlConv{}
	content := contentRoot(root)
	c.inArticle = isArticle(content)
	c.walk(content)
	c.flush()
	doc := &Document{Title: meta.title, Published: meta.published, Text: joinBlocks(c.blocks)}
	if doc.Published.IsZero() {
		doc.Published = leadingDate(strings.Split(doc.Text, "\n"))
	}
	return doc, nil
}

// contentRoot picks <main>, else the only <article>, else <body>.
func contentRoot(root *html.Node) *html.Node {
	var mains, articles []*html.Node
	var body *html.Node
	var find func(n *html.Node)
	find = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.DataAtom {
			case atom.Main:
				mains = append(mains, n)
			case atom.Article:
				articles = append(articles, n)
			case atom.Body:
				body = n
			}
			if n.DataAtom != atom.Body && n.DataAtom != atom.Html && skipped(n, true) {
				return
			}
		}
		for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
			find(ch)
		}
	}
	find(root)
	switch {
	case len(mains) == 1:
		return mains[0]
	case len(articles) == 1:
		return articles[0]
	case body != nil:
		return body
	}
	return root
}

func isArticle(n *html.Node) bool {
	return n.DataAtom == atom.Main || n.DataAtom == atom.Article
}

// htmlConv walks a DOM tree and emits text blocks.
type htmlConv struct {
	blocks    []mdBlock
	buf       strings.Builder
	prefix    string // list marker for the next block
	listDepth int
	inPre     int
	inArticle bool
}

func (c *htmlConv) walk(n *html.Node) {
	switch n.Type {
	case html.TextNode:
		c.text(n.Data)
		return
	case html.ElementNode:
		if skipped(n, c.inArticle) {
			return
		}
		if c.element(n) {
			return
		}
	}
	c.children(n)
}

func (c *htmlConv) children(n *html.Node) {
	for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
		c.walk(ch)
	}
}

// element handles elements with structure; it reports whether it walked
// the children itself.
func (c *htmlConv) element(n *html.Node) bool {
	switch n.DataAtom {
	case atom.Br:
		c.buf.WriteByte('\n')
	case atom.Pre:
		c.flush()
		c.inPre++
		c.children(n)
		c.inPre--
		c.flushPre()
		return true
	case atom.Table:
		c.flush()
		if rows := tableRows(n, c.inArticle); rows != "" {
			c.blocks = append(c.blocks, mdBlock{text: rows})
		}
		return true
	case atom.Ul, atom.Ol:
		c.list(n)
		return true
	case atom.Li:
		c.flush()
		c.prefix = strings.Repeat("  ", max(0, c.listDepth-1)) + listMarker(n)
		c.children(n)
		c.flush()
		return true
	case atom.Article, atom.Main:
		was := c.inArticle
		c.inArticle = true
		c.block(n)
		c.inArticle = was
		return true
	default:
		if isBlock(n.DataAtom) {
			c.block(n)
			return true
		}
	}
	return false
}

func (c *htmlConv) block(n *html.Node) {
	c.flush()
	c.children(n)
	c.flush()
}

func (c *htmlConv) list(n *html.Node) {
	c.flush()
	c.listDepth++
	c.children(n)
	c.listDepth--
	c.flush()
}

// listMarker is "- " in unordered lists and "N. " in ordered ones.
func listMarker(li *html.Node) string {
	if li.Parent == nil || li.Parent.DataAtom != atom.Ol {
		return "- "
	}
	n := 1
	if start := attr(li.Parent, "start"); start != "" {
		fmt.Sscanf(start, "%d", &n)
	}
	for s := li.PrevSibling; s != nil; s = s.PrevSibling {
		if s.DataAtom == atom.Li {
			n++
		}
	}
	return fmt.Sprintf("%d. ", n)
}

func (c *htmlConv) text(s string) {
	if c.inPre > 0 {
		c.buf.WriteString(s)
		return
	}
	s = strings.ReplaceAll(s, "\u200b", "")
	if s == "" {
		return
	}
	collapsed := strings.Join(strings.Fields(s), " ")
	if strings.IndexFunc(s, notSpace) != 0 {
		collapsed = " " + collapsed // leading white space, or only white space
	}
	if collapsed != " " && strings.LastIndexFunc(s, notSpace) < len(s)-1 {
		collapsed += " "
	}
	cur := c.buf.String()
	if cur == "" || strings.HasSuffix(cur, " ") || strings.HasSuffix(cur, "\n") {
		collapsed = strings.TrimLeft(collapsed, " ")
	}
	c.buf.WriteString(collapsed)
}

// flush ends the current block: lines (from <br>) are trimmed and the
// pending list marker, if any, makes it a tight list item.
func (c *htmlConv) flush() {
	raw := c.buf.String()
	c.buf.Reset()
	var lines []string
	for _, ln := range strings.Split(raw, "\n") {
		if ln = strings.Join(strings.Fields(ln), " "); ln != "" {
			lines = append(lines, ln)
		}
	}
	if len(lines) == 0 {
		return
	}
	text := strings.Join(lines, "\n")
	if c.prefix != "" {
		c.blocks = append(c.blocks, mdBlock{text: c.prefix + text, tight: true})
		c.prefix = ""
		return
	}
	c.blocks = append(c.blocks, mdBlock{text: text})
}

func (c *htmlConv) flushPre() {
	text := strings.Trim(c.buf.String(), "\n")
	c.buf.Reset()
	if strings.TrimSpace(text) != "" {
		c.blocks = append(c.blocks, mdBlock{text: text})
	}
}

// tableRows renders each row as its cells' text joined by " | ".
func tableRows(table *html.Node, inArticle bool) string {
	var rows []string
	var visit func(n *html.Node)
	visit = func(n *html.Node) {
		for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
			if ch.Type != html.ElementNode || skipped(ch, inArticle) {
				continue
			}
			switch ch.DataAtom {
			case atom.Tr:
				if row := rowText(ch, inArticle); row != "" {
					rows = append(rows, row)
				}
			case atom.Thead, atom.Tbody, atom.Tfoot:
				visit(ch)
			case atom.Caption:
				rows = append(rows, cellText(ch, inArticle))
			}
		}
	}
	visit(table)
	return strings.Join(rows, "\n")
}

func rowText(tr *html.Node, inArticle bool) string {
	var cells []string
	empty := true
	for td := tr.FirstChild; td != nil; td = td.NextSibling {
		if td.DataAtom == atom.Td || td.DataAtom == atom.Th {
			t := cellText(td, inArticle)
			empty = empty && t == ""
			cells = append(cells, t)
		}
	}
	if empty {
		return ""
	}
	return strings.Join(cells, " | ")
}

// cellText flattens a cell's content to one line.
func cellText(n *html.Node, inArticle bool) string {
	c := &htmlConv{inArticle: inArticle}
	c.children(n)
	c.flush()
	parts := make([]string, 0, len(c.blocks))
	for _, b := range c.blocks {
		parts = append(parts, strings.ReplaceAll(b.text, "\n", " "))
	}
	return strings.Join(parts, " ")
}
