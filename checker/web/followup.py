"""Follow-up in the browser: the measurements of every success criterion per område (or category) and
checkpoint, with the computed target beside each field; evidence uploaded for a measurement; and the
audit dashboard with its downloads.

Saving goes the way of `aftale followup import` (checker.followup.excel.merge_rows, the import's own
checks and writing): the form sends only the rows the user changed, each as the cells a workbook row
would hold, under the dossier's lock, and the register is written atomically only when no row has an
error. What the user did not touch is not sent and stays as it is. As in the import, a measurement is
never deleted (a row emptied is skipped). A changed row replaces the registered measurement (the
import's --replace), unless the register changed under the form since the page was opened: then nothing
is written (409). Evidence is stored under opfoelgning/bilag/ with a name made from the measurement and
the file's sha256, and registered through the same import (the "Dokumentation (fil)" cell), which
records its sha256 as the schema's `bevis` asks.

The audit is `aftale audit`'s (checker.followup.audit.audit, checker.report.audit): JSON, Excel and
the HTML dashboard at once; the Word report and its PDF/A as a job.
"""

from __future__ import annotations

import json
import re
import threading
import unicodedata
from datetime import date
from decimal import Decimal
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from checker.findings import CouldNotRun, Text
from checker.web import i18n
from checker.web.common import (
    SECURITY_HEADERS,
    NotFound,
    content_disposition,
    dossier_of,
    file_of,
    file_response,
    job_of,
    lang,
    problem,
    read_body,
    read_json,
    render,
    site,
    upload,
)
from checker.web.security import inside

i18n.add(
    {
        "followup.title": ("Opfølgning på de lokale mål", "Follow-up on the local targets"),
        "followup.intro": (
            "Skriv de målte værdier ud for målene. Gem skriver kun de rækker, du har ændret, ind i "
            "opfølgningsregistret (opfoelgning.json) med de samme kontroller som »aftale followup import«. "
            "En registreret måling slettes ikke her.",
            "Enter the measured values beside the targets. Save writes only the rows you changed into the "
            "follow-up register (opfoelgning.json) with the same checks as 'aftale followup import'. "
            "A registered measurement is not deleted here.",
        ),
        "followup.area": ("Område/kategori", "Area/category"),
        "followup.overall": ("samlet", "overall"),
        "followup.checkpoint": ("Kontrolpunkt", "Checkpoint"),
        "followup.baseline": ("Baseline", "Baseline"),
        "followup.target": ("Mål", "Target"),
        "followup.value": ("Værdi", "Value"),
        "followup.date": ("Målt den", "Measured on"),
        "followup.source": ("Datakilde", "Data source"),
        "followup.evidence": ("Dokumentation", "Evidence"),
        "followup.status": ("Status", "Status"),
        "followup.unit": ("Enhed", "Unit"),
        "followup.attach": ("Vedhæft fil", "Attach a file"),
        "followup.save": ("Gem målinger", "Save measurements"),
        "followup.saving": ("Gemmer …", "Saving …"),
        "followup.changed_rows": ("ændrede rækker", "changed rows"),
        "followup.nothing_changed": ("Intet at gemme.", "Nothing to save."),
        "followup.saved": (
            "Gemt: {added} nye, {replaced} erstattet, {unchanged} uændrede.",
            "Saved: {added} new, {replaced} replaced, {unchanged} unchanged.",
        ),
        "followup.evidence_saved": (
            "Dokumentationen er gemt og registreret.",
            "The evidence was stored and recorded.",
        ),
        "followup.refused": ("Intet er gemt:", "Nothing was saved:"),
        "followup.uploading": ("Sender filen …", "Sending the file …"),
        "followup.audit": ("Revision", "Audit"),
        "followup.open_audit": ("Se revisionen", "See the audit"),
        "followup.no_register": (
            "Dossieret har endnu intet opfølgningsregister; det oprettes, når den første måling gemmes.",
            "The dossier has no follow-up register yet; it is created when the first measurement is saved.",
        ),
        "followup.audit_title": ("Revision – opfølgning på lokale mål", "Audit – follow-up on local targets"),
        "followup.as_of": ("Opgjort pr.", "As of"),
        "followup.show": ("Vis", "Show"),
        "followup.downloads": ("Hent revisionen", "Download the audit"),
        "followup.dashboard": ("Dashboard med grafer (HTML)", "Dashboard with charts (HTML)"),
        "followup.excel": ("Excel", "Excel"),
        "followup.json": ("JSON", "JSON"),
        "followup.word": ("Word-rapport", "Word report"),
        "followup.pdf": ("PDF/A-rapport", "PDF/A report"),
        "followup.making": ("Laves …", "Being made …"),
        "followup.download": ("Hent", "Download"),
        "followup.measured": ("Målt", "Measured"),
        "followup.doc_missing": ("Mangler dokumentation", "Documentation missing"),
        "followup.none": ("Ingen.", "None."),
        "followup.evaluations": ("Evalueringer og afrapportering", "Evaluations and reporting"),
        "followup.year": ("Projektår", "Project year"),
        "followup.evaluation": ("Evaluering", "Evaluation"),
        "followup.body": ("Organ", "Body"),
        "followup.held": ("Afholdt", "Held"),
        "followup.dates": ("Datoer", "Dates"),
        "followup.focus_area": ("Indsatsområde", "Focus area"),
        "followup.complete": (
            "Opfølgningen er dokumenteret for alt, der er forfaldent.",
            "The follow-up is documented for everything that is due.",
        ),
        "followup.incomplete": (
            "Dokumentationen af opfølgningen har mangler.",
            "The documentation of the follow-up is incomplete.",
        ),
    }
)

