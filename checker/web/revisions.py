"""Revisions: the dossier's version and history, a new version started as a copy, the difference from
another dossier in the users' words (`aftale diff`), and the ændringsoversigt as Word or PDF.

A new version is a copy of the dossier in a new sibling folder (the README's revision: copy, then edit),
made under the dossier's lock, without dot-files or build output, built in a hidden staging folder
beside it and moved into place in one step. Its agreement gets the next `version` (nummer + 1, today's
date, the description given, `aendrer`: the version it amends, `lbf_status`: udkast, as the rule
`revision-incomplete` asks) and the same entry last in `historik` (rule `revision-history`), written
with checker.jsonedit.rewrite_document: every other byte stays as it was.
"""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import tempfile
from datetime import date
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from checker.findings import CouldNotRun, Text
from checker.web import i18n
from checker.web.common import (
    SECURITY_HEADERS,
    NotFound,
    dossier_of,
    file_response,
    job_file,
    job_of,
    lang,
    outputs,
    problem,
    read_json,
    render,
    site,
    small_form,
    small_json,
)
from checker.web.security import NAME, dossier_folder

AGREEMENT = "samarbejdsaftale.json"
MAX_FORM = 64 * 1024
#: a folder of build output (the CLI never builds into a dossier, but a hand-made copy may hold one)
OUTPUT_FOLDERS = ("generated",)
FORMATS = {"docx": "Word", "pdf": "PDF"}

i18n.add(
    {
        "revisions.title": ("Revisioner", "Revisions"),
        "revisions.current": ("Gældende version", "Current version"),
        "revisions.number": ("Nummer", "Number"),
        "revisions.date": ("Dato", "Date"),
        "revisions.description": ("Beskrivelse", "Description"),
        "revisions.amends": ("Ændrer version", "Amends version"),
        "revisions.lbf_status": ("Status hos Landsbyggefonden", "Status at Landsbyggefonden"),
        "revisions.lbf_reference": ("Landsbyggefondens reference", "Landsbyggefonden's reference"),
        "revisions.history": ("Versionshistorik", "Version history"),
        "revisions.summary": ("Resumé", "Summary"),
        "revisions.no_history": ("Ingen historik.", "No history."),
        "revisions.new": ("Start en ny version", "Start a new version"),
        "revisions.new_intro": (
            "Dossieret kopieres til en ny mappe ved siden af (uden byggede filer); kopien får version {next} "
            "med dagens dato, »ændrer« {current} og status »udkast« hos Landsbyggefonden. Ret derefter kopien.",
            "The dossier is copied to a new folder beside it (without built files); the copy gets version {next} "
            "with today's date, 'amends' {current} and status 'udkast' at Landsbyggefonden. Then edit the copy.",
        ),
        "revisions.new_name": ("Den nye mappes navn", "The new folder's name"),
        "revisions.new_description": ("Hvad ændrer den nye version?", "What does the new version change?"),
        "revisions.create": ("Start den nye version", "Start the new version"),
        "revisions.compare": ("Forskel fra et andet dossier", "Difference from another dossier"),
        "revisions.compare_with": (
            "Sammenlign med (den forrige version)",
            "Compare with (the previous version)",
        ),
        "revisions.choose": ("vælg …", "choose …"),
        "revisions.show": ("Vis forskellen", "Show the difference"),
        "revisions.no_siblings": (
            "Der er ingen andre dossierer i mappen at sammenligne med.",
            "There are no other dossiers in the folder to compare with.",
        ),
        "revisions.changes_from": ("Ændringer fra {old} til {new}", "Changes from {old} to {new}"),
        "revisions.overview": (
            "Ændringsoversigten til Landsbyggefonden",
            "The ændringsoversigt for Landsbyggefonden",
        ),
        "revisions.make": ("Lav ændringsoversigten ({fmt})", "Make the ændringsoversigt ({fmt})"),
        "revisions.download": ("Hent ændringsoversigten", "Download the ændringsoversigt"),
        "revisions.working": ("Arbejder …", "Working …"),
        "revisions.kept_signatures": (
            "Bemærk: kopien har de registrerede underskrifter fra den forrige version; ret dem på fanen "
            "Underskrifter, når den nye version er underskrevet.",
            "Note: the copy has the recorded signatures of the previous version; correct them on the "
            "Signatures tab when the new version has been signed.",
        ),
    }
)


# --------------------------------------------------------------------------- the new version


