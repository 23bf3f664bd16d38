"""aftale validate: every error found, each at its file, line, column and pointer, in Danish or English."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.conftest import VIBORG, column_of, replace_once


def _findings(run, dossier: Path, *extra: str) -> tuple[int, list[dict]]:
    code, out, _ = run("validate", dossier, "--format", "json", *extra)
    return code, json.loads(out)["findings"]


def test_viborg_validates_with_exit_0_and_a_summary(run):
    code, out, err = run("validate", VIBORG)
    assert code == 0
    assert out.strip().endswith("10 filer gennemgået: ingen fejl.")
    assert err == ""


def test_json_report_lists_every_file_with_type_schema_and_hash(run):
    code, out, _ = run("validate", VIBORG, "--format", "json")
    report = json.loads(out)
    assert code == 0 and report["valid"] is True
    assert report["stats"] == {"files": 10, "findings": 0, "errors": 0, "warnings": 0, "infos": 0}
    files = {f["path"]: f for f in report["files"]}
    assert (
        files["samarbejdsaftale.json"]["schema"]
        == "https://lbf-aftale.dk/schemas/v2/samarbejdsaftale.schema.json"
    )
    assert files["delaftaler/5.3-uddannelse-og-beskaeftigelse.json"]["dokumenttype"] == "delaftale"
    assert all(len(f["sha256"]) == 64 for f in files.values())


# --- wrong instances, one per schema: code, pointer, line and column -------------------------------------

CASES = [
    # (file, old snippet, new snippet, code, pointer, snippet marking the reported place)
    (
        "samarbejdsaftale.json",
        '"start": "2017-04-01"',
        '"start": "2017-13-01"',
        "schema-format",
        "/periode/start",
        '"2017-13-01"',
    ),
    (
        "samarbejdsaftale.json",
        '"landsbyggefonden": 14600000',
        '"landsbyggefonden": 14600000.0',
        "schema-one-of",
        "/ressourcer/finansiering/landsbyggefonden",
        "14600000.0",
    ),
    (
        "samarbejdsaftale.json",
        '"regelsaet": "lbf-2015-2018"',
        '"regelsaet": "LBF 2015"',
        "schema-pattern",
        "/regelsaet",
        '"LBF 2015"',
    ),
    (
        "samarbejdsaftale.json",
        '"beboere": 3220',
        '"beboere": "3220"',
        "schema-type",
        "/beskrivelse/beboere",
        '"3220"',
    ),
    (
        "samarbejdsaftale.json",
        '"type": "taerskel"',
        '"type": "taerskl"',
        "schema-enum",
        "/indsatsomraader/omraader/1/succeskriterier/0/maal/type",
        '"taerskl"',
    ),
    (
        "delaftaler/5.3-uddannelse-og-beskaeftigelse.json",
        '"nummer": "5.3"',
        '"nummer": "5,3"',
        "schema-pattern",
        "/indsatsomraade/nummer",
        '"5,3"',
    ),
    (
        "delaftaler/5.1-tryghed-og-trivsel.json",
        '"dokumenttype": "delaftale",',
        '"dokumenttype": "delaftale",\n  "titell": "x",',
        "schema-additional-properties",
        "/titell",
        '"titell"',
    ),
    (
        "kommissorier/bestyrelse.json",
        '"min_pr_aar": 2',
        '"min_pr_aar": -1',
        "schema-minimum",
        "/moedefrekvens/min_pr_aar",
        ": -1",
    ),
    ("milepaelsplan.json", '"nummer": 1,', '"nummer": 0,', "schema-minimum", "/projektaar/0/nummer", "0,"),
    (
        "beredskabsplan.json",
        '"helhedsplan": "den boligsociale Helhedsplan i Viborg"',
        '"helhedsplan": ""',
        "schema-min-length",
        "/helhedsplan",
        ': ""',
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c[3] + ":" + c[0] for c in CASES])
def test_wrong_instance_fails_at_the_expected_pointer_line_and_column(run, viborg, case):
    rel, old, new, code, pointer, marker = case
    path = viborg / rel
    replace_once(path, old, new)
    line, column = column_of(path, marker)
    column += 2 if marker.startswith(": ") else 0
    exit_code, findings = _findings(run, viborg)
    assert exit_code == 1
    assert [(f["file"], f["code"], f["pointer"], f["line"], f["column"]) for f in findings] == [
        (rel, code, pointer, line, column)
    ]


def test_a_misspelt_key_is_reported_at_the_key_with_did_you_mean(run, viborg):
    path = viborg / "samarbejdsaftale.json"
    line = replace_once(path, '"lejemaal": 1630', '"lejemål": 1630')
    exit_code, findings = _findings(run, viborg)
    assert exit_code == 1
    # two findings: the unknown key, and the required one that is now missing
    assert [(f["code"], f["pointer"], f["line"]) for f in findings] == [
        ("schema-required", "/beskrivelse", column_of(path, '"beskrivelse": {')[0]),
        ("schema-additional-properties", "/beskrivelse/lejemål", line),
    ]
    assert findings[1]["hint"] == "Mente du »lejemaal«?"
    assert (
        findings[1]["place"]
        == "3. Beskrivelse af områdets problemkompleks, beboere og tryghedssituation › lejemål"
    )
    assert findings[0]["message"] == "Det krævede felt »lejemaal« (»Lejemål i alt«) mangler."


def test_every_error_is_reported_not_only_the_first(run, viborg):
    replace_once(viborg / "samarbejdsaftale.json", '"start": "2017-04-01"', '"start": "1.4.2017"')
    replace_once(
        viborg / "samarbejdsaftale.json",
        '"lokal_medfinansiering": 12502000',
        '"lokal_medfinansiering": "12.502"',
    )
    replace_once(viborg / "kommissorier/beboerpanel.json", '"organ": "beboerpanel"', '"organ": "Beboerpanel"')
    replace_once(viborg / "milepaelsplan.json", '"projektaar": [', '"projektaar": "fire", "x": [')
    exit_code, findings = _findings(run, viborg)
    assert exit_code == 1
    assert [(f["file"], f["pointer"], f["code"]) for f in findings] == [
        ("kommissorier/beboerpanel.json", "/organ", "schema-pattern"),
        ("milepaelsplan.json", "/projektaar", "schema-type"),
        ("milepaelsplan.json", "/x", "schema-additional-properties"),
        ("samarbejdsaftale.json", "/periode/start", "schema-format"),
        ("samarbejdsaftale.json", "/ressourcer/finansiering/lokal_medfinansiering", "schema-one-of"),
    ]


def test_the_place_is_named_in_the_users_words(run, viborg):
    replace_once(viborg / "samarbejdsaftale.json", '"Ellekonebakken": 32,', '"Ellekonebakken": "32",')
    _, findings = _findings(run, viborg)
    assert [f["place"] for f in findings] == [
        "5. Indsatsområder › 5.1 Tryghed og trivsel › Klagesager › Baseline › Værdi pr. område › Ellekonebakken"
    ]
    assert findings[0]["message"] == "Her skal stå et tal, men der står teksten »32«."


# --- malformed JSON, odd files -----------------------------------------------------------------------------


def test_malformed_json_is_reported_with_line_and_column_of_the_syntax_error(run, viborg):
    path = viborg / "milepaelsplan.json"
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    assert lines[6].strip() == '"opdateret": "2020-05-15"' and lines[7].strip() == "},"
    lines[6] = lines[6] + ","  # a trailing comma before the closing brace on line 8
    path.write_text("\n".join(lines), encoding="utf-8")
    exit_code, findings = _findings(run, viborg)
    assert exit_code == 1
    assert [(f["file"], f["code"], f["line"], f["column"]) for f in findings] == [
        ("milepaelsplan.json", "json-syntax", 8, 3)
    ]
    f = findings[0]
    assert f["message"].startswith("Ugyldig JSON:")


def test_missing_comma_is_named_in_danish_and_english(run, tmp_path, viborg):
    (viborg / "noter.json").write_text('{\n  "a": 1\n  "b": 2\n}\n', encoding="utf-8")
    _, da = _findings(run, viborg)
    _, en = _findings(run, viborg, "--lang", "en")
    assert (da[0]["line"], da[0]["column"]) == (3, 3)
    assert da[0]["message"] == "Ugyldig JSON: Her mangler et komma mellem to elementer."
    assert en[0]["message"] == "Invalid JSON: Expecting ',' delimiter."


def test_duplicate_keys_are_an_error_at_the_second_key(run, viborg):
    path = viborg / "beredskabsplan.json"
    replace_once(
        path,
        '"dokumenttype": "beredskabsplan",',
        '"dokumenttype": "beredskabsplan",\n  "titel": "Gammel titel",',
    )
    _, findings = _findings(run, viborg)
    assert [(f["code"], f["pointer"]) for f in findings] == [("json-duplicate-key", "/titel")]


def test_not_utf8_is_reported_with_the_position_of_the_bad_byte(run, viborg):
    (viborg / "latin1.json").write_bytes('{"titel": "Rødkærparken"}'.encode("latin-1"))
    _, findings = _findings(run, viborg)
    assert [(f["code"], f["line"], f["column"]) for f in findings] == [("json-encoding", 1, 13)]


def test_a_file_without_or_with_an_unknown_document_type_gets_a_hint(run, viborg):
    (viborg / "kommissorier" / "styregruppe.json").write_text('{"titel": "Styregruppe"}', encoding="utf-8")
    (viborg / "delaftaler" / "5.2.json").write_text('{"dokumenttype": "delaftalle"}', encoding="utf-8")
    _, findings = _findings(run, viborg)
    by_file = {f["file"]: f for f in findings}
    assert by_file["kommissorier/styregruppe.json"]["code"] == "doc-type-missing"
    assert (
        'Filens navn tyder på "dokumenttype": "kommissorium"'
        in by_file["kommissorier/styregruppe.json"]["hint"]
    )
    assert by_file["delaftaler/5.2.json"]["code"] == "doc-type-unknown"
    assert by_file["delaftaler/5.2.json"]["hint"].startswith("Mente du »delaftale«?")


def test_a_json_file_that_is_not_an_object(run, viborg):
    (viborg / "liste.json").write_text("[1, 2]", encoding="utf-8")
    _, findings = _findings(run, viborg)
    assert [(f["file"], f["code"]) for f in findings] == [("liste.json", "doc-not-object")]


def test_a_huge_json_file_is_refused_without_reading_it(run, viborg):
    with (viborg / "stor.json").open("w") as fh:
        fh.write('{"x": "' + "a" * (6 * 1024 * 1024) + '"}')
    _, findings = _findings(run, viborg)
    assert [(f["file"], f["code"]) for f in findings] == [("stor.json", "json-too-large")]


def test_deep_nesting_is_a_finding_not_a_crash(run, viborg):
    (viborg / "dyb.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    _, findings = _findings(run, viborg)
    assert [(f["file"], f["code"]) for f in findings] == [("dyb.json", "json-too-deep")]


def test_a_symlink_out_of_the_dossier_is_reported_and_not_followed(run, viborg, tmp_path):
    secret = tmp_path / "secret.json"
    secret.write_text('{"dokumenttype": "delaftale"}', encoding="utf-8")
    (viborg / "delaftaler" / "link.json").symlink_to(secret)
    (viborg / "ud").symlink_to(tmp_path, target_is_directory=True)
    _, findings = _findings(run, viborg)
    assert sorted((f["file"], f["code"]) for f in findings) == [
        ("delaftaler/link.json", "path-outside-dossier"),
        ("ud", "path-outside-dossier"),
    ]


def test_a_fifo_is_reported_not_read(run, viborg):
    os.mkfifo(viborg / "roer.json")
    _, findings = _findings(run, viborg)
    assert [(f["file"], f["code"]) for f in findings] == [("roer.json", "not-a-file")]


def test_english_messages(run, viborg):
    replace_once(viborg / "samarbejdsaftale.json", '"type": "kommune"', '"type": "komune"')
    code, out, _ = run("validate", viborg, "--lang", "en")
    assert code == 1
    assert (
        "The value 'komune' is not allowed. Allowed values: kommune, boligorganisation, politi, region, uddannelsesinstitution, fond, erhverv, andet."
        in out
    )
    assert "Did you mean 'kommune'?" in out
    assert out.strip().endswith("1 error in 1 of 10 files.")


# --- exit 2: could not run --------------------------------------------------------------------------------


def test_no_such_folder_exits_2_with_a_message(run, tmp_path):
    code, out, err = run("validate", tmp_path / "findes-ikke")
    assert (code, out) == (2, "")
    assert f"Mappen {tmp_path / 'findes-ikke'} findes ikke." in err


def test_a_folder_that_is_not_a_dossier_exits_2(run, tmp_path):
    code, _, err = run("validate", tmp_path, "--lang", "en")
    assert code == 2
    assert "is not a dossier: the folder has no samarbejdsaftale.json" in err


def test_a_file_instead_of_a_folder_exits_2(run):
    code, _, err = run("validate", VIBORG / "samarbejdsaftale.json")
    assert code == 2 and "er ikke en mappe" in err


def test_an_unreadable_file_exits_2_naming_it(run, viborg):
    (viborg / "delaftaler" / "brudt.json").symlink_to(viborg / "delaftaler" / "findes-ikke.json")
    code, _, err = run("validate", viborg)
    assert code == 2
    assert "Kan ikke læse" in err and "brudt.json" in err


def test_unknown_option_value_exits_2(run):
    code, _, err = run("validate", VIBORG, "--lang", "de")
    assert code == 2 and "'de' is not one of 'da', 'en'" in err
