"""aftale import, the reading side: the agreement's text with its layout (read_source), every hostile
input refused with exit 2 and nothing written, the command's report. The inputs are real files made from
the seed agreement (tests/import_fixtures.py)."""

from __future__ import annotations

import json
import os
import shutil
import time
import zipfile
from dataclasses import dataclass

import pytest

from checker.findings import CouldNotRun, Finding, Result, Severity, Text
from checker.importer import Block, Source
from checker.importer.source import SourceError, clean, read_source
from tests.conftest import SEED

pytest_plugins = ["tests.import_fixtures"]  # the inputs, made once per session

HEADINGS = [
    "1. Formål med den boligsociale indsats",
    "2. Organisering",
    "3. Beskrivelse af områdets overordnede problemkompleks, beboere og tryghedssituation",
    "4. Fælles tværgående målinger",
    "5. Indsatsområder",
    "6. Lokal evaluering",
    "7. Ressourcer i den boligsociale indsats",
    "8. Samspil med øvrige tiltag og områdebaserede indsatser",
    "9. Underretning",
    "10. Konflikthåndtering",
    "11. Revision af samarbejdsaftalen",
]


def seed_lines() -> list[str]:
    """The seed's lines as read_source gives them: cleaned, blank lines left out."""
    return [line for line in map(clean, SEED.read_text(encoding="utf-8").splitlines()) if line]


# ------------------------------------------------------------------------------------------------ PDF


def test_seed_pdf_is_read_line_by_line_with_page_line_and_font(seed_pdf):
    source = read_source(seed_pdf)
    assert (source.kind, source.pages, source.path) == ("pdf", 13, str(seed_pdf))
    first = source.blocks[0]
    assert first == Block(
        "Strategisk samarbejdsaftale om boligsocial indsats", page=1, line=1, bold=False, size=10.0
    )
    assert first.where() == "side 1, linje 1" and first.where("en") == "page 1, line 1"
    assert [b.text for b in source.blocks[1:4]] == [
        "Områdernes navne:",
        "Houlkærparken, Houlkærvænget, Ellekonebakken, Egeparken, Rødkærparken &",
        "Vestervang",
    ]
    finance = next(b for b in source.blocks if b.text.startswith("Landsbyggefonden t.kr."))
    assert (finance.text, finance.page, finance.line) == ("Landsbyggefonden t.kr. 14.600", 12, 14)
    last = source.blocks[-1]
    assert (last.text, last.page, last.line) == ("Landsbyggefonden.", 13, 15)
    # every page's lines numbered 1, 2, 3 … without a gap
    for page in range(1, 14):
        lines = [b.line for b in source.blocks if b.page == page]
        assert lines == list(range(1, len(lines) + 1)), page


def test_seed_pdf_holds_every_word_of_the_seed_in_order(seed_pdf):
    words = " ".join(b.text for b in read_source(seed_pdf).blocks).split()
    assert words == " ".join(seed_lines()).split()


def test_a_pdf_made_from_plain_text_has_no_table_rows(seed_pdf):
    # the seed's finansiering is lines of text in it; only ruled tables become rows
    assert not any(b.is_row for b in read_source(seed_pdf).blocks)


def test_styled_pdf_headings_are_bold_and_larger_than_the_text(styled_pdf):
    source = read_source(styled_pdf)
    assert source.pages == 24
    formaal = next(b for b in source.blocks if b.text == HEADINGS[0])
    assert (formaal.page, formaal.line, formaal.bold, formaal.size) == (3, 4, True, 14.0)
    assert {(b.bold, b.size) for b in source.blocks if b.text in HEADINGS} == {(True, 14.0)}
    assert {b.size for b in source.blocks if not b.bold} == {11.0}
    sub = next(b for b in source.blocks if b.text == "5.1 Tryghed og trivsel")
    assert (sub.bold, sub.size) == (True, 13.0)


