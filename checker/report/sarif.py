"""Findings as SARIF 2.1.0, for code-scanning tools (GitHub code scanning, VS Code SARIF viewer).

Every code a result uses gets a reporting descriptor with a short and a full description, help in text
and Markdown and a helpUri – the rules of the registry and the codes of validation alike (checker/codes.py)
– as GitHub code scanning requires (its rules GH1001–GH2012, checked in tests/test_sarif.py with
Microsoft's SARIF multitool). Every result that has a place gets a region: the line and column in a JSON
file; for a workbook cell or a PDF page, which have no lines, line 1 of the file, with the cell or page as
a logical location and in the result's properties.

helpUri points into the documentation (docs/rules.md, docs/dossier.md), under the address in the
environment variable AFTALE_DOCS_URI, by default the project's site.
"""

from __future__ import annotations

import json
import os
import re

from checker import __version__
from checker.findings import Result, Severity

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
DOCS_URI = "https://lbf-aftale.dk/docs/"


def _docs() -> str:
    base = os.environ.get("AFTALE_DOCS_URI") or DOCS_URI
    return base if base.endswith("/") else base + "/"


def _template(text: str) -> str:
    """A message or hint template with its {…} fields shown as "…"."""
    return re.sub(r"\{[^{}]*\}", "…", text)


def descriptor(code: str, rules: dict, lang: str) -> dict:
    """The reporting descriptor of one code."""
    from checker.codes import describe

    r = rules.get(code)
    if r is not None:
        title, source = r.title.get(lang), r.source.get(lang)
        hint = _template(r.hint.get(lang))
        full = f"{title}. {_template(r.message.get(lang))}"
        source_word = "Kilde" if lang == "da" else "Source"
        return {
            "id": code,
            "shortDescription": {"text": title},
            "fullDescription": {"text": full},
            "help": {
                "text": f"{hint} {source_word}: {source}.",
                "markdown": f"{hint}\n\n*{source_word}:* {source}.",
            },
            "helpUri": f"{_docs()}rules.md#{code}",
            "defaultConfiguration": {"level": _LEVEL[r.severity]},
        }
    known = describe(code)
    title, full = (known[0].get(lang), known[1].get(lang)) if known else (code, code)
    level = "note" if code == "rules-skipped" else "error"
    more = "Se docs/dossier.md, »Finding codes«." if lang == "da" else "See docs/dossier.md, 'Finding codes'."
    return {
        "id": code,
        "shortDescription": {"text": title},
        "fullDescription": {"text": full},
        "help": {"text": f"{full} {more}", "markdown": f"{full}\n\n{more}"},
        "helpUri": f"{_docs()}dossier.md#finding-codes",
        "defaultConfiguration": {"level": level},
    }


def render(result: Result, lang: str, rules: dict) -> str:
    used = sorted({f.code for f in result.findings})
    descriptors = [descriptor(code, rules, lang) for code in used]
    index = {code: i for i, code in enumerate(used)}
    results = []
    for f in result.sorted_findings():
        location: dict = {"artifactLocation": {"uri": f.file or ".", "uriBaseId": "DOSSIER"}}
        properties: dict = {}
        if f.line:
            location["region"] = {"startLine": f.line, "startColumn": max(1, f.column or 1)}
        elif f.cell or f.page or f.pointer is not None:
            # a workbook cell or a PDF page has no line: the file's first line, the place beside it
            location["region"] = {"startLine": 1, "startColumn": 1}
        logical = []
        if f.pointer is not None:
            logical.append({"fullyQualifiedName": f.pointer or "/", "kind": "member"})
        if f.cell:
            logical.append({"fullyQualifiedName": f.cell, "kind": "element"})
            properties["cell"] = f.cell
        if f.page:
            logical.append({"fullyQualifiedName": f"side {f.page}", "kind": "element"})
            properties["page"] = f.page
        entry = {
            "ruleId": f.code,
            "ruleIndex": index[f.code],
            "level": _LEVEL[f.severity],
            "message": {"text": f.message.get(lang) + (f" {f.hint.get(lang)}" if f.hint else "")},
            "locations": [
                {"physicalLocation": location, **({"logicalLocations": logical} if logical else {})}
            ],
        }
        if properties:
            entry["properties"] = properties
        results.append(entry)
    doc = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "aftale",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": "https://lbf-aftale.dk/",
                        "rules": descriptors,
                    }
                },
                "originalUriBaseIds": {"DOSSIER": {"uri": _dir_uri(result.dossier)}},
                "results": results,
            }
        ],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2)


def _dir_uri(folder: str) -> str:
    from pathlib import Path

    return Path(folder).resolve().as_uri() + "/"
