"""The changes between two versions of a dossier (checker.diff) as text, as JSON, and as the
ændringsoversigt: the Word (and, through checker.assemble.pdf, PDF/A) list of changes sent to
Landsbyggefonden with a revision of the strategic agreement."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from checker.diff import Change
from checker.findings import CouldNotRun, Text
from checker.jsonsource import read_json

APPROVAL_MARK = Text("[kræver LBF's godkendelse]", "[needs LBF approval]")
TEMPLATE_NAME = "aendringsoversigt.docx"
# Fixed dates, as `aftale build` uses, so the same changes give the same document.


# ---------------------------------------------------------------------------------------------- text


def render_text(changes: list[Change], lang: str) -> str:
    """The changes grouped by file, each on one line, those needing LBF's approval marked; a summary."""
    if not changes:
        return "No changes." if lang == "en" else "Ingen ændringer."
    lines: list[str] = []
    current = None
    for change in changes:
        if change.file != current:
            current = change.file
            if lines:
                lines.append("")
            lines.append(change.file)
        line = f"  {change.line(lang)}"
        if change.cell:
            line += f" ({'cell' if lang == 'en' else 'celle'} {change.cell})"
        if change.needs_lbf_approval:
            line += f"  {APPROVAL_MARK.get(lang)}"
        lines.append(line)
    lines.append("")
    lines.append(summary(changes, lang))
    return "\n".join(lines)


def summary(changes: list[Change], lang: str) -> str:
    """ "5 ændringer, heraf 2 som kræver Landsbyggefondens godkendelse."."""
    n = len(changes)
    m = sum(1 for c in changes if c.needs_lbf_approval)
    if lang == "en":
        if n == 0:
            return "No changes."
        head = f"{n} change{'s' if n != 1 else ''}"
        if m == 0:
            return f"{head}, none of which needs Landsbyggefonden's approval."
        return f"{head}, {m} of which need{'s' if m == 1 else ''} Landsbyggefonden's approval."
    if n == 0:
        return "Ingen ændringer."
    head = f"{n} {'ændring' if n == 1 else 'ændringer'}"
    if m == 0:
        return f"{head}, ingen af dem kræver Landsbyggefondens godkendelse."
    return f"{head}, heraf {m} som kræver Landsbyggefondens godkendelse."


# ---------------------------------------------------------------------------------------------- JSON


def as_json(changes: list[Change], old_label: str, new_label: str) -> dict[str, Any]:
    """{"old", "new", "changes": [...], "stats": {...}}; each place in Danish and English."""
    return {
        "old": old_label,
        "new": new_label,
        "changes": [
            {
                "file": c.file,
                "kind": c.kind,
                "place": {"da": c.place.da, "en": c.place.en},
                "old": c.old,
                "new": c.new,
                "pointer": c.pointer,
                "cell": c.cell,
                "needs_lbf_approval": c.needs_lbf_approval,
                "note": {"da": c.note.da, "en": c.note.en} if c.note else None,
            }
            for c in changes
        ],
        "stats": {
            "changes": len(changes),
            "needs_lbf_approval": sum(1 for c in changes if c.needs_lbf_approval),
            "changed": sum(1 for c in changes if c.kind == "changed"),
            "added": sum(1 for c in changes if c.kind == "added"),
            "removed": sum(1 for c in changes if c.kind == "removed"),
            "files": len({c.file for c in changes}),
        },
    }


# ---------------------------------------------------------------------------------------------- the ændringsoversigt


def rows(changes: Iterable[Change]) -> list[dict[str, str]]:
    """The template's table rows: {sted, foer, efter, fil} in Danish."""
    out = []
    for c in changes:
        if c.kind == "added":
            foer, efter = "–", c.new if c.new is not None else "tilføjet"
        elif c.kind == "removed":
            foer, efter = (c.old if c.old is not None else "–"), "fjernet"
        else:
            foer = c.old if c.old is not None else "–"
            efter = c.new if c.new is not None else "–"
        if c.note:
            efter = f"{efter} ({c.note.da})" if efter != "–" else c.note.da
        sted = c.place.da + (f" (celle {c.cell})" if c.cell else "")
        out.append({"sted": sted, "foer": foer, "efter": efter, "fil": c.file})
    return out


def context(changes: list[Change], aftale_old: dict, aftale_new: dict, *, udkast: bool = False) -> dict:
    return {
        "aftale": aftale_new,
        "forrige": aftale_old,
        "godkendelse": rows(c for c in changes if c.needs_lbf_approval),
        "oevrige": rows(c for c in changes if not c.needs_lbf_approval),
        "udkast": udkast,
    }


def write_aendringsoversigt(
    changes: list[Change],
    aftale_old: dict,
    aftale_new: dict,
    out_docx: Path,
    template: Path | None = None,
    *,
    udkast: bool = False,
) -> Path:
    """Render templates/aendringsoversigt.docx for the changes from aftale_old to aftale_new (the two
    versions' samarbejdsaftale.json data) into out_docx, written whole and then moved into place.
    Raises RenderError (a CouldNotRun) for a template that cannot be rendered."""
    from checker.assemble.render import render_docx
    from checker.resources import template_dir

    template = Path(template) if template else template_dir() / TEMPLATE_NAME
    out_docx = Path(out_docx)
    from checker.assemble.build import document_time

    helhedsplan = aftale_new.get("helhedsplan") if isinstance(aftale_new, dict) else None
    when = document_time(aftale_new) if isinstance(aftale_new, dict) else None
    properties = {
        "title": f"Ændringsoversigt – {helhedsplan}" if helhedsplan else "Ændringsoversigt",
        "subject": "Ændringsoversigt",
        "language": "da-DK",
        # the new version's date (or SOURCE_DATE_EPOCH), as for the built documents; no date if none
        "created": when,
        "modified": when,
        "last_printed": None,
        "revision": 1,
    }
    data = render_docx(
        template, context(changes, aftale_old, aftale_new, udkast=udkast), properties=properties
    )
    from checker.files import write_file

    try:
        out_docx.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CouldNotRun(
            Text(
                f"Kan ikke oprette {out_docx.parent}: {exc.strerror}.",
                f"Cannot create {out_docx.parent}: {exc.strerror}.",
            )
        ) from None
    write_file(out_docx, data)
    return out_docx


def write_changes_document(
    changes: list[Change], old: Path, new: Path, output: Path, *, pdf: bool = False
) -> Path:
    """The ændringsoversigt for two dossier versions as Word, or as PDF/A (LibreOffice), written whole to
    `output` (checker.files.write_file)."""
    old_aftale = read_json(old / "samarbejdsaftale.json")
    new_aftale = read_json(new / "samarbejdsaftale.json")
    with tempfile.TemporaryDirectory(prefix="aftale-diff-") as tmp:
        made = write_aendringsoversigt(changes, old_aftale, new_aftale, Path(tmp) / (output.stem + ".docx"))
        if pdf:
            from checker.assemble.pdf import convert

            (made,) = convert([made], Path(tmp))
        from checker.files import write_file

        return write_file(output, made.read_bytes())
