// Tipster's browser script: theme, keyboard shortcuts and what the other
// scripts share (API calls with the CSRF token, server-sent events). Every
// text that comes from the server, a file or a model is written with
// textContent, never as HTML.
"use strict";

(function () {
  const csrf = () => (document.querySelector('meta[name="csrf-token"]') || {}).content || "";

  // api sends a request to the JSON API with the session's CSRF token.
  function api(method, path, body, extra) {
    const opts = Object.assign({ method, credentials: "same-origin" }, extra || {});
    opts.headers = Object.assign({ "X-CSRF-Token": csrf() }, (extra || {}).headers);
    if (body !== undefined && !(body instanceof FormData) && !(body instanceof Blob)) {
      opts.headers["Content-Type"] = "application/json";
      opts.body = JSON.stringify(body);
    } else if (body !== undefined) {
      opts.body = body;
    }
    return fetch(path, opts);
  }

  // apiError reads the API's {"error":{"message"}} body, or says what failed.
  async function apiError(res) {
    try {
      const j = await res.json();
      if (j && j.error && j.error.message) return j.error.message;
    } catch (e) { /* not JSON */ }
    return "The server answered " + res.status + ".";
  }

  // readEvents reads a text/event-stream body and calls onEvent(name, data)
  // for each event, data parsed as JSON when it is JSON.
  async function readEvents(body, onEvent) {
    const reader = body.getReader();
    const dec = new TextDecoder();
    let buf = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += dec.decode(value, { stream: true }).replace(/\r\n?/g, "\n");
      let cut;
      while ((cut = buf.indexOf("\n\n")) >= 0) {
        dispatch(buf.slice(0, cut), onEvent);
        buf = buf.slice(cut + 2);
      }
    }
    if (buf.trim()) dispatch(buf, onEvent);
  }

  function dispatch(block, onEvent) {
    let name = "message";
    const data = [];
    for (const line of block.split("\n")) {
      if (line.startsWith("event:")) name = line.slice(6).trim();
      else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
    }
    if (!data.length) return;
    const raw = data.join("\n");
    let parsed = raw;
    try { parsed = JSON.parse(raw); } catch (e) { /* plain text data */ }
    onEvent(name, parsed);
  }

  // problem reads an Ask AI error body: {"error": {message, offline_available}}.
  async function problem(res) {
    try {
      const j = await res.clone().json();
      if (j && j.error && j.error.message) return j.error;
    } catch (e) { /* not JSON */ }
    return { message: await apiError(res) };
  }

  // deltaText is the text of a delta event, whichever field carries it.
  const deltaText = (d) => (typeof d === "string" ? d : d.text || d.delta || d.content || "");

  function el(tag, attrs, text) {
    const e = document.createElement(tag);
    for (const k in attrs || {}) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // Theme: light, dark, remembered; the system's choice by default.
  function setupTheme() {
    const root = document.documentElement;
    const saved = localStorage.getItem("tipster-theme");
    const dark = saved ? saved === "dark" : matchMedia("(prefers-color-scheme: dark)").matches;
    root.dataset.theme = dark ? "dark" : "light";
    document.querySelectorAll(".theme-toggle").forEach((b) => {
      const show = () => {
        const isDark = root.dataset.theme === "dark";
        b.setAttribute("aria-pressed", String(isDark));
        b.textContent = isDark ? "Light theme" : "Dark theme";
      };
      show();
      b.addEventListener("click", () => {
        root.dataset.theme = root.dataset.theme === "dark" ? "light" : "dark";
        localStorage.setItem("tipster-theme", root.dataset.theme);
        show();
      });
    });
  }

  // "/" focuses the search box, as in many tools; Escape closes menus.
  function setupKeys() {
    document.addEventListener("keydown", (ev) => {
      const typing = /^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement.tagName);
      if (ev.key === "/" && !typing) {
        const q = document.getElementById("quick-q");
        if (q) { ev.preventDefault(); q.focus(); }
      }
    });
  }

  window.Tipster = { api, apiError, el, readEvents, problem, deltaText };
  document.addEventListener("DOMContentLoaded", () => {
    setupTheme();
    setupKeys();
  });
})();
