"""aftale new: a fresh dossier that validates, placeholders marked, nothing overwritten."""

from __future__ import annotations

import json

from tests.conftest import load


def test_new_then_validate_exits_0(run, tmp_path):
    target = tmp_path / "ny-aftale"
    code, out, _ = run("new", target, "--start", "2027-01-01")
    assert code == 0
    assert "Oprettede dossieret" in out and "samarbejdsaftale.json" in out
    code, out, _ = run("validate", target)
    assert code == 0, out
    assert out.strip().endswith("8 filer gennemgået: ingen fejl.")


def test_new_dossier_has_the_period_marked_placeholders_and_template_origin(run, tmp_path):
    target = tmp_path / "ny"
    run("new", target, "--start", "2027-01-01")
    aftale = load(target / "samarbejdsaftale.json")
    assert aftale["periode"] == {"start": "2027-01-01", "slut": "2030-12-31"}
    assert aftale["metadata"]["oprindelse"] == "skabelon"
    assert (aftale["regelsaet"], aftale["skemaversion"]) == ("lbf-2019-2026", 2)
    assert aftale["omraader"][0]["navn"].startswith("UDFYLD")
    plan = load(target / "milepaelsplan.json")
    assert [y["periode"]["slut"] for y in plan["projektaar"]] == [
        "2027-12-31",
        "2028-12-31",
        "2029-12-31",
        "2030-12-31",
    ]
    files = sorted(p.relative_to(target).as_posix() for p in target.rglob("*.json"))
    assert files == [
        "beredskabsplan.json",
        "delaftaler/5.1-uddannelse-og-livschancer.json",
        "delaftaler/5.2-beskaeftigelse.json",
        "delaftaler/5.3-kriminalitetsforebyggelse.json",
        "delaftaler/5.4-sammenhaengskraft-og-medborgerskab.json",
        "kommissorier/bestyrelse.json",
        "milepaelsplan.json",
        "samarbejdsaftale.json",
    ]
    assert (target / "budget.xlsx").is_file() and (target / "aktivitetsskema.xlsx").is_file()
    # each file the agreement refers to is there
    referred = {rel for b in aftale["aftaledokumenter"]["bilag"] for rel in b["filer"]}
    assert referred <= set(files) | {"budget.xlsx", "aktivitetsskema.xlsx"}


