// The parts of pages that talk to the API after loading: the AI provider's
// status and its connection test, the import drop zone and the AI audit log.
"use strict";

(function () {
  const { api, apiError, el } = window.Tipster;

  // showStatus paints every AI status line: green when the real probe
  // succeeded, red with the reason when not; the title shows type and model.
  function showStatus(s) {
    document.querySelectorAll("[data-ai-status]").forEach((p) => {
      p.classList.toggle("ok", !!s.ok);
      p.classList.toggle("down", !s.ok);
      const label = s.label || "AI provider";
      p.title = label;
      p.querySelector(".ai-status-text").textContent = s.ok
        ? "Connected: " + label
        : "Not available: " + (s.reason || "unknown reason") + " (" + label + ")";
    });
  }

  async function loadStatus(method, path) {
    try {
      const res = await api(method, path);
      if (!res.ok) return showStatus({ ok: false, reason: await apiError(res) });
      showStatus(await res.json());
    } catch (e) {
      showStatus({ ok: false, reason: "the server could not be reached" });
    }
  }

  function setupStatus() {
    if (!document.querySelector("[data-ai-status]")) return;
    loadStatus("GET", "/api/v1/ai/status");
    document.querySelectorAll("[data-ai-test]").forEach((b) => b.addEventListener("click", async () => {
      b.disabled = true;
      document.querySelectorAll("[data-ai-status] .ai-status-text").forEach((t) => { t.textContent = "Testing the connection…"; });
      await loadStatus("POST", "/api/v1/ai/status/test");
      b.disabled = false;
    }));
  }

  // Import: a dropped or chosen file goes to the bundles API when it is
  // JSON, to the documents API otherwise.
  function setupImport() {
    const form = document.querySelector("[data-import]");
    if (!form) return;
    const zone = form.querySelector("[data-dropzone]");
    const input = form.querySelector('input[type="file"]');
    zone.addEventListener("dragover", (ev) => { ev.preventDefault(); zone.classList.add("over"); });
    zone.addEventListener("dragleave", () => zone.classList.remove("over"));
    zone.addEventListener("drop", (ev) => {
      ev.preventDefault();
      zone.classList.remove("over");
      if (ev.dataTransfer.files.length) { input.files = ev.dataTransfer.files; form.requestSubmit(); }
    });
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      if (input.files.length) upload(input.files[0], form.querySelector("select[name=marking]").value);
    });
  }

  async function upload(file, marking) {
    const box = document.querySelector("[data-import-result]");
    const status = box.querySelector(".import-status");
    const dl = box.querySelector(".summary");
    box.hidden = false;
    dl.replaceChildren();
    status.className = "import-status";
    status.textContent = "Importing " + file.name + "…";
    const q = marking ? "?marking=" + encodeURIComponent(marking) : "";
    let res;
    try {
      if (/\.json$/i.test(file.name)) {
        res = await api("POST", "/api/v1/bundles" + q, file);
      } else {
        const fd = new FormData();
        fd.append("file", file, file.name);
        res = await api("POST", "/api/v1/documents" + q, fd);
      }
    } catch (e) {
      status.className = "import-status error";
      status.textContent = "The server could not be reached.";
      return;
    }
    if (!res.ok) {
      status.className = "import-status error";
      status.textContent = "Not imported: " + (await apiError(res));
      return;
    }
    showSummary(file.name, await res.json(), status, dl);
  }

  // showSummary lists the counts the API answered and links the report a
  // document became.
  function showSummary(name, sum, status, dl) {
    status.textContent = "Imported " + name + ".";
    const s = sum.summary || sum;
    const rows = [["Created", s.created], ["Updated", s.updated], ["Unchanged", s.unchanged],
      ["Skipped", Array.isArray(s.skipped) ? s.skipped.length : s.skipped],
      ["References to objects not held", s.dangling_refs], ["Upgraded from STIX 2.0", s.upgraded_from_stix20],
      ["Indicators found", sum.indicators], ["Entities found", sum.entities]];
    for (const [k, v] of rows) {
      if (v === undefined || v === null) continue;
      dl.append(el("dt", {}, k), el("dd", {}, String(v)));
    }
    for (const sk of (Array.isArray(s.skipped) ? s.skipped : [])) {
      dl.append(el("dt", {}, "Skipped " + (sk.id || "#" + sk.index)), el("dd", {}, sk.reason));
    }
    const id = sum.report_id || (sum.report && sum.report.id);
    if (id) {
      const a = el("a", { href: "/objects/" + encodeURIComponent(id) }, "Open the report");
      dl.append(el("dt", {}, "Report"), el("dd", {}));
      dl.lastChild.append(a);
    }
  }

  // The audit log is read from the API, which filters by the viewer.
  async function setupAudit() {
    const table = document.querySelector("[data-audit]");
    if (!table) return;
    const status = document.querySelector("[data-audit-status]");
    const res = await api("GET", "/api/v1/ai/audit").catch(() => null);
    if (!res || !res.ok) {
      status.className = "audit-status error";
      status.textContent = res ? "The audit log could not be read: " + (await apiError(res)) : "The server could not be reached.";
      return;
    }
    const j = await res.json();
    const entries = j.entries || j.audit || [];
    status.textContent = entries.length ? entries.length + " calls, newest first." : "No Ask AI call yet.";
    const body = table.querySelector("tbody");
    for (const e of entries) {
      const tr = el("tr");
      const obj = e.object_id || "";
      const cells = [e.time || e.at || e.created, e.user, e.operation, obj, e.provider || e.engine,
        e.tlp, e.outcome || e.status || (e.error ? "error: " + e.error : "ok")];
      cells.forEach((c, i) => {
        const td = el("td", {});
        if (i === 3 && obj) td.append(el("a", { href: "/objects/" + encodeURIComponent(obj) }, obj));
        else td.textContent = c === undefined || c === null ? "" : String(c);
        tr.append(td);
      });
      body.append(tr);
    }
    table.hidden = false;
  }

  document.addEventListener("DOMContentLoaded", () => {
    setupStatus();
    setupImport();
    setupAudit();
  });
})();
