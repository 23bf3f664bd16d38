// The annexes page: an upload is sent with the CSRF header and answered as JSON; on success the annex's
// card is replaced by the server's fresh rendering of it (state, size, findings at their cells), on a
// refusal the server's message is shown and nothing else changes.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const app = document.getElementById("annexes-app");
  if (!app) return;
  const w = app.dataset;

  const refuse = (form, message, hint) => {
    const box = form.querySelector(".upload-refused");
    box.innerHTML = "";
    for (const [cls, text] of [["message", message], ["hint", hint]]) {
      if (!text) continue;
      const p = document.createElement("p");
      p.className = cls;
      p.textContent = text;
      box.appendChild(p);
    }
    box.hidden = false;
  };

  app.addEventListener("submit", async (event) => {
    const form = event.target.closest("form.upload-form");
    if (!form) return;
    event.preventDefault();
    const card = form.closest("section.annex");
    const state = form.querySelector(".upload-state");
    const button = form.querySelector("button[type=submit]");
    form.querySelector(".upload-refused").hidden = true;
    state.textContent = w.uploading;
    button.disabled = true;
    card.dataset.busy = "1";
    let answer, body;
    try {
      answer = await aftale.postForm(form.action, form);
      body = await answer.json().catch(() => ({error: `${answer.status} ${answer.statusText}`}));
    } catch (err) {
      answer = null;
      body = {error: String(err)};
    }
    button.disabled = false;
    delete card.dataset.busy;
    if (!answer || !answer.ok) {
      state.textContent = "";
      refuse(form, body.error, body.hint);
      card.dataset.result = `refused-${answer ? answer.status : 0}`;
      return;
    }
    // the server's own rendering of the card, with the findings of the fresh check
    const page = await fetch(window.location.pathname, {credentials: "same-origin", headers: {"Accept": "text/html"}});
    const doc = new DOMParser().parseFromString(await page.text(), "text/html");
    const fresh = doc.getElementById(card.id);
    const totals = doc.getElementById("totals");
    if (fresh) {
      card.replaceWith(fresh);
      fresh.querySelector(".upload-state").innerHTML = `<span class="sev ok"></span>`;
      fresh.querySelector(".upload-state .sev").textContent = body.message || w.saved;
      fresh.dataset.result = "saved";
      fresh.dataset.saved = body.saved;
    }
    const here = document.getElementById("totals");
    if (totals && here) here.replaceWith(totals);
  });
});
