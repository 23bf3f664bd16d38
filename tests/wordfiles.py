"""Every kind of Word file aftale writes, made once into a folder: the templates as shipped, the built
documents of both example dossiers (final and draft), the audit report and the ændringsoversigt.
tests/test_templates.py checks that they render; tests/test_docx_schema.py validates them."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from tests.conftest import ROOT, VIBORG, dump, load

EKSEMPELBY = ROOT / "agreements" / "eksempelby-2022-2026"
TEMPLATE_DIR = ROOT / "templates"


def _aftale(*args: object) -> int:
    from checker.cli import main

    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    return result.exit_code


def _revised(dossier: Path, target: Path) -> Path:
    """A copy of the dossier with a new version of the agreement: more money from LBF."""
    shutil.copytree(dossier, target)
    path = target / "samarbejdsaftale.json"
    data = load(path)
    finansiering = data["ressourcer"]["finansiering"]
    finansiering["landsbyggefonden"] += 400000
    finansiering["samlet"] += 400000
    data["version"]["nummer"] = str(int(data["version"].get("nummer", "1")) + 1)
    dump(path, data)
    return target


def make_word_files(base: Path) -> dict[str, Path]:
    """{label: .docx} for every Word file the commands write from both examples, made under `base`.
    Fails (assert) if a command does not run."""
    files = {f"templates/{p.name}": p for p in sorted(TEMPLATE_DIR.glob("*.docx"))}
    for name, dossier in (("viborg", VIBORG), ("eksempelby", EKSEMPELBY)):
        out = base / name
        assert _aftale("build", dossier, "--no-pdf", "--out", out / "build") == 0, f"build {name}"
        assert _aftale("build", dossier, "--no-pdf", "--draft", "--out", out / "udkast") == 0, (
            f"build --draft {name}"
        )
        for kind in ("build", "udkast"):
            files.update({f"{name}/{kind}/{p.name}": p for p in sorted((out / kind).glob("*.docx"))})
        audit = out / "revisionsrapport.docx"
        as_of = ("--as-of", "2020-06-30") if dossier == VIBORG else ()
        assert _aftale("audit", dossier, *as_of, "--format", "docx", "--output", audit) in (0, 1), (
            f"audit {name}"
        )
        files[f"{name}/revisionsrapport.docx"] = audit
        new = _revised(dossier, out / "ny-version")
        changes = out / "aendringsoversigt.docx"
        assert _aftale("diff", dossier, new, "--format", "docx", "--output", changes) == 1, f"diff {name}"
        files[f"{name}/aendringsoversigt.docx"] = changes
        same = out / "aendringsoversigt-ingen.docx"
        assert _aftale("diff", dossier, dossier, "--format", "docx", "--output", same) == 0, f"diff {name}"
        files[f"{name}/aendringsoversigt-ingen.docx"] = same
    return files
