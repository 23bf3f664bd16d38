"""The dossier's annexes that are files, not JSON documents: the budget and aktivitetsskema workbooks, the
central-measurements PDF and the organisationsdiagram. Each is shown with its state and the check's
findings for it (with their cell or page), can be downloaded, and can be added or replaced.

Which file is which annex is the agreement's word: `aftaledokumenter.bilag[].filer` of the annex's type
(the same list the check reads). The kinds and their formats are fixed here; the accepted formats are the
rule set's. An upload is bounded in size (common.upload), its format is told from its content, not its
name, and it is read by the same hardened readers as the CLI (checker.readers: the workbook reader, the
bounded PDF reader; PNG and SVG as the check reads them, and an SVG must carry no script, event handler,
external reference or DOCTYPE) before anything is written. Only then, under the dossier lock, it replaces
the old file atomically (files.write_file); nothing is kept of a refused upload. An annex the agreement
lists no file for is written under the kind's usual name and that name is added to the list (the same
minimal-change writer as the forms); a diagram uploaded in another accepted format than the listed file
(PNG for SVG) takes the listed name with the new suffix, the list is changed, and the old file goes.
Then the dossier is checked again and the findings for the file are shown.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse
from starlette.routing import Route

from checker.findings import CouldNotRun, Text
from checker.web import i18n
from checker.web.common import (
    SECURITY_HEADERS,
    NotFound,
    UploadRefused,
    counts,
    dossier_of,
    file_response,
    finding_json,
    lang,
    read_json,
    render,
    site,
    upload,
    wants_json,
)
from checker.web.security import inside

AGREEMENT = "samarbejdsaftale.json"


@dataclass(frozen=True)
class Kind:
    type: str  # the annex type in aftaledokumenter.bilag and the rule set
    default: str  # the file's usual name in a dossier (scaffold, examples)
    limit: str  # the upload limit (common.LIMITS)
    formats: tuple[str, ...]  # what this page can read for it, when the rule set does not say
    title: Text


KINDS: dict[str, Kind] = {
    k.type: k
    for k in (
        Kind("budget", "budget.xlsx", "workbook", ("xlsx",), Text("Budget", "Budget")),
        Kind(
            "aktivitetsskema",
            "aktivitetsskema.xlsx",
            "workbook",
            ("xlsx",),
            Text("Aktivitetsskema", "Activity schedule"),
        ),
        Kind(
            "centrale_maalinger",
            "centrale-maalinger.pdf",
            "pdf",
            ("pdf",),
            Text("Centralt genererede målinger", "Centrally generated measurements"),
        ),
        Kind(
            "organisationsdiagram",
            "organisationsdiagram.svg",
            "image",
            ("svg", "png", "pdf"),
            Text("Organisationsdiagram", "Organisation chart"),
        ),
    )
}
READABLE = ("xlsx", "pdf", "svg", "png")
MEDIA_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "svg": "image/svg+xml",
    "png": "image/png",
}
FORMAT_NAMES = {"xlsx": "Excel (.xlsx)", "pdf": "PDF", "svg": "SVG", "png": "PNG"}
#: the largest picture a PNG may unpack to (width × height)
MAX_PNG_PIXELS = 50_000_000

i18n.add(
    {
        "annexes.title": ("Bilag", "Annexes"),
        "annexes.intro": (
            "Bilagene, der ikke er formularer: regneark, PDF og organisationsdiagram. Hver fil kontrolleres, "
            "når den uploades; en fil, der ikke kan læses, gemmes ikke.",
            "The annexes that are not forms: workbooks, PDF and organisation chart. Each file is checked "
            "when it is uploaded; a file that cannot be read is not saved.",
        ),
        "annexes.file": ("Fil", "File"),
        "annexes.state": ("Tilstand", "State"),
        "annexes.present": ("vedlagt", "attached"),
        "annexes.missing": ("mangler", "missing"),
        "annexes.not_listed": (
            "Aftalen angiver ingen fil; en upload tilføjes listen over aftaledokumenter.",
            "The agreement lists no file; an upload is added to the list of annexes.",
        ),
        "annexes.no_entry": (
            "Bilaget står ikke i aftalens liste over aftaledokumenter. Tilføj det i aftalens formular "
            "(Aftaledokumenter › Bilag), før filen kan uploades.",
            "The annex is not in the agreement's list of annexes. Add it in the agreement's form "
            "(Aftaledokumenter › Bilag) before the file can be uploaded.",
        ),
        "annexes.outside": ("stien fører uden for dossieret", "the path leads outside the dossier"),
        "annexes.download": ("Hent", "Download"),
        "annexes.upload": ("Upload", "Upload"),
        "annexes.replace": ("Erstat", "Replace"),
        "annexes.formats": ("Format", "Format"),
        "annexes.max": ("højst {mb} MB", "at most {mb} MB"),
        "annexes.uploading": ("Uploader og kontrollerer …", "Uploading and checking …"),
        "annexes.saved": ("Gemt og kontrolleret.", "Saved and checked."),
        "annexes.no_file_findings": ("Ingen fund i filen.", "No findings in the file."),
        "annexes.changed": ("Ændret", "Changed"),
        "annexes.unreadable_agreement": (
            "Aftalen (samarbejdsaftale.json) kan ikke læses, så bilagslisten kendes ikke; ret den først.",
            "The agreement (samarbejdsaftale.json) cannot be read, so the list of annexes is unknown; fix "
            "it first.",
        ),
        "annexes.preview": ("Forhåndsvisning", "Preview"),
    }
)


# --------------------------------------------------------------------------- what the agreement lists


def _agreement(folder: Path) -> dict | None:
    try:
        data = read_json(folder / AGREEMENT)
    except (OSError, ValueError, RecursionError):
        return None
    return data if isinstance(data, dict) else None


def _bilag(agreement: dict) -> list:
    docs = agreement.get("aftaledokumenter")
    bilag = docs.get("bilag") if isinstance(docs, dict) else None
    return bilag if isinstance(bilag, list) else []


def _entry(agreement: dict, kind: str) -> tuple[int, list[str]] | None:
    """(index in aftaledokumenter.bilag, its file names) of the first entry of this type, or None."""
    for i, b in enumerate(_bilag(agreement)):
        if isinstance(b, dict) and b.get("type") == kind:
            files = b.get("filer")
            return i, [f for f in files if isinstance(f, str)] if isinstance(files, list) else []
    return None


def listed_files(folder: Path) -> dict[str, str]:
    """Every file the agreement lists for one of the kinds here: file name -> kind."""
    agreement = _agreement(folder)
    out: dict[str, str] = {}
    for kind in KINDS:
        entry = _entry(agreement, kind) if agreement else None
        for rel in entry[1] if entry else []:
            out.setdefault(rel, kind)
    return out


def _formats(agreement: dict | None, kind: Kind) -> tuple[str, ...]:
    """The formats the rule set accepts for this annex that this page can read."""
    from checker import rulesets

    ruleset_id = agreement.get("regelsaet") if agreement else None
    try:
        ruleset = rulesets.load(ruleset_id) if isinstance(ruleset_id, str) else None
    except CouldNotRun:
        ruleset = None
    required = ruleset.annex(kind.type) if ruleset else None
    if required is None:
        return kind.formats
    return tuple(f for f in required.formater if f in READABLE) or kind.formats


def _suffix(rel: str) -> str:
    return rel.rsplit(".", 1)[-1].lower() if "." in rel.rsplit("/", 1)[-1] else ""


# --------------------------------------------------------------------------- the page


def _file_state(folder: Path, rel: str, findings: list, language: str) -> dict:
    path = inside(folder, rel)
    row: dict = {"rel": rel, "present": False, "outside": path is None}
    if path is not None and path.is_file():
        st = path.stat()
        row.update(
            present=True,
            bytes=st.st_size,
            size=_size(st.st_size, language),
            modified=datetime.fromtimestamp(st.st_mtime).strftime("%Y-%m-%d %H:%M"),
            download=None,  # filled in by the caller, which knows the dossier's name
        )
    row["findings"] = [finding_json(f, language) for f in findings if f.file == rel]
    return row


def _size(n: int, language: str) -> str:
    from checker.readers import format_bytes

    return format_bytes(n).get(language)


def annex_rows(request: Request, folder: Path, *, fresh: bool = False) -> tuple[list[dict], dict | None, str]:
    """Each kind with its files, their state and findings; the totals of the check; why it could not run."""
    cache = site(request).status
    status = cache.compute(folder) if fresh else (cache.get(folder) or cache.compute(folder))
    findings = status.result.sorted_findings() if status.result else []
    language = lang(request)
    agreement = _agreement(folder)
    base = f"/d/{quote(folder.name)}/annexes"
    rows = []
    for kind in KINDS.values():
        entry = _entry(agreement, kind.type) if agreement else None
        formats = _formats(agreement, kind)
        row = {
            "kind": kind.type,
            "title": kind.title.get(language),
            "formats": formats,
            "format_names": ", ".join(FORMAT_NAMES[f] for f in formats),
            "accept": ",".join(f".{f}" for f in formats),
            "limit_mb": _limit(kind) // (1024 * 1024),
            "listed": entry is not None,
            "upload": f"{base}/{kind.type}",
            "files": [],
            "entry_findings": [],
        }
        if entry is not None:
            index, files = entry
            for rel in files:
                state = _file_state(folder, rel, findings, language)
                if state["present"]:
                    state["download"] = f"{base}/file/{quote(rel)}"
                    if _suffix(rel) in ("svg", "png"):
                        state["preview"] = f"{base}/file/{quote(rel)}?inline=1"
                row["files"].append(state)
            prefix = f"/aftaledokumenter/bilag/{index}"
            row["entry_findings"] = [
                finding_json(f, language)
                for f in findings
                if f.file == AGREEMENT
                and f.pointer
                and (f.pointer == prefix or f.pointer.startswith(prefix + "/"))
            ]
        rows.append(row)
    return rows, (counts(findings) if status.result else None), status.failure


def _limit(kind: Kind) -> int:
    from checker.web.common import LIMITS

    return LIMITS[kind.limit]


async def annexes_page(request: Request):
    folder = dossier_of(request)
    rows, totals, failure = await run_in_threadpool(annex_rows, request, folder)
    if wants_json(request):
        return JSONResponse({"annexes": rows, "totals": totals, "failure": failure}, headers=SECURITY_HEADERS)
    saved = request.query_params.get("saved")
    return render(
        request,
        "annexes.html",
        name=folder.name,
        rows=rows,
        totals=totals,
        failure=failure,
        readable=_agreement(folder) is not None,
        saved=saved if saved in KINDS else None,
        refused=None,
    )


# --------------------------------------------------------------------------- reading an upload


class Refusal(Exception):
    def __init__(self, text: Text, hint: Text | None = None, code: str | None = None, status: int = 422):
        super().__init__(text.en)
        self.text, self.hint, self.code, self.status = text, hint, code, status


def _sniff(data: bytes, name: str, formats: tuple[str, ...]) -> str:
    """The format the content is (not the name): the reader for it then says whether it really is."""
    head = data[:1024]
    if head.startswith(b"\x89PNG\r\n\x1a\n") and "png" in formats:
        return "png"
    if b"%PDF-" in head and "pdf" in formats:
        return "pdf"
    if head.startswith(b"PK\x03\x04") and "xlsx" in formats:
        return "xlsx"
    if len(formats) == 1:
        return formats[0]
    by_name = _suffix(name)
    if by_name in formats:
        return by_name
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"<") and "svg" in formats:
        return "svg"
    raise Refusal(
        Text(
            f"Filen er ikke i et af de accepterede formater ({', '.join(FORMAT_NAMES[f] for f in formats)}).",
            f"The file is not in one of the accepted formats ({', '.join(FORMAT_NAMES[f] for f in formats)}).",
        ),
        Text(
            "Gem eller eksportér filen i et af formaterne; det hjælper ikke blot at omdøbe den.",
            "Save or export the file in one of the formats; renaming it is not enough.",
        ),
        "annex-format",
    )


def _read(path: Path, fmt: str) -> None:
    """Read the file as the CLI's check reads it; Refusal if it is not what it claims."""
    from checker.readers import ReaderError

    try:
        if fmt == "xlsx":
            from checker.readers.xlsx import open_workbook

            open_workbook(path)
        elif fmt == "pdf":
            from checker.readers.pdf import read_pdf

            read_pdf(path)
        elif fmt == "png":
            _read_png(path)
        elif fmt == "svg":
            _read_svg(path)
    except ReaderError as exc:
        raise Refusal(exc.message, exc.hint, exc.code) from None


