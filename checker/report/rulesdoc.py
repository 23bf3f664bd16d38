"""docs/rules.md, generated from the rule registry (a test fails when the committed file is stale)."""

from __future__ import annotations

from checker.findings import Severity
from checker.rules import FAMILIES

_SEV = {Severity.ERROR: "fejl / error", Severity.WARNING: "advarsel / warning", Severity.INFO: "info"}


def markdown(rules: dict) -> str:
    lines = [
        "# Rules of `aftale check`",
        "",
        "Generated from the rule registry by `aftale rules --markdown > docs/rules.md`; do not edit by hand.",
        "Every rule has a stable code that never changes meaning once shipped. Messages are shown here as",
        "templates: `{…}` is filled in with the figures and names of the finding.",
        "",
        "Besides these rules, `check` reports every finding of `aftale validate` (codes `json-*`, `doc-*`,",
        "`schema-*`, `path-outside-dossier`, `not-a-file`; see docs/dossier.md).",
        "",
    ]
    for family, name in FAMILIES.items():
        members = [r for r in rules.values() if r.family == family]
        if not members:
            continue
        lines += [f"## {name.da} / {name.en}", ""]
        for r in members:
            lines += [
                f'<a id="{r.code}"></a>',
                "",
                f"### `{r.code}` – {r.title.da}",
                "",
                f"*{r.title.en}.* Severity: **{_SEV[r.severity]}**.",
                "",
                f"- Besked: {r.message.da}",
                f"- Message: {r.message.en}",
                f"- Hjælp / hint: {r.hint.da} / {r.hint.en}",
                f"- Kilde / source: {r.source.da} / {r.source.en}",
                "",
            ]
    return "\n".join(lines).rstrip() + "\n"
