"""Building the documents: a button that runs `aftale build` as a job, its progress, the refusal with the
check's findings, and the built Word and PDF documents with downloads and page previews.

The job calls what the command line calls, with the command's defaults: checker.assemble.build.build
(the dossier, no --out: the output folder generated/<dossier> under the folder the server was started
in, PDF/A on, `--draft` when chosen), telling the page each step it begins. What is listed, downloaded
and previewed is only what the last build's manifest.json lists in that folder (a build made on the
command line counts too): a file name from the address is looked up in that list, never used as a path.
A preview is page N of a listed PDF, N between 1 and its page count, drawn with pypdfium2 and kept in a
small cache by the PDF's SHA-256 and the page.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from pathlib import Path
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from checker.findings import CouldNotRun, Severity, Text
from checker.schema import DOCUMENT_TYPES
from checker.web import i18n
from checker.web.common import (
    SECURITY_HEADERS,
    NotFound,
    counts,
    dossier_of,
    file_response,
    finding_json,
    job_of,
    lang,
    problem,
    read_body,
    render,
    site,
    wants_json,
)
from checker.web.jobs import Refused
from checker.web.security import inside

KIND = "build"
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "png": "image/png",
}
PREVIEW_WIDTH = 900  # pixels of a page preview
MAX_FORM = 4096

i18n.add(
    {
        "documents.title": ("Byg dokumenter", "Build documents"),
        "documents.intro": (
            "Bygger aftalen og bilagene som Word og PDF/A, som »aftale build« gør. Kontrollen kører først; "
            "et dossier med fejl bygges kun som udkast.",
            "Builds the agreement and its annexes as Word and PDF/A, as 'aftale build' does. The check runs "
            "first; a dossier with errors is built only as a draft.",
        ),
        "documents.build": ("Byg dokumenter", "Build documents"),
        "documents.draft": (
            "Som udkast (bygges trods fejl; hver side stemples UDKAST)",
            "As a draft (built despite errors; every page stamped UDKAST)",
        ),
        "documents.out": ("Outputmappe", "Output folder"),
        "documents.progress": ("Forløb", "Progress"),
        "documents.running": ("Bygger …", "Building …"),
        "documents.done": ("Færdig", "Done"),
        "documents.refused": ("Ikke bygget", "Not built"),
        "documents.failed": ("Fejlede", "Failed"),
        "documents.seconds": ("{s} s", "{s} s"),
        "documents.last": ("Seneste bygning", "Latest build"),
        "documents.none": ("Dossieret er ikke bygget endnu.", "The dossier has not been built yet."),
        "documents.is_draft": (
            "UDKAST: dokumenterne er stemplet som udkast.",
            "UDKAST: the documents are stamped as a draft.",
        ),
        "documents.stale": (
            "Dossieret er ændret siden bygningen ({files}); byg igen for at få dokumenterne ajour.",
            "The dossier has changed since the build ({files}); build again to bring the documents up to date.",
        ),
        "documents.document": ("Dokument", "Document"),
        "documents.word": ("Word", "Word"),
        "documents.pdf": ("PDF/A", "PDF/A"),
        "documents.pages": ("{n} sider", "{n} pages"),
        "documents.page": ("Side {n}", "Page {n}"),
        "documents.preview": ("Vis siderne", "Show the pages"),
        "documents.check_errors": (
            "Kontrollen finder fejl; dokumenterne kan kun bygges som udkast, til fejlene er rettet.",
            "The check finds errors; the documents can only be built as a draft until they are fixed.",
        ),
        "documents.findings": ("Kontrollens fund", "The check's findings"),
        "documents.draft_hint": (
            "Vil du bygge alligevel, så sæt flueben ved »Som udkast« og byg igen.",
            "To build anyway, tick 'As a draft' and build again.",
        ),
        "documents.built_at": ("Bygget", "Built"),
        "documents.diagram": ("Organisationsdiagram", "Organisation chart"),
    }
)


# --------------------------------------------------------------------------- where the build is


def build_folder(folder: Path) -> Path:
    """Where `aftale build DOSSIER` writes without --out, and so where this page builds: generated/<the
    dossier folder's name>, under the folder the server was started in."""
    return Path("generated") / folder.resolve().name


def _manifest(out: Path) -> dict | None:
    """The manifest of the build in `out`, if `out` holds a build by aftale (files.is_own_output)."""
    from checker.files import is_own_output

    if out.is_symlink() or not out.is_dir() or not is_own_output(out, KIND):
        return None
    try:
        data = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return None
    return data if isinstance(data, dict) else None


def _outputs(manifest: dict) -> dict[str, dict]:
    """The files the manifest lists, by their plain names."""
    out = {}
    for entry in manifest.get("outputs") or []:
        name = entry.get("path") if isinstance(entry, dict) else None
        if (
            isinstance(name, str)
            and name
            and "/" not in name
            and "\\" not in name
            and not name.startswith(".")
        ):
            out[name] = entry
    return out


