"""aftale validate: every JSON source of a dossier against its schema, every error reported."""

from __future__ import annotations

import hashlib
import os

from checker.dossier import AGREEMENT_FILE, open_dossier
from checker.findings import CouldNotRun, FileResult, Finding, Result, Severity, Text
from checker.jsonsource import JsonSource, load
from checker.schema import BASE, DOCUMENT_TYPES, SchemaRegistry, document_type, validate_source


def validate_dossier(folder: str | os.PathLike, registry: SchemaRegistry | None = None) -> Result:
    return run_validation(folder, registry)[0]


def require_valid(folder: str | os.PathLike, before: Text) -> Result:
    """The dossier's validation, or CouldNotRun naming the files with errors and the first error itself
    (so that a file too large, or not JSON, says so rather than only "schema errors"). `before` ends the
    sentence: what the errors must be fixed before ("før revisionen" / "before the audit")."""
    result = validate_dossier(folder)
    errors = [f for f in result.sorted_findings() if f.severity is Severity.ERROR]
    if errors:
        files = ", ".join(sorted({f.file for f in errors}))
        first = errors[0]
        raise CouldNotRun(
            Text(
                f"Dossieret har fejl i {files} (fx {first.file}: {first.message.da}); kør »aftale validate« og ret dem {before.da}.",
                f"The dossier has errors in {files} (e.g. {first.file}: {first.message.en}); run 'aftale validate' and fix them {before.en}.",
            )
        )
    return result


def run_validation(
    folder: str | os.PathLike, registry: SchemaRegistry | None = None
) -> tuple[Result, dict[str, JsonSource], dict[str, str]]:
    """Validate every JSON source; also return the parsed sources and their document types for the rules."""
    dossier = open_dossier(folder)
    registry = registry or SchemaRegistry()
    result = Result(str(folder))
    result.findings.extend(dossier.findings)
    agreement_seen = False
    sources: dict[str, JsonSource] = {}
    doctypes: dict[str, str] = {}
    for path, rel in dossier.json_files:
        source, findings = load(path, rel)
        result.findings.extend(findings)
        entry = FileResult(rel)
        result.files.append(entry)
        if source is None:
            continue
        entry.sha256 = hashlib.sha256(source.text.encode("utf-8")).hexdigest()
        sources[rel] = source
        doctype, findings = document_type(source)
        result.findings.extend(findings)
        if doctype is None:
            continue
        entry.dokumenttype = doctype
        doctypes[rel] = doctype
        entry.schema = BASE + DOCUMENT_TYPES[doctype][0]
        agreement_seen |= rel == AGREEMENT_FILE and doctype == "strategisk-samarbejdsaftale"
        result.findings.extend(validate_source(source, doctype, registry))
    if not agreement_seen and not any(f.file == AGREEMENT_FILE for f in result.findings):
        result.add(
            Finding(
                "doc-agreement-type",
                Severity.ERROR,
                Text(
                    f'{AGREEMENT_FILE} skal have "dokumenttype": "strategisk-samarbejdsaftale".',
                    f'{AGREEMENT_FILE} must have "dokumenttype": "strategisk-samarbejdsaftale".',
                ),
                AGREEMENT_FILE,
                "/dokumenttype",
            )
        )
    return result, sources, doctypes
