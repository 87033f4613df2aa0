package web_test

import (
	"context"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/tipster-cti/tipster/internal/ai/llm/llmtest"
)

// fakeReply is what the fake provider answers, a word at a time. It ends
// with markup that must show as text, never run.
const fakeReply = "APT1 is a long-running espionage unit that steals intellectual property from " +
	"English-speaking organisations, using spear phishing, custom backdoors such as WEBC2 and " +
	"BISCUIT, and a large hop-point infrastructure registered under fake identities. " +
	`<img src=x onerror="window.__xss='llm'"><script>window.__xss='llm-script'</script>`

// aiServer starts Tipster with a fake Mistral endpoint that streams
// fakeReply slowly enough to be watched and stopped. AI__LOCATION=cloud
// makes the provider a cloud one, so that TLP:RED content is refused.
func aiServer(t *testing.T) string {
	fake := llmtest.NewServer(t, llmtest.Options{Dialect: llmtest.Mistral, Reply: fakeReply,
		Models: []string{"open-mistral-7b"}, ChunkDelay: 60 * time.Millisecond, Token: "test-key"})
	return startTipster(t, map[string]string{"AI__TYPE": "mistralai", "AI__ENDPOINT": fake.URL,
		"AI__MODEL": "open-mistral-7b", "AI__TOKEN": "test-key", "AI__LOCATION": "cloud"})
}

// ask opens the Ask AI menu of the page's text and picks an operation.
func ask(t *testing.T, ctx context.Context, op string) {
	t.Helper()
	do(t, ctx, "ask "+op, chromedp.Click(chromedp.CSS(".ask-ai-button")),
		chromedp.WaitVisible(chromedp.CSS(".ask-ai-menu")),
		chromedp.Click(chromedp.CSS(fmt.Sprintf(`.ask-ai-menu [data-op=%q]`, op))))
}

const (
	outputJS = `((document.querySelector(".ai-output") || {}).textContent || "")`
	stateJS  = `((document.querySelector(".ai-state") || {}).textContent || "")`
	descJS   = `document.querySelector('.editable[data-field="description"] [data-ai-text]').textContent`
)

