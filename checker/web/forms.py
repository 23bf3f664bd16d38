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
    read_body,
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
    return doctype if isinstance(doctype, str) and doctype in DOCUMENT_TYPES else None


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
        **(await run_in_threadpool(_findings, request, folder, rel, fresh=False)),
    }
    return JSONResponse(body, headers=SECURITY_HEADERS)


class _Refused(Exception):
    def __init__(self, text: Text, status_code: int):
        self.text, self.status_code = text, status_code


async def _opened(request: Request) -> tuple[Path, str, Path, dict]:
    """The dossier, the document's name and path (NotFound if the dossier does not list it) and the form
    sent for it."""
    folder = dossier_of(request)
    rel = request.path_params["rel"]
    return folder, rel, _document(folder, rel), await _sent(request)


async def _sent(request: Request) -> dict:
    """The form's JSON body {sha256, value, base}, read up to MAX_BODY."""
    body = await read_body(request, MAX_BODY)
    if body is None:
        raise _Refused(Text("Formularen er for stor.", "The form is too large."), 413)
    try:
        sent = json.loads(body)
        assert isinstance(sent, dict) and isinstance(sent.get("sha256"), str) and "value" in sent
    except (ValueError, AssertionError, RecursionError):
        raise _Refused(Text("Formularen kunne ikke læses.", "The form could not be read."), 400) from None
    if _doctype(sent["value"]) is None:
        raise _Refused(Text("Dokumenttypen mangler i formularen.", "The form has no document type."), 400)
    try:
        # what JSON and UTF-8 cannot hold is refused here, never written: Python's reader takes 1e999 as
        # infinity and NaN/Infinity as numbers, and "\ud800" as a lone surrogate
        json.dumps(sent["value"], ensure_ascii=False, allow_nan=False).encode("utf-8")
    except (ValueError, RecursionError):  # UnicodeEncodeError is a ValueError
        raise _Refused(_UNWRITABLE, 400) from None
    return sent


_UNWRITABLE = Text(
    "Formularen indeholder et tal eller et tegn, som en JSON-fil ikke kan rumme (et uendeligt tal, NaN eller "
    "et ødelagt tegn); intet er gemt.",
    "The form holds a number or a character a JSON file cannot hold (an infinite number, NaN or a broken "
    "character); nothing was saved.",
)


def _not_copied(folder: str, names: list[str]) -> set[str]:
    """What the draft check's copy leaves out: dot-files, and what is neither a file, a folder nor a link
    (a named pipe would stop the copy; the check does not read one either)."""
    import os
    import stat

    out = set()
    for name in names:
        if name.startswith("."):
            out.add(name)
            continue
        try:
            mode = os.lstat(os.path.join(folder, name)).st_mode
        except OSError:
            continue
        if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode) or stat.S_ISLNK(mode)):
            out.add(name)
    return out


def _link_or_copy(src: str, dst: str) -> None:
    import os
    import shutil

    try:
        os.link(src, dst, follow_symlinks=False)
    except OSError:
        shutil.copy2(src, dst, follow_symlinks=False)


