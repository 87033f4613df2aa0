package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// Reports of the test bundles.
const (
	apt1Report = "report--e33ffe07-2f4c-48d8-b0af-ee2619d765cf"
	xssReport  = "report--6a0f3b7e-2c1d-4e8f-9a5b-3d7c1e0f2a94"
)

// testdataPath is the absolute path of a testdata file, for uploads.
func testdataPath(t *testing.T, name string) string {
	t.Helper()
	abs, err := filepath.Abs(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

// bundleSize counts the objects of a bundle in testdata.
func bundleSize(t *testing.T, name string) int {
	t.Helper()
	var b struct{ Objects []json.RawMessage }
	if err := json.Unmarshal(readTestdata(t, name), &b); err != nil {
		t.Fatal(err)
	}
	return len(b.Objects)
}

// importFile uploads a testdata file through the import page and waits for
// the summary.
func importFile(t *testing.T, ctx context.Context, base, name string) {
	t.Helper()
	abs := testdataPath(t, name)
	do(t, ctx, "import "+name,
		chromedp.Navigate(base+"/import"),
		chromedp.SetUploadFiles(chromedp.ID("import-file"), []string{abs}),
		chromedp.Click(chromedp.CSS(`form[data-import] button[type="submit"]`)),
	)
	waitFor(t, ctx, "the import to end",
		`!document.querySelector("[data-import-result]").hidden && !/^Importing/.test(document.querySelector(".import-status").textContent)`)
}

// summary reads the import summary as a map of its rows.
func summary(t *testing.T, ctx context.Context) map[string]string {
	t.Helper()
	return js[map[string]string](t, ctx, `Object.fromEntries(Array.from(document.querySelectorAll(".summary dt")).map(dt => [dt.textContent, dt.nextElementSibling.textContent]))`)
}

func TestBrowserPages(t *testing.T) {
	base := startTipster(t, nil)
	ctx := newBrowser(t)
	if !login(t, ctx, base) {
		t.Log("this build has no access control: the pages open without logging in")
	}

	t.Run("an empty dashboard invites an import", func(t *testing.T) {
		do(t, ctx, "open the dashboard", chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.ID("counts-h")))
		if got := js[string](t, ctx, `document.querySelector("#latest-h").parentElement.textContent`); !strings.Contains(got, "No reports yet") {
			t.Errorf("latest reports of an empty store = %q, want the empty message", got)
		}
	})

	t.Run("importing the APT1 bundle shows its summary", func(t *testing.T) {
		importFile(t, ctx, base, "apt1.json")
		shot(t, ctx, "import-bundle")
		sum := summary(t, ctx)
		if st := js[string](t, ctx, `document.querySelector(".import-status").textContent`); st != "Imported apt1.json." {
			t.Fatalf("import status = %q; summary %v", st, sum)
		}
		want := fmt.Sprint(bundleSize(t, "apt1.json"))
		total := 0
		for _, k := range []string{"Created", "Updated", "Unchanged"} {
			var n int
			fmt.Sscan(sum[k], &n)
			total += n
		}
		if fmt.Sprint(total) != want {
			t.Errorf("created+updated+unchanged = %d, want the bundle's %s objects; summary %v", total, want, sum)
		}
	})

	t.Run("the dashboard counts what was imported and lists the report", func(t *testing.T) {
		do(t, ctx, "open the dashboard", chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.ID("counts-h")))
		counts := js[map[string]string](t, ctx, `Object.fromEntries(Array.from(document.querySelectorAll("table.counts tbody tr")).map(r => [r.cells[0].textContent, r.cells[1].textContent]))`)
		if counts["Indicator"] == "" || counts["Intrusion set"] != "1" {
			t.Errorf("dashboard counts = %v, want indicators and one intrusion set", counts)
		}
		if !js[bool](t, ctx, fmt.Sprintf(`!!document.querySelector('#latest-h ~ table a[href="/objects/%s"]')`, apt1Report)) {
			t.Error("the latest reports do not link the APT1 report")
		}
		shot(t, ctx, "dashboard")
	})

	t.Run("the reports page filters by text, label, marking and date", func(t *testing.T) {
		cases := []struct {
			query string
			want  bool
		}{
			{"", true},
			{"?label=no-such-label", false},
			{"?marking=TLP:RED", false},
			{"?created_after=2015-05-01&created_before=2015-05-31", true},
			{"?created_after=2020-01-01", false},
			{"?q=Mandiant", true},
			{"?q=Mandiant&type=malware", false},
		}
		for _, c := range cases {
			do(t, ctx, "open reports"+c.query, chromedp.Navigate(base+"/reports"+c.query), chromedp.WaitReady(chromedp.CSS(".results")))
			got := js[bool](t, ctx, fmt.Sprintf(`!!document.querySelector('.results a[href="/objects/%s"]')`, apt1Report))
			if got != c.want {
				t.Errorf("reports%s lists APT1: %v, want %v", c.query, got, c.want)
			}
		}
		do(t, ctx, "open reports", chromedp.Navigate(base+"/reports"), chromedp.WaitReady(chromedp.CSS(".results")))
		shot(t, ctx, "reports")
	})

	t.Run("the report page shows metadata, text, contents by type and relationships", func(t *testing.T) {
		do(t, ctx, "open the report", chromedp.Navigate(base+"/objects/"+apt1Report), chromedp.WaitVisible(chromedp.CSS("h1")))
		if h1 := js[string](t, ctx, `document.querySelector("h1").textContent`); !strings.HasPrefix(h1, "APT1: Exposing One of China") {
			t.Errorf("h1 = %q", h1)
		}
		if tlp := js[string](t, ctx, `document.querySelector(".object-head .tlp").textContent`); !strings.HasPrefix(tlp, "TLP:") {
			t.Errorf("TLP badge = %q", tlp)
		}
		groups := js[[]string](t, ctx, `Array.from(document.querySelectorAll("#contents-h ~ h3")).map(h => h.firstChild.textContent.trim())`)
		for _, want := range []string{"Indicator", "Intrusion set", "Malware", "Threat actor"} {
			if !contains(groups, want) {
				t.Errorf("content groups %v lack %q", groups, want)
			}
		}
		if d := js[string](t, ctx, `document.querySelector('.editable[data-field="description"] [data-ai-text]').textContent`); !strings.Contains(d, "APT1") {
			t.Errorf("description = %q", d)
		}
		shot(t, ctx, "report")
	})

	t.Run("an entity page shows its aliases and relationships", func(t *testing.T) {
		do(t, ctx, "search for the intrusion set", chromedp.Navigate(base+"/search?q=APT1&type=intrusion-set"),
			chromedp.Click(chromedp.CSS(".results tbody a")), chromedp.WaitVisible(chromedp.ID("rels-h")))
		if kind := js[string](t, ctx, `document.querySelector(".kind").textContent`); kind != "Intrusion set" {
			t.Errorf("kind = %q", kind)
		}
		if al := js[string](t, ctx, `Array.from(document.querySelectorAll(".meta dt")).find(d => d.textContent == "Aliases").nextElementSibling.textContent`); !strings.Contains(al, "Comment Crew") {
			t.Errorf("aliases = %q", al)
		}
		if n := js[int](t, ctx, `document.querySelectorAll("table.rels tbody tr").length`); n == 0 {
			t.Error("the intrusion set shows no relationships")
		}
		shot(t, ctx, "entity")
	})

	t.Run("search finds an indicator by its name", func(t *testing.T) {
		do(t, ctx, "search", chromedp.Navigate(base+"/search?q=hugesoft&type=indicator"), chromedp.WaitReady(chromedp.CSS(".results")))
		names := js[[]string](t, ctx, `Array.from(document.querySelectorAll(".results tbody td:first-child")).map(td => td.textContent)`)
		if !contains(names, "FQDN hugesoft.org") {
			t.Errorf("search for hugesoft found %q", names)
		}
		shot(t, ctx, "search")
	})

	t.Run("the slash key focuses the search box", func(t *testing.T) {
		do(t, ctx, "press /", chromedp.Navigate(base+"/reports"), chromedp.WaitReady(chromedp.ID("quick-q")),
			chromedp.Focus(chromedp.CSS(".brand")), chromedp.KeyEvent("/"))
		if id := js[string](t, ctx, `document.activeElement.id`); id != "quick-q" {
			t.Errorf("focused element after / = %q, want quick-q", id)
		}
	})

	t.Run("the dark theme applies and is remembered", func(t *testing.T) {
		do(t, ctx, "switch theme", chromedp.Navigate(base+"/objects/"+apt1Report), chromedp.Click(chromedp.CSS(".theme-toggle")))
		do(t, ctx, "reload", chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS("h1")))
		if th := js[string](t, ctx, `document.documentElement.dataset.theme`); th != "dark" {
			t.Errorf("theme after reload = %q, want dark", th)
		}
		bg := js[string](t, ctx, `getComputedStyle(document.body).backgroundColor`)
		if bg == "rgb(247, 247, 245)" {
			t.Errorf("dark theme kept the light background %s", bg)
		}
		shot(t, ctx, "report-dark")
		do(t, ctx, "switch back", chromedp.Click(chromedp.CSS(".theme-toggle")))
	})

	t.Run("a narrow screen needs no sideways scrolling", func(t *testing.T) {
		do(t, ctx, "narrow", chromedp.EmulateViewport(390, 844), chromedp.Navigate(base+"/objects/"+apt1Report),
			chromedp.WaitVisible(chromedp.CSS("h1")))
		if over := js[int](t, ctx, `document.documentElement.scrollWidth - window.innerWidth`); over > 0 {
			t.Errorf("the report page is %dpx wider than a 390px screen", over)
		}
		shot(t, ctx, "report-narrow")
		do(t, ctx, "back to 1280x800", chromedp.EmulateViewport(1280, 800))
	})

	t.Run("admin pages open for the administrator", func(t *testing.T) {
		for _, p := range []string{"settings", "users", "audit"} {
			do(t, ctx, "open "+p, chromedp.Navigate(base+"/"+p), chromedp.WaitVisible(chromedp.CSS("h1")))
			shot(t, ctx, p)
		}
	})
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