def _listed_file(folder: Path, name: str) -> Path:
    """The file `name` of the last build, if its manifest lists it; NotFound otherwise."""
    out = build_folder(folder)
    manifest = _manifest(out)
    if manifest is None or name not in _outputs(manifest):
        raise NotFound
    path = inside(out, name)
    if path is None or not path.is_file():
        raise NotFound
    return path


# --------------------------------------------------------------------------- previews

_render_lock = threading.Lock()  # pdfium is not thread-safe
_cache_lock = threading.Lock()
_pages: dict[str, int] = {}  # sha256 -> page count
_previews: OrderedDict[tuple[str, int], bytes] = OrderedDict()
PREVIEW_CACHE_BYTES = 32 * 1024 * 1024


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def page_count(path: Path) -> int:
    import pypdfium2 as pdfium

    data = path.read_bytes()
    sha = _sha(data)
    with _cache_lock:
        if sha in _pages:
            return _pages[sha]
    with _render_lock:
        pdf = pdfium.PdfDocument(data)
        try:
            n = len(pdf)
        finally:
            pdf.close()
    with _cache_lock:
        _pages[sha] = n
    return n


def preview_png(path: Path, page: int) -> bytes | None:
    """Page `page` (1-based) of the PDF as PNG, or None when the PDF has no such page."""
    import io

    import pypdfium2 as pdfium

    data = path.read_bytes()
    sha = _sha(data)
    with _cache_lock:
        if (sha, page) in _previews:
            _previews.move_to_end((sha, page))
            return _previews[(sha, page)]
    with _render_lock:
        pdf = pdfium.PdfDocument(data)
        try:
            n = len(pdf)
            if not 1 <= page <= n:
                return None
            p = pdf[page - 1]
            try:
                width = p.get_width() or 595
                bitmap = p.render(scale=PREVIEW_WIDTH / width)
                image = bitmap.to_pil()
            finally:
                p.close()
        finally:
            pdf.close()
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=False)
    png = buffer.getvalue()
    with _cache_lock:
        _pages[sha] = n
        _previews[(sha, page)] = png
        while sum(len(v) for v in _previews.values()) > PREVIEW_CACHE_BYTES and len(_previews) > 1:
            _previews.popitem(last=False)
    return png


# --------------------------------------------------------------------------- what the page shows


def last_build(folder: Path, language: str) -> dict | None:
    """The last build's documents as the page lists them, or None when there is none."""
    from checker.assemble.build import output_name

    out = build_folder(folder)
    manifest = _manifest(out)
    if manifest is None:
        return None
    outputs = _outputs(manifest)
    base = f"/d/{quote(folder.name)}/build"

    def link(name: str) -> dict | None:
        if name not in outputs or not (out / name).is_file():
            return None
        entry = {"name": name, "href": f"{base}/file/{quote(name)}", "bytes": outputs[name].get("bytes")}
        if name.endswith(".pdf"):
            try:
                entry["pages"] = page_count(out / name)
            except Exception:  # noqa: BLE001 - a PDF pdfium cannot open is listed without previews
                entry["pages"] = 0
            entry["previews"] = [
                f"{base}/preview/{quote(name)}/{n}.png" for n in range(1, entry["pages"] + 1)
            ]
        return entry

    rows = []
    for doc in manifest.get("documents") or []:
        source, doctype = doc.get("source"), doc.get("dokumenttype")
        if not isinstance(source, str) or doctype not in DOCUMENT_TYPES:
            continue
        stem = output_name(source, doctype)
        kind = DOCUMENT_TYPES[doctype]
        rows.append(
            {
                "stem": stem,
                "source": source,
                "kind": kind[1] if language == "da" else kind[2],
                "docx": link(f"{stem}.docx"),
                "pdf": link(f"{stem}.pdf"),
            }
        )
    diagram = {
        "stem": "organisationsdiagram",
        "source": None,
        "kind": i18n.words(language)["documents.diagram"],
        "docx": None,
        "png": link("organisationsdiagram.png"),
        "pdf": link("organisationsdiagram.pdf"),
    }
    if diagram["png"] or diagram["pdf"]:
        rows.append(diagram)
    changed = []
    for source in manifest.get("sources") or []:
        rel = source.get("path") if isinstance(source, dict) else None
        path = inside(folder, rel) if isinstance(rel, str) else None
        if path is None or not path.is_file():
            changed.append(rel)
            continue
        if _sha(path.read_bytes()) != source.get("sha256"):
            changed.append(rel)
    try:
        built = (out / "manifest.json").stat().st_mtime
    except OSError:
        built = None
    from datetime import datetime

    return {
        "out": str(out),
        "draft": bool(manifest.get("udkast")),
        "documents": rows,
        "changed": [c for c in changed if isinstance(c, str)],
        "built": datetime.fromtimestamp(built).strftime("%Y-%m-%d %H:%M") if built else None,
    }


