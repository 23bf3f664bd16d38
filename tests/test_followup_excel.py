"""aftale followup template / import (checker.followup.excel), on real workbooks written with openpyxl."""

from __future__ import annotations

import hashlib
import json
import shutil
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from checker.findings import CouldNotRun
from checker.followup.excel import dumps, import_workbook, write_template
from checker.followup.targets import all_targets

ROOT = Path(__file__).resolve().parent.parent
VIBORG = ROOT / "agreements" / "viborg-2017-2021"
HEADER = [
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
]
HEADER_ROW = 4
COL = {label: openpyxl.utils.get_column_letter(i) for i, label in enumerate(HEADER, start=1)}
KLAGE = "5.1-klagesager"
FRAFLYT = "5.1-fraflytning"
TRYG = "5.1-tryghed"
KP1 = date(2018, 3, 31)
KP_2020 = date(2020, 12, 31)


# ---------------------------------------------------------------------------------------------- helpers


@pytest.fixture
def dossier(tmp_path: Path) -> Path:
    """A copy of the Viborg dossier without a follow-up register, with one evidence file."""
    target = tmp_path / "viborg"
    shutil.copytree(VIBORG, target)
    (target / "opfoelgning.json").unlink(missing_ok=True)
    (target / "bilag").mkdir()
    (target / "bilag" / "klagesager-2018.csv").write_text(
        "afdeling;klagesager\nEllekonebakken;31\n", encoding="utf-8"
    )
    return target


def register(root: Path, maalinger: list[dict], **extra) -> bytes:
    """Write a follow-up register into the dossier; returns its bytes."""
    data = {
        "dokumenttype": "opfoelgning",
        "metadata": {"oprindelse": "egen"},
        "helhedsplan": "den boligsociale Helhedsplan i Viborg",
        **extra,
        "maalinger": maalinger,
        "evalueringer": [],
    }
    path = root / "opfoelgning.json"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path.read_bytes()


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def aftale(root: Path) -> dict:
    return json.loads((root / "samarbejdsaftale.json").read_text(encoding="utf-8"), parse_float=Decimal)


def template(root: Path, tmp_path: Path) -> Path:
    out = tmp_path / "opfoelgning.xlsx"
    write_template(root, out)
    return out


def row_of(ws, kriterium: str, noegle: str | None, kontrolpunkt: date) -> int:
    for r in range(HEADER_ROW + 1, ws.max_row + 1):
        kp = ws[f"{COL['Kontrolpunkt']}{r}"].value
        if (
            ws[f"{COL['Kriterium']}{r}"].value == kriterium
            and ws[f"{COL['Område/kategori']}{r}"].value == noegle
            and isinstance(kp, datetime)
            and kp.date() == kontrolpunkt
        ):
            return r
    raise AssertionError(f"no row for {kriterium} {noegle} {kontrolpunkt}")


def fill(src: Path, dst: Path, entries: list[tuple[tuple, dict]]) -> list[int]:
    """Fill cells of the rows given by (kriterium, noegle, kontrolpunkt); returns the row numbers."""
    wb = openpyxl.load_workbook(src)
    ws = wb["Opfølgning"]
    rows = []
    for key, values in entries:
        r = row_of(ws, *key)
        rows.append(r)
        for label, value in values.items():
            ws[f"{COL[label]}{r}"] = value
    wb.save(dst)
    return rows


def good(value=31, doc: str | None = "bilag/klagesager-2018.csv") -> dict:
    values = {"Værdi": value, "Målt den": date(2018, 4, 15), "Datakilde": "EG Bolig, udtræk pr. 31.3.2018"}
    if doc:
        values["Dokumentation (fil)"] = doc
    return values


# ---------------------------------------------------------------------------------------------- template


