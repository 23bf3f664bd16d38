"""The second worked example, agreements/eksempelby-2022-2026: an invented 2019-2026 agreement shaped
unlike Viborg (two boligorganisationer owning eight afdelinger in three områder, the police on the
board without signing, a styregruppe per indsatsområde, a period from 1 September, local co-financing
split between kommune and boligorganisationer). It validates and checks clean, every file says it is
an example, and its annexes (made by scripts/make_eksempelby_annexes.py) read back with the exact
figures of the agreement."""

from __future__ import annotations

import json
import re
import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from checker.findings import Severity
from checker.readers.pdf import find_figure, parse_danish_number, read_pdf
from checker.readers.xlsx import open_workbook
from checker.validate import validate_dossier
from tests.conftest import ROOT, load

EKSEMPELBY = ROOT / "agreements" / "eksempelby-2022-2026"
BANNER = "EKSEMPEL – opdigtede tal"
AREAS = ["Eksempelparken", "Modelvænget", "Prøvehøjen"]
INDSATSOMRAADER = {
    "5.1": "Uddannelse og livschancer",
    "5.2": "Beskæftigelse",
    "5.3": "Kriminalitetsforebyggelse",
    "5.4": "Sammenhængskraft og medborgerskab",
}
PROJECT_YEARS = [
    (date(2022, 9, 1), date(2023, 8, 31)),
    (date(2023, 9, 1), date(2024, 8, 31)),
    (date(2024, 9, 1), date(2025, 8, 31)),
    (date(2025, 9, 1), date(2026, 8, 31)),
]


@pytest.fixture(scope="module")
def aftale() -> dict:
    return load(EKSEMPELBY / "samarbejdsaftale.json")


def _json_files() -> list[Path]:
    return sorted(EKSEMPELBY.rglob("*.json"))


def _bodies(aftale: dict, kind: str) -> list[dict]:
    return [b for b in aftale["organisering"]["organer"] if b["type"] == kind]


def _criteria(aftale: dict):
    for area in aftale["indsatsomraader"]["omraader"]:
        yield from area["succeskriterier"]


# --- validates and checks clean ---------------------------------------------------------------------------


def test_the_example_validates_without_findings():
    result = validate_dossier(EKSEMPELBY)
    assert [f.code for f in result.findings] == []
    assert len(result.files) == 12


def test_the_example_checks_without_errors_or_warnings_under_the_2019_2026_rule_set(aftale):
    from checker.check import check_dossier

    assert aftale["regelsaet"] == "lbf-2019-2026"
    assert aftale["skemaversion"] == 2
    result = check_dossier(EKSEMPELBY)
    assert result.count(Severity.ERROR) == 0, [f.code for f in result.findings]
    assert result.count(Severity.WARNING) == 0, [f.code for f in result.findings]
    # the workbooks, PDF and diagram are checked too, not only the JSON sources
    assert len(result.files) == 16


# --- shaped unlike Viborg --------------------------------------------------------------------------------


def test_three_areas_of_eight_afdelinger_owned_by_two_boligorganisationer(aftale):
    owners = [p for p in aftale["parter"] if p["type"] == "boligorganisation"]
    afdelinger = [afd for area in aftale["omraader"] for afd in area["afdelinger"]]
    assert [a["navn"] for a in aftale["omraader"]] == AREAS
    assert len(aftale["omraader"]) == 3
    assert len(afdelinger) == 8
    assert len(owners) == 2
    assert {afd["boligorganisation"] for afd in afdelinger} == {p["id"] for p in owners}
    assert len({afd["nummer"] for afd in afdelinger}) == 8
    for area in aftale["omraader"]:
        assert len(area["afdelinger"]) >= 2
        assert area["beboere"] == sum(afd["beboere"] for afd in area["afdelinger"])
        assert area["lejemaal"] == sum(afd["lejemaal"] for afd in area["afdelinger"])
    assert aftale["beskrivelse"]["beboere"] == sum(a["beboere"] for a in aftale["omraader"]) == 4350
    assert aftale["beskrivelse"]["lejemaal"] == sum(a["lejemaal"] for a in aftale["omraader"]) == 2070


