// Shared by every page: the CSRF header on every change, and the overview's live check states.
"use strict";
window.aftale = {
  csrf: () => document.querySelector('meta[name="csrf-token"]').content,
  // a change sent to the server; when the server does not answer at all (stopped), an answer of our own
  // (503, {error}) so that every page shows why instead of hanging on "saving …"
  post: (url, body, isJson = true) => fetch(url, {
    method: "POST",
    credentials: "same-origin",
    headers: Object.assign({"X-CSRF-Token": aftale.csrf(), "Accept": "application/json"},
                           isJson ? {"Content-Type": "application/json"} : {}),
    body: isJson ? JSON.stringify(body) : body,
  }).catch(() => new Response(
    JSON.stringify({error: document.querySelector('meta[name="offline-message"]').content}),
    {status: 503, headers: {"Content-Type": "application/json"}},
  )),
  // an upload or form: FormData sent with the CSRF header; the answer as JSON
  postForm: (url, form) => aftale.post(url, new FormData(form), false),
  // an element with text (never HTML) and a class
  el: (tag, text, cls) => {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  },
  // a response as {ok, body}: its JSON, or the status when it has none
  answer: async (response) => {
    let body = {};
    try { body = await response.json(); } catch (e) { body = {error: `HTTP ${response.status}`}; }
    return {ok: response.ok, body};
  },
  counts: (c, w) => {
    const out = [];
    if (c.errors) out.push(`<span class="sev error">${c.errors} ${w.errors}</span>`);
    if (c.warnings) out.push(`<span class="sev warning">${c.warnings} ${w.warnings}</span>`);
    if (!c.errors && !c.warnings) out.push(`<span class="sev ok">${w.none}</span>`);
    return out.join(" ");
  },
};

document.addEventListener("DOMContentLoaded", () => {
  const table = document.getElementById("dossiers");
  if (!table) return;
  const words = document.getElementById("words").dataset;
  const poll = async () => {
    const pending = table.querySelectorAll('td.status[data-state="checking"]');
    if (!pending.length) return;
    const states = await (await fetch("/api/status", {credentials: "same-origin"})).json();
    for (const cell of pending) {
      const s = states[cell.parentElement.dataset.dossier];
      if (!s || s.state === "checking") continue;
      cell.dataset.state = s.state;
      if (s.state === "failed") { cell.textContent = s.message; continue; }
      cell.innerHTML = aftale.counts(s, words);
    }
    setTimeout(poll, 400);
  };
  setTimeout(poll, 300);
});