def test_template_has_one_row_per_target_in_order(dossier, tmp_path):
    out = tmp_path / "skabelon.xlsx"
    n = write_template(dossier, out)
    targets = all_targets(aftale(dossier))
    assert n == len(targets) == 49  # tryghed is one figure: trygge and meget trygge together
    ws = openpyxl.load_workbook(out)["Opfølgning"]
    assert [c.value for c in ws[HEADER_ROW]] == HEADER
    assert "den boligsociale Helhedsplan i Viborg" in ws["A1"].value
    assert ws["A2"].value  # the instruction line
    assert ws.max_row - HEADER_ROW == n
    assert ws.freeze_panes == f"A{HEADER_ROW + 1}"

    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=HEADER_ROW + 1)]
    assert {(r[0], r[2], r[3].date()) for r in rows} == {
        (t.kriterium, t.noegle, t.kontrolpunkt) for t in targets
    }
    # by indsatsområde and criterion, then checkpoint, then area
    assert rows[0][:4] == [KLAGE, "Klagesager", "Egeparken", datetime(2018, 3, 31)]
    assert rows[1][2] == "Ellekonebakken" and rows[1][3] == datetime(2018, 3, 31)
    assert rows[6][2] == "Egeparken" and rows[6][3] == datetime(2019, 3, 31)
    order = [t.kriterium for t in targets]
    assert [r[0] for r in rows] == sorted((r[0] for r in rows), key=order.index)
    # a row in full: baseline as a number, the target as described
    r = row_of(ws, KLAGE, "Ellekonebakken", KP1)
    assert [c.value for c in ws[r]][4:9] == [
        "Udgangen af projektår 1",
        "antal",
        32,
        "højst 30,4 (5 % fald pr. år (sammensat) fra 32, aldrig over 32)",
        None,
    ]
    fr = row_of(ws, FRAFLYT, "Egeparken", KP_2020)
    assert ws[f"G{fr}"].value == 26.8 and ws[f"F{fr}"].value == "procent"
    single = row_of(ws, "5.3-uddannelsesparathed", None, date(2021, 3, 31))
    assert ws[f"C{single}"].value is None
    unknown = row_of(ws, "5.3-uddannelse-18-29", None, date(2018, 12, 31))
    assert ws[f"G{unknown}"].value is None  # no baseline yet
    assert ws[f"D{r}"].number_format == "d.m.yyyy"
    assert ws[f"J{r}"].number_format == "d.m.yyyy"


def test_template_protection_and_validation(dossier, tmp_path):
    ws = openpyxl.load_workbook(template(dossier, tmp_path))["Opfølgning"]
    assert ws.protection.sheet is True
    r = HEADER_ROW + 1
    for label in HEADER:
        cell = ws[f"{COL[label]}{r}"]
        if label in ("Værdi", "Målt den", "Datakilde", "Dokumentation (fil)"):
            assert cell.protection.locked is False, label
            assert cell.fill.fgColor.rgb.endswith("FFF9C4")
        else:
            assert cell.protection.locked is True, label
    assert ws["A1"].protection.locked is True
    assert ws[f"A{HEADER_ROW}"].protection.locked is True

    dvs = ws.data_validations.dataValidation
    by_kind = {(dv.type, dv.operator): dv for dv in dvs}
    assert set(by_kind) == {("decimal", "greaterThanOrEqual"), ("decimal", "between"), ("date", "between")}
    for dv in dvs:
        assert dv.showErrorMessage is True
        assert dv.errorTitle and dv.error
        assert len(dv.errorTitle) <= 32 and len(dv.error) <= 255  # Excel's limits
    antal = by_kind[("decimal", "greaterThanOrEqual")]
    procent = by_kind[("decimal", "between")]
    dato = by_kind[("date", "between")]
    assert antal.formula1 == "0" and "Værdien skal være et tal" in antal.error
    assert (procent.formula1, procent.formula2) == ("0", "100") and "mellem 0 og 100" in procent.error
    assert "mellem 1.4.2017 og 31.3.2022" in dato.error
    assert dato.errorTitle == "Ugyldig dato"
    start, end = (
        openpyxl.utils.datetime.to_excel(datetime(2017, 4, 1)),
        openpyxl.utils.datetime.to_excel(datetime(2022, 3, 31)),
    )
    assert (dato.formula1, dato.formula2) == (str(int(start)), str(int(end)))
    kl = row_of(ws, KLAGE, "Ellekonebakken", KP1)
    fr = row_of(ws, FRAFLYT, "Egeparken", KP_2020)
    assert f"I{kl}" in antal.sqref and f"I{kl}" not in procent.sqref
    assert f"I{fr}" in procent.sqref and f"I{fr}" not in antal.sqref
    assert f"J{kl}" in dato.sqref and f"J{ws.max_row}" in dato.sqref