REGISTER = "opfoelgning.json"
EVIDENCE_DIR = "opfoelgning/bilag"
#: the form sends at most this much (every row of a large agreement, with long data sources)
MAX_BODY = 2 * 1024 * 1024
SHEET = "Formular"  # the "sheet" of the cells the form's rows become (checker.readers.xlsx.Cell)
#: the file types evidence keeps its suffix for; anything else is stored as .bin
EVIDENCE_SUFFIXES = {
    ".pdf", ".csv", ".txt", ".xlsx", ".xls", ".ods", ".docx", ".doc", ".odt", ".png", ".jpg", ".jpeg",
    ".gif", ".tif", ".tiff", ".msg", ".eml", ".zip", ".json", ".xml",
}  # fmt: skip
#: the field of the form each input column of the workbook is
FIELD_OF = {"Værdi": "vaerdi", "Målt den": "dato", "Datakilde": "datakilde", "Dokumentation (fil)": "bevis"}
# matplotlib's settings are global: one chart drawing at a time
_CHARTS = threading.Lock()


# ----------------------------------------------------------------------------------------- measurements


def _shown_number(value) -> str:
    """A registered value as the field shows it (and the user would type it): Danish decimal comma, no
    thousands separator, every digit kept."""
    number = Decimal(str(value))
    if number == number.to_integral_value():
        return str(int(number))
    return format(number.normalize(), "f").replace(".", ",")


def _key(kriterium: str, noegle: str | None, kontrolpunkt: str) -> tuple:
    return (kriterium, noegle or None, kontrolpunkt)


def _shown(m: dict | None) -> dict:
    """A registered measurement's inputs as the form shows them ("" where there is none)."""
    if m is None:
        return {"vaerdi": "", "dato": "", "datakilde": ""}
    return {"vaerdi": _shown_number(m["vaerdi"]), "dato": m["dato"], "datakilde": m["datakilde"]}


def _register_index(register: dict | None) -> dict[tuple, dict]:
    return {
        _key(m["kriterium"], m.get("noegle"), m["kontrolpunkt"]): m
        for m in (register or {}).get("maalinger", [])
    }


def _example(register: dict | None) -> bool:
    return isinstance(register, dict) and (register.get("metadata") or {}).get("oprindelse") == "eksempel"


def _target_parts(text: str) -> dict:
    """The target's description as the figure ("højst 13,72") and how it is computed (in brackets)."""
    head, sep, tail = text.partition(" (")
    if sep and tail.endswith(")"):
        return {"maal": head, "maal_hvordan": tail[:-1]}
    return {"maal": text, "maal_hvordan": ""}


