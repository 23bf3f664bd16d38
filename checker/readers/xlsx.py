"""Read an xlsx workbook by its labels: cells with their place ("Finansiering!C7"), formulas and cached values.

open_workbook checks the file before openpyxl sees it – size, that it is a zip at all (a
password-protected xlsx is an OLE2 compound file, not a zip), the zip's entry count, unpacked size and
compression ratios (zip bombs), and that no XML part declares a DOCTYPE or ENTITY (billion laughs,
XXE); the container checks are checker.readers.container's, shared with the Word import. It then
reads the workbook twice with openpyxl in read-only mode – once for the formulas, once for the values
Excel or LibreOffice last calculated – copies the cells into plain Python objects and closes the file. Every problem with the file becomes a ReaderError; see docs/workbooks.md for the
layout the rest of aftale expects.
"""

from __future__ import annotations

import re
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, time
from pathlib import Path
from typing import Any

from checker.findings import CouldNotRun, Text
from checker.readers import ReaderError, format_bytes
from checker.readers.container import (
    OLE2_MAGIC,
    ZipLimits,
    ZipProblem,
    check_zip,
    describe,
    looks_like_text,
    ole2_kind,
)

MAX_XLSX_BYTES = 20 * 1024 * 1024  # the file on disk
MAX_ZIP_ENTRIES = 1000  # parts in the zip; a workbook has a few dozen
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024  # all parts unpacked, as declared in the zip directory
MAX_COMPRESSION_RATIO = 100  # unpacked size / packed size of any one part (beyond RATIO_GRACE_BYTES)
MAX_ROWS = 10_000  # rows read per sheet; the rest are ignored
MAX_COLUMNS = 200  # columns read per sheet; the rest are ignored
ZIP_LIMITS = ZipLimits(MAX_ZIP_ENTRIES, MAX_UNCOMPRESSED_BYTES, MAX_COMPRESSION_RATIO)


# ---------------------------------------------------------------------------------------------- cells


def label_key(text: str) -> str:
    """A label as compared: case, surrounding and repeated spaces (also non-breaking), a trailing colon ignored."""
    text = text.replace("\u200b", "")  # zero-width space; the others (\xa0, \u202f, \u2007) split() knows
    text = " ".join(text.split())
    text = text.rstrip(":").rstrip()
    return text.casefold()


def _quote_sheet(name: str) -> str:
    """The sheet name as Excel writes it in a reference: quoted when it has spaces or signs."""
    if re.fullmatch(r"[^\W\d]\w*", name) and not re.fullmatch(r"[A-Za-z]{1,3}\d+", name):
        return name
    return "'" + name.replace("'", "''") + "'"


@dataclass(frozen=True)
class Cell:
    """One cell. value is the cached value for a formula (None when the workbook was never calculated)."""

    sheet: str
    row: int  # 1-based
    column: int  # 1-based
    value: Any = None
    formula: str | None = None  # "=SUM(C7:F7)"
    uncalculated: bool = False  # a formula without a cached value

    @property
    def ref(self) -> str:
        from openpyxl.utils import get_column_letter

        return f"{_quote_sheet(self.sheet)}!{get_column_letter(self.column)}{self.row}"

    @property
    def empty(self) -> bool:
        return self.formula is None and _is_blank(self.value)

    @property
    def text(self) -> str | None:
        """The value as text, stripped, or None when it is not text."""
        return self.value.strip() if isinstance(self.value, str) else None


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


@dataclass(frozen=True)
class Table:
    sheet: str
    header_row: int
    columns: dict[str, int]  # header label as the caller gave it -> column; missing optional headers absent
    rows: list[dict[str, Cell]]  # one dict per row, keyed like columns; empty cells are Cells with value None


