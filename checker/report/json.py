"""Findings as JSON, shaped like a frictionless report: valid, stats, files with hashes, findings."""

from __future__ import annotations

import json

from checker import __version__
from checker.findings import Result, Severity


def as_dict(result: Result, lang: str, command: str) -> dict:
    return {
        "tool": {"name": "aftale", "version": __version__},
        "command": command,
        "dossier": result.dossier,
        "valid": result.valid,
        "status": "valid" if result.valid else "invalid",
        "stats": {
            "files": len(result.files),
            "findings": len(result.findings),
            "errors": result.count(Severity.ERROR),
            "warnings": result.count(Severity.WARNING),
            "infos": result.count(Severity.INFO),
        },
        "files": [
            {
                "path": f.path,
                "dokumenttype": f.dokumenttype,
                "schema": f.schema,
                "sha256": f.sha256,
                "valid": not any(x.file == f.path and x.severity is Severity.ERROR for x in result.findings),
            }
            for f in result.files
        ],
        "findings": [
            {
                "code": f.code,
                "severity": f.severity.value,
                "message": f.message.get(lang),
                "hint": f.hint.get(lang) if f.hint else None,
                "file": f.file,
                "pointer": f.pointer,
                "line": f.line,
                "column": f.column,
                "place": f.label.get(lang) if f.label else None,
                "cell": f.cell,
                "page": f.page,
            }
            for f in result.sorted_findings()
        ],
    }


def render(result: Result, lang: str, command: str) -> str:
    return json.dumps(as_dict(result, lang, command), ensure_ascii=False, indent=2)