def test_styled_pdf_table_rows_are_blocks_with_cells_not_repeated_as_lines(styled_pdf):
    source = read_source(styled_pdf)
    rows = [b for b in source.blocks if b.is_row]
    assert [(b.cells, b.page, b.line, b.table) for b in rows] == [
        (("Organisation", "Finansiering (t.kr.)"), 22, 11, 1),
        (("Landsbyggefonden", "14.600"), 22, 12, 1),
        (("Lokal medfinansiering", "12.502"), 22, 13, 1),
        (("Samlet budget for den boligsociale\nindsats", "27.102"), 22, 14, 1),
    ]
    assert rows[1].text == "Landsbyggefonden | 14.600"
    # the words of the table are in its rows only, and the table stands where it stands on the page
    page = [b for b in source.blocks if b.page == 22]
    assert not any("Landsbyggefonden" in b.text or "14.600" in b.text for b in page if not b.is_row)
    assert page[6].text == HEADINGS[6] and page[14].text.startswith("8. Samspil")


def test_a_ruled_box_is_read_as_lines_and_a_ruled_table_as_rows(tmp_path):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=11)
    pdf.text(20, 20, "Aftalens parter:")
    pdf.rect(15, 30, 120, 12)  # a frame around one line
    pdf.text(20, 38, "En ramme om en linje")
    pdf.set_y(60)
    with pdf.table(col_widths=(60, 40)) as table:  # headings bold, as fpdf2 draws them
        for cells in [("Organisation", "Finansiering"), ("Landsbyggefonden", "14.600")]:
            row = table.row()
            for text in cells:
                row.cell(text)
    path = tmp_path / "ramme.pdf"
    pdf.output(str(path))
    assert [(b.text, b.cells, b.line, b.bold, b.table) for b in read_source(path).blocks] == [
        ("Aftalens parter:", (), 1, False, None),
        ("En ramme om en linje", (), 2, False, None),
        ("Organisation | Finansiering", ("Organisation", "Finansiering"), 3, True, 1),
        ("Landsbyggefonden | 14.600", ("Landsbyggefonden", "14.600"), 4, False, 1),
    ]


# ----------------------------------------------------------------------------------------------- Word


def test_seed_docx_is_read_paragraph_by_paragraph(seed_docx):
    source = read_source(seed_docx)
    assert (source.kind, source.pages) == ("docx", None)
    assert [b.text for b in source.blocks] == seed_lines()
    assert [b.paragraph for b in source.blocks] == list(range(1, len(source.blocks) + 1))
    assert source.blocks[0] == Block(
        "Strategisk samarbejdsaftale om boligsocial indsats", paragraph=1, style="Preformatted Text"
    )
    assert source.blocks[0].where() == "afsnit 1" and source.blocks[0].where("en") == "paragraph 1"
    # a text file opened in Writer: one style, nothing bold, no tables
    assert {(b.style, b.bold, b.is_row) for b in source.blocks} == {("Preformatted Text", False, False)}


def test_styled_docx_headings_have_their_style_and_are_bold(styled_docx):
    source = read_source(styled_docx)
    headings = [b for b in source.blocks if b.style == "Heading 1"]
    assert [b.text for b in headings] == HEADINGS
    assert all(b.bold for b in headings)
    assert (headings[0].paragraph, headings[-1].paragraph) == (49, 481)
    assert [b.text for b in source.blocks if b.style == "Heading 2"] == [
        "5.1 Tryghed og trivsel",
        "5.3 Uddannelse og beskæftigelse",
        "5.4 Forebyggelse og forældreansvar",
    ]
    assert not any(b.bold for b in source.blocks if b.style == "Normal")


def test_styled_docx_table_rows_come_where_the_table_stands(styled_docx):
    blocks = read_source(styled_docx).blocks
    start = next(i for i, b in enumerate(blocks) if b.is_row)
    assert [(b.text, b.cells, b.paragraph, b.table) for b in blocks[start - 1 : start + 5]] == [
        ("boligsociale indsats.", (), 442, None),
        ("Organisation | Finansiering (t.kr.)", ("Organisation", "Finansiering (t.kr.)"), 443, 1),
        ("Landsbyggefonden | 14.600", ("Landsbyggefonden", "14.600"), 444, 1),
        ("Lokal medfinansiering | 12.502", ("Lokal medfinansiering", "12.502"), 445, 1),
        (
            "Samlet budget for den boligsociale indsats | 27.102",
            ("Samlet budget for den boligsociale indsats", "27.102"),
            446,
            1,
        ),
        (HEADINGS[7], (), 447, None),
    ]