func TestBrowserAskAI(t *testing.T) {
	base := aiServer(t)
	ctx := newBrowser(t)
	login(t, ctx, base)
	importFile(t, ctx, base, "apt1.json")
	report := base + "/objects/" + apt1Report
	do(t, ctx, "open the report", chromedp.Navigate(report), chromedp.WaitVisible(chromedp.CSS(".ask-ai-button")))
	original := js[string](t, ctx, descJS)

	t.Run("Summarize streams the answer into the panel as it is produced", func(t *testing.T) {
		ask(t, ctx, "summarize")
		waitFor(t, ctx, "the first words while the answer is still being written",
			outputJS+`.length > 0 && /^Writing/.test(`+stateJS+`)`)
		partial := js[string](t, ctx, outputJS)
		shot(t, ctx, "ask-ai-streaming")
		waitFor(t, ctx, "the answer to end", `/^Done/.test(`+stateJS+`)`)
		full := js[string](t, ctx, outputJS)
		if len(partial) >= len(full) || !strings.HasPrefix(full, partial) {
			t.Errorf("partial answer %q is not a prefix of the full %q", partial, full)
		}
		if !strings.HasPrefix(full, "APT1 is a long-running espionage unit") {
			t.Errorf("answer = %q, want the fake's reply", full)
		}
		if got := js[string](t, ctx, descJS); got != original {
			t.Errorf("the description changed before the user chose: %q", got)
		}
		shot(t, ctx, "ask-ai-done")
	})

	t.Run("markup in an answer shows as text and never runs", func(t *testing.T) {
		if n := js[int](t, ctx, `document.querySelectorAll(".ai-panel img, .ai-panel script").length`); n != 0 {
			t.Errorf("the answer panel holds %d img or script elements", n)
		}
		if x := js[string](t, ctx, `String(window.__xss)`); x != "undefined" {
			t.Errorf("the answer's markup ran: window.__xss = %s", x)
		}
	})

	t.Run("Stop ends the stream and changes nothing", func(t *testing.T) {
		ask(t, ctx, "explain")
		waitFor(t, ctx, "a few words", outputJS+`.split(" ").length >= 4`)
		do(t, ctx, "stop", chromedp.Click(chromedp.CSS(".ai-buttons button")))
		waitFor(t, ctx, "the stopped state", `/^Stopped/.test(`+stateJS+`)`)
		stopped := js[string](t, ctx, outputJS)
		do(t, ctx, "wait for any late words", chromedp.Sleep(600*time.Millisecond))
		if after := js[string](t, ctx, outputJS); after != stopped {
			t.Errorf("text kept arriving after Stop: %q then %q", stopped, after)
		}
		if len(stopped) >= len(fakeReply)/2 {
			t.Errorf("Stop came after most of the answer (%d of %d bytes); the test is too slow to judge", len(stopped), len(fakeReply))
		}
		buttons := js[[]string](t, ctx, `Array.from(document.querySelectorAll(".ai-buttons button")).map(b => b.textContent)`)
		if contains(buttons, "Replace") || !contains(buttons, "Discard") {
			t.Errorf("after Stop the buttons are %v, want Copy and Discard but no Replace", buttons)
		}
		shot(t, ctx, "ask-ai-stopped")
		do(t, ctx, "discard", chromedp.Click(chromedp.Search(`//div[@class="ai-buttons"]/button[text()="Discard"]`)))
		if got := js[string](t, ctx, descJS); got != original {
			t.Errorf("Stop changed the description: %q", got)
		}
	})

	t.Run("Replace applies the answer with a badge, and Restore brings the text back", func(t *testing.T) {
		ask(t, ctx, "shorter")
		waitFor(t, ctx, "the answer to end", `/^Done/.test(`+stateJS+`)`)
		answer := js[string](t, ctx, outputJS)
		do(t, ctx, "replace", chromedp.Click(chromedp.Search(`//div[@class="ai-buttons"]/button[text()="Replace"]`)))
		waitFor(t, ctx, "the replaced state", `/^Replaced/.test(`+stateJS+`)`)
		do(t, ctx, "reload", chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS("[data-ai-badge]")))
		if got := js[string](t, ctx, descJS); got == original || !strings.HasPrefix(got, answer[:40]) {
			t.Errorf("after Replace and reload the description is %q, want the answer %q", got, answer)
		}
		shot(t, ctx, "ask-ai-applied")
		do(t, ctx, "restore", chromedp.Click(chromedp.CSS("[data-ai-restore]")))
		waitFor(t, ctx, "the badge to go", `!document.querySelector("[data-ai-badge]")`)
		do(t, ctx, "reload", chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS("h1")))
		if got := js[string](t, ctx, descJS); got != original {
			t.Errorf("after Restore the description is %q, want the original", got)
		}
		if js[bool](t, ctx, `!!document.querySelector("[data-ai-badge]")`) {
			t.Error("the AI-assisted badge stayed after Restore")
		}
	})

	t.Run("Insert adds the answer and Mark reviewed removes the badge", func(t *testing.T) {
		ask(t, ctx, "fix-spelling")
		waitFor(t, ctx, "the answer to end", `/^Done/.test(`+stateJS+`)`)
		do(t, ctx, "insert", chromedp.Click(chromedp.Search(`//div[@class="ai-buttons"]/button[text()="Insert"]`)))
		waitFor(t, ctx, "the inserted state", `/^Inserted/.test(`+stateJS+`)`)
		if got := js[string](t, ctx, descJS); !strings.HasPrefix(got, original) || len(got) <= len(original) {
			t.Errorf("after Insert the description does not start with the original and add to it: %q", got)
		}
		do(t, ctx, "review", chromedp.Click(chromedp.CSS("[data-ai-review]")))
		waitFor(t, ctx, "the badge to go", `!document.querySelector("[data-ai-badge]")`)
		do(t, ctx, "reload", chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS("h1")))
		if js[bool](t, ctx, `!!document.querySelector("[data-ai-badge]")`) {
			t.Error("the badge came back after review and reload")
		}
		do(t, ctx, "restore", chromedp.Click(chromedp.CSS("[data-ai-restore]")))
		waitFor(t, ctx, "the original text", descJS+` === `+jsString(original))
	})

	t.Run("change tone offers the three audiences", func(t *testing.T) {
		do(t, ctx, "open tones", chromedp.Click(chromedp.CSS(".ask-ai-button")), chromedp.Click(chromedp.CSS(".tone-toggle")),
			chromedp.WaitVisible(chromedp.CSS(".tone-choices")))
		got := js[[]string](t, ctx, `Array.from(document.querySelectorAll(".tone-choices [data-audience]")).map(b => b.dataset.audience)`)
		if strings.Join(got, ",") != "strategic,tactical,operational" {
			t.Errorf("audiences = %v", got)
		}
		shot(t, ctx, "ask-ai-menu")
		do(t, ctx, "close the menu", chromedp.KeyEvent("\x1b"))
	})

	t.Run("a TLP:RED text is refused for the cloud provider and the offline answer is offered", func(t *testing.T) {
		abs := testdataPath(t, "xss-bundle.json")
		do(t, ctx, "import as TLP:RED", chromedp.Navigate(base+"/import"),
			chromedp.SetUploadFiles(chromedp.ID("import-file"), []string{abs}),
			chromedp.SetValue(chromedp.ID("import-marking"), "TLP:RED"),
			chromedp.Click(chromedp.CSS(`form[data-import] button[type="submit"]`)))
		waitFor(t, ctx, "the import", `/^Imported/.test(document.querySelector(".import-status").textContent)`)
		do(t, ctx, "open the red report", chromedp.Navigate(base+"/objects/"+xssReport), chromedp.WaitVisible(chromedp.CSS(".ask-ai-button")))
		ask(t, ctx, "summarize")
		waitFor(t, ctx, "the refusal", `document.querySelector(".ai-state.failed") !== null`)
		msg := js[string](t, ctx, stateJS)
		if !strings.Contains(msg, "TLP:RED") || !strings.Contains(msg, "Nothing was sent") {
			t.Errorf("refusal = %q", msg)
		}
		shot(t, ctx, "ask-ai-refused")
		do(t, ctx, "use offline", chromedp.Click(chromedp.Search(`//div[@class="ai-buttons"]/button[text()="Use the offline answer"]`)))
		waitFor(t, ctx, "the offline answer", `/^Done/.test(`+stateJS+`)`)
		if out := js[string](t, ctx, outputJS); strings.TrimSpace(out) == "" {
			t.Error("the offline engine answered nothing")
		}
		if x := js[string](t, ctx, `String(window.__xss)`); x != "undefined" {
			t.Errorf("markup ran: window.__xss = %s", x)
		}
	})

	t.Run("the AI audit log lists the calls", func(t *testing.T) {
		do(t, ctx, "open the audit", chromedp.Navigate(base+"/audit"), chromedp.WaitVisible(chromedp.CSS("table.audit")))
		ops := js[[]string](t, ctx, `Array.from(document.querySelectorAll("table.audit tbody tr")).map(r => r.cells[2].textContent)`)
		for _, want := range []string{"summarize", "shorter", "fix-spelling"} {
			if !contains(ops, want) {
				t.Errorf("audit operations %v lack %s", ops, want)
			}
		}
		shot(t, ctx, "audit-log")
	})
}

