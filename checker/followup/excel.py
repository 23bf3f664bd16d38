"""aftale followup template / import: the follow-up register as a workbook the secretariat fills in.

``write_template`` writes one sheet, "Opfølgning", with one row per target (criterion × area or
category × checkpoint) and these columns; the last four are the only cells that can be edited
(unlocked, light yellow; the sheet is protected without a password):

    A Kriterium · B Succeskriterium · C Område/kategori · D Kontrolpunkt · E Betegnelse · F Enhed ·
    G Baseline · H Mål · I Værdi · J Målt den · K Datakilde · L Dokumentation (fil)

Measurements already in the register are filled in, so the same workbook can be filled in a little at
a time and imported again.

``import_workbook`` reads the workbook with the hardened reader (by its header labels, so a workbook
laid out a little differently still reads), checks every filled-in row and reports every problem with
its exact cell. It writes the register only when there is no error, and then atomically, after
validating the result against the schema. It adds and (with ``replace``) replaces measurements; it
never deletes one: a row whose four input cells are all empty is skipped. ``merge_rows`` does the same
for rows given directly (the follow-up form of ``aftale serve``): the same checks, the same writing.

A row is the same measurement as one in the register when criterion, area/category and checkpoint
match. It is unchanged when value, date, data source and evidence file are the same; a different
value, date, source or evidence file is a conflict that needs ``replace``. Evidence is recorded with
its sha256 at import; when the registered evidence file has changed since, the row stays unchanged
(the audit reports the change) with a warning, and ``replace`` registers the file anew.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path, PurePosixPath
from typing import Any

from checker.findings import CouldNotRun, Text
from checker.jsonsource import read_json

SHEET = "Opfølgning"
COLUMNS = (
    "Kriterium",
    "Succeskriterium",
    "Område/kategori",
    "Kontrolpunkt",
    "Betegnelse",
    "Enhed",
    "Baseline",
    "Mål",
    "Værdi",
    "Målt den",
    "Datakilde",
    "Dokumentation (fil)",
)
INPUTS = ("Værdi", "Målt den", "Datakilde", "Dokumentation (fil)")
REQUIRED = ["Kriterium", "Kontrolpunkt", "Værdi"]
HEADER_ROW = 4
DATE_FORMAT = "d.m.yyyy"
WIDTHS = {
    "Kriterium": 26,
    "Succeskriterium": 30,
    "Område/kategori": 17,
    "Kontrolpunkt": 12,
    "Betegnelse": 34,
    "Enhed": 9,
    "Baseline": 10,
    "Mål": 48,
    "Værdi": 10,
    "Målt den": 12,
    "Datakilde": 38,
    "Dokumentation (fil)": 34,
}
INPUT_FILL = "FFF9C4"  # light yellow
HEADER_FILL = "D9D9D9"


@dataclass
class ImportIssue:
    cell: str  # "Opfølgning!I7"
    message: Text
    severity: str  # "error" | "warning"


@dataclass
class ImportResult:
    added: int = 0
    replaced: int = 0
    unchanged: int = 0
    issues: list[ImportIssue] = field(default_factory=list)
    written: bool = False

    @property
    def errors(self) -> list[ImportIssue]:
        return [i for i in self.issues if i.severity == "error"]


# ---------------------------------------------------------------------------------------------- shared


def _d(value: date) -> str:
    """A date the Danish way: 1.4.2017."""
    return f"{value.day}.{value.month}.{value.year}"


def _tal(value: Decimal) -> str:
    from checker.assemble.fmt import tal

    return tal(value)


def _load(root: Path) -> tuple[dict, dict | None]:
    """The agreement and the register (None when there is none), after checking the dossier validates."""
    from checker.followup.audit import load_register
    from checker.validate import require_valid

    require_valid(root, Text("først", "first"))
    aftale = read_json(root / "samarbejdsaftale.json")
    return aftale, load_register(root)


def _targets(aftale: dict, register: dict | None) -> list:
    """All targets, with the register's baselines, sorted by indsatsområde, criterion, checkpoint, key."""
    from checker.followup.targets import all_targets

    baselines = {
        (b["kriterium"], b.get("noegle")): Decimal(str(b["vaerdi"]))
        for b in (register or {}).get("baselines", [])
    }
    try:
        targets = all_targets(aftale, baselines)
    except (ValueError, TypeError, KeyError) as exc:
        raise CouldNotRun(
            Text(
                f"Succeskriterierne kan ikke opgøres: {exc}. Ret aftalen eller opfølgningsregistrets baselines.",
                f"The success criteria cannot be computed: {exc}. Fix the agreement or the register's baselines.",
            )
        ) from None
    criteria: dict[str, int] = {}
    keys: dict[tuple[str, str | None], int] = {}
    for t in targets:  # all_targets keeps the agreement's order: area, criterion, key, checkpoint
        criteria.setdefault(t.kriterium, len(criteria))
        keys.setdefault((t.kriterium, t.noegle), len(keys))
    return sorted(
        targets, key=lambda t: (criteria[t.kriterium], t.kontrolpunkt, keys[(t.kriterium, t.noegle)])
    )


