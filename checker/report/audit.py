"""Every output of `aftale audit` (checker.followup.audit.AuditResult): text, JSON, an Excel workbook,
a Word report with its PDF/A, and one self-contained HTML dashboard.

JSON numbers
------------
``as_dict`` gives baseline, mål and målt as JSON numbers: an int when the Decimal is whole (32), a float
otherwise (30.4). A float is used only where it is exact in this sense: its shortest text (what
``json.dumps`` writes) is the Decimal's own digits, so a reader that parses JSON numbers as decimals
(``json.loads(s, parse_float=Decimal)``) gets the very value the audit compared. That holds for every
value of up to 15 significant digits, i.e. for all the register's figures and the targets (rounded to
two decimals); a value that a double cannot carry exactly is given as a string with a dot ("…") rather
than rounded. ``maal_tekst`` / ``maal_tekst_en`` are the target's wording, not numbers. Dates are ISO
strings (2018-03-31); statuses are the Danish status words (opfyldt, ikke opfyldt, mangler data,
ikke forfalden; ok, mangler, ikke forfalden for the project years).

Example registers
-----------------
An audit of a register marked as an invented example (``AuditResult.eksempel``) says so in every
output, where a reader looks: the first and last line of the text, ``eksempel`` and
``eksempel_tekst`` in the JSON, a red banner row on every sheet of the workbook (and in its printed
page header), the page header of every page of the Word report and its PDF (and a note on its first
page), and a banner that stays on screen (and on every printed page) in the HTML dashboard.

Readings and the as-of date
---------------------------
Where a criterion's reading is open, every output names the reading the target is computed in
(``Target.laesning``). Only what is dated on or before the as-of date is counted, listed and drawn
(checker.followup.audit); the text, JSON and dashboard say how many later entries were left out.

Charts carry alternative text made from their data (checker.followup.charts.describe): the ``alt``
of the dashboard's images and the description of the Word report's pictures, which LibreOffice
carries into the PDF as the figure's /Alt.

Files are written whole and then moved into place (no half-written report on a crash). matplotlib,
docxtpl and openpyxl are imported only by the functions that need them.
"""

from __future__ import annotations

import base64
import shutil
import tempfile
from datetime import date, datetime
from decimal import Decimal
from html import escape
from pathlib import Path

from checker import __version__
from checker.assemble.fmt import dato, kort_dato, tal
from checker.findings import CouldNotRun, Text
from checker.followup.audit import (
    EVIDENCE_EN,
    IKKE_FORFALDEN,
    IKKE_OPFYLDT,
    MANGLER,
    OPFYLDT,
    REGISTER,
    STATUS_EN,
    AuditResult,
    Line,
    YearCheck,
)

TEMPLATE_NAME = "revisionsrapport.docx"
TITLE = "Revisionsrapport – opfølgning på lokale mål"
EKSEMPEL_DA = "EKSEMPEL – opfølgningsregistret er opdigtede eksempeldata, ikke en rigtig opfølgning"
EKSEMPEL_EN = "EXAMPLE – the follow-up register is invented example data, not real follow-up"
EKSEMPEL_HEADER = (
    "EKSEMPEL – opdigtede opfølgningsdata, ikke en rigtig opfølgning"  # one line in a page header
)
STATUSES = (OPFYLDT, IKKE_OPFYLDT, MANGLER, IKKE_FORFALDEN)
YEAR_STATUSES = ("ok", "mangler", "ikke forfalden")
YEAR_STATUS_EN = {"ok": "ok", "mangler": "missing", "ikke forfalden": "not yet due"}
CMP_DA = {"hoejst": "højst", "mindst": "mindst", "over": "over", "under": "under"}
CMP_EN = {"hoejst": "at most", "mindst": "at least", "over": "above", "under": "below"}
HANDLING_DA = {
    "evaluering": "Evaluering",
    "orientering": "Orientering",
    "afrapportering_lbf": "Afrapportering til LBF",
}
HANDLING_EN = {"evaluering": "Evaluation", "orientering": "Briefing", "afrapportering_lbf": "Report to LBF"}
# cell fills (RGB hex): Excel's good / bad / neutral styles, grey for what is not yet due
FILL = {
    OPFYLDT: "C6EFCE",
    IKKE_OPFYLDT: "FFC7CE",
    MANGLER: "FFEB9C",
    IKKE_FORFALDEN: "EDEDED",
    "ok": "C6EFCE",
    "mangler": "FFC7CE",
}
FONT_COLOUR = {
    OPFYLDT: "006100",
    IKKE_OPFYLDT: "9C0006",
    MANGLER: "9C5700",
    IKKE_FORFALDEN: "404040",
    "ok": "006100",
    "mangler": "9C0006",
}


# Word files carry fixed dates instead of "now": the same audit gives the same document
def _as_of_time(result) -> datetime:
    """The audit's documents are dated with the date they are made up to (--as-of), never the time of the
    run: two audits of the same register as of the same date give the same files."""
    return datetime(result.as_of.year, result.as_of.month, result.as_of.day)


