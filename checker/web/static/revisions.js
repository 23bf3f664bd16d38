// The revisions page: start a new version, make the ændringsoversigt.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const app = document.getElementById("revisions-app");
  if (!app) return;
  const w = app.dataset;
  const base = w.base;
  const {el, answer} = aftale;

  // ------------------------------------------------------------------ a new version
  const form = document.getElementById("new-version-form");
  if (form) {
    const out = document.getElementById("new-version-result");
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const button = form.querySelector("button");
      button.disabled = true;
      out.hidden = true;
      delete form.dataset.refused;
      try {
        const {ok, body} = await answer(await aftale.postForm(`${base}/new`, form));
        if (ok) { location.href = body.url; return; }
        out.textContent = body.error;
        out.className = "problem";
        out.hidden = false;
        form.dataset.refused = "1";
      } finally {
        button.disabled = false;
      }
    });
  }

  // ------------------------------------------------------------------ the ændringsoversigt
  const box = document.getElementById("changes-job");
  const buttons = Array.from(document.querySelectorAll("button.make-changes"));
  const poll = async (id) => {
    const {ok, body} = await answer(await fetch(`${base}/jobs/${id}`, {credentials: "same-origin", headers: {"Accept": "application/json"}}));
    box.hidden = false;
    const message = box.querySelector(".job-message");
    if (!ok) { message.textContent = body.error; box.dataset.state = "failed"; return; }
    const steps = box.querySelector(".steps");
    steps.innerHTML = "";
    for (const s of body.steps) steps.appendChild(el("li", s));
    if (body.state === "running") { setTimeout(() => poll(id), 300); return; }
    message.textContent = body.message || "";
    message.className = `job-message ${body.state === "done" ? "" : "problem"}`;
    const link = box.querySelector(".job-download");
    link.innerHTML = "";
    if (body.state === "done") {
      const a = el("a", `${w.wDownload} (${body.format.toUpperCase()})`, "button");
      a.href = body.download;
      a.id = "changes-download";
      link.appendChild(a);
    }
    box.dataset.state = body.state;
    buttons.forEach((b) => { b.disabled = false; });
  };
  for (const button of buttons) {
    button.addEventListener("click", async () => {
      buttons.forEach((b) => { b.disabled = true; });
      box.hidden = false;
      box.dataset.state = "running";
      box.querySelector(".job-message").textContent = w.wWorking;
      box.querySelector(".job-download").innerHTML = "";
      const {ok, body} = await answer(await aftale.post(`${base}/changes`, {format: button.dataset.format, compare: w.compare}));
      if (!ok) {
        box.querySelector(".job-message").textContent = body.error;
        box.dataset.state = "failed";
        buttons.forEach((b) => { b.disabled = false; });
        return;
      }
      poll(body.job);
    });
  }
  if (w.running && box) { buttons.forEach((b) => { b.disabled = true; }); poll(w.running); }
});
