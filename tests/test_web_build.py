"""aftale serve: building the documents in a real Chromium against a real server with the real
LibreOffice. Viborg builds; its agreement PDF downloads as PDF/A-2b and its pages preview as PNG; a second
build while one runs is refused; a dossier with errors is refused with the finding codes and builds as a
draft.

One server for the module, started in a private working folder: the build goes where `aftale build`
puts it, generated/<dossier> under the folder the server was started in, never the project's own.
"""

from __future__ import annotations

import io
import json

import pikepdf
import pytest
from PIL import Image

from checker.web.security import csrf_token
from tests.webapp import copy_examples, logged_in, start_server, wait_until

VIBORG = "viborg-2017-2021"
EKSEMPELBY = "eksempelby-2022-2026"


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    return tmp_path_factory.mktemp("build-cwd")


@pytest.fixture(scope="module")
def server(work):
    """`aftale serve` over a copy of both examples, run in `work` (so its builds go to work/generated)."""
    s = start_server(copy_examples(work / "dossiers"), cwd=work)
    yield s
    s.stop()


@pytest.fixture
def page(playwright_browser, server):
    with logged_in(playwright_browser, server, timeout_ms=60_000) as pg:
        yield pg


def _build(pg) -> str:
    """Click the build button and wait until the page shows how that build ended; returns its state."""
    before = pg.get_attribute("#build-app", "data-finished") or ""
    pg.click("#build-button")
    pg.wait_for_function(
        "b => (document.getElementById('build-app').dataset.finished || '') !== b", arg=before
    )
    return pg.get_attribute("#job", "data-state")


