"""aftale serve: the annexes page, in a real Chromium against a real server. An uploaded budget with a
wrong total is saved and its finding is shown at its cell; a file that is not what its name says, an
oversized file and an unsafe SVG are refused with a clear message and nothing changes; a download is
the file's exact bytes."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import openpyxl
import pytest

from checker.web.security import csrf_token
from tests.conftest import VIBORG

NAME = "viborg-2017-2021"
PAGE = f"/d/{NAME}/annexes"


def _files(folder) -> dict[str, bytes]:
    """Every file of the dossier (the lock file aside) with its bytes."""
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != ".aftale.lock"
    }


def _broken_budget() -> bytes:
    """Viborg's budget with the Landsbyggefonden total 1 kr. too high: year 4 and the totals changed
    together, as a spreadsheet would have calculated them (the cached values stay consistent)."""
    wb = openpyxl.load_workbook(VIBORG / "budget.xlsx", data_only=True)
    ws = wb["Finansiering"]
    for cell in ("E11", "F11", "E13", "F13"):
        ws[cell] = ws[cell].value + 1
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _upload(page, kind: str, name: str, data: bytes, mime: str) -> str:
    """Choose the file in the annex's form, send it, wait for the answer; returns the card's result."""
    card = page.locator(f"#annex-{kind}")
    card.locator("input[type=file]").set_input_files({"name": name, "mimeType": mime, "buffer": data})
    card.locator("button[type=submit]").click()
    page.wait_for_selector(f"#annex-{kind}[data-result]")
    return page.get_attribute(f"#annex-{kind}", "data-result")


def _upload_file(page, kind: str, path: Path) -> tuple[str, str]:
    """Upload `path` on the annex card of `kind` and wait for the answer: (the card's data-result, the
    refusal's message or "")."""
    card = page.locator(f"#annex-{kind}")
    card.locator("input[type=file]").set_input_files(path)
    card.locator("button[type=submit]").click()
    page.wait_for_selector(f"#annex-{kind}[data-result]")
    refused = card.locator(".upload-refused .message")
    return page.get_attribute(
        f"#annex-{kind}", "data-result"
    ), refused.inner_text() if refused.count() else ""


def test_a_budget_with_a_wrong_total_is_saved_and_its_finding_names_the_cell(page, server):
    folder = server.root / NAME
    page.goto(server.url + PAGE)
    assert page.locator("#annex-budget .no-findings").count() == 1
    broken = _broken_budget()
    assert _upload(page, "budget", "budget.xlsx", broken, "application/octet-stream") == "saved"
    assert (folder / "budget.xlsx").read_bytes() == broken
    card = page.locator("#annex-budget")
    assert card.locator(".upload-state").inner_text() == "Gemt og kontrolleret."
    found = [
        (li.get_attribute("data-code"), li.get_attribute("data-place"))
        for li in card.locator("li.finding").all()
    ]
    assert sorted(found) == [
        ("budget-agrees", "Finansiering!F11"),
        ("budget-agrees", "Finansiering!F13"),
        ("budget-expenditure-total", "Finansiering!E20"),
        ("budget-expenditure-total", "Finansiering!F20"),
    ]
    lbf = card.locator("li.finding[data-place='Finansiering!F11']")
    assert "Finansiering!F11" in lbf.inner_text()
    assert (
        lbf.locator(".msg").inner_text()
        == "Budgettets »Landsbyggefonden« i alt er 14.600.001 kr., men samarbejdsaftalen siger 14.600.000 kr."
    )
    assert page.inner_text("#totals .sev.error") == "4 fejl"
    assert page.inner_text("#totals .sev.warning") == "9 advarsler"
    # the page as rendered afresh says the same (the check is the server's, not the script's)
    page.reload()
    assert page.locator("#annex-budget li.finding[data-code='budget-agrees']").count() == 2
    # the agreement and every other file are untouched
    before = _files(VIBORG)
    after = _files(folder)
    assert {k: v for k, v in after.items() if k != "budget.xlsx"} == {
        k: v for k, v in before.items() if k != "budget.xlsx"
    }


def test_a_file_renamed_to_xlsx_is_refused_and_the_old_budget_stays(page, server):
    folder = server.root / NAME
    before = _files(folder)
    page.goto(server.url + PAGE)
    result = _upload(page, "budget", "budget.xlsx", b"Landsbyggefonden;14600000\n", "text/csv")
    assert result == "refused-422"
    refusal = page.locator("#annex-budget .upload-refused")
    assert refusal.is_visible()
    assert (
        refusal.locator(".message").inner_text()
        == "Filen er ikke en Excel-projektmappe (.xlsx). Filen er en tekstfil (fx CSV)."
    )
    assert "Det hjælper ikke blot at omdøbe filen." in refusal.locator(".hint").inner_text()
    assert _files(folder) == before  # nothing written, nothing left behind
    # a Word document (a zip, but no workbook) named .xlsx: the reader says what it is
    word = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(word, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<document/>")
    assert _upload(page, "budget", "budget.xlsx", word.getvalue(), "application/zip") == "refused-422"
    assert "Filen er et Word-dokument." in refusal.locator(".message").inner_text()
    # a text file named .pdf for the central measurements
    assert _upload(page, "centrale_maalinger", "m.pdf", b"hello", "application/pdf") == "refused-422"
    assert (
        page.locator("#annex-centrale_maalinger .upload-refused .message").inner_text()
        == "Filen er ikke en PDF-fil."
    )
    assert _files(folder) == before


def test_an_oversized_upload_is_refused_413_and_nothing_changes(page, server, tmp_path):
    """Files on disk (as a user chooses them): the server refuses them by their stated size, before
    reading them."""
    folder = server.root / NAME
    before = _files(folder)
    page.goto(server.url + PAGE)
    big = tmp_path / "budget.xlsx"
    with big.open("wb") as fh:
        fh.write(b"PK\x03\x04")
        fh.truncate(21 * 1024 * 1024)
    assert _upload_file(page, "budget", big) == ("refused-413", "Filen er for stor: højst 20 MB.")
    # the diagram's limit is an image's, 5 MB
    svg = tmp_path / "d.svg"
    svg.write_bytes(b'<svg xmlns="http://www.w3.org/2000/svg">' + b" " * (6 * 1024 * 1024) + b"</svg>")
    assert _upload_file(page, "organisationsdiagram", svg) == (
        "refused-413",
        "Filen er for stor: højst 5 MB.",
    )
    assert _files(folder) == before


UNSAFE_SVGS = [
    (
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        "SVG-filen afvises: den indeholder et <script>-element.",
    ),
    (
        b'<svg xmlns="http://www.w3.org/2000/svg"><rect width="1" height="1" onclick="go()"/></svg>',
        "SVG-filen afvises: den har en hændelseshandler (onclick), som kan køre et script.",
    ),
    (
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
        b'<image xlink:href="https://example.org/x.png"/></svg>',
        "SVG-filen afvises: den henviser til noget uden for filen (https://example.org/x.png).",
    ),
    (
        b'<?xml version="1.0"?><!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
        b'"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd"><svg xmlns="http://www.w3.org/2000/svg"/>',
        "SVG-filen afvises: den har en DOCTYPE-erklæring.",
    ),
    (
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]><svg xmlns="http://www.w3.org/2000/svg">'
        b"&a;</svg>",
        "SVG-filen kan ikke læses: SVG-filen indeholder XML-entiteter eller DTD'er, som ikke tillades.",
    ),
    (
        b'<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(https://example.org/a.css);</style></svg>',
        "SVG-filen afvises: dens stilark henter noget udefra.",
    ),
]


def test_an_unsafe_svg_diagram_is_refused(server):
    """Plain HTTP as the page's script sends it (JSON answer); the diagram on disk stays as it was."""
    import urllib.error
    import urllib.request
    import uuid

    folder = server.root / NAME
    before = _files(folder)
    for svg, message in UNSAFE_SVGS:
        boundary = uuid.uuid4().hex
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="d.svg"\r\n'
                "Content-Type: image/svg+xml\r\n\r\n"
            ).encode()
            + svg
            + f"\r\n--{boundary}--\r\n".encode()
        )
        request = urllib.request.Request(
            server.url + PAGE + "/organisationsdiagram",
            data=body,
            method="POST",
            headers={
                "Authorization": f"Bearer {server.token}",
                "X-CSRF-Token": csrf_token(server.token),
                "Accept": "application/json",
                "Content-Type": f"multipart/form-data; boundary={boundary}",
            },
        )
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=30)
        assert refused.value.code == 422, message
        assert json.loads(refused.value.read())["error"] == message
    assert _files(folder) == before


