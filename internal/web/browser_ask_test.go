package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/tipster-cti/tipster/internal/ai/llm/llmtest"
	"github.com/tipster-cti/tipster/internal/store/sqlite"
	"github.com/tipster-cti/tipster/internal/store/storetest"
)

// apt1Set is the APT1 bundle's intrusion set.
const apt1Set = "intrusion-set--da1065ce-972c-4605-8755-9cd1074e3b5a"

// turnJS is the n-th turn of the conversation (0 first, -1 the newest).
func turnJS(n int) string {
	if n < 0 {
		return `Array.from(document.querySelectorAll(".turn")).at(-1)`
	}
	return fmt.Sprintf(`document.querySelectorAll(".turn")[%d]`, n)
}

func turnState(n int) string  { return `(` + turnJS(n) + `.querySelector(".ai-state").textContent)` }
func turnAnswer(n int) string { return `(` + turnJS(n) + `.querySelector(".turn-answer").textContent)` }

// turnLinks lists the object pages a turn links, in its answer and its
// list of cited objects.
func turnLinks(t *testing.T, ctx context.Context, n int) []string {
	t.Helper()
	return js[[]string](t, ctx, `Array.from(`+turnJS(n)+`.querySelectorAll("a")).map(a => a.getAttribute("href"))`)
}

// openAsk opens the conversation page once the index holds every object,
// and records the bodies of the questions the page sends in window.__asked.
func openAsk(t *testing.T, ctx context.Context, base string) {
	t.Helper()
	do(t, ctx, "open the conversation", chromedp.Navigate(base+"/ask"), chromedp.WaitVisible(chromedp.ID("ask-q")))
	waitFor(t, ctx, "the index to hold every object",
		`document.querySelector("[data-kb-index]").dataset.pending === "0" && Number(document.querySelector("[data-kb-index]").dataset.objects) > 0`)
	js[bool](t, ctx, `(() => {
		window.__asked = [];
		const send = window.fetch;
		window.fetch = (url, opts) => {
			if (url === "/api/v1/ai/question") window.__asked.push(JSON.parse(opts.body));
			return send(url, opts);
		};
		return true;
	})()`)
}

// askKB types a question and sends it once the previous one is answered.
func askKB(t *testing.T, ctx context.Context, question string) {
	t.Helper()
	waitFor(t, ctx, "the Ask button", `!document.querySelector("[data-ask-send]").disabled`)
	do(t, ctx, "ask "+question, chromedp.SetValue(chromedp.ID("ask-q"), question),
		chromedp.Click(chromedp.CSS("[data-ask-send]")))
}

// waitAnswered waits until the newest turn has its final answer.
func waitAnswered(t *testing.T, ctx context.Context, n int) string {
	t.Helper()
	waitFor(t, ctx, "the answer", `(s => /^Answered|^The knowledge base does not know/.test(s))(`+turnState(n)+`)`)
	return js[string](t, ctx, turnState(n))
}

// asked returns the n-th question body the page sent.
func asked(t *testing.T, ctx context.Context, n int) map[string]any {
	t.Helper()
	return js[map[string]any](t, ctx, fmt.Sprintf(`window.__asked[%d]`, n))
}

// historyOf reads a question body's history as question and cited ids.
func historyOf(body map[string]any) (questions []string, cited [][]string) {
	h, _ := body["history"].([]any)
	for _, turn := range h {
		m, _ := turn.(map[string]any)
		q, _ := m["question"].(string)
		questions = append(questions, q)
		var ids []string
		c, _ := m["cited"].([]any)
		for _, id := range c {
			s, _ := id.(string)
			ids = append(ids, s)
		}
		cited = append(cited, ids)
	}
	return questions, cited
}