def test_word_merged_cells_line_breaks_bold_runs_and_unicode(tmp_path):
    import docx

    document = docx.Document()
    p = document.add_paragraph()
    p.add_run("Vesterva\u030ang\x85 og")  # a decomposed å and a C1 control character
    p.add_run().add_break()
    p.add_run("Houlkærparken")
    bold = document.add_paragraph()
    bold.add_run("Aftalens parter:").bold = True
    mixed = document.add_paragraph()
    mixed.add_run("Delvis ").bold = True
    mixed.add_run("fed")
    table = document.add_table(rows=3, cols=3)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "Område"  # two columns
    table.cell(0, 2).text = "Baseline"
    table.cell(1, 0).merge(table.cell(2, 0)).text = "Egeparken"  # two rows
    table.cell(1, 1).text = "2015"
    table.cell(1, 2).text = "0"
    table.cell(2, 1).text = "2016"
    table.cell(2, 2).paragraphs[0].text = "1"
    table.cell(2, 2).add_paragraph("stk.")
    path = tmp_path / "flettet.docx"
    document.save(path)
    blocks = read_source(path).blocks
    assert [(b.text, b.cells, b.paragraph, b.bold, b.table) for b in blocks] == [
        ("Vestervång og", (), 1, False, None),
        ("Houlkærparken", (), 1, False, None),
        ("Aftalens parter:", (), 2, True, None),
        ("Delvis fed", (), 3, False, None),
        ("Område |  | Baseline", ("Område", "", "Baseline"), 4, False, 1),
        ("Egeparken | 2015 | 0", ("Egeparken", "2015", "0"), 5, False, 1),
        (" | 2016 | 1\nstk.", ("", "2016", "1\nstk."), 6, False, 1),
    ]


def test_word_file_with_a_web_link_is_read(hyperlink_docx):
    # a hyperlink is an external relationship Word never fetches by itself: allowed
    assert read_source(hyperlink_docx).blocks[0].text == "Strategisk samarbejdsaftale om boligsocial indsats"


def test_the_kind_of_file_is_decided_by_its_content_not_its_name(seed_pdf, seed_docx, tmp_path):
    word_named_pdf = shutil.copyfile(seed_docx, tmp_path / "aftale.pdf")
    pdf_named_docx = shutil.copyfile(seed_pdf, tmp_path / "aftale.docx")
    pdf_without_name = shutil.copyfile(seed_pdf, tmp_path / "aftale")
    assert read_source(word_named_pdf).kind == "docx"
    assert read_source(pdf_named_docx).kind == "pdf"
    assert read_source(pdf_without_name).kind == "pdf"


def test_clean_makes_nfc_and_drops_control_characters():
    assert clean("Vesterva\u030ang") == "Vestervång"
    assert clean("a\x00b\x07c\x1bd\x7fe\x85f\ud800g\ufffeh") == "abcdefgh"
    assert clean("  to\tord  \n  næste   linje ") == "to ord\nnæste linje"


# ------------------------------------------------------------------------------------- refused: exit 2

