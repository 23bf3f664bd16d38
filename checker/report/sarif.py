"""Findings as SARIF 2.1.0, for code-scanning tools (GitHub code scanning, VS Code SARIF viewer)."""

from __future__ import annotations

import json

from checker import __version__
from checker.findings import Result, Severity

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def render(result: Result, lang: str, rules: dict) -> str:
    used = sorted({f.code for f in result.findings})
    descriptors = []
    for code in used:
        r = rules.get(code)
        d = {"id": code, "name": code}
        if r is not None:
            d["shortDescription"] = {"text": r.title.get(lang)}
            d["help"] = {"text": r.hint.get(lang)}
            d["defaultConfiguration"] = {"level": _LEVEL[r.severity]}
        descriptors.append(d)
    index = {code: i for i, code in enumerate(used)}
    results = []
    for f in result.sorted_findings():
        location: dict = {"artifactLocation": {"uri": f.file, "uriBaseId": "DOSSIER"}}
        if f.line:
            location["region"] = {"startLine": f.line, "startColumn": max(1, f.column or 1)}
        logical = []
        if f.pointer is not None:
            logical.append({"fullyQualifiedName": f.pointer or "/", "kind": "member"})
        if f.cell:
            logical.append({"fullyQualifiedName": f.cell, "kind": "element"})
        if f.page:
            logical.append({"fullyQualifiedName": f"side {f.page}", "kind": "element"})
        entry = {
            "ruleId": f.code,
            "ruleIndex": index[f.code],
            "level": _LEVEL[f.severity],
            "message": {"text": f.message.get(lang) + (f" {f.hint.get(lang)}" if f.hint else "")},
            "locations": [
                {"physicalLocation": location, **({"logicalLocations": logical} if logical else {})}
            ],
        }
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
