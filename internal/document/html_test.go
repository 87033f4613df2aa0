package document

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func parseString(t *testing.T, s, name string) *Document {
	t.Helper()
	doc, err := Parse(context.Background(), strings.NewReader(s), name, Options{})
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return doc
}

func TestParseHTML(t *testing.T) {
	tests := []struct {
		name      string
		html      string
		wantText  string
		wantTitle string
	}{
		{
			name:      "entities are decoded and white space collapsed",
			html:      "<p>AT&amp;T   said\n   &quot;hi&quot;&nbsp;&#8212; <b>twice</b>.</p>",
			wantText:  "AT&T said \"hi\" — twice.",
			wantTitle: "page",
		},
		{
			name:      "aria-hidden, hidden and role=navigation content is dropped",
			html:      "<body><div aria-hidden=true>a</div><p hidden>b</p><div role=navigation>c</div><p>kept</p></body>",
			wantText:  "kept",
			wantTitle: "page",
		},
		{
			name:      "a line break inside a paragraph is kept",
			html:      "<p>first<br>second</p>",
			wantText:  "first\nsecond",
			wantTitle: "page",
		},
		{
			name:      "an ordered list honours its start attribute",
			html:      "<ol start=3><li>c</li><li>d</li></ol>",
			wantText:  "3. c\n4. d",
			wantTitle: "page",
		},
		{
			name:      "a class that merely contains ad is not dropped",
			html:      "<div class='has-ad-free reading'><p>Body text</p></div><div class='ad-slot'>Buy</div>",
			wantText:  "Body text",
			wantTitle: "page",
		},
		{
			name:      "the title falls back from og:title to title to h1",
			html:      "<html><head><title> Site | Post </title></head><body><h1>Heading</h1></body></html>",
			wantText:  "Heading",
			wantTitle: "Site | Post",
		},
		{
			name:      "inline elements keep the spaces around them",
			html:      "<p>see <a href=x>the <i>report</i></a>, then <code>run.sh</code>!</p>",
			wantText:  "see the report, then run.sh!",
			wantTitle: "page",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := parseString(t, "<!doctype html>"+tt.html, "page.html")
			if diff := cmp.Diff(tt.wantText, doc.Text); diff != "" {
				t.Errorf("text mismatch (-want +got):\n%s", diff)
			}
			if doc.Title != tt.wantTitle {
				t.Errorf("title = %q, want %q", doc.Title, tt.wantTitle)
			}
		})
	}
}

func TestParseHTMLFindsThePublicationDate(t *testing.T) {
	tests := []struct {
		name string
		html string
		want time.Time
	}{
		{"from a date meta tag", `<meta name="date" content="2022-07-01"><p>x</p>`, time.Date(2022, 7, 1, 0, 0, 0, 0, time.UTC)},
		{"from JSON-LD", `<script type="application/ld+json">{"datePublished": "2021-02-03T04:05:06Z"}</script><p>x</p>`, time.Date(2021, 2, 3, 4, 5, 6, 0, time.UTC)},
		{"from a time element", `<article><time datetime="2020-12-24">Dec 24</time><p>x</p></article>`, time.Date(2020, 12, 24, 0, 0, 0, 0, time.UTC)},
		{"from a Published line", `<p>Published: 5 June 2019</p><p>x</p>`, time.Date(2019, 6, 5, 0, 0, 0, 0, time.UTC)},
		{"not at all", `<p>Version 2.0 released</p>`, time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := parseString(t, "<html>"+tt.html, "p.html").Published; !got.Equal(tt.want) {
				t.Errorf("Published = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestParseMarkdown(t *testing.T) {
	tests := []struct {
		name string
		md   string
		want string
	}{
		{"underscores inside identifiers survive", "Drops evil_domain_check.dll and *runs* it", "Drops evil_domain_check.dll and runs it"},
		{"setext headings lose their underline", "Title\n=====\n\nBody", "Title\n\nBody"},
		{"a year at the start of a line continues the paragraph", "Seen since\n2008. Still active.", "Seen since 2008. Still active."},
		{"escaped markers become literal", `a \*literal\* star`, "a *literal* star"},
		{"a blockquote keeps its text", "> quoted **words**", "quoted words"},
		{"images keep their alt text", "![diagram of the chain](x.png)", "diagram of the chain"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := parseString(t, tt.md, "n.md").Text; got != tt.want {
				t.Errorf("Text = %q, want %q", got, tt.want)
			}
		})
	}
}