def test_the_police_sits_on_the_board_without_signing(aftale):
    police = [p for p in aftale["parter"] if p["type"] == "politi"]
    assert len(police) == 1
    assert police[0]["underskriver"] is False
    (board,) = _bodies(aftale, "bestyrelse")
    assert police[0]["id"] in {m.get("part") for m in board["medlemmer"]}
    signing = [p["navn"] for p in aftale["parter"] if p["underskriver"]]
    assert [b["part"] for b in aftale["underskrifter"]] == signing
    assert police[0]["navn"] not in signing
    for rel in aftale["aftaledokumenter"]["bilag"][1]["filer"]:
        assert [b["part"] for b in load(EKSEMPELBY / rel)["underskrifter"]] == signing


def test_four_styregrupper_each_tied_to_a_distinct_chosen_indsatsomraade(aftale):
    chosen = {a["nummer"]: a["navn"] for a in aftale["indsatsomraader"]["omraader"]}
    assert chosen == INDSATSOMRAADER
    styregrupper = _bodies(aftale, "styregruppe")
    assert len(styregrupper) == 4
    assert sorted(s["indsatsomraade"] for s in styregrupper) == sorted(INDSATSOMRAADER)
    for s in styregrupper:
        assert {"type": "refererer_til", "organ": "bestyrelse"} in s["relationer"]
        assert {"type": "faciliteres_af", "organ": "sekretariat"} in s["relationer"]


def test_local_co_financing_is_split_between_kommune_and_both_boligorganisationer(aftale):
    fin = aftale["ressourcer"]["finansiering"]
    shares = fin["lokal_fordeling"]
    assert sum(s["beloeb"] for s in shares) == fin["lokal_medfinansiering"] == 4_800_000
    assert fin["landsbyggefonden"] + fin["lokal_medfinansiering"] == fin["samlet"] == 16_800_000
    assert fin["lokal_medfinansiering"] * 100 >= 25 * fin["samlet"]
    types = {p["id"]: p["type"] for p in aftale["parter"]}
    assert sorted(types[s["part"]] for s in shares) == ["boligorganisation", "boligorganisation", "kommune"]


def test_the_period_starts_1_september_2022_and_the_project_years_cover_it(aftale):
    assert aftale["periode"] == {"start": "2022-09-01", "slut": "2026-08-31"}
    plan = load(EKSEMPELBY / "milepaelsplan.json")
    years = [
        (date.fromisoformat(y["periode"]["start"]), date.fromisoformat(y["periode"]["slut"]))
        for y in plan["projektaar"]
    ]
    assert years == PROJECT_YEARS
    for y, (first, last) in zip(plan["projektaar"], years, strict=True):
        assert y["milepaele"]
        assert all(first <= date.fromisoformat(m["dato"]) <= last for m in y["milepaele"])


def test_kommissorier_have_exactly_the_members_of_their_body(aftale):
    for body in aftale["organisering"]["organer"]:
        doc = load(EKSEMPELBY / body["kommissorium"]["fil"])
        assert doc["organ"] == body["id"]
        assert [(m["rolle"], m.get("part")) for m in doc["medlemmer"]] == [
            (m["rolle"], m.get("part")) for m in body["medlemmer"]
        ]
        assert doc["moedefrekvens"] == body["moedefrekvens"]


def test_the_beredskabsplan_covers_every_area():
    assert load(EKSEMPELBY / "beredskabsplan.json")["omraader"] == AREAS


def test_criterion_wording_agrees_with_the_targets_direction(aftale):
    up = re.compile(r"\b(stige|øges|øge)\b", re.IGNORECASE)
    down = re.compile(r"\b(falde|reduceres|reducere)\b", re.IGNORECASE)
    start, end = (date.fromisoformat(aftale["periode"][k]) for k in ("start", "slut"))
    for crit in _criteria(aftale):
        rising = crit["maal"]["retning"] in ("stigning", "mindst")
        assert bool(up.search(crit["tekst"])) is rising, crit["id"]
        assert bool(down.search(crit["tekst"])) is not rising, crit["id"]
        assert all(start <= date.fromisoformat(k["dato"]) <= end for k in crit["maal"]["kontrolpunkter"])


# --- marked as an example everywhere ---------------------------------------------------------------------


