"""Signatures: who must sign the agreement and each delaftale, and who has; recording a signature given
elsewhere; verifying an uploaded signed PDF; and the submission package.

Every step calls what the command line calls:
- recording is `aftale sign DOSSIER --record` (checker.record.record_signature, under the dossier lock);
- the uploaded PDF is verified as `aftale verify PDF` verifies it (checker.sign.verify.verify_pdf on a
  private copy, reported through checker.report.signatures), with no trust certificates, as the command
  without --trust;
- the package is `aftale package DOSSIER` (checker.package.create_package) with its defaults: the build
  in generated/<dossier> (under the folder the server was started in), no --previous unless chosen, no
  --trust, unsealed (sealing needs the secretariat's key and certificate, which a browser does not hand
  over). `--draft` is offered as an explicit choice. The zip goes to a folder of the server's own and is
  downloaded from there.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from datetime import date
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from checker.findings import CouldNotRun, Severity, Text
from checker.web import i18n
from checker.web.common import (
    SECURITY_HEADERS,
    dossier_of,
    file_response,
    finding_json,
    job_file,
    job_of,
    lang,
    outputs,
    problem,
    render,
    site,
    small_form,
    small_json,
    upload,
)
from checker.web.documents import build_folder
from checker.web.jobs import Refused
from checker.web.security import dossier_folder

AGREEMENT = "samarbejdsaftale.json"
MAX_FORM = 64 * 1024

i18n.add(
    {
        "signatures.title": ("Underskrifter", "Signatures"),
        "signatures.intro": (
            "Hver part, der skal underskrive aftalen og delaftalerne, og om underskriften er registreret.",
            "Every party that must sign the agreement and the delaftaler, and whether the signature is recorded.",
        ),
        "signatures.party": ("Part", "Party"),
        "signatures.recorded": ("Registreret underskrift", "Recorded signature"),
        "signatures.in_build": ("I den byggede PDF", "In the built PDF"),
        "signatures.missing": ("mangler", "missing"),
        "signatures.method.wet-ink": ("på papir", "on paper"),
        "signatures.method.e-signature": ("elektronisk", "electronic"),
        "signatures.record": (
            "Registrér en underskrift givet andetsteds",
            "Record a signature given elsewhere",
        ),
        "signatures.correct": ("Ret registreringen", "Correct the record"),
        "signatures.name": ("Underskriverens navn", "Signer's name"),
        "signatures.date": ("Dato", "Date"),
        "signatures.method": ("Måde", "Method"),
        "signatures.signer_title": ("Titel (valgfri)", "Title (optional)"),
        "signatures.replace": (
            "Erstat en registreret underskrift",
            "Replace a recorded signature",
        ),
        "signatures.save": ("Registrér", "Record"),
        "signatures.build_none": (
            "Der er ingen bygning i {dir} endnu; byg dokumenterne på fanen Byg.",
            "There is no build in {dir} yet; build the documents on the Build tab.",
        ),
        "signatures.build_stale": (
            "Bygningen i {dir} er lavet af andre kilder end dossierets nuværende; byg dokumenterne igen.",
            "The build in {dir} was made from other sources than the dossier's current ones; build again.",
        ),
        "signatures.build_draft": (
            "Bygningen i {dir} er et udkast (UDKAST).",
            "The build in {dir} is a draft (UDKAST).",
        ),
        "signatures.d.signed": ("underskrevet digitalt", "signed digitally"),
        "signatures.d.broken": ("digital underskrift holder ikke", "digital signature does not hold"),
        "signatures.d.recorded": ("registreret (underskrevet andetsteds)", "recorded (signed elsewhere)"),
        "signatures.d.missing": ("ikke underskrevet", "not signed"),
        "signatures.d.nofile": ("PDF'en mangler i bygningen", "the PDF is missing from the build"),
        "signatures.verify": ("Kontrollér en underskrevet PDF", "Check a signed PDF"),
        "signatures.verify_intro": (
            "Upload en underskrevet PDF; den kontrolleres som med »aftale verify« (uden betroede certifikater) "
            "og gemmes ikke.",
            "Upload a signed PDF; it is checked as by 'aftale verify' (without trusted certificates) and not kept.",
        ),
        "signatures.verify_button": ("Kontrollér", "Check"),
        "signatures.checking": ("Kontrollerer …", "Checking …"),
        "signatures.v.signed": ("Underskrevet", "Signed"),
        "signatures.v.valid": ("Gyldig", "Valid"),
        "signatures.v.who": ("Hvem", "Who"),
        "signatures.v.when": ("Hvornår", "When"),
        "signatures.v.problems": ("Problemer", "Problems"),
        "signatures.v.field": ("Felt", "Field"),
        "signatures.yes": ("ja", "yes"),
        "signatures.no": ("nej", "no"),
        "signatures.package": ("Indsendelsespakken", "The submission package"),
        "signatures.package_intro": (
            "Pakken til Landsbyggefonden laves som med »aftale package« af bygningen i {dir}: underskrevne PDF'er, "
            "Word-filer, bilag og kilder, kontrolrapporten og manifest.json.",
            "The package for Landsbyggefonden is made as by 'aftale package' from the build in {dir}: signed PDFs, "
            "Word files, annexes and sources, the check report and manifest.json.",
        ),
        "signatures.package_missing": (
            "Underskrifter mangler endnu fra: ",
            "Signatures are still missing from: ",
        ),
        "signatures.package_missing_hint": (
            "Pakken laves først, når alle har underskrevet (digitalt i den byggede PDF eller registreret her og "
            "bygget igen). Et udkast kan laves nu; det står i pakken, at det er et udkast.",
            "The package is made only when everyone has signed (digitally in the built PDF, or recorded here and "
            "built again). A draft can be made now; the package says it is a draft.",
        ),
        "signatures.package_complete": (
            "Alle krævede underskrifter er der.",
            "Every required signature is there.",
        ),
        "signatures.unsealed": (
            "Pakken forsegles ikke her: forsegling kræver sekretariatets nøgle og certifikat "
            "(»aftale package --key … --cert …«). Landsbyggefondens »aftale verify« afviser en uforseglet pakke, "
            "medmindre den køres med --allow-unsealed.",
            "The package is not sealed here: sealing needs the secretariat's key and certificate "
            "('aftale package --key … --cert …'). Landsbyggefonden's 'aftale verify' fails an unsealed package "
            "unless run with --allow-unsealed.",
        ),
        "signatures.previous": (
            "Forrige version (ændringsoversigten kommer med i pakken)",
            "Previous version (the ændringsoversigt goes into the package)",
        ),
        "signatures.previous_none": ("ingen", "none"),
        "signatures.make_package": ("Lav indsendelsespakken", "Make the submission package"),
        "signatures.make_draft": ("Lav et udkast (--draft)", "Make a draft (--draft)"),
        "signatures.download": ("Hent pakken", "Download the package"),
        "signatures.working": ("Arbejder …", "Working …"),
    }
)

_METHOD_WORD = {"wet-ink": "signatures.method.wet-ink", "e-signature": "signatures.method.e-signature"}


# --------------------------------------------------------------------------- what the page shows


def _documents(folder: Path) -> list[dict]:
    """The documents the parties sign (the agreement, each delaftale with signature blocks), each with
    its parties and their recorded signatures, as the dossier's JSON says."""
    from checker.package import signed_documents
    from checker.sign import field_name, party_slug

    out = []
    for pdf, rel, data in signed_documents(folder):
        blocks = [
            b
            for b in (data.get("underskrifter") if isinstance(data.get("underskrifter"), list) else [])
            if isinstance(b, dict) and isinstance(b.get("part"), str)
        ]
        if not blocks:
            continue
        title = data.get("titel") if isinstance(data.get("titel"), str) else rel
        parties = []
        for b in blocks:
            recorded = None
            if "navn" in b:
                # as text, or not at all: the check reports another type; the page must still show
                recorded = {
                    k: b.get(k) if isinstance(b.get(k), str) else None
                    for k in ("navn", "dato", "metode", "titel")
                }
            parties.append(
                {
                    "part": b["part"],
                    "label": b.get("betegnelse") if isinstance(b.get("betegnelse"), str) else b["part"],
                    "slug": party_slug(b["part"]),
                    "field": field_name(b["part"]),
                    "recorded": recorded,
                    "digital": None,
                }
            )
        out.append({"rel": rel, "pdf": pdf, "title": title, "parties": parties})
    return out