def test_template_prefills_from_register_and_uses_its_baselines(dossier, tmp_path):
    register(
        dossier,
        [
            {
                "kriterium": KLAGE,
                "noegle": "Ellekonebakken",
                "kontrolpunkt": "2018-03-31",
                "vaerdi": 30.5,
                "dato": "2018-04-10",
                "datakilde": "EG Bolig",
                "bevis": {
                    "fil": "bilag/klagesager-2018.csv",
                    "sha256": sha(dossier / "bilag/klagesager-2018.csv"),
                },
            },
            {
                "kriterium": "5.3-uddannelsesparathed",
                "kontrolpunkt": "2021-03-31",
                "vaerdi": 81,
                "dato": "2021-06-30",
                "datakilde": "UU Viborg",
            },
        ],
        baselines=[
            {"kriterium": "5.3-uddannelse-18-29", "vaerdi": 38, "dato": "2017-06-30", "datakilde": "DST"}
        ],
    )
    ws = openpyxl.load_workbook(template(dossier, tmp_path))["Opfølgning"]
    r = row_of(ws, KLAGE, "Ellekonebakken", KP1)
    assert [ws[f"{COL[c]}{r}"].value for c in ("Værdi", "Målt den", "Datakilde", "Dokumentation (fil)")] == [
        30.5,
        datetime(2018, 4, 10),
        "EG Bolig",
        "bilag/klagesager-2018.csv",
    ]
    r = row_of(ws, "5.3-uddannelsesparathed", None, date(2021, 3, 31))
    assert ws[f"I{r}"].value == 81 and ws[f"L{r}"].value is None
    r = row_of(ws, "5.3-uddannelse-18-29", None, date(2018, 12, 31))
    assert ws[f"G{r}"].value == 38 and ws[f"H{r}"].value.startswith("mindst 39,9 %")
    filled = [row for row in ws.iter_rows(min_row=HEADER_ROW + 1, values_only=True) if row[8] is not None]
    assert len(filled) == 2


def test_template_of_the_shipped_register(tmp_path):
    """Every measurement in the Viborg dossier's own register (when it has one) is prefilled."""
    root = tmp_path / "viborg"
    shutil.copytree(VIBORG, root)
    path = root / "opfoelgning.json"
    if not path.is_file():
        pytest.skip("the Viborg dossier has no follow-up register")
    data = json.loads(path.read_text(encoding="utf-8"))
    ws = openpyxl.load_workbook(template(root, tmp_path))["Opfølgning"]
    filled = [row for row in ws.iter_rows(min_row=HEADER_ROW + 1, values_only=True) if row[8] is not None]
    assert len(filled) == len(data["maalinger"])


def test_template_refuses_a_dossier_with_schema_errors(dossier, tmp_path):
    path = dossier / "samarbejdsaftale.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["periode"]["start"] = "1. april 2017"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    out = tmp_path / "x.xlsx"
    with pytest.raises(CouldNotRun) as exc:
        write_template(dossier, out)
    assert "samarbejdsaftale.json" in exc.value.text.da and "aftale validate" in exc.value.text.da
    assert not out.exists()


def test_template_is_written_atomically(dossier, tmp_path):
    out = tmp_path / "skabelon.xlsx"
    out.write_bytes(b"old")
    write_template(dossier, out)
    assert out.read_bytes()[:2] == b"PK"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["skabelon.xlsx", "viborg"]  # no temp file left
    with pytest.raises(CouldNotRun, match="does not exist"):
        write_template(dossier, tmp_path / "mangler" / "x.xlsx")


# ---------------------------------------------------------------------------------------------- import


