package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

func TestBrowserUntrustedText(t *testing.T) {
	base := startTipster(t, nil)
	ctx := newBrowser(t)
	login(t, ctx, base)
	importFile(t, ctx, base, "xss-bundle.json")

	t.Run("a report with script and onerror markup shows it as text", func(t *testing.T) {
		do(t, ctx, "open the report", chromedp.Navigate(base+"/objects/"+xssReport), chromedp.WaitVisible(chromedp.CSS("h1")))
		if h1 := js[string](t, ctx, `document.querySelector("h1").textContent`); !strings.Contains(h1, "<script>window.__xss='name'</script>") {
			t.Errorf("h1 = %q, want the markup as text", h1)
		}
		desc := js[string](t, ctx, descJS)
		for _, want := range []string{"<script>window.__xss='script'</script>", `onerror="window.__xss='onerror'"`, `href="javascript:`} {
			if !strings.Contains(desc, want) {
				t.Errorf("description %q lacks %q as text", desc, want)
			}
		}
		if n := js[int](t, ctx, `document.querySelectorAll("main script, main img, main svg, main [onerror], main [onmouseover], main a[href^='javascript']").length`); n != 0 {
			t.Errorf("the page holds %d elements made from the report's markup", n)
		}
		shot(t, ctx, "xss-report")
	})

	t.Run("an entity named with markup is linked as text", func(t *testing.T) {
		do(t, ctx, "open the malware", chromedp.Navigate(base+"/objects/malware--8c2b7f5a-4e3d-4b1a-9f6e-0d2c4a8b6e13"),
			chromedp.WaitVisible(chromedp.CSS("h1")))
		if n := js[int](t, ctx, `document.querySelectorAll("main img, main svg").length`); n != 0 {
			t.Errorf("the malware page holds %d img or svg elements", n)
		}
	})

	t.Run("a hostile label can be searched for and stays text", func(t *testing.T) {
		do(t, ctx, "filter by label", chromedp.Navigate(base+"/reports"), chromedp.WaitVisible(chromedp.ID("f-label")),
			chromedp.SendKeys(chromedp.ID("f-label"), `<b onmouseover="window.__xss='label'">label</b>`))
		if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`.filters button[type="submit"]`))); err != nil {
			t.Fatalf("submit the filter: %v", err)
		}
		if !js[bool](t, ctx, `!!document.querySelector('.results a[href="/objects/`+xssReport+`"]')`) {
			t.Error("the label filter did not find the report")
		}
		if n := js[int](t, ctx, `document.querySelectorAll("main b").length`); n != 0 {
			t.Errorf("the label became %d <b> elements", n)
		}
	})

	t.Run("no markup ran on any page", func(t *testing.T) {
		for _, p := range []string{"/", "/reports", "/search?q=hostile", "/objects/" + xssReport} {
			do(t, ctx, "open "+p, chromedp.Navigate(base+p), chromedp.WaitReady(chromedp.CSS("main")))
			if x := js[string](t, ctx, `String(window.__xss)`); x != "undefined" {
				t.Errorf("%s: markup ran: window.__xss = %s", p, x)
			}
		}
	})

	t.Run("pages forbid inline script", func(t *testing.T) {
		res, _ := get(t, base+"/login")
		csp := res.Header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
			t.Errorf("Content-Security-Policy = %q", csp)
		}
		if res.StatusCode != http.StatusOK {
			t.Errorf("GET /login = %d", res.StatusCode)
		}
	})
}

func TestBrowserDocument(t *testing.T) {
	base := startTipster(t, nil)
	ctx := newBrowser(t)
	login(t, ctx, base)

	t.Run("importing an HTML threat report makes a report with its text and indicators", func(t *testing.T) {
		importFile(t, ctx, base, "lotus-report.html")
		shot(t, ctx, "import-document")
		if st := js[string](t, ctx, `document.querySelector(".import-status").textContent`); st != "Imported lotus-report.html." {
			t.Fatalf("import status = %q", st)
		}
		sum := summary(t, ctx)
		if sum["Indicators found"] == "" || sum["Indicators found"] == "0" {
			t.Errorf("summary %v finds no indicator in a report that names domains, IPs and hashes", sum)
		}
		do(t, ctx, "open the report", chromedp.Click(chromedp.CSS(".summary a")), chromedp.WaitVisible(chromedp.CSS("h1")))
	})

	t.Run("the report page shows the text, the extracted objects and the original file", func(t *testing.T) {
		text := js[string](t, ctx, `document.querySelector('.editable[data-field="text"] [data-ai-text]').textContent`)
		if !strings.Contains(text, "Lotus Courier") || !strings.Contains(text, "PlugX") {
			t.Errorf("report text = %q", text)
		}
		if !js[bool](t, ctx, `!!document.querySelector('.editable[data-field="text"] .ask-ai-button')`) {
			t.Error("the report's text has no Ask AI menu")
		}
		groups := js[[]string](t, ctx, `Array.from(document.querySelectorAll("#contents-h ~ h3")).map(h => h.firstChild.textContent.trim())`)
		if !contains(groups, "Indicator") {
			t.Errorf("content groups %v lack indicators", groups)
		}
		href := js[string](t, ctx, `document.querySelector('.meta a[href$="/original"]').getAttribute("href")`)
		if status := fetchStatus(t, ctx, href); status != http.StatusOK {
			t.Errorf("GET %s = %d", href, status)
		}
		shot(t, ctx, "report-document")
	})
}