# --------------------------------------------------------------------------------------------
# Shared formatting
# --------------------------------------------------------------------------------------------


def _en_number(value: Decimal) -> str:
    from babel.numbers import format_decimal

    return format_decimal(value, format="#,##0.###", locale="en")


def _value(value: Decimal | None, enhed: str, lang: str = "da") -> str | None:
    if value is None:
        return None
    if lang == "en":
        return f"{_en_number(value)}%" if enhed == "procent" else _en_number(value)
    return f"{tal(value)} %" if enhed == "procent" else tal(value)


def _date(value: date | str | None, lang: str = "da") -> str:
    if value is None:
        return ""
    d = value if isinstance(value, date) else date.fromisoformat(str(value))
    return d.isoformat() if lang == "en" else kort_dato(d)


def _target(line: Line, lang: str = "da") -> str:
    t = line.target
    if t.maal is None:
        return "ukendt" if lang != "en" else "unknown"
    cmp = (CMP_EN if lang == "en" else CMP_DA).get(t.sammenligning, t.sammenligning)
    return f"{cmp} {_value(t.maal, t.enhed, lang)}"


def _status(status: str, lang: str) -> str:
    return STATUS_EN.get(status, status) if lang == "en" else status


def _evidence(line: Line, lang: str) -> str:
    ev = line.bevis
    if lang == "en":
        if ev.status == "ingen":
            return "no documentation"
        text = f"documentation {EVIDENCE_EN.get(ev.status, ev.status)}"
    else:
        if ev.status == "ingen":
            return "ingen dokumentation"
        text = f"dokumentation {ev.status}"
    if ev.status in ("ændret", "mangler") and ev.fil:
        text += f": {ev.fil}"
    return text


def _groups(result: AuditResult) -> list[tuple[str, list[tuple[str, str, list[Line]]]]]:
    """[(indsatsområde, [(criterion id, titel, lines)])] in the agreement's order."""
    areas: dict[str, dict[str, list[Line]]] = {}
    for line in result.lines:
        t = line.target
        areas.setdefault(t.indsatsomraade, {}).setdefault(t.kriterium, []).append(line)
    return [
        (io_, [(cid, lines[0].target.titel, lines) for cid, lines in crits.items()])
        for io_, crits in areas.items()
    ]


def _years(result: AuditResult) -> list[tuple[int, date, date, list[YearCheck]]]:
    out: dict[int, list[YearCheck]] = {}
    for y in result.years:
        out.setdefault(y.aar, []).append(y)
    return [(aar, ys[0].start, ys[0].slut, ys) for aar, ys in out.items()]


def _year_counts(result: AuditResult) -> dict[str, int]:
    return {s: sum(1 for y in result.years if y.status == s) for s in YEAR_STATUSES}


def _counts(result: AuditResult) -> dict[str, int]:
    return {s: result.count(s) for s in STATUSES}


def _documentation_complete(result: AuditResult) -> bool:
    return result.register_found and not result.documentation_missing


def example_text(result: AuditResult, lang: str = "da") -> str | None:
    """The example banner ("EKSEMPEL – …", with what the register's metadata says), or None for a
    register that is not marked as an example."""
    if not result.eksempel:
        return None
    if lang == "en":
        return EKSEMPEL_EN + "."
    return EKSEMPEL_DA + (f". {result.eksempel_tekst}" if result.eksempel_tekst else ".")


def reading_note(lines: list[Line], lang: str = "da") -> str:
    """ "Målet er beregnet som …; læsningen er ikke afklaret." for a criterion whose reading is open."""
    open_ = next((ln.target for ln in lines if ln.target.aaben_laesning), None)
    if open_ is None:
        return ""
    if lang == "en":
        how = open_.laesning_en or "the reading the dossier records"
        return f"The target is computed as {how}; the parties have not yet settled the reading."
    how = open_.laesning or "den læsning, dossieret registrerer"
    return f"Målet er beregnet som {how}; parterne har endnu ikke afklaret læsningen."


def left_out_text(result: AuditResult, lang: str = "da") -> str:
    """How many entries dated after the as-of date were left out, or ""."""
    n = result.udeladt_efter
    if not n:
        return ""
    if lang == "en":
        return f"{n} {'entry' if n == 1 else 'entries'} of the register dated after {_date(result.as_of, 'en')} left out."
    return f"{n} {'registrering' if n == 1 else 'registreringer'} dateret efter {_date(result.as_of)} er ikke medregnet."


# --------------------------------------------------------------------------------------------
# Text
# --------------------------------------------------------------------------------------------


def line_text(line: Line, lang: str = "da") -> str:
    """One area × checkpoint, e.g. "Ellekonebakken 31.3.2018: baseline 32, mål højst 30,4, målt 29 –
    opfyldt [dokumentation uændret]"."""
    t = line.target
    en = lang == "en"
    head = f"{t.noegle} " if t.noegle else ""
    baseline = _value(t.baseline, t.enhed, lang) or ("missing" if en else "mangler")
    target = f"{'target' if en else 'mål'} {_target(line, lang)}"
    if t.aaben_laesning:
        target += " (open reading)" if en else " (åben læsning)"
    measured = (
        f"{'measured' if en else 'målt'} {_value(line.maalt, t.enhed, lang)}"
        if line.maalt is not None
        else ("not measured" if en else "ikke målt")
    )
    text = f"{head}{_date(t.kontrolpunkt, lang)}: baseline {baseline}, {target}, {measured} – {_status(line.status, lang)}"
    if line.maalt is not None:
        text += f" [{_evidence(line, lang)}]"
    return text