def test_round_trip(dossier, tmp_path):
    filled = tmp_path / "udfyldt.xlsx"
    fill(
        template(dossier, tmp_path),
        filled,
        [
            ((KLAGE, "Ellekonebakken", KP1), good(31)),
            (
                (FRAFLYT, "Egeparken", KP_2020),
                {"Værdi": 25.5, "Målt den": date(2021, 1, 15), "Datakilde": "EG Bolig pr. 31.12.2020"},
            ),
            (
                (TRYG, None, KP_2020),
                {
                    "Værdi": "80,5",
                    "Målt den": date(2020, 11, 30),
                    "Datakilde": "Tilfredshedsundersøgelsen 2020",
                },
            ),
        ],
    )
    result = import_workbook(dossier, filled)
    assert result.issues == []
    assert (result.added, result.replaced, result.unchanged, result.written) == (3, 0, 0, True)
    path = dossier / "opfoelgning.json"
    text = path.read_text(encoding="utf-8")
    data = json.loads(text)
    assert {k: data[k] for k in ("dokumenttype", "metadata", "helhedsplan", "evalueringer")} == {
        "dokumenttype": "opfoelgning",
        "metadata": {"oprindelse": "egen"},
        "helhedsplan": "den boligsociale Helhedsplan i Viborg",
        "evalueringer": [],
    }
    assert data["maalinger"] == [
        {
            "kriterium": KLAGE,
            "noegle": "Ellekonebakken",
            "kontrolpunkt": "2018-03-31",
            "vaerdi": 31,
            "dato": "2018-04-15",
            "datakilde": "EG Bolig, udtræk pr. 31.3.2018",
            "bevis": {
                "fil": "bilag/klagesager-2018.csv",
                "sha256": sha(dossier / "bilag" / "klagesager-2018.csv"),
            },
        },
        {
            "kriterium": FRAFLYT,
            "noegle": "Egeparken",
            "kontrolpunkt": "2020-12-31",
            "vaerdi": 25.5,
            "dato": "2021-01-15",
            "datakilde": "EG Bolig pr. 31.12.2020",
        },
        {
            "kriterium": TRYG,
            "kontrolpunkt": "2020-12-31",
            "vaerdi": 80.5,
            "dato": "2020-11-30",
            "datakilde": "Tilfredshedsundersøgelsen 2020",
        },
    ]
    assert '"vaerdi": 31,' in text and '"vaerdi": 25.5,' in text and '"vaerdi": 80.5,' in text
    assert text == json.dumps(data, ensure_ascii=False, indent=2) + "\n"

    before = path.read_bytes()
    again = import_workbook(dossier, filled)
    assert (again.added, again.replaced, again.unchanged, again.written, again.issues) == (0, 0, 3, False, [])
    assert path.read_bytes() == before

    # a fresh template is prefilled from the register and imports as unchanged
    fresh = tmp_path / "ny.xlsx"
    write_template(dossier, fresh)
    third = import_workbook(dossier, fresh)
    assert (third.added, third.unchanged, third.written, third.issues) == (0, 3, False, [])


def test_danish_number_as_text_is_stored_exactly(dossier, tmp_path):
    filled = tmp_path / "udfyldt.xlsx"
    fill(template(dossier, tmp_path), filled, [((KLAGE, "Houlkærvænget", KP1), good("30,4", doc=None))])
    result = import_workbook(dossier, filled)
    assert result.issues == [] and result.added == 1
    text = (dossier / "opfoelgning.json").read_text(encoding="utf-8")
    assert '"vaerdi": 30.4,' in text
    assert json.loads(text)["maalinger"][0]["vaerdi"] == 30.4
    assert json.loads(text, parse_float=Decimal)["maalinger"][0]["vaerdi"] == Decimal("30.4")


def test_existing_entries_keep_their_exact_numbers_and_order(dossier, tmp_path):
    old = [
        {
            "kriterium": FRAFLYT,
            "noegle": "Vestervang",
            "kontrolpunkt": "2020-12-31",
            "vaerdi": 14.10,
            "dato": "2021-01-10",
            "datakilde": "EG",
        },
        {
            "kriterium": KLAGE,
            "noegle": "Egeparken",
            "kontrolpunkt": "2018-03-31",
            "vaerdi": 0,
            "dato": "2018-04-01",
            "datakilde": "EG",
            "bemaerkning": "Ingen klager",
        },
    ]
    register(
        dossier,
        old,
        baselines=[
            {"kriterium": "5.3-ledighed-18-29", "vaerdi": 42.0, "dato": "2017-06-30", "datakilde": "DST"}
        ],
    )
    path = dossier / "opfoelgning.json"
    path.write_text(
        path.read_text(encoding="utf-8").replace('"vaerdi": 14.1,', '"vaerdi": 14.10,'), encoding="utf-8"
    )
    filled = tmp_path / "udfyldt.xlsx"
    fill(template(dossier, tmp_path), filled, [((KLAGE, "Ellekonebakken", KP1), good(31))])
    result = import_workbook(dossier, filled)
    assert (result.added, result.unchanged, result.issues) == (1, 2, [])
    text = path.read_text(encoding="utf-8")
    assert '"vaerdi": 14.10,' in text and '"vaerdi": 42.0,' in text  # written exactly as they were
    data = json.loads(text)
    assert [m["noegle"] for m in data["maalinger"]] == ["Vestervang", "Egeparken", "Ellekonebakken"]
    assert data["maalinger"][1]["bemaerkning"] == "Ingen klager"
    assert data["baselines"][0]["kriterium"] == "5.3-ledighed-18-29"