func TestBrowserAskTheKnowledgeBase(t *testing.T) {
	base := startTipster(t, nil)
	ctx := newBrowser(t)
	login(t, ctx, base)
	importFile(t, ctx, base, "apt1.json")
	do(t, ctx, "follow the navigation", chromedp.Navigate(base+"/"),
		chromedp.Click(chromedp.Search(`//nav//a[text()="Ask the knowledge base"]`)), chromedp.WaitVisible(chromedp.ID("ask-q")))
	if cur := js[string](t, ctx, `document.querySelector('nav a[aria-current="page"]').getAttribute("href")`); cur != "/ask" {
		t.Errorf("the navigation marks %q as the current page, want /ask", cur)
	}
	openAsk(t, ctx, base)
	const first = "What do we know about APT1?"

	t.Run("a question about APT1 is answered citing the intrusion set as a link", func(t *testing.T) {
		askKB(t, ctx, first)
		waitAnswered(t, ctx, 0)
		if a := js[string](t, ctx, turnAnswer(0)); !strings.Contains(a, "APT1") {
			t.Errorf("answer = %q, want the facts on APT1", a)
		}
		inline := js[bool](t, ctx, turnJS(0)+`.querySelector('.turn-answer a[href="/objects/`+apt1Set+`"]') !== null`)
		if !inline {
			t.Errorf("the answer does not link the intrusion set's id; links: %v", turnLinks(t, ctx, 0))
		}
		if q := asked(t, ctx, 0); len(q["history"].([]any)) != 0 {
			t.Errorf("the first question carried history: %v", q["history"])
		}
		shot(t, ctx, "ask-kb-answer")
	})

	t.Run("a follow-up sends the earlier turn as history and is answered below it", func(t *testing.T) {
		askKB(t, ctx, "Which malware does it use?")
		waitAnswered(t, ctx, 1)
		questions, cited := historyOf(asked(t, ctx, 1))
		if len(questions) != 1 || questions[0] != first || !contains(cited[0], apt1Set) {
			t.Errorf("history = %v cited %v, want the first question citing %s", questions, cited, apt1Set)
		}
		if q := js[string](t, ctx, turnJS(1)+`.querySelector(".turn-question p").textContent`); q != "Which malware does it use?" {
			t.Errorf("the second turn shows the question %q", q)
		}
		malware := false
		for _, l := range turnLinks(t, ctx, 1) {
			malware = malware || strings.HasPrefix(l, "/objects/malware--")
		}
		if !malware {
			t.Errorf("the follow-up cites no malware; links %v", turnLinks(t, ctx, 1))
		}
	})

	t.Run("a question the store holds nothing on says the knowledge base does not know", func(t *testing.T) {
		askKB(t, ctx, "What do we know about Zorblax Quartermaine?")
		state := waitAnswered(t, ctx, 2)
		if !strings.HasPrefix(state, "The knowledge base does not know") {
			t.Errorf("state = %q", state)
		}
		if links := turnLinks(t, ctx, 2); len(links) != 0 {
			t.Errorf("an unanswered question links %v", links)
		}
		shot(t, ctx, "ask-kb-conversation")
	})

	t.Run("New conversation clears the turns and the next question has no history", func(t *testing.T) {
		do(t, ctx, "start a new conversation", chromedp.Click(chromedp.CSS("[data-ask-new]")))
		if n := js[int](t, ctx, `document.querySelectorAll(".turn").length`); n != 0 {
			t.Errorf("%d turns remain", n)
		}
		askKB(t, ctx, first)
		waitAnswered(t, ctx, 0)
		if q := asked(t, ctx, 3); len(q["history"].([]any)) != 0 {
			t.Errorf("the first question of a new conversation carried history: %v", q["history"])
		}
	})
}

// clearanceDir is a data directory holding the clearance fixture: a
// TLP:RED intrusion set that uses a TLP:GREEN malware.
func clearanceDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	db, err := sqlite.Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	storetest.LoadClearanceFixture(t, db)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	return dir
}

// loginAs logs the browser in with the login form.
func loginAs(t *testing.T, ctx context.Context, base, email, password string) {
	t.Helper()
	do(t, ctx, "log in as "+email, chromedp.Navigate(base+"/login"),
		chromedp.SendKeys(chromedp.ID("email"), email), chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Click(chromedp.CSS(`.login button[type="submit"]`)), chromedp.WaitVisible(chromedp.ID("counts-h")))
}