def _read_png(path: Path) -> None:
    from PIL import Image

    bad = Refusal(
        Text("Filen er ikke et gyldigt PNG-billede.", "The file is not a valid PNG image."),
        Text("Gem diagrammet igen som PNG eller SVG.", "Save the diagram again as PNG or SVG."),
        "annex-unreadable",
    )
    with path.open("rb") as fh:
        if fh.read(8) != b"\x89PNG\r\n\x1a\n":
            raise bad
    try:
        with Image.open(path, formats=["PNG"]) as image:
            width, height = image.size
            if width * height > MAX_PNG_PIXELS:
                raise Refusal(
                    Text(
                        f"Billedet er {width} × {height} punkter; det må højst have {MAX_PNG_PIXELS:,} punkter.".replace(
                            ",", "."
                        ),
                        f"The image is {width} × {height} pixels; it may have at most {MAX_PNG_PIXELS:,} pixels.",
                    ),
                    Text("Gem diagrammet i en mindre opløsning.", "Save the diagram at a lower resolution."),
                    "annex-unreadable",
                )
            image.verify()
    except Refusal:
        raise
    except Exception:  # noqa: BLE001 - Pillow's errors for a broken or hostile file: not a PNG we accept
        raise bad from None


SVG = "{http://www.w3.org/2000/svg}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
#: elements that run code or embed another document
SVG_ACTIVE = {"script", "foreignObject", "iframe", "embed", "object", "handler", "listener"}
#: pictures an SVG may carry inside it
SAFE_DATA = ("data:image/png;", "data:image/jpeg;", "data:image/gif;", "data:image/webp;")