def _build_state(folder: Path, docs: list[dict], result) -> dict:
    """Is there a build in the default place, was it made from the dossier's current sources, and what
    does verify say about each party's field in each built PDF (as `aftale package` will ask)."""
    bdir = build_folder(folder)
    state = {"dir": bdir.as_posix(), "exists": False, "current": False, "draft": False}
    manifest = bdir / "manifest.json"
    try:
        if not manifest.is_file() or manifest.stat().st_size > 10 << 20:
            return state
        data = json.loads(manifest.read_text(encoding="utf-8"))
        built_from = {s["path"]: s["sha256"] for s in data.get("sources", [])}
    except (OSError, ValueError, RecursionError, TypeError, KeyError, AttributeError):
        return state
    state["exists"] = True
    state["draft"] = bool(data.get("udkast"))
    if result is None:
        return state
    state["current"] = built_from == {f.path: f.sha256 for f in result.files}
    if not state["current"]:
        return state
    from checker.sign.verify import verify_pdf

    for doc in docs:
        pdf = bdir / doc["pdf"]
        if not pdf.is_file():
            for p in doc["parties"]:
                p["digital"] = "nofile"
            continue
        try:
            report = verify_pdf(pdf, [])
        except CouldNotRun:
            for p in doc["parties"]:
                p["digital"] = "broken"
            continue
        recorded = {r.get("part") for r in report.recorded}
        for p in doc["parties"]:
            sig = next((s for s in report.signatures if s.field == p["field"]), None)
            if p["part"] in recorded:
                p["digital"] = "recorded"
            elif sig is not None:
                p["digital"] = "signed" if sig.holds else "broken"
                p["signer"] = ", ".join(x for x in (sig.signer, sig.organisation) if x)
            else:
                p["digital"] = "missing"
    return state


