"""SARIF for code scanning: valid against the OASIS 2.1.0 schema and accepted by GitHub code scanning,
as Microsoft's SARIF multitool judges it (tests/sarif_multitool.py), for a clean dossier and for one with
every kind of place: JSON line and column, a schema error, a JSON syntax error, a workbook cell, a PDF page."""

from __future__ import annotations

import json

import openpyxl
import pytest

from tests import sarif_multitool
from tests.conftest import dump, load


@pytest.fixture
def broken(viborg):
    data = load(viborg / "samarbejdsaftale.json")
    data["regelsaet"] = "ukendt"
    dump(viborg / "samarbejdsaftale.json", data)
    plan = load(viborg / "beredskabsplan.json")
    plan["omraader"] = 5  # a schema error
    dump(viborg / "beredskabsplan.json", plan)
    (viborg / "kommissorier" / "beboerpanel.json").write_text('{"dokumenttype": ', encoding="utf-8")
    wb = openpyxl.load_workbook(viborg / "budget.xlsx")
    wb["Finansiering"]["C12"] = "UDFYLD: beløb"
    wb.save(viborg / "budget.xlsx")
    return viborg


def _sarif(run, dossier, tmp_path):
    code, out, _ = run("check", dossier, "--format", "sarif", "--lang", "en")
    path = tmp_path / "check.sarif"
    path.write_text(out, encoding="utf-8")
    return code, json.loads(out), path


def test_a_clean_dossiers_sarif_passes_githubs_and_the_schemas_checks(run, viborg, tmp_path):
    code, _sarif_doc, path = _sarif(run, viborg, tmp_path)
    assert code == 0
    assert sarif_multitool.validate(path, tmp_path / "validation.sarif") == []


def test_every_kind_of_finding_has_a_described_rule_and_a_region(run, broken, tmp_path):
    code, doc, path = _sarif(run, broken, tmp_path)
    assert code == 1
    assert sarif_multitool.validate(path, tmp_path / "validation.sarif") == []
    driver = doc["runs"][0]["tool"]["driver"]
    rules = {d["id"]: d for d in driver["rules"]}
    for needed in ("ruleset-unknown", "schema-type", "json-syntax", "placeholder-left"):
        assert needed in rules, needed
    for d in rules.values():
        assert d["fullDescription"]["text"] and d["help"]["text"] and d["help"]["markdown"]
        assert d["helpUri"].startswith("https://")
    assert rules["json-syntax"]["helpUri"].endswith("dossier.md#finding-codes")
    assert rules["ruleset-unknown"]["helpUri"].endswith("rules.md#ruleset-unknown")
    results = doc["runs"][0]["results"]
    for r in results:
        assert "region" in r["locations"][0]["physicalLocation"], r["ruleId"]
    cell = next(
        r for r in results if r["ruleId"] == "placeholder-left" and r.get("properties", {}).get("cell")
    )
    assert cell["properties"]["cell"] == "Finansiering!C12"
    assert cell["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "budget.xlsx"
    assert {"fullyQualifiedName": "Finansiering!C12", "kind": "element"} in cell["locations"][0][
        "logicalLocations"
    ]


def test_rules_md_has_an_anchor_for_every_rule():
    from checker.check import registry
    from tests.conftest import ROOT

    text = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert all(f'<a id="{code}"></a>' in text for code in registry())
