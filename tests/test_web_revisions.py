"""aftale serve, the revisions page, in a real Chromium: a new version started in the browser is a copy
with the next version (and every other byte as it was); the difference from the previous version is
shown line for line as `aftale diff` prints it; the ændringsoversigt downloads as Word and PDF; a
folder name with ../ or one that exists is refused and nothing is created.

One server for the module; the tests build on each other in order (the new version, then its diff)."""

from __future__ import annotations

import json
import os
import zipfile
from datetime import date
from pathlib import Path

import pytest

from tests.webapp import copy_examples, start_server

VIBORG = "viborg-2017-2021"
NEW = "viborg-2017-2021-v2"
AGREEMENT = "samarbejdsaftale.json"
DESCRIPTION = "Landsbyggefondens tilskud hæves"


def cli(*args) -> tuple[int, str, str]:
    """The aftale CLI in-process, in a thread of its own (Playwright's event loop holds this one)."""
    from concurrent.futures import ThreadPoolExecutor

    from click.testing import CliRunner

    from checker.cli import main

    def invoke():
        result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
        return result.exit_code, result.stdout, result.stderr

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(invoke).result()


@pytest.fixture(scope="module")
def srv(tmp_path_factory):
    s = start_server(copy_examples(tmp_path_factory.mktemp("revisioner") / "dossiers"))
    yield s
    s.stop()


@pytest.fixture
def page(playwright_browser, srv):
    context = playwright_browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(30_000)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.goto(srv.login_url(f"/d/{VIBORG}/revisions"))
    yield pg
    context.close()
    assert not errors, f"JavaScript errors in the page: {errors}"


def files_of(folder: Path) -> dict[str, bytes]:
    out = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for name in filenames:
            if not name.startswith("."):
                path = Path(dirpath) / name
                out[path.relative_to(folder).as_posix()] = path.read_bytes()
    return out


def test_a_new_version_is_a_copy_with_the_next_version(page, srv):
    root = srv.root
    old_path = root / VIBORG / AGREEMENT
    before = old_path.read_bytes()
    assert page.inner_text("#current-version td.nummer") == "1"
    assert page.locator("#history tbody tr").count() == 1
    assert page.input_value("#new-name") == NEW  # the suggested name
    page.fill("#new-description", DESCRIPTION)
    page.click("#new-version-form button")
    page.wait_for_url(f"**/d/{NEW}/revisions?compare={VIBORG}")

    today = date.today().isoformat()
    # the copy: every file but the agreement byte for byte, no dot-files (the lock), nothing left behind
    old_files, new_files = files_of(root / VIBORG), files_of(root / NEW)
    assert sorted(new_files) == sorted(old_files)
    assert [n for n in new_files if new_files[n] != old_files[n]] == [AGREEMENT]
    assert not (root / NEW / ".aftale.lock").exists()
    assert sorted(p.name for p in root.iterdir()) == ["eksempelby-2022-2026", VIBORG, NEW]
    assert old_path.read_bytes() == before
    # the agreement: only version and historik changed, every byte around them as it was
    old_text, new_text = before.decode(), (root / NEW / AGREEMENT).read_bytes().decode()
    head = old_text[: old_text.index('"version"')]
    tail = old_text[old_text.index('  "metadata"') :]
    assert new_text.startswith(head) and new_text.endswith(tail)
    old, new = json.loads(old_text), json.loads(new_text)
    assert new["version"] == {
        "nummer": "2",
        "dato": today,
        "beskrivelse": DESCRIPTION,
        "aendrer": "1",
        "lbf_status": "udkast",
    }
    assert new["historik"] == [
        *old["historik"],
        {"nummer": "2", "dato": today, "resume": DESCRIPTION, "aendrer": "1", "lbf_status": "udkast"},
    ]
    assert {k: v for k, v in new.items() if k not in ("version", "historik")} == {
        k: v for k, v in old.items() if k not in ("version", "historik")
    }
    # the revision rules are satisfied
    code, out, _ = cli("check", root / NEW, "--format", "json")
    assert code == 0
    codes = {f["code"] for f in json.loads(out)["findings"]}
    assert not codes & {"revision-incomplete", "revision-history"}

    # the page of the new version: version 2, the history, compared with the version it amends
    assert page.inner_text("#current-version td.nummer") == "2"
    assert page.inner_text("#current-version td.aendrer") == "1"
    assert page.inner_text("#current-version td.lbf_status") == "udkast"
    assert [r.get_attribute("data-nummer") for r in page.locator("#history tbody tr").all()] == ["1", "2"]
    assert page.input_value("#compare-with") == VIBORG