PREFIX = "aftale: {path}: "
REFUSED = {
    "scanned_pdf": (
        "source-scanned",
        "PDF'en er scannet: den har ingen tekst (aftale læser ikke billeder – ingen OCR). Brug den Word-fil, "
        "aftalen blev skrevet i, eller en PDF gemt direkte fra Word.",
    ),
    "encrypted_pdf": (
        "pdf-encrypted",
        "PDF-filen er beskyttet med en adgangskode, så den kan ikke læses. Bed afsenderen om en udgave uden "
        "adgangskode, eller åbn filen med adgangskoden og gem (udskriv) den som en ny PDF uden beskyttelse.",
    ),
    "not_a_pdf": (
        "source-unknown-format",
        "Filen er hverken en PDF-fil eller et Word-dokument (.docx). Den er en tekstfil. Gem eller eksportér "
        "aftalen som PDF eller som Word-dokument (*.docx); det hjælper ikke blot at omdøbe filen.",
    ),
    "pdf_500": (
        "pdf-too-many-pages",
        "PDF-filen har 500 sider; den må højst have 50. En samarbejdsaftale fylder 10–30 sider. Ligger "
        "bilagene i samme fil, så gem aftalen for sig.",
    ),
    "doc_file": (
        "docx-old-format",
        "Filen er et Word-dokument i det gamle format (Word 97-2003, .doc), ikke et Word-dokument (.docx). "
        "Åbn filen i Word og vælg Filer › Gem som › Word-dokument (*.docx).",
    ),
    "encrypted_docx": (
        "docx-encrypted",
        "Dokumentet er beskyttet med en adgangskode, så det kan ikke læses. Åbn filen i Word, fjern "
        "adgangskoden (Filer › Oplysninger › Beskyt dokument › Krypter med adgangskode, slet adgangskoden) og "
        "gem filen igen.",
    ),
    "macro_docx": (
        "docx-macros",
        "Word-dokumentet indeholder makroer (word/vbaProject.bin); aftale åbner ikke filer med makroer. Gem "
        "dokumentet i Word som »Word-dokument (*.docx)« (uden makroer), eller som PDF.",
    ),
    "macro_type_docx": (
        "docx-macros",
        "Word-dokumentet indeholder makroer (macroEnabled); aftale åbner ikke filer med makroer. Gem "
        "dokumentet i Word som »Word-dokument (*.docx)« (uden makroer), eller som PDF.",
    ),
    "external_docx": (
        "docx-external",
        "Word-dokumentet henter noget uden for filen (attachedTemplate: http://skabeloner.example/normal.dotm, "
        "i word/_rels/settings.xml.rels). Sådan en henvisning kan bruges til at angribe den, der åbner filen, "
        "så aftale læser den ikke. Gem dokumentet som PDF, eller bed afsenderen om en kopi uden sammenkædede "
        "skabeloner, billeder eller objekter.",
    ),
}


@pytest.mark.parametrize("name", list(REFUSED))
def test_a_hostile_input_is_refused_with_exit_2_and_nothing_written(run, request, tmp_path, name):
    path = request.getfixturevalue(name)
    code, message = REFUSED[name]
    with pytest.raises(SourceError) as exc:
        read_source(path)
    assert exc.value.code == code
    out = tmp_path / "udkast"
    status, stdout, stderr = run("import", path, "--out", out)
    assert status == 2 and stdout == ""
    assert stderr == PREFIX.format(path=path) + message + "\n"
    assert list(tmp_path.iterdir()) == []  # no dossier, no staging folder


def test_a_refusal_speaks_english_with_lang_en(run, tmp_path, scanned_pdf):
    status, _, stderr = run("import", scanned_pdf, "--out", tmp_path / "udkast", "--lang", "en")
    assert status == 2
    assert stderr == (
        f"aftale: {scanned_pdf}: The PDF is scanned: it has no text (aftale does not read images – no OCR). "
        "Use the Word file the agreement was written in, or a PDF saved directly from Word.\n"
    )


def test_a_500_page_pdf_is_refused_within_the_readers_time_bound(pdf_500):
    from checker.readers.pdf import MAX_PDF_SECONDS

    start = time.monotonic()
    with pytest.raises(SourceError) as exc:
        read_source(pdf_500)
    elapsed = time.monotonic() - start
    assert exc.value.code == "pdf-too-many-pages" and "højst have 50" in exc.value.text.da
    assert elapsed < min(5, MAX_PDF_SECONDS)  # the page tree's /Count is read, no page is


