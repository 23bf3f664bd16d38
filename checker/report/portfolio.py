"""The portfolio report: one row per dossier (plan, period, errors, warnings, next deadline), as a table
for the terminal, JSON (each dossier's full report inside) or one self-contained HTML page."""

from __future__ import annotations

import json
from html import escape

from checker import __version__
from checker.portfolio import Entry

_WORDS = {
    "da": {
        "title": "Kontrol af dossierer",
        "dossier": "Dossier",
        "plan": "Helhedsplan",
        "period": "Periode",
        "errors": "Fejl",
        "warnings": "Advarsler",
        "deadline": "Næste frist",
        "failed": "kunne ikke kontrolleres",
        "summary": "{n} dossierer: {ok} uden fejl, {bad} med fejl, {failed} kunne ikke kontrolleres.",
    },
    "en": {
        "title": "Dossier check",
        "dossier": "Dossier",
        "plan": "Plan",
        "period": "Period",
        "errors": "Errors",
        "warnings": "Warnings",
        "deadline": "Next deadline",
        "failed": "could not be checked",
        "summary": "{n} dossiers: {ok} without errors, {bad} with errors, {failed} could not be checked.",
    },
}


def _period(e: Entry) -> str:
    return f"{e.start} – {e.end}" if e.start and e.end else "–"


def _deadline(e: Entry) -> str:
    return f"{e.next_deadline[0]} {e.next_deadline[1]}".strip() if e.next_deadline else "–"


def summary(entries: list[Entry], lang: str) -> str:
    failed = sum(1 for e in entries if e.failure)
    bad = sum(1 for e in entries if not e.failure and e.errors)
    return _WORDS[lang]["summary"].format(
        n=len(entries), ok=len(entries) - failed - bad, bad=bad, failed=failed
    )


def render_text(entries: list[Entry], lang: str) -> str:
    w = _WORDS[lang]
    head = [w["dossier"], w["plan"], w["period"], w["errors"], w["warnings"], w["deadline"]]
    rows = []
    for e in entries:
        if e.failure:
            rows.append(
                [str(e.path), e.plan or "–", _period(e), "–", "–", f"{w['failed']}: {e.failure.get(lang)}"]
            )
        else:
            rows.append(
                [str(e.path), e.plan or "–", _period(e), str(e.errors), str(e.warnings), _deadline(e)]
            )
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head) - 1)]
    lines = []
    for r in [head, *rows]:
        cells = [
            r[i].ljust(widths[i]) if i not in (3, 4) else r[i].rjust(widths[i]) for i in range(len(widths))
        ]
        lines.append("  ".join([*cells, r[-1]]).rstrip())
    lines.insert(1, "  ".join("-" * n for n in widths) + "  " + "-" * len(head[-1]))
    return "\n".join(lines) + "\n\n" + summary(entries, lang)


def as_dict(entries: list[Entry], lang: str, command: str) -> dict:
    from checker.report.json import as_dict as dossier_dict

    return {
        "tool": {"name": "aftale", "version": __version__},
        "command": command,
        "portfolio": True,
        "stats": {
            "dossiers": len(entries),
            "with_errors": sum(1 for e in entries if not e.failure and e.errors),
            "failed": sum(1 for e in entries if e.failure),
        },
        "dossiers": [
            {
                "dossier": str(e.path),
                "plan": e.plan,
                "period": {"start": e.start, "end": e.end},
                "errors": None if e.failure else e.errors,
                "warnings": None if e.failure else e.warnings,
                "next_deadline": {"date": e.next_deadline[0], "what": e.next_deadline[1]}
                if e.next_deadline
                else None,
                "could_not_run": e.failure.get(lang) if e.failure else None,
                "report": dossier_dict(e.result, lang, command) if e.result else None,
            }
            for e in entries
        ],
    }


def render_json(entries: list[Entry], lang: str, command: str) -> str:
    return json.dumps(as_dict(entries, lang, command), ensure_ascii=False, indent=2)


_CSS = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d2329;background:#f5f6f8}
header{padding:20px 32px;color:#fff;background:#2f6f3e}header.bad{background:#a32020}
h1{margin:0 0 4px;font-size:22px}header p{margin:0;opacity:.9}
main{padding:16px 32px 48px}
table{border-collapse:collapse;width:100%;background:#fff;box-shadow:0 1px 2px #0002}
td,th{text-align:left;vertical-align:top;padding:8px 12px;border-top:1px solid #e4e7eb}
th{font-size:12px;text-transform:uppercase;color:#5a6570}td.n{text-align:right;font-variant-numeric:tabular-nums}
tr.bad td.n.e{color:#8a1111;font-weight:700}tr.failed td{background:#fde2e2}
"""


def render_html(entries: list[Entry], lang: str) -> str:
    """One page, no scripts, no outside files; every value escaped."""
    w = _WORDS[lang]
    bad = any(e.failure or e.errors for e in entries)
    rows = []
    for e in entries:
        cls = "failed" if e.failure else ("bad" if e.errors else "ok")
        if e.failure:
            counts = f'<td class="n">–</td><td class="n">–</td><td>{escape(w["failed"])}: {escape(e.failure.get(lang))}</td>'
        else:
            counts = f'<td class="n e">{e.errors}</td><td class="n">{e.warnings}</td><td>{escape(_deadline(e))}</td>'
        rows.append(
            f'<tr class="{cls}" data-dossier="{escape(e.path.name)}"><td>{escape(str(e.path))}</td>'
            f"<td>{escape(e.plan or '–')}</td><td>{escape(_period(e))}</td>{counts}</tr>"
        )
    head = "".join(
        f"<th>{escape(w[k])}</th>" for k in ("dossier", "plan", "period", "errors", "warnings", "deadline")
    )
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        f"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        f"<title>{escape(w['title'])}</title><style>{_CSS}</style></head><body>"
        f'<header class="{"bad" if bad else "ok"}"><h1>{escape(w["title"])}</h1>'
        f'<p id="summary">{escape(summary(entries, lang))}</p></header>'
        f'<main><table id="portfolio"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
        f"<p>aftale {escape(__version__)}</p></main></body></html>\n"
    )
