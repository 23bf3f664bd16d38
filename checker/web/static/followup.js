// Follow-up: the measurement form (only changed rows are sent; refusals shown at their fields),
// evidence uploads per row, and the audit page's Word/PDF jobs.
"use strict";
(() => {
  const FIELDS = ["vaerdi", "dato", "datakilde"];

  const rowData = (tr) => {
    const out = {
      kriterium: tr.dataset.kriterium,
      noegle: tr.dataset.noegle || null,
      kontrolpunkt: tr.dataset.kontrolpunkt,
      before: {},
    };
    for (const f of FIELDS) {
      const input = tr.querySelector(`input[name="${f}"]`);
      out[f] = input.value;
      out.before[f] = input.dataset.initial;
    }
    return out;
  };

  const changed = (tr) => FIELDS.some((f) => {
    const input = tr.querySelector(`input[name="${f}"]`);
    return input.value !== input.dataset.initial;
  });

  const clearIssues = (app) => {
    for (const el of app.querySelectorAll(".finding-at")) el.remove();
    for (const el of app.querySelectorAll(".has-error")) el.classList.remove("has-error");
  };

  const showIssues = (app, rows, body) => {
    const box = document.getElementById("followup-error");
    box.textContent = body.error || "";
    box.hidden = !body.error;
    for (const issue of body.issues || []) {
      const tr = rows[issue.row];
      if (!tr) continue;
      const cell = tr.querySelector(`td[data-field="${issue.field}"]`) || tr.querySelector("td.field");
      const note = document.createElement("div");
      note.className = `finding-at ${issue.severity || "error"}`;
      note.dataset.field = issue.field;
      note.textContent = issue.message;
      cell.appendChild(note);
      cell.classList.add("has-error");
    }
  };

  const reloadSaved = (app, body, evidence) => {
    const q = new URLSearchParams({
      saved: "1", added: body.added, replaced: body.replaced, unchanged: body.unchanged,
    });
    if (evidence) q.set("evidence", "1");
    window.location.assign(`${app.dataset.api}?${q}`);
  };

  const answer = async (app, rows, response, evidence) => {
    let body = {};
    try { body = await response.json(); } catch (e) { body = {error: `HTTP ${response.status}`}; }
    if (response.ok) {
      app.dataset.state = "saved";
      reloadSaved(app, body, evidence);
      return;
    }
    app.dataset.state = "refused";
    document.getElementById("followup-state").textContent = "";
    showIssues(app, rows, body);
  };

  const followup = () => {
    const app = document.getElementById("followup-app");
    if (!app) return;
    const button = document.getElementById("save-followup");
    const state = document.getElementById("followup-state");
    const all = () => Array.from(app.querySelectorAll("tr.measurement"));
    const refresh = () => {
      const n = all().filter((tr) => {
        const c = changed(tr);
        tr.classList.toggle("changed", c);
        return c;
      }).length;
      button.disabled = n === 0;
      state.textContent = n ? `${n} ${app.dataset.wChanged}` : "";
    };
    app.addEventListener("input", (e) => { if (e.target.matches("input:not([type=file])")) refresh(); });
    app.addEventListener("change", (e) => { if (e.target.matches("input:not([type=file])")) refresh(); });
    button.addEventListener("click", async () => {
      const rows = all().filter(changed);
      if (!rows.length) { state.textContent = app.dataset.wNothing; return; }
      clearIssues(app);
      document.getElementById("followup-error").hidden = true;
      button.disabled = true;
      app.dataset.state = "saving";
      state.textContent = app.dataset.wSaving;
      try {
        await answer(app, rows, await aftale.post(app.dataset.api, {rows: rows.map(rowData)}), false);
      } finally {
        refresh();
      }
    });
    app.addEventListener("change", async (e) => {
      if (!e.target.matches("input.evidence-input") || !e.target.files.length) return;
      const tr = e.target.closest("tr.measurement");
      const data = rowData(tr);
      const form = new FormData();
      form.append("evidence", e.target.files[0]);
      for (const f of ["kriterium", "kontrolpunkt", ...FIELDS]) form.append(f, data[f]);
      if (data.noegle) form.append("noegle", data.noegle);
      form.append("before", JSON.stringify(data.before));
      clearIssues(app);
      app.dataset.state = "uploading";
      state.textContent = app.dataset.wUploading;
      await answer(app, [tr], await aftale.post(app.dataset.evidence, form, false), true);
      e.target.value = "";
    });
  };

  const reportJobs = () => {
    const box = document.getElementById("audit-downloads");
    if (!box) return;
    const state = document.getElementById("job-state");
    const base = `/d/${encodeURIComponent(box.dataset.name)}/audit`;
    for (const button of box.querySelectorAll("button.report-job")) {
      button.addEventListener("click", async () => {
        button.disabled = true;
        state.textContent = box.dataset.wMaking;
        const started = await aftale.post(`${base}/report/${button.dataset.fmt}${box.dataset.query}`, {});
        let job = await started.json();
        if (!started.ok) { state.textContent = job.error; button.disabled = false; return; }
        while (job.state === "running") {
          await new Promise((r) => setTimeout(r, 400));
          job = await (await fetch(job.poll, {credentials: "same-origin"})).json();
          state.textContent = `${box.dataset.wMaking} ${job.steps.join(" ")}`;
        }
        button.disabled = false;
        if (job.state !== "done") { state.textContent = job.message; state.dataset.state = job.state; return; }
        state.textContent = "";
        const link = document.createElement("a");
        link.href = job.download;
        link.className = "button";
        link.id = `job-${button.dataset.fmt}`;
        link.textContent = `${box.dataset.wDownload} (${button.dataset.fmt.toUpperCase()})`;
        state.appendChild(link);
        state.dataset.state = "done";
      });
    }
  };

  document.addEventListener("DOMContentLoaded", () => { followup(); reportJobs(); });
})();