def _period(aftale: dict) -> tuple[date, date, date]:
    """(start, end, last date a measurement may carry: one year after the end)."""
    from checker.context import _add_years

    start = date.fromisoformat(aftale["periode"]["start"])
    slut = date.fromisoformat(aftale["periode"]["slut"])
    return start, slut, _add_years(slut, 1)


def _number(value: Decimal) -> int | float | Decimal:
    """A value for a workbook cell."""
    if value == value.to_integral_value():
        return int(value)
    return float(value)


# ---------------------------------------------------------------------------------------------- template


def write_template(dossier: Path, out: Path) -> int:
    """Write the follow-up workbook for the dossier to `out`; returns the number of target rows."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.utils.datetime import to_excel
    from openpyxl.worksheet.datavalidation import DataValidation

    root = Path(dossier)
    out = Path(out)
    aftale, register = _load(root)
    targets = _targets(aftale, register)
    start, slut, limit = _period(aftale)
    measured = {
        (m["kriterium"], m.get("noegle"), m["kontrolpunkt"]): m for m in (register or {}).get("maalinger", [])
    }

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    wb.properties.title = f"Opfølgning – {aftale['helhedsplan']}"
    wb.properties.creator = "aftale"

    ws.cell(
        1, 1, f"Opfølgning på de lokale succeskriterier – {aftale['helhedsplan']} ({_d(start)}–{_d(slut)})"
    )
    ws.cell(1, 1).font = Font(bold=True, size=14)
    ws.cell(
        2,
        1,
        "Udfyld de gule felter: Værdi (i kriteriets enhed), Målt den (dato), Datakilde og evt. Dokumentation "
        "(stien til filen i dossiermappen, fx bilag/klagesager-2018.pdf). Indlæs med »aftale followup import«.",
    )
    ws.cell(2, 1).font = Font(italic=True)

    thin = Side(style="thin", color="808080")
    for col, label in enumerate(COLUMNS, start=1):
        cell = ws.cell(HEADER_ROW, col, label)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
        cell.border = Border(bottom=thin)
        cell.alignment = Alignment(vertical="center")
        ws.column_dimensions[get_column_letter(col)].width = WIDTHS[label]

    col_of = {label: i for i, label in enumerate(COLUMNS, start=1)}
    letter = {label: get_column_letter(i) for label, i in col_of.items()}
    unlocked = Protection(locked=False)
    fill = PatternFill("solid", fgColor=INPUT_FILL)
    first = HEADER_ROW + 1
    procent_cells, antal_cells = [], []
    for row, t in enumerate(targets, start=first):
        values: dict[str, Any] = {
            "Kriterium": t.kriterium,
            "Succeskriterium": t.titel,
            "Område/kategori": t.noegle,
            "Kontrolpunkt": t.kontrolpunkt,
            "Betegnelse": t.betegnelse,
            "Enhed": t.enhed,
            "Baseline": None if t.baseline is None else _number(t.baseline),
            "Mål": t.beskrivelse_da,
        }
        m = measured.get((t.kriterium, t.noegle, t.kontrolpunkt.isoformat()))
        if m is not None:
            values["Værdi"] = _number(Decimal(str(m["vaerdi"])))
            values["Målt den"] = date.fromisoformat(m["dato"])
            values["Datakilde"] = m["datakilde"]
            values["Dokumentation (fil)"] = (m.get("bevis") or {}).get("fil")
        for label in COLUMNS:
            cell = ws.cell(row, col_of[label], values.get(label))
            if label in ("Kontrolpunkt", "Målt den"):
                cell.number_format = DATE_FORMAT
            if label in INPUTS:
                cell.protection = unlocked
                cell.fill = fill
        (procent_cells if t.enhed == "procent" else antal_cells).append(f"{letter['Værdi']}{row}")
    last = first + len(targets) - 1

    def validation(**kwargs: Any) -> DataValidation:
        dv = DataValidation(allow_blank=True, showErrorMessage=True, showInputMessage=True, **kwargs)
        ws.add_data_validation(dv)
        return dv

    if antal_cells:
        dv = validation(
            type="decimal",
            operator="greaterThanOrEqual",
            formula1="0",
            errorTitle="Ugyldig værdi",
            error="Værdien skal være et tal på 0 eller derover. Brug komma som decimaltegn, fx 30,4.",
            promptTitle="Værdi",
            prompt="Et antal, 0 eller derover.",
        )
        for ref in antal_cells:
            dv.add(ref)
    if procent_cells:
        dv = validation(
            type="decimal",
            operator="between",
            formula1="0",
            formula2="100",
            errorTitle="Ugyldig procentsats",
            error="Værdien er en procentsats og skal være et tal mellem 0 og 100, fx 26,8.",
            promptTitle="Værdi",
            prompt="En procentsats mellem 0 og 100.",
        )
        for ref in procent_cells:
            dv.add(ref)
    if targets:
        dv = validation(
            type="date",
            operator="between",
            formula1=str(int(to_excel(start))),
            formula2=str(int(to_excel(limit))),
            errorTitle="Ugyldig dato",
            error=f"Skriv datoen for opgørelsen, mellem {_d(start)} og {_d(limit)} (aftalens periode plus et år), fx 31.3.2018.",
            promptTitle="Målt den",
            prompt="Datoen, tallet er opgjort, fx 31.3.2018.",
        )
        dv.add(f"{letter['Målt den']}{first}:{letter['Målt den']}{last}")

    ws.freeze_panes = ws.cell(first, 1)
    ws.protection.sheet = True
    ws.protection.formatColumns = False  # column widths may still be changed
    ws.protection.formatRows = False
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"

    _save_atomically(wb, out)
    return len(targets)


def _save_atomically(wb, out: Path) -> None:
    from checker.files import workbook_bytes, write_file

    if not out.parent.is_dir():
        raise CouldNotRun(
            Text(f"Mappen {out.parent} findes ikke.", f"The folder {out.parent} does not exist.")
        )
    write_file(out, workbook_bytes(wb))


# ---------------------------------------------------------------------------------------------- import


_DATE_DA = re.compile(r"(\d{1,2})\s*[.\-/]\s*(\d{1,2})\s*[.\-/]\s*(\d{4})")


def _as_date(value: Any) -> date | None:
    """A date from a cell: a real date, or text as 31.3.2018 or 2018-03-31."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = value.strip()
        m = _DATE_DA.fullmatch(text)
        try:
            if m:
                return date(int(m[3]), int(m[2]), int(m[1]))
            return date.fromisoformat(text) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) else None
        except ValueError:
            return None
    return None


