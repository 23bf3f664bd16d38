"""The xlsx and PDF readers, on real files built here (openpyxl, fpdf2, zipfile) – no mocks."""

from __future__ import annotations

import re
import subprocess
import sys
import time
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from fpdf import FPDF

from checker.findings import Severity
from checker.readers import ReaderError
from checker.readers.pdf import MAX_PDF_BYTES, MAX_PDF_PAGES, find_figure, parse_danish_number, read_pdf
from checker.readers.xlsx import MAX_XLSX_BYTES, Workbook, label_key, open_workbook

ROOT = Path(__file__).resolve().parent.parent
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


# ---------------------------------------------------------------------------------------------- helpers


def rewrite_member(path: Path, member: str, change) -> None:
    """Rewrite one member of a zip (an xlsx) through change(bytes) -> bytes, keeping the others."""
    with zipfile.ZipFile(path) as zf:
        parts = [(info, zf.read(info)) for info in zf.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, data in parts:
            zf.writestr(info.filename, change(data) if info.filename == member else data)


def budget(path: Path, row0: int = 0, col0: int = 0, *, cover_sheet: bool = False) -> Path:
    """A budget.xlsx in the LBF-style layout, shifted down row0 rows and right col0 columns."""
    wb = openpyxl.Workbook()
    ws = wb.active
    if cover_sheet:
        ws.title = "Forside"
        ws["A1"] = "Budget for helhedsplanen"
        ws = wb.create_sheet("Finansiering")
    else:
        ws.title = "Finansiering"

    def put(r: int, c: int, value) -> None:
        ws.cell(row=r + row0, column=c + col0, value=value)

    put(1, 1, "Helhedsplan:")
    put(1, 2, "Boligsocial helhedsplan for Vestervang")
    put(2, 1, " periode ")
    put(2, 2, datetime(2017, 1, 1))
    put(2, 3, datetime(2020, 12, 31))
    put(4, 1, "Projektår")
    for i, head in enumerate(["År 1", "År 2", "År 3", "År 4", "I alt"]):
        put(4, 2 + i, head)
    put(5, 1, "LANDSBYGGEFONDEN")
    put(6, 1, "Lokal\u00a0medfinansiering :")
    for i in range(4):
        put(5, 2 + i, 1_000_000 + i)
        put(6, 2 + i, 250_000)
    first = ws.cell(row=5 + row0, column=2 + col0).coordinate
    last = ws.cell(row=5 + row0, column=5 + col0).coordinate
    put(5, 6, f"=SUM({first}:{last})")
    wb.save(path)
    return path


def aktiviteter(path: Path, rows: list[dict], headers: list[str]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Aktiviteter"
    ws["A1"] = "Aktivitetsskema, Vestervang"  # a title row above the table
    ws.append([])
    ws.append(headers)
    for row in rows:
        ws.append([row.get(h) for h in headers])
    ws.append([])
    ws.append(["efter tabellen"] * len(headers))  # after the first empty row: not part of the table
    wb.save(path)
    return path


def reader_error(func, path: Path) -> ReaderError:
    with pytest.raises(ReaderError) as info:
        func(path)
    err = info.value
    assert err.message.da and err.message.en and err.message.da != err.message.en
    return err


def make_pdf(path: Path, pages: list[list[str]], **encryption) -> Path:
    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)  # core font, latin-1: æøå without a font file
    for lines in pages:
        pdf.add_page()
        for line in lines:
            pdf.cell(text=line, new_x="LMARGIN", new_y="NEXT")
    if encryption:
        pdf.set_encryption(**encryption)
    pdf.output(str(path))
    return path


# ---------------------------------------------------------------------------------------------- xlsx: reading


def test_label_key_ignores_case_spaces_colon() -> None:
    assert label_key("  Lokal\u00a0medfinansiering :") == label_key("lokal medfinansiering")
    assert label_key("LANDSBYGGEFONDEN:") == "landsbyggefonden"
    assert label_key("Projektår") != label_key("Projekt")


@pytest.mark.parametrize("row0, col0, cover", [(0, 0, False), (3, 2, False), (1, 4, True)])
def test_labels_found_wherever_the_layout_is(tmp_path: Path, row0: int, col0: int, cover: bool) -> None:
    wb = open_workbook(budget(tmp_path / "budget.xlsx", row0, col0, cover_sheet=cover))
    assert wb.sheet_names == (["Forside", "Finansiering"] if cover else ["Finansiering"])
    lbf = wb.find_label("Landsbyggefonden")
    assert lbf is not None and lbf.sheet == "Finansiering"
    assert (lbf.row, lbf.column) == (5 + row0, 1 + col0)
    right = wb.sheet("Finansiering").row_right_of(lbf)
    assert [c.value for c in right[:4]] == [1_000_000, 1_000_001, 1_000_002, 1_000_003]
    assert right[4].formula is not None and right[4].formula.startswith("=SUM(")
    assert [c.column for c in right] == list(range(2 + col0, 7 + col0))

    lokal = wb.find_label("lokal medfinansiering")  # NBSP, trailing " :" and case in the sheet
    assert lokal is not None and lokal.row == 6 + row0
    periode = wb.find_label("Periode:")
    assert [c.value for c in wb.sheet("Finansiering").row_right_of(periode)] == [
        date(2017, 1, 1),
        date(2020, 12, 31),
    ]
    assert wb.find_label("Helhedsplan").ref == f"Finansiering!{'ABCDEF'[col0]}{1 + row0}"
    assert wb.find_label("Ikke til stede") is None


def test_row_right_of_skips_empty_cells_and_ignores_the_left(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Ark 1"
    ws["A3"] = "til venstre"
    ws["C3"] = "Tværgående"
    ws["E3"] = 10
    ws["F3"] = "   "  # blank text counts as empty
    ws["H3"] = 20.5
    ws["D4"] = "næste række"
    wb.save(tmp_path / "x.xlsx")
    book = open_workbook(tmp_path / "x.xlsx")
    sheet = book.sheet("ark 1")  # a sheet name also matches loosely
    label = sheet.find_label("tværgående")
    cells = sheet.row_right_of(label)
    assert [(c.column, c.value) for c in cells] == [(5, 10), (8, 20.5)]
    assert cells[1].ref == "'Ark 1'!H3"
    assert sheet.cell(3, 6).empty and sheet.cell(3, 6).value is None


def test_table_with_extra_columns_and_headers_in_another_order(tmp_path: Path) -> None:
    headers = ["Bemærkning", "Aktivitet", "Slut", "Indsatsområde", "Start", "Ansvarlig", "Målgruppe "]
    rows = [
        {
            "Aktivitet": "Lektiecafé",
            "Indsatsområde": 5.3,
            "Start": datetime(2017, 3, 1),
            "Slut": datetime(2020, 12, 31),
        },
        {"Aktivitet": "Fritidsjob", "Indsatsområde": "5.3", "Bemærkning": "ny", "Ansvarlig": "Projektleder"},
        {"Ansvarlig": "Kommunen"},  # no Aktivitet, but a mapped cell is filled: still a row of the table
    ]
    path = aktiviteter(tmp_path / "aktivitetsskema.xlsx", rows, headers)
    sheet = open_workbook(path).sheet("Aktiviteter")
    wanted = ["Indsatsområde", "Aktivitet", "Id", "Målgruppe", "Ansvarlig", "Start", "Slut"]
    table = sheet.table(wanted, required=["Indsatsområde", "Aktivitet"])
    assert table is not None
    assert table.header_row == 3
    assert "Id" not in table.columns  # optional and absent
    assert table.columns["Indsatsområde"] == 4 and table.columns["Målgruppe"] == 7
    assert len(table.rows) == 3  # stops at the empty row; "efter tabellen" is not read
    first, second, third = table.rows
    assert set(first) == {"Indsatsområde", "Aktivitet", "Målgruppe", "Ansvarlig", "Start", "Slut"}
    assert first["Aktivitet"].value == "Lektiecafé" and first["Aktivitet"].ref == "Aktiviteter!B4"
    assert first["Indsatsområde"].value == 5.3 and second["Indsatsområde"].value == "5.3"
    assert first["Start"].value == date(2017, 3, 1) and first["Slut"].value == date(2020, 12, 31)
    assert first["Ansvarlig"].value is None and first["Ansvarlig"].ref == "Aktiviteter!F4"
    assert third["Aktivitet"].empty and third["Ansvarlig"].value == "Kommunen"

    assert sheet.table(["Aktivitet", "Id"], required=["Aktivitet", "Id"]) is None
    assert sheet.table(["Aktivitet", "Start"]).rows[0]["Start"].value == date(
        2017, 3, 1
    )  # required=None: all


def test_formula_written_by_a_program_is_uncalculated(tmp_path: Path) -> None:
    wb = open_workbook(budget(tmp_path / "budget.xlsx"))
    total = wb.sheet("Finansiering").cell(5, 6)
    assert total.formula == "=SUM(B5:E5)"
    assert total.value is None and total.uncalculated
    assert [c.ref for c in wb.uncalculated_cells()] == ["Finansiering!F5"]
    assert not wb.sheet("Finansiering").cell(5, 2).uncalculated


def test_formula_with_a_cached_value_reads_the_value(tmp_path: Path) -> None:
    path = budget(tmp_path / "budget.xlsx")

    def calculate(xml: bytes) -> bytes:  # what Excel/LibreOffice save: <f>…</f><v>42</v>
        new, n = re.subn(rb"(<f>[^<]*</f>)(?:<v\s*/>|<v></v>)?", rb"\g<1><v>42</v>", xml)
        assert n == 1
        return new

    rewrite_member(path, "xl/worksheets/sheet1.xml", calculate)
    wb = open_workbook(path)
    total = wb.sheet("Finansiering").cell(5, 6)
    assert total.value == 42 and total.formula == "=SUM(B5:E5)" and not total.uncalculated
    assert wb.uncalculated_cells() == []


def test_dates_at_midnight_become_dates_and_any_file_name_reads(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = datetime(2017, 1, 1)
    ws["A2"] = datetime(2017, 1, 1, 12, 30)
    path = tmp_path / "budget.xlsx"
    wb.save(path)
    odd = path.rename(tmp_path / "budget.XLSX.bak")  # openpyxl alone would refuse the name
    sheet = open_workbook(odd).sheets[0]
    assert sheet.cell(1, 1).value == date(2017, 1, 1) and type(sheet.cell(1, 1).value) is date
    assert sheet.cell(2, 1).value == datetime(2017, 1, 1, 12, 30)


def test_columns_and_rows_beyond_the_caps_are_ignored(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.cell(row=1, column=1, value="Label")
    ws.cell(row=1, column=250, value="far right")
    ws.cell(row=10_001, column=1, value="far down")
    wb.save(tmp_path / "big.xlsx")
    sheet = open_workbook(tmp_path / "big.xlsx").sheets[0]
    assert sheet.row_right_of(sheet.find_label("label")) == []
    assert sheet.find_label("far down") is None and sheet.max_row == 1


def test_readers_do_not_import_the_parsers_at_start_up() -> None:
    code = (
        "import sys, checker.readers.xlsx, checker.readers.pdf; "
        "bad = [m for m in ('openpyxl', 'pdfplumber', 'pdfminer') if m in sys.modules]; "
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


# ---------------------------------------------------------------------------------------------- xlsx: bad files


def test_text_file_renamed_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "budget.xlsx"
    path.write_text("År;Landsbyggefonden\n1;1000000\n", encoding="utf-8")
    err = reader_error(open_workbook, path)
    assert err.code == "xlsx-not-a-workbook"
    assert "tekstfil" in err.message.da and err.hint is not None
    finding = err.finding("budget.xlsx")
    assert (finding.code, finding.severity, finding.file) == (
        "xlsx-not-a-workbook",
        Severity.ERROR,
        "budget.xlsx",
    )


def test_password_protected_workbook(tmp_path: Path) -> None:
    path = tmp_path / "budget.xlsx"
    path.write_bytes(OLE2 + b"\x00" * 504 + "EncryptionInfo".encode("utf-16-le") + bytes(range(256)) * 8)
    assert reader_error(open_workbook, path).code == "xlsx-encrypted"
    path.write_bytes(OLE2 + b"junk" * 200)
    err = reader_error(open_workbook, path)
    assert err.code == "xlsx-encrypted" and "adgangskode" in err.message.da


def test_old_xls_format(tmp_path: Path) -> None:
    path = tmp_path / "budget.xlsx"
    path.write_bytes(OLE2 + b"\x00" * 504 + "Workbook".encode("utf-16-le") + b"\x00" * 512)
    err = reader_error(open_workbook, path)
    assert err.code == "xlsx-not-a-workbook" and ".xls" in err.message.en


def test_zip_bomb_is_refused_quickly(tmp_path: Path) -> None:
    path = tmp_path / "budget.xlsx"
    chunk = bytes(1024 * 1024)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        with zf.open("xl/worksheets/sheet1.xml", "w") as member:
            for _ in range(200):  # 200 MB of zeros, under 1 MB packed
                member.write(chunk)
    assert path.stat().st_size < 2 * 1024 * 1024
    start = time.perf_counter()
    err = reader_error(open_workbook, path)
    assert time.perf_counter() - start < 2
    assert err.code == "xlsx-zip-bomb"


def test_high_compression_ratio_and_many_entries(tmp_path: Path) -> None:
    path = tmp_path / "ratio.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/worksheets/sheet1.xml", bytes(5 * 1024 * 1024))  # 5 MB, ~1:1000
    err = reader_error(open_workbook, path)
    assert err.code == "xlsx-zip-bomb" and "sheet1.xml" in err.message.da

    path = tmp_path / "many.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        for i in range(1001):
            zf.writestr(f"xl/part{i}.xml", "<a/>")
    assert reader_error(open_workbook, path).code == "xlsx-zip-bomb"


LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_billion_laughs_is_refused(tmp_path: Path, encoding: str) -> None:
    path = budget(tmp_path / "budget.xlsx")

    def poison(xml: bytes) -> bytes:
        text = xml.decode("utf-8").replace(
            "<sheetData>",
            "<sheetData><row r='99'><c r='A99' t='inlineStr'><is><t>&lol3;</t></is></c></row>",
            1,
        )
        text = text.split("?>", 1)[-1]  # drop any XML declaration
        return (f'<?xml version="1.0" encoding="{encoding.upper()}"?>' + LAUGHS + text).encode(encoding)

    rewrite_member(path, "xl/worksheets/sheet1.xml", poison)
    err = reader_error(open_workbook, path)
    assert err.code == "xlsx-unsafe-xml" and "xl/worksheets/sheet1.xml" in err.message.da


def test_doctype_in_a_part_named_like_a_picture_is_refused_by_defusedxml(tmp_path: Path) -> None:
    # The scan skips pictures; a sheet disguised as one still meets defusedxml inside openpyxl.
    path = budget(tmp_path / "budget.xlsx")
    with zipfile.ZipFile(path) as zf:
        parts = [(info.filename, zf.read(info)) for info in zf.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts:
            if name == "xl/worksheets/sheet1.xml":
                name, data = "xl/media/sheet1.png", LAUGHS.encode() + data
            elif name in ("xl/_rels/workbook.xml.rels", "[Content_Types].xml"):
                data = data.replace(b"worksheets/sheet1.xml", b"media/sheet1.png")
            zf.writestr(name, data)
    assert reader_error(open_workbook, path).code == "xlsx-unsafe-xml"


def test_valid_zip_that_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "budget.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/document.xml", "<document/>")
        zf.writestr("[Content_Types].xml", "<Types/>")
    err = reader_error(open_workbook, path)
    assert err.code == "xlsx-corrupt" and "Word" in err.message.da


def test_damaged_workbook_part(tmp_path: Path) -> None:
    path = budget(tmp_path / "budget.xlsx")
    rewrite_member(path, "xl/worksheets/sheet1.xml", lambda xml: xml[: len(xml) // 2])
    err = reader_error(open_workbook, path)
    assert err.code == "xlsx-corrupt" and "unclosed token" in err.message.en  # the XML error, not a wrapper


def test_truncated_workbook(tmp_path: Path) -> None:
    path = budget(tmp_path / "budget.xlsx")
    path.write_bytes(path.read_bytes()[:2000])
    err = reader_error(open_workbook, path)
    assert err.code == "xlsx-corrupt"


def test_oversize_workbook(tmp_path: Path) -> None:
    path = tmp_path / "budget.xlsx"
    with path.open("wb") as fh:
        fh.truncate(MAX_XLSX_BYTES + 1)  # sparse: no disk space used
    err = reader_error(open_workbook, path)
    assert err.code == "xlsx-too-large" and "20 MB" in err.message.da


def test_workbook_type_is_plain(tmp_path: Path) -> None:
    wb = open_workbook(budget(tmp_path / "budget.xlsx"))
    assert isinstance(wb, Workbook)
    assert not any(type(c.value).__module__.startswith("openpyxl") for s in wb.sheets for c in s.cells())


# ---------------------------------------------------------------------------------------------- PDF


@pytest.fixture(scope="module")
def maalinger(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "centrale-maalinger.pdf"
    return make_pdf(
        path,
        [
            [
                "Bilag med centralt genererede målinger ved indsatsens starttidspunkt",
                "Antal beboere 3.220",
                "Antal lejemål: 1.630",
            ],
            [
                "Fraflytningsprocent 2015, Søndervangen 30,1 %",
                "Fraflytningsprocent 2015, Søndervang 26,8 %",
                "Særlige forhold: æøå ÆØÅ",
            ],
        ],
    )


def test_figures_are_found_with_their_page(maalinger: Path) -> None:
    pages = read_pdf(maalinger)
    assert [p.number for p in pages] == [1, 2]
    assert find_figure(pages, "Antal beboere") == ("3.220", 1)
    assert find_figure(pages, "antal   LEJEMÅL") == ("1.630", 1)
    # "Søndervang" must not match the line about "Søndervangen", which comes first
    assert find_figure(pages, "Fraflytningsprocent 2015, Søndervang") == ("26,8 %", 2)
    assert find_figure(pages, "Fraflytningsprocent 2015, Søndervangen") == ("30,1 %", 2)
    assert find_figure(pages, "Antal boliger") is None
    rest, page = find_figure(pages, "Antal beboere")
    assert parse_danish_number(rest) == Decimal(3220)


def test_danish_letters_survive_extraction(maalinger: Path) -> None:
    pages = read_pdf(maalinger)
    assert "Særlige forhold: æøå ÆØÅ" in pages[1].lines
    assert "målinger" in pages[0].text


@pytest.mark.parametrize(
    "text, expected",
    [
        ("3.220", Decimal("3220")),
        ("26,8 %", Decimal("26.8")),
        ("16,27%", Decimal("16.27")),
        ("1.234.567,5", Decimal("1234567.5")),
        ("kr. 14.600.000", Decimal("14600000")),
        ("14.600 kr.", Decimal("14600")),
        ("\u00a0-5,2\u00a0pct.", Decimal("-5.2")),
        ("\u22123", Decimal("-3")),
        ("42", Decimal("42")),
        ("abc", None),
        ("", None),
        ("3.5", None),  # an English decimal: not silently 35
        ("1,2,3", None),
        ("12.34", None),
        ("3.220 beboere", None),
    ],
)
def test_parse_danish_number(text: str, expected: Decimal | None) -> None:
    assert parse_danish_number(text) == expected


def test_truncated_pdf(tmp_path: Path, maalinger: Path) -> None:
    path = tmp_path / "centrale-maalinger.pdf"
    data = maalinger.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    err = reader_error(read_pdf, path)
    assert err.code == "pdf-corrupt" and "PdfminerException" not in err.message.en


def test_text_file_named_pdf(tmp_path: Path) -> None:
    path = tmp_path / "centrale-maalinger.pdf"
    path.write_text("Antal beboere 3.220\n", encoding="utf-8")
    assert reader_error(read_pdf, path).code == "pdf-not-a-pdf"


def test_pdf_with_a_user_password(tmp_path: Path) -> None:
    path = make_pdf(
        tmp_path / "x.pdf", [["Antal beboere 3.220"]], owner_password="ejer", user_password="hemmelig"
    )
    err = reader_error(read_pdf, path)
    assert err.code == "pdf-encrypted" and "adgangskode" in err.message.da


def test_pdf_with_only_an_owner_password_opens(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "x.pdf", [["Antal beboere 3.220"]], owner_password="ejer")
    assert find_figure(read_pdf(path), "Antal beboere") == ("3.220", 1)


def test_pdf_with_too_many_pages(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "x.pdf", [[f"Side {i}"] for i in range(MAX_PDF_PAGES + 10)])
    err = reader_error(read_pdf, path)
    assert err.code == "pdf-too-many-pages" and "60" in err.message.da


def test_oversize_pdf(tmp_path: Path) -> None:
    path = tmp_path / "x.pdf"
    with path.open("wb") as fh:
        fh.write(b"%PDF-1.7\n")
        fh.truncate(MAX_PDF_BYTES + 1)
    assert reader_error(read_pdf, path).code == "pdf-too-large"
