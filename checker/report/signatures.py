"""Text and JSON for `aftale verify`: a PDF's signatures, or a package's files, signatures and check."""

from __future__ import annotations

import click

from checker.findings import Text


def _sig_line(s, lang: str) -> str:
    en = lang == "en"
    who = ", ".join(x for x in (s.signer, s.organisation) if x) or (
        "unknown signer" if en else "ukendt underskriver"
    )
    when = s.time.strftime("%Y-%m-%d %H:%M") if s.time else ""
    state = []
    if not s.intact:
        state.append("ALTERED" if en else "ÆNDRET")
    elif not s.valid:
        state.append("INVALID" if en else "UGYLDIG")
    else:
        state.append("valid" if en else "gyldig")
    state.append(("trusted" if en else "betroet") if s.trusted else ("not trusted" if en else "ikke betroet"))
    if s.modified_after:
        state.append("document changed after signing" if en else "dokumentet ændret efter underskriften")
    if s.seal:
        state.append("seal" if en else "segl")
    good = s.intact and s.valid and not s.modified_after
    mark = click.style("✓", fg="green") if good else click.style("✗", fg="red")
    line = f"  {mark} {s.field}: {who} {when} – {', '.join(state)}"
    for problem in s.problems:
        line += f"\n      {problem.get(lang)}"
    return line


def render_pdf(report, lang: str) -> str:
    en = lang == "en"
    lines = [click.style(str(report.path), bold=True)]
    for s in report.signatures:
        lines.append(_sig_line(s, lang))
    for name in report.missing:
        lines.append(
            f"  {click.style('✗', fg='red')} {name}: " + ("not signed" if en else "ikke underskrevet")
        )
    for name in report.attachments:
        lines.append(
            "  • "
            + (
                f"attached signature file (not verified): {name}"
                if en
                else f"vedhæftet underskriftsfil (ikke verificeret): {name}"
            )
        )
    if not report.signatures and not report.missing:
        lines.append("  " + ("no signatures" if en else "ingen underskrifter"))
    n = len(report.signatures)
    if report.ok:
        lines.append(
            click.style(
                (f"{n} signature(s), all hold." if en else f"{n} underskrift(er), alle holder."), fg="green"
            )
        )
    else:
        lines.append(
            click.style("The signatures do not hold." if en else "Underskrifterne holder ikke.", fg="red")
        )
    return "\n".join(lines)


def pdf_dict(report) -> dict:
    return {
        "file": str(report.path),
        "ok": report.ok,
        "signatures": [
            {
                "field": s.field,
                "signer": s.signer,
                "organisation": s.organisation,
                "time": s.time.isoformat() if s.time else None,
                "intact": s.intact,
                "valid": s.valid,
                "trusted": s.trusted,
                "modified_after": s.modified_after,
                "seal": s.seal,
                "problems": [p.en for p in s.problems],
            }
            for s in report.signatures
        ],
        "missing": list(report.missing),
        "empty_fields": list(report.empty_fields),
        "attachments": list(report.attachments),
    }


def render_package(v, lang: str) -> str:
    en = lang == "en"
    lines = [click.style(str(v.path), bold=True)]
    lines.append(
        ("  files checked against the manifest: " if en else "  filer kontrolleret mod manifestet: ")
        + str(v.files)
    )
    for name, report in v.signatures:
        lines.append(f"  {name}")
        for s in report.signatures:
            lines.append("  " + _sig_line(s, lang))
        for f in report.missing:
            lines.append(
                f"    {click.style('✗', fg='red')} {f}: " + ("not signed" if en else "ikke underskrevet")
            )
    if v.check is not None:
        errors = sum(1 for f in v.check.findings if f.severity.value == "error")
        lines.append(
            ("  check of the packaged sources: " if en else "  kontrol af pakkens kilder: ")
            + (f"{errors} error(s)" if en else f"{errors} fejl")
        )
    for p in v.problems:
        lines.append(f"  {click.style('✗', fg='red')} [{p.code}] {p.text.get(lang)}")
    if v.ok:
        lines.append(
            click.style(
                "The package is intact: every file, signature and check holds."
                if en
                else "Pakken er intakt: alle filer, underskrifter og kontrollen holder.",
                fg="green",
            )
        )
    else:
        lines.append(
            click.style(
                f"{len(v.problems)} problem(s) found." if en else f"{len(v.problems)} problem(er) fundet.",
                fg="red",
            )
        )
    return "\n".join(lines)


def package_dict(v) -> dict:
    return {
        "package": str(v.path),
        "ok": v.ok,
        "files": v.files,
        "problems": [{"code": p.code, "message": {"da": p.text.da, "en": p.text.en}} for p in v.problems],
        "signatures": [{**pdf_dict(report), "file": name} for name, report in v.signatures],
        "check": None
        if v.check is None
        else {"valid": v.check.valid, "codes": sorted({f.code for f in v.check.findings})},
        "version": v.manifest.get("version"),
    }


__all__ = ["render_pdf", "pdf_dict", "render_package", "package_dict", "Text"]
