"""A real `aftale serve` process over a private copy of the example dossiers, and a real Chromium driven
by Playwright (Debian's chromium; Playwright's own browser download is not used)."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import poll

ROOT = Path(__file__).resolve().parent.parent
AGREEMENTS = ROOT / "agreements"
TOKEN = "test-token-0123456789abcdef"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass
class Server:
    url: str  # http://127.0.0.1:PORT (no slash, no token)
    root: Path  # the folder it serves
    process: subprocess.Popen
    token: str = TOKEN
    log: Path | None = None  # the server's messages (stderr)

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])

    def login_url(self, path: str = "/") -> str:
        return f"{self.url}{path}?token={self.token}"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        if self.log is not None:
            self.log.unlink(missing_ok=True)


def start_server(
    root: Path, *args: str, token: str | None = TOKEN, env: dict | None = None, cwd: Path = ROOT
) -> Server:
    """Start `aftale serve ROOT --port 0` in `cwd` (where its builds go: generated/<dossier>, as the command
    line's default) and wait for the address it prints (the first line)."""
    command = [sys.executable, "-m", "checker", "serve", str(root), "--port", "0", "--no-browser", *args]
    if token is not None:
        command += ["--token", token]
    # the server's messages go to a file: a pipe nobody reads would fill and stop the server
    log = tempfile.NamedTemporaryFile(prefix="aftale-serve-", suffix=".log", delete=False)
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
    )
    log.close()
    line = process.stdout.readline().strip()
    if not line.startswith("http://"):
        process.kill()
        process.wait(10)
        raise AssertionError(f"aftale serve did not start: {line!r} {Path(log.name).read_text()[:2000]}")
    url = line.split("/?token=", 1)[0]
    return Server(url, root, process, token or line.split("token=", 1)[1], Path(log.name))


def copy_examples(
    target: Path, names: tuple[str, ...] = ("viborg-2017-2021", "eksempelby-2022-2026")
) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copytree(AGREEMENTS / name, target / name)
    return target


@pytest.fixture
def server(tmp_path: Path):
    """A server over a private copy of both examples; stopped after the test."""
    s = start_server(copy_examples(tmp_path / "dossiers"))
    yield s
    s.stop()


@pytest.fixture(scope="session")
def playwright_browser():
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    assert chromium, "chromium is missing: `make test` installs it (scripts/debian-packages.txt)"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@contextlib.contextmanager
def logged_in(browser, server: Server, path: str = "/", timeout_ms: int = 30_000):
    """A fresh browser context logged in to `server` (the token set as its cookie), at `path`; fails
    the test on any JavaScript error in its pages."""
    context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(timeout_ms)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.goto(server.login_url(path))
    try:
        yield pg
    finally:
        context.close()
    assert not errors, f"JavaScript errors in the page: {errors}"


@pytest.fixture
def page(playwright_browser, server):
    """A logged-in page on the test's `server`."""
    with logged_in(playwright_browser, server) as pg:
        yield pg


def wait_ready(pg) -> None:
    """Wait until the form is built (edit.js sets data-ready)."""
    pg.wait_for_selector("#editor-app[data-ready='1']")


def wait_saved(pg, before: str | None) -> str:
    """Wait until a save answered (edit.js sets data-saved to a new value); returns that value."""
    pg.wait_for_function(
        "b => { const v = document.getElementById('editor-app').dataset.saved; return v && v !== b; }",
        arg=before or "",
    )
    return pg.get_attribute("#editor-app", "data-saved")


def wait_until(predicate, timeout: float = 30.0, step: float = 0.1):
    value = poll(predicate, timeout, step)
    if not value:
        raise AssertionError("timed out")
    return value
