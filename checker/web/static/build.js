// The build page: start the build as a job, show its steps while it runs, then the server's own
// rendering of the outcome (the refusal with its findings, or the documents with downloads and previews).
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const app = document.getElementById("build-app");
  if (!app) return;
  const w = app.dataset;
  const form = document.getElementById("build-form");
  const button = document.getElementById("build-button");
  const problemBox = document.getElementById("build-problem");
  const jobBox = document.getElementById("job");

  const showSteps = (job) => {
    jobBox.hidden = false;
    jobBox.dataset.state = job.state;
    const state = document.getElementById("job-state");
    state.className = "sev " + (job.state === "done" ? "ok" : job.state === "running" ? "info" : "error");
    state.textContent = w[job.state === "running" ? "wRunning" : "w" + job.state[0].toUpperCase() + job.state.slice(1)] || job.state;
    document.getElementById("job-seconds").textContent = `${job.seconds} s`;
    const list = document.getElementById("job-steps");
    list.innerHTML = "";
    for (const text of job.steps) {
      const item = document.createElement("li");
      item.textContent = text;
      list.appendChild(item);
    }
  };

  // when the job has ended: the page as the server renders it for that job
  const finish = async (id) => {
    const answer = await fetch(`${w.start}?job=${encodeURIComponent(id)}`, {credentials: "same-origin", headers: {"Accept": "text/html"}});
    const doc = new DOMParser().parseFromString(await answer.text(), "text/html");
    for (const id of ["job", "last-build", "totals", "check-errors"]) {
      const fresh = doc.getElementById(id);
      const here = document.getElementById(id);
      if (fresh && here) here.replaceWith(fresh);
    }
    button.disabled = false;
    app.dataset.finished = id;
  };

  const poll = async (id) => {
    app.dataset.job = id;
    const answer = await fetch(`${w.start}/job/${encodeURIComponent(id)}`, {credentials: "same-origin", headers: {"Accept": "application/json"}});
    const job = await answer.json();
    if (!answer.ok) { problemBox.hidden = false; problemBox.textContent = job.error; button.disabled = false; return; }
    showSteps(job);
    if (job.state === "running") { setTimeout(() => poll(id), 400); return; }
    await finish(id);
  };

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    problemBox.hidden = true;
    button.disabled = true;
    let answer, body;
    try {
      answer = await aftale.post(w.start, {draft: document.getElementById("draft").checked});
      body = await answer.json().catch(() => ({error: `${answer.status} ${answer.statusText}`}));
    } catch (err) {
      answer = null;
      body = {error: String(err)};
    }
    if (!answer || !answer.ok) {
      problemBox.hidden = false;
      problemBox.textContent = body.error;
      app.dataset.refused = answer ? String(answer.status) : "0";
      // another task runs: the button comes back when it has ended
      button.disabled = false;
      return;
    }
    showSteps(body);
    poll(body.job);
  });

  if (w.job) poll(w.job);
});