func TestBrowserAskAsAGreenViewer(t *testing.T) {
	base := startTipster(t, map[string]string{"APP__DATA_DIR": clearanceDir(t)})
	ctx := newBrowser(t)
	login(t, ctx, base)
	created := js[int](t, ctx, `fetch("/api/v1/users", {method: "POST", credentials: "same-origin",
		headers: {"Content-Type": "application/json", "X-CSRF-Token": document.querySelector('meta[name="csrf-token"]').content},
		body: JSON.stringify({email: "green@tipster.test", role: "analyst", clearance: "TLP:GREEN", password: "green leaves in spring"})}).then(r => r.status)`)
	if created != 201 {
		t.Fatalf("creating the TLP:GREEN analyst: status %d", created)
	}
	const question = "Who uses Greenleaf?"
	red := "/objects/" + string(storetest.FixtureRed)

	t.Run("a TLP:RED viewer's answer links the TLP:RED intrusion set", func(t *testing.T) {
		openAsk(t, ctx, base)
		askKB(t, ctx, question)
		waitAnswered(t, ctx, 0)
		if links := turnLinks(t, ctx, 0); !contains(links, red) {
			t.Errorf("the administrator's answer links %v, want the red intrusion set among them", links)
		}
	})

	t.Run("a TLP:GREEN viewer's answer never links or names the TLP:RED fixture", func(t *testing.T) {
		do(t, ctx, "log out", chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)), chromedp.WaitVisible(chromedp.ID("email")))
		loginAs(t, ctx, base, "green@tipster.test", "green leaves in spring")
		openAsk(t, ctx, base)
		askKB(t, ctx, question)
		waitAnswered(t, ctx, 0)
		links := turnLinks(t, ctx, 0)
		if !contains(links, "/objects/"+string(storetest.FixtureGreen)) {
			t.Errorf("the answer links %v, want the green malware", links)
		}
		for _, hidden := range []string{red, "/objects/" + string(storetest.FixtureRelToRed), "/objects/" + string(storetest.FixtureMixedReport)} {
			if contains(links, hidden) {
				t.Errorf("a TLP:GREEN viewer's answer links %s", hidden)
			}
		}
		text := js[string](t, ctx, turnJS(0)+`.textContent`)
		if strings.Contains(text, "Crimson") || strings.Contains(text, "secret actor") || strings.Contains(text, string(storetest.FixtureRed)) {
			t.Errorf("a TLP:GREEN viewer's turn names the red intrusion set: %q", text)
		}
		shot(t, ctx, "ask-kb-green")
	})
}

// kbReply is the fake model's answer: it cites APT1's intrusion set and
// ends with markup that must show as text.
const kbReply = "APT1 is a cyber espionage unit [" + apt1Set + "] that steals intellectual property " +
	"with spear phishing and custom backdoors such as WEBC2 and BISCUIT, over a large hop-point infrastructure. " +
	`<img src=x onerror="window.__xss='kb'">`

