"""aftale serve: follow-up in a real Chromium. A measurement entered beside its target is written into
opfoelgning.json exactly as `aftale followup import` writes it, and the audit judges it; a value that is
not a number is refused with the import's message and nothing is written; evidence is stored under
opfoelgning/bilag/ with its sha256 recorded; the example register's audit carries the EKSEMPEL banner."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile

import pytest

from tests.webapp import copy_examples, start_server

VIBORG = "viborg-2017-2021"
# the one measurement missing from Viborg's example register: højst 13,72 complaints
MISSING = ("5.1-klagesager", "Vestervang", "2020-03-31")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """One server for the module; the tests below run in order on the same copy of the examples."""
    s = start_server(copy_examples(tmp_path_factory.mktemp("followup") / "dossiers"))
    yield s
    s.stop()


def _row(page, kriterium: str, noegle: str | None, kontrolpunkt: str, kind: str = "measurement"):
    selector = f"tr.{kind}[data-kriterium='{kriterium}'][data-kontrolpunkt='{kontrolpunkt}']"
    selector += f"[data-noegle='{noegle}']" if noegle else ":not([data-noegle])"
    return page.locator(selector)


def _register(server) -> tuple[bytes, dict]:
    raw = (server.root / VIBORG / "opfoelgning.json").read_bytes()
    return raw, json.loads(raw)


def test_the_audit_dashboard_shows_the_example_banner_and_offers_the_reports(page, server):
    page.goto(f"{server.url}/d/{VIBORG}/audit")
    banner = page.locator("#eksempel")
    assert banner.inner_text().startswith(
        "EKSEMPEL – opfølgningsregistret er opdigtede eksempeldata, ikke en rigtig opfølgning. Eksempeldata:"
    )
    assert page.input_value("#as_of") == "2021-03-31"
    counts = {
        page.locator("#audit-counts .tile").nth(i).get_attribute("data-status"): page.locator(
            "#audit-counts .tile b"
        )
        .nth(i)
        .inner_text()
        for i in range(5)
    }
    assert counts == {
        "opfyldt": "40",
        "ikke opfyldt": "8",
        "mangler data": "1",
        "ikke forfalden": "0",
        "dokumentation": "2",
    }
    missing = _row(page, *MISSING, kind="audit-line")
    assert missing.get_attribute("data-status") == "mangler data"
    assert "højst 13,72 (åben læsning)" in missing.inner_text()
    # the follow-up page says it too
    page.goto(f"{server.url}/d/{VIBORG}/followup")
    assert page.locator("#eksempel").inner_text().startswith("EKSEMPEL – opfølgningsregistret er opdigtede")
    # the Word report, made as a job, downloaded
    page.goto(f"{server.url}/d/{VIBORG}/audit")
    page.click("button.report-job[data-fmt='docx']")
    page.wait_for_selector("#job-docx", timeout=60_000)
    with page.expect_download() as download:
        page.click("#job-docx")
    data = open(download.value.path(), "rb").read()
    with zipfile.ZipFile(io.BytesIO(data)) as docx:
        headers = [docx.read(n).decode("utf-8") for n in docx.namelist() if n.startswith("word/header")]
    assert headers and all("EKSEMPEL – opdigtede opfølgningsdata" in h for h in headers)
    assert download.value.suggested_filename == f"revisionsrapport-{VIBORG}.docx"
    # the dashboard (the CLI's --format html) opens as it is, with its own banner
    html = page.request.get(f"{server.url}/d/{VIBORG}/audit/export/html")
    assert html.status == 200 and 'id="eksempel"' in html.text()
    assert "script-src 'self'" in html.headers["content-security-policy"]


def test_a_value_that_is_not_a_number_is_refused_and_nothing_is_written(page, server):
    before, _ = _register(server)
    page.goto(f"{server.url}/d/{VIBORG}/followup")
    row = _row(page, *MISSING)
    assert (
        row.locator("td.target").inner_text()
        == "højst 13,72\n5 % fald pr. år (sammensat) fra 16, aldrig over 16"
    )
    assert row.locator("input[name=vaerdi]").input_value() == ""
    row.locator("input[name=vaerdi]").fill("tretten")
    row.locator("input[name=dato]").fill("2020-04-15")
    row.locator("input[name=datakilde]").fill("Boligselskabernes opgørelse pr. 31.3.2020")
    assert page.inner_text("#followup-state") == "1 ændrede rækker"
    page.click("#save-followup")
    page.wait_for_selector("#followup-app[data-state='refused']")
    note = row.locator("td[data-field='vaerdi'] .finding-at.error")
    assert note.inner_text() == "»tretten« er ikke et tal; skriv tallet med komma som decimaltegn, fx 30,4."
    assert page.inner_text("#followup-error") == (
        "Intet er gemt: »tretten« er ikke et tal; skriv tallet med komma som decimaltegn, fx 30,4."
    )
    assert _register(server)[0] == before
    # a date outside the period plus a year: the import's message
    row.locator("input[name=vaerdi]").fill("13")
    row.locator("input[name=dato]").fill("2023-01-01")
    page.click("#save-followup")
    page.wait_for_function("document.querySelector(\"td[data-field='dato'] .finding-at\") !== null")
    assert row.locator("td[data-field='dato'] .finding-at").inner_text() == (
        "Datoen 1.1.2023 ligger uden for aftalens periode 1.4.2017–31.3.2021 plus et år til opgørelsen af "
        "det sidste år (senest 31.3.2022)."
    )
    assert _register(server)[0] == before


def test_a_measurement_entered_is_added_to_the_register_and_audited(page, server):
    before_raw, before = _register(server)
    page.goto(f"{server.url}/d/{VIBORG}/followup")
    row = _row(page, *MISSING)
    assert row.locator("td.status").inner_text() == "mangler data"
    row.locator("input[name=vaerdi]").fill("13")
    row.locator("input[name=dato]").fill("2020-04-15")
    row.locator("input[name=datakilde]").fill("Boligselskabernes opgørelse pr. 31.3.2020")
    page.click("#save-followup")
    page.wait_for_selector("#saved-note")
    assert page.inner_text("#saved-note") == "✓ Gemt: 1 nye, 0 erstattet, 0 uændrede."
    after_raw, after = _register(server)
    added = {
        "kriterium": "5.1-klagesager",
        "noegle": "Vestervang",
        "kontrolpunkt": "2020-03-31",
        "vaerdi": 13,
        "dato": "2020-04-15",
        "datakilde": "Boligselskabernes opgørelse pr. 31.3.2020",
    }
    assert after == {**before, "maalinger": before["maalinger"] + [added]}
    # every byte of what was there is kept: the measurement is added at the end of the list
    tail = before_raw.index(b'\n  ],\n  "evalueringer"')
    assert after_raw[:tail] == before_raw[:tail]
    assert after_raw[after_raw.index(b'\n  ],\n  "evalueringer"') :] == before_raw[tail:]
    # the page shows it, now judged
    row = _row(page, *MISSING)
    assert row.locator("input[name=vaerdi]").input_value() == "13"
    assert row.locator("td.status").inner_text() == "opfyldt"
    # and so does the audit
    page.goto(f"{server.url}/d/{VIBORG}/audit")
    line = _row(page, *MISSING, kind="audit-line")
    assert line.get_attribute("data-status") == "opfyldt"
    assert line.locator("td.maalt").inner_text().startswith("13")
    assert page.locator("#audit-counts .tile[data-status='opfyldt'] b").inner_text() == "41"
    assert page.locator("#audit-counts .tile[data-status='mangler data'] b").inner_text() == "0"


def test_evidence_is_stored_with_its_sha256_recorded(page, server):
    before_raw, before = _register(server)
    key = ("5.4-familie-ivaerksaettere", None, "2021-03-31")
    index = next(
        i
        for i, m in enumerate(before["maalinger"])
        if (m["kriterium"], m.get("noegle"), m["kontrolpunkt"]) == key
    )
    content = "Familie-iværksættere 31.3.2021: 24 familier\n".encode()
    digest = hashlib.sha256(content).hexdigest()
    page.goto(f"{server.url}/d/{VIBORG}/followup")
    row = _row(page, *key)
    row.locator("input.evidence-input").set_input_files(
        files=[{"name": "familier 2021.csv", "mimeType": "text/csv", "buffer": content}]
    )
    page.wait_for_selector("#saved-note")
    assert page.inner_text("#saved-note") == (
        "✓ Gemt: 0 nye, 1 erstattet, 0 uændrede. Dokumentationen er gemt og registreret."
    )
    rel = f"opfoelgning/bilag/5.4-familie-ivaerksaettere-2021-03-31-{digest[:12]}.csv"
    stored = server.root / VIBORG / rel
    assert stored.read_bytes() == content
    _, after = _register(server)
    expected = dict(before["maalinger"][index], bevis={"fil": rel, "sha256": digest})
    assert after["maalinger"][index] == expected
    assert after == {
        **before,
        "maalinger": before["maalinger"][:index] + [expected] + before["maalinger"][index + 1 :],
    }
    # the page links the file, as a download
    link = _row(page, *key).locator("a.evidence-link")
    assert link.inner_text() == stored.name
    response = page.request.get(server.url + link.get_attribute("href"))
    assert response.body() == content
    assert response.headers["content-disposition"].startswith("attachment;")
    # evidence whose measurement the import refuses: nothing stays, not even the folders made for it
    eksempelby = server.root / "eksempelby-2022-2026"
    page.goto(f"{server.url}/d/eksempelby-2022-2026/followup")
    row = _row(page, "5.1-dagtilbud", None, "2024-08-31")
    row.locator("input[name=vaerdi]").fill("firs")
    row.locator("input[name=dato]").fill("2024-09-01")
    row.locator("input[name=datakilde]").fill("Dagtilbudsregistret")
    row.locator("input.evidence-input").set_input_files(
        files=[{"name": "dagtilbud.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 x"}]
    )
    page.wait_for_selector("#followup-app[data-state='refused']")
    assert row.locator("td[data-field='vaerdi'] .finding-at").inner_text() == (
        "»firs« er ikke et tal; skriv tallet med komma som decimaltegn, fx 30,4."
    )
    assert not (eksempelby / "opfoelgning").exists()
    assert not (eksempelby / "opfoelgning.json").exists()
    # without a measurement at all, the page asks for it first
    row.locator("input[name=vaerdi]").fill("")
    row.locator("input[name=dato]").fill("")
    row.locator("input[name=datakilde]").fill("")
    row.locator("input.evidence-input").set_input_files(
        files=[{"name": "dagtilbud.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 x"}]
    )
    page.wait_for_function(
        "document.getElementById('followup-error').textContent.startsWith('Skriv målingen')"
    )
    assert page.inner_text("#followup-error") == (
        "Skriv målingen (værdi, dato og datakilde), før du vedhæfter dokumentation."
    )
    assert not (eksempelby / "opfoelgning").exists()


def test_a_stale_form_writes_nothing(server):
    """The register changed under the form (another browser saved the same measurement): 409, nothing
    written."""
    import urllib.error
    import urllib.request

    from checker.web.security import csrf_token

    before, _ = _register(server)
    row = {
        "kriterium": "5.1-klagesager",
        "noegle": "Egeparken",
        "kontrolpunkt": "2018-03-31",
        "vaerdi": "1",
        "dato": "2018-04-01",
        "datakilde": "Ny opgørelse",
        "before": {"vaerdi": "", "dato": "", "datakilde": ""},  # the page saw no measurement; there is one
    }
    request = urllib.request.Request(
        f"{server.url}/d/{VIBORG}/followup",
        data=json.dumps({"rows": [row]}).encode(),
        headers={
            "Authorization": f"Bearer {server.token}",
            "X-CSRF-Token": csrf_token(server.token),
            "Accept": "application/json",
            "Content-Type": "application/json",
        },
        method="POST",
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=30)
    assert refused.value.code == 409
    assert json.loads(refused.value.read())["error"] == (
        "Målingen er ændret af en anden, siden du åbnede siden; intet er gemt. Genindlæs siden."
    )
    assert _register(server)[0] == before