def page_lines(page) -> list[str]:
    """The changes as the page shows them, each as `aftale diff` prints its line."""
    out = []
    for item in page.locator("#changes ul.changes li").all():
        line = item.locator(".line").inner_text()
        if item.locator(".lbf").count():
            line += "  " + item.locator(".lbf").inner_text()
        out.append(line)
    return out


def test_the_difference_is_shown_as_aftale_diff_prints_it(page, srv):
    path = srv.root / NEW / AGREEMENT
    data = path.read_bytes()
    assert data.count(b'"landsbyggefonden": 14600000') == 1
    path.write_bytes(data.replace(b'"landsbyggefonden": 14600000', b'"landsbyggefonden": 14700000'))
    page.goto(f"{srv.url}/d/{NEW}/revisions")  # the version it amends is found by itself
    assert page.input_value("#compare-with") == VIBORG
    code, out, _ = cli("diff", srv.root / VIBORG, srv.root / NEW)
    assert code == 1
    printed = [line.strip() for line in out.splitlines() if line.startswith("  ")]
    assert page_lines(page) == printed
    assert "Finansiering › Landsbyggefonden: 14.600 → 14.700 t.kr.  [kræver LBF's godkendelse]" in printed
    marked = page.locator("#changes li[data-lbf='1'] .line").all_inner_texts()
    assert marked == ["Finansiering › Landsbyggefonden: 14.600 → 14.700 t.kr."]
    assert page.inner_text("#changes-summary") == out.strip().splitlines()[-1]
    assert (
        page.inner_text("#changes-summary")
        == "7 ændringer, heraf 1 som kræver Landsbyggefondens godkendelse."
    )


def _download(page, fmt: str, target: Path) -> Path:
    page.click(f"button.make-changes[data-format='{fmt}']")
    page.wait_for_selector("#changes-job[data-state='done']")
    with page.expect_download() as info:
        page.click("#changes-download")
    assert info.value.suggested_filename == f"aendringsoversigt-{VIBORG}-{NEW}.{fmt}"
    info.value.save_as(target)
    return target


def test_the_aendringsoversigt_downloads_as_word_and_pdf(page, srv, tmp_path):
    import pikepdf

    page.goto(f"{srv.url}/d/{NEW}/revisions")
    docx = _download(page, "docx", tmp_path / "web.docx")
    code, _out, err = cli(
        "diff", srv.root / VIBORG, srv.root / NEW, "--format", "docx", "-o", tmp_path / "cli.docx"
    )
    assert code == 1, err
    with zipfile.ZipFile(docx) as web, zipfile.ZipFile(tmp_path / "cli.docx") as made:
        assert web.testzip() is None
        assert {n: web.read(n) for n in web.namelist()} == {n: made.read(n) for n in made.namelist()}
        body = web.read("word/document.xml").decode()
    assert "Finansiering › Landsbyggefonden" in body
    pdf = _download(page, "pdf", tmp_path / "web.pdf")
    assert pdf.read_bytes().startswith(b"%PDF-")
    with pikepdf.open(pdf) as doc:
        assert len(doc.pages) >= 1
        assert "Ændringsoversigt" in str(doc.docinfo.get("/Title"))


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "../udenfor",
            "»../udenfor« kan ikke være et mappenavn: brug bogstaver, tal, punktum, bindestreg og understreg, "
            "og begynd med et bogstav eller tal (ingen / eller ..).",
        ),
        (
            "eksempelby-2022-2026",
            "eksempelby-2022-2026 findes allerede i mappen; vælg et andet navn. Intet er oprettet.",
        ),
    ],
)
def test_a_bad_or_existing_name_is_refused_and_nothing_is_created(page, srv, name, message):
    def everything() -> list[str]:
        return sorted(str(p.relative_to(srv.root.parent)) for p in srv.root.parent.rglob("*"))

    before = everything()
    page.fill("#new-name", name)
    page.fill("#new-description", DESCRIPTION)
    page.click("#new-version-form button")
    page.wait_for_selector("#new-version-form[data-refused='1']")
    assert page.inner_text("#new-version-result") == message
    assert everything() == before
