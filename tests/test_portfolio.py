"""Many dossiers in one run: `aftale check DOSSIER…` or a folder holding them (issue 15), with a summary
table, a JSON or HTML portfolio report (the HTML read back in Chromium), --jobs, and the exit codes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import ROOT, browser

EXAMPLES = ("viborg-2017-2021", "eksempelby-2022-2026")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Both examples, Viborg once more with a sum broken, and a dossier of a newer schema version."""
    root = tmp_path / "plans"
    for name in EXAMPLES:
        shutil.copytree(ROOT / "agreements" / name, root / name)
    broken = root / "viborg-broken"
    shutil.copytree(ROOT / "agreements" / "viborg-2017-2021", broken)
    agreement = broken / "samarbejdsaftale.json"
    text = agreement.read_text(encoding="utf-8")
    agreement.write_text(
        text.replace('"landsbyggefonden": 14600000', '"landsbyggefonden": 14700000'), encoding="utf-8"
    )
    future = root / "x-future"  # made by a newer aftale: cannot be checked by this one
    shutil.copytree(ROOT / "agreements" / "eksempelby-2022-2026", future)
    agreement = future / "samarbejdsaftale.json"
    text = agreement.read_text(encoding="utf-8")
    assert text.count('"skemaversion": 2') == 1
    agreement.write_text(text.replace('"skemaversion": 2', '"skemaversion": 99'), encoding="utf-8")
    (root / ".hidden").mkdir()
    (root / "notes").mkdir()  # a folder that is not a dossier: left out
    return root


def test_a_folder_of_dossiers_gives_one_row_each_and_exit_1_for_errors(run, folder):
    shutil.rmtree(folder / "x-future")
    code, out, err = run("check", folder)
    assert code == 1, err
    lines = out.splitlines()
    assert lines[0].split() == ["Dossier", "Helhedsplan", "Periode", "Fejl", "Advarsler", "Næste", "frist"]
    rows = {line.split()[0].rsplit("/", 1)[-1]: line for line in lines[2:5]}
    assert list(rows) == ["eksempelby-2022-2026", "viborg-2017-2021", "viborg-broken"]
    assert rows["viborg-2017-2021"].split()[-3:] == ["0", "9", "–"]
    assert rows["viborg-broken"].split()[-3:] == ["2", "9", "–"]
    assert rows["eksempelby-2022-2026"].split()[-3:] == ["0", "0", "–"]
    assert "2017-04-01 – 2021-03-31" in rows["viborg-2017-2021"]
    assert lines[-1] == "3 dossierer: 2 uden fejl, 1 med fejl, 0 kunne ikke kontrolleres."


def test_a_dossier_that_cannot_be_checked_is_a_row_and_exit_2(run, folder):
    code, out, _ = run("check", folder, "--lang", "en")
    assert code == 2
    future = next(line for line in out.splitlines() if "x-future" in line)
    assert "could not be checked:" in future and "newer" in future
    assert out.splitlines()[-1] == "4 dossiers: 2 without errors, 1 with errors, 1 could not be checked."


def test_the_json_report_holds_each_dossiers_own_report_and_jobs_change_nothing(run, folder):
    shutil.rmtree(folder / "x-future")
    code, out, _ = run("check", folder / "viborg-broken", folder / "viborg-2017-2021", "--format", "json")
    assert code == 1
    report = json.loads(out)
    assert report["portfolio"] is True
    assert report["stats"] == {"dossiers": 2, "with_errors": 1, "failed": 0}
    broken, viborg = report["dossiers"]
    assert broken["dossier"].endswith("viborg-broken") and broken["errors"] == 2 and broken["warnings"] == 9
    assert sorted(f["code"] for f in broken["report"]["findings"] if f["severity"] == "error") == [
        "budget-agrees",
        "finance-total",
    ]
    assert viborg["period"] == {"start": "2017-04-01", "end": "2021-03-31"}
    assert viborg["report"]["stats"]["warnings"] == 9
    code2, out2, _ = run(
        "check", folder / "viborg-broken", folder / "viborg-2017-2021", "--format", "json", "-j", "2"
    )
    assert code2 == 1 and json.loads(out2) == report


