"""The budget and aktivitetsskema workbooks of a new dossier, and their recalculation.

write_budget and write_activity_schedule write the layout docs/workbooks.md describes – the layout
checker/readers/xlsx.py and the finance and activity rules read by labels – from the agreement's
helhedsplan, period and chosen indsatsområder. Every value the user must supply is visible: amount
cells hold 0 (so the sums calculate and the workbook reads) with an "UDFYLD: …" note in the
"Bemærkning" column to the right of "I alt", and text cells hold "UDFYLD: …" placeholders.

openpyxl writes formulas without the values a spreadsheet would calculate, and aftale reads formulas
through those cached values. recalculate has LibreOffice (headless, checker.libreoffice) load and save
each workbook, checks with the reader that every formula now has its value, and only then replaces the
file, atomically; on any failure the file is left as it was.
"""

from __future__ import annotations

import os
import shlex
import tempfile
from datetime import date
from pathlib import Path

from checker.findings import CouldNotRun, Text

PLACEHOLDER = "UDFYLD"  # what checker.scaffold marks every value to be supplied with
EXAMPLE_ACTIVITY = f"{PLACEHOLDER}: aktivitetens navn"  # the example row's Aktivitet
BUDGET_SHEET = "Finansiering"
SCHEDULE_SHEET = "Aktiviteter"
NOTE_HEADER = "Bemærkning"
RECALC_TIMEOUT = 120  # seconds (wall and CPU) for one LibreOffice run over all the workbooks

DATE_FORMAT = "d.m.yyyy"
MONEY_FORMAT = "#,##0"
_INPUT_FILL = "FFF2CC"  # pale yellow: cells the user fills in
_HEAD_FILL = "DDEBF7"
_TOTAL_FILL = "F2F2F2"

# LibreOffice's "Recalculation on file load: always" for Excel and ODF files, so that a workbook whose
# cached values are stale (or missing) is calculated afresh, never kept as it came.
RECALC_SETTINGS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse">\
<value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse">\
<value>0</value></prop></item>
</oor:items>
"""


# ---------------------------------------------------------------------------------------------- writing


def _period(agreement: dict) -> tuple[date, date, list[tuple[date, date]]]:
    from checker.context import project_years

    periode = agreement["periode"]
    try:
        start, end = date.fromisoformat(periode["start"]), date.fromisoformat(periode["slut"])
    except ValueError:
        raise CouldNotRun(
            Text(
                f"Aftalens periode ({periode['start']} – {periode['slut']}) er ikke to datoer ÅÅÅÅ-MM-DD.",
                f"The agreement's period ({periode['start']} – {periode['slut']}) is not two dates YYYY-MM-DD.",
            )
        ) from None
    years = project_years(start, end)
    if not years:
        raise CouldNotRun(
            Text(
                f"Aftalens periode slutter ({end.isoformat()}) før den begynder ({start.isoformat()}).",
                f"The agreement's period ends ({end.isoformat()}) before it begins ({start.isoformat()}).",
            )
        )
    return start, end, years


def _areas(agreement: dict) -> list[tuple[str, str]]:
    """(nummer, navn) of each chosen indsatsområde, in the agreement's order."""
    return [(str(a["nummer"]), str(a["navn"])) for a in agreement["indsatsomraader"]["omraader"]]


def _styles():
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    class S:
        bold = Font(bold=True)
        title = Font(bold=True, size=14)
        note = Font(italic=True, color="595959")
        head = PatternFill("solid", fgColor=_HEAD_FILL)
        total = PatternFill("solid", fgColor=_TOTAL_FILL)
        fill_in = PatternFill("solid", fgColor=_INPUT_FILL)
        top = Border(top=Side(style="thin", color="808080"))
        right = Alignment(horizontal="right")
        wrap = Alignment(vertical="top", wrap_text=True)

    return S


def _save(wb, path: Path, formulas: set[tuple[str, str]]) -> None:
    from checker.files import workbook_bytes, write_file

    write_file(path, workbook_bytes(wb, formulas))


