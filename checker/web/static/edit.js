// The document as a form (json-editor, built from the document's JSON Schema), every finding shown at
// the field its JSON pointer names, saving through the server's writer and lock.
"use strict";
document.addEventListener("DOMContentLoaded", async () => {
  const app = document.getElementById("editor-app");
  const w = app.dataset;
  const saveButton = document.getElementById("save");
  const state = document.getElementById("save-state");
  const conflict = document.getElementById("conflict");
  const fileBox = document.getElementById("file-findings");
  const answer = await fetch(w.api, {credentials: "same-origin", headers: {"Accept": "application/json"}});
  const doc = await answer.json();
  if (!answer.ok) { conflict.hidden = false; conflict.textContent = doc.error; return; }
  let sha = doc.sha256;
  let base = doc.value;

  JSONEditor.defaults.language = w.lang === "en" ? "en" : "da";
  const editor = new JSONEditor(document.getElementById("form"), {
    schema: doc.schema, startval: doc.value, theme: "html", iconlib: null,
    show_opt_in: true, show_errors: "never", disable_edit_json: true, disable_properties: true,
    disable_collapse: false, prompt_before_delete: true, array_controls_top: false,
    no_additional_properties: false, use_default_values: true,
  });

  const show = (findings, totals) => {
    document.querySelectorAll(".finding-at").forEach((e) => e.remove());
    document.querySelectorAll(".has-error").forEach((e) => e.classList.remove("has-error"));
    const list = fileBox.querySelector("ul");
    list.innerHTML = "";
    for (const f of findings) {
      const item = document.createElement("li");
      item.className = `finding ${f.severity}`;
      item.dataset.code = f.code;
      if (f.pointer) item.dataset.pointer = f.pointer;
      const where = f.label || f.pointer || "";
      item.innerHTML = `<span class="sev ${f.severity}"></span> <a href="#"></a> <span class="msg"></span>`;
      item.querySelector(".sev").textContent = f.code;
      item.querySelector("a").textContent = where;
      item.querySelector(".msg").textContent = f.message + (f.hint ? ` (${f.hint})` : "");
      list.appendChild(item);
      // at the field: the nearest form element the pointer reaches
      let path = f.path;
      let target = null;
      while (path) {
        const ed = editor.getEditor(path);
        if (ed && ed.container) { target = ed; break; }
        path = path.includes(".") ? path.slice(0, path.lastIndexOf(".")) : null;
      }
      if (target && f.path && path !== "root") {
        const note = document.createElement("div");
        note.className = `finding-at ${f.severity}`;
        note.dataset.code = f.code;
        note.dataset.pointer = f.pointer;
        note.setAttribute("role", f.severity === "error" ? "alert" : "note");
        note.textContent = f.message + (f.hint ? ` (${f.hint})` : "");
        target.container.classList.add("has-error");
        target.container.appendChild(note);
        item.querySelector("a").addEventListener("click", (e) => { e.preventDefault(); note.scrollIntoView({block: "center"}); });
      } else {
        item.classList.add("file-level");
        item.querySelector("a").removeAttribute("href");
      }
    }
    fileBox.hidden = findings.length === 0;
    if (totals) document.getElementById("totals").innerHTML = aftale.counts(totals, {errors: w.wErrors, warnings: w.wWarnings, none: w.wNone});
  };

  // checked as you type: a moment after the last change, the server checks the dossier as it would be
  // with this form (a copy; nothing is saved) and the findings move to where they now belong
  let edits = 0;
  let timer = null;
  const draftCheck = async () => {
    const seen = ++edits;
    let res;
    try {
      res = await aftale.post(w.check, {sha256: sha, value: editor.getValue()});
    } catch (e) {
      return;  // the server does not answer: saving will say so
    }
    if (seen !== edits || !res.ok) return;  // a newer change or a save came meanwhile
    const out = await res.json();
    show(out.findings, out.totals);
    state.textContent = w.wDraft;
    app.dataset.checked = String(Date.now());
  };
  editor.on("ready", () => {
    show(doc.findings, doc.totals);
    app.dataset.ready = "1";
    saveButton.disabled = false;
    let last = JSON.stringify(editor.getValue());
    editor.on("change", () => {
      const now = JSON.stringify(editor.getValue());
      if (now === last) return;  // the form redrawing itself is not a change
      last = now;
      clearTimeout(timer);
      timer = setTimeout(draftCheck, 600);
    });
  });

  const save = async () => {
    saveButton.disabled = true;
    clearTimeout(timer);
    edits++;  // an answer to an earlier draft check no longer counts
    state.textContent = w.wSaving;
    conflict.hidden = true;
    const t0 = performance.now();
    const value = editor.getValue();
    try {
      const t1 = performance.now();
      const res = await aftale.post(w.api, {sha256: sha, value: value, base: base});
      const out = await res.json();
      const t2 = performance.now();
      if (res.status === 409 && out.conflict) {
        conflict.hidden = false;
        conflict.innerHTML = "";
        const p = document.createElement("p"); p.textContent = w.wConflict; conflict.appendChild(p);
        const ul = document.createElement("ul");
        for (const line of out.conflict) { const li = document.createElement("li"); li.textContent = line; ul.appendChild(li); }
        conflict.appendChild(ul);
        const again = document.createElement("a"); again.href = location.href; again.textContent = w.wReload;
        conflict.appendChild(again);
        state.textContent = "";
        app.dataset.saved = "conflict";
        return;
      }
      if (!res.ok) { conflict.hidden = false; conflict.textContent = out.error; state.textContent = ""; app.dataset.saved = "refused"; return; }
      sha = out.sha256;
      base = value;
      state.textContent = out.changed.length ? w.wSaved : w.wUnchanged;
      show(out.findings, out.totals);
      // how long each part took, for benchmarks/serve.py
      app.dataset.timing = JSON.stringify({value: t1 - t0, request: t2 - t1, show: performance.now() - t2});
      app.dataset.saved = String(Date.now());
    } catch (e) {
      // no answer (the server was stopped) or one that is not ours: say so; the form keeps the changes
      conflict.hidden = false;
      conflict.textContent = w.wOffline;
      state.textContent = "";
      app.dataset.saved = "refused";
    } finally {
      saveButton.disabled = false;
    }
  };
  saveButton.addEventListener("click", save);
  document.addEventListener("keydown", (e) => {
    if ((e.ctrlKey || e.metaKey) && e.key === "s") { e.preventDefault(); save(); }
  });
});