def _as_number(value: Any) -> Decimal | None:
    """A number from a cell: a real number, or text that is a Danish number ("30,4")."""
    from checker.readers.pdf import parse_danish_number

    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value)) if math.isfinite(value) else None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, str):
        return parse_danish_number(value)
    return None


def _text(value: Any) -> str | None:
    """A cell's content as stripped text, None when empty."""
    if value is None:
        return None
    if isinstance(value, datetime | date):
        return _show(value)
    if isinstance(value, float) and value == int(value):
        value = int(value)
    text = " ".join(str(value).split())
    return text or None


def _show(value: Any) -> str:
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return _d(value)
    text = " ".join(str(value).split())
    return text if len(text) <= 60 else text[:57] + "..."


def _store(value: Decimal) -> int | Decimal:
    """A measured value as stored: an int when whole, otherwise the Decimal without trailing zeros."""
    if value == value.to_integral_value():
        return int(value)
    return value.normalize()


class _Row:
    """One row's issues, with the cells as the reader saw them."""

    def __init__(self, cells: dict, issues: list[ImportIssue]):
        self.cells = cells
        self.issues = issues
        self.bad = False

    def ref(self, label: str) -> str:
        return self.cells[label].ref

    def value(self, label: str) -> Any:
        cell = self.cells.get(label)
        return None if cell is None else cell.value

    def error(self, label: str, da: str, en: str) -> None:
        self.bad = True
        self.issues.append(ImportIssue(self.ref(label), Text(da, en), "error"))

    def warning(self, label: str, da: str, en: str) -> None:
        self.issues.append(ImportIssue(self.ref(label), Text(da, en), "warning"))