class Sheet:
    def __init__(self, name: str, cells: dict[tuple[int, int], Cell], beyond: bool = False):
        self.name = name
        self._cells = cells
        # the sheet says it uses more than MAX_ROWS rows or MAX_COLUMNS columns: what lies beyond is not read
        self.beyond = beyond
        self._rows: dict[int, list[Cell]] = {}
        for (row, _col), cell in sorted(cells.items()):
            self._rows.setdefault(row, []).append(cell)

    def __repr__(self) -> str:
        return f"Sheet({self.name!r}, {len(self._cells)} cells)"

    @property
    def max_row(self) -> int:
        return max(self._rows, default=0)

    @property
    def max_column(self) -> int:
        return max((col for _row, col in self._cells), default=0)

    def cell(self, row: int, column: int) -> Cell:
        """The cell at (row, column); an empty Cell (value None) when nothing is there."""
        return self._cells.get((row, column)) or Cell(self.name, row, column)

    def cells(self) -> Iterator[Cell]:
        """The non-empty cells, row by row, left to right."""
        for row in sorted(self._rows):
            yield from self._rows[row]

    def find_label(self, text: str) -> Cell | None:
        """The first cell (row by row) whose text is the label, compared as label_key does."""
        key = label_key(text)
        for cell in self.cells():
            if isinstance(cell.value, str) and label_key(cell.value) == key:
                return cell
        return None

    def row_right_of(self, cell: Cell) -> list[Cell]:
        """The non-empty cells to the right of cell on its row, left to right (formulas count as non-empty)."""
        return [c for c in self._rows.get(cell.row, []) if c.column > cell.column]

    def table(self, header_labels: list[str], required: list[str] | None = None) -> Table | None:
        """The table under the first row holding all required header labels (all of them when required is None).

        Each header label is mapped to the first column in that row that has it; the rows below are
        read until the first row where all mapped cells are empty.
        """
        wanted = list(header_labels) + [r for r in (required or []) if r not in header_labels]
        needed = {label_key(r) for r in (header_labels if required is None else required)}
        keys = {label: label_key(label) for label in wanted}
        for row in sorted(self._rows):
            found: dict[str, int] = {}
            for cell in self._rows[row]:
                if isinstance(cell.value, str):
                    found.setdefault(label_key(cell.value), cell.column)
            if not needed <= found.keys() or not any(k in found for k in keys.values()):
                continue
            columns = {label: found[key] for label, key in keys.items() if key in found}
            rows: list[dict[str, Cell]] = []
            r = row + 1
            while r <= MAX_ROWS:
                record = {label: self.cell(r, col) for label, col in columns.items()}
                if all(c.empty for c in record.values()):
                    break
                rows.append(record)
                r += 1
            return Table(self.name, row, columns, rows)
        return None


class Workbook:
    def __init__(self, path: Path, sheets: list[Sheet]):
        self.path = path
        self.sheets = sheets

    def __repr__(self) -> str:
        return f"Workbook({str(self.path)!r}, {self.sheet_names!r})"

    @property
    def sheet_names(self) -> list[str]:
        return [s.name for s in self.sheets]

    def sheet(self, name: str) -> Sheet | None:
        """The sheet of that name; failing that, the one whose name matches ignoring case and spaces."""
        for s in self.sheets:
            if s.name == name:
                return s
        key = label_key(name)
        for s in self.sheets:
            if label_key(s.name) == key:
                return s
        return None

    def find_label(self, text: str) -> Cell | None:
        """The first cell with that label, searching the sheets in order."""
        for s in self.sheets:
            cell = s.find_label(text)
            if cell is not None:
                return cell
        return None

    def uncalculated_cells(self) -> list[Cell]:
        return [c for s in self.sheets for c in s.cells() if c.uncalculated]

    def texts(self) -> Iterator[tuple[str, str]]:
        """(cell reference, text) for every cell holding text typed in, not a formula's result, sheet by sheet."""
        for s in self.sheets:
            for c in s.cells():
                if c.formula is None and isinstance(c.value, str):
                    yield c.ref, c.value


# ---------------------------------------------------------------------------------------------- reading