def next_number(nummer: str) -> str:
    """The version after `nummer`: "1" -> "2", "2.1" -> "3". CouldNotRun when it does not start with a number."""
    m = re.match(r"^\s*(\d{1,6})", nummer or "")
    if not m:
        raise CouldNotRun(
            Text(
                f"Versionsnummeret »{nummer}« er ikke et tal; ret det under »version« først.",
                f"The version number '{nummer}' is not a number; correct it under 'version' first.",
            )
        )
    return str(int(m.group(1)) + 1)


def bumped(agreement: dict, description: str, today: date) -> dict:
    """The agreement as the new version: `version` renewed, the same entry appended to `historik`."""
    new = copy.deepcopy(agreement)
    old_version = agreement.get("version") if isinstance(agreement.get("version"), dict) else {}
    current = str(old_version.get("nummer", ""))
    number = next_number(current)
    new["version"] = {
        "nummer": number,
        "dato": today.isoformat(),
        "beskrivelse": description,
        "aendrer": current,
        "lbf_status": "udkast",
    }
    history = new.get("historik") if isinstance(new.get("historik"), list) else None
    if history is None:
        # no history yet: the version amended comes first, as the rule revision-history reads it
        first = {"nummer": current, "resume": old_version.get("beskrivelse") or f"Version {current}"}
        if old_version.get("dato"):
            first["dato"] = old_version["dato"]
        history = [first]
    history.append(
        {
            "nummer": number,
            "dato": today.isoformat(),
            "resume": description,
            "aendrer": current,
            "lbf_status": "udkast",
        }
    )
    new["historik"] = history
    return new


def _refuse_name(name: str, root: Path) -> Text | None:
    if not NAME.match(name) or name in (".", ".."):
        return Text(
            f"»{name}« kan ikke være et mappenavn: brug bogstaver, tal, punktum, bindestreg og understreg, "
            "og begynd med et bogstav eller tal (ingen / eller ..).",
            f"'{name}' cannot be a folder name: use letters, digits, dot, hyphen and underscore, and begin "
            "with a letter or digit (no / or ..).",
        )
    if os.path.lexists(root / name):
        return Text(
            f"{name} findes allerede i mappen; vælg et andet navn. Intet er oprettet.",
            f"{name} already exists in the folder; choose another name. Nothing was created.",
        )
    return None


def _copy_files(source: Path, target: Path) -> None:
    """The dossier's files into `target` (which exists): no dot-files or dot-folders, no build output;
    a link refuses the copy (a dossier's files are its own)."""
    from checker.dossier import MAX_FILES
    from checker.files import is_own_output

    count = 0
    for dirpath, dirnames, filenames in os.walk(source, followlinks=False):
        here = Path(dirpath)
        rel = here.relative_to(source)
        keep = []
        for d in sorted(dirnames):
            path = here / d
            if d.startswith("."):
                continue
            if path.is_symlink():
                raise CouldNotRun(
                    Text(
                        f"{(rel / d).as_posix()} er en genvej (symlink); dossieret kopieres ikke.",
                        f"{(rel / d).as_posix()} is a symbolic link; the dossier is not copied.",
                    )
                )
            if (rel == Path(".") and d in OUTPUT_FOLDERS) or is_own_output(path, "build"):
                continue
            keep.append(d)
            (target / rel / d).mkdir()
        dirnames[:] = keep
        for f in sorted(filenames):
            if f.startswith("."):
                continue
            path = here / f
            if path.is_symlink() or not path.is_file():
                raise CouldNotRun(
                    Text(
                        f"{(rel / f).as_posix()} er ikke en almindelig fil; dossieret kopieres ikke.",
                        f"{(rel / f).as_posix()} is not a plain file; the dossier is not copied.",
                    )
                )
            count += 1
            if count > MAX_FILES:
                raise CouldNotRun(
                    Text(
                        f"Dossieret har mere end {MAX_FILES} filer; det kopieres ikke.",
                        f"The dossier has more than {MAX_FILES} files; it is not copied.",
                    )
                )
            shutil.copy2(path, target / rel / f, follow_symlinks=False)