def _find_table(wb):
    order = sorted(wb.sheets, key=lambda s: s.name != SHEET)
    for sheet in order:
        table = sheet.table(list(COLUMNS), required=REQUIRED)
        if table is not None:
            return table
    raise CouldNotRun(
        Text(
            f"Regnearket {wb.path.name} har ingen tabel med kolonnerne {', '.join(REQUIRED)}. "
            "Lav skabelonen med »aftale followup template«.",
            f"The workbook {wb.path.name} has no table with the columns {', '.join(REQUIRED)}. "
            "Make the template with 'aftale followup template'.",
        )
    )


def import_workbook(dossier: Path, workbook: Path, *, replace: bool = False) -> ImportResult:
    """Import the filled-in follow-up workbook into the dossier's opfoelgning.json. The register is read,
    changed and written under the dossier's lock, so two imports at once never lose each other's rows."""
    from checker.dossier import open_dossier
    from checker.files import dossier_lock

    root = open_dossier(dossier).root
    with dossier_lock(root):
        return _import_workbook(root, Path(workbook), replace=replace)


def _import_workbook(dossier: Path, workbook: Path, *, replace: bool = False) -> ImportResult:
    from checker.readers import ReaderError
    from checker.readers.xlsx import open_workbook

    root = Path(dossier)
    workbook = Path(workbook)
    aftale, register = _load(root)
    targets = _targets(aftale, register)

    try:
        wb = open_workbook(workbook)
    except ReaderError as exc:
        hint_da = f" {exc.hint.da}" if exc.hint else ""
        hint_en = f" {exc.hint.en}" if exc.hint else ""
        raise CouldNotRun(
            Text(f"{workbook.name}: {exc.message.da}{hint_da}", f"{workbook.name}: {exc.message.en}{hint_en}")
        ) from None
    table = _find_table(wb)
    missing = [label for label in ("Målt den", "Datakilde") if label not in table.columns]
    if missing:
        raise CouldNotRun(
            Text(
                f"Tabellen i {workbook.name} mangler kolonnen {' og '.join(missing)}.",
                f"The table in {workbook.name} lacks the column{'s' if len(missing) > 1 else ''} {' and '.join(missing)}.",
            )
        )

    return _merge_rows(root, aftale, register, targets, table.rows, replace=replace)


def targets_of(dossier: Path) -> tuple[dict, dict | None, list]:
    """The agreement, the register (None when there is none) and every target in the template's order,
    once the dossier validates: what the template lists and the import checks against."""
    aftale, register = _load(Path(dossier))
    return aftale, register, _targets(aftale, register)


def merge_rows(dossier: Path, rows: list[dict], *, replace: bool = False) -> ImportResult:
    """The import of rows given directly (``aftale serve``'s follow-up form), with every check and the
    writing of a workbook's import: each row maps column labels (COLUMNS; "Dokumentation (fil)" may be
    left out of every row, and then a registered measurement keeps its evidence) to a
    ``checker.readers.xlsx.Cell`` holding the value as typed; an issue names the cell's ``ref``. The
    caller holds the dossier's lock (files.dossier_lock)."""
    root = Path(dossier)
    aftale, register, targets = targets_of(root)
    return _merge_rows(root, aftale, register, targets, rows, replace=replace)


