"""A dossier document as a form: the page, the data the form is built from, and saving.

Saving goes through the same lock as every command (files.dossier_lock) and writes only the values the
user changed (jsonedit.rewrite_document), atomically (files.write_file). The form sends the SHA-256 of
the file as it was when the form was opened; if the file on disk has changed since, nothing is written
and the answer lists what changed, in the users' words (the same diff as `aftale diff`).
"""

from __future__ import annotations

import json
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from checker.findings import CouldNotRun, Text
from checker.schema import DOCUMENT_TYPES
from checker.web.common import (
    SECURITY_HEADERS,
    NotFound,
    counts,
    dossier_of,
    finding_json,
    lang,
    problem,
    render,
    sha256,
    site,
)
from checker.web.schemaform import form_schema

#: the largest form a browser may send (the CLI reads JSON files up to 5 MB)
MAX_BODY = 6 * 1024 * 1024


def _document(folder: Path, rel: str) -> Path:
    """The document `rel` if the dossier lists it among its JSON files; NotFound otherwise."""
    from checker.dossier import open_dossier

    for path, listed in open_dossier(folder).json_files:
        if listed == rel:
            return path
    raise NotFound


def _doctype(data) -> str | None:
    doctype = data.get("dokumenttype") if isinstance(data, dict) else None
    return doctype if doctype in DOCUMENT_TYPES else None


def _findings(request: Request, folder: Path, rel: str, *, fresh: bool) -> dict:
    cache = site(request).status
    status = cache.compute(folder) if fresh else (cache.get(folder) or cache.compute(folder))
    language = lang(request)
    if status.result is None:
        return {"findings": [], "failure": status.failure, "totals": None}
    findings = status.result.sorted_findings()
    return {
        "findings": [finding_json(f, language) for f in findings if f.file == rel],
        "totals": counts(findings),
        "failure": None,
    }


async def edit_page(request: Request):
    folder = dossier_of(request)
    rel = request.path_params["rel"]
    _document(folder, rel)
    return render(request, "edit.html", name=folder.name, rel=rel)


async def load(request: Request):
    folder = dossier_of(request)
    rel = request.path_params["rel"]
    path = _document(folder, rel)
    raw = path.read_bytes()
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (ValueError, RecursionError):
        return problem(
            request,
            Text(
                f"{rel} er ikke gyldig JSON og kan ikke vises som formular; ret filen i en teksteditor (se »aftale validate«).",
                f"{rel} is not valid JSON and cannot be shown as a form; fix the file in a text editor (see 'aftale validate').",
            ),
            422,
        )
    doctype = _doctype(data)
    if doctype is None:
        return problem(
            request,
            Text(f"{rel} har ingen kendt dokumenttype.", f"{rel} has no known document type."),
            422,
        )
    body = {
        "rel": rel,
        "doctype": doctype,
        "schema": form_schema(doctype),
        "value": data,
        "sha256": sha256(raw),
        **_findings(request, folder, rel, fresh=False),
    }
    return JSONResponse(body, headers=SECURITY_HEADERS)


class _Refused(Exception):
    def __init__(self, text: Text, status_code: int):
        self.text, self.status_code = text, status_code


async def _sent(request: Request) -> dict:
    """The form's JSON body {sha256, value, base}, read up to MAX_BODY."""
    try:
        size = int(request.headers.get("content-length", "0"))
    except ValueError:
        size = MAX_BODY + 1
    too_large = _Refused(Text("Formularen er for stor.", "The form is too large."), 413)
    if size > MAX_BODY:
        raise too_large
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            raise too_large
    try:
        sent = json.loads(body)
        assert isinstance(sent, dict) and isinstance(sent.get("sha256"), str) and "value" in sent
    except (ValueError, AssertionError, RecursionError):
        raise _Refused(Text("Formularen kunne ikke læses.", "The form could not be read."), 400) from None
    if _doctype(sent["value"]) is None:
        raise _Refused(Text("Dokumenttypen mangler i formularen.", "The form has no document type."), 400)
    return sent