def start_version(root: Path, folder: Path, name: str, description: str, today: date) -> Path:
    """Copy `folder` to root/name as the next version (see the module docstring); the new folder."""
    from checker.files import dossier_lock, write_file
    from checker.jsonedit import rewrite_document

    refused = _refuse_name(name, root)
    if refused is not None:
        raise CouldNotRun(refused)
    target = root / name
    with dossier_lock(folder):
        raw = (folder / AGREEMENT).read_bytes()
        bom = "\ufeff" if raw.startswith(b"\xef\xbb\xbf") else ""
        try:
            text = raw.decode("utf-8-sig")
            agreement = json.loads(text)
            if not isinstance(agreement, dict):
                raise ValueError("not an object")
        except (ValueError, RecursionError):
            raise CouldNotRun(
                Text(
                    f"{AGREEMENT} kan ikke læses; ret den først (se »aftale validate«).",
                    f"{AGREEMENT} cannot be read; fix it first (see 'aftale validate').",
                )
            ) from None
        edited, _changed = rewrite_document(text, bumped(agreement, description, today))
        staging = Path(tempfile.mkdtemp(prefix=f".{name}.", dir=root))
        try:
            staging.chmod(folder.stat().st_mode & 0o7777)
            _copy_files(folder, staging)
            write_file(staging / AGREEMENT, bom + edited)
            refused = _refuse_name(name, root)  # made meanwhile by someone else?
            if refused is not None:
                raise CouldNotRun(refused)
            os.rename(staging, target)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    return target


async def new_version(request: Request):
    folder = dossier_of(request)
    fields = await small_form(request, MAX_FORM)
    name = fields.get("name", "").strip()
    description = " ".join(fields.get("description", "").split())
    if not description:
        return problem(
            request,
            Text("Skriv, hvad den nye version ændrer.", "Say what the new version changes."),
            422,
        )
    root = site(request).root
    try:
        target = await run_in_threadpool(start_version, root, folder, name, description, date.today())
    except CouldNotRun as exc:
        return problem(request, exc.text, 422)
    except OSError as exc:
        return problem(
            request,
            Text(
                f"Den nye version kunne ikke oprettes: {exc.strerror or exc}. Intet er oprettet.",
                f"The new version could not be created: {exc.strerror or exc}. Nothing was created.",
            ),
            500,
        )
    site(request).status.want(target)
    return JSONResponse(
        {"created": target.name, "url": f"/d/{target.name}/revisions?compare={folder.name}"},
        headers=SECURITY_HEADERS,
    )


# --------------------------------------------------------------------------- the page and the diff


def _agreement(folder: Path) -> dict:
    try:
        data = read_json(folder / AGREEMENT)
    except (OSError, ValueError, RecursionError):
        return {}
    return data if isinstance(data, dict) else {}


def _siblings(request: Request, folder: Path) -> list[Path]:
    from checker.web.overview import dossiers

    return [f for f in dossiers(site(request).root) if f != folder]


def _predecessor(folder: Path, agreement: dict, siblings: list[Path]) -> str | None:
    """The sibling this version amends: same plan, its version number is ours' `aendrer`; a folder
    whose name begins ours is preferred."""
    version = agreement.get("version") if isinstance(agreement.get("version"), dict) else {}
    amends = version.get("aendrer")
    if not amends:
        return None
    found = []
    for s in siblings:
        other = _agreement(s)
        v = other.get("version") if isinstance(other.get("version"), dict) else {}
        if v.get("nummer") == amends and other.get("helhedsplan") == agreement.get("helhedsplan"):
            found.append(s.name)
    found.sort(key=lambda n: (not folder.name.startswith(n), n))
    return found[0] if found else None


def _diff(old: Path, new: Path, language: str) -> dict:
    from checker.diff import diff_dossiers
    from checker.report.changes import APPROVAL_MARK, summary

    changes = diff_dossiers(old, new)
    files: list[dict] = []
    for c in changes:
        if not files or files[-1]["file"] != c.file:
            files.append({"file": c.file, "changes": []})
        line = c.line(language)
        if c.cell:
            line += f" ({'cell' if language == 'en' else 'celle'} {c.cell})"
        files[-1]["changes"].append({"line": line, "lbf": c.needs_lbf_approval, "kind": c.kind})
    return {
        "files": files,
        "summary": summary(changes, language),
        "count": len(changes),
        "mark": APPROVAL_MARK.get(language),
    }


def _list(value) -> list:
    """A list from the dossier's JSON, or [] when it holds null or another type (the check reports it)."""
    return value if isinstance(value, list) else []