def _groups(folder: Path, language: str) -> tuple[list[dict], dict | None]:
    """The criteria with their rows (area × checkpoint), in the agreement's order, as the page shows
    them; and the register."""
    from checker.followup.audit import STATUS_EN, audit
    from checker.followup.excel import targets_of
    from checker.report.audit import _date, _value

    _aftale, register, targets = targets_of(folder)
    measured = _register_index(register)
    lines = {
        _key(ln.target.kriterium, ln.target.noegle, ln.target.kontrolpunkt.isoformat()): ln
        for ln in audit(folder).lines
    }
    groups: dict[str, dict] = {}
    keys: dict[tuple, int] = {}
    for t in targets:
        keys.setdefault((t.kriterium, t.noegle), len(keys))
        g = groups.setdefault(
            t.kriterium,
            {
                "id": t.kriterium,
                "titel": t.titel,
                "indsatsomraade": t.indsatsomraade,
                "enhed": t.enhed,
                "laesning": (t.laesning_en if language == "en" else t.laesning) if t.aaben_laesning else "",
                "rows": [],
            },
        )
        key = _key(t.kriterium, t.noegle, t.kontrolpunkt.isoformat())
        m = measured.get(key)
        line = lines.get(key)
        status = line.status if line is not None else None
        bevis = (m or {}).get("bevis")
        g["rows"].append(
            {
                "kriterium": t.kriterium,
                "noegle": t.noegle,
                "kontrolpunkt": t.kontrolpunkt.isoformat(),
                "kontrolpunkt_shown": _date(t.kontrolpunkt, language),
                "betegnelse": t.betegnelse or "",
                "baseline": _value(t.baseline, t.enhed, language)
                or ("missing" if language == "en" else "mangler"),
                **_target_parts(t.beskrivelse_en if language == "en" else t.beskrivelse_da),
                "order": keys[(t.kriterium, t.noegle)],
                "status": status,
                "status_shown": (STATUS_EN.get(status, status) if language == "en" else status) or "",
                "bevis": bevis["fil"] if bevis else None,
                "bevis_status": line.bevis.status if (line is not None and bevis) else None,
                **_shown(m),
            }
        )
    out = list(groups.values())
    for g in out:
        g["rows"].sort(key=lambda r: (r["order"], r["kontrolpunkt"]))
    return out, register


async def followup_page(request: Request):
    folder = dossier_of(request)
    language = lang(request)
    try:
        groups, register = await run_in_threadpool(_groups, folder, language)
        failure = None
    except CouldNotRun as exc:
        groups, register, failure = [], None, exc.text.get(language)
    from checker.report.audit import EKSEMPEL_DA, EKSEMPEL_EN

    saved = None
    if request.query_params.get("saved") == "1":
        numbers = {k: request.query_params.get(k, "0") for k in ("added", "replaced", "unchanged")}
        if all(v.isdigit() and len(v) < 7 for v in numbers.values()):
            saved = numbers
    return render(
        request,
        "followup.html",
        name=folder.name,
        groups=groups,
        failure=failure,
        register_found=(folder / REGISTER).is_file(),
        example=(EKSEMPEL_EN if language == "en" else EKSEMPEL_DA) if _example(register) else None,
        example_note=((register or {}).get("metadata") or {}).get("bemaerkning")
        if _example(register)
        else None,
        saved=saved,
        evidence_saved=request.query_params.get("evidence") == "1",
    )


class _Bad(Exception):
    pass


def _row_of(item) -> dict:
    """One row the form sent, its fields checked for type only (the import checks their content)."""
    if not isinstance(item, dict):
        raise _Bad
    out = {}
    for field in ("kriterium", "kontrolpunkt", "vaerdi", "dato", "datakilde"):
        value = item.get(field, "")
        if not isinstance(value, str) or len(value) > 2000:
            raise _Bad
        out[field] = value
    noegle = item.get("noegle")
    if noegle is not None and not isinstance(noegle, str):
        raise _Bad
    out["noegle"] = noegle or None
    before = item.get("before")
    if not isinstance(before, dict) or not all(
        isinstance(before.get(k), str) for k in ("vaerdi", "dato", "datakilde")
    ):
        raise _Bad
    out["before"] = {k: before[k] for k in ("vaerdi", "dato", "datakilde")}
    return out


