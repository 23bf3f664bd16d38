// The signatures page: record a signature given elsewhere, check an uploaded signed PDF, make the package.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const app = document.getElementById("signatures-app");
  if (!app) return;
  const w = app.dataset;
  const base = w.base;
  const {el, answer} = aftale;

  // a message left by the previous page load (after recording)
  const flash = document.getElementById("flash");
  const left = sessionStorage.getItem("signatures.flash");
  if (left) {
    sessionStorage.removeItem("signatures.flash");
    flash.textContent = left;
    flash.hidden = false;
  }

  // ------------------------------------------------------------------ recording
  for (const form of document.querySelectorAll("form.record-form")) {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const out = form.querySelector(".form-result");
      const button = form.querySelector("button");
      out.hidden = true;
      button.disabled = true;
      try {
        const {ok, body} = await answer(await aftale.postForm(`${base}/record`, form));
        if (ok) {
          sessionStorage.setItem("signatures.flash", body.message);
          location.reload();
          return;
        }
        out.textContent = body.error;
        out.className = "form-result problem";
        out.hidden = false;
        form.dataset.refused = "1";
      } finally {
        button.disabled = false;
      }
    });
  }

  // ------------------------------------------------------------------ verifying an upload
  const verifyForm = document.getElementById("verify-form");
  const result = document.getElementById("verify-result");
  const error = document.getElementById("verify-error");
  const verdict = document.getElementById("verify-verdict");
  verifyForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = verifyForm.querySelector("button");
    button.disabled = true;
    result.hidden = true;
    error.hidden = true;
    delete verifyForm.dataset.done;
    verdict.textContent = w.wChecking;
    try {
      const {ok, body} = await answer(await aftale.postForm(`${base}/verify`, verifyForm));
      if (!ok) {
        error.textContent = body.error;
        error.hidden = false;
        return;
      }
      showVerification(body);
    } finally {
      button.disabled = false;
      verifyForm.dataset.done = "1";
    }
  });

  const yesNo = (value) => {
    const span = el("span", value ? w.wYes : w.wNo, `sev ${value ? "ok" : "error"}`);
    return span;
  };

  const showVerification = (v) => {
    const req = v.requirement;
    document.getElementById("verify-requirement").textContent = req
      ? `${(req.parties || []).map((p) => p.part).join(", ")} · dossier ${req.dossier} · version ${req.version}`
      : "";
    const body = document.querySelector("#verify-parties tbody");
    body.innerHTML = "";
    for (const row of v.parties) {
      const tr = el("tr");
      tr.dataset.party = row.party || "";
      tr.dataset.state = row.state;
      if (row.field) tr.dataset.field = row.field;
      tr.appendChild(el("td", row.party || row.field || "–"));
      const signed = el("td");
      const valid = el("td");
      if (row.state === "signed") {
        tr.dataset.holds = row.holds ? "1" : "0";
        signed.appendChild(yesNo(true));
        valid.appendChild(yesNo(row.holds));
      } else if (row.state === "recorded") {
        signed.appendChild(el("span", w.wRecorded, "sev info"));
        valid.textContent = "–";
      } else {
        signed.appendChild(el("span", w.wMissing, "sev error"));
        valid.textContent = "–";
      }
      signed.className = "signed";
      valid.className = "valid";
      tr.appendChild(signed);
      tr.appendChild(valid);
      tr.appendChild(el("td", row.who || "", "who"));
      tr.appendChild(el("td", row.when || "", "when"));
      const problems = el("td", null, "problems");
      for (const p of row.problems || []) problems.appendChild(el("div", p));
      tr.appendChild(problems);
      body.appendChild(tr);
    }
    const notes = document.getElementById("verify-notes");
    notes.innerHTML = "";
    for (const p of v.problems) notes.appendChild(el("li", p, "finding error"));
    for (const n of v.notes) notes.appendChild(el("li", n, "finding info"));
    verdict.textContent = v.verdict;
    verdict.className = `sev ${v.ok ? "ok" : "error"}`;
    verdict.dataset.ok = v.ok ? "1" : "0";
    document.getElementById("verify-text").textContent = v.text;
    result.hidden = false;
  };

  // ------------------------------------------------------------------ the package
  const box = document.getElementById("package-job");
  const buttons = [document.getElementById("make-package"), document.getElementById("make-draft")];
  const poll = async (id) => {
    const {ok, body} = await answer(await fetch(`${base}/jobs/${id}`, {credentials: "same-origin", headers: {"Accept": "application/json"}}));
    box.hidden = false;
    if (!ok) { box.querySelector(".job-message").textContent = body.error; box.dataset.state = "failed"; return; }
    const steps = box.querySelector(".steps");
    steps.innerHTML = "";
    for (const s of body.steps) steps.appendChild(el("li", s));
    if (body.state === "running") { setTimeout(() => poll(id), 400); return; }
    box.querySelector(".job-message").textContent = body.message || "";
    box.querySelector(".job-message").className = `job-message ${body.state === "done" ? "" : "problem"}`;
    const details = box.querySelector(".details");
    details.innerHTML = "";
    for (const d of body.details || []) details.appendChild(el("li", d));
    const findings = box.querySelector(".findings");
    findings.innerHTML = "";
    for (const f of body.findings || []) findings.appendChild(el("li", `${f.code}: ${f.file}${f.place ? " " + f.place : ""} ${f.message}`, "finding error"));
    const link = box.querySelector(".job-download");
    link.innerHTML = "";
    if (body.state === "done") {
      const a = el("a", `${w.wDownload} (${body.files})`, "button");
      a.href = body.download;
      a.id = "package-download";
      link.appendChild(a);
    }
    box.dataset.state = body.state;
    buttons.forEach((b) => { b.disabled = false; });
  };
  const start = async (draft) => {
    buttons.forEach((b) => { b.disabled = true; });
    box.hidden = false;
    box.dataset.state = "running";
    box.querySelector(".job-message").textContent = w.wWorking;
    box.querySelector(".job-download").innerHTML = "";
    const previous = document.getElementById("package-previous").value || null;
    const {ok, body} = await answer(await aftale.post(`${base}/package`, {draft, previous}));
    if (!ok) {
      box.querySelector(".job-message").textContent = body.error;
      box.querySelector(".job-message").className = "job-message problem";
      box.dataset.state = "failed";
      buttons.forEach((b) => { b.disabled = false; });
      return;
    }
    poll(body.job);
  };
  buttons[0].addEventListener("click", () => start(false));
  buttons[1].addEventListener("click", () => start(true));
  if (w.running) { buttons.forEach((b) => { b.disabled = true; }); poll(w.running); }
});
