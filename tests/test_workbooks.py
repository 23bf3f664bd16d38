"""The budget and aktivitetsskema workbooks of a new dossier (checker/workbooks.py), their recalculation
with LibreOffice (`aftale recalc`), and the one finding for a workbook that was never calculated.

Real openpyxl, the real reader (checker/readers/xlsx.py) and real LibreOffice: every recalculation the
tests need happens in one `aftale recalc` run (the module's fixture), since LibreOffice takes seconds
to start."""

from __future__ import annotations

import re
import shutil
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from checker.check import check_dossier
from checker.readers.xlsx import Workbook, open_workbook
from checker.rules.activities import HEADERS
from checker.workbooks import write_activity_schedule, write_budget
from tests.conftest import VIBORG, load

needs_libreoffice = pytest.mark.skipif(
    shutil.which("soffice") is None and shutil.which("libreoffice") is None,
    reason="LibreOffice is not installed (make run installs it)",
)

INJECTION = '=HYPERLINK("http://example.invalid/x","Klik her")'


def agreement(start: str, slut: str, areas: list[tuple[str, str]], helhedsplan: str) -> dict:
    return {
        "helhedsplan": helhedsplan,
        "periode": {"start": start, "slut": slut},
        "indsatsomraader": {"omraader": [{"nummer": n, "navn": navn} for n, navn in areas]},
    }


THREE = agreement(
    "2021-09-01",
    "2024-08-31",
    [("5.1", "Tryghed og trivsel"), ("5.3", "Uddannelse og beskæftigelse")],
    "Helhedsplan for Nordbyen",
)
FOUR = agreement(
    "2022-04-15",
    "2026-04-14",
    [
        ("1", "Uddannelse og livschancer"),
        ("2", "Beskæftigelse"),
        ("3", "Kriminalitetsforebyggelse"),
        ("4", "Sammenhængskraft og medborgerskab"),
    ],
    INJECTION,
)

# Amounts typed into the three-year budget before it is recalculated, and the totals they must give.
LBF = [3_000_000, 3_100_000, 3_200_000]
LOKAL = [1_000_001, 1_000_002, 1_000_003]
UDGIFTER = {  # row: amounts; the years' columns add up to LBF + LOKAL
    16: [2_000_000, 2_000_000, 2_000_000],
    17: [1_500_000, 1_600_000, 1_700_000],
    18: [500_001, 500_002, 500_003],
}


def row(wb: Workbook, label: str) -> list:
    """The values right of a label (what a rule sees), in order."""
    cell = wb.find_label(label)
    assert cell is not None, label
    return [c.value for c in wb.sheet(cell.sheet).row_right_of(cell)]


def formulas(wb: Workbook, label: str) -> list:
    cell = wb.find_label(label)
    return [c.formula for c in wb.sheet(cell.sheet).row_right_of(cell) if c.formula]


def fill_in(path: Path, amounts: dict[int, list[int]]) -> None:
    """Type amounts into a budget as a program would (openpyxl keeps formulas, stores no values)."""
    wb = openpyxl.load_workbook(path)
    ws = wb["Finansiering"]
    for r, values in amounts.items():
        for i, value in enumerate(values):
            ws.cell(r, 2 + i, value)
    wb.save(path)


NOTES = "placeholder-left"  # the rule that reports the budget's "UDFYLD" notes left in place


