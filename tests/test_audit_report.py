"""Every output of `aftale audit`: text (Danish and English), JSON, XLSX, the charts, the Word report with
its PDF/A (real LibreOffice) and the HTML dashboard (rendered by Debian's Chromium in headless mode).

The exact assertions use an audit result built by hand; the dashboard screenshot is of the Viborg
dossier's own follow-up register."""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import date
from decimal import Decimal

import pytest

from checker.followup.audit import AuditResult, Evidence, Line, YearCheck
from checker.followup.targets import Target
from checker.report import audit as report
from tests.conftest import ROOT, VIBORG, browser

PNG = b"\x89PNG\r\n\x1a\n"
D = Decimal


def _target(
    kriterium, titel, io, enhed, noegle, kp, baseline, maal, cmp="hoejst", aaben=False, betegnelse=None
):
    def v(x):
        return None if x is None else D(x)

    desc = "ukendt, indtil baseline er registreret" if maal is None else f"{cmp} {maal}"
    return Target(
        kriterium=kriterium,
        titel=titel,
        indsatsomraade=io,
        enhed=enhed,
        noegle=noegle,
        kontrolpunkt=date.fromisoformat(kp),
        betegnelse=betegnelse,
        baseline=v(baseline),
        maal=v(maal),
        sammenligning=cmp,
        beskrivelse_da=desc,
        beskrivelse_en=desc,
        aaben_laesning=aaben,
    )


def _line(
    target, maalt, status, bevis="uændret", fil="opfoelgning/bilag/maaling.csv", pointer="/maalinger/0"
):
    if maalt is None:
        return Line(target, None, None, None, status, Evidence(None, "ingen"), None)
    return Line(
        target,
        D(maalt),
        target.kontrolpunkt.isoformat(),
        "Boligselskabernes udlejning",
        status,
        Evidence(fil, bevis),
        pointer,
    )


def hand_built() -> AuditResult:
    """Three criteria in two indsatsområder, every status, an evaluation year with a gap."""
    k = ("5.1-klagesager", "Klagesager", "5.1", "antal")
    f = ("5.1-fraflytning", "Fraflytningsprocent", "5.1", "procent")
    t = ("5.4-topi-roed", "TOPI, udsat (rød) position", "5.4", "antal")
    lines = [
        _line(
            _target(*k, "Ellekonebakken", "2018-03-31", "32", "30.4", betegnelse="Udgangen af projektår 1"),
            "29",
            "opfyldt",
        ),
        _line(
            _target(*k, "Ellekonebakken", "2019-03-31", "32", "28.88"),
            "30",
            "ikke opfyldt",
            bevis="ændret",
            fil="opfoelgning/bilag/klagesager-2019.csv",
            pointer="/maalinger/1",
        ),
        _line(_target(*k, "Ellekonebakken", "2020-03-31", "32", "27.44"), None, "ikke forfalden"),
        _line(_target(*k, "Vestervang", "2018-03-31", "16", "15.2"), "15", "opfyldt", pointer="/maalinger/2"),
        _line(_target(*k, "Vestervang", "2019-03-31", "16", "14.44"), None, "mangler data"),
        _line(_target(*k, "Vestervang", "2020-03-31", "16", "13.72"), None, "ikke forfalden"),
        _line(
            _target(*f, "Egeparken", "2018-12-31", "26.8", "26.26", aaben=True),
            "25.1",
            "opfyldt",
            pointer="/maalinger/3",
        ),
        _line(_target(*t, None, "2018-03-31", None, None), "22", "mangler data", pointer="/maalinger/4"),
        _line(_target(*t, None, "2019-03-31", None, None), None, "mangler data"),
    ]
    ok = Evidence("opfoelgning/referater/pkg-2017-10-04.txt", "uændret")
    years = [
        YearCheck(
            1,
            date(2017, 4, 1),
            date(2018, 3, 31),
            "pkg-evaluering",
            "evaluering",
            "projektkoordineringsgruppe",
            2,
            [("2017-10-04", ok), ("2018-03-07", ok)],
            "ok",
        ),
        YearCheck(
            1,
            date(2017, 4, 1),
            date(2018, 3, 31),
            "lbf-afrapportering",
            "afrapportering_lbf",
            "bestyrelse",
            1,
            [("2018-06-30", ok)],
            "ok",
        ),
        YearCheck(
            2,
            date(2018, 4, 1),
            date(2019, 3, 31),
            "pkg-evaluering",
            "evaluering",
            "projektkoordineringsgruppe",
            2,
            [("2018-10-04", Evidence("opfoelgning/referater/pkg-2018-10-04.txt", "ændret"))],
            "mangler",
        ),
        YearCheck(
            2,
            date(2018, 4, 1),
            date(2019, 3, 31),
            "lbf-afrapportering",
            "afrapportering_lbf",
            "bestyrelse",
            1,
            [],
            "ikke forfalden",
        ),
    ]
    return AuditResult("viborg-2017-2021", date(2019, 6, 30), lines, years)


