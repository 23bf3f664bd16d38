"""Findings as text, grouped by file, coloured on a terminal."""

from __future__ import annotations

from pathlib import Path

import click

from checker.findings import Result, Severity

_SEVERITY = {
    Severity.ERROR: ("fejl", "error", "red"),
    Severity.WARNING: ("advarsel", "warning", "yellow"),
    Severity.INFO: ("info", "info", "blue"),
}


def place_of(f, lang: str) -> str:
    """Where a finding is, as a reader finds it: line:column in a JSON file, sheet!cell in a workbook, the
    page of a PDF; "-" only for a finding about the file as a whole."""
    if f.line:
        return f"{f.line}:{f.column}"
    if f.cell:
        return f.cell
    if f.page:
        return f"{'page' if lang == 'en' else 'side'} {f.page}"
    return "-"


def render(result: Result, lang: str) -> str:
    lines: list[str] = []
    findings = result.sorted_findings()
    current = None
    base = Path(result.dossier)
    for f in findings:
        if f.file != current:
            current = f.file
            if lines:
                lines.append("")
            lines.append(click.style(str(base / f.file), bold=True))
        da, en, colour = _SEVERITY[f.severity]
        where = place_of(f, lang)
        head = f"  {where:>7}  {click.style(en if lang == 'en' else da, fg=colour)}  {f.code}"
        lines.append(head)
        place = f.label.get(lang) if f.label else ""
        if f.pointer:
            place = f"{place} ({f.pointer})" if place else f.pointer
        if place:
            lines.append(f"           {place}")
        lines.append(f"           {f.message.get(lang)}")
        if f.hint:
            lines.append(click.style(f"           → {f.hint.get(lang)}", dim=True))
    if lines:
        lines.append("")
    lines.append(_summary(result, lang))
    return "\n".join(lines)


def _summary(result: Result, lang: str) -> str:
    n_files = len(result.files)
    errors = result.count(Severity.ERROR)
    warnings = result.count(Severity.WARNING)
    bad_files = len({f.file for f in result.findings if f.severity is Severity.ERROR})
    if lang == "en":
        if errors:
            return click.style(
                f"{errors} error{'s' if errors != 1 else ''} in {bad_files} of {n_files} file{'s' if n_files != 1 else ''}.",
                fg="red",
            )
        extra = f" ({warnings} warning{'s' if warnings != 1 else ''})" if warnings else ""
        return click.style(
            f"{n_files} file{'s' if n_files != 1 else ''} checked: no errors{extra}.", fg="green"
        )
    if errors:
        return click.style(
            f"{errors} fejl i {bad_files} af {n_files} {'fil' if n_files == 1 else 'filer'}.", fg="red"
        )
    extra = f" ({warnings} {'advarsler' if warnings != 1 else 'advarsel'})" if warnings else ""
    return click.style(
        f"{n_files} {'fil' if n_files == 1 else 'filer'} gennemgået: ingen fejl{extra}.", fg="green"
    )
