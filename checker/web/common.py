"""What every page of `aftale serve` shares: the served folder, the language, page rendering, the safe
way from a name in an address to a dossier, and findings as the browser shows them."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from checker import __version__
from checker.findings import CouldNotRun, Finding, Severity, Text
from checker.web import i18n
from checker.web.security import dossier_folder, inside

HERE = Path(__file__).parent
LANG_COOKIE = "aftale_lang"


@dataclass
class Site:
    """The server's state: the folder of dossiers it serves, and what it has computed about them."""

    root: Path
    token: str
    lang: str = "da"
    jobs: Any = None  # checker.web.jobs.Jobs
    status: Any = None  # checker.web.status.StatusCache
    extra: dict = field(default_factory=dict)


def site(request: Request) -> Site:
    return request.app.state.site


def lang(request: Request) -> str:
    chosen = request.cookies.get(LANG_COOKIE)
    return chosen if chosen in ("da", "en") else site(request).lang


_env = Environment(
    loader=FileSystemLoader(HERE / "templates"),
    autoescape=select_autoescape(["html"], default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    language = lang(request)
    words = i18n.words(language)

    def t(key: str, **values: Any) -> str:
        text = words.get(key, key)
        return text.format(**values) if values else text

    page = _env.get_template(template).render(
        request=request,
        lang=language,
        t=t,
        tx=lambda text: text.get(language) if isinstance(text, Text) else text,
        csrf=request.scope.get("state", {}).get("csrf", ""),
        version=__version__,
        **context,
    )
    return HTMLResponse(page, status_code=status_code, headers=SECURITY_HEADERS)


#: no framing, no foreign scripts, no sniffing: pages load only what the server itself serves
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
        "script-src 'self' 'unsafe-eval'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",  # a form post from our page then carries our Origin, not "null"
    "Cache-Control": "no-store",
}


def problem(request: Request, text: Text, status_code: int) -> Response:
    """A refusal the user reads: JSON for the page's scripts, a page for a browser."""
    message = text.get(lang(request))
    if wants_json(request):
        return JSONResponse({"error": message}, status_code=status_code, headers=SECURITY_HEADERS)
    return render(request, "problem.html", status_code=status_code, message=message)


def wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "") or request.url.path.startswith("/api/")


class NotFound(Exception):
    pass


def dossier_of(request: Request) -> Path:
    """The dossier the address names, or NotFound (404): only a plain name of a direct subfolder."""
    folder = dossier_folder(site(request).root, request.path_params["name"])
    if folder is None or not (folder / "samarbejdsaftale.json").is_file():
        raise NotFound
    return folder


def job_of(request: Request, folder: Path, kind, param: str = "job"):
    """The job the address names, if it is `folder`'s and of `kind` (a name, or a test of the name);
    NotFound otherwise."""
    job = site(request).jobs.of(request.path_params[param], folder, kind)
    if job is None:
        raise NotFound
    return job


def file_of(folder: Path, rel: str) -> Path:
    path = inside(folder, rel)
    if path is None or not path.is_file():
        raise NotFound
    return path


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def finding_json(f: Finding, language: str) -> dict:
    from checker.web.schemaform import pointer_to_path

    place = f.cell or (f"{f.page}" if f.page else None)
    return {
        "code": f.code,
        "severity": f.severity.value,
        "message": f.message.get(language),
        "hint": f.hint.get(language) if f.hint else None,
        "label": f.label.get(language) if f.label else None,
        "file": f.file,
        "pointer": f.pointer,
        "path": pointer_to_path(f.pointer) if f.pointer else None,
        "line": f.line,
        "cell": f.cell,
        "page": f.page,
        "place": place,
    }


def counts(findings: list[Finding]) -> dict[str, int]:
    return {
        "errors": sum(1 for f in findings if f.severity is Severity.ERROR),
        "warnings": sum(1 for f in findings if f.severity is Severity.WARNING),
    }


def read_json(path: Path) -> Any:
    return json.loads(path.read_bytes().decode("utf-8-sig"))


def could_not_run(request: Request, exc: CouldNotRun) -> Response:
    return problem(request, exc.text, 422)


# --------------------------------------------------------------------------- downloads


#: a downloaded file is never a page: no script, no plug-in, no frame, its own sandbox
FILE_HEADERS = {
    **SECURITY_HEADERS,
    "Content-Security-Policy": "default-src 'none'; img-src data:; style-src 'unsafe-inline'; sandbox",
}


def content_disposition(filename: str, inline: bool = False) -> str:
    """`attachment` with the name as plain ASCII (quotes, controls and non-ASCII replaced) and, when it
    differs, the exact name as RFC 5987 UTF-8."""
    plain = "".join(c if 32 <= ord(c) < 127 and c not in '"\\;' else "_" for c in filename) or "fil"
    value = f'{"inline" if inline else "attachment"}; filename="{plain}"'
    if plain != filename:
        value += f"; filename*=UTF-8''{quote(filename, safe='')}"
    return value