@pytest.fixture(scope="module")
def result() -> AuditResult:
    return hand_built()


# --- text ---------------------------------------------------------------------------------------


def test_text_in_danish(result):
    text = report.render_text(result, "da")
    lines = text.splitlines()
    assert lines[0] == "Revision af opfølgningen på de lokale mål: viborg-2017-2021, opgjort pr. 30.6.2019"
    assert "Indsatsområde 5.1" in lines and "Indsatsområde 5.4" in lines
    assert "  Klagesager (5.1-klagesager)" in lines
    assert (
        "    Ellekonebakken 31.3.2018: baseline 32, mål højst 30,4, målt 29 – opfyldt [dokumentation uændret]"
        in lines
    )
    assert (
        "    Ellekonebakken 31.3.2019: baseline 32, mål højst 28,88, målt 30 – ikke opfyldt "
        "[dokumentation ændret: opfoelgning/bilag/klagesager-2019.csv]"
    ) in lines
    assert "    Vestervang 31.3.2019: baseline 16, mål højst 14,44, ikke målt – mangler data" in lines
    assert "    Vestervang 31.3.2020: baseline 16, mål højst 13,72, ikke målt – ikke forfalden" in lines
    assert (
        "    Egeparken 31.12.2018: baseline 26,8 %, mål højst 26,26 % (åben læsning), målt 25,1 % – opfyldt "
        "[dokumentation uændret]"
    ) in lines
    assert (
        "    31.3.2018: baseline mangler, mål ukendt, målt 22 – mangler data [dokumentation uændret]" in lines
    )
    # evaluations per project year
    assert "Evalueringer og afrapportering" in lines
    assert "  Projektår 1 (1.4.2017–31.3.2018)" in lines
    assert (
        "    Evaluering, projektkoordineringsgruppe (pkg-evaluering): 2 af 2 – ok: 4.10.2017, 7.3.2018"
        in lines
    )
    assert (
        "    Evaluering, projektkoordineringsgruppe (pkg-evaluering): 1 af 2 – mangler: 4.10.2018 (referat ændret)"
        in lines
    )
    assert "    Afrapportering til LBF, bestyrelse (lbf-afrapportering): 0 af 1 – ikke forfalden" in lines
    # summary and the missing documentation
    assert "Kontrolpunkter: 9 i alt – 3 opfyldt, 1 ikke opfyldt, 3 mangler data, 2 ikke forfalden." in lines
    assert "Evalueringer: 4 i alt – 2 ok, 1 mangler, 1 ikke forfalden." in lines
    assert result.documentation_missing
    assert "Mangler dokumentation" in lines
    for reason in result.documentation_missing:
        assert f"  - {reason}" in lines