def _compared(request: Request, folder: Path, name: str | None) -> Path | None:
    if not name:
        return None
    other = dossier_folder(site(request).root, name)
    if other is None or other == folder or not (other / AGREEMENT).is_file():
        raise NotFound
    return other


async def page(request: Request):
    folder = dossier_of(request)
    agreement = await run_in_threadpool(_agreement, folder)
    siblings = await run_in_threadpool(_siblings, request, folder)
    if "compare" in request.query_params:
        chosen = request.query_params["compare"] or None
    else:
        chosen = await run_in_threadpool(_predecessor, folder, agreement, siblings)
    other = _compared(request, folder, chosen)
    language = lang(request)
    diff, failure = None, None
    if other is not None:
        try:
            diff = await run_in_threadpool(_diff, other, folder, language)
        except CouldNotRun as exc:
            failure = exc.text.get(language)
    version = agreement.get("version") if isinstance(agreement.get("version"), dict) else {}
    history = [h for h in _list(agreement.get("historik")) if isinstance(h, dict)]
    try:
        upcoming = next_number(str(version.get("nummer", "")))
    except CouldNotRun:
        upcoming = None
    blocks = [b for b in _list(agreement.get("underskrifter")) if isinstance(b, dict)]
    running = site(request).jobs.running(folder, "aendringsoversigt")
    return render(
        request,
        "revisions.html",
        name=folder.name,
        current=version,
        history=history,
        upcoming=upcoming,
        suggested=f"{folder.name}-v{upcoming}" if upcoming else "",
        siblings=[s.name for s in siblings],
        compare=other.name if other else None,
        diff=diff,
        failure=failure,
        has_recorded=any("navn" in b for b in blocks),
        formats=FORMATS,
        running=running.id if running else None,
    )


# --------------------------------------------------------------------------- the ændringsoversigt


async def make_changes(request: Request):
    """`aftale diff OLD NEW --format docx|pdf --output FILE`, as a job (the PDF takes LibreOffice)."""
    from checker.diff import diff_dossiers
    from checker.report.changes import write_changes_document

    folder = dossier_of(request)
    sent = await small_json(request, MAX_FORM)
    fmt = sent.get("format")
    if fmt not in FORMATS or not isinstance(sent.get("compare"), str):
        return problem(request, Text("Formularen kunne ikke læses.", "The form could not be read."), 400)
    old = _compared(request, folder, sent["compare"])
    base = outputs(request, "aendringer") / folder.name

    def work(job):
        job.step(Text("Sammenligner dossiererne …", "Comparing the dossiers …"))
        changes = diff_dossiers(old, folder)
        job.step(
            Text("Skriver ændringsoversigten (PDF/A) …", "Writing the ændringsoversigt (PDF/A) …")
            if fmt == "pdf"
            else Text("Skriver ændringsoversigten …", "Writing the ændringsoversigt …")
        )
        shutil.rmtree(base, ignore_errors=True)  # only the latest of a dossier is kept
        out = base / job.id / f"aendringsoversigt-{old.name}-{folder.name}.{fmt}"
        out.parent.mkdir(parents=True)
        write_changes_document(changes, old, folder, out, pdf=fmt == "pdf")
        job.step(Text("Færdig.", "Done."))
        return {"path": out, "format": fmt, "changes": len(changes)}

    job = site(request).jobs.start("aendringsoversigt", folder, work)
    return JSONResponse({"job": job.id}, headers=SECURITY_HEADERS)


def _job(request: Request, folder: Path):
    return job_of(request, folder, "aendringsoversigt")


async def job_state(request: Request):
    folder = dossier_of(request)
    job = _job(request, folder)
    out = job.as_dict(lang(request))
    if job.state == "done":
        out["download"] = f"/d/{folder.name}/revisions/changes/{job.id}"
        out["format"] = job.result["format"]
    return JSONResponse(out, headers=SECURITY_HEADERS)


async def download(request: Request):
    path = job_file(request, dossier_of(request), "aendringsoversigt")
    media = (
        "application/pdf"
        if path.suffix == ".pdf"
        else "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    return file_response(path, path.name, media)


routes = [
    Route("/d/{name}/revisions", page),
    Route("/d/{name}/revisions/new", new_version, methods=["POST"]),
    Route("/d/{name}/revisions/changes", make_changes, methods=["POST"]),
    Route("/d/{name}/revisions/jobs/{job}", job_state),
    Route("/d/{name}/revisions/changes/{job}", download),
]