def year_text(y: YearCheck, lang: str = "da") -> str:
    en = lang == "en"
    what = (HANDLING_EN if en else HANDLING_DA).get(y.handling, y.handling)
    status = YEAR_STATUS_EN.get(y.status, y.status) if en else y.status
    held = []
    for d, ev in y.afholdt:
        item = _date(d, lang)
        if ev.status in ("ændret", "mangler"):
            word = EVIDENCE_EN.get(ev.status, ev.status) if en else ev.status
            item += f" ({'minutes' if en else 'referat'} {word})"
        held.append(item)
    text = f"{what}, {y.organ} ({y.evaluering}): {len(y.afholdt)} {'of' if en else 'af'} {y.lovet} – {status}"
    return text + (f": {', '.join(held)}" if held else "")


def summary_lines(result: AuditResult, lang: str = "da") -> list[str]:
    counts, years = _counts(result), _year_counts(result)
    if lang == "en":
        parts = ", ".join(f"{counts[s]} {STATUS_EN[s]}" for s in STATUSES)
        yparts = ", ".join(f"{years[s]} {YEAR_STATUS_EN[s]}" for s in YEAR_STATUSES)
        return [
            f"Checkpoints: {len(result.lines)} in all – {parts}.",
            f"Evaluations: {len(result.years)} in all – {yparts}.",
        ]
    parts = ", ".join(f"{counts[s]} {s}" for s in STATUSES)
    yparts = ", ".join(f"{years[s]} {s}" for s in YEAR_STATUSES)
    return [
        f"Kontrolpunkter: {len(result.lines)} i alt – {parts}.",
        f"Evalueringer: {len(result.years)} i alt – {yparts}.",
    ]


def render_text(result: AuditResult, lang: str) -> str:
    en = lang == "en"
    out = [
        f"Audit of the follow-up on the local goals: {result.dossier}, as of {_date(result.as_of, lang)}"
        if en
        else f"Revision af opfølgningen på de lokale mål: {result.dossier}, opgjort pr. {_date(result.as_of, lang)}"
    ]
    banner = example_text(result, lang)
    if banner:
        out.append(banner)
    if not result.register_found:
        out.append(
            f"The follow-up register ({REGISTER}) is not in the dossier."
            if en
            else f"Opfølgningsregistret ({REGISTER}) findes ikke i dossieret."
        )
    for area, criteria in _groups(result):
        out += ["", f"{'Intervention area' if en else 'Indsatsområde'} {area}"]
        for cid, titel, lines in criteria:
            out.append(f"  {titel} ({cid})")
            note = reading_note(lines, lang)
            if note:
                out.append(f"    {note}")
            out += [f"    {line_text(line, lang)}" for line in lines]
    if result.years:
        out += ["", "Evaluations and reporting" if en else "Evalueringer og afrapportering"]
        for aar, start, slut, checks in _years(result):
            out.append(
                f"  {'Project year' if en else 'Projektår'} {aar} ({_date(start, lang)}–{_date(slut, lang)})"
            )
            out += [f"    {year_text(y, lang)}" for y in checks]
    missing = result.documentation_missing
    if missing:
        out += ["", "Documentation missing" if en else "Mangler dokumentation"]
        out += [f"  - {reason}" for reason in missing]
    out += ["", *summary_lines(result, lang)]
    if left_out_text(result, lang):
        out.append(left_out_text(result, lang))
    if banner:
        out.append(EKSEMPEL_EN + "." if en else EKSEMPEL_DA + ".")
    return "\n".join(out)


# --------------------------------------------------------------------------------------------
# JSON
# --------------------------------------------------------------------------------------------


def json_number(value: Decimal | None) -> int | float | str | None:
    """A Decimal as a JSON number: int when whole, float when its shortest text is the Decimal's own
    digits (always, up to 15 significant digits), else the exact string."""
    if value is None:
        return None
    value = Decimal(value)
    if value == value.to_integral_value():
        return int(value)
    as_float = float(value)
    return as_float if Decimal(repr(as_float)) == value else str(value)


def _line_dict(line: Line) -> dict:
    t = line.target
    return {
        "kriterium": t.kriterium,
        "titel": t.titel,
        "indsatsomraade": t.indsatsomraade,
        "noegle": t.noegle,
        "kontrolpunkt": t.kontrolpunkt.isoformat(),
        "betegnelse": t.betegnelse,
        "enhed": t.enhed,
        "baseline": json_number(t.baseline),
        "maal": json_number(t.maal),
        "sammenligning": t.sammenligning,
        "maal_tekst": t.beskrivelse_da,
        "maal_tekst_en": t.beskrivelse_en,
        "laesning": t.laesning,
        "laesning_en": t.laesning_en,
        "aaben_laesning": t.aaben_laesning,
        "maalt": json_number(line.maalt),
        "maalt_dato": line.maalt_dato,
        "datakilde": line.datakilde,
        "status": line.status,
        "bevis": {"fil": line.bevis.fil, "status": line.bevis.status},
        "pointer": line.pointer,
    }