def _missing(docs: list[dict], build: dict) -> list[str]:
    """'Party (document)' for every party the package would still miss: by the current build when there
    is one, else by the dossier's records."""
    out = []
    for doc in docs:
        for p in doc["parties"]:
            if build["current"]:
                lacking = p["digital"] not in ("signed", "recorded")
            else:
                lacking = p["recorded"] is None
            if lacking:
                out.append(f"{p['part']} ({doc['title']})")
    return out


def _siblings(request: Request, folder: Path) -> list[str]:
    from checker.web.overview import dossiers

    return [f.name for f in dossiers(site(request).root) if f.name != folder.name]


async def page(request: Request):
    folder = dossier_of(request)
    cache = site(request).status
    status = cache.get(folder) or await run_in_threadpool(cache.compute, folder)
    docs = await run_in_threadpool(_documents, folder)
    build = await run_in_threadpool(_build_state, folder, docs, status.result)
    running = site(request).jobs.running(folder, "package")
    return render(
        request,
        "signatures.html",
        name=folder.name,
        docs=docs,
        build=build,
        missing=_missing(docs, build),
        agreement_ok=any(d["rel"] == AGREEMENT for d in docs),
        failure=status.failure,
        methods=_methods(),
        method_word=_METHOD_WORD,
        today=date.today().isoformat(),
        siblings=_siblings(request, folder),
        running=running.id if running else None,
    )


def _methods() -> tuple[str, ...]:
    from checker.record import METHODS

    return METHODS


# --------------------------------------------------------------------------- recording


