// Ask AI: a menu on every editable text, an answer that streams into a
// panel, and the choice of what to do with it. Nothing changes until the
// user inserts or replaces; a replaced text can be restored.
"use strict";

(function () {
  const { api, apiError, el, readEvents, problem, deltaText } = window.Tipster;

  // Panel is one answer: its stream, its buttons and its outcome.
  class Panel {
    constructor(anchor, req) {
      this.req = req;
      this.section = anchor.closest(".editable, .object-head");
      this.textBox = this.section.querySelector("[data-ai-text]");
      this.root = el("section", { class: "ai-panel", "aria-live": "polite", "aria-label": "Ask AI answer" });
      this.title = el("h3", {}, label(req));
      this.state = el("p", { class: "ai-state", role: "status" }, "Asking…");
      this.out = el("div", { class: "ai-output", tabindex: "0" });
      this.buttons = el("div", { class: "ai-buttons" });
      this.root.append(this.title, this.state, this.out, this.buttons);
      const old = this.section.querySelector(".ai-panel");
      if (old) old.remove();
      this.section.append(this.root);
      this.text = "";
    }

    button(name, onClick, cls) {
      const b = el("button", { type: "button", class: cls || "" }, name);
      b.addEventListener("click", onClick);
      this.buttons.append(b);
      return b;
    }

    setButtons(list) {
      this.buttons.replaceChildren();
      for (const [name, fn, cls] of list) this.button(name, fn, cls);
    }

    // run streams the answer; engine "offline" re-asks the offline engine.
    async run(engine) {
      this.ctrl = new AbortController();
      this.text = "";
      this.out.textContent = "";
      this.state.className = "ai-state";
      this.state.textContent = engine === "offline" ? "Writing with the offline engine…" : "Writing…";
      this.setButtons([["Stop", () => this.stop()]]);
      const body = Object.assign({}, this.req.body, engine ? { engine } : {});
      try {
        const res = await api("POST", "/api/v1/ai/" + this.req.op, body,
          { signal: this.ctrl.signal, headers: { Accept: "text/event-stream" } });
        if (!res.ok) return this.failed(await problem(res));
        let finished = false;
        await readEvents(res.body, (name, data) => {
          if (name === "delta") this.append(deltaText(data));
          else if (name === "done") { finished = true; this.done(data); }
          else if (name === "error") { finished = true; this.failed(data); }
        });
        if (!finished) this.failed({ message: "The answer was cut off before it ended." });
      } catch (e) {
        if (e.name === "AbortError") return this.stopped();
        this.failed({ message: "The server could not be reached." });
      }
    }

    append(t) {
      this.text += t;
      this.out.textContent = this.text;
    }

    stop() { if (this.ctrl) this.ctrl.abort(); }

    stopped() {
      this.state.textContent = "Stopped. Nothing was changed.";
      this.choices(true);
    }

    done(data) {
      if (data && typeof data === "object" && typeof data.text === "string" && data.text) {
        this.text = data.text;
        this.out.textContent = this.text;
      }
      this.result = data && typeof data === "object" ? data : {};
      this.state.textContent = "Done. Nothing changes until you choose.";
      this.choices(false);
    }

    failed(data) {
      this.state.className = "ai-state failed";
      this.state.textContent = (data && data.message) || "Ask AI failed.";
      const list = [];
      if (data && data.offline_available) list.push(["Use the offline answer", () => this.run("offline"), "primary"]);
      list.push(["Close", () => this.root.remove()]);
      this.setButtons(list);
    }

    // choices offers what to do with the answer; a partial answer may be
    // copied or discarded but not written into the object.
    choices(partial) {
      const list = [];
      if (!partial && this.req.field !== "report" && this.text) {
        list.push(["Insert", () => this.apply("insert"), "primary"]);
        list.push(["Replace", () => this.apply("replace")]);
      }
      if (!partial && this.req.field === "report" && this.text) {
        list.push(["Save as description", () => this.apply("replace", "description"), "primary"]);
      }
      if (this.text) list.push(["Copy", () => this.copy()]);
      list.push(["Discard", () => this.root.remove()]);
      this.setButtons(list);
    }

    async copy() {
      try {
        await navigator.clipboard.writeText(this.text);
        this.state.textContent = "Copied to the clipboard.";
      } catch (e) {
        const r = document.createRange();
        r.selectNodeContents(this.out);
        getSelection().removeAllRanges();
        getSelection().addRange(r);
        this.state.textContent = "Selected: press Ctrl+C to copy.";
      }
    }

    // apply writes the answer into the object, with provenance, through
    // POST /api/v1/objects/{id}/ai-apply.
    async apply(mode, field) {
      const target = field || this.req.field;
      const body = { field: target, mode, text: this.text };
      if (this.result && this.result.audit_id) body.audit_id = this.result.audit_id;
      const res = await api("POST", "/api/v1/objects/" + this.req.id + "/ai-apply", body);
      if (!res.ok) {
        this.state.className = "ai-state failed";
        this.state.textContent = "Not saved: " + (await apiError(res));
        return;
      }
      const prov = await res.json().catch(() => ({}));
      const box = target === this.req.field ? this.textBox : document.querySelector('.editable[data-field="' + target + '"] [data-ai-text]');
      if (box && typeof prov.new_text === "string") box.textContent = prov.new_text;
      showBadge();
      this.state.className = "ai-state";
      this.state.textContent = mode === "insert" ? "Inserted." : "Replaced. The previous text is kept.";
      this.setButtons([["Restore previous text", () => this.restore(), "primary"], ["Close", () => this.root.remove()]]);
    }

    async restore() {
      const msg = await restoreObject(this.req.id);
      this.state.className = msg ? "ai-state failed" : "ai-state";
      this.state.textContent = msg || "Restored the previous text.";
      if (!msg) this.setButtons([["Close", () => this.root.remove()]]);
    }
  }

  function label(req) {
    const names = { "fix-spelling": "Fix spelling", shorter: "Shorter", longer: "Longer", "change-tone": "Change tone",
      summarize: "Summarize", explain: "Explain", report: "Generate report" };
    return names[req.op] + (req.body.audience ? " (" + req.body.audience + ")" : "");
  }

  // restoreObject puts back the text the latest AI text replaced, and
  // returns "" or why it could not.
  async function restoreObject(id) {
    const res = await api("POST", "/api/v1/objects/" + id + "/ai-restore", {});
    if (!res.ok) return "Not restored: " + (await apiError(res));
    const prov = await res.json().catch(() => ({}));
    const box = document.querySelector('.editable[data-field="' + prov.field + '"] [data-ai-text]');
    if (box && typeof prov.previous_text === "string") box.textContent = prov.previous_text;
    document.querySelectorAll("[data-ai-badge], [data-ai-review], [data-ai-restore]").forEach((e) => e.remove());
    return "";
  }

  function setupRestore(btn) {
    btn.addEventListener("click", async () => {
      const msg = await restoreObject(btn.dataset.aiRestore);
      if (msg) btn.textContent = msg;
    });
  }

  // showBadge marks the page's object as AI-assisted, with the button
  // that marks it reviewed.
  function showBadge() {
    const badges = document.querySelector(".badges");
    const article = document.querySelector("[data-object-id]");
    if (!badges || !article || document.querySelector("[data-ai-badge]")) return;
    const review = el("button", { type: "button", class: "ai-review", "data-ai-review": article.dataset.objectId }, "Mark reviewed");
    setupReview(review);
    badges.prepend(el("span", { class: "badge ai-badge", "data-ai-badge": "" }, "AI-assisted, not reviewed"), review);
  }

  // request builds what the API is asked from a menu item.
  function request(menu, item) {
    const box = menu.closest("[data-ai-object]");
    const body = { object_id: box.dataset.aiObject };
    const fmt = menu.querySelector('select[name="format"]');
    const lang = menu.querySelector('input[name="language"]');
    if (item.dataset.audience) body.audience = item.dataset.audience;
    if (fmt) body.format = fmt.value;
    if (lang && lang.value.trim()) body.language = lang.value.trim();
    return { op: item.dataset.op, id: box.dataset.aiObject, field: box.dataset.aiField, body };
  }

  function setupMenu(box) {
    const btn = box.querySelector(".ask-ai-button");
    const menu = box.querySelector(".ask-ai-menu");
    const tone = box.querySelector(".tone-toggle");
    const choices = box.querySelector(".tone-choices");
    const items = () => Array.from(menu.querySelectorAll('[role="menuitem"], select, input')).filter((e) => e.offsetParent);
    const close = (focus) => { menu.hidden = true; btn.setAttribute("aria-expanded", "false"); if (focus) btn.focus(); };
    btn.addEventListener("click", () => {
      const open = menu.hidden;
      menu.hidden = !open;
      btn.setAttribute("aria-expanded", String(open));
      if (open) items()[0].focus();
    });
    tone.addEventListener("click", () => {
      choices.hidden = !choices.hidden;
      tone.setAttribute("aria-expanded", String(!choices.hidden));
      if (!choices.hidden) choices.querySelector("button").focus();
    });
    menu.addEventListener("keydown", (ev) => {
      const list = items();
      const i = list.indexOf(document.activeElement);
      if (ev.key === "Escape") { ev.preventDefault(); close(true); }
      else if (ev.key === "ArrowDown") { ev.preventDefault(); list[(i + 1) % list.length].focus(); }
      else if (ev.key === "ArrowUp") { ev.preventDefault(); list[(i - 1 + list.length) % list.length].focus(); }
    });
    menu.querySelectorAll("[data-op]").forEach((item) => item.addEventListener("click", () => {
      close(false);
      const p = new Panel(box, request(menu, item));
      p.run();
      p.buttons.querySelector("button").focus();
    }));
    document.addEventListener("click", (ev) => { if (!box.contains(ev.target)) close(false); });
  }

  function setupReport(btn) {
    btn.addEventListener("click", () => {
      const body = { object_id: btn.dataset.aiObject };
      const p = new Panel(btn, { op: "report", id: btn.dataset.aiObject, field: "report", body });
      p.run();
    });
  }

  function setupReview(btn) {
    btn.addEventListener("click", async () => {
      const res = await api("POST", "/api/v1/objects/" + btn.dataset.aiReview + "/ai-review", {});
      if (!res.ok) { btn.textContent = "Not saved: " + (await apiError(res)); return; }
      const badge = document.querySelector("[data-ai-badge]");
      if (badge) badge.remove();
      btn.remove();
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll(".ask-ai").forEach(setupMenu);
    document.querySelectorAll(".generate-report").forEach(setupReport);
    document.querySelectorAll("[data-ai-review]").forEach(setupReview);
    document.querySelectorAll("[data-ai-restore]").forEach(setupRestore);
  });
})();