def file_response(content: Path | bytes, filename: str, media_type: str, inline: bool = False) -> Response:
    """A file to download (or, `inline`, to show as an image): its bytes, its type, its name, and headers
    that keep the browser from running anything in it."""
    data = content.read_bytes() if isinstance(content, Path) else content
    headers = {**FILE_HEADERS, "Content-Disposition": content_disposition(filename, inline)}
    return Response(data, media_type=media_type, headers=headers)


# --------------------------------------------------------------------------- the server's own files


def outputs(request: Request, kind: str) -> Path:
    """The server's own temporary folder for one kind of result (packages, ændringsoversigter), made on
    first use and removed when the server stops."""
    import tempfile

    extra = site(request).extra
    key = f"outputs.{kind}"
    if key not in extra:
        extra[key] = tempfile.TemporaryDirectory(prefix=f"aftale-serve-{kind}-")
    return Path(extra[key].name)


# --------------------------------------------------------------------------- small bodies


async def read_body(request: Request, limit: int) -> bytes | None:
    """The request's body, or None when it says or turns out to be larger than `limit` bytes (read no
    further than that)."""
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > limit):
        return None
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            return None
    return body


async def small_json(request: Request, limit: int) -> dict:
    """A page script's small JSON object ({} for an empty body); UploadRefused (413 too large, 400 not a
    JSON object) otherwise, which the app answers with its message."""
    body = await read_body(request, limit)
    if body is None:
        raise UploadRefused(Text("Formularen er for stor.", "The form is too large."), 413)
    try:
        sent = json.loads(body or b"{}")
    except (ValueError, RecursionError):
        sent = None
    if not isinstance(sent, dict):
        raise UploadRefused(Text("Formularen kunne ikke læses.", "The form could not be read."), 400)
    return sent


def job_file(request: Request, folder: Path, kind) -> Path:
    """The file a finished job of `folder` made (its result's "path"); NotFound while it runs, after it
    failed, or once the file is gone."""
    job = job_of(request, folder, kind)
    path = Path(job.result["path"]) if job.state == "done" and isinstance(job.result, dict) else None
    if path is None or not path.is_file():
        raise NotFound
    return path


async def small_form(request: Request, limit: int = 64 * 1024) -> dict[str, str]:
    """The text fields of a small form (no files), or CouldNotRun when it is too large or unreadable."""
    declared = request.headers.get("content-length")
    if declared is None or not declared.isdigit() or int(declared) > limit:
        raise CouldNotRun(Text("Formularen er for stor.", "The form is too large."))
    try:
        form = await request.form(max_files=0, max_fields=20, max_part_size=limit)
    except Exception:  # noqa: BLE001 - a malformed form, whatever the parser calls it
        raise CouldNotRun(Text("Formularen kunne ikke læses.", "The form could not be read.")) from None
    try:
        return {k: v for k, v in form.items() if isinstance(v, str)}
    finally:
        await form.close()


# --------------------------------------------------------------------------- uploads

#: the largest upload of each kind: the CLI's own limits (docs/guarantees.md)
LIMITS = {
    "workbook": 20 * 1024 * 1024,
    "pdf": 20 * 1024 * 1024,
    "signed_pdf": 200 * 1024 * 1024,
    "agreement": 50 * 1024 * 1024,  # a Word or PDF agreement for `aftale import`
    "image": 5 * 1024 * 1024,
    "evidence": 20 * 1024 * 1024,
}


class UploadRefused(Exception):
    def __init__(self, text: Text, status_code: int = 400):
        super().__init__(text.en)
        self.text = text
        self.status_code = status_code


async def upload(request: Request, kind: str, field_name: str = "file") -> tuple[str, bytes, dict[str, str]]:
    """The one file a multipart form sends in `field_name`, as (its plain file name, its bytes, the form's
    other fields). Refused (UploadRefused) before it is read when the request says it is larger than the
    limit for `kind`, or gives no size; and while it is read if it turns out larger. The caller checks the
    content with the same readers as the CLI; nothing here trusts the name or the declared type."""
    limit = LIMITS[kind]
    declared = request.headers.get("content-length")
    if declared is None or not declared.isdigit():
        raise UploadRefused(
            Text("Upload uden angivet størrelse afvises.", "An upload without a stated size is refused."), 411
        )
    mb = limit // (1024 * 1024)
    too_large = UploadRefused(
        Text(f"Filen er for stor: højst {mb} MB.", f"The file is too large: at most {mb} MB."), 413
    )
    if int(declared) > limit + 64 * 1024:
        raise too_large
    try:
        form = await request.form(max_files=1, max_fields=20, max_part_size=64 * 1024)
    except Exception:  # noqa: BLE001 - python-multipart's and Starlette's errors: a malformed form
        raise UploadRefused(Text("Formularen kunne ikke læses.", "The form could not be read.")) from None
    try:
        item = form.get(field_name)
        if item is None or isinstance(item, str):
            raise UploadRefused(Text("Vælg en fil.", "Choose a file."))
        data = await item.read(limit + 1)
        if len(data) > limit:
            raise too_large
        if not data:
            raise UploadRefused(Text("Filen er tom.", "The file is empty."))
        name = (item.filename or "").replace("\\", "/").rsplit("/", 1)[-1]
        fields = {k: v for k, v in form.items() if isinstance(v, str)}
    finally:
        await form.close()
    return name, data, fields
