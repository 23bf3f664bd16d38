"""What every page of `aftale serve` shares: the served folder, the language, page rendering, the safe
way from a name in an address to a dossier, and findings as the browser shows them."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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
    "Referrer-Policy": "no-referrer",
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