def _merge_rows(
    root: Path, aftale: dict, register: dict | None, targets: list, rows, *, replace: bool
) -> ImportResult:
    from checker.followup.audit import REGISTER, _sha256

    start, slut, limit = _period(aftale)
    by_criterion: dict[str, list] = {}
    for t in targets:
        by_criterion.setdefault(t.kriterium, []).append(t)
    criteria = list(by_criterion)

    result = ImportResult()
    existing = list((register or {}).get("maalinger", []))
    index = {(m["kriterium"], m.get("noegle"), m["kontrolpunkt"]): i for i, m in enumerate(existing)}
    seen: dict[tuple, str] = {}
    new: list[dict] = []
    replacements: dict[int, dict] = {}
    real_root = root.resolve()

    for cells in rows:
        row = _Row(cells, result.issues)
        present = [label for label in INPUTS if label in cells and not cells[label].empty]
        if not present:
            continue

        # which target
        kid = _text(row.value("Kriterium"))
        target_keys = None
        if kid is None:
            row.error(
                "Kriterium",
                f"{row.ref('Kriterium')}: Kriteriet mangler.",
                f"{row.ref('Kriterium')}: The criterion is missing.",
            )
        elif kid not in by_criterion:
            row.error(
                "Kriterium",
                *_unknown(
                    row.ref("Kriterium"),
                    kid,
                    criteria,
                    "et succeskriterium i aftalen",
                    "a success criterion in the agreement",
                ),
            )
        else:
            target_keys = by_criterion[kid]
        noegle = _text(row.value("Område/kategori"))
        kontrolpunkt = _as_date(row.value("Kontrolpunkt"))
        if target_keys is not None:
            keys = list(dict.fromkeys(t.noegle for t in target_keys))
            named = [k for k in keys if k is not None]
            if "Område/kategori" not in cells:
                area_ref = row.ref("Kriterium")
            else:
                area_ref = row.ref("Område/kategori")
            if noegle is None and None not in keys:
                row.bad = True
                result.issues.append(
                    ImportIssue(
                        area_ref,
                        Text(
                            f"{area_ref}: {kid} måles pr. område eller kategori; angiv en af: {', '.join(named)}.",
                            f"{area_ref}: {kid} is measured per area or category; give one of: {', '.join(named)}.",
                        ),
                        "error",
                    )
                )
            elif noegle is not None and noegle not in named:
                row.bad = True
                if named:
                    da, en = _unknown(
                        area_ref,
                        noegle,
                        named,
                        f"et område eller en kategori under {kid}",
                        f"an area or category of {kid}",
                    )
                else:
                    da = f"{area_ref}: {kid} har ét samlet tal; lad Område/kategori stå tom (ikke »{_show(noegle)}«)."
                    en = f"{area_ref}: {kid} has one overall figure; leave Område/kategori empty (not '{_show(noegle)}')."
                result.issues.append(ImportIssue(area_ref, Text(da, en), "error"))
            checkpoints = sorted({t.kontrolpunkt for t in target_keys})
            raw_kp = row.value("Kontrolpunkt")
            if kontrolpunkt is None:
                shown = "" if raw_kp is None else f" (ikke »{_show(raw_kp)}«)"
                shown_en = "" if raw_kp is None else f" (not '{_show(raw_kp)}')"
                row.error(
                    "Kontrolpunkt",
                    f"{row.ref('Kontrolpunkt')}: Kontrolpunktet skal være en dato{shown}; {kid} har kontrolpunkterne {', '.join(_d(k) for k in checkpoints)}.",
                    f"{row.ref('Kontrolpunkt')}: The checkpoint must be a date{shown_en}; {kid} has the checkpoints {', '.join(k.isoformat() for k in checkpoints)}.",
                )
            elif kontrolpunkt not in checkpoints:
                row.error(
                    "Kontrolpunkt",
                    f"{row.ref('Kontrolpunkt')}: {_d(kontrolpunkt)} er ikke et kontrolpunkt for {kid}; kontrolpunkterne er {', '.join(_d(k) for k in checkpoints)}.",
                    f"{row.ref('Kontrolpunkt')}: {kontrolpunkt.isoformat()} is not a checkpoint of {kid}; the checkpoints are {', '.join(k.isoformat() for k in checkpoints)}.",
                )

        # the value
        value = _check_value(row, target_keys[0].enhed if target_keys else None)

        # the date
        ref = row.ref("Målt den")
        raw = row.value("Målt den")
        dato = _as_date(raw)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            row.error(
                "Målt den",
                f"{ref}: Datoen for opgørelsen (Målt den) mangler.",
                f"{ref}: The date of the measurement (Målt den) is missing.",
            )
        elif dato is None:
            row.error(
                "Målt den",
                f"{ref}: »{_show(raw)}« er ikke en dato; skriv fx 31.3.2018.",
                f"{ref}: '{_show(raw)}' is not a date; write e.g. 31.3.2018.",
            )
        elif not start <= dato <= limit:
            row.error(
                "Målt den",
                f"{ref}: Datoen {_d(dato)} ligger uden for aftalens periode {_d(start)}–{_d(slut)} plus et år til opgørelsen af det sidste år (senest {_d(limit)}).",
                f"{ref}: The date {dato.isoformat()} is outside the agreement's period {start.isoformat()} to {slut.isoformat()} plus one year to compile the last year's figures (at the latest {limit.isoformat()}).",
            )

        # the source
        datakilde = _text(row.value("Datakilde"))
        if datakilde is None:
            ref = row.ref("Datakilde")
            row.error(
                "Datakilde",
                f"{ref}: Datakilden mangler; skriv, hvor tallet kommer fra, fx »EG Bolig, udtræk pr. 31.12.2018«.",
                f"{ref}: The data source is missing; write where the figure comes from, e.g. 'EG Bolig, udtræk pr. 31.12.2018'.",
            )

        # the evidence
        has_doc_column = "Dokumentation (fil)" in cells
        fil = _check_evidence(row, root, real_root) if has_doc_column else None

        if row.bad or kid is None or kontrolpunkt is None:
            continue
        key = (kid, noegle, kontrolpunkt.isoformat())
        first_ref = row.ref("Kriterium")
        if key in seen:
            row.error(
                "Kriterium",
                f"{first_ref}: Samme måling ({kid}, {noegle or 'samlet'}, {_d(kontrolpunkt)}) står også i {seen[key]}.",
                f"{first_ref}: The same measurement ({kid}, {noegle or 'overall'}, {kontrolpunkt.isoformat()}) is also in {seen[key]}.",
            )
            continue
        seen[key] = first_ref

        measurement: dict[str, Any] = {"kriterium": kid}
        if noegle is not None:
            measurement["noegle"] = noegle
        measurement.update(
            kontrolpunkt=kontrolpunkt.isoformat(),
            vaerdi=_store(value),
            dato=dato.isoformat(),
            datakilde=datakilde,
        )
        if fil is not None:
            measurement["bevis"] = {"fil": fil, "sha256": _sha256(root / fil)}

        i = index.get(key)
        if i is None:
            new.append(measurement)
            result.added += 1
            continue
        old = existing[i]
        if not has_doc_column and "bevis" in old:  # no evidence column at all: keep what is registered
            measurement["bevis"] = old["bevis"]
        differences = _differences(row, old, measurement)
        old_bevis = old.get("bevis")
        evidence_changed = bool(
            old_bevis
            and "bevis" in measurement
            and old_bevis["fil"] == measurement["bevis"]["fil"]
            and old_bevis["sha256"] != measurement["bevis"]["sha256"]
        )
        if not differences and not (evidence_changed and replace):
            if evidence_changed:
                ref = row.ref("Dokumentation (fil)") if has_doc_column else first_ref
                row.warning(
                    "Dokumentation (fil)" if has_doc_column else "Kriterium",
                    f"{ref}: Filen »{old_bevis['fil']}« er ændret, siden målingen blev registreret; registret beholder den registrerede sha256, så revisionen viser dokumentationen som ændret. Brug --replace for at registrere filen på ny.",
                    f"{ref}: The file '{old_bevis['fil']}' has changed since the measurement was recorded; the register keeps the recorded sha256, so the audit shows the evidence as changed. Use --replace to record the file anew.",
                )
            result.unchanged += 1
            continue
        if not replace:
            for label, da, en in differences:
                row.error(label, da, en)
            continue
        if "bemaerkning" in old:
            measurement["bemaerkning"] = old["bemaerkning"]
        replacements[i] = measurement
        result.replaced += 1

    if result.errors:
        result.added = result.replaced = 0
        return result
    if not new and not replacements:
        return result

    data = (
        register
        if register is not None
        else {
            "dokumenttype": "opfoelgning",
            "metadata": {"oprindelse": "egen"},
            "helhedsplan": aftale["helhedsplan"],
            "maalinger": [],
            "evalueringer": [],
        }
    )
    data["maalinger"] = [replacements.get(i, m) for i, m in enumerate(existing)] + new
    text = dumps(data)
    _check_schema(text)
    path = root / REGISTER
    _write_atomically(path, text)
    result.written = True
    return result