async def record(request: Request):
    """`aftale sign DOSSIER --record --party P --name N --date D --method M [--title T] [--document F]
    [--replace]`, from the form."""
    from checker.record import record_signature

    folder = dossier_of(request)
    fields = await small_form(request, MAX_FORM)
    # the document is one the dossier lists as signed; its name comes from there, not from the browser
    docs = await run_in_threadpool(_documents, folder)
    doc = next((d for d in docs if d["rel"] == fields.get("document")), None)
    if doc is None:
        return problem(request, Text("Dokumentet findes ikke.", "The document does not exist."), 404)
    party = fields.get("party", "")
    name = fields.get("name", "").strip()
    when = fields.get("date", "").strip()
    method = fields.get("method", "wet-ink")
    title = fields.get("title", "").strip() or None
    replace = fields.get("replace") in ("on", "1", "true")
    if not name or not when:
        return problem(
            request,
            Text("Skriv underskriverens navn og datoen.", "Give the signer's name and the date."),
            422,
        )
    try:
        day = date.fromisoformat(when)
    except ValueError:
        return problem(
            request,
            Text(f"»{when}« er ikke en dato (ÅÅÅÅ-MM-DD).", f"'{when}' is not a date (YYYY-MM-DD)."),
            422,
        )
    try:
        _path, party_name = await run_in_threadpool(
            lambda: record_signature(
                folder, party, name, day, method=method, title=title, document=doc["rel"], replace=replace
            )
        )
    except CouldNotRun as exc:
        return problem(request, exc.text, 422)
    site(request).status.want(folder)
    message = Text(
        f"Registrerede {party_name}s underskrift ({name}, {day.isoformat()}, {method}) i {doc['rel']}. "
        "Byg dokumenterne igen for at opdatere dem.",
        f"Recorded {party_name}'s signature ({name}, {day.isoformat()}, {method}) in {doc['rel']}. "
        "Build the documents again to update them.",
    )
    return JSONResponse({"message": message.get(lang(request))}, headers=SECURITY_HEADERS)


# --------------------------------------------------------------------------- verifying an upload


def _verify(data: bytes, filename: str, language: str) -> dict:
    """`aftale verify` on a private copy of the upload: the CLI's JSON (pdf_dict) and its text verdict,
    plus one row per party from them."""
    import click

    from checker.report.signatures import pdf_dict, render_pdf
    from checker.sign.verify import verify_pdf

    shown = filename or "upload.pdf"
    with tempfile.TemporaryDirectory(prefix="aftale-verify-") as tmp:
        path = Path(tmp) / "upload.pdf"
        path.write_bytes(data)
        try:
            report = verify_pdf(path, [])
        except CouldNotRun as exc:
            raise CouldNotRun(
                Text(exc.text.da.replace(str(path), shown), exc.text.en.replace(str(path), shown))
            ) from None
        text = click.unstyle(render_pdf(report, language)).replace(str(path), shown)
        facts = pdf_dict(report, language)
    facts["file"] = shown
    return {
        "ok": report.ok,
        "verdict": text.splitlines()[-1],
        "text": text,
        "parties": _party_rows(facts),
        "requirement": facts["requirement"],
        "problems": facts["problems"],
        "notes": facts["notes"],
        "attachments": facts["attachments"],
    }


def _who(s: dict) -> str:
    who = ", ".join(x for x in (s["signer"], s["organisation"]) if x)
    if s["identifiers"]:
        who += f" ({', '.join(s['identifiers'])})"
    return who


def _party_rows(facts: dict) -> list[dict]:
    """One row per party the requirement names (signed, recorded or not signed), then every signature
    that belongs to no required party."""
    rows = []
    used = set()
    req = facts["requirement"]
    by_field = {s["field"]: s for s in facts["signatures"]}
    recorded = {r.get("part"): r.get("registreret", {}) for r in facts["recorded"]}
    for entry in req["parties"] if req else []:
        part = entry.get("part")
        if part in recorded:
            r = recorded[part]
            rows.append({"party": part, "state": "recorded", "who": r.get("navn"), "when": r.get("dato")})
            continue
        sig = by_field.get(entry.get("felt"))
        if sig is None:
            rows.append({"party": part, "field": entry.get("felt"), "state": "missing"})
            continue
        used.add(sig["field"])
        rows.append(_sig_row(part, sig, facts["trust_given"]))
    for sig in facts["signatures"]:
        if sig["field"] not in used:
            rows.append(_sig_row(sig["party"], sig, facts["trust_given"]))
    return rows