def _cells(rows: list[dict], evidence: str | None = None) -> tuple[list[dict], dict[str, tuple[int, str]]]:
    """The rows as a workbook's rows (label -> Cell holding what was typed), and each cell's reference ->
    (row number in the form's list, field)."""
    from checker.followup.excel import COLUMNS
    from checker.readers.xlsx import Cell

    column = {label: i for i, label in enumerate(COLUMNS, start=1)}
    out, refs = [], {}
    for n, row in enumerate(rows):
        values = {
            "Kriterium": row["kriterium"],
            "Område/kategori": row["noegle"],
            "Kontrolpunkt": row["kontrolpunkt"],
            "Værdi": row["vaerdi"],
            "Målt den": row["dato"],
            "Datakilde": row["datakilde"],
        }
        if evidence is not None:
            values["Dokumentation (fil)"] = evidence
        cells = {}
        for label, value in values.items():
            cell = Cell(SHEET, n + 2, column[label], value)
            cells[label] = cell
            refs[cell.ref] = (n, FIELD_OF.get(label, "row"))
        out.append(cells)
    return out, refs


def _issue_json(issue, refs: dict[str, tuple[int, str]], language: str) -> dict:
    row, field = refs.get(issue.cell, (None, "row"))
    message = issue.message.get(language)
    if message.startswith(f"{issue.cell}: "):
        message = message[len(issue.cell) + 2 :]
    return {"row": row, "field": field, "severity": issue.severity, "message": message}


def _conflicts(folder: Path, rows: list[dict]) -> list[int]:
    """The rows whose registered measurement is no longer what the form was opened with."""
    from checker.followup.audit import load_register

    current = _register_index(load_register(folder))
    return [
        n
        for n, row in enumerate(rows)
        if _shown(current.get(_key(row["kriterium"], row["noegle"], row["kontrolpunkt"]))) != row["before"]
    ]


def _merge(folder: Path, rows: list[dict], evidence: str | None = None):
    """Under the dossier's lock: refuse a stale form, else the import's merge. (result, refs, stale)."""
    from checker.files import dossier_lock
    from checker.followup.excel import merge_rows

    with dossier_lock(folder, wait=5):
        stale = _conflicts(folder, rows)
        if stale:
            return None, {}, stale
        cells, refs = _cells(rows, evidence)
        return merge_rows(folder, cells, replace=True), refs, []


_STALE = Text(
    "Målingen er ændret af en anden, siden du åbnede siden; intet er gemt. Genindlæs siden.",
    "The measurement was changed by someone else since you opened the page; nothing was saved. Reload the page.",
)


def _answer(request: Request, result, refs, stale: list[int]) -> Response:
    language = lang(request)
    if stale:
        return JSONResponse(
            {
                "error": _STALE.get(language),
                "issues": [{"row": n, "field": "row", "message": _STALE.get(language)} for n in stale],
            },
            status_code=409,
            headers=SECURITY_HEADERS,
        )
    issues = [_issue_json(i, refs, language) for i in result.issues]
    if not result.written and result.errors:
        words = i18n.words(language)
        return JSONResponse(
            {
                "error": words["followup.refused"]
                + " "
                + " ".join(i["message"] for i in issues if i["severity"] == "error"),
                "issues": issues,
            },
            status_code=422,
            headers=SECURITY_HEADERS,
        )
    return JSONResponse(
        {
            "written": result.written,
            "added": result.added,
            "replaced": result.replaced,
            "unchanged": result.unchanged,
            "issues": issues,
        },
        headers=SECURITY_HEADERS,
    )


async def save(request: Request):
    folder = dossier_of(request)
    body = await read_body(request, MAX_BODY)
    if body is None:
        return problem(request, Text("Formularen er for stor.", "The form is too large."), 413)
    try:
        sent = json.loads(body)
        items = sent["rows"]
        if not isinstance(items, list) or len(items) > 5000:
            raise _Bad
        rows = [_row_of(item) for item in items]
    except (ValueError, KeyError, TypeError, RecursionError, _Bad):
        return problem(request, Text("Formularen kunne ikke læses.", "The form could not be read."), 400)
    if not rows:
        return JSONResponse(
            {"written": False, "added": 0, "replaced": 0, "unchanged": 0, "issues": []},
            headers=SECURITY_HEADERS,
        )
    try:
        result, refs, stale = await run_in_threadpool(_merge, folder, rows)
    except CouldNotRun as exc:
        return problem(request, exc.text, 422)
    return _answer(request, result, refs, stale)


# --------------------------------------------------------------------------------------------- evidence


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text.replace("æ", "ae").replace("ø", "oe").replace("å", "aa"))
    ascii_text = ascii_text.encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9.]+", "-", ascii_text).strip("-.")[:60] or "x"


