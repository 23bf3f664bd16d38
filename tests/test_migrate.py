"""Schema versions: an old dossier is told to migrate (never shown schema errors), a newer one to update
aftale; `aftale migrate` upgrades version 1 to 2 losslessly, atomically per file and idempotently; rule
sets are found by every command and a broken one ends in a clear message and exit 2."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import VIBORG, load

V1 = Path(__file__).parent / "fixtures" / "schema-v1"  # the Viborg files as schema version 1 wrote them
CHANGED = [p.relative_to(V1).as_posix() for p in sorted(V1.rglob("*.json"))]


@pytest.fixture
def old(tmp_path: Path) -> Path:
    """The Viborg dossier as it was before schema version 2."""
    target = tmp_path / "viborg-v1"
    shutil.copytree(VIBORG, target)
    for rel in CHANGED:
        shutil.copyfile(V1 / rel, target / rel)
    return target


def test_every_command_tells_an_old_dossier_to_migrate(run, old, tmp_path):
    for args in (
        ("check", old),
        ("validate", old),
        ("build", old, "--out", tmp_path / "b"),
        ("package", old, "--draft", "--out", tmp_path / "p.zip"),
        ("audit", old),
        ("followup", "template", old, "--out", tmp_path / "f.xlsx"),
    ):
        code, out, err = run(*args, "--lang", "en")
        assert code == 2, (args, out, err)
        assert "Traceback" not in err and "schema-" not in out + err
        assert (
            f"is written in schema version 1; this version of aftale reads version 2. Upgrade it with 'aftale migrate {old}'"
            in err
        )
    assert not (tmp_path / "b").exists() and not (tmp_path / "p.zip").exists()


def test_migrate_upgrades_viborg_losslessly_to_the_shipped_dossier(run, old):
    code, out, err = run("migrate", old)
    assert code == 0, err
    for rel in CHANGED[:-1]:
        assert (old / rel).read_bytes() == (VIBORG / rel).read_bytes(), rel
    assert load(old / "samarbejdsaftale.json") == _without_later_additions(
        load(VIBORG / "samarbejdsaftale.json")
    )
    assert out.count("\n") == 37
    assert (
        "  samarbejdsaftale.json: parter/3: Viborg Kommune har fået id »viborg-kommune« og »underskriver«: true\n"
        in out
    )
    assert (
        "  kommissorier/bestyrelse.json: medlemmer/3: organisation »Boligselskabet Viborg« henviser nu til parten "
        "»boligselskabet-viborg«\n" in out
    )
    assert out.strip().endswith(f"4 filer ændret. Kør: aftale check {old}")
    # the bishop's organisation is not a party: kept as written
    bishop = load(old / "samarbejdsaftale.json")["organisering"]["organer"][0]["medlemmer"][2]
    assert bishop["organisation"] == "Viborg Stift" and "part" not in bishop
    code, out, _ = run("check", old)
    assert code == 0 and "ingen fejl" in out
    # a second run changes nothing
    before = {rel: (old / rel).read_bytes() for rel in CHANGED}
    code, out, _ = run("migrate", old)
    assert code == 0 and out.strip() == f"{old} er allerede i skemaversion 2; intet er ændret."
    assert before == {rel: (old / rel).read_bytes() for rel in CHANGED}


def _without_later_additions(aftale: dict) -> dict:
    """The shipped agreement without what was added after the migration, using version 2's new fields:
    the bodies' relations (from section 2 of the seed) and the readings of the yearly targets recorded
    as open questions."""
    for body in aftale["organisering"]["organer"]:
        del body["relationer"]
    for area in aftale["indsatsomraader"]["omraader"]:
        for crit in area["succeskriterier"]:
            if crit["id"] in (
                "5.1-klagesager",
                "5.1-tryghed",
                "5.4-topi-roed",
                "5.4-topi-gul",
                "5.4-topi-groen",
            ):
                del crit["aabent_spoergsmaal"]
                crit["maal"].pop("beregning", None)
    return aftale


def test_dry_run_writes_nothing(run, old):
    before = {rel: (old / rel).read_bytes() for rel in CHANGED}
    code, out, _ = run("migrate", old, "--dry-run", "--lang", "en")
    assert code == 0 and out.strip().endswith("(4 files); nothing written.")
    assert before == {rel: (old / rel).read_bytes() for rel in CHANGED}


def test_a_migration_interrupted_before_the_agreement_finishes_on_the_next_run(run, old):
    """The annexes are written first and the agreement (which carries the version) last: a run killed in
    between leaves annexes in version 2 and an agreement in version 1, and the next run completes it."""
    for rel in CHANGED:
        if rel != "samarbejdsaftale.json":
            shutil.copyfile(VIBORG / rel, old / rel)
    assert run("check", old)[0] == 2
    code, _, err = run("migrate", old)
    assert code == 0, err
    for rel in CHANGED[:-1]:
        assert (old / rel).read_bytes() == (VIBORG / rel).read_bytes(), rel
    assert load(old / "samarbejdsaftale.json") == _without_later_additions(
        load(VIBORG / "samarbejdsaftale.json")
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (3, "is written in schema version 3, newer than this version of aftale (version 2). Update aftale."),
        ("2", "'skemaversion' must be a whole number from 1 (this version of aftale uses 2)."),
    ],
)
def test_a_future_or_malformed_version_is_refused(run, viborg, value, message):
    data = load(viborg / "samarbejdsaftale.json")
    data["skemaversion"] = value
    (viborg / "samarbejdsaftale.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    for command in ("check", "migrate"):
        code, _, err = run(command, viborg, "--lang", "en")
        assert code == 2 and message in err and "Traceback" not in err


# --- rule sets: shipped, --regelsaet-dir, AFTALE_REGELSAET_DIR --------------------------------------------


def _ruleset(folder: Path, rid: str, **changes) -> Path:
    folder.mkdir(exist_ok=True)
    data = json.loads((VIBORG.parent.parent / "checker" / "rulesets" / "lbf-2015-2018.json").read_text())
    data.update(id=rid, **changes)
    (folder / f"{rid}.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return folder


def _use(dossier: Path, rid: str) -> None:
    data = load(dossier / "samarbejdsaftale.json")
    data["regelsaet"] = rid
    (dossier / "samarbejdsaftale.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def test_a_rule_set_is_found_by_every_command_from_the_option_and_the_environment(
    run, viborg, tmp_path, monkeypatch
):
    folder = _ruleset(tmp_path / "regler", "egen-fond")
    _use(viborg, "egen-fond")
    code, out, _ = run("check", viborg, "--format", "json")
    assert code == 1 and "ruleset-unknown" in out
    assert run("check", viborg, "--regelsaet-dir", folder)[0] == 0
    assert run("build", viborg, "--regelsaet-dir", folder, "--out", tmp_path / "b", "--no-pdf")[0] == 0
    monkeypatch.setenv("AFTALE_REGELSAET_DIR", str(folder))
    assert run("check", viborg)[0] == 0
    code, out, err = run("audit", viborg, "--format", "json")
    assert code in (0, 1) and "Traceback" not in err


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"krav": [{"id": "borgmesterens-velsignelse", "kilde": "?", "status": "antaget"}]},
            "names an unknown requirement 'borgmesterens-velsignelse' (krav/0); aftale knows: lokal-medfinansiering, periode, bestyrelse-ledelse, boligsociale-data.",
        ),
        (
            {"krav": [{"id": "periode", "max_aar": 4, "min_procent": 3, "kilde": "?", "status": "antaget"}]},
            "the requirement 'periode' (krav/0) has the parameter 'min_procent'.",
        ),
        (
            {"krav": [{"id": "periode", "max_aar": 4, "dage": 3, "kilde": "?", "status": "antaget"}]},
            "is invalid at /krav/0: Additional properties are not allowed ('dage' was unexpected)",
        ),
        ({"paakraevede_bilag": []}, "is invalid at /paakraevede_bilag: [] should be non-empty"),
        (
            {"periode_aar": 4},
            "is invalid at /: Additional properties are not allowed ('periode_aar' was unexpected)",
        ),
    ],
)
def test_a_broken_rule_set_cannot_run(run, viborg, tmp_path, changes, message):
    folder = _ruleset(tmp_path / "regler", "brudt", **changes)
    _use(viborg, "brudt")
    for args in (("check", viborg), ("build", viborg, "--out", tmp_path / "b", "--draft")):
        code, out, err = run(*args, "--regelsaet-dir", folder, "--lang", "en")
        assert code == 2 and message in err and "Traceback" not in err, (args, err)


def test_the_2019_26_rule_set_marks_what_is_verified_and_what_is_assumed():
    from checker import rulesets

    rs = rulesets.load("lbf-2019-2026")
    assert list(rs.indsatsomraader.values()) == [
        "Uddannelse og livschancer",
        "Beskæftigelse",
        "Kriminalitetsforebyggelse",
        "Sammenhængskraft og medborgerskab",
    ]
    assert rs.min_lokal_procent == 25 and rs.periode_aar == (None, 4)
    assert {k: v["status"] for k, v in rs.krav.items()} == {
        "lokal-medfinansiering": "verificeret",
        "periode": "verificeret",
        "bestyrelse-ledelse": "verificeret",
        "boligsociale-data": "verificeret",
    }
    data = json.loads(rs.path.read_text())
    assert {b["status"] for b in data["paakraevede_bilag"]} == {"antaget"}
    assert all(
        "2019-2026-regulativets bilagsliste er ikke læst" in b["kilde"] for b in data["paakraevede_bilag"]
    )


# --- migrate under attack: refuse rather than lose anything --------------------------------------------


def _edit_text(path: Path, change) -> None:
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")


def _unchanged(old: Path):
    before = {p: p.read_bytes() for p in old.rglob("*.json")}
    return lambda: {p: p.read_bytes() for p in old.rglob("*.json")} == before


@pytest.mark.parametrize(
    ("break_it", "message"),
    [
        (
            lambda d: _edit_text(
                d / "samarbejdsaftale.json",
                lambda t: t.replace('"titel": ', '"titel": "FØRST", "titel": ', 1),
            ),
            "samarbejdsaftale.json:3: The field 'titel' appears more than once",
        ),
        (
            lambda d: (d / "kommissorier" / "bestyrelse.json").write_bytes(
                (d / "kommissorier" / "bestyrelse.json").read_bytes() + b"\xff"
            ),
            "kommissorier/bestyrelse.json",
        ),
        (
            lambda d: _edit_text(
                d / "samarbejdsaftale.json",
                lambda t: t.replace('"afdeling": {', '"afdeling": "10", "x": {', 1),
            ),
            "samarbejdsaftale.json: omraader/0 has an 'afdeling' that is not an object",
        ),
    ],
)
def test_migrate_refuses_what_it_cannot_upgrade_whole_and_changes_nothing(run, old, break_it, message):
    break_it(old)
    same = _unchanged(old)
    code, out, err = run("migrate", old, "--lang", "en")
    assert code == 2 and message in err and "Traceback" not in err, err
    assert "nothing was changed" in err or "Run 'aftale validate'" in err
    assert same()


def test_migrate_refuses_an_agreement_linked_from_outside(run, old, tmp_path):
    outside = tmp_path / "elsewhere.json"
    (old / "samarbejdsaftale.json").rename(outside)
    (old / "samarbejdsaftale.json").symlink_to(outside)
    code, _, err = run("migrate", old, "--lang", "en")
    assert code == 2 and "outside" in err
    assert (old / "samarbejdsaftale.json").is_symlink() and '"skemaversion"' not in outside.read_text()


def test_migrate_keeps_numbers_exactly_as_written(run, old):
    _edit_text(
        old / "samarbejdsaftale.json",
        lambda t: t.replace(
            '"beboere": 3220',
            '"beboere": 3220, "x_tal": [123456789012345.678, 1e2, 0.1000000000000000000001]',
            1,
        ),
    )
    # x_tal is not in the schema: migrate keeps it as written; check would report it afterwards
    assert run("migrate", old)[0] == 0
    assert (
        '"x_tal": [\n      123456789012345.678,\n      1e2,\n      0.1000000000000000000001\n    ]'
        in (old / "samarbejdsaftale.json").read_text()
    )


def test_a_name_two_parties_could_mean_is_left_as_written(run, old):
    data = load(old / "samarbejdsaftale.json")
    data["parter"].insert(0, {"navn": "VIBORG KOMMUNE", "type": "kommune"})
    (old / "samarbejdsaftale.json").write_text(
        json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    assert run("migrate", old)[0] == 0
    members = load(old / "samarbejdsaftale.json")["organisering"]["organer"][0]["medlemmer"]
    # "Viborg Kommune" is spelt exactly as one party: that one, not the look-alike added first
    assert members[0]["part"] == "viborg-kommune-2"
    assert [p["id"] for p in load(old / "samarbejdsaftale.json")["parter"]][:1] == ["viborg-kommune"]


def test_migrate_says_what_is_wrong_with_the_path_and_a_dry_run_locks_nothing(run, old, tmp_path):
    code, _, err = run("migrate", tmp_path / "findes-ikke", "--lang", "en")
    assert code == 2 and "does not exist" in err
    code, _, err = run("migrate", old / "samarbejdsaftale.json", "--lang", "en")
    assert code == 2 and "is not a folder" in err
    (old / ".aftale.lock").unlink(missing_ok=True)
    assert run("migrate", old, "--dry-run")[0] == 0
    assert not (old / ".aftale.lock").exists()


def test_a_version_below_1_is_refused(run, old):
    _edit_text(
        old / "samarbejdsaftale.json",
        lambda t: t.replace(
            '"dokumenttype": "strategisk-samarbejdsaftale",',
            '"dokumenttype": "strategisk-samarbejdsaftale", "skemaversion": -1,',
            1,
        ),
    )
    code, _, err = run("migrate", old, "--lang", "en")
    assert code == 2 and "'skemaversion' must be a whole number from 1" in err


def test_rule_sets_are_read_with_the_dossier_loaders_limits(run, viborg, tmp_path, monkeypatch):
    folder = tmp_path / "regler"
    folder.mkdir()
    (folder / "dyb.json").write_text('{"a":' * 100_000 + "1" + "}" * 100_000, encoding="utf-8")
    _use(viborg, "dyb")
    for args in (("check", viborg), ("audit", viborg), ("build", viborg, "--out", tmp_path / "b", "--draft")):
        code, _, err = run(*args, "--regelsaet-dir", folder, "--lang", "en")
        assert code == 2 and "dyb.json" in err and "cannot be read" in err and "Traceback" not in err, (
            args,
            err,
        )
    # a byte order mark is fine, as in dossier files
    _ruleset(folder, "med-bom")
    path = folder / "med-bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    _use(viborg, "med-bom")
    assert run("check", viborg, "--regelsaet-dir", folder)[0] == 0
    # min_aar above max_aar
    data = json.loads((VIBORG.parent.parent / "checker" / "rulesets" / "lbf-2015-2018.json").read_text())
    krav = [dict(k, min_aar=10, max_aar=2) if k["id"] == "periode" else k for k in data["krav"]]
    _ruleset(folder, "umulig", krav=krav)
    _use(viborg, "umulig")
    code, _, err = run("check", viborg, "--regelsaet-dir", folder, "--lang", "en")
    assert code == 2 and "has min_aar 10 above max_aar 2" in err


def test_an_environment_variable_naming_no_folder_is_an_error(run, viborg, tmp_path, monkeypatch):
    monkeypatch.setenv("AFTALE_REGELSAET_DIR", str(tmp_path / "findes-ikke"))
    code, _, err = run("check", viborg, "--lang", "en")
    assert code == 2 and "AFTALE_REGELSAET_DIR names" in err and "which is not a folder" in err