def test_viborg_builds_its_pdf_is_pdfa_and_a_second_build_meanwhile_is_refused(
    playwright_browser, page, server, work
):
    url = f"{server.url}/d/{VIBORG}/build"
    other_context = playwright_browser.new_context()
    other = other_context.new_page()
    other.goto(server.login_url(f"/d/{VIBORG}/build"))
    try:
        page.goto(url)
        assert page.locator("#no-build").is_visible()
        before = page.get_attribute("#build-app", "data-finished")
        assert before is None
        page.click("#build-button")
        # while it runs, a second click (another tab) is refused with a clear message
        page.wait_for_selector("#job[data-state='running']")
        other.click("#build-button")
        other.wait_for_selector("#build-app[data-refused]")
        assert other.get_attribute("#build-app", "data-refused") == "409"
        assert (
            other.inner_text("#build-problem")
            == "Dossieret er optaget af en anden opgave (build); vent, til den er færdig."
        )
    finally:
        other_context.close()
    page.wait_for_selector("#build-app[data-finished]")
    assert page.get_attribute("#job", "data-state") == "done"
    steps = page.locator("#job-steps li").all_inner_texts()
    assert steps[:6] == [
        "Kontrollerer dossieret",
        "Tegner organisationsdiagrammet",
        "Skriver 9 Word-dokumenter",
        "Laver PDF/A med LibreOffice",
        "Tilføjer underskriftsfelter",
        "Skriver manifestet",
    ]
    assert steps[6] == f"Færdig: 20 filer i generated/{VIBORG}"
    out = work / "generated" / VIBORG
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["udkast"] is False
    rows = page.locator("#built tbody tr")
    assert rows.count() == 10  # 9 documents and the organisationsdiagram
    agreement = page.locator("#built tr[data-stem='samarbejdsaftale']")
    assert agreement.locator("a.docx").inner_text() == "samarbejdsaftale.docx"
    # the agreement's PDF downloads as the file the build wrote, and it is PDF/A-2b
    with page.expect_download() as info:
        agreement.locator("a.pdf").click()
    download = info.value
    assert download.suggested_filename == "samarbejdsaftale.pdf"
    data = open(download.path(), "rb").read()
    assert data == (out / "samarbejdsaftale.pdf").read_bytes()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        meta = pdf.open_metadata()
        assert (meta.get("pdfaid:part"), meta.get("pdfaid:conformance")) == ("2", "B")
        pages = len(pdf.pages)
    assert f"({pages} sider)" in agreement.inner_text()
    # the previews: one image per page, each a real PNG of the page's proportions
    agreement.locator("details.previews summary").click()
    images = agreement.locator("details.previews img")
    assert images.count() == pages
    first = images.nth(0)
    first.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=first.element_handle())
    assert first.evaluate("img => [img.naturalWidth, img.naturalHeight]") == [900, 1273]  # A4 at 900 px
    answer = page.request.get(f"{url}/preview/samarbejdsaftale.pdf/1.png")
    assert answer.status == 200 and answer.headers["content-type"] == "image/png"
    png = answer.body()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG" and image.size == (900, 1273)
        assert len(set(image.convert("L").resize((60, 85)).tobytes())) > 10  # drawn, not blank
    # pages beyond the document, files not in the manifest, paths: none reach anything
    for bad in [
        f"preview/samarbejdsaftale.pdf/{pages + 1}.png",
        "preview/samarbejdsaftale.pdf/0.png",
        "preview/samarbejdsaftale.docx/1.png",
        "preview/..%2f..%2fdossiers%2fviborg-2017-2021%2fcentrale-maalinger.pdf/1.png",
        "file/manifest.json",
        "file/..%2fgenerated%2fviborg-2017-2021%2fsamarbejdsaftale.pdf",
        "file/.samarbejdsaftale.pdf",
        "job/0123456789abcdef",
    ]:
        assert page.request.get(f"{url}/{bad}").status == 404, bad
    # every download is exactly the file the manifest lists, with its type
    for name, media_type in [
        ("samarbejdsaftale.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("organisationsdiagram.png", "image/png"),
    ]:
        answer = page.request.get(f"{url}/file/{name}")
        assert answer.headers["content-type"].split(";")[0] == media_type
        assert answer.headers["content-disposition"] == f'attachment; filename="{name}"'
        assert answer.body() == (out / name).read_bytes()
    # the page opened anew lists the same build
    page.goto(url)
    assert page.locator("#built tbody tr").count() == 10
    assert page.locator("#stale").count() == 0


def test_a_dossier_with_errors_is_refused_with_its_findings_and_builds_as_a_draft(page, server, work):
    path = server.root / EKSEMPELBY / "samarbejdsaftale.json"
    text = path.read_text(encoding="utf-8")
    data = json.loads(text)
    lbf = data["ressourcer"]["finansiering"]["landsbyggefonden"]
    broken = text.replace(f'"landsbyggefonden": {lbf}', f'"landsbyggefonden": {lbf + 1000}', 1)
    assert broken != text
    path.write_text(broken, encoding="utf-8")
    page.goto(f"{server.url}/d/{EKSEMPELBY}/build")
    assert page.locator("#check-errors").is_visible()
    assert _build(page) == "refused"
    assert page.inner_text("#job-message") == (
        "Kontrollen fandt fejl; dokumenterne bygges ikke. Ret fejlene, eller byg et udkast med --draft."
    )
    codes = page.locator("#job-findings li.finding.error").evaluate_all("els => els.map(e => e.dataset.code)")
    assert sorted(codes) == ["budget-agrees", "finance-total"]
    assert (
        page.inner_text("#draft-hint")
        == "Vil du bygge alligevel, så sæt flueben ved »Som udkast« og byg igen."
    )
    assert not (work / "generated" / EKSEMPELBY).exists()
    # a plain form post (no script) starts the job and goes to the page that shows it
    answer = page.request.post(
        f"{server.url}/d/{EKSEMPELBY}/build?csrf={csrf_token(server.token)}", form={}, max_redirects=0
    )
    assert answer.status == 303
    job = answer.headers["location"].split("?job=", 1)[1]
    assert answer.headers["location"] == f"/d/{EKSEMPELBY}/build?job={job}"
    poll = f"{server.url}/d/{EKSEMPELBY}/build/job/{job}"
    state = wait_until(lambda: (s := page.request.get(poll).json())["state"] != "running" and s)
    assert state["state"] == "refused"
    assert sorted(f["code"] for f in state["findings"] if f["severity"] == "error") == [
        "budget-agrees",
        "finance-total",
    ]
    assert page.request.get(f"{server.url}/d/{VIBORG}/build/job/{job}").status == 404  # not Viborg's job
    # as a draft it builds, and says so
    page.check("#draft")
    assert _build(page) == "done"
    assert page.locator("#is-draft").inner_text() == "UDKAST: dokumenterne er stemplet som udkast."
    manifest = json.loads((work / "generated" / EKSEMPELBY / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["udkast"] is True
    assert sorted(set(manifest["check"]["findings"]) & {"budget-agrees", "finance-total"}) == [
        "budget-agrees",
        "finance-total",
    ]
    assert page.locator("#built tr[data-stem='samarbejdsaftale'] a.pdf").count() == 1