def with_stale_value(path: Path, ref: str, value: str) -> None:
    """Give a formula cell a cached value that its inputs do not give (what a careless program leaves)."""
    with zipfile.ZipFile(path) as zf:
        parts = [(info.filename, zf.read(info)) for info in zf.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts:
            if name == "xl/worksheets/sheet1.xml":
                changed = re.sub(
                    rf'(<c r="{ref}"[^>]*><f>[^<]*</f>)<v></v>'.encode(),
                    rf"\g<1><v>{value}</v>".encode(),
                    data,
                )
                assert changed != data
                data = changed
            zf.writestr(name, data)


def findings_beyond_viborg(dossier: Path) -> tuple[list, list]:
    """The findings Viborg itself does not have: (the notes reported as placeholders, all others)."""
    key = lambda f: (f.code, f.file, f.pointer, f.cell, f.page)  # noqa: E731
    base = {key(f) for f in check_dossier(VIBORG).findings}
    found = [f for f in check_dossier(dossier).findings if key(f) not in base]
    return [f for f in found if f.code == NOTES], [f for f in found if f.code != NOTES]


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> dict[str, Path]:
    """Workbooks written, copied as written, then recalculated in one `aftale recalc` run."""
    from click.testing import CliRunner

    from checker.cli import main

    root = tmp_path_factory.mktemp("workbooks")
    out: dict[str, Path] = {}
    for name, agr in (("three", THREE), ("four", FOUR)):
        folder = root / name
        folder.mkdir()
        write_budget(folder / "budget.xlsx", agr)
        write_activity_schedule(folder / "aktivitetsskema.xlsx", agr)
        for kind in ("budget", "aktivitetsskema"):
            shutil.copy(folder / f"{kind}.xlsx", root / f"{name}-{kind}-as-written.xlsx")
            out[f"{name}-{kind}-as-written"] = root / f"{name}-{kind}-as-written.xlsx"
            out[f"{name}-{kind}"] = folder / f"{kind}.xlsx"
    fill_in(out["three-budget"], {11: LBF, 12: LOKAL, **UDGIFTER})

    # Viborg with a budget made by aftale and filled in with Viborg's figures, notes left in place:
    # one copy never calculated, one recalculated.
    viborg_amounts = {}
    original = openpyxl.load_workbook(VIBORG / "budget.xlsx", data_only=True)["Finansiering"]
    for r in (11, 12, 16, 17, 18, 19):
        viborg_amounts[r] = [original.cell(r, c).value for c in range(2, 6)]
    for name in ("viborg-uncalculated", "viborg-recalculated"):
        dossier = root / name
        shutil.copytree(VIBORG, dossier)
        write_budget(dossier / "budget.xlsx", load(dossier / "samarbejdsaftale.json"))
        fill_in(dossier / "budget.xlsx", viborg_amounts)
        out[name] = dossier

    # a workbook of the user's: a formula whose value is an empty text, one that fails, one with a text
    wb = openpyxl.Workbook()
    wb.active.append(['=IF(1=1,"",1)', "=1/0", '="x"'])
    wb.save(root / "egen.xlsx")
    shutil.copy(root / "egen.xlsx", root / "egen-as-written.xlsx")
    out["egen"], out["egen-as-written"] = root / "egen.xlsx", root / "egen-as-written.xlsx"

    # a budget whose cached totals are stale: 999 where the amounts add up to 0
    stale = root / "stale.xlsx"
    write_budget(stale, THREE)
    with_stale_value(stale, "E11", "999")
    shutil.copy(stale, root / "stale-as-written.xlsx")
    out["stale"], out["stale-as-written"] = stale, root / "stale-as-written.xlsx"

    if shutil.which("soffice") or shutil.which("libreoffice"):
        files = [
            out[k] for k in ("three-budget", "three-aktivitetsskema", "four-budget", "four-aktivitetsskema")
        ]
        files += [out["viborg-recalculated"] / "budget.xlsx", out["egen"], out["stale"]]
        twice = [*files, out["egen"]]  # a file named twice is recalculated once
        result = CliRunner().invoke(main, ["recalc", *map(str, twice)], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        assert result.stdout.splitlines() == [f"Genberegnede {f}" for f in files]
    return out


# --- writing ---------------------------------------------------------------------------------------------


def test_budget_for_three_years_from_1_september_has_the_documented_layout(made):
    wb = open_workbook(made["three-budget-as-written"])
    assert wb.sheet_names == ["Finansiering"]
    assert row(wb, "Helhedsplan") == ["Helhedsplan for Nordbyen"]
    assert row(wb, "Periode") == [date(2021, 9, 1), date(2024, 8, 31)]
    assert row(wb, "Projektår") == ["År 1", "År 2", "År 3", "I alt", "Bemærkning"]
    assert row(wb, "Fra") == [date(2021, 9, 1), date(2022, 9, 1), date(2023, 9, 1)]
    assert row(wb, "Til") == [date(2022, 8, 31), date(2023, 8, 31), date(2024, 8, 31)]
    assert row(wb, "Udgifter pr. indsatsområde") == ["År 1", "År 2", "År 3", "I alt", "Bemærkning"]
    labels = [c.value for c in wb.sheet("Finansiering").cells() if c.column == 1 and c.row >= 16]
    assert labels == [
        "5.1 Tryghed og trivsel",
        "5.3 Uddannelse og beskæftigelse",
        "Tværgående",
        "Samlede udgifter",
    ]


def test_budget_amounts_are_zero_with_an_udfyld_note_and_totals_are_sum_formulas(made):
    wb = open_workbook(made["three-budget-as-written"])
    for label, r in (("Landsbyggefonden", 11), ("Lokal medfinansiering", 12), ("5.1 Tryghed og trivsel", 16)):
        values = row(wb, label)
        assert values[:3] == [0, 0, 0]
        assert values[3] is None  # the total: a formula, not yet calculated
        assert values[4].startswith("UDFYLD: ")
        assert formulas(wb, label) == [f"=SUM(B{r}:D{r})"]
    assert row(wb, "Tværgående")[4].startswith("UDFYLD: ")
    assert formulas(wb, "Samlet finansiering") == [
        "=SUM(B11:B12)",
        "=SUM(C11:C12)",
        "=SUM(D11:D12)",
        "=SUM(B13:D13)",
    ]
    assert formulas(wb, "Samlede udgifter") == [
        "=SUM(B16:B18)",
        "=SUM(C16:C18)",
        "=SUM(D16:D18)",
        "=SUM(B19:D19)",
    ]
    assert len(wb.uncalculated_cells()) == 2 * 1 + 4 + 3 * 1 + 4  # two rows, Samlet, three rows, Samlede


def test_every_value_to_supply_is_a_visible_udfyld_text(made):
    budget = open_workbook(made["three-budget-as-written"])
    notes = [ref for ref, text in budget.texts() if "UDFYLD" in text]
    assert notes == [f"Finansiering!F{r}" for r in (11, 12, 16, 17, 18)]  # each amount row; sums have none
    assert all(text.startswith("UDFYLD: ") for _ref, text in budget.texts() if "UDFYLD" in text)
    schedule = open_workbook(made["three-aktivitetsskema-as-written"])
    texts = [ref for ref, text in schedule.texts() if text.startswith("UDFYLD: ")]
    assert texts == [f"Aktiviteter!{c}{r}" for r in (3, 4) for c in "BDEF"]


def test_budget_for_four_years_has_four_project_years(made):
    wb = open_workbook(made["four-budget-as-written"])
    assert row(wb, "Projektår") == ["År 1", "År 2", "År 3", "År 4", "I alt", "Bemærkning"]
    assert row(wb, "Fra") == [date(2022, 4, 15), date(2023, 4, 15), date(2024, 4, 15), date(2025, 4, 15)]
    assert row(wb, "Til") == [date(2023, 4, 14), date(2024, 4, 14), date(2025, 4, 14), date(2026, 4, 14)]
    assert formulas(wb, "Landsbyggefonden") == ["=SUM(B11:E11)"]
    assert wb.find_label("4 Sammenhængskraft og medborgerskab").row == 19
    assert formulas(wb, "Samlede udgifter")[-1] == "=SUM(B21:E21)"


def test_the_last_project_year_ends_on_the_periods_last_day(tmp_path):
    write_budget(tmp_path / "b.xlsx", agreement("2021-09-01", "2025-06-30", [("5.1", "Tryghed")], "X"))
    wb = open_workbook(tmp_path / "b.xlsx")
    assert row(wb, "Projektår")[:5] == ["År 1", "År 2", "År 3", "År 4", "I alt"]
    assert row(wb, "Fra")[-1] == date(2024, 9, 1)
    assert row(wb, "Til")[-1] == date(2025, 6, 30)


def test_activity_schedule_has_one_placeholder_row_per_chosen_area_inside_the_period(made):
    wb = open_workbook(made["four-aktivitetsskema-as-written"])
    assert wb.sheet_names == ["Aktiviteter"]
    table = wb.sheet("Aktiviteter").table(HEADERS)
    assert table is not None and list(table.columns) == HEADERS
    assert [r["Indsatsområde"].value for r in table.rows] == ["1", "2", "3", "4"]
    for r in table.rows:
        for header in ("Aktivitet", "Målgruppe", "Boligområder", "Ansvarlig"):
            assert r[header].value.startswith("UDFYLD: ")
        assert r["Id"].value is None
        assert (r["Start"].value, r["Slut"].value) == (date(2022, 4, 15), date(2026, 4, 14))


def test_a_formula_typed_as_the_helhedsplan_stays_text(made):
    for key in ("four-budget-as-written", "four-budget"):
        wb = open_workbook(made[key])
        cell = wb.find_label("Helhedsplan")
        value = wb.sheet(cell.sheet).row_right_of(cell)[0]
        assert (value.value, value.formula) == (INJECTION, None)
        with zipfile.ZipFile(made[key]) as zf:
            sheets = [zf.read(n).decode() for n in zf.namelist() if n.startswith("xl/worksheets/")]
        assert not any(re.search(r"<f[ >][^<]*HYPERLINK", s) for s in sheets)  # a string, never a formula


# --- recalculating ---------------------------------------------------------------------------------------


@needs_libreoffice
def test_recalc_stores_every_formulas_value_and_the_totals_are_exact(made):
    wb = open_workbook(made["three-budget"])
    assert wb.uncalculated_cells() == []
    assert row(wb, "Landsbyggefonden")[:4] == [*LBF, 9_300_000]
    assert row(wb, "Lokal medfinansiering")[:4] == [*LOKAL, 3_000_006]
    assert row(wb, "Samlet finansiering") == [4_000_001, 4_100_002, 4_200_003, 12_300_006]
    assert row(wb, "5.3 Uddannelse og beskæftigelse")[3] == 4_800_000
    assert row(wb, "Samlede udgifter") == [4_000_001, 4_100_002, 4_200_003, 12_300_006]


@needs_libreoffice
@needs_libreoffice
def test_recalc_calculates_afresh_a_value_that_was_stale(made):
    assert row(open_workbook(made["stale-as-written"]), "Landsbyggefonden")[3] == 999
    assert row(open_workbook(made["stale"]), "Landsbyggefonden")[3] == 0


@needs_libreoffice
def test_recalc_keeps_the_sheets_labels_dates_and_notes(made):
    for name, years in (("three", 3), ("four", 4)):
        before, after = (
            open_workbook(made[f"{name}-budget-as-written"]),
            open_workbook(made[f"{name}-budget"]),
        )
        assert after.sheet_names == ["Finansiering"]
        for label in ("Helhedsplan", "Periode", "Projektår", "Fra", "Til", "Udgifter pr. indsatsområde"):
            assert row(after, label) == row(before, label)
        assert row(after, "Tværgående")[years + 1] == row(before, "Tværgående")[years + 1]
        assert after.uncalculated_cells() == []
        schedule = open_workbook(made[f"{name}-aktivitetsskema"]).sheet("Aktiviteter").table(HEADERS)
        written = (
            open_workbook(made[f"{name}-aktivitetsskema-as-written"]).sheet("Aktiviteter").table(HEADERS)
        )
        assert [{k: c.value for k, c in r.items()} for r in schedule.rows] == [
            {k: c.value for k, c in r.items()} for r in written.rows
        ]


@needs_libreoffice
def test_a_formula_whose_value_is_empty_text_counts_as_calculated(made):
    assert [c.ref for c in open_workbook(made["egen-as-written"]).uncalculated_cells()] == [
        "Sheet!A1",
        "Sheet!B1",
        "Sheet!C1",
    ]
    wb = open_workbook(made["egen"])
    assert wb.uncalculated_cells() == []
    assert [(c.value, c.formula) for c in wb.sheet("Sheet").cells()] == [
        ("", '=IF(1=1,"",1)'),
        ("#DIV/0!", "=1/0"),
        ("x", '="x"'),
    ]


def test_an_uncalculated_budget_gives_one_finding_naming_it_and_the_recalc_command(made):
    dossier = made["viborg-uncalculated"]
    _notes, found = findings_beyond_viborg(dossier)
    assert [(f.code, f.file, f.cell) for f in found] == [
        ("budget-not-calculated", "budget.xlsx", "Finansiering!F11")
    ]
    command = f"aftale recalc {dossier / 'budget.xlsx'}"
    assert found[0].message.da == (
        "Arbejdsbogen budget.xlsx er ikke beregnet (formelceller uden beregnet værdi: 16, den første er "
        f"Finansiering!F11 =SUM(B11:E11)); kør »{command}«."
    )
    assert found[0].message.en == (
        "The workbook budget.xlsx is not calculated (formula cells without a calculated value: 16, the first "
        f"is Finansiering!F11 =SUM(B11:E11)); run '{command}'."
    )


def test_the_recalc_command_in_the_finding_is_quoted_for_the_shell(made, tmp_path):
    dossier = tmp_path / "mit dossier"
    shutil.copytree(made["viborg-uncalculated"], dossier)
    (found,) = findings_beyond_viborg(dossier)[1]
    assert f"aftale recalc '{dossier / 'budget.xlsx'}'" in found.message.da


@needs_libreoffice
def test_a_made_budget_filled_in_and_recalculated_checks_like_viborgs_own(made):
    # the notes in the Bemærkning column are placeholders, not amounts: no budget-not-an-amount, and the
    # totals are read and agree with the agreement
    notes, others = findings_beyond_viborg(made["viborg-recalculated"])
    assert others == []
    assert [(f.file, f.cell) for f in notes] == [
        ("budget.xlsx", f"Finansiering!G{r}") for r in (11, 12, 16, 17, 18, 19)
    ]


# --- recalc refuses, and changes nothing -------------------------------------------------------------


def _zip_cut_short(path: Path) -> None:
    data = (VIBORG / "budget.xlsx").read_bytes()
    path.write_bytes(data[: len(data) // 2])


@pytest.mark.parametrize(
    ("name", "make", "da"),
    [
        ("budget.csv", lambda p: p.write_text("Landsbyggefonden;100\n"), "kun Excel-projektmapper (.xlsx)"),
        (
            "budget.xlsx",
            lambda p: p.write_bytes(b"not a workbook at all\n" * 10),
            "ikke en Excel-projektmappe",
        ),
        ("budget.xlsx", _zip_cut_short, "beskadiget"),
        ("budget.xlsx", lambda p: p.write_bytes(b""), "Filen er tom."),
    ],
    ids=["not-xlsx", "garbage", "cut-short", "empty"],
)
def test_recalc_refuses_a_file_that_is_not_a_readable_workbook(tmp_path, run, name, make, da):
    path = tmp_path / name
    make(path)
    before = path.read_bytes()
    code, out, err = run("recalc", path)
    assert code == 2
    assert out == ""
    assert err.startswith(f"aftale: {path}") and da in err
    assert "Traceback" not in err
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]  # no temporary file left


def test_recalc_of_a_missing_file_says_so(tmp_path, run):
    code, _out, err = run("recalc", tmp_path / "budget.xlsx", "--lang", "en")
    assert (code, err) == (2, f"aftale: {tmp_path / 'budget.xlsx'} does not exist.\n")


def test_recalc_refuses_a_folder_and_a_symlink(tmp_path, run):
    (tmp_path / "mappe.xlsx").mkdir()
    code, _out, err = run("recalc", tmp_path / "mappe.xlsx")
    assert (code, err) == (2, f"aftale: {tmp_path / 'mappe.xlsx'} er ikke en fil.\n")
    target = tmp_path / "budget.xlsx"
    shutil.copy(VIBORG / "budget.xlsx", target)
    (tmp_path / "link.xlsx").symlink_to(target)
    code, _out, err = run("recalc", tmp_path / "link.xlsx")
    assert code == 2 and "er et symbolsk link; angiv filen selv. Filen er uændret." in err
    assert (tmp_path / "link.xlsx").is_symlink()


def test_recalc_changes_no_file_when_one_of_several_is_bad(tmp_path, run):
    good = tmp_path / "budget.xlsx"
    write_budget(good, THREE)
    before = good.read_bytes()
    code, _out, err = run("recalc", good, tmp_path / "aktivitetsskema.xlsx")
    assert code == 2 and "aktivitetsskema.xlsx findes ikke." in err
    assert good.read_bytes() == before


def test_recalc_without_libreoffice_says_how_to_get_it(tmp_path, run, monkeypatch):
    path = tmp_path / "budget.xlsx"
    write_budget(path, THREE)
    before = path.read_bytes()
    monkeypatch.setenv("PATH", str(tmp_path / "no-programs-here"))
    code, _out, err = run("recalc", path)
    assert code == 2 and "LibreOffice er ikke installeret" in err
    assert path.read_bytes() == before


def test_recalc_needs_a_file(run):
    code, _out, err = run("recalc")
    assert code == 2 and "Missing argument 'FILE...'" in err


@needs_libreoffice
def test_recalc_that_takes_too_long_is_stopped_and_changes_nothing(tmp_path, run, monkeypatch):
    from checker import workbooks

    path = tmp_path / "budget.xlsx"
    write_budget(path, THREE)
    before = path.read_bytes()
    monkeypatch.setattr(workbooks, "RECALC_TIMEOUT", 0.3)
    code, _out, err = run("recalc", path)
    assert (code, err) == (
        2,
        "aftale: LibreOffice blev ikke færdig inden for 0.3 sekunder. Arbejdsbøgerne er uændrede.\n",
    )
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["budget.xlsx"]
