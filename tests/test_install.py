"""The installed tool: the console script runs, and the wheel carries schemas and templates."""

from __future__ import annotations

import os
import re
import shlex
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
    # aftale serve's pages, scripts and the vendored form library
    for part in ("templates/edit.html", "static/edit.js", "static/vendor/json-editor/jsoneditor.js"):
        assert f"checker/web/{part}" in names
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


# --- a clean install: the wheel without the test extras, every command once -------------------------------
#
# Issue 9: `package --previous` imported pikepdf, which was only a test dependency, so a normal install
# ended in a traceback. Here the wheel goes into a fresh virtual environment (no system site-packages,
# no [test] extra) and the installed console script runs every command once on a copy of the Viborg
# dossier outside the repository, with the exit codes the README gives for the example.

DELAFTALER = (
    "delaftale-5.1-tryghed-og-trivsel.pdf",
    "delaftale-5.3-uddannelse-og-beskaeftigelse.pdf",
    "delaftale-5.4-forebyggelse-og-foraeldreansvar.pdf",
)
# party short name → (signer, organisation, dev-cert file stem), as in the README walkthrough
SIGNERS = {
    "boligselskabet-viborg": ("Birthe Ærø", "Boligselskabet Viborg", "birthe-aeroe"),
    "boligselskabet-sct-joergen-viborg": (
        "Jørgen Ågård",
        "Boligselskabet Sct. Jørgen Viborg",
        "joergen-aagaard",
    ),
    "bjerringbro-andelsboligforening": ("Søren Øster", "Bjerringbro Andelsboligforening", "soeren-oester"),
    "viborg-kommune": ("Ulla Åkjær", "Viborg Kommune", "ulla-aakjaer"),
}
TRUST = ("--trust", "certs/dev-ca.cert.pem")
BUILT = "generated/viborg"  # `build viborg` without --out, run in the work folder


def _sign_all(pdf: str) -> list[tuple[tuple[str, ...], int]]:
    return [
        (
            (
                "sign",
                pdf,
                "--party",
                slug,
                "--key",
                f"certs/{stem}.key.pem",
                "--cert",
                f"certs/{stem}.cert.pem",
            ),
            0,
        )
        for slug, (_name, _org, stem) in SIGNERS.items()
    ]


# Every invocation, in order, with its exact expected exit code; run in a work folder holding
#   viborg/      a copy of agreements/viborg-2017-2021 (the current version),
#   forrige/     the previous version: the same with one change (Ellekonebakken's baseline 34, now 32),
#   registreret/ a copy for `sign --record`,   importeret/ a copy for `followup import`.
STEPS: list[tuple[tuple[str, ...], int]] = [
    (("--version",), 0),
    (("validate", "viborg"), 0),
    (("check", "viborg"), 0),  # 0 with 9 warnings
    (("rules",), 0),
    (("schemas",), 0),
    (("new", "nyt", "--start", "2027-01-01"), 0),
    (("build", "viborg"), 0),  # Word and PDF/A through LibreOffice, into generated/viborg
    *[
        (("dev-cert", "--name", name, "--organisation", org, "--out", "certs"), 0)
        for name, org, _stem in SIGNERS.values()
    ],
    # the secretariat's test certificate, to seal the package
    (
        (
            "dev-cert",
            "--name",
            "Sara Sekretær",
            "--organisation",
            "Boligselskabernes Fællessekretariat",
            "--out",
            "certs",
        ),
        0,
    ),
    *_sign_all(f"{BUILT}/samarbejdsaftale.pdf"),
    *[step for delaftale in DELAFTALER for step in _sign_all(f"{BUILT}/{delaftale}")],
    (("verify", f"{BUILT}/samarbejdsaftale.pdf", *TRUST), 0),
    (
        (
            "sign",
            "registreret",
            "--record",
            "--party",
            "viborg-kommune",
            "--name",
            "Ulla Åkjær",
            "--date",
            "2017-03-20",
            "--method",
            "e-signature",
        ),
        0,
    ),
    (("diff", "forrige", "viborg"), 1),  # 1: there is a change
    (("diff", "forrige", "viborg", "--format", "pdf", "--output", "aendringsoversigt.pdf"), 1),
    # every document signed by every party, so no --draft: the package is complete; --previous adds the
    # ændringsoversigt, whose PDF is normalised with pikepdf (the path of issue 9)
    (
        (
            "package",
            "viborg",
            "--out",
            "viborg.zip",
            "--previous",
            "forrige",
            *TRUST,
            "--key",
            "certs/sara-sekretaer.key.pem",
            "--cert",
            "certs/sara-sekretaer.cert.pem",
        ),
        0,
    ),
    (("verify", "viborg.zip", *TRUST), 0),  # sealed, signed, checked: intact
    (("followup", "template", "viborg", "--out", "opfoelgning.xlsx"), 0),
    # 1: the unchanged workbook is refused, nothing written, because the Viborg example's klagesager
    # extract was changed after it was registered (a warning per row; --replace would re-register it)
    (("followup", "import", "importeret", "opfoelgning.xlsx"), 1),
    # 1: follow-up documentation missing (Vestervang's klagesager, year 3) and an evidence file changed
    (("audit", "viborg", "--as-of", "2020-06-30"), 1),
    (("audit", "viborg", "--as-of", "2020-06-30", "--format", "pdf", "--output", "revisionsrapport.pdf"), 1),
]