def test_a_png_diagram_replaces_the_svg_and_the_list_follows(page, server):
    from PIL import Image

    folder = server.root / NAME
    agreement_before = (folder / "samarbejdsaftale.json").read_bytes()
    png = io.BytesIO()
    Image.new("RGB", (320, 200), "white").save(png, "PNG")
    page.goto(server.url + PAGE)
    assert _upload(page, "organisationsdiagram", "diagram.png", png.getvalue(), "image/png") == "saved"
    assert page.get_attribute("#annex-organisationsdiagram", "data-saved") == "organisationsdiagram.png"
    assert (folder / "organisationsdiagram.png").read_bytes() == png.getvalue()
    assert not (folder / "organisationsdiagram.svg").exists()
    # the agreement changed in exactly the two places that name the file, every other byte as it was
    after = (folder / "samarbejdsaftale.json").read_bytes()
    assert after == agreement_before.replace(b'"organisationsdiagram.svg"', b'"organisationsdiagram.png"')
    assert agreement_before.count(b'"organisationsdiagram.svg"') == 2
    card = page.locator("#annex-organisationsdiagram")
    assert card.locator(".annex-file").get_attribute("data-rel") == "organisationsdiagram.png"
    assert card.locator(".no-findings").count() == 1
    assert card.locator("img.annex-preview").evaluate("img => img.complete && img.naturalWidth") == 320


