"""Every rule: a copy of the Viborg dossier is broken in one way, and the check reports exactly the
expected code at the expected place (JSON pointer and line, workbook cell, or PDF page)."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from checker.check import check_dossier
from checker.findings import Severity
from tests.conftest import VIBORG, column_of, dump, load

A = "samarbejdsaftale.json"


def baseline_keys() -> set:
    return {_key(f) for f in check_dossier(VIBORG).findings}


def _key(f):
    return (f.code, f.file, f.pointer, f.cell, f.page)


@pytest.fixture(scope="module")
def base() -> set:
    return baseline_keys()


def new_findings(dossier: Path, base: set, **kw):
    result = check_dossier(dossier, **kw)
    return [f for f in result.findings if _key(f) not in base]


def edit(dossier: Path, rel: str, change) -> None:
    data = load(dossier / rel)
    change(data)
    dump(dossier / rel, data)


def edit_workbook(path: Path, change, keep_formulas: bool = False) -> None:
    """Change a workbook the way a user would in a spreadsheet. Without keep_formulas the cached values
    are kept as plain numbers (openpyxl cannot calculate), so the result is a fully calculated workbook."""
    wb = openpyxl.load_workbook(path, data_only=not keep_formulas)
    change(wb)
    wb.save(path)


def line_of(path: Path, pointer_value: str) -> int:
    return column_of(path, pointer_value)[0]


# --- annexes ---------------------------------------------------------------------------------------------


def test_annex_missing_when_no_file_is_listed(viborg, base):
    edit(viborg, A, lambda d: d["aftaledokumenter"]["bilag"][4].update(filer=[]))
    found = new_findings(viborg, base)
    assert [(f.code, f.file, f.pointer) for f in found] == [
        ("annex-missing", A, "/aftaledokumenter/bilag/4/filer")
    ]
    assert found[0].message.da == "Bilaget »Budget« er ikke vedlagt: ingen fil er angivet."
    assert found[0].line == line_of(viborg / A, '"filer": []')


def test_annex_missing_when_not_in_the_list(viborg, base):
    edit(
        viborg,
        A,
        lambda d: d["aftaledokumenter"].update(
            bilag=[b for b in d["aftaledokumenter"]["bilag"] if b["type"] != "beredskabsplan"]
        ),
    )
    found = new_findings(viborg, base)
    assert [(f.code, f.pointer) for f in found] == [("annex-missing", "/aftaledokumenter/bilag")]
    assert "Beredskabsplan" in found[0].message.da


def test_annex_file_missing(viborg, base):
    (viborg / "centrale-maalinger.pdf").unlink()
    found = new_findings(viborg, base)
    assert [(f.code, f.file, f.pointer) for f in found] == [
        ("annex-file-missing", A, "/aftaledokumenter/bilag/6/filer/0")
    ]


def test_annex_format_not_accepted(viborg, base):
    shutil.move(viborg / "organisationsdiagram.svg", viborg / "organisationsdiagram.docx")
    edit(viborg, A, lambda d: d["aftaledokumenter"]["bilag"][0].update(filer=["organisationsdiagram.docx"]))
    found = new_findings(viborg, base)
    assert [(f.code, f.pointer) for f in found] == [("annex-format", "/aftaledokumenter/bilag/0/filer/0")]
    assert found[0].hint.en == "Accepted formats: pdf, png, svg."


def test_a_text_file_named_xlsx_is_unreadable_not_a_crash(viborg, base):
    (viborg / "budget.xlsx").write_text("Landsbyggefonden;14600000\n", encoding="utf-8")
    found = new_findings(viborg, base)
    assert [(f.code, f.file) for f in found] == [("annex-unreadable", "budget.xlsx")]


def test_an_svg_with_an_entity_attack_is_unreadable(viborg, base):
    (viborg / "organisationsdiagram.svg").write_text(
        '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><svg xmlns="http://www.w3.org/2000/svg">&b;</svg>',
        encoding="utf-8",
    )
    found = new_findings(viborg, base)
    assert [(f.code, f.file) for f in found] == [("annex-unreadable", "organisationsdiagram.svg")]
    assert "entiteter" in found[0].message.da


def test_annex_symlinked_out_of_the_dossier(viborg, base, tmp_path):
    outside = tmp_path / "andet-budget.xlsx"
    shutil.copy(viborg / "budget.xlsx", outside)
    (viborg / "budget.xlsx").unlink()
    (viborg / "budget.xlsx").symlink_to(outside)
    found = new_findings(viborg, base)
    assert [(f.code, f.pointer) for f in found] == [
        ("annex-outside-dossier", "/aftaledokumenter/bilag/4/filer/0")
    ]


def test_delaftale_missing_for_a_chosen_area(viborg, base):
    (viborg / "delaftaler" / "5.4-forebyggelse-og-foraeldreansvar.json").unlink()
    found = new_findings(viborg, base)
    assert sorted((f.code, f.pointer) for f in found) == [
        ("annex-file-missing", "/aftaledokumenter/bilag/1/filer/2"),
        ("delaftale-missing", "/indsatsomraader/omraader/2/delaftale"),
    ]


def test_delaftale_for_an_area_not_chosen(viborg, base):
    data = load(viborg / "delaftaler" / "5.1-tryghed-og-trivsel.json")
    data["indsatsomraade"] = {"nummer": "5.2", "navn": "Kriminalpræventiv indsats"}
    dump(viborg / "delaftaler" / "5.2-kriminalpraeventiv-indsats.json", data)
    found = new_findings(viborg, base)
    assert [(f.code, f.file, f.pointer) for f in found] == [
        (
            "delaftale-unchosen-area",
            "delaftaler/5.2-kriminalpraeventiv-indsats.json",
            "/indsatsomraade/nummer",
        )
    ]


# --- finance ---------------------------------------------------------------------------------------------


def test_lbf_plus_local_must_equal_total(viborg, base):
    edit(viborg, A, lambda d: d["ressourcer"]["finansiering"].update(samlet=27_102_001))
    found = new_findings(viborg, base)
    assert sorted((f.code, f.file, f.pointer, f.cell) for f in found) == [
        ("budget-agrees", "budget.xlsx", None, "Finansiering!F13"),
        ("finance-total", A, "/ressourcer/finansiering/samlet", None),
    ]
    total = next(f for f in found if f.code == "finance-total")
    assert (
        total.message.da
        == "Landsbyggefonden (14.600.000 kr.) + lokal medfinansiering (12.502.000 kr.) = 27.102.000 kr., men samlet budget er 27.102.001 kr."
    )
    assert total.line == line_of(viborg / A, '"samlet": 27102001')


def _ruleset(tmp_path: Path, **changes) -> Path:
    folder = tmp_path / "regelsaet"
    folder.mkdir(exist_ok=True)
    data = json.loads(
        (Path(__file__).parent.parent / "checker" / "rulesets" / "lbf-2015-2018.json").read_text(
            encoding="utf-8"
        )
    )
    data.update(changes)
    (folder / f"{data['id']}.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return folder


def test_local_share_below_the_rule_sets_minimum(viborg, base, tmp_path):
    data = json.loads(
        (Path(__file__).parent.parent / "checker" / "rulesets" / "lbf-2015-2018.json").read_text()
    )
    krav = [dict(k, min_procent=50) if k["id"] == "lokal-medfinansiering" else k for k in data["krav"]]
    folder = _ruleset(tmp_path, id="fond-2030", navn="En anden fond", krav=krav)
    edit(viborg, A, lambda d: d.update(regelsaet="fond-2030"))
    found = new_findings(viborg, base, ruleset_dir=folder)
    assert [(f.code, f.pointer) for f in found] == [
        ("finance-local-share", "/ressourcer/finansiering/lokal_medfinansiering")
    ]
    assert (
        found[0].message.da
        == "Den lokale medfinansiering er 46,1 % af det samlede budget; regelsættet fond-2030 kræver mindst 50 %."
    )
    assert found[0].hint.da == "Øg den lokale medfinansiering til mindst 13.551.000 kr."


def test_budget_must_agree_with_the_agreement_to_the_krone(viborg, base):
    def change(wb):
        ws = wb["Finansiering"]
        ws["E11"] = ws["E11"].value + 1
        ws["F11"] = ws["F11"].value + 1
        ws["E13"] = ws["E13"].value + 1
        ws["F13"] = ws["F13"].value + 1

    edit_workbook(viborg / "budget.xlsx", change)
    found = new_findings(viborg, base)
    assert sorted((f.code, f.cell) for f in found) == [
        ("budget-agrees", "Finansiering!F11"),
        ("budget-agrees", "Finansiering!F13"),
        ("budget-expenditure-total", "Finansiering!E20"),  # financing grew, expenditure did not
        ("budget-expenditure-total", "Finansiering!F20"),
    ]
    lbf = next(f for f in found if f.cell == "Finansiering!F11")
    assert (
        lbf.message.da
        == "Budgettets »Landsbyggefonden« i alt er 14.600.001 kr., men samarbejdsaftalen siger 14.600.000 kr."
    )


def test_budget_years_must_sum_to_the_total(viborg, base):
    edit_workbook(viborg / "budget.xlsx", lambda wb: wb["Finansiering"].__setitem__("C12", 3_125_000))
    found = new_findings(viborg, base)
    assert [(f.code, f.cell) for f in found] == [("budget-year-sum", "Finansiering!F12")]
    assert "projektårene summer til 12.501.500 kr." in found[0].message.da


def test_a_wrong_total_typed_as_danish_text_is_read_not_skipped(viborg, base):
    """ "99.600.000,00" typed as text in the Landsbyggefonden total: read as an amount (a warning names
    the cell) and compared, so the wrong figure is an error, never "ingen fejl"."""
    edit_workbook(viborg / "budget.xlsx", lambda wb: wb["Finansiering"].__setitem__("F11", "99.600.000,00"))
    found = new_findings(viborg, base)
    assert sorted((f.code, f.severity.value, f.cell) for f in found) == [
        ("budget-agrees", "error", "Finansiering!F11"),
        ("budget-text-amount", "warning", "Finansiering!F11"),
        ("budget-year-sum", "error", "Finansiering!F11"),
    ]
    text = next(f for f in found if f.code == "budget-text-amount")
    assert (
        text.message.da
        == "Finansiering!F11 er skrevet som tekst (»99.600.000,00«); det læses som 99.600.000 kr."
    )


def test_the_right_total_typed_as_text_is_only_a_warning(viborg, base):
    edit_workbook(viborg / "budget.xlsx", lambda wb: wb["Finansiering"].__setitem__("F11", "14.600.000 kr."))
    found = new_findings(viborg, base)
    assert [(f.code, f.cell) for f in found] == [("budget-text-amount", "Finansiering!F11")]


def test_text_that_is_no_amount_in_an_amount_cell_is_an_error(viborg, base):
    edit_workbook(viborg / "budget.xlsx", lambda wb: wb["Finansiering"].__setitem__("C11", "ca. 3,6 mio."))
    found = new_findings(viborg, base)
    assert [(f.code, f.cell) for f in found] == [("budget-not-an-amount", "Finansiering!C11")]
    assert (
        found[0].message.en
        == "Finansiering!C11 in the row 'Landsbyggefonden' holds 'ca. 3,6 mio.', which is not an amount."
    )


def test_expenditure_must_equal_financing(viborg, base):
    def change(wb):
        ws = wb["Finansiering"]
        ws["C16"] = ws["C16"].value + 1000
        ws["F16"] = ws["F16"].value + 1000
        ws["C20"] = ws["C20"].value + 1000
        ws["F20"] = ws["F20"].value + 1000

    edit_workbook(viborg / "budget.xlsx", change)
    found = new_findings(viborg, base)
    assert sorted((f.code, f.cell) for f in found) == [
        ("budget-expenditure-total", "Finansiering!C20"),
        ("budget-expenditure-total", "Finansiering!F20"),
    ]
    assert found[0].message.da.endswith("men »Samlet finansiering« i samme kolonne er 6.775.500 kr.")


def test_budget_years_must_lie_inside_the_period(viborg, base):
    edit_workbook(viborg / "budget.xlsx", lambda wb: wb["Finansiering"].__setitem__("B8", date(2017, 1, 1)))
    found = new_findings(viborg, base)
    assert [(f.code, f.cell) for f in found] == [("budget-year-outside-period", "Finansiering!B8")]


def test_money_only_for_chosen_indsatsomraader(viborg, base):
    edit_workbook(
        viborg / "budget.xlsx",
        lambda wb: wb["Finansiering"].__setitem__("A17", "5.2 Kriminalpræventiv indsats"),
    )
    found = new_findings(viborg, base)
    assert [(f.code, f.cell) for f in found] == [("budget-unchosen-area", "Finansiering!A17")]
    assert found[0].message.da.startswith("Budgettet afsætter 7.380.000 kr. til indsatsområde 5.2")


def test_a_workbook_never_calculated_is_reported_not_misread(viborg, base):
    edit_workbook(viborg / "budget.xlsx", lambda wb: None, keep_formulas=True)  # openpyxl drops cached values
    found = new_findings(viborg, base)
    assert [(f.code, f.file, f.cell) for f in found] == [
        ("budget-not-calculated", "budget.xlsx", "Finansiering!F11")
    ]  # one finding for the workbook, not one per formula (16 of them)
    command = f"aftale recalc {viborg / 'budget.xlsx'}"
    assert found[0].message.da == (
        "Arbejdsbogen budget.xlsx er ikke beregnet (formelceller uden beregnet værdi: 16, den første er "
        f"Finansiering!F11 =SUM(B11:E11)); kør »{command}«."
    )
    assert found[0].message.en.endswith(f"run '{command}'.")


def test_budget_read_by_labels_survives_a_shifted_layout(viborg, base):
    edit_workbook(
        viborg / "budget.xlsx",
        lambda wb: (wb["Finansiering"].insert_rows(1, 3), wb["Finansiering"].insert_cols(1, 2)),
    )
    assert new_findings(viborg, base) == []


def test_budget_without_its_labels(viborg, base):
    edit_workbook(viborg / "budget.xlsx", lambda wb: wb["Finansiering"].__setitem__("A11", "LBF-støtte"))
    found = new_findings(viborg, base)
    assert [(f.code, f.file) for f in found] == [("budget-label-missing", "budget.xlsx")]
    assert found[0].message.da == "Budgettet har ingen celle med »Landsbyggefonden«."


# --- activities ------------------------------------------------------------------------------------------


def test_activity_in_an_area_not_chosen(viborg, base):
    edit_workbook(viborg / "aktivitetsskema.xlsx", lambda wb: wb["Aktiviteter"].__setitem__("A3", "5.2"))
    found = new_findings(viborg, base)
    assert sorted((f.code, f.file, f.cell or f.pointer) for f in found) == [
        ("activity-missing-in-skema", "delaftaler/5.1-tryghed-og-trivsel.json", "/aktiviteter/0"),
        ("activity-unchosen-area", "aktivitetsskema.xlsx", "Aktiviteter!A3"),
    ]


def test_activity_that_does_not_match_its_delaftale_gets_did_you_mean(viborg, base):
    edit_workbook(
        viborg / "aktivitetsskema.xlsx",
        lambda wb: wb["Aktiviteter"].__setitem__("B3", "Beboerinvolvering og frivilige"),
    )
    found = new_findings(viborg, base)
    assert [(f.code, f.cell) for f in found] == [("activity-not-in-delaftale", "Aktiviteter!B3")]
    assert found[0].hint.da == "Mente du »Beboerinvolvering og frivillige«?"


def test_delaftale_activity_missing_in_the_aktivitetsskema(viborg, base):
    edit_workbook(viborg / "aktivitetsskema.xlsx", lambda wb: wb["Aktiviteter"].delete_rows(15))
    found = new_findings(viborg, base)
    assert [(f.code, f.file, f.pointer) for f in found] == [
        ("activity-missing-in-skema", "delaftaler/5.4-forebyggelse-og-foraeldreansvar.json", "/aktiviteter/4")
    ]


def test_chosen_area_without_activities_in_the_aktivitetsskema(viborg, base):
    edit_workbook(viborg / "aktivitetsskema.xlsx", lambda wb: wb["Aktiviteter"].delete_rows(11, 5))
    found = new_findings(viborg, base)
    assert ("activity-none-for-area", A, "/indsatsomraader/omraader/2") in {
        (f.code, f.file, f.pointer) for f in found
    }
    assert {f.code for f in found} == {"activity-none-for-area", "activity-missing-in-skema"}
    assert len([f for f in found if f.code == "activity-missing-in-skema"]) == 5


def test_aktivitetsskema_without_its_table(viborg, base):
    edit_workbook(viborg / "aktivitetsskema.xlsx", lambda wb: wb["Aktiviteter"].__setitem__("B2", "Opgave"))
    found = new_findings(viborg, base)
    assert [(f.code, f.file) for f in found] == [("activity-table-missing", "aktivitetsskema.xlsx")]


# --- indsatsområder and criteria ---------------------------------------------------------------------------


def test_unknown_rule_set(viborg, base):
    edit(viborg, A, lambda d: d.update(regelsaet="lbf-2027-2034"))
    found = new_findings(viborg, base)
    assert [(f.code, f.pointer) for f in found] == [("ruleset-unknown", "/regelsaet")]
    assert found[0].line == line_of(viborg / A, '"regelsaet"')
    # the hint names every place rule sets are looked for
    hint = found[0].hint.da
    assert hint.startswith(
        "Kendte regelsæt: lbf-2015-2018, lbf-2019-2026. Regelsæt søges i de medfølgende i "
    )
    assert "--regelsaet-dir" in hint and "AFTALE_REGELSAET_DIR" in hint


def test_area_not_in_the_rule_set_from_a_rule_set_file(viborg, base, tmp_path):
    folder = _ruleset(
        tmp_path,
        id="to-omraader",
        navn="To områder",
        indsatsomraader=[
            {"nummer": "5.1", "navn": "Tryghed og trivsel", "status": "verificeret"},
            {"nummer": "5.3", "navn": "Uddannelse og beskæftigelse", "status": "verificeret"},
        ],
    )
    edit(viborg, A, lambda d: d.update(regelsaet="to-omraader"))
    found = new_findings(viborg, base, ruleset_dir=folder)
    assert [(f.code, f.pointer) for f in found] == [
        ("area-not-in-ruleset", "/indsatsomraader/omraader/2/nummer")
    ]


def test_area_must_have_the_rule_sets_name(viborg, base):
    edit(viborg, A, lambda d: d["indsatsomraader"]["omraader"][1].update(navn="Uddannelse & beskæftigelse"))
    found = new_findings(viborg, base)
    assert [(f.code, f.pointer) for f in found] == [("area-name", "/indsatsomraader/omraader/1/navn")]
    assert (
        found[0].message.da
        == "Indsatsområde 5.3 hedder »Uddannelse og beskæftigelse« i regelsættet, ikke »Uddannelse & beskæftigelse«."
    )


def test_area_chosen_twice(viborg, base):
    def change(d):
        d["indsatsomraader"]["omraader"].append(dict(d["indsatsomraader"]["omraader"][0], succeskriterier=[]))

    edit(viborg, A, change)
    found = new_findings(viborg, base)
    assert sorted((f.code, f.pointer) for f in found) == [
        ("area-duplicate", "/indsatsomraader/omraader/3/nummer"),
        ("area-no-criteria", "/indsatsomraader/omraader/3/succeskriterier"),
    ]


def test_area_without_success_criteria(viborg, base):
    (viborg / "opfoelgning.json").unlink()  # its entries would follow the criterion (tested below)
    edit(viborg, A, lambda d: d["indsatsomraader"]["omraader"][0].update(succeskriterier=[]))
    found = new_findings(viborg, base)
    assert [(f.code, f.pointer) for f in found if f.severity is Severity.ERROR] == [
        ("area-no-criteria", "/indsatsomraader/omraader/0/succeskriterier")
    ]


def test_criterion_ids_are_unique(viborg, base):
    (viborg / "opfoelgning.json").unlink()  # its entries would follow the criterion (tested below)
    edit(
        viborg,
        A,
        lambda d: d["indsatsomraader"]["omraader"][0]["succeskriterier"][2].update(id="5.1-klagesager"),
    )
    found = new_findings(viborg, base)
    assert [(f.code, f.pointer) for f in found] == [
        ("criterion-duplicate-id", "/indsatsomraader/omraader/0/succeskriterier/2/id")
    ]


def test_target_checkpoint_outside_the_period(viborg, base):
    (viborg / "opfoelgning.json").unlink()  # its entries would follow the criterion (tested below)
    edit(
        viborg,
        A,
        lambda d: d["indsatsomraader"]["omraader"][0]["succeskriterier"][0]["maal"]["kontrolpunkter"][
            3
        ].update(dato="2021-06-30"),
    )
    found = new_findings(viborg, base)
    assert [(f.code, f.pointer) for f in found] == [
        (
            "criterion-checkpoint-outside-period",
            "/indsatsomraader/omraader/0/succeskriterier/0/maal/kontrolpunkter/3/dato",
        )
    ]


def test_per_area_baseline_must_name_exactly_the_areas(viborg, base):
    (viborg / "opfoelgning.json").unlink()  # its entries would follow the criterion (tested below)

    def change(d):
        per = d["indsatsomraader"]["omraader"][0]["succeskriterier"][0]["baseline"]["per_omraade"]
        per["Houlkaervaenget"] = per.pop("Houlkærvænget")

    edit(viborg, A, change)
    found = new_findings(viborg, base)
    base_ptr = "/indsatsomraader/omraader/0/succeskriterier/0/baseline/per_omraade"
    assert sorted((f.code, f.pointer) for f in found) == [
        ("criterion-baseline-areas", base_ptr),
        ("criterion-baseline-areas", base_ptr + "/Houlkaervaenget"),
    ]
    unknown = next(f for f in found if f.pointer.endswith("Houlkaervaenget"))
    assert unknown.hint.da == "Mente du »Houlkærvænget«?"
    assert (unknown.line, unknown.column) == column_of(viborg / A, '"Houlkaervaenget"')


def test_an_unresolved_reading_is_a_warning_and_a_resolved_one_is_not(viborg, base):
    def change(d):
        crits = d["indsatsomraader"]["omraader"][0]["succeskriterier"]
        crits[1]["aabent_spoergsmaal"].update(status="afklaret", afklaring="Bestyrelsen 2017: relativt fald.")
        crits[2]["aabent_spoergsmaal"] = {
            "spoergsmaal": "Trygge og meget trygge hver for sig eller tilsammen?",
            "status": "aaben",
        }

    edit(viborg, A, change)
    result = check_dossier(viborg)
    warnings = [(f.code, f.pointer) for f in result.findings if f.code == "criterion-open-question"]
    assert (
        "criterion-open-question",
        "/indsatsomraader/omraader/0/succeskriterier/2/aabent_spoergsmaal",
    ) in warnings
    assert (
        "criterion-open-question",
        "/indsatsomraader/omraader/0/succeskriterier/1/aabent_spoergsmaal",
    ) not in warnings
    assert result.valid


def test_a_pending_baseline_is_information(base):
    assert (
        "criterion-baseline-pending",
        A,
        "/indsatsomraader/omraader/2/succeskriterier/3/baseline",
        None,
        None,
    ) in base


# --- areas, names and figures ------------------------------------------------------------------------------


def test_area_name_misspelt_in_another_document(viborg, base):
    edit(viborg, "beredskabsplan.json", lambda d: d["omraader"].__setitem__(1, "Houlkaervaenget"))
    found = new_findings(viborg, base)
    assert [(f.code, f.file, f.pointer) for f in found] == [
        ("beredskabsplan-coverage", "beredskabsplan.json", "/omraader"),
        ("name-area-unknown", "beredskabsplan.json", "/omraader/1"),
    ]
    assert found[0].message.da == "Beredskabsplanen dækker ikke området »Houlkærvænget«."
    assert found[1].hint.da == "Mente du »Houlkærvænget«?"


def test_party_name_near_miss_in_a_delaftale(viborg, base):
    rel = "delaftaler/5.3-uddannelse-og-beskaeftigelse.json"
    edit(viborg, rel, lambda d: d["underskrifter"][1].update(part="Boligselskabet Sct. Jørgen"))
    found = new_findings(viborg, base)
    assert [(f.code, f.file, f.pointer) for f in found] == [
        ("name-party-unknown", rel, "/underskrifter/1/part")
    ]
    assert found[0].hint.en == "Did you mean 'Boligselskabet Sct. Jørgen Viborg'?"


def test_helhedsplan_named_differently(viborg, base):
    edit(viborg, "milepaelsplan.json", lambda d: d.update(helhedsplan="Helhedsplanen i Viborg"))
    found = new_findings(viborg, base)
    assert [(f.code, f.severity, f.file, f.pointer) for f in found] == [
        ("name-helhedsplan", Severity.WARNING, "milepaelsplan.json", "/helhedsplan")
    ]


def test_residents_per_area_must_sum_to_the_total(viborg, base):
    def change(d):
        for area, n in zip(d["omraader"], [600, 500, 700, 480, 440, 499], strict=True):
            area["beboere"] = n

    edit(viborg, A, change)
    found = new_findings(viborg, base)
    assert [(f.code, f.pointer) for f in found] == [("figures-area-sum", "/beskrivelse/beboere")]
    assert found[0].message.da == "Områdernes beboere summer til 3219, men aftalen oplyser 3220 i alt."


def test_a_repeated_figure_must_agree(viborg, base):
    def change(d):
        tal = next(t for t in d["beskrivelse"]["noegletal"] if t["id"] == "fraflytning-2015")
        tal["per_omraade"]["Egeparken"] = 26.9

    edit(viborg, A, change)
    found = new_findings(viborg, base)
    assert [f.code for f in found] == ["figures-repeated"]
    assert found[0].pointer.endswith("/per_omraade/Egeparken")


def test_central_measurements_pdf_must_agree_with_the_agreement(viborg, base):
    edit(viborg, A, lambda d: d["beskrivelse"].update(beboere=3221))
    found = new_findings(viborg, base)
    assert [(f.code, f.file, f.page) for f in found] == [
        ("figures-central-measurements", "centrale-maalinger.pdf", 1)
    ]
    assert (
        found[0].message.da
        == "Bilaget med centrale målinger siger »Antal beboere« 3.220 (side 1), men aftalen siger 3221."
    )


def test_central_measurements_fraflytning_per_area(viborg, base):
    def change(d):
        d["indsatsomraader"]["omraader"][0]["succeskriterier"][1]["baseline"]["per_omraade"]["Vestervang"] = (
            14.2
        )
        next(t for t in d["beskrivelse"]["noegletal"] if t["id"] == "fraflytning-2015")["per_omraade"][
            "Vestervang"
        ] = 14.2

    edit(viborg, A, change)
    found = new_findings(viborg, base)
    assert [(f.code, f.page) for f in found] == [("figures-central-measurements", 1)]
    assert "»Fraflytningsprocent 2015, Vestervang« 14,11 %" in found[0].message.da


def test_central_measurements_pdf_without_the_figures(viborg, base):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.cell(0, 10, "Antal lejemål 1.630")
    pdf.output(str(viborg / "centrale-maalinger.pdf"))
    found = new_findings(viborg, base)
    assert [(f.code, f.severity, f.file) for f in found] == [
        ("figures-central-missing", Severity.WARNING, "centrale-maalinger.pdf")
    ]


# --- organisation ------------------------------------------------------------------------------------------


def test_board_missing(viborg, base):
    edit(viborg, A, lambda d: d["organisering"]["organer"][0].update(type="styregruppe"))
    found = new_findings(viborg, base)
    assert [(f.code, f.pointer) for f in found] == [("board-missing", "/organisering/organer")]


def test_board_needs_leadership_from_the_kommune(viborg, base):
    def change(d):
        for m in d["organisering"]["organer"][0]["medlemmer"]:
            if m.get("part") == "viborg-kommune":
                m.pop("ledelsesniveau")

    edit(viborg, A, change)
    found = new_findings(viborg, base)
    assert [(f.code, f.pointer) for f in found] == [("board-leadership", "/organisering/organer/0/medlemmer")]
    assert found[0].message.da == "Bestyrelsen har ingen repræsentant på ledelsesniveau fra kommunen."


def test_each_housing_association_on_the_board_is_a_warning(base):
    assert ("board-party-unrepresented", A, "/organisering/organer/0/medlemmer", None, None) in base


def test_body_needs_a_kommissorium_or_a_reason(viborg, base):
    edit(
        viborg,
        A,
        lambda d: d["organisering"]["organer"][2].update(
            kommissorium={
                "kildetekst": "I samarbejde med beboerpanelet udarbejdes kommissorium på det 1. møde."
            }
        ),
    )
    found = new_findings(viborg, base)
    assert [(f.code, f.pointer) for f in found] == [
        ("body-kommissorium", "/organisering/organer/2/kommissorium")
    ]


def test_a_reason_instead_of_a_kommissorium_is_accepted(viborg, base):
    edit(
        viborg,
        A,
        lambda d: d["organisering"]["organer"][2].update(
            kommissorium={"begrundelse": "Skrives på panelets 1. møde."}
        ),
    )
    assert new_findings(viborg, base) == []


def test_meeting_frequency_must_agree_with_the_kommissorium(viborg, base):
    edit(viborg, "kommissorier/bestyrelse.json", lambda d: d["moedefrekvens"].update(max_pr_aar=6))
    found = new_findings(viborg, base)
    assert [(f.code, f.file, f.pointer) for f in found] == [
        ("body-frequency", "kommissorier/bestyrelse.json", "/moedefrekvens")
    ]
    assert (
        found[0].message.da
        == "Bestyrelsen mødes 2-4 gange årligt ifølge aftalen, men 2-6 gange ifølge kommissoriet."
    )


def test_kommissorium_for_an_unknown_body(viborg, base):
    edit(viborg, "kommissorier/beboerpanel.json", lambda d: d.update(organ="beboerraad"))
    found = new_findings(viborg, base)
    assert sorted((f.code, f.file, f.pointer) for f in found) == [
        ("body-kommissorium", A, "/organisering/organer/2/kommissorium/fil"),
        ("kommissorium-unknown-body", "kommissorier/beboerpanel.json", "/organ"),
    ]


def test_evaluation_by_an_unknown_body(viborg, base):
    edit(
        viborg,
        A,
        lambda d: d["lokal_evaluering"]["evalueringer"][0].update(organ="projektkoordineringgruppe"),
    )
    found = new_findings(viborg, base)
    assert [(f.code, f.pointer) for f in found] == [
        ("evaluation-unknown-body", "/lokal_evaluering/evalueringer/0/organ")
    ]
    assert found[0].hint.da == "Mente du »projektkoordineringsgruppe«?"


# --- period and milestones ---------------------------------------------------------------------------------


def test_period_must_start_before_it_ends(viborg, base):
    edit(viborg, A, lambda d: d["periode"].update(slut="2017-03-31"))
    found = new_findings(viborg, base)
    assert ("period-order", A, "/periode/slut") in {(f.code, f.file, f.pointer) for f in found}


def test_period_must_have_the_rule_sets_length(viborg, base):
    edit(viborg, A, lambda d: d["periode"].update(slut="2021-12-31"))
    found = new_findings(viborg, base, as_of=date(2021, 3, 31))
    assert sorted((f.code, f.file, f.pointer) for f in found) == [
        ("milestone-year-empty", "milepaelsplan.json", "/projektaar"),
        ("period-length", A, "/periode/slut"),
        ("project-years", "milepaelsplan.json", "/projektaar/3/periode/slut"),
    ]
    assert next(f for f in found if f.code == "period-length").message.da == (
        "Perioden 2017-04-01–2021-12-31 er længere end de højst 4 år, regelsættet lbf-2015-2018 tillader; "
        "den skulle slutte senest 2021-03-31."
    )
    assert next(f for f in found if f.code == "project-years").message.en == (
        "The last project year ends 2021-03-31, but the period ends 2021-12-31."
    )


def test_a_three_year_period_is_within_the_rule_set(viborg, base):
    """Real plans of three years exist: at most four years is not exactly four."""
    edit(viborg, A, lambda d: d["periode"].update(slut="2020-03-31"))
    codes = {f.code for f in new_findings(viborg, base, as_of=date(2020, 3, 31))}
    assert "period-length" not in codes


def test_a_period_shorter_than_the_rule_sets_minimum(viborg, base, tmp_path):
    data = json.loads(
        (Path(__file__).parent.parent / "checker" / "rulesets" / "lbf-2015-2018.json").read_text()
    )
    krav = [dict(k, min_aar=4) if k["id"] == "periode" else k for k in data["krav"]]
    folder = _ruleset(tmp_path, id="fire-aar", navn="Præcis fire år", krav=krav)
    edit(viborg, A, lambda d: (d.update(regelsaet="fire-aar"), d["periode"].update(slut="2020-03-31")))
    found = [
        f
        for f in new_findings(viborg, base, ruleset_dir=folder, as_of=date(2020, 3, 31))
        if f.code == "period-length"
    ]
    assert [(f.file, f.pointer) for f in found] == [(A, "/periode/slut")]
    assert found[0].message.en == (
        "The period 2017-04-01–2020-03-31 is shorter than the at least 4 years the rule set fire-aar allows; "
        "it would end at the earliest 2021-03-31."
    )


def test_milestone_outside_the_period(viborg, base):
    edit(
        viborg, "milepaelsplan.json", lambda d: d["projektaar"][3]["milepaele"][-1].update(dato="2021-06-30")
    )
    found = new_findings(viborg, base)
    assert [(f.code, f.file, f.pointer) for f in found] == [
        ("milestone-outside-period", "milepaelsplan.json", "/projektaar/3/milepaele/9/dato")
    ]


def test_each_project_year_needs_milestones(viborg, base):
    edit(
        viborg,
        "milepaelsplan.json",
        lambda d: [m.update(dato="2019-05-01") for m in d["projektaar"][1]["milepaele"]],
    )
    found = new_findings(viborg, base)
    assert [(f.code, f.pointer) for f in found] == [("milestone-year-empty", "/projektaar")]
    assert found[0].message.da == "Projektår 2 (2018-04-01–2019-03-31) har ingen milepæle."


def test_delaftale_not_updated_within_12_months_of_the_as_of_date(viborg, base):
    rel = "delaftaler/5.1-tryghed-og-trivsel.json"
    edit(
        viborg,
        rel,
        lambda d: (d["metadata"].update(opdateret="2019-01-15"), d["version"].update(dato="2019-01-15")),
    )
    found = new_findings(viborg, base)
    assert [(f.code, f.severity, f.file, f.pointer) for f in found] == [
        ("delaftale-stale", Severity.WARNING, rel, "/metadata/opdateret")
    ]
    assert (
        found[0].message.da == "Delaftalen er sidst ajourført 2019-01-15, mere end 12 måneder før 2021-03-31."
    )
    assert new_findings(viborg, base, as_of=date(2019, 12, 1)) == []


def test_as_of_defaults_to_the_period_end_once_the_period_is_over():
    from checker.check import default_as_of

    assert default_as_of(date(2021, 3, 31), today=date(2026, 11, 26)) == date(2021, 3, 31)
    assert default_as_of(date(2030, 12, 31), today=date(2026, 11, 26)) == date(2026, 11, 26)


# --- signatures and revision -------------------------------------------------------------------------------


def test_every_party_needs_a_signature_block(viborg, base):
    edit(viborg, A, lambda d: d["underskrifter"].pop(2))
    found = new_findings(viborg, base)
    assert [(f.code, f.pointer) for f in found] == [("signature-block-missing", "/underskrifter")]
    assert found[0].message.da == "Parten »Bjerringbro Andelsboligforening« har ingen underskriftsblok."


def test_a_revision_names_what_it_amends_and_its_lbf_status(viborg, base):
    edit(
        viborg,
        A,
        lambda d: (
            d["version"].update(nummer="2"),
            d["historik"].append({"nummer": "2", "resume": "Revision."}),
        ),
    )
    found = new_findings(viborg, base)
    assert [(f.code, f.message.en) for f in found] == [
        ("revision-incomplete", "Version 2 is a revision, but 'aendrer' is missing."),
        ("revision-incomplete", "Version 2 is a revision, but 'lbf_status' is missing."),
    ]
    edit(viborg, A, lambda d: d["version"].update(aendrer="1", lbf_status="indsendt"))
    assert new_findings(viborg, base) == []


def test_the_history_must_end_with_the_current_version(viborg, base):
    edit(viborg, A, lambda d: d["version"].update(nummer="2", aendrer="1", lbf_status="indsendt"))
    found = new_findings(viborg, base)
    assert [(f.code, f.pointer) for f in found] == [("revision-history", "/historik/0/nummer")]
    edit(
        viborg,
        A,
        lambda d: d["historik"].append(
            {
                "nummer": "2",
                "dato": "2019-06-01",
                "resume": "Nyt mål for fraflytning.",
                "aendrer": "1",
                "lbf_status": "indsendt",
            }
        ),
    )
    assert new_findings(viborg, base) == []


# --- follow-up register ------------------------------------------------------------------------------------

R = "opfoelgning.json"


def test_a_measurement_for_an_unknown_area_is_reported_with_did_you_mean(viborg, base):
    edit(viborg, R, lambda d: d["maalinger"][1].update(noegle="Houlkaervaenget"))
    found = new_findings(viborg, base)
    assert [(f.code, f.file, f.pointer) for f in found] == [("followup-unknown-target", R, "/maalinger/1")]
    assert found[0].hint.da == "Mente du »Houlkærvænget«?"


def test_a_measurement_for_an_unknown_criterion_or_checkpoint(viborg, base):
    edit(
        viborg,
        R,
        lambda d: (
            d["maalinger"][0].update(kriterium="5.1-klagesag"),
            d["maalinger"][2].update(kontrolpunkt="2018-06-30"),
        ),
    )
    found = new_findings(viborg, base)
    assert [(f.code, f.pointer) for f in found] == [
        ("followup-unknown-target", "/maalinger/0/kriterium"),
        ("followup-unknown-target", "/maalinger/2/kontrolpunkt"),
    ]
    assert found[0].hint.da == "Mente du »5.1-klagesager«?"


def test_a_measurement_dated_outside_the_period(viborg, base):
    edit(viborg, R, lambda d: d["maalinger"][0].update(dato="2016-12-31"))
    found = new_findings(viborg, base)
    assert [(f.code, f.pointer) for f in found] == [("followup-date-outside-period", "/maalinger/0/dato")]


def test_an_evaluation_the_agreement_does_not_promise(viborg, base):
    edit(viborg, R, lambda d: d["evalueringer"][0].update(evaluering="pkg-evalueringer"))
    found = new_findings(viborg, base)
    assert [(f.code, f.pointer) for f in found] == [
        ("followup-unknown-evaluation", "/evalueringer/0/evaluering")
    ]
    assert found[0].hint.da == "Mente du »pkg-evaluering«?"


def test_rules_do_not_run_on_an_agreement_with_schema_errors(viborg):
    edit(viborg, A, lambda d: d.pop("periode"))
    result = check_dossier(viborg)
    assert [f.code for f in result.findings] == ["schema-required", "rules-skipped"]


# --- consistency across the dossier (schema version 2) -------------------------------------------------------


def test_a_placeholder_left_in_any_file_is_an_error(viborg, base):
    rel = "delaftaler/5.1-tryghed-og-trivsel.json"
    edit(viborg, rel, lambda d: d["aktiviteter"][0].update(ansvarlig="UDFYLD: den ansvarlige"))
    found = new_findings(viborg, base)
    assert [(f.code, f.severity, f.file, f.pointer) for f in found] == [
        ("placeholder-left", Severity.ERROR, rel, "/aktiviteter/0/ansvarlig")
    ]
    assert found[0].message.da == "Pladsholderen »UDFYLD: den ansvarlige« er ikke udfyldt."


def test_a_kommissorium_member_not_on_the_body(viborg, base):
    rel = "kommissorier/bestyrelse.json"
    edit(viborg, rel, lambda d: d["medlemmer"][3].update(rolle="direktøren"))
    found = new_findings(viborg, base)
    assert [(f.code, f.file, f.pointer) for f in found] == [
        ("kommissorium-members", rel, "/medlemmer/3"),
        ("kommissorium-members", A, "/organisering/organer/0/medlemmer/3"),
    ]
    assert found[0].message.da == (
        "Medlemmet »direktøren, Boligselskabet Viborg« er ikke medlem af bestyrelsen i samarbejdsaftalen."
    )
    assert found[0].hint.da == "Mente du »direktør, Boligselskabet Viborg«?"
    assert found[1].message.en == (
        "The member 'direktør, Boligselskabet Viborg' is missing from the kommissorium kommissorier/bestyrelse.json."
    )


def test_a_body_tied_to_an_unchosen_area(viborg, base):
    edit(
        viborg,
        A,
        lambda d: d["organisering"]["organer"][1].update(indsatsomraade="5.2", omraade="Vestervænget"),
    )
    found = new_findings(viborg, base)
    assert [(f.code, f.pointer) for f in found] == [
        ("body-tie-unknown", "/organisering/organer/1/indsatsomraade"),
        ("body-tie-unknown", "/organisering/organer/1/omraade"),
    ]
    assert found[0].message.da == (
        "Organet »Projektkoordineringsgruppen« hører til indsatsområdet »5.2«, som aftalen ikke har."
    )
    assert found[0].hint.da == "Valgte indsatsområder: 5.1, 5.3, 5.4."
    assert found[1].hint.da == "Mente du »Vestervang«?"


def test_a_relation_to_an_unknown_body(viborg, base):
    edit(
        viborg,
        A,
        lambda d: d["organisering"]["organer"][1].update(
            relationer=[
                {"type": "refererer_til", "organ": "bestyrelse"},
                {"type": "faciliteres_af", "organ": "sekretariatet"},
            ]
        ),
    )
    found = new_findings(viborg, base)
    assert [(f.code, f.pointer) for f in found] == [
        ("body-relation-unknown", "/organisering/organer/1/relationer/1/organ")
    ]
    assert found[0].hint.da == "Mente du »sekretariat«?"


def test_a_delaftale_and_an_activity_outside_the_period(viborg, base):
    rel = "delaftaler/5.3-uddannelse-og-beskaeftigelse.json"

    def change(d):
        d["periode"]["slut"] = "2021-06-30"
        d["aktiviteter"][0]["periode"] = {"start": "2016-08-01", "slut": "2017-07-31"}

    edit(viborg, rel, change)
    found = [f for f in new_findings(viborg, base) if f.code == "date-outside-period"]
    assert [(f.file, f.pointer) for f in found] == [(rel, "/periode"), (rel, "/aktiviteter/0/periode")]
    assert found[0].message.da == (
        "Delaftalens periode 2017-04-01–2021-06-30 ligger ikke inden for aftalens periode 2017-04-01–2021-03-31."
    )


def test_an_aktivitetsskema_row_ending_after_the_period(viborg, base):
    from datetime import datetime

    edit_workbook(
        viborg / "aktivitetsskema.xlsx",
        lambda wb: wb["Aktiviteter"].__setitem__("H4", datetime(2021, 12, 31)),
    )
    found = [f for f in new_findings(viborg, base) if f.code == "date-outside-period"]
    assert [(f.file, f.cell) for f in found] == [("aktivitetsskema.xlsx", "Aktiviteter!H4")]
    assert found[0].message.da == (
        "Aktiviteten »Naboskab og velkomst« i aktivitetsskemaet 2017-04-03–2021-12-31 ligger ikke inden for "
        "aftalens periode 2017-04-01–2021-03-31."
    )


def test_project_years_with_a_gap_and_an_overlap(viborg, base):
    def change(d):
        d["projektaar"][1]["periode"]["start"] = "2018-04-15"
        d["projektaar"][2]["periode"]["start"] = "2019-03-01"

    edit(viborg, "milepaelsplan.json", change)
    found = [f for f in new_findings(viborg, base) if f.code == "project-years"]
    assert [f.pointer for f in found] == ["/projektaar/1/periode", "/projektaar/2/periode"]
    assert found[0].message.da == "Der er et hul på 14 dage før projektår 2 (2018-04-01–2018-04-14)."
    assert found[1].message.da == "Projektår 3 begynder 2019-03-01 og overlapper det foregående med 31 dage."


def test_a_criterion_that_says_rise_while_its_target_falls(viborg, base):
    def change(d):
        crit = d["indsatsomraader"]["omraader"][0]["succeskriterier"][0]
        crit["tekst"] = "Antallet af klagesager skal stige."

    edit(viborg, A, change)
    found = new_findings(viborg, base)
    assert [(f.code, f.pointer) for f in found] == [
        ("criterion-wording-direction", "/indsatsomraader/omraader/0/succeskriterier/0/maal/retning")
    ]
    assert found[0].message.da.endswith("siger »stige«, men målet er et fald.")


def test_a_financing_split_that_does_not_add_up(viborg, base):
    edit(
        viborg,
        A,
        lambda d: d["ressourcer"]["finansiering"].update(
            lokal_fordeling=[
                {"part": "viborg-kommune", "beloeb": 6000000},
                {"part": "boligselskabet-viborg", "beloeb": 6500000},
            ]
        ),
    )
    found = new_findings(viborg, base)
    assert [(f.code, f.pointer) for f in found] == [
        ("finance-split-sum", "/ressourcer/finansiering/lokal_fordeling")
    ]
    assert found[0].message.da == (
        "Bidragene til den lokale medfinansiering summer til 12.500.000 kr., men den lokale medfinansiering er 12.502.000 kr."
    )


def test_a_reference_to_an_unknown_party_id(viborg, base):
    edit(
        viborg,
        A,
        lambda d: d["omraader"][5]["afdelinger"][0].update(boligorganisation="boligselskabet-viborgg"),
    )
    found = new_findings(viborg, base)
    assert [(f.code, f.pointer) for f in found] == [
        ("party-id-unknown", "/omraader/5/afdelinger/0/boligorganisation")
    ]
    assert found[0].hint.da.startswith("Mente du »boligselskabet-viborg«?")


def test_two_parties_with_one_id(viborg, base):
    edit(viborg, A, lambda d: d["parter"][1].update(id="boligselskabet-viborg"))
    found = [f for f in new_findings(viborg, base) if f.code == "party-id-duplicate"]
    assert [f.pointer for f in found] == ["/parter/1/id"]
    assert found[0].message.da == (
        "Id'et »boligselskabet-viborg« bruges af flere parter (Boligselskabet Viborg, Boligselskabet Sct. Jørgen Viborg)."
    )


def test_the_police_on_the_board_neither_sign_nor_count_as_a_party(viborg, base):
    """A 2019-26 board may include the police: an actor that does not sign needs no signature block."""

    def change(d):
        d["parter"].append(
            {"id": "politi", "navn": "Midt- og Vestjyllands Politi", "type": "politi", "underskriver": False}
        )
        d["organisering"]["organer"][0]["medlemmer"].append({"rolle": "politiinspektør", "part": "politi"})

    edit(viborg, A, change)
    edit(
        viborg,
        "kommissorier/bestyrelse.json",
        lambda d: d["medlemmer"].append({"rolle": "politiinspektør", "part": "politi"}),
    )
    assert new_findings(viborg, base) == []


def test_a_period_that_ends_before_it_starts(viborg, base):
    rel = "delaftaler/5.4-forebyggelse-og-foraeldreansvar.json"
    edit(
        viborg,
        rel,
        lambda d: d["aktiviteter"][1].update(periode={"start": "2020-01-01", "slut": "2018-01-01"}),
    )
    found = new_findings(viborg, base)
    assert [(f.code, f.file, f.pointer) for f in found] == [("date-order", rel, "/aktiviteter/1/periode")]
    assert found[0].message.en.endswith("starts 2020-01-01 but ends 2018-01-01.")


def test_project_years_numbered_out_of_order(viborg, base):
    edit(viborg, "milepaelsplan.json", lambda d: d["projektaar"][2].update(nummer=1))
    found = [f for f in new_findings(viborg, base) if f.code == "project-years"]
    assert [f.pointer for f in found] == ["/projektaar/2/nummer"]
    assert found[0].message.da == "Projektår nr. 3 i planen har nummer 1."


def test_a_contributor_named_twice_or_with_a_negative_amount(viborg, base):
    edit(
        viborg,
        A,
        lambda d: d["ressourcer"]["finansiering"].update(
            lokal_fordeling=[
                {"part": "viborg-kommune", "beloeb": 14502000},
                {"part": "boligselskabet-viborg", "beloeb": -2000000},
                {"part": "viborg-kommune", "beloeb": "0.00"},
            ]
        ),
    )
    found = new_findings(viborg, base)
    assert [(f.code, f.pointer) for f in found] == [
        ("finance-split-contributor", "/ressourcer/finansiering/lokal_fordeling/1"),
        ("finance-split-contributor", "/ressourcer/finansiering/lokal_fordeling/2"),
    ]
    assert found[0].message.da == "Bidragyderen »boligselskabet-viborg« bidrager med -2.000.000 kr."
    assert found[1].message.en == "The contributor 'viborg-kommune' is named more than once."


def test_a_member_twice_on_the_body_but_once_in_the_kommissorium(viborg, base):
    edit(
        viborg,
        A,
        lambda d: d["organisering"]["organer"][0]["medlemmer"].append(
            dict(d["organisering"]["organer"][0]["medlemmer"][0])
        ),
    )
    found = [f for f in new_findings(viborg, base) if f.code == "kommissorium-members"]
    assert [(f.file, f.pointer) for f in found] == [(A, "/organisering/organer/0/medlemmer/5")]


@pytest.mark.parametrize(
    ("text", "retning", "word"),
    [
        ("Antallet af klagesager skal vise en nedgang.", "stigning", "nedgang"),
        ("Der skal ske en reduktion i antallet.", "stigning", "reduktion"),
        ("Antallet skal halveres.", "stigning", "halveres"),
        ("Antallet øger vi.", "fald", "øger"),
    ],
)
def test_criterion_wording_knows_more_word_forms(viborg, base, text, retning, word):
    def change(d):
        crit = d["indsatsomraader"]["omraader"][0]["succeskriterier"][1]
        crit["tekst"] = text
        crit["maal"]["retning"] = retning

    edit(viborg, A, change)
    found = [f for f in new_findings(viborg, base) if f.code == "criterion-wording-direction"]
    assert len(found) == 1 and f"»{word}«" in found[0].message.da


def test_a_negated_direction_word_is_not_a_direction(viborg, base):
    def change(d):
        crit = d["indsatsomraader"]["omraader"][0]["succeskriterier"][0]
        crit["tekst"] = "Antallet af klagesager må ikke stige over niveauet i 2015."

    edit(viborg, A, change)
    assert [f for f in new_findings(viborg, base) if f.code == "criterion-wording-direction"] == []


def test_a_workbook_sheet_beyond_what_is_read(viborg, base):
    edit_workbook(
        viborg / "budget.xlsx", lambda wb: wb["Finansiering"].__setitem__("A20000", "UDFYLD: langt nede")
    )
    found = [f for f in new_findings(viborg, base) if f.code == "workbook-beyond-limits"]
    assert [(f.file, f.severity) for f in found] == [("budget.xlsx", Severity.ERROR)]
    assert found[0].message.da == (
        "Arket »Finansiering« bruger flere end 10.000 rækker eller 200 kolonner; det, der står derude, kontrolleres ikke."
    )