def evidence_name(row: dict, filename: str, digest: str) -> str:
    """The stored file's name: the measurement, the start of its sha256, and a known suffix."""
    suffix = Path(filename).suffix.lower()
    suffix = suffix if suffix in EVIDENCE_SUFFIXES else ".bin"
    parts = [row["kriterium"], row["noegle"] or "", row["kontrolpunkt"]]
    return "-".join(_slug(p) for p in parts if p) + f"-{digest[:12]}{suffix}"


def _store_and_merge(folder: Path, row: dict, filename: str, data: bytes):
    """Store the evidence under opfoelgning/bilag/ and register it for the measurement, both under the
    dossier's lock; on a refusal nothing stays (the file and any folder made for it are removed)."""
    from checker.files import dossier_lock, write_file
    from checker.followup.excel import merge_rows
    from checker.web.common import sha256

    digest = sha256(data)
    name = evidence_name(row, filename, digest)
    rel = f"{EVIDENCE_DIR}/{name}"
    with dossier_lock(folder, wait=5):
        stale = _conflicts(folder, [row])
        if stale:
            return None, {}, stale
        made = []
        for part in ("opfoelgning", EVIDENCE_DIR):
            place = inside(folder, part)
            if place is None or (place.exists() and not place.is_dir()):
                raise CouldNotRun(
                    Text(
                        f"Mappen {part} i dossieret kan ikke bruges til dokumentation.",
                        f"The folder {part} in the dossier cannot hold evidence.",
                    )
                )
            if not place.exists():
                place.mkdir()
                made.append(place)
        path = inside(folder, rel)
        if path is None:
            raise CouldNotRun(
                Text("Filen kan ikke gemmes i dossieret.", "The file cannot be stored in the dossier.")
            )
        existed = path.exists()
        if not existed:
            write_file(path, data)
        result = None
        try:
            cells, refs = _cells([row], rel)
            result = merge_rows(folder, cells, replace=True)
        finally:
            if (result is None or not result.written) and not existed and not _registered(folder, rel):
                path.unlink(missing_ok=True)
                for place in reversed(made):
                    try:
                        place.rmdir()
                    except OSError:
                        pass
        return result, refs, []


def _registered(folder: Path, rel: str) -> bool:
    """Whether the register already names this file (then it stays even when this upload is refused)."""
    from checker.followup.audit import load_register

    try:
        register = load_register(folder) or {}
    except CouldNotRun:
        return False
    entries = register.get("maalinger", []) + register.get("baselines", [])
    return any((e.get("bevis") or {}).get("fil") == rel for e in entries) or any(
        (e.get("referat") or {}).get("fil") == rel for e in register.get("evalueringer", [])
    )


async def upload_evidence(request: Request):
    folder = dossier_of(request)
    filename, data, fields = await upload(request, "evidence", field_name="evidence")
    try:
        before = json.loads(fields.get("before", ""))
        row = _row_of(
            {
                **{
                    k: fields.get(k, "") for k in ("kriterium", "kontrolpunkt", "vaerdi", "dato", "datakilde")
                },
                "noegle": fields.get("noegle") or None,
                "before": before,
            }
        )
    except (ValueError, RecursionError, _Bad):
        return problem(request, Text("Formularen kunne ikke læses.", "The form could not be read."), 400)
    if not (row["vaerdi"].strip() or row["dato"].strip() or row["datakilde"].strip()):
        return problem(
            request,
            Text(
                "Skriv målingen (værdi, dato og datakilde), før du vedhæfter dokumentation.",
                "Enter the measurement (value, date and data source) before attaching evidence.",
            ),
            422,
        )
    try:
        result, refs, stale = await run_in_threadpool(_store_and_merge, folder, row, filename, data)
    except CouldNotRun as exc:
        return problem(request, exc.text, 422)
    return _answer(request, result, refs, stale)


async def evidence_file(request: Request):
    """A file of the follow-up (evidence, minutes), always as a download: never shown in the page."""
    folder = dossier_of(request)
    rel = request.path_params["rel"]
    if not rel.startswith("opfoelgning/"):
        raise NotFound
    path = file_of(folder, rel)
    return file_response(path, path.name, "application/octet-stream")


# ------------------------------------------------------------------------------------------------ audit