CASES = [
    # (id, row key, changes, column of the error, text in the Danish message)
    (
        "unknown-criterion",
        (KLAGE, "Ellekonebakken", KP1),
        {"Kriterium": "5.1-klagesag"},
        "Kriterium",
        "Mente du »5.1-klagesager«?",
    ),
    (
        "unknown-area",
        (KLAGE, "Houlkærvænget", KP1),
        {"Område/kategori": "Houlkaervaenget"},
        "Område/kategori",
        "Mente du »Houlkærvænget«?",
    ),
    (
        "missing-area",
        (KLAGE, "Houlkærvænget", KP1),
        {"Område/kategori": None},
        "Område/kategori",
        "måles pr. område eller kategori",
    ),
    (
        "area-on-single-figure",
        ("5.3-uddannelsesparathed", None, date(2021, 3, 31)),
        {"Område/kategori": "Egeparken"},
        "Område/kategori",
        "ét samlet tal",
    ),
    (
        "not-a-checkpoint",
        (KLAGE, "Ellekonebakken", KP1),
        {"Kontrolpunkt": date(2018, 6, 30)},
        "Kontrolpunkt",
        "30.6.2018 er ikke et kontrolpunkt for 5.1-klagesager",
    ),
    ("text-value", (KLAGE, "Ellekonebakken", KP1), {"Værdi": "mange"}, "Værdi", "»mange« er ikke et tal"),
    (
        "english-decimal-text",
        (KLAGE, "Ellekonebakken", KP1),
        {"Værdi": "30.4"},
        "Værdi",
        "»30.4« er ikke et tal",
    ),
    ("negative", (KLAGE, "Ellekonebakken", KP1), {"Værdi": -1}, "Værdi", "(-1) må ikke være negativ"),
    (
        "percent-above-100",
        (FRAFLYT, "Egeparken", KP_2020),
        {"Værdi": 100.5},
        "Værdi",
        "(100,5) er en procentsats og må ikke være over 100",
    ),
    ("value-missing", (KLAGE, "Ellekonebakken", KP1), {"Værdi": None}, "Værdi", "Værdien mangler"),
    (
        "date-after-period",
        (KLAGE, "Ellekonebakken", KP1),
        {"Målt den": date(2022, 4, 1)},
        "Målt den",
        "Datoen 1.4.2022 ligger uden for aftalens periode 1.4.2017–31.3.2021",
    ),
    (
        "date-before-period",
        (KLAGE, "Ellekonebakken", KP1),
        {"Målt den": date(2017, 3, 31)},
        "Målt den",
        "uden for aftalens periode",
    ),
    ("date-missing", (KLAGE, "Ellekonebakken", KP1), {"Målt den": None}, "Målt den", "Målt den) mangler"),
    (
        "date-text",
        (KLAGE, "Ellekonebakken", KP1),
        {"Målt den": "snart"},
        "Målt den",
        "»snart« er ikke en dato",
    ),
    (
        "source-missing",
        (KLAGE, "Ellekonebakken", KP1),
        {"Datakilde": None},
        "Datakilde",
        "Datakilden mangler",
    ),
    (
        "evidence-missing",
        (KLAGE, "Ellekonebakken", KP1),
        {"Dokumentation (fil)": "bilag/findes-ikke.pdf"},
        "Dokumentation (fil)",
        "Filen »bilag/findes-ikke.pdf« findes ikke i dossieret",
    ),
    (
        "evidence-outside",
        (KLAGE, "Ellekonebakken", KP1),
        {"Dokumentation (fil)": "../udenfor.txt"},
        "Dokumentation (fil)",
        "ligger ikke i dossieret",
    ),
]