func TestBrowserAIStatus(t *testing.T) {
	t.Run("a provider that answers shows green with its type and model on hover", func(t *testing.T) {
		base := aiServer(t)
		ctx := newBrowser(t)
		login(t, ctx, base)
		do(t, ctx, "open settings", chromedp.Navigate(base+"/settings"))
		waitFor(t, ctx, "the status", `document.querySelector("[data-ai-status]").classList.contains("ok")`)
		title := js[string](t, ctx, `document.querySelector("[data-ai-status]").title`)
		if title != "custom mistralai - open-mistral-7b" {
			t.Errorf("hover text = %q, want the type and model", title)
		}
		if c := js[string](t, ctx, `getComputedStyle(document.querySelector("[data-ai-status] .dot")).backgroundColor`); c != "rgb(26, 127, 55)" {
			t.Errorf("status dot colour = %s, want green", c)
		}
		do(t, ctx, "test connection", chromedp.Click(chromedp.CSS("[data-ai-test]")))
		waitFor(t, ctx, "the test to end", `!document.querySelector("[data-ai-test]").disabled && /^Connected/.test(document.querySelector(".ai-status-text").textContent)`)
		shot(t, ctx, "settings-ai-ok")
	})

	t.Run("a provider that cannot be reached shows red with the reason", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		closed := "http://" + ln.Addr().String()
		ln.Close()
		base := startTipster(t, map[string]string{"AI__TYPE": "mistralai", "AI__ENDPOINT": closed,
			"AI__MODEL": "open-mistral-7b", "AI__TOKEN": "test-key", "AI__MAX_RETRIES": "0", "AI__CONNECT_TIMEOUT": "2s"})
		ctx := newBrowser(t)
		login(t, ctx, base)
		do(t, ctx, "open settings", chromedp.Navigate(base+"/settings"))
		waitFor(t, ctx, "the status", `document.querySelector("[data-ai-status]").classList.contains("down")`)
		text := js[string](t, ctx, `document.querySelector(".ai-status-text").textContent`)
		if !strings.HasPrefix(text, "Not available: ") || len(text) < len("Not available: ")+10 {
			t.Errorf("status = %q, want the reason", text)
		}
		if c := js[string](t, ctx, `getComputedStyle(document.querySelector("[data-ai-status] .dot")).backgroundColor`); c != "rgb(198, 40, 40)" {
			t.Errorf("status dot colour = %s, want red", c)
		}
		shot(t, ctx, "settings-ai-down")
	})
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string { return fmt.Sprintf("%q", s) }
