"""Text and JSON for `aftale verify`: a PDF's signatures, or a package's seal, files, signatures and check.

Both speak the language asked for (`--lang`), JSON included.
"""

from __future__ import annotations

import click

from checker.findings import Text

_COVERAGE = {
    "entire-file": ("hele filen", "the entire file"),
    "entire-revision": ("revision {rev} af {total}", "revision {rev} of {total}"),
    "partial": ("kun en del af filen", "only part of the file"),
}


def _t(lang: str, da: str, en: str) -> str:
    return en if lang == "en" else da


def _when(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S %Z").strip() if value else ""


def _coverage(s, total: int, lang: str) -> str:
    da, en = _COVERAGE.get(s.coverage, _COVERAGE["partial"])
    return _t(lang, da, en).format(rev=s.revision or "?", total=total or "?")


def _who(s, lang: str) -> str:
    who = ", ".join(x for x in (s.signer, s.organisation) if x) or _t(
        lang, "ukendt underskriver", "unknown signer"
    )
    if s.identifiers:
        who += f" ({', '.join(s.identifiers)})"
    return who


def _sig_lines(s, total: int, lang: str, indent: str = "  ") -> list[str]:
    state = []
    if not s.intact:
        state.append(_t(lang, "ÆNDRET", "ALTERED"))
    elif not s.valid:
        state.append(_t(lang, "UGYLDIG", "INVALID"))
    else:
        state.append(_t(lang, "gyldig", "valid"))
    state.append(_t(lang, "betroet", "trusted") if s.trusted else _t(lang, "ikke betroet", "not trusted"))
    if s.party_ok is True:
        state.append(_t(lang, "rette part", "right party"))
    elif s.party_ok is False:
        state.append(_t(lang, "FORKERT PART", "WRONG PARTY"))
    if s.modified_after:
        state.append(_t(lang, "dokumentet ændret efter underskriften", "document changed after signing"))
    if s.seal:
        state.append(_t(lang, "segl", "seal"))
    if s.kind == "document-timestamp":
        state.append(_t(lang, "dokumenttidsstempel", "document time stamp"))
    mark = click.style("✓", fg="green") if s.holds else click.style("✗", fg="red")
    field = f"{s.field} ({s.party})" if s.party else s.field
    when = _when(s.time)
    lines = [f"{indent}{mark} {field}: {_who(s, lang)} {when} – {', '.join(state)}"]
    detail = f"{indent}    "
    if s.timestamp is not None and s.kind != "document-timestamp":
        lines.append(
            detail
            + _t(lang, "tidsstempel", "time stamp")
            + f": {_when(s.timestamp)}"
            + (f" ({s.timestamp_authority})" if s.timestamp_authority else "")
            + (
                f"; {_t(lang, 'underskriverens ur', 'signer’s clock')}: {_when(s.signer_time)}"
                if s.signer_time
                else ""
            )
        )
    lines.append(detail + _t(lang, "dækker ", "covers ") + _coverage(s, total, lang))
    for problem in s.problems:
        lines.append(detail + problem.get(lang))
    for change in s.changes_after:
        lines.append(detail + _t(lang, "ændret efter: ", "changed after: ") + change.get(lang))
    return lines


def _pdf_body(report, lang: str, indent: str = "  ") -> list[str]:
    lines = []
    req = report.requirement
    if req is not None:
        parties = [p["part"] for p in req["parter"]]
        lines.append(
            indent
            + _t(lang, "skal underskrives af: ", "to be signed by: ")
            + (", ".join(parties) or "–")
            + _t(
                lang,
                f" (dossier {req.get('dossier')}, version {req.get('version')})",
                f" (dossier {req.get('dossier')}, version {req.get('version')})",
            )
        )
    for s in report.signatures:
        lines += _sig_lines(s, report.revisions, lang, indent)
    for name in report.missing:
        party = report.party_of(name)
        label = f"{name} ({party})" if party else name
        lines.append(
            f"{indent}{click.style('✗', fg='red')} {label}: " + _t(lang, "ikke underskrevet", "not signed")
        )
    for p in report.recorded:
        r = p["registreret"]
        lines.append(
            f"{indent}• {p['part']}: "
            + _t(lang, "underskrevet andetsteds (registreret", "signed elsewhere (recorded")
            + f": {r.get('navn')}, {r.get('dato')}, {r.get('metode', '')}) – "
            + _t(lang, "kan ikke verificeres her", "cannot be verified here")
        )
    for name in report.attachments:
        lines.append(
            f"{indent}• "
            + _t(
                lang,
                f"vedhæftet underskriftsfil (ikke verificeret): {name}",
                f"attached signature file (not verified): {name}",
            )
        )
    for problem in report.problems:
        lines.append(f"{indent}{click.style('✗', fg='red')} {problem.get(lang)}")
    for note in report.notes:
        lines.append(f"{indent}• {note.get(lang)}")
    return lines


def render_pdf(report, lang: str) -> str:
    lines = [click.style(str(report.path), bold=True), *_pdf_body(report, lang)]
    n = len(report.signatures)
    if report.ok and not report.signatures:
        lines.append(
            click.style(
                _t(
                    lang,
                    "Ingen digitale underskrifter at kontrollere: alle parter er registreret som underskrevet andetsteds.",
                    "No digital signatures to check: every party is recorded as having signed elsewhere.",
                ),
                fg="yellow",
            )
        )
    elif report.ok:
        lines.append(
            click.style(
                _t(lang, f"{n} underskrift(er), alle holder.", f"{n} signature(s), all hold."), fg="green"
            )
        )
    elif not report.signatures:
        lines.append(
            click.style(_t(lang, "PDF'en er ikke underskrevet.", "The PDF is not signed."), fg="red")
        )
    else:
        lines.append(
            click.style(_t(lang, "Underskrifterne holder ikke.", "The signatures do not hold."), fg="red")
        )
    return "\n".join(lines)


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def pdf_dict(report, lang: str = "da") -> dict:
    req = report.requirement
    return {
        "file": str(report.path),
        "ok": report.ok,
        "requirement": None
        if req is None
        else {
            "document": req.get("dokument"),
            "source": req.get("kilde"),
            "dossier": req.get("dossier"),
            "version": req.get("version"),
            "draft": req.get("udkast"),
            "parties": req["parter"],
            "sources": len(req["kilder"]),
        },
        "revisions": report.revisions,
        "signatures": [
            {
                "field": s.field,
                "party": s.party,
                "party_ok": s.party_ok,
                "kind": s.kind,
                "signer": s.signer,
                "organisation": s.organisation,
                "identifiers": s.identifiers,
                "time": _iso(s.time),
                "signer_time": _iso(s.signer_time),
                "timestamp": _iso(s.timestamp),
                "timestamp_authority": s.timestamp_authority,
                "intact": s.intact,
                "valid": s.valid,
                "trusted": s.trusted,
                "coverage": s.coverage,
                "revision": s.revision,
                "modified_after": s.modified_after,
                "changes_after": [c.get(lang) for c in s.changes_after],
                "seal": s.seal,
                "problems": [p.get(lang) for p in s.problems],
            }
            for s in report.signatures
        ],
        "missing": list(report.missing),
        "missing_parties": [report.party_of(f) for f in report.missing],
        "recorded": report.recorded,
        "empty_fields": list(report.empty_fields),
        "attachments": list(report.attachments),
        "problems": [p.get(lang) for p in report.problems],
        "notes": [n.get(lang) for n in report.notes],
        "trust_given": report.trust_given,
    }


def render_package(v, lang: str) -> str:
    lines = [click.style(str(v.path), bold=True)]
    seal = v.seal
    if seal is not None:
        mark = click.style("✓", fg="green") if seal.holds else click.style("✗", fg="red")
        who = ", ".join(x for x in (seal.signer, seal.organisation) if x) or "?"
        if seal.identifiers:
            who += f" ({', '.join(seal.identifiers)})"
        state = _t(lang, "gyldig", "valid") if seal.holds else _t(lang, "UGYLDIG", "INVALID")
        state += ", " + (
            _t(lang, "betroet", "trusted") if seal.trusted else _t(lang, "ikke betroet", "not trusted")
        )
        lines.append(
            f"  {mark} " + _t(lang, "forseglet af ", "sealed by ") + f"{who} {_when(seal.time)} – {state}"
        )
    else:
        lines.append("  " + click.style("✗", fg="red") + " " + _t(lang, "ikke forseglet", "not sealed"))
    lines.append(
        _t(lang, "  filer kontrolleret mod manifestet: ", "  files checked against the manifest: ")
        + str(v.files)
    )
    for name, report in v.signatures:
        lines.append(f"  {name}")
        lines += _pdf_body(report, lang, "    ")
    if v.check is not None:
        errors = sum(1 for f in v.check.findings if f.severity.value == "error")
        lines.append(
            _t(lang, "  kontrol af pakkens kilder: ", "  check of the packaged sources: ")
            + _t(lang, f"{errors} fejl", f"{errors} error(s)")
        )
    for p in v.problems:
        lines.append(f"  {click.style('✗', fg='red')} [{p.code}] {p.text.get(lang)}")
    for note in v.notes:
        lines.append(f"  • {note.get(lang)}")
    if v.ok:
        lines.append(
            click.style(
                _t(
                    lang,
                    "Pakken er intakt: alle filer, underskrifter og kontrollen holder.",
                    "The package is intact: every file, signature and check holds.",
                ),
                fg="green",
            )
        )
    else:
        lines.append(
            click.style(
                _t(lang, f"{len(v.problems)} problem(er) fundet.", f"{len(v.problems)} problem(s) found."),
                fg="red",
            )
        )
    return "\n".join(lines)


def package_dict(v, lang: str = "da") -> dict:
    seal = v.seal
    return {
        "package": str(v.path),
        "ok": v.ok,
        "sealed": seal is not None,
        "seal": None
        if seal is None
        else {
            "signer": seal.signer,
            "organisation": seal.organisation,
            "identifiers": seal.identifiers,
            "time": _iso(seal.time),
            "intact": seal.intact,
            "valid": seal.valid,
            "trusted": seal.trusted,
            "problems": [p.get(lang) for p in seal.problems],
        },
        "files": v.files,
        "problems": [{"code": p.code, "message": p.text.get(lang)} for p in v.problems],
        "notes": [n.get(lang) for n in v.notes],
        "signatures": [{**pdf_dict(report, lang), "file": name} for name, report in v.signatures],
        "check": None
        if v.check is None
        else {"valid": v.check.valid, "codes": sorted({f.code for f in v.check.findings})},
        "draft": bool(v.manifest.get("udkast")) or any(p.code == "package-draft" for p in v.problems),
        "version": v.manifest.get("version"),
    }


__all__ = ["render_pdf", "pdf_dict", "render_package", "package_dict", "Text"]
