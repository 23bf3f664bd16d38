"""The issue's "done when": a new user, on the machine `make run` set up, goes from nothing to an edited,
checked and built dossier in the browser alone. In one real Chromium session against a real server:
create a dossier with the form, fill in a placeholder in the agreement's form, see its finding go,
build it as a draft, download the agreement's PDF/A and find the text typed in the form in it."""

from __future__ import annotations

import io

import pdfplumber
import pikepdf
import pytest

from tests.webapp import logged_in, start_server

PLAN = "den boligsociale helhedsplan i Nordby (test)"


@pytest.fixture
def empty_server(tmp_path):
    root = tmp_path / "dossiers"
    root.mkdir()
    s = start_server(root, cwd=tmp_path)
    yield s
    s.stop()


def test_from_nothing_to_a_built_dossier_in_the_browser(playwright_browser, empty_server):
    server = empty_server
    with logged_in(playwright_browser, server, "/", timeout_ms=120_000) as page:
        assert "Mappen har ingen dossierer endnu." in page.inner_text("main")
        page.click("text=Nyt dossier")
        page.fill("#name", "nordby")
        page.fill("#areas", "Nordparken")
        rows = page.locator("#parties tbody tr.party")
        rows.nth(0).locator("select[name=party_type]").select_option("kommune")
        rows.nth(0).locator("input[name=party_name]").fill("Nordby Kommune")
        rows.nth(1).locator("select[name=party_type]").select_option("boligorganisation")
        rows.nth(1).locator("input[name=party_name]").fill("Boligselskabet Nord")
        page.click("#create")
        page.wait_for_url(f"{server.url}/d/nordby")
        assert (server.root / "nordby" / "samarbejdsaftale.json").is_file()

        # the agreement as a form: the plan's name is a placeholder, an error at its field
        page.click("#documents a[href='/d/nordby/edit/samarbejdsaftale.json']")
        page.wait_for_selector("#editor-app[data-ready='1']")
        at_plan = "[data-schemapath='root.helhedsplan'] .finding-at[data-code='placeholder-left']"
        assert page.locator(at_plan).count() == 1
        field = page.locator("[name='root[helhedsplan]']")
        field.fill(PLAN)
        field.dispatch_event("change")
        page.click("#save")
        page.wait_for_selector("#editor-app[data-saved]")
        assert page.locator(at_plan).count() == 0
        assert f'"helhedsplan": "{PLAN}"' in (server.root / "nordby" / "samarbejdsaftale.json").read_text()

        # the build: refused while placeholders are left, built as a draft
        page.click("nav.tabs a[href='/d/nordby/build']")
        page.check("#draft")
        page.click("#build-button")
        page.wait_for_function("document.getElementById('build-app').dataset.finished")
        assert page.get_attribute("#job", "data-state") == "done"
        page.goto(f"{server.url}/d/nordby/build")
        agreement = page.locator("#built tr[data-stem='samarbejdsaftale']")
        with page.expect_download() as info:
            agreement.locator("a.pdf").click()
        data = open(info.value.path(), "rb").read()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        meta = pdf.open_metadata()
        assert (meta.get("pdfaid:part"), meta.get("pdfaid:conformance")) == ("2", "B")
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        text = " ".join((p.extract_text() or "") for p in pdf.pages)
    assert PLAN in " ".join(text.split())
    assert "UDKAST" in text