def open_workbook(path: Path) -> Workbook:
    """Check and read an xlsx file. Raises ReaderError for a file that is not a readable, safe workbook,
    CouldNotRun when the operating system will not let us read it."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_XLSX_BYTES:
            raise ReaderError(
                "xlsx-too-large",
                Text(
                    f"Regnearket fylder {format_bytes(size).da}; det må højst fylde {format_bytes(MAX_XLSX_BYTES).da}.",
                    f"The workbook is {format_bytes(size).en}; it may be at most {format_bytes(MAX_XLSX_BYTES).en}.",
                ),
                Text(
                    "Et budget eller aktivitetsskema fylder normalt under 1 MB. Er det den rigtige fil? "
                    "Billeder og ubrugte faner kan fjernes.",
                    "A budget or activity schedule is normally under 1 MB. Is this the right file? "
                    "Pictures and unused sheets can be removed.",
                ),
            )
        with path.open("rb") as fh:
            head = fh.read(1024)
        if head.startswith(OLE2_MAGIC):
            _reject_ole2(path)
        if not zipfile.is_zipfile(path):
            _reject_not_zip(head, size)
    except OSError as exc:
        raise CouldNotRun(
            Text(
                f"Kan ikke læse {path}: {exc.strerror or exc}.", f"Cannot read {path}: {exc.strerror or exc}."
            )
        ) from None
    names = _check_zip(path)
    return Workbook(path, _read_cells(path, names))


def _reject_ole2(path: Path) -> None:
    """An OLE2 compound file: Excel's password-protected xlsx, or an old .xls/.doc. Always raises."""
    kind = ole2_kind(path)  # at most MAX_XLSX_BYTES, read in chunks
    if kind not in ("encrypted", "other"):
        raise ReaderError(
            "xlsx-not-a-workbook",
            Text(
                "Filen er i et ældre Office-format (fx Excel 97-2003, .xls), ikke en Excel-projektmappe (.xlsx).",
                "The file is in an older Office format (e.g. Excel 97-2003, .xls), not an Excel workbook (.xlsx).",
            ),
            Text(
                "Åbn filen i Excel og vælg Filer › Gem som › Excel-projektmappe (*.xlsx).",
                "Open the file in Excel and choose File › Save As › Excel Workbook (*.xlsx).",
            ),
        )
    raise ReaderError(
        "xlsx-encrypted",
        Text(
            "Regnearket er beskyttet med en adgangskode, så det kan ikke læses.",
            "The workbook is protected with a password, so it cannot be read.",
        ),
        Text(
            "Åbn filen i Excel, fjern adgangskoden (Filer › Oplysninger › Beskyt projektmappe › "
            "Krypter med adgangskode, slet adgangskoden) og gem filen igen.",
            "Open the file in Excel, remove the password (File › Info › Protect Workbook › "
            "Encrypt with Password, delete the password) and save the file again.",
        ),
    )


def _reject_not_zip(head: bytes, size: int) -> None:
    if head.startswith(b"PK\x03\x04"):  # a zip that lost its end (an interrupted download or copy)
        raise _corrupt("the zip archive's central directory is missing; the file is probably cut short")
    if size == 0:
        what = Text("Filen er tom.", "The file is empty.")
    elif head.lstrip().startswith(b"%PDF-"):
        what = Text("Filen er en PDF-fil.", "The file is a PDF file.")
    elif head.lstrip().lower().startswith((b"<?xml", b"<html", b"<!doctype html", b"<table")):
        what = Text(
            "Filen er en XML- eller HTML-fil (fx gemt som »XML-regneark 2003« eller »Webside«).",
            "The file is an XML or HTML file (e.g. saved as 'XML Spreadsheet 2003' or 'Web Page').",
        )
    elif looks_like_text(head):
        what = Text("Filen er en tekstfil (fx CSV).", "The file is a text file (e.g. CSV).")
    else:
        what = Text("Filens indhold er ikke et regneark.", "The file's content is not a workbook.")
    raise ReaderError(
        "xlsx-not-a-workbook",
        Text(
            f"Filen er ikke en Excel-projektmappe (.xlsx). {what.da}",
            f"The file is not an Excel workbook (.xlsx). {what.en}",
        ),
        Text(
            "Åbn filen i Excel eller LibreOffice og gem den som Excel-projektmappe (*.xlsx). "
            "Det hjælper ikke blot at omdøbe filen.",
            "Open the file in Excel or LibreOffice and save it as Excel Workbook (*.xlsx). "
            "Renaming the file is not enough.",
        ),
    )


def _zip_bomb(message: Text) -> ReaderError:
    return ReaderError(
        "xlsx-zip-bomb",
        message,
        Text(
            "Et almindeligt regneark ser ikke sådan ud. Bed afsenderen om en ny kopi, gemt direkte fra Excel.",
            "An ordinary workbook does not look like this. Ask the sender for a new copy, saved directly from Excel.",
        ),
    )