def write_budget(path: Path, agreement: dict) -> None:
    """budget.xlsx for the agreement: the layout of docs/workbooks.md, amounts 0 with "UDFYLD" notes,
    totals as =SUM formulas (without cached values until recalculate runs). Written atomically."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter as col

    start, end, years = _period(agreement)
    areas = _areas(agreement)
    helhedsplan = agreement.get("helhedsplan") or f"{PLACEHOLDER}: helhedsplanens navn"
    n = len(years)
    first, last = 2, 1 + n  # the year columns
    total, note = last + 1, last + 2  # "I alt", "Bemærkning"
    span = f"{col(first)}{{row}}:{col(last)}{{row}}"
    s = _styles()

    wb = Workbook()
    ws = wb.active
    ws.title = BUDGET_SHEET
    wb.properties.creator = "aftale"
    wb.properties.title = "Budget"
    formulas: set[tuple[str, str]] = set()

    def label(row: int, text: str, *, bold: bool = True, fill=None):
        c = ws.cell(row, 1, text)
        if bold:
            c.font = s.bold
        if fill:
            c.fill = fill
        return c

    def header(row: int, text: str) -> None:
        label(row, text, fill=s.head)
        for i in range(n):
            c = ws.cell(row, first + i, f"År {i + 1}")
            c.font, c.fill, c.alignment = s.bold, s.head, s.right
        c = ws.cell(row, total, "I alt")
        c.font, c.fill, c.alignment = s.bold, s.head, s.right
        c = ws.cell(row, note, NOTE_HEADER)
        c.font, c.fill = s.bold, s.head

    def formula(row: int, column: int, text: str, *, fill=None) -> None:
        c = ws.cell(row, column, text)
        c.number_format, c.font = MONEY_FORMAT, s.bold
        if fill:
            c.fill, c.border = fill, s.top
        formulas.add((ws.title, c.coordinate))

    def amounts(row: int, text: str, todo: str) -> None:
        label(row, text, bold=False)
        for i in range(n):
            c = ws.cell(row, first + i, 0)
            c.number_format, c.fill = MONEY_FORMAT, s.fill_in
        formula(row, total, "=SUM(" + span.format(row=row) + ")")
        ws.cell(row, note, f"{PLACEHOLDER}: {todo}").font = s.note

    def sums(row: int, text: str, top: int, bottom: int) -> None:
        label(row, text, fill=s.total).border = s.top
        for i in range(n):
            letter = col(first + i)
            formula(row, first + i, f"=SUM({letter}{top}:{letter}{bottom})", fill=s.total)
        formula(row, total, "=SUM(" + span.format(row=row) + ")", fill=s.total)

    ws.cell(1, 1, "Budget for den boligsociale indsats").font = s.title
    ws.cell(
        2,
        1,
        "Alle beløb i hele kroner. Skriv beløbene i de gule celler, og slet rækkens bemærkning, når de er "
        "skrevet; summerne er formler.",
    ).font = s.note
    label(4, "Helhedsplan")
    ws.cell(4, 2, helhedsplan)
    label(5, "Periode")
    for column, day in ((2, start), (3, end)):
        c = ws.cell(5, column, day)
        c.number_format, c.alignment = DATE_FORMAT, s.right

    header(7, "Projektår")
    for row, text, index in ((8, "Fra", 0), (9, "Til", 1)):
        label(row, text)
        for i, year in enumerate(years):
            c = ws.cell(row, first + i, year[index])
            c.number_format, c.alignment = DATE_FORMAT, s.right

    ws.cell(10, 1, "Finansiering (kr.)").font = s.bold
    amounts(11, "Landsbyggefonden", "Landsbyggefondens tilskud pr. projektår (aftalens afsnit 7)")
    amounts(12, "Lokal medfinansiering", "den lokale medfinansiering pr. projektår (aftalens afsnit 7)")
    sums(13, "Samlet finansiering", 11, 12)

    header(15, "Udgifter pr. indsatsområde")
    row = 16
    for nummer, navn in areas:
        amounts(row, f"{nummer} {navn}", f"udgifterne til indsatsområde {nummer} pr. projektår")
        row += 1
    amounts(row, "Tværgående", "tværgående udgifter (sekretariat, ledelse, evaluering) pr. projektår")
    sums(row + 1, "Samlede udgifter", 16, row)

    ws.column_dimensions["A"].width = 38
    for column in range(first, total + 1):
        ws.column_dimensions[col(column)].width = 14
    ws.column_dimensions[col(note)].width = 70
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    _save(wb, Path(path), formulas)


def write_activity_schedule(path: Path, agreement: dict) -> None:
    """aktivitetsskema.xlsx for the agreement: the activity table of docs/workbooks.md with one example
    row per chosen indsatsområde, its texts "UDFYLD: …" and its dates the agreement's period."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter as col

    from checker.rules.activities import HEADERS

    start, end, _years = _period(agreement)
    s = _styles()
    wb = Workbook()
    ws = wb.active
    ws.title = SCHEDULE_SHEET
    wb.properties.creator = "aftale"
    wb.properties.title = "Aktivitetsskema"
    ws.cell(1, 1, "Aktivitetsskema").font = s.title
    for column, text in enumerate(HEADERS, start=1):
        c = ws.cell(2, column, text)
        c.font, c.fill, c.alignment = s.bold, s.head, s.wrap
    example = {
        "Aktivitet": EXAMPLE_ACTIVITY,
        "Id": None,  # optional; an activity is then matched by its name
        "Målgruppe": f"{PLACEHOLDER}: målgruppe",
        "Boligområder": f"{PLACEHOLDER}: boligområdernes navne, adskilt af komma",
        "Ansvarlig": f"{PLACEHOLDER}: ansvarlig",
        "Start": start,
        "Slut": end,
    }
    for row, (nummer, _navn) in enumerate(_areas(agreement), start=3):
        for column, text in enumerate(HEADERS, start=1):
            value = nummer if text == "Indsatsområde" else example.get(text)
            c = ws.cell(row, column, value)
            c.alignment = s.wrap
            if isinstance(value, date):
                c.number_format = DATE_FORMAT
            elif text == "Indsatsområde":
                c.number_format = "@"  # "5.1" stays text
            elif isinstance(value, str):
                c.fill = s.fill_in
    widths = {"Indsatsområde": 14, "Aktivitet": 36, "Id": 24, "Start": 12, "Slut": 12}
    for column, text in enumerate(HEADERS, start=1):
        ws.column_dimensions[col(column)].width = widths.get(text, 40)
    ws.freeze_panes = "A3"
    _save(wb, Path(path), set())


