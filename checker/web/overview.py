"""The overview: every dossier in the served folder with its plan, period, rule set, version, the state of
its check, its signatures and its next milestone; and the dossier's own page listing its documents."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse
from starlette.routing import Route

from checker.portfolio import next_milestone
from checker.schema import DOCUMENT_TYPES
from checker.web import i18n
from checker.web.common import (
    LANG_COOKIE,
    SECURITY_HEADERS,
    counts,
    dossier_of,
    finding_json,
    lang,
    read_json,
    render,
    site,
)
from checker.web.security import dossier_folder

i18n.add(
    {
        "overview.unreachable": (
            "Disse mapper har en samarbejdsaftale.json, men kan ikke åbnes her:",
            "These folders have a samarbejdsaftale.json but cannot be opened here:",
        ),
        "overview.itself": (
            "Mappen er selv et dossier. »aftale serve« viser mappen, der indeholder dossiererne; start den "
            "med: aftale serve {parent}",
            "The folder is a dossier itself. 'aftale serve' shows the folder that holds the dossiers; start "
            "it with: aftale serve {parent}",
        ),
        "overview.bad_name": (
            "mappenavnet må kun have bogstaver, tal, punktum, bindestreg og understreg og skal begynde med et "
            "bogstav eller tal (højst 100 tegn); omdøb mappen, fx med bindestreg i stedet for mellemrum.",
            "the folder name may only have letters, digits, dot, hyphen and underscore and must begin with a "
            "letter or digit (at most 100 characters); rename the folder, e.g. with a hyphen for a space.",
        ),
    }
)


def _summary(folder: Path, today: date) -> dict:
    """What the overview shows of one dossier, read from its agreement without checking it."""
    row: dict = {"name": folder.name, "plan": None, "period": None, "ruleset": None, "version": None}
    try:
        agreement = read_json(folder / "samarbejdsaftale.json")
    except (OSError, ValueError, RecursionError):
        row["unreadable"] = True
        return row
    if not isinstance(agreement, dict):
        row["unreadable"] = True
        return row

    def text(value) -> str | None:
        return value if isinstance(value, str) else None

    periode = agreement.get("periode") if isinstance(agreement.get("periode"), dict) else {}
    version = agreement.get("version") if isinstance(agreement.get("version"), dict) else {}
    underskrifter = agreement.get("underskrifter")
    blocks = [b for b in underskrifter if isinstance(b, dict)] if isinstance(underskrifter, list) else []
    row.update(
        plan=text(agreement.get("helhedsplan")),
        title=text(agreement.get("titel")),
        start=text(periode.get("start")),
        end=text(periode.get("slut")),
        ruleset=text(agreement.get("regelsaet")),
        version=text(version.get("nummer")),
        lbf_status=text(version.get("lbf_status")),
        signed=sum(1 for b in blocks if b.get("navn")),
        signers=len(blocks),
        example=isinstance(agreement.get("metadata"), dict)
        and agreement["metadata"].get("oprindelse") == "eksempel",
        milestone=next_milestone(folder, today),
    )
    return row


def dossiers(root: Path) -> list[Path]:
    try:
        names = sorted(p.name for p in root.iterdir())
    except OSError:
        return []
    found = []
    for name in names:
        folder = dossier_folder(root, name)
        if folder is not None and (folder / "samarbejdsaftale.json").is_file():
            found.append(folder)
    return found


def unreachable(root: Path) -> list[str]:
    """Subfolders that hold an agreement but whose name an address cannot carry safely (a space, a
    parenthesis): the overview names them, rather than leaving the user to wonder where they went. (A
    link is not named: it may lead out of the served folder, which the server never shows.)"""
    try:
        entries = sorted(root.iterdir(), key=lambda p: p.name)
    except OSError:
        return []
    out = []
    for path in entries:
        if path.name.startswith(".") or path.is_symlink() or dossier_folder(root, path.name) is not None:
            continue
        try:
            if path.is_dir() and (path / "samarbejdsaftale.json").is_file():
                out.append(path.name)
        except OSError:
            continue
    return out


def _status(request: Request, folder: Path) -> dict:
    status = site(request).status.get(folder)
    if status is None:
        return {"state": "checking"}
    if status.result is None:
        return {"state": "failed", "message": status.failure}
    return {"state": "checked", **counts(status.result.findings)}


async def overview(request: Request):
    today = date.today()
    rows = []
    for folder in dossiers(site(request).root):
        row = _summary(folder, today)
        row["status"] = _status(request, folder)
        rows.append(row)
    root = site(request).root
    hidden = unreachable(root)
    # `aftale serve DOSSIER`, as every other command takes it: the dossier's own subfolders are no dossiers
    itself = (root / "samarbejdsaftale.json").is_file()
    return render(
        request,
        "overview.html",
        rows=rows,
        root=str(root),
        hidden=hidden,
        itself=itself,
        parent=str(root.parent),
    )


async def status_api(request: Request):
    """The check state of every dossier, for the overview to fill in what was still being checked."""
    out = {folder.name: _status(request, folder) for folder in dossiers(site(request).root)}
    return JSONResponse(out, headers=SECURITY_HEADERS)


def documents(folder: Path) -> list[dict]:
    """The dossier's JSON documents, in the order a reader expects: the agreement, then the annexes."""
    from checker.dossier import open_dossier

    order = list(DOCUMENT_TYPES)
    out = []
    for path, rel in open_dossier(folder).json_files:
        try:
            data = read_json(path)
        except (OSError, ValueError, RecursionError):
            data = None
        doctype = data.get("dokumenttype") if isinstance(data, dict) else None
        if not isinstance(doctype, str) or doctype not in DOCUMENT_TYPES:  # a list or an object too
            doctype = None
        title = data.get("titel") if isinstance(data, dict) and isinstance(data.get("titel"), str) else None
        out.append(
            {
                "rel": rel,
                "doctype": doctype,
                "title": title,
                "kind": DOCUMENT_TYPES.get(doctype, (None, rel, rel)),
            }
        )
    out.sort(key=lambda d: (order.index(d["doctype"]) if d["doctype"] in order else len(order), d["rel"]))
    return out