async def draft_check(request: Request):
    """Check the dossier as it would be with the form's value, without saving: a copy of the dossier in a
    temporary folder with the edited document written into it, checked by the same check as always."""
    import shutil
    import tempfile

    from checker.check import check_dossier
    from checker.jsonedit import rewrite_document

    folder = dossier_of(request)
    rel = request.path_params["rel"]
    path = _document(folder, rel)
    try:
        sent = await _sent(request)
    except _Refused as exc:
        return problem(request, exc.text, exc.status_code)
    raw = path.read_bytes()
    try:
        edited, _changed = rewrite_document(raw.decode("utf-8-sig"), sent["value"])
    except (ValueError, RecursionError):
        return problem(
            request, Text("Formularen kunne ikke kontrolleres.", "The form could not be checked."), 422
        )
    language = lang(request)

    def check_copy():
        with tempfile.TemporaryDirectory(prefix="aftale-kladde-") as tmp:
            copy = Path(tmp) / folder.name
            shutil.copytree(folder, copy, symlinks=True, ignore=shutil.ignore_patterns(".*"))
            (copy / rel).write_text(edited, encoding="utf-8")
            return check_dossier(copy)

    try:
        result = await run_in_threadpool(check_copy)
    except CouldNotRun as exc:
        return problem(request, exc.text, 422)
    findings = result.sorted_findings()
    body = {
        "findings": [finding_json(f, language) for f in findings if f.file == rel],
        "totals": counts(findings),
        "draft": True,
    }
    return JSONResponse(body, headers=SECURITY_HEADERS)


async def save(request: Request):
    folder = dossier_of(request)
    rel = request.path_params["rel"]
    path = _document(folder, rel)
    try:
        sent = await _sent(request)
    except _Refused as exc:
        return problem(request, exc.text, exc.status_code)
    base, value = sent["sha256"], sent["value"]

    from checker.files import dossier_lock, write_file
    from checker.jsonedit import rewrite_document

    try:
        with dossier_lock(folder, wait=5):
            raw = path.read_bytes()
            if sha256(raw) != base:
                return JSONResponse(
                    {
                        "conflict": _what_changed(folder, rel, sent.get("base"), raw, lang(request)),
                        "sha256": sha256(raw),
                    },
                    status_code=409,
                    headers=SECURITY_HEADERS,
                )
            bom = "\ufeff" if raw.startswith(b"\xef\xbb\xbf") else ""
            text = raw.decode("utf-8-sig")
            try:
                edited, changed = rewrite_document(text, value)
            except (ValueError, RecursionError):
                return problem(
                    request,
                    Text(
                        "Ændringen kunne ikke skrives sikkert; intet er gemt.",
                        "The change could not be written safely; nothing was saved.",
                    ),
                    422,
                )
            if changed:
                write_file(path, bom + edited)
            new_sha = sha256((bom + edited).encode("utf-8"))
    except CouldNotRun as exc:
        return problem(request, exc.text, 409)
    checked = await run_in_threadpool(_findings, request, folder, rel, fresh=bool(changed))
    out = {"sha256": new_sha, "changed": changed, **checked}
    return JSONResponse(out, headers=SECURITY_HEADERS)


def _what_changed(folder: Path, rel: str, base_value, raw: bytes, language: str) -> list[str]:
    """What is different on disk from the value the form was opened with, as `aftale diff` words it."""
    import tempfile

    from checker.diff import diff_dossiers

    if base_value is None:
        return []
    try:
        with tempfile.TemporaryDirectory(prefix="aftale-konflikt-") as tmp:
            old, new = Path(tmp) / "old", Path(tmp) / "new"
            for where, content in ((old, json.dumps(base_value, ensure_ascii=False).encode()), (new, raw)):
                (where / rel).parent.mkdir(parents=True, exist_ok=True)
                (where / rel).write_bytes(content)
            changes = diff_dossiers(old, new)
    except (CouldNotRun, OSError, ValueError, RecursionError):
        return []
    return [c.line(language) for c in changes]


routes = [
    Route("/d/{name}/edit/{rel:path}", edit_page),
    Route("/d/{name}/api/doc/{rel:path}", load, methods=["GET"]),
    Route("/d/{name}/api/doc/{rel:path}", save, methods=["POST"]),
    Route("/d/{name}/api/check/{rel:path}", draft_check, methods=["POST"]),
]