func TestBrowserAskTheKnowledgeBaseWithAModel(t *testing.T) {
	fake := newFakeModel(t, kbReply, 40*time.Millisecond)
	base := startTipster(t, map[string]string{"APP__DATA_DIR": clearanceDir(t), "AI__TYPE": "mistralai",
		"AI__ENDPOINT": fake.URL, "AI__MODEL": "open-mistral-7b", "AI__TOKEN": "test-key", "AI__LOCATION": "cloud"})
	ctx := newBrowser(t)
	login(t, ctx, base)
	importFile(t, ctx, base, "apt1.json")
	openAsk(t, ctx, base)
	const first = "What do we know about APT1?"

	t.Run("the answer streams into the newest turn, then shows the checked text with the cited id as a link", func(t *testing.T) {
		askKB(t, ctx, first)
		waitFor(t, ctx, "the first words while the answer is being written",
			turnAnswer(0)+`.length > 0 && /^Writing/.test(`+turnState(0)+`)`)
		partial := js[string](t, ctx, turnAnswer(0))
		shot(t, ctx, "ask-kb-streaming")
		waitAnswered(t, ctx, 0)
		full := js[string](t, ctx, turnAnswer(0))
		if len(partial) >= len(full) || !strings.HasPrefix(full, partial) {
			t.Errorf("partial answer %q is not a prefix of the full %q", partial, full)
		}
		if !js[bool](t, ctx, turnJS(0)+`.querySelector('.turn-answer a[href="/objects/`+apt1Set+`"]') !== null`) {
			t.Errorf("the answer does not link %s; links %v", apt1Set, turnLinks(t, ctx, 0))
		}
		if n := js[int](t, ctx, `document.querySelectorAll(".turns img, .turns script").length`); n != 0 {
			t.Errorf("the conversation holds %d img or script elements", n)
		}
		if x := js[string](t, ctx, `String(window.__xss)`); x != "undefined" {
			t.Errorf("the answer's markup ran: window.__xss = %s", x)
		}
	})

	t.Run("a follow-up gives the model the earlier question", func(t *testing.T) {
		askKB(t, ctx, "Which tools does it use?")
		waitAnswered(t, ctx, 1)
		chats := chatBodies(fake)
		if len(chats) < 2 {
			t.Fatalf("the model was asked %d times, want 2", len(chats))
		}
		last := chats[len(chats)-1]
		if !strings.Contains(last, "Earlier questions in this conversation") || !strings.Contains(last, first) {
			t.Errorf("the follow-up's prompt lacks the earlier question:\n%s", last)
		}
		if _, cited := historyOf(asked(t, ctx, 1)); len(cited) != 1 || !contains(cited[0], apt1Set) {
			t.Errorf("the follow-up's history cites %v, want %s", cited, apt1Set)
		}
	})

	t.Run("Stop ends the stream and leaves the turn out of the next question's history", func(t *testing.T) {
		askKB(t, ctx, "What malware does APT1 use?")
		waitFor(t, ctx, "a few words", turnAnswer(2)+`.split(" ").length >= 4`)
		do(t, ctx, "stop", chromedp.Click(chromedp.Search(`(//li[@class="turn"])[3]//button[text()="Stop"]`)))
		waitFor(t, ctx, "the stopped state", `/^Stopped/.test(`+turnState(2)+`)`)
		stopped := js[string](t, ctx, turnAnswer(2))
		do(t, ctx, "wait for any late words", chromedp.Sleep(600*time.Millisecond))
		if after := js[string](t, ctx, turnAnswer(2)); after != stopped {
			t.Errorf("text kept arriving after Stop: %q then %q", stopped, after)
		}
		if len(stopped) >= len(kbReply)/2 {
			t.Errorf("Stop came after most of the answer (%d of %d bytes); the test is too slow to judge", len(stopped), len(kbReply))
		}
		askKB(t, ctx, "And its infrastructure?")
		waitAnswered(t, ctx, 3)
		if questions, _ := historyOf(asked(t, ctx, 3)); len(questions) != 2 {
			t.Errorf("history after a stopped turn = %v, want the two answered turns", questions)
		}
		shot(t, ctx, "ask-kb-stopped")
	})

	t.Run("facts above the provider's limit are refused and the offline answer is offered", func(t *testing.T) {
		askKB(t, ctx, "What do we know about Crimson Quiet?")
		waitFor(t, ctx, "the refusal", turnJS(4)+`.querySelector(".ai-state.failed") !== null`)
		if msg := js[string](t, ctx, turnState(4)); !strings.Contains(msg, "TLP:RED") || !strings.Contains(msg, "Nothing was sent") {
			t.Errorf("refusal = %q", msg)
		}
		shot(t, ctx, "ask-kb-refused")
		do(t, ctx, "use the offline answer",
			chromedp.Click(chromedp.Search(`(//li[@class="turn"])[5]//button[text()="Use the offline answer"]`)))
		waitAnswered(t, ctx, 4)
		if links := turnLinks(t, ctx, 4); !contains(links, "/objects/"+string(storetest.FixtureRed)) {
			t.Errorf("the offline answer links %v, want the red intrusion set the administrator may read", links)
		}
	})
}

// newFakeModel starts a fake Mistral endpoint that streams reply a word at
// a time, delay apart.
func newFakeModel(t *testing.T, reply string, delay time.Duration) *llmtest.Server {
	t.Helper()
	return llmtest.NewServer(t, llmtest.Options{Dialect: llmtest.Mistral, Reply: reply,
		Models: []string{"open-mistral-7b"}, ChunkDelay: delay, Token: "test-key"})
}

// chatBodies returns the bodies of the chat requests the fake received, in
// order.
func chatBodies(fake *llmtest.Server) []string {
	var out []string
	for _, r := range fake.Requests() {
		if strings.HasSuffix(r.Path, "/chat/completions") {
			out = append(out, string(r.Body))
		}
	}
	return out
}