def test_a_pdf_needing_more_memory_than_the_childs_limit_is_refused(tmp_path):
    from checker.readers.pdf import MAX_PDF_MEMORY, MAX_PDF_SECONDS
    from tests.test_files import _page_with, _raw_pdf

    # a megabyte that unpacks to half a gigabyte of page content
    bomb = _raw_pdf(
        tmp_path / "bombe.pdf", _page_with(b"BT /F1 12 Tf (x) Tj ET\n" + b" " * (512 * 1024**2), flate=True)
    )
    start = time.monotonic()
    with pytest.raises(SourceError) as exc:
        read_source(bomb)
    assert exc.value.code == "pdf-too-complex"
    assert exc.value.text.da == (
        f"{bomb}: PDF-filen kan ikke læses inden for grænserne ({MAX_PDF_SECONDS} s, "
        f"{MAX_PDF_MEMORY // 2**20} MB): den kræver for meget hukommelse. Hent eller gem PDF-filen igen (fx "
        "»Udskriv › Gem som PDF«), eller bed afsenderen om en ny kopi."
    )
    assert time.monotonic() - start < MAX_PDF_SECONDS


def test_a_word_zip_bomb_is_refused_before_unpacking(seed_docx, tmp_path):
    from tests.import_fixtures import rewrite_zip

    def inflate(parts: dict[str, bytes]) -> None:
        parts["word/document.xml"] += b" " * (20 * 1024 * 1024)

    bomb = rewrite_zip(seed_docx, tmp_path / "bombe.docx", inflate)
    with pytest.raises(SourceError) as exc:
        read_source(bomb)
    assert exc.value.code == "docx-zip-bomb"
    assert "En del af filen (word/document.xml) er pakket usædvanligt hårdt sammen (1:" in exc.value.text.da


def test_an_oversized_relationships_part_is_refused_before_it_is_parsed(seed_docx, tmp_path):
    import base64

    from tests.import_fixtures import rewrite_zip

    def pad(parts: dict[str, bytes]) -> None:  # incompressible: not caught by the ratio
        noise = base64.b64encode(os.urandom(900 * 1024))
        parts["_rels/.rels"] = parts["_rels/.rels"].replace(
            b"<Relationships", b"<!--" + noise + b"--><Relationships", 1
        )

    big = rewrite_zip(seed_docx, tmp_path / "stor.docx", pad)
    with pytest.raises(SourceError) as exc:
        read_source(big)
    assert exc.value.code == "docx-corrupt"
    assert (
        "(teknisk: _rels/.rels is " in exc.value.text.da and "at most 1048576 are read)" in exc.value.text.da
    )


@pytest.mark.parametrize("kind", ["empty", "folder", "fifo", "zip", "xlsx", "missing"])
def test_other_files_that_are_no_agreement_are_refused(tmp_path, kind):
    path = tmp_path / "aftale.docx"
    expected = {
        "empty": "Filen er hverken en PDF-fil eller et Word-dokument (.docx). Filen er tom.",
        "folder": "er ikke en almindelig fil (men en mappe, et rør eller en enhed); den åbnes ikke.",
        "fifo": "er ikke en almindelig fil (men en mappe, et rør eller en enhed); den åbnes ikke.",
        "zip": "Filen er hverken en PDF-fil eller et Word-dokument (.docx). Den er et zip-arkiv.",
        "xlsx": "Filen er hverken en PDF-fil eller et Word-dokument (.docx). Den er et Excel-regneark.",
    }
    if kind == "empty":
        path.write_bytes(b"")
    elif kind == "folder":
        path.mkdir()
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind in ("zip", "xlsx"):
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("xl/workbook.xml" if kind == "xlsx" else "noter.txt", "<x/>")
            if kind == "xlsx":
                zf.writestr("[Content_Types].xml", "<Types/>")
    with pytest.raises(CouldNotRun) as exc:  # SourceError is one
        read_source(path)
    if kind == "missing":
        assert exc.value.text.da == f"Kan ikke læse {path}: No such file or directory."
    else:
        assert exc.value.text.da.startswith(f"{path}: {expected[kind]}")