def test_every_json_file_says_the_dossier_is_invented():
    files = _json_files()
    assert len(files) == 12
    for path in files:
        doc = load(path)
        assert doc["metadata"]["oprindelse"] == "eksempel", path.name
        assert "opdigtet til demonstration" in doc["metadata"]["bemaerkning"], path.name
        assert "(eksempel)" in doc["titel"], path.name
        assert doc["helhedsplan"] == "den boligsociale helhedsplan i Eksempelby (eksempel)", path.name


# --- the annexes read back with the agreement's figures --------------------------------------------------


def _row(wb, label: str) -> list:
    cell = wb.find_label(label)
    assert cell is not None, label
    return [c.value for c in wb.sheet(cell.sheet).row_right_of(cell)]


def test_the_budget_reads_back_with_the_exact_figures(aftale):
    wb = open_workbook(EKSEMPELBY / "budget.xlsx")
    assert wb.sheet_names == ["Finansiering"]
    assert wb.uncalculated_cells() == []
    assert wb.find_label(BANNER) is not None
    assert _row(wb, "Helhedsplan") == [aftale["helhedsplan"]]
    assert _row(wb, "Periode") == [date(2022, 9, 1), date(2026, 8, 31)]
    assert _row(wb, "Fra") == [first for first, _last in PROJECT_YEARS]
    assert _row(wb, "Til") == [last for _first, last in PROJECT_YEARS]
    assert _row(wb, "Landsbyggefonden") == [3_000_000] * 4 + [12_000_000]
    assert _row(wb, "Lokal medfinansiering") == [1_200_000] * 4 + [4_800_000]
    assert _row(wb, "Samlet finansiering") == [4_200_000] * 4 + [16_800_000]
    assert _row(wb, "Samlede udgifter") == [4_200_000] * 4 + [16_800_000]
    for nummer, navn in INDSATSOMRAADER.items():
        values = _row(wb, f"{nummer} {navn}")
        assert sum(values[:4]) == values[4]
    names = {p["id"]: p["navn"] for p in aftale["parter"]}
    for share in aftale["ressourcer"]["finansiering"]["lokal_fordeling"]:
        assert _row(wb, names[share["part"]]) == [share["beloeb"] // 4] * 4 + [share["beloeb"]]
    assert _row(wb, "Lokal medfinansiering i alt") == [1_200_000] * 4 + [4_800_000]


def test_the_aktivitetsskema_reads_back_with_every_activity_of_the_delaftaler(aftale):
    wb = open_workbook(EKSEMPELBY / "aktivitetsskema.xlsx")
    assert wb.find_label(BANNER) is not None
    table = wb.sheet("Aktiviteter").table(["Indsatsområde", "Aktivitet", "Id", "Start", "Slut"])
    got = [
        tuple(row[h].value for h in ("Indsatsområde", "Aktivitet", "Id", "Start", "Slut"))
        for row in table.rows
    ]
    want = []
    for area in aftale["indsatsomraader"]["omraader"]:
        for act in load(EKSEMPELBY / area["delaftale"])["aktiviteter"]:
            want.append(
                (
                    area["nummer"],
                    act["navn"],
                    act["id"],
                    date.fromisoformat(act["periode"]["start"]),
                    date.fromisoformat(act["periode"]["slut"]),
                )
            )
    assert got == want
    assert len(got) == 12


def test_the_central_measurements_agree_with_the_agreement_and_say_eksempel_on_every_page(aftale):
    pages = read_pdf(EKSEMPELBY / "centrale-maalinger.pdf")
    assert all(any("EKSEMPEL" in line for line in page.lines) for page in pages)

    def figure(label: str) -> Decimal:
        found = find_figure(pages, label)
        assert found is not None, label
        return parse_danish_number(found[0])

    assert figure("Antal beboere") == aftale["beskrivelse"]["beboere"] == 4350
    assert figure("Antal lejemål") == aftale["beskrivelse"]["lejemaal"] == 2070
    for area in aftale["omraader"]:
        assert figure(f"Beboere, {area['navn']}") == area["beboere"]
        assert figure(f"Lejemål, {area['navn']}") == area["lejemaal"]
    crits = {c["id"]: c for c in _criteria(aftale)}
    fraflytning = crits["5.4-fraflytning"]["baseline"]
    for name, value in fraflytning["per_omraade"].items():
        assert figure(f"Fraflytningsprocent {fraflytning['tidspunkt']}, {name}") == Decimal(str(value))
    assert figure("Andel 18-64-årige i beskæftigelse eller uddannelse") == Decimal("48.5")
    assert crits["5.2-beskaeftigelse"]["baseline"]["vaerdi"] == 48.5
    assert (
        figure("Andel 18-29-årige uden job eller uddannelse")
        == crits["5.2-unge-uden-job"]["baseline"]["vaerdi"]
    )
    assert figure("Andel 3-5-årige i dagtilbud") == crits["5.1-dagtilbud"]["baseline"]["vaerdi"]


def test_the_organisationsdiagram_is_drawn_from_every_body_and_says_eksempel(aftale):
    svg = (EKSEMPELBY / "organisationsdiagram.svg").read_text(encoding="utf-8")
    assert "EKSEMPEL" in svg
    assert aftale["sekretariat"]["navn"].split()[0] in svg
    for body in aftale["organisering"]["organer"]:
        assert body["navn"].split()[0] in svg
        if body.get("indsatsomraade"):
            assert f"indsatsområde {body['indsatsomraade']}" in svg


def test_the_central_measurements_are_compared_with_the_baselines_own_year(tmp_path):
    """Not only Viborg's 2015: the labels are built from the fraflytning baseline's year (here 2021)."""
    from checker.check import check_dossier

    target = tmp_path / "eksempelby"
    shutil.copytree(EKSEMPELBY, target)
    aftale = json.loads((target / "samarbejdsaftale.json").read_text(encoding="utf-8"))
    for area in aftale["indsatsomraader"]["omraader"]:
        for crit in area["succeskriterier"]:
            if crit["id"] == "5.4-fraflytning":
                crit["baseline"]["per_omraade"]["Modelvænget"] = 15.9
    (target / "samarbejdsaftale.json").write_text(json.dumps(aftale, ensure_ascii=False), encoding="utf-8")
    found = [f for f in check_dossier(target).findings if f.code == "figures-central-measurements"]
    assert [(f.file, f.page) for f in found] == [("centrale-maalinger.pdf", 1)]
    assert found[0].message.da == (
        "Bilaget med centrale målinger siger »Fraflytningsprocent 2021, Modelvænget« 15,2 % (side 1), "
        "men aftalen siger 15,9."
    )


def test_the_example_builds_with_eksempel_on_every_page_and_signature_fields_for_the_signers_only(tmp_path):
    """The whole build, PDF/A by LibreOffice included: every page of every document says it is invented,
    the front page names the plan and its period, and only the three signing parties get a field."""
    import pdfplumber

    from checker.assemble.build import build
    from checker.sign.requirement import decode, raw_from_root

    result = build(EKSEMPELBY, tmp_path / "out")
    names = sorted(p.name for p in result.documents)
    assert "samarbejdsaftale.pdf" in names and "delaftale-5.4-sammenhaengskraft-og-medborgerskab.pdf" in names
    pdfs = [p for p in result.documents if p.suffix == ".pdf" and p.stem != "organisationsdiagram"]
    assert len(pdfs) == 12
    for pdf in pdfs:
        with pdfplumber.open(pdf) as doc:
            for number, page in enumerate(doc.pages, 1):
                assert "EKSEMPEL – opdigtede oplysninger" in (page.extract_text() or ""), (pdf.name, number)
    with pdfplumber.open(tmp_path / "out" / "samarbejdsaftale.pdf") as doc:
        front = doc.pages[0].extract_text()
        text = "\n".join(p.extract_text() or "" for p in doc.pages)
    assert "1. september 2022 – 31. august 2026" in front
    assert "Eksempelby Politi" in text and "Boligforeningen Eksempelhjem" in text
    from pyhanko.pdf_utils.reader import PdfFileReader

    with (tmp_path / "out" / "samarbejdsaftale.pdf").open("rb") as fh:
        requirement = decode(raw_from_root(PdfFileReader(fh).root))
    assert [p["part"] for p in requirement["parter"]] == [
        "Eksempelby Kommune",
        "Boligforeningen Eksempelhjem",
        "Andelsboligselskabet Eksempelbo",
    ]