def test_the_same_dossier_named_twice_is_checked_once(run, folder):
    code, out, _ = run(
        "check",
        folder / "viborg-2017-2021",
        folder / "viborg-2017-2021" / ".." / "viborg-2017-2021",
        "--format",
        "json",
    )
    assert code == 0
    assert json.loads(out)["stats"]["dossiers"] == 1


def test_one_dossier_is_checked_as_before(run, folder):
    code, out, _ = run("check", folder / "viborg-2017-2021", "--format", "json")
    assert code == 0
    assert "portfolio" not in json.loads(out)


def test_formats_for_one_dossier_are_refused_for_several(run, folder):
    code, _, err = run("check", folder, "--format", "sarif")
    assert code == 2
    assert "--format sarif gælder ét dossier; for flere brug text, json eller html." in err


def test_a_folder_without_dossiers_is_refused(run, tmp_path, folder):
    (tmp_path / "empty").mkdir()
    code, _, err = run("check", tmp_path / "empty")  # alone: the one-dossier message, as before
    assert code == 2
    assert "er ikke et dossier: mappen har ingen samarbejdsaftale.json." in err
    code, _, err = run("check", folder, tmp_path / "empty")  # among others
    assert code == 2
    assert (
        f"{tmp_path / 'empty'} er hverken et dossier (ingen samarbejdsaftale.json) eller en mappe med dossierer."
        in err
    )


def test_validate_takes_a_folder_too(run, folder):
    code, out, _ = run("validate", folder, "--format", "json")
    assert code == 2  # x-future cannot be opened by this version
    report = json.loads(out)
    names = [d["dossier"].rsplit("/", 1)[-1] for d in report["dossiers"]]
    assert names == ["eksempelby-2022-2026", "viborg-2017-2021", "viborg-broken", "x-future"]
    assert [d["errors"] for d in report["dossiers"][:3]] == [0, 0, 0]


def test_the_html_report_in_chromium(run, folder, chromium, tmp_path):
    """Values escaped, one row per dossier, the summary; read back from Chromium's own DOM."""
    name = folder / "viborg-2017-2021" / "samarbejdsaftale.json"
    name.write_text(
        name.read_text(encoding="utf-8").replace(
            '"helhedsplan": "den boligsociale Helhedsplan i Viborg"',
            '"helhedsplan": "<script>alert(1)</script>"',
        ),
        encoding="utf-8",
    )
    page = tmp_path / "portfolio.html"
    code, _, _ = run("check", folder, "--format", "html", "--output", page)
    assert code == 2
    dom = browser(chromium, tmp_path / "profile", "--dump-dom", page.as_uri()).stdout
    assert dom.count('<tr class="') == 4
    assert '<tr class="bad" data-dossier="viborg-broken">' in dom
    assert '<tr class="failed" data-dossier="x-future">' in dom
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom and "<script>alert" not in dom
    assert "4 dossierer: 2 uden fejl, 1 med fejl, 1 kunne ikke kontrolleres." in dom


def test_audit_of_several_dossiers_as_json(run, folder):
    code, out, _ = run("audit", folder, "--format", "json", "--as-of", "2021-06-30")
    assert code == 2  # x-future cannot be opened by this version
    report = json.loads(out)
    by_name = {d["dossier"].rsplit("/", 1)[-1]: d for d in report["dossiers"]}
    assert list(by_name) == ["eksempelby-2022-2026", "viborg-2017-2021", "viborg-broken", "x-future"]
    alone = json.loads(
        run("audit", folder / "viborg-2017-2021", "--format", "json", "--as-of", "2021-06-30")[1]
    )
    assert by_name["viborg-2017-2021"]["audit"] == alone
    assert by_name["x-future"]["audit"] is None and "nyere" in by_name["x-future"]["could_not_run"]
    code, _, err = run("audit", folder)
    assert code == 2
    assert "Flere dossierer revideres med --format json." in err


def test_the_next_deadline_is_the_first_milestone_from_the_as_of_date(run, folder):
    code, out, _ = run(
        "check", folder / "viborg-2017-2021", folder / "eksempelby-2022-2026", "--as-of", "2019-06-01"
    )
    viborg = next(line for line in out.splitlines() if "viborg-2017-2021" in line)
    assert viborg.endswith(
        "2019-06-12 Bestyrelsesmøde: resultater for projektår 2 og ajourføring af delaftaler"
    )