def _svg_refused(why: Text) -> Refusal:
    return Refusal(
        Text(f"SVG-filen afvises: {why.da}", f"The SVG file is refused: {why.en}"),
        Text(
            "Gem diagrammet som rent SVG (fx »Almindelig SVG« i Inkscape) eller som PNG.",
            "Save the diagram as plain SVG (e.g. 'Plain SVG' in Inkscape) or as PNG.",
        ),
        "annex-svg-unsafe",
    )


def _read_svg(path: Path) -> None:
    """The check's SVG reader (defusedxml: no entities, no external DTD, an <svg> root), and more for an
    upload, which a browser may show: no DOCTYPE at all, no script or embedded document, no event-handler
    attribute, no reference outside the file, no style importing another."""
    import re

    from defusedxml import ElementTree
    from defusedxml.common import DefusedXmlException

    from checker.rules.annexes import _svg_problem

    problem = _svg_problem(path)
    if problem is not None:
        raise Refusal(
            Text(f"SVG-filen kan ikke læses: {problem.da}", f"The SVG file cannot be read: {problem.en}"),
            Text("Gem diagrammet igen som SVG eller PNG.", "Save the diagram again as SVG or PNG."),
            "annex-unreadable",
        )
    raw = path.read_bytes()
    try:
        root = ElementTree.fromstring(raw, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise _svg_refused(Text("den har en DOCTYPE-erklæring.", "it has a DOCTYPE declaration.")) from None
    except Exception:  # noqa: BLE001 - _svg_problem has parsed it already; any other failure is the file's
        raise _svg_refused(Text("den er ikke gyldig XML.", "it is not valid XML.")) from None
    if b"<?xml-stylesheet" in raw:
        raise _svg_refused(Text("den henter et stylesheet udefra.", "it loads a style sheet from outside."))
    external_url = re.compile(r"url\(\s*['\"]?\s*(?!#)", re.I)
    for element in root.iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        local = tag.rsplit("}", 1)[-1]
        if local in SVG_ACTIVE:
            raise _svg_refused(
                Text(f"den indeholder et <{local}>-element.", f"it contains a <{local}> element.")
            )
        for name, value in element.attrib.items():
            attr = name.rsplit("}", 1)[-1]
            if attr.lower().startswith("on"):
                raise _svg_refused(
                    Text(
                        f"den har en hændelseshandler ({attr}), som kan køre et script.",
                        f"it has an event handler ({attr}), which can run a script.",
                    )
                )
            if attr in ("href", "src") and not (
                value.strip().startswith("#") or value.strip().lower().startswith(SAFE_DATA)
            ):
                raise _svg_refused(
                    Text(
                        f"den henviser til noget uden for filen ({value[:80]}).",
                        f"it refers to something outside the file ({value[:80]}).",
                    )
                )
            if attr == "style" and ("@import" in value.lower() or external_url.search(value)):
                raise _svg_refused(
                    Text("en stil henter noget udefra.", "a style loads something from outside.")
                )
        if local == "style" and element.text:
            css = element.text.lower()
            if "@import" in css or external_url.search(css):
                raise _svg_refused(
                    Text("dens stilark henter noget udefra.", "its style sheet loads something from outside.")
                )


def _check_upload(data: bytes, name: str, formats: tuple[str, ...]) -> str:
    """The format of the upload after its reader has read it from a private temporary file; Refusal if
    it is not readable as what it is. Nothing of it is left behind."""
    fmt = _sniff(data, name, formats)
    with tempfile.TemporaryDirectory(prefix="aftale-upload-") as tmp:
        path = Path(tmp) / f"upload.{fmt}"
        path.write_bytes(data)
        _read(path, fmt)
    return fmt


# --------------------------------------------------------------------------- writing it


def _plan(folder: Path, kind: Kind, fmt: str, wanted: str | None) -> tuple[str, dict | None, str | None, str]:
    """(the file to write, the agreement as it must become or None, the file it replaces under another name
    or None, the agreement's text as read) for an upload of format `fmt`; Refusal if there is none."""
    path = folder / AGREEMENT
    try:
        text = path.read_bytes().decode("utf-8-sig")
        agreement = json.loads(text)
    except (OSError, ValueError, RecursionError):
        raise Refusal(
            Text(
                "Aftalen (samarbejdsaftale.json) kan ikke læses; bilaget gemmes ikke. Ret aftalen først.",
                "The agreement (samarbejdsaftale.json) cannot be read; the annex is not saved. Fix the "
                "agreement first.",
            ),
            status=409,
        ) from None
    entry = _entry(agreement, kind.type) if isinstance(agreement, dict) else None
    if entry is None:
        raise Refusal(
            Text(
                f"»{kind.title.da}« står ikke i aftalens liste over aftaledokumenter. Tilføj bilaget i aftalens "
                "formular (Aftaledokumenter › Bilag), og upload så filen.",
                f"'{kind.title.en}' is not in the agreement's list of annexes. Add the annex in the agreement's "
                "form (Aftaledokumenter › Bilag), then upload the file.",
            ),
            status=409,
        )
    index, files = entry
    if wanted is not None and wanted not in files:
        raise Refusal(
            Text("Aftalen angiver ikke den fil.", "The agreement does not list that file."), status=409
        )
    current = wanted if wanted is not None else (files[0] if files else None)
    if current is None:
        stem = kind.default.rsplit(".", 1)[0]
        target, replaced = f"{stem}.{fmt}", None
    elif _suffix(current) == fmt:
        target, replaced = current, None
    else:
        stem = current.rsplit(".", 1)[0] if "." in current.rsplit("/", 1)[-1] else current
        target, replaced = f"{stem}.{fmt}", current
    if inside(folder, target) is None:
        raise Refusal(
            Text(
                f"Stien {target} fører uden for dossieret; bilaget gemmes ikke.",
                f"The path {target} leads outside the dossier; the annex is not saved.",
            ),
            status=409,
        )
    changed = None
    if target in files:
        replaced = None  # the file in the new format is listed already: it is overwritten, the old one stays
    else:
        changed = json.loads(text)
        filer = changed["aftaledokumenter"]["bilag"][index]["filer"]
        if replaced is not None:
            filer[filer.index(replaced)] = target
            # section 2 may name the diagram's file too: it follows the list
            organisering = changed.get("organisering")
            if isinstance(organisering, dict) and organisering.get("organisationsdiagram") == replaced:
                organisering["organisationsdiagram"] = target
        else:
            filer.append(target)
    others = {
        r
        for i, b in enumerate(_bilag(agreement))
        if i != index and isinstance(b, dict) and isinstance(b.get("filer"), list)
        for r in b["filer"]
    }
    if replaced is not None and replaced in others:
        replaced = None  # still listed as another annex: kept
    return target, changed, replaced, text


def _store(folder: Path, kind: Kind, fmt: str, data: bytes, wanted: str | None) -> str:
    """Write the checked upload under the dossier lock; returns the file name it was written as."""
    from checker.files import dossier_lock, write_file
    from checker.jsonedit import rewrite_document

    with dossier_lock(folder, wait=5):
        target, changed, replaced, text = _plan(folder, kind, fmt, wanted)
        edited = None
        if changed is not None:
            bom = "\ufeff" if (folder / AGREEMENT).read_bytes().startswith(b"\xef\xbb\xbf") else ""
            try:
                edited = bom + rewrite_document(text, changed)[0]
            except (ValueError, RecursionError):
                raise Refusal(
                    Text(
                        "Listen over aftaledokumenter kunne ikke opdateres sikkert; intet er gemt.",
                        "The list of annexes could not be updated safely; nothing was saved.",
                    ),
                    status=409,
                ) from None
        path = inside(folder, target)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_file(path, data)
        if edited is not None:
            write_file(folder / AGREEMENT, edited)
        if replaced is not None:
            old = inside(folder, replaced)
            if old is not None and old.is_file():
                old.unlink()
    return target


async def upload_annex(request: Request):
    folder = dossier_of(request)
    kind = KINDS.get(request.path_params["kind"])
    if kind is None:
        raise NotFound
    language = lang(request)
    try:
        try:
            name, data, fields = await upload(request, kind.limit)
        except UploadRefused as exc:
            raise Refusal(exc.text, status=exc.status_code) from None
        wanted = fields.get("fil") or None
        formats = await run_in_threadpool(_formats, _agreement(folder), kind)
        fmt = await run_in_threadpool(_check_upload, data, name, formats)
        target = await run_in_threadpool(_store, folder, kind, fmt, data, wanted)
    except Refusal as exc:
        return await _refused(request, folder, kind, exc)
    except CouldNotRun as exc:  # the dossier is locked by another run, or cannot be written
        return await _refused(request, folder, kind, Refusal(exc.text, status=409))
    rows, totals, failure = await run_in_threadpool(annex_rows, request, folder, fresh=True)
    row = next(r for r in rows if r["kind"] == kind.type)
    if not wants_json(request):
        return RedirectResponse(f"/d/{quote(folder.name)}/annexes?saved={kind.type}#annex-{kind.type}", 303)
    saved = next((f for f in row["files"] if f["rel"] == target), None)
    return JSONResponse(
        {
            "saved": target,
            "format": fmt,
            "message": Text("Gemt og kontrolleret.", "Saved and checked.").get(language),
            "findings": saved["findings"] if saved else [],
            "annex": row,
            "totals": totals,
            "failure": failure,
        },
        headers=SECURITY_HEADERS,
    )


async def _refused(request: Request, folder: Path, kind: Kind, exc: Refusal):
    language = lang(request)
    message = exc.text.get(language)
    hint = exc.hint.get(language) if exc.hint else None
    if wants_json(request):
        return JSONResponse(
            {"error": message, "hint": hint, "code": exc.code, "kind": kind.type},
            status_code=exc.status,
            headers=SECURITY_HEADERS,
        )
    rows, totals, failure = await run_in_threadpool(annex_rows, request, folder)
    return render(
        request,
        "annexes.html",
        status_code=exc.status,
        name=folder.name,
        rows=rows,
        totals=totals,
        failure=failure,
        readable=_agreement(folder) is not None,
        saved=None,
        refused={"kind": kind.type, "message": message, "hint": hint},
    )


# --------------------------------------------------------------------------- downloading


async def download(request: Request):
    folder = dossier_of(request)
    rel = request.path_params["rel"]
    if rel not in listed_files(folder):
        raise NotFound
    path = inside(folder, rel)
    if path is None or not path.is_file():
        raise NotFound
    suffix = _suffix(rel)
    inline = request.query_params.get("inline") == "1" and suffix in ("svg", "png")
    return file_response(
        path, rel.rsplit("/", 1)[-1], MEDIA_TYPES.get(suffix, "application/octet-stream"), inline
    )


routes = [
    Route("/d/{name}/annexes", annexes_page, methods=["GET"]),
    Route("/d/{name}/annexes/file/{rel:path}", download, methods=["GET"]),
    Route("/d/{name}/annexes/{kind}", upload_annex, methods=["POST"]),
]