def _corrupt(detail: str | None = None, names: list[str] | None = None) -> ReaderError:
    names = names or []
    kind: Text | None = None
    if any(n.startswith("word/") for n in names):
        kind = Text(" Filen er et Word-dokument.", " The file is a Word document.")
    elif any(n.startswith("ppt/") for n in names):
        kind = Text(" Filen er en PowerPoint-præsentation.", " The file is a PowerPoint presentation.")
    elif "mimetype" in names or "content.xml" in names:
        kind = Text(
            " Filen er et OpenDocument-dokument (fx LibreOffice .ods).",
            " The file is an OpenDocument file (e.g. LibreOffice .ods).",
        )
    elif names and not any(n.startswith("xl/") for n in names):
        kind = Text(
            " Filen er et zip-arkiv, men ikke et regneark.", " The file is a zip archive, not a workbook."
        )
    tech = f" (teknisk: {detail})" if detail else ""
    tech_en = f" (technical: {detail})" if detail else ""
    return ReaderError(
        "xlsx-corrupt",
        Text(
            f"Regnearket kan ikke læses; filen er beskadiget eller ikke en gyldig Excel-projektmappe (.xlsx).{(kind.da if kind else '')}{tech}",
            f"The workbook cannot be read; the file is damaged or not a valid Excel workbook (.xlsx).{(kind.en if kind else '')}{tech_en}",
        ),
        Text(
            "Åbn filen i Excel eller LibreOffice og gem den igen som Excel-projektmappe (*.xlsx), "
            "eller bed afsenderen om en ny kopi.",
            "Open the file in Excel or LibreOffice and save it again as Excel Workbook (*.xlsx), "
            "or ask the sender for a new copy.",
        ),
    )


_describe = describe


def _chain(exc: BaseException) -> list[BaseException]:
    """exc and the exceptions it was raised from or during, outermost first."""
    chain: list[BaseException] = []
    e: BaseException | None = exc
    while e is not None and e not in chain and len(chain) < 20:
        chain.append(e)
        e = e.__cause__ or e.__context__
    return chain


def _check_zip(path: Path) -> list[str]:
    """The container checks of checker.readers.container, worded for a workbook; the part names."""
    try:
        return [i.filename for i in check_zip(path, ZIP_LIMITS)]
    except ZipProblem as problem:
        raise _zip_error(problem) from None


def _zip_error(p: ZipProblem) -> ReaderError:
    if p.kind == "entries":
        return _zip_bomb(
            Text(
                f"Filen består af {p.count} dele; et regneark må højst have {MAX_ZIP_ENTRIES}. "
                "Filen kan være en såkaldt zip-bombe.",
                f"The file has {p.count} parts; a workbook may have at most {MAX_ZIP_ENTRIES}. "
                "The file may be a so-called zip bomb.",
            )
        )
    if p.kind == "unpacked":
        return _zip_bomb(
            Text(
                f"Regnearket fylder {format_bytes(p.size).da}, når det pakkes ud; det må højst fylde "
                f"{format_bytes(MAX_UNCOMPRESSED_BYTES).da}. Filen kan være en såkaldt zip-bombe.",
                f"The workbook takes {format_bytes(p.size).en} when unpacked; it may take at most "
                f"{format_bytes(MAX_UNCOMPRESSED_BYTES).en}. The file may be a so-called zip bomb.",
            )
        )
    if p.kind == "ratio":
        return _zip_bomb(
            Text(
                f"En del af filen ({p.part}) er pakket usædvanligt hårdt sammen (1:{p.ratio}, "
                f"højst 1:{MAX_COMPRESSION_RATIO} er tilladt). Filen kan være en såkaldt zip-bombe.",
                f"A part of the file ({p.part}) is packed unusually tightly (1:{p.ratio}, "
                f"at most 1:{MAX_COMPRESSION_RATIO} is allowed). The file may be a so-called zip bomb.",
            )
        )
    if p.kind == "encrypted":
        return ReaderError(
            "xlsx-encrypted",
            Text(
                "Filen er et zip-arkiv beskyttet med en adgangskode og kan ikke læses som regneark.",
                "The file is a password-protected zip archive and cannot be read as a workbook.",
            ),
            Text(
                "Gem regnearket direkte fra Excel uden adgangskode.",
                "Save the workbook directly from Excel without a password.",
            ),
        )
    if p.kind == "unsafe-xml":
        return ReaderError(
            "xlsx-unsafe-xml",
            Text(
                f"Regnearket indeholder XML med en DOCTYPE- eller ENTITY-erklæring (i {p.part}). "
                "Det skriver Excel aldrig, og den slags kan bruges til at angribe programmer, der "
                "læser filen, så aftale læser den ikke.",
                f"The workbook contains XML with a DOCTYPE or ENTITY declaration (in {p.part}). "
                "Excel never writes these, and they can be used to attack programs that read the "
                "file, so aftale does not read it.",
            ),
            Text(
                "Bed afsenderen om en ny kopi, gemt direkte fra Excel eller LibreOffice.",
                "Ask the sender for a new copy, saved directly from Excel or LibreOffice.",
            ),
        )
    return _corrupt(p.detail)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime) and value.time() == time(0, 0) and value.tzinfo is None:
        return value.date()
    return value