def _year_dict(y: YearCheck) -> dict:
    return {
        "aar": y.aar,
        "start": y.start.isoformat(),
        "slut": y.slut.isoformat(),
        "evaluering": y.evaluering,
        "handling": y.handling,
        "organ": y.organ,
        "lovet": y.lovet,
        "afholdt": [{"dato": d, "referat": {"fil": ev.fil, "status": ev.status}} for d, ev in y.afholdt],
        "status": y.status,
    }


def as_dict(result: AuditResult) -> dict:
    """The audit as JSON-ready data (see the module's note on numbers)."""
    return {
        "tool": {"name": "aftale", "version": __version__},
        "dossier": result.dossier,
        "as_of": result.as_of.isoformat(),
        "eksempel": result.eksempel,
        "eksempel_tekst": example_text(result),
        "register_found": result.register_found,
        "udeladt_efter_as_of": result.udeladt_efter,
        "counts": _counts(result),
        "counts_years": _year_counts(result),
        "documentation_complete": _documentation_complete(result),
        "lines": [_line_dict(line) for line in result.lines],
        "years": [_year_dict(y) for y in result.years],
        "documentation_missing": list(result.documentation_missing),
    }


# --------------------------------------------------------------------------------------------
# Writing files whole
# --------------------------------------------------------------------------------------------


def _write(target: Path, data: bytes) -> Path:
    from checker.files import write_file

    target = Path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CouldNotRun(
            Text(
                f"Kan ikke oprette {target.parent}: {exc.strerror}.",
                f"Cannot create {target.parent}: {exc.strerror}.",
            )
        ) from None
    write_file(target, data)
    return target


def _staging(out: Path) -> Path:
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    except OSError as exc:
        raise CouldNotRun(
            Text(
                f"Kan ikke skrive i {out.parent}: {exc.strerror}.",
                f"Cannot write in {out.parent}: {exc.strerror}.",
            )
        ) from None


# --------------------------------------------------------------------------------------------
# XLSX
# --------------------------------------------------------------------------------------------

XLSX_COLUMNS = [
    ("Kriterium", 24),
    ("Titel", 30),
    ("Indsatsområde", 14),
    ("Område/kategori", 18),
    ("Kontrolpunkt", 13),
    ("Betegnelse", 28),
    ("Enhed", 9),
    ("Baseline", 10),
    ("Mål", 10),
    ("Sammenligning", 14),
    ("Målbeskrivelse", 44),
    ("Målt", 10),
    ("Målt dato", 12),
    ("Datakilde", 36),
    ("Status", 15),
    ("Dokumentation", 40),
    ("Dokumentationsstatus", 20),
    ("Placering i registret", 20),
]
XLSX_YEAR_COLUMNS = [
    ("Projektår", 10),
    ("Fra", 12),
    ("Til", 12),
    ("Evaluering", 24),
    ("Handling", 24),
    ("Organ", 26),
    ("Lovet", 8),
    ("Afholdt", 9),
    ("Datoer", 28),
    ("Referater", 60),
    ("Status", 15),
]


def _iso_date(value: str | None) -> date | str | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return value