def _unknown(ref: str, name: str, candidates: list[str], what_da: str, what_en: str) -> tuple[str, str]:
    from checker.rules._util import near

    guess = near(name, candidates)
    if guess:
        tail_da, tail_en = f" Mente du »{guess}«?", f" Did you mean '{guess}'?"
    else:
        tail_da, tail_en = f" Kendte: {', '.join(candidates)}.", f" Known: {', '.join(candidates)}."
    return (
        f"{ref}: »{_show(name)}« er ikke {what_da}.{tail_da}",
        f"{ref}: '{_show(name)}' is not {what_en}.{tail_en}",
    )


def _check_value(row: _Row, enhed: str | None) -> Decimal | None:
    ref = row.ref("Værdi")
    cell = row.cells["Værdi"]
    raw = cell.value
    if cell.formula is not None and raw is None:
        row.error(
            "Værdi",
            f"{ref}: Værdien er en formel, der ikke er beregnet; åbn og gem regnearket i Excel eller LibreOffice, eller skriv tallet.",
            f"{ref}: The value is a formula that has not been calculated; open and save the workbook in Excel or LibreOffice, or type the figure.",
        )
        return None
    if cell.empty:
        row.error("Værdi", f"{ref}: Værdien mangler.", f"{ref}: The value is missing.")
        return None
    value = _as_number(raw)
    if value is None:
        row.error(
            "Værdi",
            f"{ref}: »{_show(raw)}« er ikke et tal; skriv tallet med komma som decimaltegn, fx 30,4.",
            f"{ref}: '{_show(raw)}' is not a number; write the figure with a decimal comma, e.g. 30,4.",
        )
        return None
    if value < 0:
        row.error(
            "Værdi",
            f"{ref}: Værdien ({_tal(value)}) må ikke være negativ.",
            f"{ref}: The value ({value}) must not be negative.",
        )
        return None
    if enhed == "procent" and value > 100:
        row.error(
            "Værdi",
            f"{ref}: Værdien ({_tal(value)}) er en procentsats og må ikke være over 100.",
            f"{ref}: The value ({value}) is a percentage and must not be above 100.",
        )
        return None
    return value