async def dossier_page(request: Request):
    folder = dossier_of(request)
    status = site(request).status.get(folder)
    if status is None:  # checked off the event loop: a large workbook takes seconds, other requests go on
        status = await run_in_threadpool(site(request).status.compute, folder)
    language = lang(request)
    findings = status.result.sorted_findings() if status.result else []
    per_file: dict[str, dict] = {}
    for f in findings:
        c = per_file.setdefault(f.file, {"errors": 0, "warnings": 0})
        if f.severity.value == "error":
            c["errors"] += 1
        elif f.severity.value == "warning":
            c["warnings"] += 1
    docs = await run_in_threadpool(documents, folder)
    for d in docs:
        d["counts"] = per_file.get(d["rel"], {"errors": 0, "warnings": 0})
    json_rels = {d["rel"] for d in docs}
    others = [finding_json(f, language) for f in findings if f.file not in json_rels]
    return render(
        request,
        "dossier.html",
        name=folder.name,
        summary=_summary(folder, date.today()),
        docs=docs,
        failure=status.failure,
        totals=counts(findings),
        others=others,
    )


async def set_language(request: Request):
    chosen = request.path_params["lang"]
    back = request.headers.get("referer") or "/"
    # only a path on this server: never an open redirect
    path = "/" + back.split("://", 1)[-1].split("/", 1)[-1] if "://" in back else "/"
    response = RedirectResponse(path if path.startswith("/") and not path.startswith("//") else "/", 303)
    if chosen in ("da", "en"):
        response.set_cookie(LANG_COOKIE, chosen, samesite="strict", path="/")
    return response


routes = [
    Route("/", overview),
    Route("/api/status", status_api),
    Route("/d/{name}", dossier_page),
    Route("/lang/{lang}", set_language),
]