def test_text_in_english(result):
    lines = report.render_text(result, "en").splitlines()
    assert lines[0] == "Audit of the follow-up on the local goals: viborg-2017-2021, as of 2019-06-30"
    assert "Intervention area 5.1" in lines
    assert (
        "    Ellekonebakken 2018-03-31: baseline 32, target at most 30.4, measured 29 – met [documentation unchanged]"
        in lines
    )
    assert (
        "    Ellekonebakken 2019-03-31: baseline 32, target at most 28.88, measured 30 – not met "
        "[documentation changed: opfoelgning/bilag/klagesager-2019.csv]"
    ) in lines
    assert (
        "    Vestervang 2019-03-31: baseline 16, target at most 14.44, not measured – missing data" in lines
    )
    assert (
        "    Egeparken 2018-12-31: baseline 26.8%, target at most 26.26% (open reading), measured 25.1% – met "
        "[documentation unchanged]"
    ) in lines
    assert (
        "    2018-03-31: baseline missing, target unknown, measured 22 – missing data [documentation unchanged]"
        in lines
    )
    assert (
        "    Evaluation, projektkoordineringsgruppe (pkg-evaluering): 1 of 2 – missing: 2018-10-04 (minutes changed)"
        in lines
    )
    assert "Checkpoints: 9 in all – 3 met, 1 not met, 3 missing data, 2 not yet due." in lines
    assert "Evaluations: 4 in all – 2 ok, 1 missing, 1 not yet due." in lines
    assert "Documentation missing" in lines


def test_text_without_a_register():
    empty = AuditResult("x", date(2019, 1, 1), register_found=False)
    text = report.render_text(empty, "da")
    assert "Opfølgningsregistret (opfoelgning.json) findes ikke i dossieret." in text
    assert "Kontrolpunkter: 0 i alt – 0 opfyldt, 0 ikke opfyldt, 0 mangler data, 0 ikke forfalden." in text


# --- JSON ---------------------------------------------------------------------------------------


def test_json_counts_and_an_exact_line(result):
    data = report.as_dict(result)
    text = json.dumps(data, ensure_ascii=False)  # JSON-ready as it is
    assert data["dossier"] == "viborg-2017-2021" and data["as_of"] == "2019-06-30"
    assert (data["eksempel"], data["eksempel_tekst"], data["udeladt_efter_as_of"]) == (False, None, 0)
    assert data["counts"] == {"opfyldt": 3, "ikke opfyldt": 1, "mangler data": 3, "ikke forfalden": 2}
    assert data["counts_years"] == {"ok": 2, "mangler": 1, "ikke forfalden": 1}
    assert len(data["lines"]) == 9 and len(data["years"]) == 4
    assert data["documentation_missing"] == result.documentation_missing
    line = data["lines"][0]
    assert line == {
        "kriterium": "5.1-klagesager",
        "titel": "Klagesager",
        "indsatsomraade": "5.1",
        "noegle": "Ellekonebakken",
        "kontrolpunkt": "2018-03-31",
        "betegnelse": "Udgangen af projektår 1",
        "enhed": "antal",
        "baseline": 32,
        "maal": 30.4,
        "sammenligning": "hoejst",
        "maal_tekst": "hoejst 30.4",
        "maal_tekst_en": "hoejst 30.4",
        "laesning": "",
        "laesning_en": "",
        "aaben_laesning": False,
        "maalt": 29,
        "maalt_dato": "2018-03-31",
        "datakilde": "Boligselskabernes udlejning",
        "status": "opfyldt",
        "bevis": {"fil": "opfoelgning/bilag/maaling.csv", "status": "uændret"},
        "pointer": "/maalinger/0",
    }
    # the numbers are exact: read back as decimals they are the audit's own values
    back = json.loads(text, parse_float=Decimal)
    assert back["lines"][0]["maal"] == Decimal("30.4")
    assert back["lines"][6]["baseline"] == Decimal("26.8") and back["lines"][6]["maal"] == Decimal("26.26")
    assert back["lines"][6]["maalt"] == Decimal("25.1")
    assert '"maal": 28.88' in text
    missing = data["lines"][7]
    assert missing["baseline"] is None and missing["maal"] is None and missing["noegle"] is None
    assert data["lines"][2]["maalt"] is None and data["lines"][2]["bevis"] == {"fil": None, "status": "ingen"}
    year = data["years"][2]
    assert year["status"] == "mangler" and year["afholdt"] == [
        {
            "dato": "2018-10-04",
            "referat": {"fil": "opfoelgning/referater/pkg-2018-10-04.txt", "status": "ændret"},
        }
    ]