def _as_of(request: Request) -> date | None:
    value = request.query_params.get("as_of", "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CouldNotRun(
            Text(
                f"»{value[:40]}« er ikke en dato (ÅÅÅÅ-MM-DD).", f"'{value[:40]}' is not a date (YYYY-MM-DD)."
            )
        ) from None


def _run_audit(folder: Path, as_of: date | None):
    """What `aftale audit` runs: the dossier opened, then the audit."""
    from checker.dossier import open_dossier
    from checker.followup.audit import audit

    open_dossier(folder)
    return audit(folder, as_of)


def _helhedsplan(folder: Path) -> str | None:
    try:
        value = read_json(folder / "samarbejdsaftale.json").get("helhedsplan")
    except (OSError, ValueError, AttributeError, RecursionError):
        return None
    return value if isinstance(value, str) else None


def _audit_view(result, language: str) -> dict:
    from checker.report import audit as report

    en = language == "en"
    groups = []
    for area, criteria in report._groups(result):
        crits = []
        for cid, titel, lines in criteria:
            rows = []
            for line in lines:
                t = line.target
                maal = report._target(line, language)
                if t.aaben_laesning:
                    maal += " (open reading)" if en else " (åben læsning)"
                ev = line.bevis
                rows.append(
                    {
                        "kriterium": t.kriterium,
                        "noegle": t.noegle,
                        "omraade": t.noegle or "–",
                        "kontrolpunkt": t.kontrolpunkt.isoformat(),
                        "kontrolpunkt_shown": report._date(t.kontrolpunkt, language),
                        "betegnelse": t.betegnelse or "",
                        "baseline": report._value(t.baseline, t.enhed, language)
                        or ("missing" if en else "mangler"),
                        "maal": maal,
                        "maalt": report._value(line.maalt, t.enhed, language) or "–",
                        "maalt_dato": report._date(line.maalt_dato, language) if line.maalt_dato else "",
                        "status": line.status,
                        "status_shown": report._status(line.status, language),
                        "bevis": report._evidence(line, language) if line.maalt is not None else "–",
                        "bevis_bad": line.maalt is not None and ev.status in ("ændret", "mangler"),
                    }
                )
            crits.append(
                {"id": cid, "titel": titel, "note": report.reading_note(lines, language), "rows": rows}
            )
        groups.append({"area": area, "criteria": crits})
    years = []
    for y in result.years:
        years.append(
            {
                "aar": y.aar,
                "periode": f"{report._date(y.start, language)}–{report._date(y.slut, language)}",
                "evaluering": (report.HANDLING_EN if en else report.HANDLING_DA).get(y.handling, y.handling),
                "id": y.evaluering,
                "organ": y.organ,
                "afholdt": f"{len(y.afholdt)} {'of' if en else 'af'} {y.lovet}",
                "datoer": ", ".join(report._date(d, language) for d, _ev in y.afholdt) or "–",
                "status": y.status,
                "status_shown": report.YEAR_STATUS_EN.get(y.status, y.status) if en else y.status,
            }
        )
    counts = {s: result.count(s) for s in report.STATUSES}
    return {
        "as_of": result.as_of.isoformat(),
        "example": report.example_text(result, language),
        "counts": [
            {"status": s, "shown": report._status(s, language), "n": counts[s]} for s in report.STATUSES
        ],
        "complete": result.register_found and not result.documentation_missing,
        "register_found": result.register_found,
        "missing": list(result.documentation_missing),
        "left_out": report.left_out_text(result, language),
        "summary": report.summary_lines(result, language),
        "groups": groups,
        "years": years,
    }


async def audit_page(request: Request):
    folder = dossier_of(request)
    language = lang(request)
    as_of = _as_of(request)
    result = await run_in_threadpool(_run_audit, folder, as_of)
    latest = {fmt: site(request).jobs.latest(folder, f"audit-{fmt}") for fmt in ("docx", "pdf")}
    return render(
        request,
        "audit.html",
        name=folder.name,
        audit=_audit_view(result, language),
        as_of_query=request.query_params.get("as_of", ""),
        latest=latest,
    )