def _check_evidence(row: _Row, root: Path, real_root: Path) -> str | None:
    """The evidence file as a dossier-relative "/" path, or None (none given, or an error recorded)."""
    label = "Dokumentation (fil)"
    raw = row.value(label)
    text = raw.strip() if isinstance(raw, str) else _text(raw)  # a file name keeps its inner spaces
    if not text:
        return None
    ref = row.ref(label)
    given = text.replace("\\", "/")
    candidate = Path(given)
    try:
        full = candidate if candidate.is_absolute() else root / candidate
        real = full.resolve()
        inside = real.is_relative_to(real_root)
    except (OSError, ValueError):
        inside = False
    if not inside or ".." in PurePosixPath(given).parts:
        row.error(
            label,
            f"{ref}: Dokumentationen »{_show(text)}« ligger ikke i dossieret; læg filen i dossierets mappe ({root.name}) og skriv stien relativt til den, fx bilag/klagesager-2018.pdf.",
            f"{ref}: The evidence '{_show(text)}' is not inside the dossier; put the file in the dossier's folder ({root.name}) and give the path relative to it, e.g. bilag/klagesager-2018.pdf.",
        )
        return None
    if not full.is_file():
        row.error(
            label,
            f"{ref}: Filen »{_show(text)}« findes ikke i dossieret.",
            f"{ref}: The file '{_show(text)}' does not exist in the dossier.",
        )
        return None
    if candidate.is_absolute():
        return real.relative_to(real_root).as_posix()
    return PurePosixPath(given).as_posix()


