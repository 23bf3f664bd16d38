// The new-dossier and import forms: one more party row on request, only the chosen rule set's
// focus areas shown, and a note while the server works. The forms post without this script too.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const ruleset = document.querySelector("#new-dossier #ruleset");
  if (ruleset) {
    const show = () => {
      for (const set of document.querySelectorAll("fieldset.focus")) {
        set.hidden = set.dataset.ruleset !== ruleset.value;
      }
    };
    ruleset.addEventListener("change", show);
    show();
  }
  const add = document.getElementById("add-party");
  if (add) {
    add.addEventListener("click", () => {
      const body = document.querySelector("#parties tbody");
      const row = body.querySelector("tr.party:last-child").cloneNode(true);
      for (const input of row.querySelectorAll("input")) input.value = "";
      row.querySelector("select").value = "";
      body.appendChild(row);
      row.querySelector("select").focus();
    });
  }
  for (const form of document.querySelectorAll("form[data-busy]")) {
    form.addEventListener("submit", () => {
      const busy = form.querySelector("#busy");
      if (busy) busy.textContent = form.dataset.busy;
      const button = form.querySelector("button[type=submit]");
      // disabled after the submit has been sent, so the button's own value still goes with it
      if (button) setTimeout(() => { button.disabled = true; }, 0);
    });
  }
});