EXPORTS = {
    "json": ("application/json", "json"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "html": ("text/html; charset=utf-8", "html"),
}


def _export(folder: Path, as_of: date | None, fmt: str) -> bytes:
    import tempfile

    from checker.report import audit as report

    result = _run_audit(folder, as_of)
    if fmt == "json":
        return json.dumps(report.as_dict(result), ensure_ascii=False, indent=2).encode("utf-8")
    with tempfile.TemporaryDirectory(prefix="aftale-audit-") as tmp:
        out = Path(tmp) / f"revision.{fmt}"
        if fmt == "xlsx":
            report.write_xlsx(result, out)
        else:
            with _CHARTS:
                report.write_html(result, out, helhedsplan=_helhedsplan(folder))
        return out.read_bytes()


async def audit_export(request: Request):
    """`aftale audit --format json|xlsx|html`; the dashboard is shown (it has no scripts), the others are
    downloads."""
    folder = dossier_of(request)
    fmt = request.path_params["fmt"]
    if fmt not in EXPORTS:
        raise NotFound
    as_of = _as_of(request)
    data = await run_in_threadpool(_export, folder, as_of, fmt)
    media, suffix = EXPORTS[fmt]
    headers = dict(SECURITY_HEADERS)
    if fmt != "html" or request.query_params.get("download"):
        headers["Content-Disposition"] = content_disposition(f"revision-{folder.name}.{suffix}")
    if fmt == "html":
        return HTMLResponse(data, headers=headers)
    return Response(data, media_type=media, headers=headers)


def _report_work(folder: Path, as_of: date | None, fmt: str):
    import tempfile

    from checker.report import audit as report

    def work(job):
        job.step(Text("Revisionen opgøres …", "Computing the audit …"))
        result = _run_audit(folder, as_of)
        if fmt == "pdf":
            job.step(Text("Rapporten og dens PDF/A laves …", "Making the report and its PDF/A …"))
        else:
            job.step(Text("Word-rapporten skrives …", "Writing the Word report …"))
        with tempfile.TemporaryDirectory(prefix="aftale-audit-") as tmp:
            with _CHARTS:
                made = report.write_report(
                    result,
                    Path(tmp) / "revisionsrapport.docx",
                    pdf=fmt == "pdf",
                    helhedsplan=_helhedsplan(folder),
                )
            return {"data": made[-1].read_bytes(), "filename": f"revisionsrapport-{folder.name}.{fmt}"}

    return work


async def start_report(request: Request):
    """The Word report (`aftale audit --format docx`) or its PDF/A (`--format pdf`), made as a job."""
    folder = dossier_of(request)
    fmt = request.path_params["fmt"]
    if fmt not in ("docx", "pdf"):
        raise NotFound
    as_of = _as_of(request)
    job = site(request).jobs.start(f"audit-{fmt}", folder, _report_work(folder, as_of, fmt))
    return JSONResponse(_job_json(request, folder, job), headers=SECURITY_HEADERS)


def _job_of(request: Request, folder: Path):
    return job_of(request, folder, lambda kind: kind.startswith("audit-"))


def _job_json(request: Request, folder: Path, job) -> dict:
    out = job.as_dict(lang(request))
    base = f"/d/{request.path_params['name']}/audit/jobs/{job.id}"
    out["poll"] = base
    out["download"] = f"{base}/file" if job.state == "done" else None
    return out


async def job_status(request: Request):
    folder = dossier_of(request)
    return JSONResponse(_job_json(request, folder, _job_of(request, folder)), headers=SECURITY_HEADERS)


async def job_file(request: Request):
    folder = dossier_of(request)
    job = _job_of(request, folder)
    if job.state != "done" or not isinstance(job.result, dict):
        raise NotFound
    media = (
        "application/pdf"
        if job.kind == "audit-pdf"
        else ("application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    )
    return file_response(job.result["data"], job.result["filename"], media)


routes = [
    Route("/d/{name}/followup", followup_page, methods=["GET"]),
    Route("/d/{name}/followup", save, methods=["POST"]),
    Route("/d/{name}/followup/evidence", upload_evidence, methods=["POST"]),
    Route("/d/{name}/followup/file/{rel:path}", evidence_file, methods=["GET"]),
    Route("/d/{name}/audit", audit_page, methods=["GET"]),
    Route("/d/{name}/audit/export/{fmt}", audit_export, methods=["GET"]),
    Route("/d/{name}/audit/report/{fmt}", start_report, methods=["POST"]),
    Route("/d/{name}/audit/jobs/{job}", job_status, methods=["GET"]),
    Route("/d/{name}/audit/jobs/{job}/file", job_file, methods=["GET"]),
]