def _differences(row: _Row, old: dict, new: dict) -> list[tuple[str, str, str]]:
    """(label, Danish, English) for each input that differs from the registered measurement."""
    out = []
    hint_da = "brug --replace for at erstatte den"
    hint_en = "use --replace to replace it"
    old_value = Decimal(str(old["vaerdi"]))
    if old_value != Decimal(new["vaerdi"]):
        ref = row.ref("Værdi")
        out.append(
            (
                "Værdi",
                f"Værdien i {ref} ({_tal(Decimal(new['vaerdi']))}) afviger fra den registrerede ({_tal(old_value)}); {hint_da}.",
                f"The value in {ref} ({new['vaerdi']}) differs from the recorded one ({old_value}); {hint_en}.",
            )
        )
    if old["dato"] != new["dato"]:
        ref = row.ref("Målt den")
        out.append(
            (
                "Målt den",
                f"Datoen i {ref} ({_d(date.fromisoformat(new['dato']))}) afviger fra den registrerede ({_d(date.fromisoformat(old['dato']))}); {hint_da}.",
                f"The date in {ref} ({new['dato']}) differs from the recorded one ({old['dato']}); {hint_en}.",
            )
        )
    if " ".join(old["datakilde"].split()) != new["datakilde"]:
        ref = row.ref("Datakilde")
        out.append(
            (
                "Datakilde",
                f"Datakilden i {ref} (»{_show(new['datakilde'])}«) afviger fra den registrerede (»{_show(old['datakilde'])}«); {hint_da}.",
                f"The data source in {ref} ('{_show(new['datakilde'])}') differs from the recorded one ('{_show(old['datakilde'])}'); {hint_en}.",
            )
        )
    old_fil = (old.get("bevis") or {}).get("fil")
    new_fil = (new.get("bevis") or {}).get("fil")
    if old_fil != new_fil:
        label = "Dokumentation (fil)"
        ref = row.ref(label)
        out.append(
            (
                label,
                f"Dokumentationen i {ref} ({_show(new_fil) if new_fil else 'ingen'}) afviger fra den registrerede ({old_fil or 'ingen'}); {hint_da}.",
                f"The evidence in {ref} ({new_fil or 'none'}) differs from the recorded one ({old_fil or 'none'}); {hint_en}.",
            )
        )
    return out


# ---------------------------------------------------------------------------------------------- writing


def _json_number(value: Decimal) -> str:
    if not value.is_finite():
        raise ValueError(f"not a JSON number: {value}")
    return str(value)


def dumps(value: Any, level: int = 0) -> str:
    """JSON text as json.dumps(indent=2, ensure_ascii=False) writes it, with Decimals written exactly."""
    pad, end = "  " * (level + 1), "  " * level
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [
            f"{pad}{json.dumps(str(k), ensure_ascii=False)}: {dumps(v, level + 1)}" for k, v in value.items()
        ]
        text = "{\n" + ",\n".join(items) + "\n" + end + "}"
    elif isinstance(value, list | tuple):
        if not value:
            return "[]"
        text = "[\n" + ",\n".join(pad + dumps(v, level + 1) for v in value) + "\n" + end + "]"
    elif isinstance(value, Decimal):
        text = _json_number(value)
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"not a JSON number: {value}")
        text = repr(value)
    elif value is None or isinstance(value, bool | int | str):
        text = json.dumps(value, ensure_ascii=False)
    else:
        raise TypeError(f"cannot write {type(value).__name__} as JSON")
    return text + ("\n" if level == 0 else "")


def _check_schema(text: str) -> None:
    from checker.schema import SchemaRegistry

    try:
        data = json.loads(text, parse_float=Decimal)
    except (ValueError, InvalidOperation) as exc:  # pragma: no cover - dumps writes valid JSON
        raise CouldNotRun(Text(f"Intern fejl: {exc}", f"Internal error: {exc}")) from None
    errors = list(SchemaRegistry().validator("opfoelgning").iter_errors(data))
    if errors:
        first = errors[0]
        where = "/" + "/".join(str(p) for p in first.absolute_path)
        raise CouldNotRun(
            Text(
                f"Opfølgningsregistret ville ikke følge sit skema ({where}: {first.message}); intet er skrevet.",
                f"The follow-up register would not follow its schema ({where}: {first.message}); nothing was written.",
            )
        )


def _write_atomically(path: Path, text: str) -> None:
    from checker.files import write_file

    write_file(path, text)
