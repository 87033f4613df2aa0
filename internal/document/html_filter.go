package document

import (
	"strings"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// dropTags never hold readable prose.
var dropTags = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true,
	atom.Nav: true, atom.Aside: true, atom.Form: true, atom.Button: true,
	atom.Select: true, atom.Input: true, atom.Textarea: true, atom.Iframe: true,
	atom.Svg: true, atom.Canvas: true, atom.Object: true, atom.Embed: true,
	atom.Head: true, atom.Dialog: true, atom.Menu: true, atom.Label: true,
	atom.Math: true, atom.Audio: true, atom.Video: true, atom.Map: true,
}

// dropRoles are ARIA landmarks around, not inside, the content.
var dropRoles = map[string]bool{
	"navigation": true, "banner": true, "contentinfo": true, "complementary": true,
	"search": true, "menu": true, "menubar": true, "dialog": true, "toolbar": true,
}

// boilerWords mark class or id names of chrome: ads, sharing, cookie
// banners, comment threads. They count only as the first or last word of
// a name ("ad-slot", "post-comments"), so "has-ad-free" is kept.
var boilerWords = map[string]bool{
	"ad": true, "ads": true, "advert": true, "advertisement": true, "adsbygoogle": true,
	"sponsor": true, "sponsored": true, "promo": true, "banner": true, "cookie": true,
	"cookies": true, "consent": true, "newsletter": true, "share": true, "sharing": true,
	"social": true, "related": true, "comments": true, "comment": true, "sidebar": true,
	"breadcrumb": true, "breadcrumbs": true, "menu": true, "navbar": true, "nav": true,
	"subscribe": true, "popup": true, "modal": true, "signup": true, "skip": true,
	"sr": true, "visually": true, "hidden": true, "toc": true, "pagination": true,
}

var blockTags = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Section: true, atom.H1: true, atom.H2: true,
	atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true, atom.Blockquote: true,
	atom.Dl: true, atom.Dt: true, atom.Dd: true, atom.Figure: true, atom.Figcaption: true,
	atom.Address: true, atom.Header: true, atom.Footer: true, atom.Hr: true,
	atom.Details: true, atom.Summary: true, atom.Center: true, atom.Body: true,
}

func isBlock(a atom.Atom) bool { return blockTags[a] }

func notSpace(r rune) bool { return !unicode.IsSpace(r) }

// skipped reports whether an element and its subtree are left out. Page
// headers and footers go unless they sit inside an article or <main>,
// where they usually hold the title, byline and date.
func skipped(n *html.Node, inArticle bool) bool {
	if n.Type != html.ElementNode {
		return false
	}
	if dropTags[n.DataAtom] {
		return true
	}
	if (n.DataAtom == atom.Header || n.DataAtom == atom.Footer) && !inArticle {
		return true
	}
	if hidden(n) || dropRoles[strings.ToLower(attr(n, "role"))] {
		return true
	}
	switch n.DataAtom {
	case atom.Html, atom.Body, atom.Main, atom.Article:
		return false
	}
	return boilerName(attr(n, "class")) || boilerName(attr(n, "id"))
}

func hidden(n *html.Node) bool {
	if _, ok := attrOK(n, "hidden"); ok {
		return true
	}
	if strings.EqualFold(attr(n, "aria-hidden"), "true") {
		return true
	}
	style := strings.ToLower(strings.ReplaceAll(attr(n, "style"), " ", ""))
	return strings.Contains(style, "display:none") || strings.Contains(style, "visibility:hidden")
}

func boilerName(v string) bool {
	for _, token := range strings.Fields(strings.ToLower(v)) {
		words := strings.FieldsFunc(token, func(r rune) bool { return r == '-' || r == '_' })
		if len(words) > 0 && (boilerWords[words[0]] || boilerWords[words[len(words)-1]]) {
			return true
		}
	}
	return false
}

func attr(n *html.Node, key string) string {
	v, _ := attrOK(n, key)
	return v
}

func attrOK(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Namespace == "" && strings.EqualFold(a.Key, key) {
			return a.Val, true
		}
	}
	return "", false
}