def test_new_refuses_an_existing_folder_with_content_and_leaves_it_alone(run, tmp_path):
    target = tmp_path / "findes"
    target.mkdir()
    (target / "noter.txt").write_text("vigtigt", encoding="utf-8")
    code, out, err = run("new", target)
    assert code == 2
    assert "findes allerede og er ikke en tom mappe" in err
    assert [p.name for p in target.iterdir()] == ["noter.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["findes"]  # no staging folder left behind


def test_new_accepts_an_empty_existing_folder(run, tmp_path):
    target = tmp_path / "tom"
    target.mkdir()
    assert run("new", target)[0] == 0
    assert (target / "samarbejdsaftale.json").is_file()


def test_new_rejects_a_bad_start_date(run, tmp_path):
    code, _, err = run("new", tmp_path / "x", "--start", "1.4.2027", "--lang", "en")
    assert code == 2
    assert "--start '1.4.2027' is not a date of the form YYYY-MM-DD." in err
    assert not (tmp_path / "x").exists()


def test_new_default_period_starts_next_month_and_lasts_four_years(run, tmp_path):
    from datetime import date, timedelta

    run("new", tmp_path / "d")
    periode = json.loads((tmp_path / "d" / "samarbejdsaftale.json").read_text(encoding="utf-8"))["periode"]
    start = date.fromisoformat(periode["start"])
    today = date.today()
    assert (
        start.day == 1
        and start > today
        and (start.year * 12 + start.month) - (today.year * 12 + today.month) == 1
    )
    assert date.fromisoformat(periode["slut"]) == date(start.year + 4, start.month, 1) - timedelta(days=1)


def test_new_for_a_2019_26_agreement_with_areas_parties_and_a_three_year_period(run, tmp_path):
    target = tmp_path / "slagelse"
    code, out, err = run(
        "new",
        target,
        "--regelsaet",
        "lbf-2019-2026",
        "--start",
        "2021-09-01",
        "--slut",
        "2024-08-31",
        "--omraade",
        "Ringparken",
        "--omraade",
        "Motalavej",
        "--part",
        "kommune:Slagelse Kommune:29188831",
        "--part",
        "boligorganisation:Boligselskabet Sct. Jørgen",
        "--part",
        "politi:Midt- og Vestsjællands Politi",
        "--indsatsomraade",
        "5.2",
        "--indsatsomraade",
        "5.3",
    )
    assert code == 0, err
    aftale = load(target / "samarbejdsaftale.json")
    assert aftale["periode"] == {"start": "2021-09-01", "slut": "2024-08-31"}
    assert [(p["id"], p["type"], p["underskriver"]) for p in aftale["parter"]] == [
        ("slagelse-kommune", "kommune", True),
        ("boligselskabet-sct-joergen", "boligorganisation", True),
        ("midt-og-vestsjaellands-politi", "politi", False),
    ]
    assert aftale["parter"][0]["cvr"] == "29188831"
    assert [u["part"] for u in aftale["underskrifter"]] == ["Slagelse Kommune", "Boligselskabet Sct. Jørgen"]
    assert [o["navn"] for o in aftale["omraader"]] == ["Ringparken", "Motalavej"]
    assert [(a["nummer"], a["navn"]) for a in aftale["indsatsomraader"]["omraader"]] == [
        ("5.2", "Beskæftigelse"),
        ("5.3", "Kriminalitetsforebyggelse"),
    ]
    plan = load(target / "milepaelsplan.json")
    assert [y["periode"] for y in plan["projektaar"]] == [
        {"start": "2021-09-01", "slut": "2022-08-31"},
        {"start": "2022-09-01", "slut": "2023-08-31"},
        {"start": "2023-09-01", "slut": "2024-08-31"},
    ]
    assert load(target / "beredskabsplan.json")["omraader"] == ["Ringparken", "Motalavej"]
    # the check lists what is left to fill in, and nothing else but the two annexes only the user can supply
    code, out, _ = run("check", target, "--format", "json")
    findings = json.loads(out)["findings"]
    errors = {f["code"] for f in findings if f["severity"] == "error"}
    assert code == 1 and errors == {"placeholder-left", "annex-missing"}
    assert sorted(f["message"] for f in findings if f["code"] == "annex-missing") == [
        "Bilaget »Bilag med centralt genererede målinger« er ikke vedlagt: ingen fil er angivet.",
        "Bilaget »Organisationsdiagram« er ikke vedlagt: ingen fil er angivet.",
    ]
    # the workbooks were calculated: no budget-not-calculated, and the budget reads the period's years
    assert "budget-not-calculated" not in {f["code"] for f in findings}
    assert any(f["code"] == "placeholder-left" and f["file"] == "budget.xlsx" for f in findings)
    # build refuses while placeholders are left; a draft builds
    code, _, err = run("build", target, "--out", tmp_path / "out", "--no-pdf")
    assert code == 1 and "--draft" in err


def test_new_refuses_bad_parties_rule_sets_and_areas_cleanly(run, tmp_path):
    cases = [
        (("--part", "borgmester:Hans"), "--part 'borgmester:Hans' must have the form TYPE:Name"),
        (
            ("--regelsaet", "lbf-2030"),
            "The rule set 'lbf-2030' is not known. Known: lbf-2015-2018, lbf-2019-2026.",
        ),
        (
            ("--regelsaet", "lbf-2015-2018", "--indsatsomraade", "5.5"),
            "--indsatsomraade 5.5 is not in the rule set",
        ),
        (
            ("--start", "2025-01-01", "--slut", "2024-12-31"),
            "--slut 2024-12-31 is not after the period's start",
        ),
        (("--part", "politi:Politiet"), "At least one party must sign."),
    ]
    for args, message in cases:
        code, out, err = run("new", tmp_path / "x", *args, "--lang", "en")
        assert (code, "Traceback" in err) == (2, False), (args, err)
        assert message in err, (args, err)
        assert not (tmp_path / "x").exists()


def test_new_refuses_names_a_document_cannot_hold_and_duplicates_under_another_spelling(run, tmp_path):
    base = ("--part", "kommune:K", "--part", "boligorganisation:B")
    cases = [
        (("--part", "kommune:Slagelse\x01Kommune"), "holds the character U+0001"),
        (("--omraade", "Ring\x0bparken"), "holds the character U+000B"),
        (("--omraade", "Ringparken", "--omraade", " ringparken"), "An area is given twice: 'Ringparken'."),
        (("--indsatsomraade", "5.1", "--indsatsomraade", "5.1"), "An indsatsområde is given twice: '5.1'."),
        (
            ("--start", "9998-06-01"),
            "--start 9998-06-01 lies outside the years a dossier can hold (1900–2195).",
        ),
        (("--start", "0001-01-01"), "lies outside the years a dossier can hold"),
        (("--start", "2025-01-01", "--slut", "9999-12-31"), "--slut 9999-12-31 lies after 2199"),
    ]
    for args, message in cases:
        code, _, err = run("new", tmp_path / "x", *base, *args, "--lang", "en")
        assert (code, "Traceback" in err) == (2, False), (args, err)
        assert message in err, (args, err)
        assert not (tmp_path / "x").exists() and list(tmp_path.iterdir()) == []


def test_new_refuses_a_dossier_inside_a_dossier_and_a_symlink(run, tmp_path, viborg):
    code, _, err = run("new", viborg / "under", "--lang", "en")
    assert code == 2 and f"lies inside the dossier {viborg.resolve()}" in err
    assert not (viborg / "under").exists()
    link = tmp_path / "link"
    link.symlink_to(tmp_path / "nowhere" / "deeper")
    code, _, err = run("new", link, "--lang", "en")
    assert code == 2 and "is a symbolic link" in err and not (tmp_path / "nowhere").exists()


def test_a_period_from_29_february_has_three_project_years_ending_28_february(run, tmp_path):
    target = tmp_path / "skud"
    code, _, err = run("new", target, "--start", "2024-02-29", "--slut", "2027-02-28")
    assert code == 0, err
    plan = load(target / "milepaelsplan.json")
    assert [y["periode"] for y in plan["projektaar"]] == [
        {"start": "2024-02-29", "slut": "2025-02-28"},
        {"start": "2025-03-01", "slut": "2026-02-28"},
        {"start": "2026-03-01", "slut": "2027-02-28"},
    ]
    code, out, _ = run("check", target, "--format", "json")
    codes = {f["code"] for f in json.loads(out)["findings"]}
    assert not codes & {"project-years", "period-length", "delaftale-stale"}


def test_new_killed_politely_leaves_nothing_behind(tmp_path):
    """SIGTERM while LibreOffice recalculates: the staging folder is removed, exit 2. On a loaded machine
    the signal can land after `new` has finished (exit 0, a complete dossier, no staging folder left);
    then the run is repeated, until a kill lands during the work."""
    import shutil
    import signal
    import subprocess
    import sys
    import time

    target = tmp_path / "afbrudt"
    for _attempt in range(5):
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "checker",
                "new",
                str(target),
                "--part",
                "kommune:K",
                "--part",
                "boligorganisation:B",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not any(
            p.name.startswith(".afbrudt.") for p in tmp_path.iterdir()
        ):
            time.sleep(0.01)
        proc.send_signal(signal.SIGTERM)
        _out, err = proc.communicate(timeout=60)
        if proc.returncode == 0:  # too late: finished whole, nothing half-made
            assert [p.name for p in tmp_path.iterdir()] == ["afbrudt"]
            assert (target / "samarbejdsaftale.json").is_file()
            shutil.rmtree(target)
            continue
        assert proc.returncode == 2, err
        assert list(tmp_path.iterdir()) == []
        break
    else:
        raise AssertionError("no SIGTERM landed while `new` worked in 5 attempts")
