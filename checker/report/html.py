"""Findings as one self-contained HTML page (no external files, scripts or fonts)."""

from __future__ import annotations

from datetime import datetime
from html import escape

from checker import __version__
from checker.findings import Result, Severity

_WORDS = {
    "da": {
        "title": "Kontrol af dossier",
        "ok": "Ingen fejl",
        "bad": "Dossieret har fejl",
        "error": "fejl",
        "warning": "advarsel",
        "info": "info",
        "errors": "Fejl",
        "warnings": "Advarsler",
        "infos": "Info",
        "files": "Filer",
        "place": "Sted",
        "code": "Kode",
        "message": "Meddelelse",
        "none": "Ingen fund i denne fil.",
        "made": "Lavet af aftale",
    },
    "en": {
        "title": "Dossier check",
        "ok": "No errors",
        "bad": "The dossier has errors",
        "error": "error",
        "warning": "warning",
        "info": "info",
        "errors": "Errors",
        "warnings": "Warnings",
        "infos": "Info",
        "files": "Files",
        "place": "Place",
        "code": "Code",
        "message": "Message",
        "none": "No findings in this file.",
        "made": "Made by aftale",
    },
}

_CSS = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d2329;background:#f5f6f8}
header{padding:24px 32px;color:#fff;background:#2f6f3e}header.bad{background:#a32020}
h1{margin:0 0 4px;font-size:24px}header p{margin:0;opacity:.9}
main{padding:16px 32px 48px;max-width:1200px}
.stats{display:flex;gap:12px;margin:16px 0}.stat{background:#fff;border-radius:8px;padding:10px 16px;box-shadow:0 1px 2px #0002}
.stat b{display:block;font-size:22px}
section{background:#fff;border-radius:8px;margin:16px 0;box-shadow:0 1px 2px #0002;overflow:hidden}
h2{font-size:16px;margin:0;padding:12px 16px;background:#eef0f3;font-family:ui-monospace,Menlo,Consolas,monospace}
table{border-collapse:collapse;width:100%}td,th{text-align:left;vertical-align:top;padding:8px 16px;border-top:1px solid #e4e7eb}
th{font-size:12px;text-transform:uppercase;color:#5a6570}
.sev{font-weight:600;border-radius:4px;padding:1px 6px;font-size:12px;white-space:nowrap}
.error{background:#fde2e2;color:#8a1111}.warning{background:#fff1cc;color:#7a5200}.info{background:#e2ecfd;color:#1b4a8a}
code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:13px}.hint{color:#4b5a68;margin-top:4px}
.empty{padding:8px 16px;color:#5a6570}footer{color:#5a6570;font-size:12px;margin-top:24px}
"""


def render(result: Result, lang: str) -> str:
    w = _WORDS["en" if lang == "en" else "da"]
    errors, warnings, infos = (result.count(s) for s in (Severity.ERROR, Severity.WARNING, Severity.INFO))
    files = [f.path for f in result.files]
    for f in result.findings:
        if f.file not in files:
            files.append(f.file)
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{"en" if lang == "en" else "da"}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width,initial-scale=1">',
        f"<title>{escape(w['title'])}: {escape(result.dossier)}</title><style>{_CSS}</style></head><body>",
        f'<header class="{"ok" if result.valid else "bad"}"><h1>{escape(w["ok"] if result.valid else w["bad"])}</h1>',
        f"<p>{escape(w['title'])}: <code>{escape(result.dossier)}</code></p></header><main>",
        '<div class="stats">',
        f'<div class="stat" id="errors"><b>{errors}</b>{w["errors"]}</div>',
        f'<div class="stat" id="warnings"><b>{warnings}</b>{w["warnings"]}</div>',
        f'<div class="stat" id="infos"><b>{infos}</b>{w["infos"]}</div>',
        f'<div class="stat" id="files"><b>{len(files)}</b>{w["files"]}</div></div>',
    ]
    findings = result.sorted_findings()
    for path in files:
        mine = [f for f in findings if f.file == path]
        parts.append(f"<section><h2>{escape(path)}</h2>")
        if not mine:
            parts.append(f'<p class="empty">{w["none"]}</p></section>')
            continue
        parts.append(
            f"<table><tr><th></th><th>{w['place']}</th><th>{w['code']}</th><th>{w['message']}</th></tr>"
        )
        for f in mine:
            place = []
            if f.line:
                place.append(f"{f.line}:{f.column}")
            if f.cell:
                place.append(f.cell)
            if f.page:
                place.append(f"s. {f.page}" if lang != "en" else f"p. {f.page}")
            label = f.label.get(lang) if f.label else (f.pointer or "")
            hint = f'<div class="hint">→ {escape(f.hint.get(lang))}</div>' if f.hint else ""
            parts.append(
                f'<tr class="finding"><td><span class="sev {f.severity.value}">{w[f.severity.value]}</span></td>'
                f"<td><code>{escape(' '.join(place))}</code><div>{escape(label)}</div></td>"
                f"<td><code>{escape(f.code)}</code></td><td>{escape(f.message.get(lang))}{hint}</td></tr>"
            )
        parts.append("</table></section>")
    stamp = datetime.now().strftime("%Y-%m-%d %H:%M")
    parts.append(f"<footer>{w['made']} {escape(__version__)}, {stamp}</footer></main></body></html>")
    return "\n".join(parts)