def write_xlsx(result: AuditResult, out: Path) -> Path:
    """A workbook: "Revision" with one row per line, "Evalueringer" with one per project year ×
    evaluation, "Mangler dokumentation" with the reasons; status cells coloured. Written whole."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    head_font, head_fill = Font(bold=True), PatternFill("solid", fgColor="D9E2F3")
    banner = example_text(result)
    head = 2 if banner else 1  # an example register: a red banner row above every sheet's table

    def sheet(ws, columns):
        if banner:
            ws.append([banner])
            ws.cell(row=1, column=1).font = Font(bold=True, color="C00000")
            ws.oddHeader.center.text = EKSEMPEL_HEADER  # on every printed page too
        ws.append([name for name, _w in columns])
        for i, (_name, width) in enumerate(columns, start=1):
            ws.column_dimensions[get_column_letter(i)].width = width
            cell = ws.cell(row=head, column=i)
            cell.font, cell.fill = head_font, head_fill
            cell.alignment = Alignment(vertical="top", wrap_text=True)
        ws.freeze_panes = f"A{head + 1}"

    def colour(cell, status):
        if status in FILL:
            cell.fill = PatternFill("solid", fgColor=FILL[status])
            cell.font = Font(color=FONT_COLOUR[status], bold=status in (IKKE_OPFYLDT, MANGLER, "mangler"))

    wb = Workbook()
    ws = wb.active
    ws.title = "Revision"
    sheet(ws, XLSX_COLUMNS)
    status_col = [n for n, _w in XLSX_COLUMNS].index("Status") + 1
    for line in result.lines:
        t = line.target
        ws.append(
            [
                t.kriterium,
                t.titel,
                t.indsatsomraade,
                t.noegle,
                t.kontrolpunkt,
                t.betegnelse,
                t.enhed,
                t.baseline,
                t.maal,
                CMP_DA.get(t.sammenligning, t.sammenligning),
                t.beskrivelse_da,
                line.maalt,
                _iso_date(line.maalt_dato),
                line.datakilde,
                line.status,
                line.bevis.fil,
                line.bevis.status,
                line.pointer,
            ]
        )
        row = ws.max_row
        for col in (5, 13):
            ws.cell(row=row, column=col).number_format = "d.m.yyyy"
        colour(ws.cell(row=row, column=status_col), line.status)
    if result.lines:
        ws.auto_filter.ref = f"A{head}:{get_column_letter(len(XLSX_COLUMNS))}{ws.max_row}"

    ys = wb.create_sheet("Evalueringer")
    sheet(ys, XLSX_YEAR_COLUMNS)
    for y in result.years:
        ys.append(
            [
                y.aar,
                y.start,
                y.slut,
                y.evaluering,
                HANDLING_DA.get(y.handling, y.handling),
                y.organ,
                y.lovet,
                len(y.afholdt),
                ", ".join(kort_dato(d) for d, _ev in y.afholdt),
                "; ".join(f"{ev.fil} ({ev.status})" for _d, ev in y.afholdt if ev.fil),
                y.status,
            ]
        )
        row = ys.max_row
        for col in (2, 3):
            ys.cell(row=row, column=col).number_format = "d.m.yyyy"
        colour(ys.cell(row=row, column=len(XLSX_YEAR_COLUMNS)), y.status)

    ms = wb.create_sheet("Mangler dokumentation")
    sheet(ms, [("Mangler dokumentation", 90)])
    for reason in result.documentation_missing:
        ms.append([reason])
    if not result.documentation_missing:
        ms.append(["Ingen."])

    props = wb.properties
    props.creator = "aftale"
    props.title = f"Revision – {result.dossier}" + (" (EKSEMPEL)" if banner else "")
    props.created = _as_of_time(result)
    props.modified = _as_of_time(result)
    from checker.files import workbook_bytes

    return _write(out, workbook_bytes(wb))


# --------------------------------------------------------------------------------------------
# Word and PDF
# --------------------------------------------------------------------------------------------


def _rows(lines: list[Line]) -> list[dict]:
    rows = []
    for line in lines:
        t = line.target
        maal = (
            "ukendt"
            if t.maal is None
            else f"{CMP_DA.get(t.sammenligning, t.sammenligning)} {_value(t.maal, t.enhed)}"
        )
        if t.aaben_laesning:
            maal += " (åben læsning)"
        rows.append(
            {
                "omraade": t.noegle or "–",
                "kontrolpunkt": kort_dato(t.kontrolpunkt),
                "betegnelse": t.betegnelse or "",
                "baseline": _value(t.baseline, t.enhed) or "mangler",
                "maal": maal,
                "maalt": _value(line.maalt, t.enhed) or "–",
                "status": line.status,
                "farve": FILL.get(line.status, "FFFFFF"),
                "bevis": line.bevis.status if line.maalt is not None else "–",
                "bevis_farve": FILL[IKKE_OPFYLDT] if line.bevis.status in ("ændret", "mangler") else "FFFFFF",
                "fil": line.bevis.fil or "",
            }
        )
    return rows


def _year_rows(result: AuditResult) -> list[dict]:
    out = []
    for aar, start, slut, checks in _years(result):
        out.append(
            {
                "aar": aar,
                "periode": f"{kort_dato(start)}–{kort_dato(slut)}",
                "raekker": [
                    {
                        "evaluering": HANDLING_DA.get(y.handling, y.handling),
                        "id": y.evaluering,
                        "organ": y.organ,
                        "afholdt": f"{len(y.afholdt)} af {y.lovet}",
                        "datoer": ", ".join(
                            kort_dato(d)
                            + (f" (referat {ev.status})" if ev.status in ("ændret", "mangler") else "")
                            for d, ev in y.afholdt
                        )
                        or "–",
                        "status": y.status,
                        "farve": FILL.get(y.status, "FFFFFF"),
                    }
                    for y in checks
                ],
            }
        )
    return out


def report_context(result: AuditResult, charts: dict[str, object], helhedsplan: str | None = None) -> dict:
    """The template's variables: `rapport` (plain dicts, every number already formatted the Danish
    way) and `udkast`. `charts` maps a criterion id to what the template shows as its chart."""
    counts, years = _counts(result), _year_counts(result)
    areas = []
    for area, criteria in _groups(result):
        kriterier = []
        for cid, titel, lines in criteria:
            note = ""
            if all(line.target.maal is None for line in lines):
                note = "Baseline mangler; målet kan ikke beregnes, før en baseline er registreret."
            elif any(line.target.aaben_laesning for line in lines):
                note = reading_note(lines)
            kriterier.append(
                {
                    "kriterium": cid,
                    "titel": titel,
                    "indsatsomraade": area,
                    "graf": charts.get(cid),
                    "note": note,
                    "raekker": _rows(lines),
                }
            )
        areas.append({"nummer": area, "kriterier": kriterier})
    return {
        "rapport": {
            "titel": TITLE,
            "helhedsplan": helhedsplan or result.dossier,
            "dossier": result.dossier,
            "opgjort": dato(result.as_of),
            "opgjort_kort": kort_dato(result.as_of),
            "register_fundet": result.register_found,
            "register": REGISTER,
            "kontrolpunkter": tal(len(result.lines)),
            "optaelling": [{"status": s, "antal": tal(counts[s]), "farve": FILL[s]} for s in STATUSES],
            "evalueringer_optaelling": [
                {"status": s, "antal": tal(years[s]), "farve": FILL[s]} for s in YEAR_STATUSES
            ],
            "indsatsomraader": areas,
            "evalueringer": _year_rows(result),
            "mangler": list(result.documentation_missing),
            "eksempel": example_text(result) or "",
            "udeladt": left_out_text(result),
        },
        "udkast": False,
        "eksempel": result.eksempel,
    }


def write_report(
    result: AuditResult,
    out_docx: Path,
    *,
    pdf: bool = True,
    template: Path | None = None,
    helhedsplan: str | None = None,
) -> list[Path]:
    """The Word report (templates/revisionsrapport.docx) with one chart per criterion, and with
    pdf=True its PDF/A (LibreOffice) beside it, same name with .pdf. Returns [docx] or [docx, pdf].
    `helhedsplan` names the plan on the front page and in the footer (default: the dossier's name)."""
    from docx.shared import Mm
    from docxtpl import InlineImage

    from checker.assemble.render import render_docx
    from checker.followup.charts import criterion_charts, criterion_descriptions
    from checker.resources import template_dir

    out_docx = Path(out_docx)
    template = Path(template) if template else template_dir() / TEMPLATE_NAME
    staging = _staging(out_docx)
    try:
        charts = criterion_charts(result, staging / "grafer", "png")
        name = helhedsplan or result.dossier
        descriptions = criterion_descriptions(result)
        properties = {
            "title": f"Revisionsrapport – {name}" + (" (EKSEMPEL)" if result.eksempel else ""),
            "subject": TITLE,
            "language": "da-DK",
            # the report's date is the date it is made up to: the same for every run of the same audit
            "created": _as_of_time(result),
            "modified": _as_of_time(result),
            "last_printed": None,
            "revision": 1,
        }

        def context_for(tpl):
            images = {cid: InlineImage(tpl, str(path), width=Mm(160)) for cid, path in charts.items()}
            return report_context(result, images, helhedsplan)

        docx = staging / out_docx.name
        data = render_docx(
            template,
            {},
            properties=properties,
            context_for=context_for,
            descriptions={path.name: descriptions[cid] for cid, path in charts.items()},
        )
        banner = example_text(result)
        docx.write_bytes(mark_example(data, EKSEMPEL_HEADER, banner) if banner else data)
        made = [docx]
        if pdf:
            from checker.assemble.pdf import convert

            made += convert([docx], staging)
        from checker.files import write_file

        return [
            write_file(out_docx if path == docx else out_docx.with_suffix(".pdf"), path.read_bytes())
            for path in made
        ]
    except OSError as exc:
        raise CouldNotRun(
            Text(
                f"Kan ikke skrive {out_docx}: {exc.strerror or exc}.",
                f"Cannot write {out_docx}: {exc.strerror or exc}.",
            )
        ) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def mark_example(docx: bytes, header: str, note: str) -> bytes:
    """The Word report of an example register: `header` in red in the page header of every section
    (every page, and so every page of the PDF), unless the template already says EKSEMPEL there, and
    `note` as the first paragraph of the document."""
    import io

    from docx import Document
    from docx.shared import RGBColor

    doc = Document(io.BytesIO(docx))

    def stamp(paragraphs_owner) -> None:
        if "EKSEMPEL" in " ".join(p.text for p in paragraphs_owner.paragraphs):
            return
        paragraphs = paragraphs_owner.paragraphs
        par = paragraphs[0].insert_paragraph_before() if paragraphs else paragraphs_owner.add_paragraph()
        run = par.add_run(header)
        run.bold = True
        run.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)

    for section in doc.sections:
        stamp(section.header)
        if section.different_first_page_header_footer:
            stamp(section.first_page_header)
        if doc.settings.odd_and_even_pages_header_footer:
            stamp(section.even_page_header)
    body = doc.paragraphs
    if body and "EKSEMPEL" not in " ".join(p.text for p in body[:3]):
        run = body[0].insert_paragraph_before().add_run(note)
        run.bold = True
        run.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