def test_json_numbers_never_lose_digits():
    assert report.json_number(Decimal("30.40")) == 30.4
    assert report.json_number(Decimal("32.0")) == 32 and isinstance(report.json_number(Decimal("32.0")), int)
    assert report.json_number(Decimal("0.1234567890123456789")) == "0.1234567890123456789"
    assert report.json_number(None) is None


# --- XLSX ---------------------------------------------------------------------------------------


def test_xlsx(result, tmp_path):
    from openpyxl import load_workbook

    out = report.write_xlsx(result, tmp_path / "revision.xlsx")
    assert out == tmp_path / "revision.xlsx" and not list(tmp_path.glob(".*.tmp"))
    wb = load_workbook(out)
    assert wb.sheetnames[:2] == ["Revision", "Evalueringer"]
    ws = wb["Revision"]
    header = [c.value for c in ws[1]]
    assert header[:5] == ["Kriterium", "Titel", "Indsatsområde", "Område/kategori", "Kontrolpunkt"]
    for label in ("Baseline", "Mål", "Målt", "Datakilde", "Status", "Dokumentation"):
        assert label in header
    assert ws.max_row == 1 + len(result.lines)
    col = {name: i for i, name in enumerate(header)}
    first = [c.value for c in ws[2]]
    assert first[col["Område/kategori"]] == "Ellekonebakken"
    assert first[col["Kontrolpunkt"]].date() == date(2018, 3, 31)
    assert first[col["Baseline"]] == 32 and first[col["Mål"]] == 30.4 and first[col["Målt"]] == 29
    assert first[col["Sammenligning"]] == "højst"
    bad = ws.cell(row=3, column=col["Status"] + 1)
    assert bad.value == "ikke opfyldt"
    assert bad.fill.fill_type == "solid" and bad.fill.fgColor.rgb.endswith("FFC7CE")
    good = ws.cell(row=2, column=col["Status"] + 1)
    assert good.fill.fgColor.rgb.endswith("C6EFCE")
    ev = wb["Evalueringer"]
    assert ev.max_row == 1 + len(result.years)
    assert [c.value for c in ev[4]][-1] == "mangler"


# --- charts -------------------------------------------------------------------------------------


def test_charts_one_per_criterion_deterministic(result, tmp_path):
    from checker.followup.charts import criterion_charts

    first = criterion_charts(result, tmp_path / "a")
    second = criterion_charts(result, tmp_path / "b")
    assert list(first) == ["5.1-klagesager", "5.1-fraflytning", "5.4-topi-roed"]
    for cid, path in first.items():
        data = path.read_bytes()
        assert path.suffix == ".png" and data[:8] == PNG and len(data) > 5_000
        assert data == second[cid].read_bytes(), f"{cid}: two runs differ"
    svg_a = criterion_charts(result, tmp_path / "sa", "svg")
    svg_b = criterion_charts(result, tmp_path / "sb", "svg")
    for cid, path in svg_a.items():
        text = path.read_text(encoding="utf-8")
        assert "<svg" in text and "<dc:date>" not in text
        assert path.read_bytes() == svg_b[cid].read_bytes()


def test_charts_refuse_an_unknown_format(result, tmp_path):
    from checker.followup.charts import criterion_charts

    with pytest.raises(ValueError):
        criterion_charts(result, tmp_path, "gif")


# --- Word and PDF -------------------------------------------------------------------------------