async def draft_check(request: Request):
    """Check the dossier as it would be with the form's value, without saving: a copy of the dossier in a
    temporary folder with the edited document written into it, checked by the same check as always."""
    import shutil
    import tempfile

    from checker.check import check_dossier
    from checker.jsonedit import rewrite_document

    try:
        folder, rel, path, sent = await _opened(request)
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
        # beside the dossier (a hidden folder the overview does not list) where files can be hard links
        # instead of copies: the check only reads them, and the one file written is unlinked first
        try:
            scratch = tempfile.TemporaryDirectory(prefix=".aftale-kladde-", dir=folder.parent)
        except OSError:  # the served folder is read-only: a copy elsewhere
            scratch = tempfile.TemporaryDirectory(prefix="aftale-kladde-")
        with scratch as tmp:
            copy = Path(tmp) / folder.name
            shutil.copytree(folder, copy, symlinks=True, ignore=_not_copied, copy_function=_link_or_copy)
            # the copy's document is a file of its own: were it a link (copied as one), writing it would
            # write through the link into the dossier's real file
            (copy / rel).unlink(missing_ok=True)
            (copy / rel).write_text(edited, encoding="utf-8")
            return check_dossier(copy)

    try:
        result = await run_in_threadpool(check_copy)
    except CouldNotRun as exc:
        return problem(request, exc.text, 422)
    except OSError as exc:  # shutil.Error too: a file of the dossier that cannot be read
        return problem(
            request,
            Text(
                f"Formularen kunne ikke kontrolleres: en fil i dossieret kan ikke læses ({type(exc).__name__}).",
                f"The form could not be checked: a file in the dossier cannot be read ({type(exc).__name__}).",
            ),
            422,
        )
    findings = result.sorted_findings()
    body = {
        "findings": [finding_json(f, language) for f in findings if f.file == rel],
        "totals": counts(findings),
        "draft": True,
    }
    return JSONResponse(body, headers=SECURITY_HEADERS)


async def save(request: Request):
    try:
        folder, rel, path, sent = await _opened(request)
    except _Refused as exc:
        return problem(request, exc.text, exc.status_code)
    language = lang(request)
    try:
        # waiting for the lock (up to 5 s), diffing a conflict and writing happen off the event loop: the
        # other tabs and requests go on meanwhile
        answer = await run_in_threadpool(_write, folder, rel, path, sent, language)
    except CouldNotRun as exc:
        return problem(request, exc.text, 409)
    if isinstance(answer, _Refused):
        return problem(request, answer.text, answer.status_code)
    if isinstance(answer, dict):  # changed on disk since the form was opened
        return JSONResponse(answer, status_code=409, headers=SECURITY_HEADERS)
    new_sha, changed = answer
    checked = await run_in_threadpool(_findings, request, folder, rel, fresh=bool(changed))
    out = {"sha256": new_sha, "changed": changed, **checked}
    return JSONResponse(out, headers=SECURITY_HEADERS)


def _write(folder: Path, rel: str, path: Path, sent: dict, language: str):
    """Under the dossier's lock: the conflict (a dict) if the file changed since the form was opened, a
    _Refused if the value cannot be written, else (the new SHA-256, the changed pointers)."""
    from checker.files import dossier_lock, write_file
    from checker.jsonedit import rewrite_document

    base, value = sent["sha256"], sent["value"]
    with dossier_lock(folder, wait=5):
        raw = path.read_bytes()
        if sha256(raw) != base:
            return {
                "conflict": _what_changed(folder, rel, sent.get("base"), raw, language),
                "sha256": sha256(raw),
            }
        bom = "\ufeff" if raw.startswith(b"\xef\xbb\xbf") else ""
        text = raw.decode("utf-8-sig")
        try:
            current = _doctype(json.loads(text))
        except (ValueError, RecursionError):
            current = None
        if current is not None and _doctype(value) != current:
            # a form of another document (another tab, a script's mistake) would replace this one whole
            sent_kind, file_kind = DOCUMENT_TYPES[_doctype(value)], DOCUMENT_TYPES[current]
            return _Refused(
                Text(
                    f"Formularen er til en {sent_kind[1]}, men {rel} er en {file_kind[1]}; intet er gemt. "
                    "Genindlæs siden.",
                    f"The form is for a {sent_kind[2]}, but {rel} is a {file_kind[2]}; nothing was saved. "
                    "Reload the page.",
                ),
                422,
            )
        try:
            edited, changed = rewrite_document(text, value)
        except (ValueError, RecursionError):
            return _Refused(
                Text(
                    "Ændringen kunne ikke skrives sikkert; intet er gemt.",
                    "The change could not be written safely; nothing was saved.",
                ),
                422,
            )
        if changed:
            write_file(path, bom + edited)
        return sha256((bom + edited).encode("utf-8")), changed


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