# ---------------------------------------------------------------------------------------------- recalculating


def _refuse(path: Path, da: str, en: str) -> CouldNotRun:
    return CouldNotRun(Text(f"{path}: {da} Filen er uændret.", f"{path}: {en} The file is unchanged."))


def _check_input(path: Path) -> bytes:
    """The workbook's bytes, once it is known to be an .xlsx file that reads; CouldNotRun otherwise."""
    from checker.readers import ReaderError
    from checker.readers.xlsx import open_workbook

    if path.suffix.lower() != ".xlsx":
        raise CouldNotRun(
            Text(
                f"{path}: kun Excel-projektmapper (.xlsx) kan genberegnes.",
                f"{path}: only Excel workbooks (.xlsx) can be recalculated.",
            )
        )
    if path.is_symlink():
        raise _refuse(
            path, "er et symbolsk link; angiv filen selv.", "is a symbolic link; give the file itself."
        )
    if not path.exists():
        raise CouldNotRun(Text(f"{path} findes ikke.", f"{path} does not exist."))
    if not path.is_file():
        raise CouldNotRun(Text(f"{path} er ikke en fil.", f"{path} is not a file."))
    try:
        open_workbook(path)
    except ReaderError as exc:
        hint = exc.hint or Text("", "")
        raise _refuse(
            path, f"{exc.message.da} {hint.da}".strip(), f"{exc.message.en} {hint.en}".strip()
        ) from None
    try:
        return path.read_bytes()
    except OSError as exc:
        raise CouldNotRun(
            Text(
                f"Kan ikke læse {path}: {exc.strerror or exc}.", f"Cannot read {path}: {exc.strerror or exc}."
            )
        ) from None


