"""aftale check as a command: exit codes, --strict, output formats, rules catalogue, hostile input."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import zipfile
from xml.etree import ElementTree as ET

import pytest

from checker.check import registry
from tests.conftest import ROOT, VIBORG, column_of, dump, load


def test_viborg_checks_clean_with_exit_0(run):
    code, out, _ = run("check", VIBORG)
    assert code == 0
    assert out.strip().endswith("14 filer gennemgået: ingen fejl (9 advarsler).")


def test_strict_makes_warnings_count(run):
    code, out, _ = run("check", VIBORG, "--strict", "--lang", "en")
    assert code == 1
    assert out.strip().endswith("14 files checked: no errors (9 warnings).")


def test_errors_exit_1(run, viborg):
    data = load(viborg / "samarbejdsaftale.json")
    data["ressourcer"]["finansiering"]["samlet"] = 1
    dump(viborg / "samarbejdsaftale.json", data)
    code, out, _ = run("check", viborg)
    assert code == 1
    assert "finance-total" in out


def test_could_not_run_exits_2(run, tmp_path):
    code, _, err = run("check", tmp_path / "mangler")
    assert code == 2 and "findes ikke" in err
    code, _, err = run("check", VIBORG, "--as-of", "31.3.2021")
    assert code == 2 and "--as-of »31.3.2021« er ikke en dato" in err


def test_json_report_is_shaped_like_a_frictionless_report(run):
    code, out, _ = run("check", VIBORG, "--format", "json", "--lang", "en")
    report = json.loads(out)
    assert (
        code == 0 and report["valid"] is True and report["status"] == "valid" and report["command"] == "check"
    )
    assert report["stats"] == {"files": 14, "findings": 15, "errors": 0, "warnings": 9, "infos": 6}
    first = report["findings"][0]
    assert set(first) >= {
        "code",
        "severity",
        "message",
        "hint",
        "file",
        "pointer",
        "line",
        "column",
        "place",
        "cell",
        "page",
    }


def test_json_report_carries_workbook_cells_and_pdf_pages(run, viborg):
    data = load(viborg / "samarbejdsaftale.json")
    data["beskrivelse"]["beboere"] = 3221
    data["ressourcer"]["finansiering"]["landsbyggefonden"] = 14_600_001
    data["ressourcer"]["finansiering"]["samlet"] = 27_102_001
    dump(viborg / "samarbejdsaftale.json", data)
    _, out, _ = run("check", viborg, "--format", "json")
    findings = {
        (f["code"], f["file"], f["cell"], f["page"])
        for f in json.loads(out)["findings"]
        if f["severity"] == "error"
    }
    assert findings == {
        ("budget-agrees", "budget.xlsx", "Finansiering!F11", None),
        ("budget-agrees", "budget.xlsx", "Finansiering!F13", None),
        ("figures-central-measurements", "centrale-maalinger.pdf", None, 1),
    }


def test_sarif_report(run, viborg):
    data = load(viborg / "samarbejdsaftale.json")
    data["regelsaet"] = "ukendt"
    dump(viborg / "samarbejdsaftale.json", data)
    code, out, _ = run("check", viborg, "--format", "sarif")
    sarif = json.loads(out)
    assert code == 1 and sarif["version"] == "2.1.0"
    run_ = sarif["runs"][0]
    results = {r["ruleId"]: r for r in run_["results"]}
    unknown = results["ruleset-unknown"]
    assert unknown["level"] == "error"
    region = unknown["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"]) == column_of(
        viborg / "samarbejdsaftale.json", '"ukendt"'
    )
    assert unknown["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "samarbejdsaftale.json"
    assert {d["id"] for d in run_["tool"]["driver"]["rules"]} == {r["ruleId"] for r in run_["results"]}
    assert all(
        r["locations"][0]["physicalLocation"].get("region", {"startColumn": 1})["startColumn"] >= 1
        for r in run_["results"]
    )


def test_junit_report(run, tmp_path):
    target = tmp_path / "rapport.xml"
    code, out, _ = run("check", VIBORG, "--format", "junit", "--output", target)
    assert code == 0 and out == ""
    suite = ET.parse(target).getroot().find("testsuite")
    assert suite.get("tests") == "14" and suite.get("failures") == "0"
    assert [c.get("name") for c in suite.findall("testcase")][0] == "samarbejdsaftale.json"


def test_junit_report_fails_the_file_with_errors(run, viborg):
    data = load(viborg / "kommissorier" / "bestyrelse.json")
    data["moedefrekvens"]["max_pr_aar"] = 6
    dump(viborg / "kommissorier" / "bestyrelse.json", data)
    _, out, _ = run("check", viborg, "--format", "junit")
    suite = ET.fromstring(out).find("testsuite")
    failed = [c for c in suite.findall("testcase") if c.find("failure") is not None]
    assert [c.get("name") for c in failed] == ["kommissorier/bestyrelse.json"]
    assert failed[0].find("failure").get("type") == "body-frequency"


def test_output_file_is_written_whole_and_replaces_the_old_one(run, tmp_path):
    target = tmp_path / "rapport.json"
    target.write_text("gammel", encoding="utf-8")
    run("check", VIBORG, "--format", "json", "--output", target)
    assert json.loads(target.read_text(encoding="utf-8"))["valid"] is True
    assert [p.name for p in tmp_path.iterdir()] == ["rapport.json"]


def test_rules_doc_is_generated_from_the_registry_and_not_stale(run):
    code, out, _ = run("rules", "--markdown")
    assert code == 0
    committed = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert committed == out, "docs/rules.md is stale: run `aftale rules --markdown > docs/rules.md`"


def test_every_rule_has_code_severity_messages_hint_and_source():
    rules = registry()
    assert len(rules) >= 45
    for code, r in rules.items():
        assert code == r.code and code == code.lower() and " " not in code
        for text in (r.title, r.message, r.hint, r.source):
            assert text.da and text.en, code


def test_every_rule_has_a_failing_copy_test():
    source = (ROOT / "tests" / "test_rules.py").read_text(encoding="utf-8")
    untested = [code for code in registry() if f'"{code}"' not in source]
    assert untested == []


# --- hostile and broken input ------------------------------------------------------------------------------


def _check_json(run, dossier):
    code, out, err = run("check", dossier, "--format", "json")
    assert "Traceback" not in out + err
    return code, json.loads(out)["findings"] if out else []


def test_encrypted_pdf_is_a_finding(run, viborg):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_encryption(owner_password="ejer", user_password="hemmelig")
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.cell(0, 10, "Antal beboere 3.220")
    pdf.output(str(viborg / "centrale-maalinger.pdf"))
    code, findings = _check_json(run, viborg)
    assert code == 1
    assert [(f["code"], f["file"]) for f in findings if f["severity"] == "error"] == [
        ("annex-unreadable", "centrale-maalinger.pdf")
    ]
    assert "adgangskode" in findings[[f["code"] for f in findings].index("annex-unreadable")]["message"]


def test_corrupt_pdf_is_a_finding(run, viborg):
    path = viborg / "centrale-maalinger.pdf"
    path.write_bytes(path.read_bytes()[:400])
    code, findings = _check_json(run, viborg)
    assert code == 1
    assert [(f["code"], f["file"]) for f in findings if f["severity"] == "error"] == [
        ("annex-unreadable", "centrale-maalinger.pdf")
    ]


def test_zip_bomb_named_xlsx_is_refused_quickly(run, viborg):
    path = viborg / "budget.xlsx"
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z,
        z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh,
    ):
        chunk = b"\0" * (1 << 20)
        for _ in range(300):
            fh.write(chunk)
    started = time.monotonic()
    code, findings = _check_json(run, viborg)
    assert time.monotonic() - started < 10
    assert code == 1
    assert [(f["code"], f["file"]) for f in findings if f["severity"] == "error"] == [
        ("annex-unreadable", "budget.xlsx")
    ]


def test_xml_entity_attack_inside_a_workbook_is_refused(run, viborg):
    path = viborg / "aktivitetsskema.xlsx"
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    sheet = next(n for n in parts if n.startswith("xl/worksheets/sheet"))
    bomb = b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
    body = parts[sheet]
    parts[sheet] = bomb + (body.split(b"?>", 1)[1] if body.startswith(b"<?xml") else body)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    code, findings = _check_json(run, viborg)
    assert code == 1
    assert [(f["code"], f["file"]) for f in findings if f["severity"] == "error"] == [
        ("annex-unreadable", "aktivitetsskema.xlsx")
    ]


def test_50_mb_json_is_refused_without_reading_it(run, viborg):
    with (viborg / "kaempe.json").open("w") as fh:
        fh.write('{"dokumenttype": "delaftale", "x": "')
        fh.truncate(50 * 1024 * 1024)
    code, findings = _check_json(run, viborg)
    assert code == 1
    assert [(f["code"], f["file"]) for f in findings if f["severity"] == "error"] == [
        ("json-too-large", "kaempe.json")
    ]


def test_path_leading_out_of_the_dossier_is_a_schema_error(run, viborg):
    data = load(viborg / "samarbejdsaftale.json")
    data["aftaledokumenter"]["bilag"][4]["filer"] = ["../../etc/passwd"]
    dump(viborg / "samarbejdsaftale.json", data)
    code, findings = _check_json(run, viborg)
    assert code == 1
    assert [(f["code"], f["pointer"]) for f in findings if f["severity"] == "error"] == [
        ("schema-pattern", "/aftaledokumenter/bilag/4/filer/0")
    ]


def test_starting_check_imports_no_heavy_library():
    """pdfplumber and openpyxl load only when a workbook or PDF is read: start-up stays fast."""
    code = "import sys, checker.cli, checker.check; print(' '.join(m for m in ('pdfplumber', 'openpyxl', 'pyhanko', 'docxtpl') if m in sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == ""


@pytest.mark.parametrize("command", ["check", "build", "audit", "package", "verify"])
def test_a_malformed_as_of_date_exits_2_with_a_message_in_every_command(run, tmp_path, command):
    target = VIBORG
    extra: list = []
    if command == "package":
        extra = ["--out", tmp_path / "p.zip"]
    if command == "verify":
        target = tmp_path / "p.zip"
        target.write_bytes(b"PK\x05\x06" + bytes(18))  # an empty zip: the date is refused before it is read
    code, out, err = run(command, target, *extra, "--as-of", "31.3.2021")
    assert code == 2
    assert "--as-of »31.3.2021« er ikke en dato (ÅÅÅÅ-MM-DD)." in err
    assert "Traceback" not in out + err


def test_the_text_report_shows_the_place_of_every_finding(run, viborg):
    """line:column in JSON, sheet!cell in a workbook, the page of a PDF – never "-" for a finding that has one."""
    import openpyxl

    wb = openpyxl.load_workbook(viborg / "budget.xlsx")
    wb["Finansiering"]["F11"] = 1
    wb.save(viborg / "budget.xlsx")
    data = load(viborg / "samarbejdsaftale.json")
    data["beskrivelse"]["beboere"] = 3221
    dump(viborg / "samarbejdsaftale.json", data)
    code, out, _ = run("check", viborg, "--lang", "en")
    assert code == 1
    lines = out.splitlines()
    assert any(line.split()[:2] == ["Finansiering!F11", "error"] for line in lines), out
    assert any(line.split()[:3] == ["page", "1", "error"] for line in lines), out
    code, out, _ = run("check", viborg, "--format", "json")
    places = [(f["line"], f["cell"], f["page"]) for f in json.loads(out)["findings"]]
    text_places = [
        line.split()[0] for line in lines if line.startswith("  ") and not line.startswith("     ")
    ]
    assert text_places.count("-") == sum(1 for p in places if p == (None, None, None))