def test_template_is_what_the_script_builds(tmp_path):
    """templates/revisionsrapport.docx exists and every Jinja tag in it is one whole run."""
    from docx import Document

    template = ROOT / "templates" / "revisionsrapport.docx"
    doc = Document(str(template))
    runs = []
    for par in doc.paragraphs:
        runs += [r.text for r in par.runs]
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                for par in cell.paragraphs:
                    runs += [r.text for r in par.runs]
    tags = [r for r in runs if "{{" in r or "{%" in r]
    assert tags and all(re.fullmatch(r"({{.*?}}|{%.*?%})", r) for r in tags), tags


def test_word_report_and_pdf(result, tmp_path):
    import pdfplumber
    from docx import Document

    out = tmp_path / "rapport" / "revisionsrapport.docx"
    made = report.write_report(result, out, helhedsplan="den boligsociale Helhedsplan i Viborg")
    assert made == [out, out.with_suffix(".pdf")]
    assert sorted(p.name for p in out.parent.iterdir()) == ["revisionsrapport.docx", "revisionsrapport.pdf"]

    doc = Document(str(out))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Revisionsrapport – opfølgning på lokale mål" in text
    assert "den boligsociale Helhedsplan i Viborg" in text
    assert "Opgjort pr. 30. juni 2019." in text
    for title in (
        "Klagesager (5.1-klagesager)",
        "Fraflytningsprocent (5.1-fraflytning)",
        "TOPI, udsat (rød) position (5.4-topi-roed)",
    ):
        assert title in text
    assert len(doc.inline_shapes) == 3
    assert "{{" not in text and "{%" not in text
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert "højst 30,4" in cells and "højst 26,26 % (åben læsning)" in cells and "25,1 %" in cells
    assert "ikke opfyldt" in cells and "Ellekonebakken" in cells
    assert "Ingen." not in text  # documentation is missing, so the section lists it
    for reason in result.documentation_missing:
        assert reason in text
    assert doc.core_properties.title == "Revisionsrapport – den boligsociale Helhedsplan i Viborg"

    with pdfplumber.open(out.with_suffix(".pdf")) as pdf:
        pdf_text = "\n".join(page.extract_text() or "" for page in pdf.pages)
    assert "Revisionsrapport" in pdf_text
    assert "ikke opfyldt" in pdf_text and "opfyldt" in pdf_text
    assert "Mangler dokumentation" in pdf_text and "Ellekonebakken" in pdf_text


def test_word_report_without_pdf_and_nothing_missing(tmp_path):
    from docx import Document

    clean = hand_built()
    clean.lines = [
        ln for ln in clean.lines if ln.status in ("opfyldt", "ikke forfalden") and ln.bevis.status != "ændret"
    ]
    clean.years = [y for y in clean.years if y.status == "ok"]
    assert clean.documentation_missing == []
    made = report.write_report(clean, tmp_path / "r.docx", pdf=False)
    assert made == [tmp_path / "r.docx"]
    text = "\n".join(p.text for p in Document(str(made[0])).paragraphs)
    assert "Ingen." in text and "viborg-2017-2021" in text


# --- HTML ---------------------------------------------------------------------------------------


def _self_contained(html: str) -> None:
    assert not re.search(r'(src|href)\s*=\s*"(https?:|//)', html)
    assert "<script" not in html.lower()
    assert "<link" not in html.lower()