def _check_output(path: Path, copy: Path, result: Path) -> None:
    """LibreOffice's `result` for the `copy` of the workbook at `path` reads, has the same sheets, and
    every formula has its value."""
    from checker.readers import ReaderError
    from checker.readers.xlsx import open_workbook

    try:
        before, after = open_workbook(copy), open_workbook(result)
    except ReaderError as exc:
        raise _refuse(
            path,
            f"LibreOffice gemte en arbejdsbog, som ikke kan læses: {exc.message.da}",
            f"LibreOffice saved a workbook that cannot be read: {exc.message.en}",
        ) from None
    if after.sheet_names != before.sheet_names:
        raise _refuse(
            path,
            f"LibreOffice gemte andre faner ({', '.join(after.sheet_names)}) end arbejdsbogens "
            f"({', '.join(before.sheet_names)}).",
            f"LibreOffice saved other sheets ({', '.join(after.sheet_names)}) than the workbook's "
            f"({', '.join(before.sheet_names)}).",
        )
    missing = after.uncalculated_cells()
    if missing:
        raise _refuse(
            path,
            f"LibreOffice beregnede ikke alle formler; {missing[0].ref} ({missing[0].formula}) har stadig "
            f"ingen værdi ({len(missing)} i alt).",
            f"LibreOffice did not calculate every formula; {missing[0].ref} ({missing[0].formula}) still has "
            f"no value ({len(missing)} in all).",
        )


def recalculate(paths: list[Path]) -> None:
    """Have LibreOffice calculate and save each workbook, in one run, so every formula carries its value;
    then replace each file atomically. Nothing is replaced unless every workbook was checked, read back
    and found calculated: CouldNotRun (the files unchanged) when a path is not a readable .xlsx file,
    LibreOffice is missing, fails or times out, or a file changed meanwhile."""
    from checker import libreoffice
    from checker.files import write_file

    unique: list[Path] = []
    seen: set[str] = set()
    for path in map(Path, paths):  # each file once (symbolic links are refused below)
        if os.path.abspath(path) not in seen:
            seen.add(os.path.abspath(path))
            unique.append(path)
    if not unique:
        return
    originals = [_check_input(path) for path in unique]
    executable = libreoffice.program(
        Text(
            "LibreOffice er ikke installeret, så arbejdsbøgerne kan ikke genberegnes; kør »make run«, eller åbn "
            "dem i Excel eller LibreOffice Calc og gem dem.",
            "LibreOffice is not installed, so the workbooks cannot be recalculated; run 'make run', or open "
            "them in Excel or LibreOffice Calc and save them.",
        )
    )
    with tempfile.TemporaryDirectory(prefix="aftale-recalc-") as tmp:
        inbox, outbox = Path(tmp) / "in", Path(tmp) / "out"
        inbox.mkdir()
        outbox.mkdir()
        copies = []
        for i, data in enumerate(originals):  # numbered copies: no two share a name, and no lock file is
            copy = inbox / f"{i}.xlsx"  # left beside the user's workbook
            copy.write_bytes(data)
            copies.append(copy)
        try:
            proc = libreoffice.convert(
                copies,
                outbox,
                "xlsx:Calc MS Excel 2007 XML",
                timeout=RECALC_TIMEOUT,
                settings=RECALC_SETTINGS,
                executable=executable,
            )
        except CouldNotRun as exc:  # it did not finish in time
            raise CouldNotRun(
                Text(
                    f"{exc.text.da} Arbejdsbøgerne er uændrede.",
                    f"{exc.text.en} The workbooks are unchanged.",
                )
            ) from None
        results = [outbox / copy.name for copy in copies]
        for path, copy, result in zip(unique, copies, results, strict=True):
            if proc.returncode != 0 or not result.is_file():
                detail = libreoffice.output_of(proc)
                raise _refuse(
                    path,
                    f"LibreOffice kunne ikke genberegne arbejdsbogen (afslutningskode {proc.returncode}). {detail}".strip(),
                    f"LibreOffice could not recalculate the workbook (exit code {proc.returncode}). {detail}".strip(),
                )
            _check_output(path, copy, result)
        for path, data in zip(unique, originals, strict=True):
            try:
                unchanged = path.read_bytes() == data
            except OSError:
                unchanged = False
            if not unchanged:
                raise _refuse(
                    path,
                    "filen blev ændret, mens den blev genberegnet; kør kommandoen igen.",
                    "the file was changed while it was being recalculated; run the command again.",
                )
        for path, result in zip(unique, results, strict=True):
            write_file(path, result.read_bytes())


def recalc_command(path: str | Path) -> str:
    """The command line that recalculates the workbook at `path`, quoted for a shell."""
    return "aftale recalc " + shlex.quote(str(path))