@pytest.mark.parametrize(
    ("key", "changes", "column", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_each_error_names_its_cell_and_nothing_is_written(dossier, tmp_path, key, changes, column, expected):
    (tmp_path / "udenfor.txt").write_text("uden for dossieret", encoding="utf-8")
    before = register(
        dossier,
        [
            {
                "kriterium": KLAGE,
                "noegle": "Egeparken",
                "kontrolpunkt": "2018-03-31",
                "vaerdi": 0,
                "dato": "2018-04-01",
                "datakilde": "EG",
            }
        ],
    )
    filled = tmp_path / "udfyldt.xlsx"
    rows = fill(
        template(dossier, tmp_path),
        filled,
        [((KLAGE, "Vestervang", KP1), good(15)), (key, {**good(20), **changes})],
    )
    result = import_workbook(dossier, filled)
    errors = [i for i in result.issues if i.severity == "error"]
    cell = f"Opfølgning!{COL[column]}{rows[1]}"
    assert len(errors) == 1, [e.message.da for e in errors]
    assert errors[0].cell == cell
    assert cell in errors[0].message.da and cell in errors[0].message.en
    assert expected in errors[0].message.da
    assert result.written is False and result.added == 0
    assert (dossier / "opfoelgning.json").read_bytes() == before


def test_evidence_by_absolute_path_outside_the_dossier(dossier, tmp_path):
    outside = tmp_path / "udenfor.pdf"
    outside.write_bytes(b"%PDF-1.4")
    filled = tmp_path / "udfyldt.xlsx"
    (row,) = fill(
        template(dossier, tmp_path), filled, [((KLAGE, "Ellekonebakken", KP1), good(doc=str(outside)))]
    )
    result = import_workbook(dossier, filled)
    assert [(i.cell, i.severity) for i in result.issues] == [(f"Opfølgning!L{row}", "error")]
    assert "ligger ikke i dossieret" in result.issues[0].message.da
    assert not (dossier / "opfoelgning.json").exists()


def test_evidence_by_absolute_path_inside_the_dossier_is_stored_relative(dossier, tmp_path):
    filled = tmp_path / "udfyldt.xlsx"
    fill(
        template(dossier, tmp_path),
        filled,
        [((KLAGE, "Ellekonebakken", KP1), good(doc=str(dossier / "bilag" / "klagesager-2018.csv")))],
    )
    result = import_workbook(dossier, filled)
    assert result.issues == []
    data = json.loads((dossier / "opfoelgning.json").read_text(encoding="utf-8"))
    assert data["maalinger"][0]["bevis"]["fil"] == "bilag/klagesager-2018.csv"


def test_text_number_and_text_date_are_accepted(dossier, tmp_path):
    filled = tmp_path / "udfyldt.xlsx"
    fill(
        template(dossier, tmp_path),
        filled,
        [((FRAFLYT, "Egeparken", KP_2020), {"Værdi": "26,1 %", "Målt den": "15.1.2021", "Datakilde": "EG"})],
    )
    result = import_workbook(dossier, filled)
    assert result.issues == []
    m = json.loads((dossier / "opfoelgning.json").read_text(encoding="utf-8"))["maalinger"][0]
    assert (m["vaerdi"], m["dato"]) == (26.1, "2021-01-15")


def test_duplicate_rows_are_an_error(dossier, tmp_path):
    filled = tmp_path / "udfyldt.xlsx"
    rows = fill(
        template(dossier, tmp_path),
        filled,
        [
            ((KLAGE, "Egeparken", KP1), good(0, doc=None)),
            ((KLAGE, "Ellekonebakken", KP1), {**good(1, doc=None), "Område/kategori": "Egeparken"}),
        ],
    )
    result = import_workbook(dossier, filled)
    assert [i.cell for i in result.issues] == [f"Opfølgning!A{rows[1]}"]
    assert f"Opfølgning!A{rows[0]}" in result.issues[0].message.da
    assert not (dossier / "opfoelgning.json").exists()


def test_several_errors_are_all_reported(dossier, tmp_path):
    filled = tmp_path / "udfyldt.xlsx"
    (row,) = fill(
        template(dossier, tmp_path),
        filled,
        [((FRAFLYT, "Egeparken", KP_2020), {"Værdi": 120, "Målt den": date(2030, 1, 1)})],
    )
    result = import_workbook(dossier, filled)
    assert sorted(i.cell for i in result.issues) == [f"Opfølgning!{c}{row}" for c in "IJK"]


def test_rows_without_input_are_skipped(dossier, tmp_path):
    result = import_workbook(dossier, template(dossier, tmp_path))
    assert (result.added, result.unchanged, result.issues, result.written) == (0, 0, [], False)
    assert not (dossier / "opfoelgning.json").exists()


# ---------------------------------------------------------------------------------------------- conflicts


def test_conflict_needs_replace(dossier, tmp_path):
    doc = dossier / "bilag" / "klagesager-2018.csv"
    before = register(
        dossier,
        [
            {
                "kriterium": KLAGE,
                "noegle": "Egeparken",
                "kontrolpunkt": "2018-03-31",
                "vaerdi": 0,
                "dato": "2018-04-15",
                "datakilde": "EG Bolig, udtræk pr. 31.3.2018",
            },
            {
                "kriterium": KLAGE,
                "noegle": "Ellekonebakken",
                "kontrolpunkt": "2018-03-31",
                "vaerdi": 32,
                "dato": "2018-04-15",
                "datakilde": "EG Bolig, udtræk pr. 31.3.2018",
                "bevis": {"fil": "bilag/klagesager-2018.csv", "sha256": sha(doc)},
            },
        ],
    )
    filled = tmp_path / "udfyldt.xlsx"
    (row,) = fill(template(dossier, tmp_path), filled, [((KLAGE, "Ellekonebakken", KP1), {"Værdi": 31})])
    result = import_workbook(dossier, filled)
    assert [(i.cell, i.severity) for i in result.issues] == [(f"Opfølgning!I{row}", "error")]
    assert result.issues[0].message.da == (
        f"Værdien i Opfølgning!I{row} (31) afviger fra den registrerede (32); brug --replace for at erstatte den."
    )
    assert "(31)" in result.issues[0].message.en and "(32)" in result.issues[0].message.en
    assert result.written is False and result.unchanged == 1
    assert (dossier / "opfoelgning.json").read_bytes() == before

    replaced = import_workbook(dossier, filled, replace=True)
    assert (replaced.added, replaced.replaced, replaced.unchanged, replaced.written, replaced.issues) == (
        0,
        1,
        1,
        True,
        [],
    )
    data = json.loads((dossier / "opfoelgning.json").read_text(encoding="utf-8"))
    assert [m["vaerdi"] for m in data["maalinger"]] == [0, 31]  # same place, new value
    assert data["maalinger"][1]["bevis"] == {"fil": "bilag/klagesager-2018.csv", "sha256": sha(doc)}


def test_conflicting_date_source_and_evidence(dossier, tmp_path):
    register(
        dossier,
        [
            {
                "kriterium": KLAGE,
                "noegle": "Ellekonebakken",
                "kontrolpunkt": "2018-03-31",
                "vaerdi": 31,
                "dato": "2018-04-01",
                "datakilde": "EG",
            }
        ],
    )
    filled = tmp_path / "udfyldt.xlsx"
    (row,) = fill(template(dossier, tmp_path), filled, [((KLAGE, "Ellekonebakken", KP1), good(31))])
    result = import_workbook(dossier, filled)
    assert [i.cell for i in result.issues] == [f"Opfølgning!{c}{row}" for c in "JKL"]
    assert "(15.4.2018) afviger fra den registrerede (1.4.2018)" in result.issues[0].message.da
    assert "(»EG«)" in result.issues[1].message.da
    assert "(bilag/klagesager-2018.csv) afviger fra den registrerede (ingen)" in result.issues[2].message.da
    assert import_workbook(dossier, filled, replace=True).replaced == 1


def test_changed_evidence_is_a_warning_and_replace_records_it_anew(dossier, tmp_path):
    doc = dossier / "bilag" / "klagesager-2018.csv"
    register(
        dossier,
        [
            {
                "kriterium": KLAGE,
                "noegle": "Ellekonebakken",
                "kontrolpunkt": "2018-03-31",
                "vaerdi": 31,
                "dato": "2018-04-15",
                "datakilde": "EG Bolig, udtræk pr. 31.3.2018",
                "bevis": {"fil": "bilag/klagesager-2018.csv", "sha256": sha(doc)},
            }
        ],
    )
    filled = tmp_path / "udfyldt.xlsx"
    write_template(dossier, filled)
    doc.write_text("ændret\n", encoding="utf-8")
    result = import_workbook(dossier, filled)
    assert (result.unchanged, result.written) == (1, False)
    assert [i.severity for i in result.issues] == ["warning"]
    assert "er ændret" in result.issues[0].message.da
    again = import_workbook(dossier, filled, replace=True)
    assert (again.replaced, again.written) == (1, True)
    data = json.loads((dossier / "opfoelgning.json").read_text(encoding="utf-8"))
    assert data["maalinger"][0]["bevis"]["sha256"] == sha(doc)


# ---------------------------------------------------------------------------------------------- hostile and odd input


def test_text_file_named_xlsx(dossier, tmp_path):
    fake = tmp_path / "opfoelgning.xlsx"
    fake.write_text("Kriterium;Kontrolpunkt;Værdi\n5.1-klagesager;2018-03-31;31\n", encoding="utf-8")
    with pytest.raises(CouldNotRun) as exc:
        import_workbook(dossier, fake)
    assert "opfoelgning.xlsx" in exc.value.text.da
    assert "ikke en Excel-projektmappe" in exc.value.text.da
    assert "not an Excel workbook" in exc.value.text.en


def test_missing_workbook(dossier, tmp_path):
    with pytest.raises(CouldNotRun):
        import_workbook(dossier, tmp_path / "findes-ikke.xlsx")


def test_workbook_without_the_table(dossier, tmp_path):
    wb = openpyxl.Workbook()
    wb.active["A1"] = "Budget"
    path = tmp_path / "budget.xlsx"
    wb.save(path)
    with pytest.raises(CouldNotRun) as exc:
        import_workbook(dossier, path)
    assert "Kriterium, Kontrolpunkt, Værdi" in exc.value.text.da


def test_table_found_by_labels_on_another_layout(dossier, tmp_path):
    """A workbook laid out differently (other sheet name, columns moved) still reads by its labels."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Mine tal"
    ws.append(["Noter"])
    ws.append(["Værdi", "Kriterium", "Område/kategori", "Kontrolpunkt", "Målt den", "Datakilde"])
    ws.append([31, KLAGE, "Ellekonebakken", datetime(2018, 3, 31), datetime(2018, 4, 15), "EG"])
    path = tmp_path / "andet.xlsx"
    wb.save(path)
    result = import_workbook(dossier, path)
    assert (result.added, result.issues) == (1, [])


# ---------------------------------------------------------------------------------------------- JSON


def test_dumps_writes_decimals_exactly_and_like_json_dumps():
    plain = {"a": [1, "æø", None, True, {"b": []}, {}], "c": {"d": 2.5}}
    assert dumps(plain) == json.dumps(plain, ensure_ascii=False, indent=2) + "\n"
    assert dumps({"v": Decimal("30.4"), "w": Decimal("26.80")}) == '{\n  "v": 30.4,\n  "w": 26.80\n}\n'
    with pytest.raises(ValueError):
        dumps({"v": Decimal("NaN")})


def test_two_imports_at_once_keep_both(dossier, tmp_path):
    """Two secretaries import at the same moment: the dossier's lock makes the second read what the first
    wrote, so neither measurement is lost (issue 10)."""
    import subprocess
    import sys

    blank = template(dossier, tmp_path)
    one, two = tmp_path / "en.xlsx", tmp_path / "to.xlsx"
    fill(blank, one, [((KLAGE, "Ellekonebakken", KP1), good(31))])
    fill(
        blank,
        two,
        [
            (
                (FRAFLYT, "Egeparken", KP_2020),
                {"Værdi": 25.5, "Målt den": date(2021, 1, 15), "Datakilde": "EG Bolig"},
            )
        ],
    )
    aftale_cli = Path(sys.executable).with_name("aftale")
    procs = [
        subprocess.Popen(
            [aftale_cli, "followup", "import", dossier, book], stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for book in (one, two)
    ]
    for proc in procs:
        assert proc.wait(timeout=120) == 0, proc.stderr.read().decode()
    data = json.loads((dossier / "opfoelgning.json").read_text(encoding="utf-8"))
    assert sorted((m["kriterium"], m["noegle"]) for m in data["maalinger"]) == sorted(
        [(KLAGE, "Ellekonebakken"), (FRAFLYT, "Egeparken")]
    )