def _formula_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    text = getattr(value, "text", None)  # ArrayFormula
    return text if isinstance(text, str) else str(value)


def _sheet_cells(wb, data_only: bool) -> list[tuple[str, dict[tuple[int, int], tuple[Any, bool]], bool]]:
    """Per sheet of an open read-only workbook: {(row, col): (value, is_formula)} for the non-empty cells,
    and whether the sheet's recorded extent goes beyond the rows and columns read."""
    sheets = []
    for name in wb.sheetnames:
        ws = wb[name]
        cells: dict[tuple[int, int], tuple[Any, bool]] = {}
        rows, columns = getattr(ws, "max_row", None), getattr(ws, "max_column", None)
        beyond = (isinstance(rows, int) and rows > MAX_ROWS) or (
            isinstance(columns, int) and columns > MAX_COLUMNS
        )
        if hasattr(ws, "iter_rows"):  # a chart sheet has no cells
            for row in ws.iter_rows(min_row=1, max_row=MAX_ROWS, max_col=MAX_COLUMNS):
                for c in row:
                    if not hasattr(c, "row"):  # EmptyCell fillers
                        continue
                    if c.value is None:
                        # A formula whose calculated value is "" is saved as t="str" with an empty
                        # value; a formula never calculated has no type. Only the first is a value.
                        if data_only and c.data_type == "str":
                            cells[(c.row, c.column)] = ("", False)
                        continue
                    cells[(c.row, c.column)] = (c.value, c.data_type == "f")
        sheets.append((name, cells, beyond))
    return sheets


def _load_both(path: Path) -> tuple[list, list]:
    """The formulas and the cached values, from one opening of the file: a read-only workbook parses its
    sheets when they are iterated, as the workbook's data_only says at that moment, so the package, its
    styles and shared strings are read once and each sheet is walked twice. (openpyxl has no public way to
    get both from one walk; where the workbook lacks the attribute, it is opened twice as before.)"""
    import openpyxl

    with path.open("rb") as fh, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Data Validation extension is not supported" and the like
        # A file object, not the path: openpyxl would refuse a name not ending in .xlsx/.xlsm/...
        wb = openpyxl.load_workbook(fh, read_only=True, data_only=False, keep_links=False)
        try:
            formulas = _sheet_cells(wb, data_only=False)
            if hasattr(wb, "_data_only"):
                wb._data_only = True
                return formulas, _sheet_cells(wb, data_only=True)
        finally:
            wb.close()
        fh.seek(0)
        wb = openpyxl.load_workbook(fh, read_only=True, data_only=True, keep_links=False)
        try:
            return formulas, _sheet_cells(wb, data_only=True)
        finally:
            wb.close()


def _read_cells(path: Path, names: list[str]) -> list[Sheet]:
    try:
        formulas, values = _load_both(path)
    except Exception as exc:  # KeyError, BadZipFile, InvalidFileException, ParseError, ValueError, ...
        chain = _chain(exc)  # openpyxl wraps some errors in a ValueError "Unable to read workbook"
        if any(type(e).__module__.startswith("defusedxml") for e in chain):  # DTDForbidden, EntitiesForbidden
            raise ReaderError(
                "xlsx-unsafe-xml",
                Text(
                    "Regnearket indeholder XML med en DOCTYPE- eller ENTITY-erklæring, så aftale læser det ikke.",
                    "The workbook contains XML with a DOCTYPE or ENTITY declaration, so aftale does not read it.",
                ),
                Text(
                    "Bed afsenderen om en ny kopi, gemt direkte fra Excel eller LibreOffice.",
                    "Ask the sender for a new copy, saved directly from Excel or LibreOffice.",
                ),
            ) from None
        raise _corrupt(_describe(chain[-1]), names) from None
    cached = {name: cells for name, cells, _beyond in values}
    sheets: list[Sheet] = []
    for name, raw, beyond in formulas:
        cached_cells = cached.get(name, {})
        cells: dict[tuple[int, int], Cell] = {}
        for key in raw.keys() | cached_cells.keys():
            raw_value, is_formula = raw.get(key, (None, False))
            value = _plain(cached_cells.get(key, (None, False))[0])
            row, col = key
            if is_formula:
                cells[key] = Cell(name, row, col, value, _formula_text(raw_value), uncalculated=value is None)
            elif not _is_blank(value):
                cells[key] = Cell(name, row, col, value)
        sheets.append(Sheet(name, cells, beyond))
    return sheets