def job_json(job, language: str) -> dict:
    """The job as the page polls it; a refusal with the check's findings (errors and warnings)."""
    out = job.as_dict(language)
    result = job.result
    if job.state == "refused" and result is not None:
        findings = [f for f in result.sorted_findings() if f.severity in (Severity.ERROR, Severity.WARNING)]
        out["findings"] = [finding_json(f, language) for f in findings]
        out["totals"] = counts(result.findings)
        # as build() judges it: files not following their schemas cannot be built even as a draft
        out["structural"] = any(
            f.code == "rules-skipped"
            or (f.severity is Severity.ERROR and f.code.startswith(("schema-", "json-", "doc-", "rules-")))
            for f in result.findings
        )
    if job.state == "done" and result is not None:
        out["draft"] = result.draft
        out["files"] = [p.name for p in result.documents]
    return out


async def build_page(request: Request):
    folder = dossier_of(request)
    language = lang(request)
    jobs = site(request).jobs
    job = None
    wanted = request.query_params.get("job")
    if wanted:
        job = jobs.of(wanted, folder, KIND)
    job = job or jobs.running(folder, KIND)
    status = site(request).status.get(folder)
    if status is None:
        status = await run_in_threadpool(site(request).status.compute, folder)
    totals = counts(status.result.findings) if status.result else None
    last = await run_in_threadpool(last_build, folder, language)
    return render(
        request,
        "build.html",
        name=folder.name,
        totals=totals,
        failure=status.failure,
        out=str(build_folder(folder)),
        last=last,
        job=job_json(job, language) if job else None,
    )


async def start_build(request: Request):
    folder = dossier_of(request)
    draft = await _draft_choice(request)
    if draft is None:
        return problem(request, Text("Formularen kunne ikke læses.", "The form could not be read."), 400)

    def work(job):
        from checker.assemble.build import BuildRefused, build

        try:
            result = build(folder, None, draft=draft, pdf=True, progress=job.step)
        except BuildRefused as exc:
            raise Refused(exc.reason, exc.result) from None
        n = len(result.documents)
        job.step(Text(f"Færdig: {n} filer i {result.out}", f"Done: {n} files in {result.out}"))
        return result

    try:
        job = site(request).jobs.start(KIND, folder, work)
    except CouldNotRun as exc:  # another task of this dossier is running
        return problem(request, exc.text, 409)
    base = f"/d/{quote(folder.name)}/build"
    if not wants_json(request):
        return RedirectResponse(f"{base}?job={job.id}", 303)
    return JSONResponse(
        {"job": job.id, "poll": f"{base}/job/{job.id}", **job_json(job, lang(request))},
        status_code=202,
        headers=SECURITY_HEADERS,
    )


async def _draft_choice(request: Request) -> bool | None:
    """`draft` from the page's JSON body ({"draft": true}) or a plain form's checkbox; None if unreadable."""
    body = await read_body(request, MAX_FORM)
    if body is None:
        return None
    if not body:
        return False
    if request.headers.get("content-type", "").startswith("application/json"):
        try:
            sent = json.loads(body)
        except (ValueError, RecursionError):
            return None
        if not isinstance(sent, dict) or not isinstance(sent.get("draft", False), bool):
            return None
        return sent.get("draft", False)
    from urllib.parse import parse_qs

    try:
        fields = parse_qs(body.decode("utf-8"), max_num_fields=10)
    except (UnicodeDecodeError, ValueError):
        return None
    return fields.get("draft", [""])[0] in ("on", "1", "true")


async def job_status(request: Request):
    folder = dossier_of(request)
    job = job_of(request, folder, KIND, "id")
    return JSONResponse(job_json(job, lang(request)), headers=SECURITY_HEADERS)


async def download(request: Request):
    folder = dossier_of(request)
    name = request.path_params["file"]
    path = await run_in_threadpool(_listed_file, folder, name)
    suffix = name.rsplit(".", 1)[-1].lower()
    return file_response(path, name, MEDIA_TYPES.get(suffix, "application/octet-stream"))


async def preview(request: Request):
    folder = dossier_of(request)
    name = request.path_params["file"]
    if not name.lower().endswith(".pdf"):
        raise NotFound
    path = await run_in_threadpool(_listed_file, folder, name)
    png = await run_in_threadpool(preview_png, path, request.path_params["page"])
    if png is None:
        raise NotFound
    return Response(png, media_type="image/png", headers=SECURITY_HEADERS)


routes = [
    Route("/d/{name}/build", build_page, methods=["GET"]),
    Route("/d/{name}/build", start_build, methods=["POST"]),
    Route("/d/{name}/build/job/{id}", job_status, methods=["GET"]),
    Route("/d/{name}/build/file/{file}", download, methods=["GET"]),
    Route("/d/{name}/build/preview/{file}/{page:int}.png", preview, methods=["GET"]),
]
