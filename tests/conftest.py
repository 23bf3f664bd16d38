from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
VIBORG = ROOT / "agreements" / "viborg-2017-2021"
# The seed agreement the Viborg dossier is transcribed from; a copy lives in tests/data so that a clone
# without ../shared still tests, and test_viborg_dossier checks the copy against ../shared when present.
SEED = ROOT / "tests" / "data" / "strategisk-samarbejdsaftale-viborg-2017-2021.txt"
SHARED_SEED = ROOT.parent / "shared" / "seed" / SEED.name
SCHEMAS = ROOT / "schemas"


# The annexes the seed's »Aftaledokumenter« lists, in its order (the agreement and its import keep them).
SEED_ANNEX_TYPES = [
    "organisationsdiagram",
    "delaftale",
    "beredskabsplan",
    "milepaelsplan",
    "budget",
    "aktivitetsskema",
    "centrale_maalinger",
    "kommissorium_bestyrelse",
]


@pytest.fixture
def viborg(tmp_path: Path) -> Path:
    """A private copy of the Viborg dossier that a test may break."""
    target = tmp_path / "viborg"
    shutil.copytree(VIBORG, target)
    return target


@pytest.fixture
def run():
    """Run the aftale CLI in-process; returns (exit code, stdout, stderr)."""
    from checker.cli import main

    def _run(*args: str) -> tuple[int, str, str]:
        result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
        return result.exit_code, result.stdout, result.stderr

    return _run


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def dump(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def replace_once(path: Path, old: str, new: str) -> int:
    """Replace a unique snippet in a file's text; return the 1-based line it stands on."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path.name}"
    index = text.index(old)
    path.write_text(text.replace(old, new), encoding="utf-8")
    return text[:index].count("\n") + 1


def column_of(path: Path, snippet: str) -> tuple[int, int]:
    """1-based line and column where a snippet starts in a file."""
    text = path.read_text(encoding="utf-8")
    index = text.index(snippet)
    line = text[:index].count("\n") + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def normalise(text: str) -> str:
    """Whitespace collapsed, and line-end hyphenation joined, so prose compares word for word."""
    text = re.sub(r"\s+", " ", text)
    return re.sub(r"- (?=\S)", "-", text).strip()


# --- headless Chromium, for the HTML pages (Debian's chromium, installed by `make test`) -------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",  # this machine's closed network refuses Chromium's own traffic
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]


@pytest.fixture(scope="module")
def chromium() -> str:
    assert CHROMIUM, "chromium is missing: `make test` installs it (scripts/debian-packages.txt)"
    return CHROMIUM


def browser(chromium: str, profile: Path, *args: str) -> subprocess.CompletedProcess:
    """Run headless Chromium once with its own profile folder."""
    return subprocess.run(
        [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


pytest_plugins = ["tests.webapp"]


def poll(condition, seconds: float = 30.0, step: float = 0.01):
    """condition()'s first true value within `seconds`, asked every `step` seconds; None if none came."""
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    return None
