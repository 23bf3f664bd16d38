"""What each command imports: heavy libraries only where they are used (issue 15). Each command runs in
a fresh interpreter, as from the terminal, and reports the modules it ended with."""

from __future__ import annotations

import subprocess
import sys

import pikepdf
import pytest

from tests.conftest import ROOT, VIBORG

PROBE = """
import sys
from checker.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print(" ".join(sorted(m for m in sys.modules if "." not in m)))
"""

#: libraries no command below needs: charts (numpy, matplotlib), documents (docx, docxtpl, pikepdf),
#: the web app, fonts for stamping
NEVER = {"numpy", "matplotlib", "docx", "docxtpl", "starlette", "uvicorn", "jinja2", "fontTools"}


def modules(*args: str) -> set[str]:
    run = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert "Traceback" not in run.stderr, run.stderr
    return set(run.stdout.split())


def test_check_reads_workbooks_without_numpy():
    found = modules("check", str(VIBORG))
    # it reads the workbooks here; the PDF annex is read in its child process, which imports pdfplumber
    # itself while this one reads the workbooks (tests/test_readers_pdf.py: the text does arrive)
    assert "openpyxl" in found and "pdfplumber" not in found
    assert not found & (NEVER | {"pyhanko", "aiohttp"}), found & (NEVER | {"pyhanko", "aiohttp"})


def test_validate_reads_only_json():
    found = modules("validate", str(VIBORG))
    assert not found & (NEVER | {"openpyxl", "pdfplumber", "pdfminer", "pyhanko", "aiohttp", "PIL"})


@pytest.mark.parametrize("command", ["sign", "verify", "build", "check", "serve"])
def test_help_imports_nothing_heavy(command):
    found = modules(command, "--help")
    heavy = NEVER | {"openpyxl", "pdfplumber", "pyhanko", "aiohttp", "cryptography", "PIL", "jsonschema"}
    assert not found & heavy, found & heavy


def test_verify_imports_no_documents_charts_or_workbooks(tmp_path):
    """pyHanko is verify's work; its time-stamp client imports aiohttp at `import pyhanko.sign` (pyHanko
    0.3x imports it unconditionally in pyhanko/sign/timestamps/__init__.py, with no switch), so aiohttp
    is not in the forbidden list here."""
    pdf = tmp_path / "plain.pdf"
    with pikepdf.new() as doc:
        doc.add_blank_page()
        doc.save(pdf)
    found = modules("verify", str(pdf))
    assert "pyhanko" in found
    assert not found & (NEVER | {"openpyxl", "pdfplumber"}), found & (NEVER | {"openpyxl", "pdfplumber"})


def test_openpyxl_still_counts_numpy_numbers_when_numpy_came_first():
    """The finder only answers while numpy is not imported: a process that imported numpy first (the audit's
    charts) gets openpyxl as always."""
    probe = (
        "import numpy, checker, openpyxl; from openpyxl.compat.numbers import NUMERIC_TYPES; "
        "print(numpy.int64 in NUMERIC_TYPES)"
    )
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert run.stdout.strip() == "True", run.stderr
    after = "import checker, openpyxl, numpy; print(numpy.zeros(2).sum())"
    run = subprocess.run([sys.executable, "-c", after], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert run.stdout.strip() == "0.0", run.stderr