def test_downloads_are_the_exact_bytes_with_a_safe_disposition(page, server):
    folder = server.root / NAME
    page.goto(server.url + PAGE)
    with page.expect_download() as info:
        page.click("#annex-budget a.download")
    download = info.value
    assert download.suggested_filename == "budget.xlsx"
    assert open(download.path(), "rb").read() == (folder / "budget.xlsx").read_bytes()
    for rel, media_type in [
        ("budget.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("centrale-maalinger.pdf", "application/pdf"),
        ("organisationsdiagram.svg", "image/svg+xml"),
    ]:
        answer = page.request.get(f"{server.url}{PAGE}/file/{rel}")
        assert answer.status == 200
        assert answer.body() == (folder / rel).read_bytes()
        headers = answer.headers
        assert headers["content-type"].split(";")[0] == media_type
        assert headers["content-disposition"] == f'attachment; filename="{rel}"'
        assert headers["x-content-type-options"] == "nosniff"
        assert "sandbox" in headers["content-security-policy"]
    # only the annex files the agreement lists; no path from the address reaches anything else
    for bad in [
        "samarbejdsaftale.json",
        "../viborg-2017-2021/budget.xlsx",
        "%2e%2e/eksempelby-2022-2026/budget.xlsx",
        ".aftale.lock",
        "delaftaler/5.1-tryghed-og-trivsel.json",
    ]:
        assert page.request.get(f"{server.url}{PAGE}/file/{bad}").status == 404, bad
    assert page.request.get(f"{server.url}/d/..%2f/annexes").status == 404


def test_a_plain_form_post_redirects_and_a_refusal_renders_the_page(page, server):
    """Without the page's script: the form posts with the CSRF token in its address; success redirects
    to the page (303), a refusal renders it with the message and the refusal's status."""
    folder = server.root / NAME
    token = csrf_token(server.token)
    url = f"{server.url}{PAGE}/budget?csrf={token}"
    answer = page.request.post(
        url,
        multipart={"file": {"name": "b.xlsx", "mimeType": "text/plain", "buffer": b"not a workbook"}},
        max_redirects=0,
    )
    assert answer.status == 422
    html = answer.text()
    assert re.search(r'class="problem upload-refused" role="alert"\s*>', html)
    assert "Filen er ikke en Excel-projektmappe (.xlsx). Filen er en tekstfil (fx CSV)." in html
    broken = _broken_budget()
    answer = page.request.post(
        url,
        multipart={"file": {"name": "b.xlsx", "mimeType": "application/octet-stream", "buffer": broken}},
        max_redirects=0,
    )
    assert answer.status == 303
    assert answer.headers["location"] == f"{PAGE}?saved=budget#annex-budget"
    assert (folder / "budget.xlsx").read_bytes() == broken
    page.goto(server.url + answer.headers["location"])
    assert page.locator("#annex-budget .upload-state").inner_text() == "Gemt og kontrolleret."
    assert page.locator("#annex-budget li[data-code='budget-agrees']").count() == 2
    # without the CSRF token nothing is accepted
    answer = page.request.post(
        f"{server.url}{PAGE}/budget",
        multipart={"file": {"name": "b.xlsx", "mimeType": "application/octet-stream", "buffer": broken}},
    )
    assert answer.status == 403


def test_an_annex_with_no_file_listed_is_added_to_the_agreements_list(page, server):
    """As after `aftale new`: the agreement lists no file for the central measurements. The upload is
    written under the usual name and the name is added to the list, changing nothing else."""
    folder = server.root / "eksempelby-2022-2026"
    path = folder / "samarbejdsaftale.json"
    original = path.read_bytes()
    listed = original.replace(b'"centrale-maalinger.pdf"', b"", 1)
    assert listed != original
    path.write_bytes(listed)
    pdf = (folder / "centrale-maalinger.pdf").read_bytes()
    (folder / "centrale-maalinger.pdf").unlink()
    page.goto(f"{server.url}/d/eksempelby-2022-2026/annexes")
    card = page.locator("#annex-centrale_maalinger")
    assert card.locator(".not-listed").inner_text() == (
        "Aftalen angiver ingen fil; en upload tilføjes listen over aftaledokumenter."
    )
    assert card.locator(".entry-findings li").get_attribute("data-code") == "annex-missing"
    assert _upload(page, "centrale_maalinger", "målinger.pdf", pdf, "application/pdf") == "saved"
    assert (folder / "centrale-maalinger.pdf").read_bytes() == pdf
    after = path.read_bytes()
    assert json.loads(after) == json.loads(original)
    # only the list changed: every byte before and after it as it was
    start = listed.index(b'"type": "centrale_maalinger"')
    assert after[:start] == listed[:start]
    assert after.endswith(listed[listed.index(b"]", start) + 1 :])
    card = page.locator("#annex-centrale_maalinger")
    assert card.locator(".entry-findings").count() == 0
    assert card.locator(".annex-file").get_attribute("data-rel") == "centrale-maalinger.pdf"
    assert card.locator(".no-findings").count() == 1


def test_an_annex_the_agreement_does_not_name_cannot_be_uploaded(page, server):
    folder = server.root / NAME
    path = folder / "samarbejdsaftale.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    bilag = data["aftaledokumenter"]["bilag"]
    data["aftaledokumenter"]["bilag"] = [b for b in bilag if b["type"] != "aktivitetsskema"]
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    before = _files(folder)
    page.goto(server.url + PAGE)
    card = page.locator("#annex-aktivitetsskema")
    assert (
        "Tilføj det i aftalens formular (Aftaledokumenter › Bilag)" in card.locator(".no-entry").inner_text()
    )
    assert card.locator("form").count() == 0
    answer = page.request.post(
        f"{server.url}{PAGE}/aktivitetsskema",
        headers={"X-CSRF-Token": csrf_token(server.token), "Accept": "application/json"},
        multipart={
            "file": {
                "name": "a.xlsx",
                "mimeType": "application/octet-stream",
                "buffer": (VIBORG / "aktivitetsskema.xlsx").read_bytes(),
            }
        },
    )
    assert answer.status == 409
    assert answer.json()["error"].startswith(
        "»Aktivitetsskema« står ikke i aftalens liste over aftaledokumenter."
    )
    assert _files(folder) == before
    assert (
        page.request.post(
            f"{server.url}{PAGE}/budget.xlsx", headers={"X-CSRF-Token": csrf_token(server.token)}
        ).status
        == 404
    )