PYTHON_EXCEPTION = re.compile(r"^\s*[\w.]*(Error|Exception)(: |$)", re.MULTILINE)


def _environ(env: Path) -> dict[str, str]:
    """This process's environment without anything pointing into the repository or its .venv."""
    environ = {
        k: v
        for k, v in os.environ.items()
        if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "PYTHONUSERBASE")
    }
    path = [
        p
        for p in environ.get("PATH", "").split(os.pathsep)
        if p and not Path(p).resolve().is_relative_to(ROOT)
    ]
    environ["PATH"] = os.pathsep.join([str(env / "bin"), *path])
    environ["PYTHONNOUSERSITE"] = "1"
    return environ


@pytest.fixture(scope="module")
def clean_install(wheel, tmp_path_factory) -> Path:
    """A fresh virtual environment with the wheel installed from PyPI, without the [test] extra."""
    env = tmp_path_factory.mktemp("clean") / "env"
    subprocess.run([sys.executable, "-m", "venv", env], check=True, capture_output=True, timeout=120)
    proc = subprocess.run(
        [env / "bin" / "python", "-m", "pip", "install", "--disable-pip-version-check", "-q", wheel],
        capture_output=True,
        text=True,
        env=_environ(env),
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return env


def test_clean_install_has_only_the_runtime_dependencies(clean_install, tmp_path):
    probe = (
        "import importlib.util, checker; print(checker.__file__); "
        "print(sorted(m for m in ('pytest', 'ruff', 'hatchling', 'fpdf') if importlib.util.find_spec(m)))"
    )
    proc = subprocess.run(
        [clean_install / "bin" / "python", "-c", probe],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=_environ(clean_install),
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    where, extras = proc.stdout.splitlines()
    assert Path(where).is_relative_to(clean_install)
    assert extras == "[]"


def test_clean_install_runs_every_command(clean_install, tmp_path):
    work = tmp_path
    shutil.copytree(VIBORG, work / "viborg")
    for copy in ("forrige", "registreret", "importeret"):
        shutil.copytree(VIBORG, work / copy)
    aftale = work / "forrige" / "samarbejdsaftale.json"
    text = aftale.read_text(encoding="utf-8")
    assert text.count('"Ellekonebakken": 32,') == 1
    aftale.write_text(text.replace('"Ellekonebakken": 32,', '"Ellekonebakken": 34,'), encoding="utf-8")

    environ = _environ(clean_install)
    problems = []
    for args, expected in STEPS:
        proc = subprocess.run(
            [clean_install / "bin" / "aftale", *args],
            capture_output=True,
            text=True,
            cwd=work,
            env=environ,
            timeout=300,
        )
        output = proc.stdout + proc.stderr
        if proc.returncode != expected or "Traceback" in output or PYTHON_EXCEPTION.search(proc.stderr):
            problems.append(
                f"$ aftale {shlex.join(args)}\nexit {proc.returncode}, expected {expected}\n"
                f"--- stdout (end)\n{proc.stdout[-2000:]}\n--- stderr (end)\n{proc.stderr[-4000:]}"
            )
    assert not problems, f"{len(problems)} of {len(STEPS)} commands failed:\n\n" + "\n\n".join(problems)

    # what the commands were run for is there
    assert (work / BUILT / "samarbejdsaftale.pdf").is_file()
    assert (work / "nyt" / "samarbejdsaftale.json").is_file()
    names = zipfile.ZipFile(work / "viborg.zip").namelist()
    assert "aendringsoversigt.pdf" in names and "manifest.json" in names
    assert '"Ulla Åkjær"' in (work / "registreret" / "samarbejdsaftale.json").read_text(encoding="utf-8")
    for output in ("aendringsoversigt.pdf", "opfoelgning.xlsx", "revisionsrapport.pdf"):
        assert (work / output).stat().st_size > 0, output


def test_clean_install_serves_the_workbench(clean_install, tmp_path):
    """aftale serve from the installed wheel, outside the repository: the overview and the form library."""
    import http.client

    shutil.copytree(VIBORG, tmp_path / "dossiers" / "viborg")
    token = "install-test-token-0123456789"
    process = subprocess.Popen(
        [
            clean_install / "bin" / "aftale",
            "serve",
            "dossiers",
            "--port",
            "0",
            "--no-browser",
            "--token",
            token,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
        env=_environ(clean_install),
    )
    try:
        url = process.stdout.readline().strip()
        port = int(url.split("://", 1)[1].split("/", 1)[0].rsplit(":", 1)[1])
        answers = {}
        for path in ("/", "/static/vendor/json-editor/jsoneditor.js", "/d/viborg/edit/samarbejdsaftale.json"):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            conn.request("GET", path, headers={"Authorization": f"Bearer {token}"})
            response = conn.getresponse()
            answers[path] = (response.status, response.read())
            conn.close()
    finally:
        process.terminate()
        _, err = process.communicate(timeout=20)
    assert answers["/"][0] == 200 and b'data-dossier="viborg"' in answers["/"][1]
    assert answers["/static/vendor/json-editor/jsoneditor.js"][0] == 200
    assert answers["/d/viborg/edit/samarbejdsaftale.json"][0] == 200
    assert "Traceback" not in err