# --------------------------------------------------------------------------------------------
# HTML dashboard
# --------------------------------------------------------------------------------------------

_CSS = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d2329;background:#f5f6f8}
header{padding:24px 32px;color:#fff;background:#2f6f3e}header.bad{background:#a32020}
h1{margin:0 0 4px;font-size:24px}header p{margin:0;opacity:.92}
main{padding:16px 32px 48px;max-width:1200px}
.tiles{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0}
.tile{flex:1 1 160px;background:#fff;border-radius:8px;padding:12px 16px;box-shadow:0 1px 2px #0002;border-left:6px solid #bbb}
.tile b{display:block;font-size:30px;line-height:1.1}
.tile.opfyldt{border-color:#2f8f46}.tile.ikke-opfyldt{border-color:#c62828}.tile.mangler-data{border-color:#d49a00}
.tile.ikke-forfalden{border-color:#9aa3ab}
nav{background:#fff;border-radius:8px;padding:10px 16px;box-shadow:0 1px 2px #0002;font-size:14px}
nav a{color:#1b4a8a;text-decoration:none;margin-right:14px;white-space:nowrap}
h2{font-size:19px;margin:28px 0 8px}
section{background:#fff;border-radius:8px;margin:16px 0;box-shadow:0 1px 2px #0002;overflow:hidden}
section h3{font-size:16px;margin:0;padding:12px 16px;background:#eef0f3}
section h3 code{font-weight:normal;color:#5a6570;margin-left:6px}
.counts{padding:8px 16px 0}.note{margin:8px 16px;padding:6px 10px;background:#f2f2f2;border-radius:4px;color:#4b5a68;font-size:14px}
figure{margin:8px 16px}figure img{max-width:100%;height:auto;display:block}
table{border-collapse:collapse;width:100%}td,th{text-align:left;vertical-align:top;padding:6px 16px;border-top:1px solid #e4e7eb}
th{font-size:12px;text-transform:uppercase;color:#5a6570}td.num{text-align:right;font-variant-numeric:tabular-nums}
.badge{font-weight:600;border-radius:4px;padding:1px 7px;font-size:12px;white-space:nowrap}
.b-opfyldt,.b-ok{background:#c6efce;color:#006100}.b-ikke-opfyldt,.b-mangler{background:#ffc7ce;color:#9c0006}
.b-mangler-data{background:#ffeb9c;color:#7a4a00}.b-ikke-forfalden{background:#ededed;color:#404040}
.ev-aendret,.ev-mangler{color:#9c0006;font-weight:600}.small{font-size:12px;color:#5a6570}
ul.missing{margin:0;padding:12px 16px 12px 36px}.empty{padding:10px 16px;color:#5a6570}
footer{color:#5a6570;font-size:12px;margin-top:24px}
.eksempel{position:sticky;top:0;z-index:9;margin:0;padding:8px 32px;background:#c00000;color:#fff;font-weight:700}
@media print{.eksempel{position:fixed;left:0;right:0}}
"""


def _cls(status: str) -> str:
    return status.replace(" ", "-")


def _badge(status: str) -> str:
    return f'<span class="badge b-{_cls(status)}">{escape(status)}</span>'


def render_html(
    result: AuditResult,
    charts: dict[str, Path],
    helhedsplan: str | None = None,
    descriptions: dict[str, str] | None = None,
) -> str:
    """The dashboard as one HTML string; `charts` maps a criterion id to a PNG (embedded as data:),
    `descriptions` to its alternative text (default: made from the data, charts.describe)."""
    from checker.followup.charts import criterion_descriptions

    counts = _counts(result)
    complete = _documentation_complete(result)
    missing = result.documentation_missing
    name = helhedsplan or result.dossier
    alt = descriptions if descriptions is not None else criterion_descriptions(result)
    banner = example_text(result)
    p = [
        "<!DOCTYPE html>",
        '<html lang="da"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width,initial-scale=1">',
        f"<title>{'EKSEMPEL – ' if banner else ''}Revision: {escape(name)}</title><style>{_CSS}</style></head><body>",
    ]
    if banner:  # one line that stays on screen; what the register says about itself below
        p.append(f'<p class="eksempel" id="eksempel" role="note">{escape(EKSEMPEL_DA)}.</p>')
    p += [
        f'<header class="{"ok" if complete else "bad"}"><h1>Revision – opfølgning på lokale mål</h1>',
        f"<p>{escape(name)} · <code>{escape(result.dossier)}</code> · opgjort pr. {escape(dato(result.as_of))}</p>",
        f"<p>{'Opfølgningen er dokumenteret for alt, der er forfaldent.' if complete else 'Dokumentationen af opfølgningen har mangler.'}</p>",
        "</header><main>",
    ]
    if not result.register_found:
        p.append(f'<p class="note">Opfølgningsregistret ({REGISTER}) findes ikke i dossieret.</p>')
    if banner and result.eksempel_tekst:
        p.append(f'<p class="note">{escape(result.eksempel_tekst)}</p>')
    if left_out_text(result):
        p.append(f'<p class="note">{escape(left_out_text(result))}</p>')
    p.append('<div class="tiles">')
    for s in STATUSES:
        p.append(f'<div class="tile {_cls(s)}" id="tile-{_cls(s)}"><b>{counts[s]}</b>{escape(s)}</div>')
    p.append(
        f'<div class="tile" id="tile-dokumentation"><b>{len(missing)}</b>mangler dokumentation</div></div>'
    )
    groups = _groups(result)
    p.append("<nav>")
    for _area, criteria in groups:
        for cid, titel, _lines in criteria:
            p.append(f'<a href="#k-{escape(_cls(cid))}">{escape(titel)}</a>')
    p.append('<a href="#evalueringer">Evalueringer</a><a href="#mangler">Mangler dokumentation</a></nav>')

    for area, criteria in groups:
        p.append(f"<h2>Indsatsområde {escape(area)}</h2>")
        for cid, titel, lines in criteria:
            p.append(
                f'<section id="k-{escape(_cls(cid))}"><h3>{escape(titel)}<code>{escape(cid)}</code></h3>'
            )
            mine = {s: sum(1 for ln in lines if ln.status == s) for s in STATUSES}
            p.append(
                '<div class="counts">'
                + " ".join(f"{_badge(s)} {mine[s]}" for s in STATUSES if mine[s])
                + "</div>"
            )
            if all(ln.target.maal is None for ln in lines):
                p.append(
                    '<p class="note">Baseline mangler; målet kan ikke beregnes, før en baseline er registreret.</p>'
                )
            elif reading_note(lines):
                p.append(f'<p class="note">{escape(reading_note(lines))}</p>')
            chart = charts.get(cid)
            if chart:
                data = base64.b64encode(Path(chart).read_bytes()).decode("ascii")
                text = alt.get(cid) or f"Graf: {titel} ({cid})"
                p.append(f'<figure><img src="data:image/png;base64,{data}" alt="{escape(text)}"></figure>')
            p.append(
                "<table><tr><th>Område</th><th>Kontrolpunkt</th><th>Baseline</th><th>Mål</th><th>Målt</th>"
                "<th>Status</th><th>Dokumentation</th></tr>"
            )
            for row, line in zip(_rows(lines), lines, strict=True):
                ev = line.bevis
                doc = "–" if line.maalt is None else escape(ev.status)
                if line.maalt is not None and ev.status in ("ændret", "mangler"):
                    doc = f'<span class="ev-{"aendret" if ev.status == "ændret" else "mangler"}">{doc}</span>'
                if ev.fil:
                    doc += f'<div class="small">{escape(ev.fil)}</div>'
                when = escape(row["kontrolpunkt"])
                if row["betegnelse"]:
                    when += f'<div class="small">{escape(row["betegnelse"])}</div>'
                p.append(
                    f'<tr class="line"><td>{escape(row["omraade"])}</td><td>{when}</td>'
                    f'<td class="num">{escape(row["baseline"])}</td><td>{escape(row["maal"])}</td>'
                    f'<td class="num">{escape(row["maalt"])}</td><td>{_badge(line.status)}</td><td>{doc}</td></tr>'
                )
            p.append("</table></section>")

    p.append('<h2 id="evalueringer">Evalueringer og afrapportering</h2>')
    if not result.years:
        p.append('<section><p class="empty">Aftalen lover ingen evalueringer.</p></section>')
    for year in _year_rows(result):
        p.append(f"<section><h3>Projektår {year['aar']} <code>{escape(year['periode'])}</code></h3>")
        p.append(
            "<table><tr><th>Evaluering</th><th>Organ</th><th>Afholdt</th><th>Datoer</th><th>Status</th></tr>"
        )
        for r in year["raekker"]:
            p.append(
                f'<tr><td>{escape(r["evaluering"])}<div class="small">{escape(r["id"])}</div></td>'
                f"<td>{escape(r['organ'])}</td><td>{escape(r['afholdt'])}</td><td>{escape(r['datoer'])}</td>"
                f"<td>{_badge(r['status'])}</td></tr>"
            )
        p.append("</table></section>")

    p.append('<h2 id="mangler">Mangler dokumentation</h2><section>')
    if missing:
        p.append('<ul class="missing">' + "".join(f"<li>{escape(m)}</li>" for m in missing) + "</ul>")
    else:
        p.append('<p class="empty">Ingen.</p>')
    p.append("</section>")
    summary = " ".join(escape(s) for s in [*summary_lines(result), left_out_text(result)] if s)
    if banner:
        summary += f"<br><strong>{escape(EKSEMPEL_DA)}.</strong>"
    p.append(f"<footer>{summary}<br>Lavet af aftale {escape(__version__)}.</footer></main></body></html>")
    return "\n".join(p)


def write_html(result: AuditResult, out: Path, *, helhedsplan: str | None = None) -> Path:
    """One self-contained HTML dashboard (charts embedded, no scripts, no external resources)."""
    from checker.followup.charts import criterion_charts

    with tempfile.TemporaryDirectory(prefix="aftale-audit-") as tmp:
        charts = criterion_charts(result, Path(tmp), "png")
        html = render_html(result, charts, helhedsplan)
    return _write(Path(out), html.encode("utf-8"))
