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
    assert out.strip().endswith("5 filer gennemgået: ingen fejl.")


def test_new_dossier_has_the_period_marked_placeholders_and_template_origin(run, tmp_path):
    target = tmp_path / "ny"
    run("new", target, "--start", "2027-01-01")
    aftale = load(target / "samarbejdsaftale.json")
    assert aftale["periode"] == {"start": "2027-01-01", "slut": "2030-12-31"}
    assert aftale["metadata"]["oprindelse"] == "skabelon"
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
        "delaftaler/5.1.json",
        "kommissorier/bestyrelse.json",
        "milepaelsplan.json",
        "samarbejdsaftale.json",
    ]
    # each file the agreement refers to is there
    referred = {rel for b in aftale["aftaledokumenter"]["bilag"] for rel in b["filer"]}
    assert referred <= set(files)


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
