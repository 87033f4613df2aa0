// The conversation with the knowledge base: every question is answered from
// fresh retrieval (POST /api/v1/ai/question), the answer streams into the
// newest turn and can be stopped, and follow-ups send the earlier turns as
// history. The turns live in this page only. Every text from the server or
// a model is written with textContent; cited ids become links by building
// elements, never by writing HTML.
"use strict";

(function () {
  const { api, apiError, el, readEvents, problem, deltaText } = window.Tipster;

  // stixID matches a STIX id such as intrusion-set--da1065ce-972c-4605-8755-9cd1074e3b5a.
  const stixID = /[a-z][a-z0-9-]*--[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

  // tlpClass is the badge class of a level such as "TLP:AMBER+STRICT".
  function tlpClass(tlp) {
    if (!/^TLP:[A-Z+]+$/.test(tlp || "")) return "tlp";
    return "tlp tlp-" + tlp.slice(4).toLowerCase().replace("+", "-");
  }

  // objectLink links a cited object's page; label is its text.
  function objectLink(c, label) {
    const a = el("a", { href: "/objects/" + encodeURIComponent(c.id), class: "cited" }, label);
    a.title = (c.name || c.id) + " (" + c.type + ", " + c.tlp + ")";
    return a;
  }

  // linkCitations writes text into box, each id of a cited object as a
  // link to its page. Ids the server did not return as citations stay text:
  // only citations are checked to be visible to the asker.
  function linkCitations(box, text, citations) {
    const byID = new Map(citations.map((c) => [c.id, c]));
    box.replaceChildren();
    let last = 0;
    for (const m of text.matchAll(stixID)) {
      const c = byID.get(m[0]);
      if (!c) continue;
      box.append(document.createTextNode(text.slice(last, m.index)), objectLink(c, m[0]));
      last = m.index + m[0].length;
    }
    box.append(document.createTextNode(text.slice(last)));
  }

  // sourceList lists the cited objects by name, with their TLP.
  function sourceList(citations) {
    const box = el("div", { class: "turn-sources" });
    if (!citations.length) return box;
    const ul = el("ul", { class: "chips" });
    for (const c of citations) {
      const li = el("li");
      li.append(objectLink(c, c.name || c.id), " ", el("span", { class: tlpClass(c.tlp) }, c.tlp));
      ul.append(li);
    }
    box.append(el("h3", {}, "Cited"), ul);
    return box;
  }

  // Turn is one question and its answer, with the history it was asked with.
  class Turn {
    constructor(conv, question, history) {
      this.conv = conv;
      this.question = question;
      this.history = history;
      this.answer = "";
      this.cited = [];
      this.complete = false;
      this.root = el("li", { class: "turn" });
      const q = el("div", { class: "turn-question" });
      q.append(el("span", { class: "turn-who" }, "You asked"), el("p", {}, question));
      this.state = el("p", { class: "ai-state", role: "status" }, "Asking…");
      this.out = el("div", { class: "turn-answer", tabindex: "0" });
      this.notes = el("ul", { class: "turn-notes" });
      this.sources = el("div", { class: "turn-sources" });
      this.buttons = el("div", { class: "ai-buttons" });
      this.root.append(q, this.state, this.out, this.notes, this.sources, this.buttons);
    }

    setButtons(list) {
      this.buttons.replaceChildren();
      for (const [name, fn, cls] of list) {
        const b = el("button", { type: "button", class: cls || "" }, name);
        b.addEventListener("click", fn);
        this.buttons.append(b);
      }
    }

    // run asks the question; extra adds engine "offline" or limit "provider".
    async run(extra) {
      this.extra = extra || {};
      this.ctrl = new AbortController();
      this.text = "";
      this.out.textContent = "";
      this.notes.replaceChildren();
      this.sources.replaceChildren();
      this.state.className = "ai-state";
      this.state.textContent = this.extra.engine === "offline" ? "Answering with the offline engine…" : "Writing…";
      this.setButtons([["Stop", () => this.stop()]]);
      this.conv.busy(true);
      try {
        await this.request();
      } catch (e) {
        if (e.name === "AbortError") this.stopped();
        else this.failed({ message: "The server could not be reached." });
      } finally {
        this.ctrl = null;
        this.conv.busy(false);
      }
    }

    async request() {
      const body = Object.assign({ question: this.question, history: this.history }, this.extra);
      const res = await api("POST", "/api/v1/ai/question", body,
        { signal: this.ctrl.signal, headers: { Accept: "text/event-stream" } });
      if (!res.ok) return this.failed(await problem(res));
      if (!(res.headers.get("Content-Type") || "").startsWith("text/event-stream")) return this.done(await res.json());
      let finished = false;
      await readEvents(res.body, (name, data) => {
        if (name === "delta") this.append(deltaText(data));
        else if (name === "done") { finished = true; this.done(data); }
        else if (name === "error") { finished = true; this.failed(data); }
      });
      if (!finished) this.failed({ message: "The answer was cut off before it ended." });
    }

    append(t) {
      this.text += t;
      this.out.textContent = this.text;
    }

    stop() { if (this.ctrl) this.ctrl.abort(); }

    stopped() {
      this.state.className = "ai-state";
      this.state.textContent = "Stopped. This turn is left out of the conversation's context.";
      this.setButtons([["Ask again", () => this.run(this.extra)]]);
    }

    // done shows the server's clean answer in place of the streamed text.
    done(data) {
      const a = data && typeof data === "object" ? data : {};
      const citations = Array.isArray(a.citations) ? a.citations : [];
      this.answer = typeof a.text === "string" ? a.text : this.text;
      this.cited = citations.map((c) => c.id);
      this.complete = true;
      linkCitations(this.out, this.answer, citations);
      const sources = sourceList(citations);
      this.sources.replaceWith(sources);
      this.sources = sources;
      for (const f of a.flags || []) this.notes.append(el("li", {}, f.message || f.kind));
      this.state.className = a.answered === false ? "ai-state not-known" : "ai-state";
      this.state.textContent = a.answered === false
        ? "The knowledge base does not know: nothing it holds bears on this question."
        : "Answered from " + (a.retrieved || []).length + " objects retrieved" + (a.provider ? " by " + a.provider : "") + ".";
      this.setButtons([]);
    }

    failed(data) {
      this.state.className = "ai-state failed";
      this.state.textContent = (data && data.message) || "The question could not be answered.";
      const list = [];
      if (data && data.offline_available) list.push(["Use the offline answer", () => this.run({ engine: "offline" }), "primary"]);
      if (data && data.code === "tlp_refused") list.push(["Ask within the provider's limit", () => this.run({ limit: "provider" })]);
      this.setButtons(list);
    }
  }

  // setupConversation runs the question form: turns in order, the newest
  // answer streaming, earlier complete turns sent back as history.
  function setupConversation(section) {
    const form = section.querySelector("[data-ask-form]");
    const input = form.querySelector("textarea");
    const send = form.querySelector("[data-ask-send]");
    const list = section.querySelector("[data-turns]");
    const empty = section.querySelector("[data-conv-empty]");
    const max = Number(section.dataset.maxHistory) || 10;
    let turns = [];
    const conv = {
      busy(on) {
        send.disabled = on || section.dataset.off === "true";
        list.setAttribute("aria-busy", String(on));
      },
    };
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const question = input.value.trim();
      if (!question || send.disabled) return;
      const history = turns.filter((t) => t.complete).slice(-max)
        .map((t) => ({ question: t.question, answer: t.answer, cited: t.cited }));
      const turn = new Turn(conv, question, history);
      turns.push(turn);
      list.append(turn.root);
      empty.hidden = true;
      input.value = "";
      turn.root.scrollIntoView({ block: "nearest" });
      turn.run();
    });
    input.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) { ev.preventDefault(); form.requestSubmit(); }
    });
    section.querySelector("[data-ask-new]").addEventListener("click", () => {
      turns.forEach((t) => t.stop());
      turns = [];
      list.replaceChildren();
      empty.hidden = false;
      input.value = "";
      input.focus();
    });
  }

  // showIndex says how much of the store questions can find, and polls
  // while objects wait to be indexed (the server indexes every few seconds).
  async function showIndex(line) {
    let res;
    try {
      res = await api("GET", "/api/v1/ai/question/index");
    } catch (e) {
      line.textContent = "The server could not be reached.";
      return;
    }
    if (res.status === 404 || res.status === 405) {
      line.textContent = "Questions to the knowledge base are off on this server (they need the SQLite store).";
      document.querySelectorAll("[data-conversation]").forEach((c) => {
        c.dataset.off = "true";
        c.querySelector("[data-ask-send]").disabled = true;
      });
      return;
    }
    if (!res.ok) {
      line.textContent = "The index's progress is not available: " + (await apiError(res));
      return;
    }
    const s = await res.json();
    line.dataset.objects = String(s.objects);
    line.dataset.pending = String(s.pending);
    if (s.pending > 0) line.textContent = s.objects + " objects searchable, " + s.pending + " being indexed (new imports are searchable within seconds).";
    else if (s.objects === 0) line.textContent = "Nothing is indexed yet: import reports or bundles first.";
    else line.textContent = s.objects + " objects searchable.";
    if (s.pending > 0 || s.objects === 0) setTimeout(() => showIndex(line), 3000);
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-conversation]").forEach(setupConversation);
    document.querySelectorAll("[data-kb-index]").forEach(showIndex);
  });
})();