# ------------------------------------------------------------------------------------------ the report


@dataclass
class Field:
    name: str
    value: str | None
    status: str
    where: str | None = None
    note: Text | None = None


def _report():
    from checker.importer.report import ImportReport

    source = Source(
        "aftale.pdf",
        "pdf",
        [Block("Strategisk samarbejdsaftale", page=1, line=1), Block("Aftalens parter:", page=1, line=2)],
        2,
    )
    fields = [
        Field("helhedsplan", "Den boligsociale Helhedsplan i Viborg", "recognised", "side 1, linje 15"),
        Field(
            "periode",
            "1.4.2017 til 31.3.2021",
            "review",
            "side 1, linje 16",
            Text("Læst som 2017-04-01 – 2021-03-31.", "Read as 2017-04-01 – 2021-03-31."),
        ),
        Field("sekretariat.navn", None, "missing"),
    ]
    check = Result("udkast")
    for code, severity in [
        ("placeholder-left", Severity.ERROR),
        ("placeholder-left", Severity.ERROR),
        ("finance-total", Severity.ERROR),
        ("delaftale-stale", Severity.WARNING),
    ]:
        check.add(Finding(code, severity, Text("x", "x"), "samarbejdsaftale.json"))
    return ImportReport(source, "udkast", ["samarbejdsaftale.json", "budget.xlsx"], fields, check)


def test_report_as_text_in_danish_and_english():
    import click

    from checker.importer.report import REPORTERS

    assert click.unstyle(REPORTERS["text"](_report(), "da")) == "\n".join(
        [
            "Importerede aftale.pdf (PDF, 2 sider, 2 linjer og tabelrækker) til udkast: 2 filer.",
            "",
            "Genkendt (1):",
            "  helhedsplan: »Den boligsociale Helhedsplan i Viborg« (side 1, linje 15)",
            "",
            "Til gennemsyn (1):",
            "  periode: »1.4.2017 til 31.3.2021« (side 1, linje 16)",
            "      → Læst som 2017-04-01 – 2021-03-31.",
            "",
            "Ikke fundet (1):",
            "  sekretariat.navn",
            "",
            "Kontrollen af udkastet: 3 fejl, 1 advarsel, 0 info.",
            "  fejl: placeholder-left (2), finance-total (1)",
            "  advarsler: delaftale-stale (1)",
            "",
            "Udfyld pladsholderne »UDFYLD«, og gennemse felterne ovenfor; »aftale check udkast« viser, hvad der "
            "er tilbage.",
        ]
    )
    english = click.unstyle(REPORTERS["text"](_report(), "en"))
    assert english.splitlines()[0] == (
        "Imported aftale.pdf (PDF, 2 pages, 2 lines and table rows) into udkast: 2 files."
    )
    assert "To review (1):" in english and "      → Read as 2017-04-01 – 2021-03-31." in english
    assert "The check of the draft: 3 errors, 1 warning, 0 infos." in english


def test_report_as_json():
    from checker.importer.report import REPORTERS

    data = json.loads(REPORTERS["json"](_report(), "en"))
    assert data["command"] == "import" and data["dossier"] == "udkast"
    assert data["source"] == {"path": "aftale.pdf", "kind": "pdf", "pages": 2, "blocks": 2}
    assert data["stats"] == {"recognised": 1, "review": 1, "missing": 1}
    assert data["fields"][1] == {
        "name": "periode",
        "status": "review",
        "value": "1.4.2017 til 31.3.2021",
        "where": "side 1, linje 16",
        "note": "Read as 2017-04-01 – 2021-03-31.",
    }
    assert data["check"] == {
        "valid": False,
        "errors": 3,
        "warnings": 1,
        "infos": 0,
        "codes": {
            "error": {"placeholder-left": 2, "finance-total": 1},
            "warning": {"delaftale-stale": 1},
            "info": {},
        },
    }


# ------------------------------------------------------------------------- the command, with recognise