def _sig_row(part: str | None, s: dict, trust_given: bool) -> dict:
    holds = s["intact"] and s["valid"] and not s["modified_after"] and s["party_ok"] is not False
    if trust_given and s["kind"] == "signature" and not s["trusted"]:
        holds = False
    return {
        "party": part,
        "field": s["field"],
        "state": "signed",
        "intact": s["intact"],
        "valid": s["valid"],
        "trusted": s["trusted"],
        "party_ok": s["party_ok"],
        "modified_after": s["modified_after"],
        "holds": holds,
        "kind": s["kind"],
        "who": _who(s),
        "when": s["time"],
        "problems": s["problems"] + s["changes_after"],
    }


async def verify(request: Request):
    dossier_of(request)
    filename, data, _fields = await upload(request, "signed_pdf")
    try:
        out = await run_in_threadpool(_verify, data, filename, lang(request))
    except CouldNotRun as exc:
        return problem(request, exc.text, 422)
    return JSONResponse(out, headers=SECURITY_HEADERS)


# --------------------------------------------------------------------------- the package


async def make_package(request: Request):
    from checker.package import PackageRefused, create_package

    folder = dossier_of(request)
    sent = await small_json(request, MAX_FORM)
    draft = sent.get("draft") is True
    previous_name = sent.get("previous") or None
    if not (previous_name is None or isinstance(previous_name, str)):
        return problem(request, Text("Formularen kunne ikke læses.", "The form could not be read."), 400)
    previous = None
    if previous_name is not None:
        previous = dossier_folder(site(request).root, previous_name)
        if previous is None or previous == folder or not (previous / AGREEMENT).is_file():
            return problem(
                request, Text("Det forrige dossier findes ikke.", "The previous dossier does not exist."), 404
            )
    language = lang(request)
    base = outputs(request, "pakker") / folder.name
    bdir = build_folder(folder)

    def work(job):
        job.step(
            Text("Kontrollerer dossieret og underskrifterne …", "Checking the dossier and the signatures …")
        )
        if not (bdir / "manifest.json").is_file():
            raise CouldNotRun(
                Text(
                    f"Der er ingen bygning i {bdir.as_posix()}; byg dokumenterne på fanen Byg først.",
                    f"There is no build in {bdir.as_posix()}; build the documents on the Build tab first.",
                )
            )
        shutil.rmtree(base, ignore_errors=True)  # only the latest package of a dossier is kept
        out = base / job.id / (f"{folder.name}-udkast.zip" if draft else f"{folder.name}.zip")
        out.parent.mkdir(parents=True)
        try:
            manifest = create_package(folder, out, build_dir=None, previous=previous, draft=draft)
        except PackageRefused as exc:
            errors = []
            if exc.result is not None:
                errors = [
                    finding_json(f, language)
                    for f in exc.result.sorted_findings()
                    if f.severity is Severity.ERROR
                ]
            details = [d.get(language) for d in exc.details]
            raise Refused(exc.reason, {"details": details, "findings": errors}) from None
        job.step(Text("Pakken er lavet.", "The package is made."))
        return {"path": out, "files": len(manifest["files"]) + 1, "draft": draft}

    job = site(request).jobs.start("package", folder, work)
    return JSONResponse({"job": job.id}, headers=SECURITY_HEADERS)


def _job(request: Request, folder: Path):
    return job_of(request, folder, "package")


async def job_state(request: Request):
    folder = dossier_of(request)
    job = _job(request, folder)
    out = job.as_dict(lang(request))
    result = job.result if isinstance(job.result, dict) else {}
    out["details"] = result.get("details", []) if job.state == "refused" else []
    out["findings"] = result.get("findings", []) if job.state == "refused" else []
    if job.state == "done":
        out["download"] = f"/d/{folder.name}/signatures/package/{job.id}"
        out["files"] = result["files"]
        out["draft"] = result["draft"]
    return JSONResponse(out, headers=SECURITY_HEADERS)


async def download(request: Request):
    path = job_file(request, dossier_of(request), "package")
    return file_response(path, path.name, "application/zip")


routes = [
    Route("/d/{name}/signatures", page),
    Route("/d/{name}/signatures/record", record, methods=["POST"]),
    Route("/d/{name}/signatures/verify", verify, methods=["POST"]),
    Route("/d/{name}/signatures/package", make_package, methods=["POST"]),
    Route("/d/{name}/signatures/jobs/{job}", job_state),
    Route("/d/{name}/signatures/package/{job}", download),
]
