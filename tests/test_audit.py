"""aftale audit on the Viborg example register, and the follow-up round trip through Excel."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from decimal import Decimal as D

import openpyxl

from checker.followup.audit import audit
from tests.conftest import VIBORG, dump, load


def _line(result, kriterium, noegle, kontrolpunkt):
    return next(
        x
        for x in result.lines
        if (x.target.kriterium, x.target.noegle, x.target.kontrolpunkt.isoformat())
        == (kriterium, noegle, kontrolpunkt)
    )


def test_the_viborg_example_shows_every_status_as_of_mid_2020():
    result = audit(VIBORG, date(2020, 6, 30))
    assert Counter(x.status for x in result.lines) == {
        "opfyldt": 23,
        "ikke opfyldt": 5,
        "mangler data": 1,
        "ikke forfalden": 20,
    }
    assert result.eksempel is True and "opfundet" in result.eksempel_tekst
    # only what is dated on or before 30.6.2020 is listed: 28 of the 48 measurements; the 20 later
    # ones and 4 later evaluations are left out
    assert sum(x.maalt is not None for x in result.lines) == 28
    assert result.udeladt_efter == 24
    assert all(x.maalt_dato <= "2020-06-30" for x in result.lines if x.maalt is not None)
    met = _line(result, "5.1-klagesager", "Ellekonebakken", "2018-03-31")
    assert (met.target.baseline, met.target.maal, met.maalt, met.status, met.bevis.status) == (
        32,
        D("30.4"),
        30,
        "opfyldt",
        "uændret",
    )
    not_met = _line(result, "5.1-klagesager", "Houlkærvænget", "2018-03-31")
    assert (not_met.maalt, not_met.status) == (31, "ikke opfyldt")
    missing = _line(result, "5.1-klagesager", "Vestervang", "2020-03-31")
    assert (missing.maalt, missing.status) == (None, "mangler data")
    changed = _line(result, "5.1-klagesager", "Egeparken", "2019-03-31")
    assert (changed.status, changed.bevis.status, changed.bevis.fil) == (
        "opfyldt",
        "ændret",
        "opfoelgning/bilag/klagesager-2019-03-31.csv",
    )
    assert _line(result, "5.1-klagesager", "Ellekonebakken", "2021-03-31").status == "ikke forfalden"
    assert result.documentation_missing == [
        "dokumentationen opfoelgning/bilag/klagesager-2019-03-31.csv er ændret",
        "5.1-klagesager Vestervang 2020-03-31: mangler data",
    ]


def test_registered_baselines_make_targets_and_open_readings_are_evaluated_as_recorded():
    result = audit(VIBORG, date(2021, 3, 31))
    assert Counter(x.status for x in result.lines) == {"opfyldt": 40, "ikke opfyldt": 8, "mangler data": 1}
    assert result.udeladt_efter == 0
    edu = _line(result, "5.3-uddannelse-18-29", None, "2020-12-31")
    # "igen med 10%": on top of 2018's level, 38 × 1.05 × 1.10 = 43.89
    assert (edu.target.baseline, edu.target.maal, edu.maalt, edu.status) == (
        38,
        D("43.89"),
        D("42.5"),
        "ikke opfyldt",
    )
    topi = _line(result, "5.4-topi-roed", None, "2018-03-31")
    assert (topi.target.baseline, topi.target.maal, topi.maalt, topi.status) == (
        24,
        D("22.8"),
        23,
        "ikke opfyldt",
    )
    # tryghed: trygge and meget trygge together, 51 % + 31 % = 82 % against 46 % + 32 % = 78 %
    tryghed = _line(result, "5.1-tryghed", None, "2020-12-31")
    assert (tryghed.target.baseline, tryghed.target.sammenligning, tryghed.maalt, tryghed.status) == (
        78,
        "over",
        82,
        "opfyldt",
    )
    assert tryghed.target.laesning == "bedre end baseline, kategorierne lagt sammen"
    assert _line(result, "5.1-fraflytning", "Egeparken", "2020-12-31").target.aaben_laesning is True


def test_measurements_dated_after_the_as_of_date_are_not_counted_listed_or_drawn():
    """The 2018 figures of Danmarks Statistik (checkpoint 31.12.2018) are dated 15.2.2019: an audit as
    of 31.1.2019 has not seen them, one as of 15.2.2019 has."""
    from checker.followup.charts import by_criterion, describe
    from checker.report.audit import as_dict, render_text

    before = audit(VIBORG, date(2019, 1, 31))
    assert Counter(x.status for x in before.lines) == {
        "opfyldt": 6,
        "ikke opfyldt": 3,
        "mangler data": 2,
        "ikke forfalden": 38,
    }
    assert sum(x.maalt is not None for x in before.lines) == 9
    assert before.udeladt_efter == 51
    for kriterium in ("5.3-uddannelse-18-29", "5.3-ledighed-18-29"):
        line = _line(before, kriterium, None, "2018-12-31")
        assert (line.maalt, line.maalt_dato, line.status, line.pointer) == (None, None, "mangler data", None)
        words = describe(by_criterion(before)[kriterium], before.as_of)
        assert "31.12.2018 mål" in words and "ikke målt, mangler data" in words and "målt 4" not in words
    text = render_text(before, "da")
    assert "31.12.2018: baseline 38 %, mål mindst 39,9 % (åben læsning), ikke målt – mangler data" in text
    assert "51 registreringer dateret efter 31.1.2019 er ikke medregnet." in text
    data = as_dict(before)
    assert data["counts"] == {"opfyldt": 6, "ikke opfyldt": 3, "mangler data": 2, "ikke forfalden": 38}
    assert data["udeladt_efter_as_of"] == 51
    assert sum(x["maalt"] is not None for x in data["lines"]) == 9

    after = audit(VIBORG, date(2019, 2, 15))
    assert Counter(x.status for x in after.lines) == {"opfyldt": 7, "ikke opfyldt": 4, "ikke forfalden": 38}
    assert sum(x.maalt is not None for x in after.lines) == 11
    edu = _line(after, "5.3-uddannelse-18-29", None, "2018-12-31")
    assert (edu.maalt, edu.status) == (D("40.2"), "opfyldt")
    assert "31.12.2018 mål mindst 39,9 %, målt 40,2 %, opfyldt" in describe(
        by_criterion(after)["5.3-uddannelse-18-29"], after.as_of
    )


def test_a_baseline_registered_after_the_as_of_date_is_not_yet_known():
    result = audit(VIBORG, date(2017, 8, 31))  # the TOPI zero-point is dated 30.9.2017
    topi = [x for x in result.lines if x.target.kriterium == "5.4-topi-roed"]
    assert all(x.target.baseline is None and x.target.maal is None for x in topi)
    edu = _line(result, "5.3-uddannelse-18-29", None, "2018-12-31")  # its zero-point: 30.6.2017
    assert edu.target.baseline == 38


def test_evaluations_per_project_year():
    result = audit(VIBORG, date(2021, 3, 31))
    statuses = {(y.aar, y.evaluering): y.status for y in result.years}
    assert statuses[(1, "pkg-evaluering")] == "ok" and statuses[(4, "bestyrelse-orientering")] == "ok"
    assert (
        statuses[(4, "lbf-afrapportering")] == "ikke forfalden"
    )  # the report on year 4 is due after the period
    assert len(result.years) == 12


def test_evaluations_after_the_as_of_date_do_not_count_yet():
    result = audit(VIBORG, date(2020, 6, 30))
    statuses = {(y.aar, y.evaluering): (y.status, len(y.afholdt)) for y in result.years}
    assert statuses[(4, "pkg-evaluering")] == ("ikke forfalden", 0)
    assert statuses[(3, "pkg-evaluering")] == ("ok", 2)
    assert statuses[(3, "lbf-afrapportering")] == ("ok", 1)  # held 30.6.2020, the as-of date itself


def test_a_missing_evaluation_is_documentation_missing(viborg):
    data = load(viborg / "opfoelgning.json")
    data["evalueringer"] = [
        e
        for e in data["evalueringer"]
        if not (e["evaluering"] == "pkg-evaluering" and e["dato"].startswith("2018-10"))
    ]
    dump(viborg / "opfoelgning.json", data)
    result = audit(viborg, date(2021, 3, 31))
    year2 = next(y for y in result.years if (y.aar, y.evaluering) == (2, "pkg-evaluering"))
    assert (year2.status, len(year2.afholdt), year2.lovet) == ("mangler", 1, 2)
    assert "projektår 2: pkg-evaluering 1 af 2" in result.documentation_missing


def test_audit_cli_exit_codes_and_json(run, viborg):
    code, out, _ = run("audit", VIBORG, "--format", "json")
    report = json.loads(out)
    assert code == 1  # a measurement is missing and an evidence file has changed
    assert report["documentation_missing"]
    code, out, _ = run("audit", VIBORG, "--as-of", "2020-06-30")
    assert (
        code == 1
        and "Vestervang 31.3.2020: baseline 16, mål højst 13,72 (åben læsning), ikke målt – mangler data"
        in out
    )
    # complete the documentation: register the missing value and restore the changed evidence
    data = load(viborg / "opfoelgning.json")
    bevis = next(
        m["bevis"]
        for m in data["maalinger"]
        if m["kontrolpunkt"] == "2020-03-31" and m["kriterium"] == "5.1-klagesager"
    )
    data["maalinger"].append(
        {
            "kriterium": "5.1-klagesager",
            "noegle": "Vestervang",
            "kontrolpunkt": "2020-03-31",
            "vaerdi": 13,
            "dato": "2020-03-31",
            "datakilde": "Boligselskabernes opgørelse",
            "bevis": bevis,
        }
    )
    dump(viborg / "opfoelgning.json", data)
    path = viborg / "opfoelgning/bilag/klagesager-2019-03-31.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("Houlkærvænget;29\n", ""), encoding="utf-8")
    code, out, _ = run("audit", viborg, "--as-of", "2020-06-30")
    assert code == 0, out


def test_audit_refuses_a_dossier_with_schema_errors(run, viborg):
    data = load(viborg / "opfoelgning.json")
    data["maalinger"][0]["vaerdi"] = "mange"
    dump(viborg / "opfoelgning.json", data)
    code, _, err = run("audit", viborg)
    assert code == 2 and "opfoelgning.json" in err and "aftale validate" in err


def test_round_trip_template_filled_workbook_import_audit(run, viborg):
    (viborg / "opfoelgning.json").unlink()
    template = viborg.parent / "opfoelgning.xlsx"
    code, out, _ = run("followup", "template", viborg, "--out", template)
    assert code == 0 and "49 rækker" in out
    (viborg / "udtraek.csv").write_text("afdeling;klagesager\nEllekonebakken;29\n", encoding="utf-8")
    wb = openpyxl.load_workbook(template)
    ws = wb["Opfølgning"]
    header = {cell.value: cell.column for cell in ws[4]}
    row = next(
        r
        for r in range(5, ws.max_row + 1)
        if (ws.cell(r, header["Kriterium"]).value, ws.cell(r, header["Område/kategori"]).value)
        == ("5.1-klagesager", "Ellekonebakken")
    )
    ws.cell(row, header["Værdi"]).value = 29
    ws.cell(row, header["Målt den"]).value = date(2018, 3, 31)
    ws.cell(row, header["Datakilde"]).value = "Boligselskabernes opgørelse"
    ws.cell(row, header["Dokumentation (fil)"]).value = "udtraek.csv"
    wb.save(template)
    code, out, _ = run("followup", "import", viborg, template)
    assert code == 0 and "Indlæst: 1 nye" in out
    result = audit(viborg, date(2018, 6, 30))
    line = _line(result, "5.1-klagesager", "Ellekonebakken", "2018-03-31")
    assert (line.maalt, line.status, line.bevis.status) == (29, "opfyldt", "uændret")
    # a bad value is reported with its cell, and nothing is written
    before = (viborg / "opfoelgning.json").read_bytes()
    wb = openpyxl.load_workbook(template)
    wb["Opfølgning"].cell(row + 1, header["Værdi"]).value = "mange"
    wb["Opfølgning"].cell(row + 1, header["Målt den"]).value = date(2019, 3, 31)
    wb["Opfølgning"].cell(row + 1, header["Datakilde"]).value = "x"
    wb.save(template)
    code, out, _ = run("followup", "import", viborg, template)
    assert code == 1 and f"Opfølgning!I{row + 1}" in out and "Intet blev skrevet." in out
    assert (viborg / "opfoelgning.json").read_bytes() == before


def test_report_formats_from_the_cli(run, tmp_path):
    for fmt, name in (("xlsx", "revision.xlsx"), ("html", "revision.html")):
        code, out, _ = run("audit", VIBORG, "--format", fmt, "--output", tmp_path / name)
        assert code == 1 and (tmp_path / name).stat().st_size > 5000
    assert "Revision" in openpyxl.load_workbook(tmp_path / "revision.xlsx").sheetnames


def test_a_register_too_large_is_refused_for_its_size(run, viborg):
    """A register over the 5 MB a JSON source may hold is refused saying so, not "schema errors"."""
    register = viborg / "opfoelgning.json"
    register.write_text(register.read_text(encoding="utf-8") + " " * (5 * 1024 * 1024), encoding="utf-8")
    code, _, err = run("audit", viborg, "--format", "json")
    assert code == 2
    size = f"{register.stat().st_size:,}".replace(",", ".")
    assert (
        f"Dossieret har fejl i opfoelgning.json (fx opfoelgning.json: Filen er på {size} byte; en JSON-kilde "
        "må højst fylde 5.242.880 byte.); kør »aftale validate« og ret dem før revisionen."
    ) in err
