package document

import (
	"regexp"
	"strings"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// pageMeta is what a page says about itself.
type pageMeta struct {
	title     string
	published time.Time
}

// dateMetaNames are <meta name|property|itemprop> keys that carry the
// publication date, most trusted first.
var dateMetaNames = []string{
	"article:published_time", "og:published_time", "datepublished",
	"citation_publication_date", "dc.date.issued", "dcterms.issued", "dc.date",
	"dcterms.created", "date", "pubdate", "publishdate", "publish-date",
	"parsely-pub-date", "sailthru.date", "article.published",
}

var ldDate = regexp.MustCompile(`"datePublished"\s*:\s*"([^"]+)"`)

// readMeta collects title candidates and dates from the whole document.
func readMeta(root *html.Node) pageMeta {
	metas := map[string]string{}
	var title, h1, ld, timeAttr string
	var visit func(n *html.Node)
	visit = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.DataAtom {
			case atom.Meta:
				key := strings.ToLower(
					firstNonEmpty(attr(n, "property"), attr(n, "name"), attr(n, "itemprop")),
				)
				if _, seen := metas[key]; !seen && key != "" {
					metas[key] = strings.TrimSpace(attr(n, "content"))
				}
			case atom.Title:
				if title == "" && n.Parent != nil && n.Parent.DataAtom == atom.Head {
					title = textOf(n)
				}
			case atom.H1:
				if h1 == "" && !skipped(n, true) {
					h1 = textOf(n)
				}
			case atom.Script:
				if m := ldDate.FindStringSubmatch(textOf(n)); ld == "" && m != nil {
					ld = m[1]
				}
			case atom.Time:
				if timeAttr == "" {
					timeAttr = firstNonEmpty(attr(n, "datetime"), textOf(n))
				}
			}
		}
		for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
			visit(ch)
		}
	}
	visit(root)
	m := pageMeta{title: firstNonEmpty(metas["og:title"], metas["twitter:title"], title, h1)}
	for _, key := range dateMetaNames {
		if t := parseDate(metas[key]); !t.IsZero() {
			m.published = t
			return m
		}
	}
	for _, s := range []string{ld, timeAttr} {
		if t := parseDate(s); !t.IsZero() {
			m.published = t
			break
		}
	}
	return m
}

func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}

// textOf is the collapsed text content of a node.
func textOf(n *html.Node) string {
	var b strings.Builder
	var visit func(n *html.Node)
	visit = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
			b.WriteByte(' ')
		}
		for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
			visit(ch)
		}
	}
	visit(n)
	return strings.Join(strings.Fields(b.String()), " ")
}
