"""What »aftale import« tells: the fields recognised, the fields to review with their place in the source,
the fields not found, and what the check says about the draft – as text (Danish or English) or JSON.

REPORTERS maps each --format to its renderer."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from typing import Any

import click

from checker import __version__
from checker.findings import Result, Severity
from checker.importer import Source

STATUSES = ("recognised", "review", "missing")
_HEADINGS = {
    "recognised": ("Genkendt", "Recognised"),
    "review": ("Til gennemsyn", "To review"),
    "missing": ("Ikke fundet", "Not found"),
}
_SEVERITY = {
    Severity.ERROR: ("fejl", "fejl", "error", "errors"),
    Severity.WARNING: ("advarsel", "advarsler", "warning", "warnings"),
    Severity.INFO: ("info", "info", "info", "infos"),
}
_VALUE_WIDTH = 70  # a value longer than this is cut in the text report (never in JSON)


@dataclass
class ImportReport:
    """One import: the source as read, the dossier written (its files), the fields and the check."""

    source: Source
    dossier: str
    files: list[str]
    fields: list[Any]  # recognise's fields: .name, .value, .status, .where, .note (Text | None)
    check: Result


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _source_line(report: ImportReport, lang: str) -> str:
    s = report.source
    en = lang == "en"
    if s.kind == "pdf":
        kind = "PDF"
        size = _count(s.pages or 0, "page", "pages") if en else _count(s.pages or 0, "side", "sider")
        units = ("lines and table rows", "linjer og tabelrækker")
    else:
        kind = "Word"
        size = ""
        units = ("paragraphs and table rows", "afsnit og tabelrækker")
    paragraphs = len({(b.page, b.line, b.paragraph) for b in s.blocks})
    parts = ", ".join(p for p in (kind, size, f"{paragraphs} {units[0] if en else units[1]}") if p)
    n = len(report.files)
    if en:
        return f"Imported {s.path} ({parts}) into {report.dossier}: {_count(n, 'file', 'files')}."
    return f"Importerede {s.path} ({parts}) til {report.dossier}: {_count(n, 'fil', 'filer')}."


def _value(value: str | None) -> str:
    if value is None:
        return "–"
    text = " ".join(str(value).split())
    return f"»{text if len(text) <= _VALUE_WIDTH else text[: _VALUE_WIDTH - 1] + '…'}«"


def _codes(result: Result, severity: Severity) -> list[tuple[str, int]]:
    counts = Counter(f.code for f in result.findings if f.severity is severity)
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def render_text(report: ImportReport, lang: str) -> str:
    en = lang == "en"
    lines = [click.style(_source_line(report, lang), bold=True)]
    for status in STATUSES:
        fields = [f for f in report.fields if f.status == status]
        if not fields:
            continue
        heading = _HEADINGS[status][1 if en else 0]
        lines += ["", click.style(f"{heading} ({len(fields)}):", bold=True)]
        for f in fields:
            if status == "missing":
                line = f"  {f.name}"
            else:
                line = f"  {f.name}: {_value(f.value)}"
            if f.where:
                line += f" ({f.where})"
            lines.append(line)
            if f.note is not None and status != "recognised":
                lines.append(click.style(f"      → {f.note.get(lang)}", dim=True))
    result = report.check
    counts = ", ".join(
        _count(result.count(sev), *(names[2:] if en else names[:2])) for sev, names in _SEVERITY.items()
    )
    lines += [
        "",
        click.style(f"{'The check of the draft' if en else 'Kontrollen af udkastet'}: {counts}.", bold=True),
    ]
    for sev, names in _SEVERITY.items():
        codes = _codes(result, sev)
        if codes:
            label = names[3] if en else names[1]
            lines.append(f"  {label}: " + ", ".join(f"{code} ({n})" for code, n in codes))
    lines += [
        "",
        (
            f"Fill in the 'UDFYLD' placeholders and review the fields above; 'aftale check {report.dossier}' "
            "shows what is left."
            if en
            else f"Udfyld pladsholderne »UDFYLD«, og gennemse felterne ovenfor; »aftale check {report.dossier}« "
            "viser, hvad der er tilbage."
        ),
    ]
    return "\n".join(lines)


def as_dict(report: ImportReport, lang: str) -> dict:
    result = report.check
    s = report.source
    return {
        "tool": {"name": "aftale", "version": __version__},
        "command": "import",
        "source": {"path": s.path, "kind": s.kind, "pages": s.pages, "blocks": len(s.blocks)},
        "dossier": report.dossier,
        "files": list(report.files),
        "stats": {status: sum(1 for f in report.fields if f.status == status) for status in STATUSES},
        "fields": [
            {
                "name": f.name,
                "status": f.status,
                "value": f.value,
                "where": f.where,
                "note": f.note.get(lang) if f.note is not None else None,
            }
            for f in report.fields
        ],
        "check": {
            "valid": result.valid,
            "errors": result.count(Severity.ERROR),
            "warnings": result.count(Severity.WARNING),
            "infos": result.count(Severity.INFO),
            "codes": {sev.value: dict(_codes(result, sev)) for sev in _SEVERITY},
        },
    }


def render_json(report: ImportReport, lang: str) -> str:
    return json.dumps(as_dict(report, lang), ensure_ascii=False, indent=2)


REPORTERS = {"text": render_text, "json": render_json}