def test_html_dashboard_in_chromium(result, tmp_path, chromium):
    out = report.write_html(result, tmp_path / "revision.html")
    html = out.read_text(encoding="utf-8")
    _self_contained(html)
    assert '<html lang="da">' in html
    assert html.count("data:image/png;base64,") == 3

    dom = browser(chromium, tmp_path / "profile", "--dump-dom", out.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert re.search(r'id="tile-opfyldt"><b>3</b>', dom.stdout)
    assert re.search(r'id="tile-ikke-opfyldt"><b>1</b>', dom.stdout)
    assert re.search(r'id="tile-mangler-data"><b>3</b>', dom.stdout)
    assert re.search(r'id="tile-ikke-forfalden"><b>2</b>', dom.stdout)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", dom.stdout))
    assert "Klagesager" in text and "Fraflytningsprocent" in text and "TOPI, udsat (rød) position" in text
    assert "højst 30,4" in text and "Projektår 2" in text
    assert "Baseline mangler" in text


def test_html_dashboard_of_the_viborg_register_screenshot(tmp_path, chromium):
    from checker.followup.audit import audit

    result = audit(VIBORG)
    out = report.write_html(
        result, tmp_path / "revision.html", helhedsplan="den boligsociale Helhedsplan i Viborg"
    )
    html = out.read_text(encoding="utf-8")
    _self_contained(html)
    criteria = list(dict.fromkeys(line.target.kriterium for line in result.lines))
    assert html.count("data:image/png;base64,") == len(criteria)

    dom = browser(chromium, tmp_path / "profile", "--dump-dom", out.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    for status in ("opfyldt", "ikke opfyldt", "mangler data", "ikke forfalden"):
        assert f'id="tile-{status.replace(" ", "-")}"><b>{result.count(status)}</b>' in dom.stdout
    assert result.lines[0].target.titel in dom.stdout

    shots = ROOT / "generated" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    shot = shots / "audit-dashboard.png"
    shot.unlink(missing_ok=True)
    run = browser(
        chromium, tmp_path / "profile2", f"--screenshot={shot}", "--window-size=1280,2000", out.as_uri()
    )
    assert run.returncode == 0, run.stderr[-2000:]
    png = shot.read_bytes()
    assert png[:8] == PNG and len(png) > 20_000


# --- an example register says so in every output; charts have alternative text ------------------


def example() -> AuditResult:
    made = hand_built()
    made.eksempel = True
    made.eksempel_tekst = "Eksempeldata: tallene er opfundet."
    return made


def test_text_and_json_of_an_example_register_say_so():
    result = example()
    lines = report.render_text(result, "da").splitlines()
    assert lines[1] == (
        "EKSEMPEL – opfølgningsregistret er opdigtede eksempeldata, ikke en rigtig opfølgning. "
        "Eksempeldata: tallene er opfundet."
    )
    assert (
        lines[-1] == "EKSEMPEL – opfølgningsregistret er opdigtede eksempeldata, ikke en rigtig opfølgning."
    )
    english = report.render_text(result, "en").splitlines()
    assert (
        english[1]
        == english[-1]
        == "EXAMPLE – the follow-up register is invented example data, not real follow-up."
    )
    data = report.as_dict(result)
    assert data["eksempel"] is True and data["eksempel_tekst"].startswith("EKSEMPEL – ")
    assert "EKSEMPEL" not in report.render_text(hand_built(), "da")


def test_xlsx_of_an_example_register_has_a_banner_on_every_sheet(tmp_path):
    from openpyxl import load_workbook

    result = example()
    wb = load_workbook(report.write_xlsx(result, tmp_path / "revision.xlsx"))
    for ws in wb.worksheets:
        assert str(ws["A1"].value).startswith("EKSEMPEL – "), ws.title
        assert ws.oddHeader.center.text.startswith("EKSEMPEL"), ws.title
    ws = wb["Revision"]
    assert [c.value for c in ws[2]][:2] == ["Kriterium", "Titel"]
    assert ws.max_row == 2 + len(result.lines) and ws.freeze_panes == "A3"
    assert wb.properties.title.endswith("(EKSEMPEL)")


def test_open_readings_are_named_in_text_json_and_dashboard():
    result = hand_built()
    line = result.lines[6]  # fraflytning, open
    line.target = dataclasses.replace(line.target, laesning="ændring i procent af baseline")
    text = report.render_text(result, "da")
    assert (
        "    Målet er beregnet som ændring i procent af baseline; parterne har endnu ikke afklaret læsningen."
        in text
    )
    assert report.as_dict(result)["lines"][6]["laesning"] == "ændring i procent af baseline"
    html = report.render_html(result, {})
    assert "Målet er beregnet som ændring i procent af baseline" in html


def test_chart_descriptions_say_what_the_chart_shows(result):
    from checker.followup.charts import criterion_descriptions

    words = criterion_descriptions(result)
    assert list(words) == ["5.1-klagesager", "5.1-fraflytning", "5.4-topi-roed"]
    assert words["5.1-klagesager"] == (
        "Graf over Klagesager (5.1-klagesager), opgjort pr. 30.6.2019: mål og målte værdier (antal) ved "
        "kontrolpunkterne 31.3.2018, 31.3.2019 og 31.3.2020. "
        "Ellekonebakken: 31.3.2018 mål højst 30,4, målt 29, opfyldt; 31.3.2019 mål højst 28,88, målt 30, "
        "ikke opfyldt; 31.3.2020 mål højst 27,44, ikke målt, ikke forfalden. "
        "Vestervang: 31.3.2018 mål højst 15,2, målt 15, opfyldt; 31.3.2019 mål højst 14,44, ikke målt, "
        "mangler data; 31.3.2020 mål højst 13,72, ikke målt, ikke forfalden. "
        "I alt 2 opfyldt, 1 ikke opfyldt, 1 mangler data, 2 ikke forfalden."
    )
    assert "mål ukendt (baseline mangler), målt 22, mangler data" in words["5.4-topi-roed"]


def test_html_of_an_example_register_has_a_banner_and_chart_text(tmp_path):
    from checker.followup.charts import criterion_descriptions

    result = example()
    html = report.write_html(result, tmp_path / "revision.html").read_text(encoding="utf-8")
    assert '<p class="eksempel" id="eksempel" role="note">EKSEMPEL – ' in html
    assert "<title>EKSEMPEL – Revision: viborg-2017-2021</title>" in html
    assert ".eksempel{position:sticky" in html and "@media print{.eksempel{position:fixed" in html
    for words in criterion_descriptions(result).values():
        assert f'alt="{words}"' in html
    assert "eksempel" not in report.render_html(hand_built(), {}).split("</style>")[1]


def test_word_report_and_pdf_of_the_viborg_example_register(tmp_path):
    """The ten charts have their data in words as alternative text, and every page says EKSEMPEL."""
    import pdfplumber
    from docx import Document
    from docx.oxml.ns import qn

    from checker.followup.audit import audit
    from checker.followup.charts import criterion_descriptions

    result = audit(VIBORG, date(2020, 6, 30))
    out = tmp_path / "revisionsrapport.docx"
    report.write_report(result, out, helhedsplan="den boligsociale Helhedsplan i Viborg")
    doc = Document(str(out))
    words = criterion_descriptions(result)
    assert len(words) == len(doc.inline_shapes) == 10
    described = [shape._inline.docPr.get("descr") for shape in doc.inline_shapes]
    assert described == list(words.values())
    names = [shape._inline.find(".//" + qn("pic:cNvPr")).get("name") for shape in doc.inline_shapes]
    assert names == [f"{cid}.png" for cid in words]
    for section in doc.sections:
        assert "EKSEMPEL – opdigtede opfølgningsdata, ikke en rigtig opfølgning" in " ".join(
            p.text for p in section.header.paragraphs
        )
    assert doc.paragraphs[0].text.startswith("EKSEMPEL – opfølgningsregistret er opdigtede eksempeldata")
    assert doc.core_properties.title.endswith("(EKSEMPEL)")
    with pdfplumber.open(out.with_suffix(".pdf")) as pdf:
        pages = [page.extract_text() or "" for page in pdf.pages]
    assert len(pages) > 3
    assert all("EKSEMPEL" in page for page in pages)


def test_word_report_of_a_real_register_says_nothing_of_examples(result, tmp_path):
    from docx import Document

    made = report.write_report(result, tmp_path / "r.docx", pdf=False)
    doc = Document(str(made[0]))
    assert all("EKSEMPEL" not in p.text for s in doc.sections for p in s.header.paragraphs)
    assert all("EKSEMPEL" not in p.text for p in doc.paragraphs)
    assert all(shape._inline.docPr.get("descr", "").startswith("Graf over ") for shape in doc.inline_shapes)