def test_import_of_the_seed_pdf_writes_a_dossier_checks_it_and_reports(run, tmp_path, seed_pdf):
    out = tmp_path / "udkast"
    status, stdout, stderr = run("import", seed_pdf, "--out", out)
    assert status == 0 and stderr == ""
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert {"samarbejdsaftale.json", "budget.xlsx", "aktivitetsskema.xlsx", "milepaelsplan.json"} <= set(
        written
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["udkast"]  # no staging folder left
    lines = stdout.splitlines()
    assert (
        lines[0]
        == f"Importerede {seed_pdf} (PDF, 13 sider, 654 linjer og tabelrækker) til {out}: {len(written)} filer."
    )
    assert "Genkendt (" in stdout and "Til gennemsyn (" in stdout
    # the report's check is the check of the dossier written
    _, check_out, _ = run("check", out, "--format", "json")
    stats = json.loads(check_out)["stats"]
    summary = next(line for line in lines if line.startswith("Kontrollen af udkastet: "))
    assert summary == (
        f"Kontrollen af udkastet: {stats['errors']} fejl, {stats['warnings']} "
        f"{'advarsel' if stats['warnings'] == 1 else 'advarsler'}, {stats['infos']} info."
    )
    assert lines[-1] == (
        f"Udfyld pladsholderne »UDFYLD«, og gennemse felterne ovenfor; »aftale check {out}« viser, hvad der er "
        "tilbage."
    )


def test_import_as_json_lists_every_field_with_its_place(run, tmp_path, seed_docx):
    from checker.importer.recognise import recognise

    out = tmp_path / "udkast"
    status, stdout, _ = run("import", seed_docx, "--out", out, "--format", "json", "--lang", "en")
    assert status == 0
    data = json.loads(stdout)
    assert data["source"] == {"path": str(seed_docx), "kind": "docx", "pages": None, "blocks": 483}
    assert data["dossier"] == str(out)
    assert sorted(data["files"]) == sorted(
        p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()
    )
    fields = recognise(read_source(seed_docx)).fields
    assert [(f["name"], f["status"], f["value"], f["where"]) for f in data["fields"]] == [
        (f.name, f.status, f.value, f.where) for f in fields
    ]
    assert data["stats"] == {
        s: sum(1 for f in fields if f.status == s) for s in ("recognised", "review", "missing")
    }
    assert all(
        f["where"] and f["where"].startswith("afsnit ") for f in data["fields"] if f["status"] == "review"
    )
    _, check_out, _ = run("check", out, "--format", "json")
    check = json.loads(check_out)
    assert (data["check"]["errors"], data["check"]["warnings"], data["check"]["infos"]) == (
        check["stats"]["errors"],
        check["stats"]["warnings"],
        check["stats"]["infos"],
    )
    assert sum(data["check"]["codes"]["error"].values()) == check["stats"]["errors"]


def test_import_refuses_an_existing_folder_with_content_before_reading(run, tmp_path, seed_pdf):
    out = tmp_path / "findes"
    out.mkdir()
    (out / "noter.txt").write_text("vigtigt", encoding="utf-8")
    status, stdout, stderr = run("import", seed_pdf, "--out", out)
    assert status == 2 and stdout == ""
    assert (
        stderr
        == f"aftale: {out} findes allerede og er ikke en tom mappe; »aftale import« overskriver intet.\n"
    )
    assert [p.name for p in out.iterdir()] == ["noter.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["findes"]


def test_import_into_an_empty_folder_is_allowed(run, tmp_path, seed_docx):
    out = tmp_path / "tom"
    out.mkdir()
    assert run("import", seed_docx, "--out", out)[0] == 0
    assert (out / "samarbejdsaftale.json").is_file()


def test_import_leaves_nothing_when_writing_fails(run, tmp_path, seed_docx, monkeypatch):
    import errno

    from checker import scaffold

    def full_disk(folder, agreement, recalc):
        (folder / "budget.xlsx").write_bytes(b"half")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(scaffold, "_workbooks", full_disk)
    out = tmp_path / "udkast"
    status, stdout, stderr = run("import", seed_docx, "--out", out)
    assert status == 2 and stdout == ""
    assert stderr == f"aftale: Kan ikke oprette {out}: No space left on device.\n"
    assert list(tmp_path.iterdir()) == []


def test_import_with_an_unknown_rule_set_is_refused(run, tmp_path, seed_docx):
    status, _, stderr = run("import", seed_docx, "--out", tmp_path / "udkast", "--regelsaet", "lbf-1999")
    assert status == 2 and "lbf-1999" in stderr
    assert list(tmp_path.iterdir()) == []


# --- round trip: build -> import -> diff against the original --------------------------------------------

UNTOUCHED = (
    "/regelsaet",
    "/periode",
    "/parter",
    "/ressourcer/finansiering",
    "/underskrifter",
    "/helhedsplan",
)


@pytest.mark.parametrize(
    ("dossier", "document", "build_args"),
    [
        ("viborg-2017-2021", "samarbejdsaftale.pdf", ()),
        ("eksempelby-2022-2026", "samarbejdsaftale.docx", ("--no-pdf",)),
    ],
)
def test_build_then_import_then_diff_changes_only_what_documents_do_not_carry(
    run, tmp_path, dossier, document, build_args
):
    """The facts the documents carry come back unchanged: rule set, period, parties, finance, signature
    blocks, plan, area names. What they do not carry (ids, short titles, structured targets, annexes'
    content, remarks) is what `diff` shows."""
    import json

    from tests.conftest import ROOT, load

    original = ROOT / "agreements" / dossier
    assert run("build", original, "--out", tmp_path / "b", *build_args)[0] == 0
    code, _, err = run("import", tmp_path / "b" / document, "--out", tmp_path / "imp")
    assert code == 0, err
    code, out, _ = run("diff", original, tmp_path / "imp", "--format", "json")
    changes = [c for c in json.loads(out)["changes"] if c["file"] == "samarbejdsaftale.json"]
    touched = [c["pointer"] for c in changes if c["pointer"].startswith(UNTOUCHED)]
    assert touched == []
    old, new = load(original / "samarbejdsaftale.json"), load(tmp_path / "imp" / "samarbejdsaftale.json")
    assert [o["navn"] for o in new["omraader"]] == [o["navn"] for o in old["omraader"]]
    assert new["titel"] == old["titel"]
    assert [a["nummer"] for a in new["indsatsomraader"]["omraader"]] == [
        a["nummer"] for a in old["indsatsomraader"]["omraader"]
    ]
    assert [len(a["succeskriterier"]) for a in new["indsatsomraader"]["omraader"]] == [
        len(a["succeskriterier"]) for a in old["indsatsomraader"]["omraader"]
    ]


def test_an_embedded_altchunk_document_is_refused_not_silently_left_out(run, tmp_path):
    from docx import Document
    from docx.oxml import parse_xml

    doc = Document()
    doc.add_paragraph("Ordet altChunk i en almindelig tekst er ingen indlejring.")
    path = tmp_path / "tekst.docx"
    doc.save(path)
    assert read_source(path).blocks[0].text.startswith("Ordet altChunk")
    doc.element.body.append(
        parse_xml(
            '<w:altChunk xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:id="rId99"/>'
        )
    )
    doc.save(path)
    code, _, err = run("import", path, "--out", tmp_path / "ud", "--lang", "en")
    assert code == 2 and "embeds another document (altChunk)" in err
    assert not (tmp_path / "ud").exists()


def test_invisible_format_characters_are_dropped_from_what_is_read(tmp_path):
    """A right-to-left override or zero-width characters make a name look like another party's."""
    from docx import Document

    doc = Document()
    doc.add_paragraph("Viborg\u202eenummoK\u200b\u200d Kommune og Bolig\u00adselskabet\u200f")
    path = tmp_path / "skjult.docx"
    doc.save(path)
    assert read_source(path).blocks[0].text == "ViborgenummoK Kommune og Boligselskabet"
