"""The installed tool: the console script runs, and the wheel carries schemas and templates."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT, VIBORG

AFTALE = Path(sys.executable).with_name("aftale")


def test_console_script_validates_viborg():
    proc = subprocess.run([AFTALE, "validate", VIBORG], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "ingen fejl" in proc.stdout


def test_console_script_never_shows_a_traceback_for_bad_input(tmp_path):
    bad = tmp_path / "d"
    bad.mkdir()
    (bad / "samarbejdsaftale.json").write_text("{ not json", encoding="utf-8")
    proc = subprocess.run([AFTALE, "validate", bad], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stdout + proc.stderr
    assert "samarbejdsaftale.json" in proc.stdout and "1:3" in proc.stdout


def test_version_and_schemas_commands(run):
    code, out, _ = run("--version")
    assert code == 0 and out.startswith("aftale, version ")
    code, out, _ = run("schemas")
    assert code == 0 and (Path(out.strip()) / "samarbejdsaftale.schema.json").is_file()


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", out, ROOT],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (found,) = out.glob("lbf_aftale-*.whl")
    return found


def test_wheel_ships_schemas_and_templates_inside_the_package(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    for schema in sorted(p.name for p in (ROOT / "schemas").glob("*.schema.json")):
        assert f"checker/schemas/{schema}" in names
    for template in ("samarbejdsaftale", "delaftale", "kommissorium", "milepaelsplan", "beredskabsplan"):
        assert f"checker/templates/{template}.docx" in names
    assert "checker/rulesets/lbf-2015-2018.json" in names
    assert any(n.endswith("entry_points.txt") for n in names)


def test_installed_wheel_validates_outside_the_repository(wheel, tmp_path):
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    dossier = tmp_path / "elsewhere" / "viborg"
    shutil.copytree(VIBORG, dossier)
    proc = subprocess.run(
        [sys.executable, "-c", "from checker.cli import main; main()", "validate", dossier],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"},
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert "10 filer gennemgået: ingen fejl." in proc.stdout
    check = subprocess.run(
        [sys.executable, "-c", "import checker.resources as r; print(r.schema_dir())"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PYTHONPATH": str(site)},
        timeout=60,
    )
    assert check.stdout.strip() == str(site / "checker" / "schemas")
