"""aftale serve, the signatures page, in a real Chromium: every signing party and its state; a signature
recorded in the browser changes exactly its block on disk, and a second record is refused with the
CLI's message; an uploaded PDF signed with `aftale dev-cert` + `aftale sign` is verified per party as
`aftale verify` does, a tampered or forged one is never reported valid, a non-PDF is refused; the package
is refused while signatures are missing, and the draft the browser downloads is byte for byte the one
`aftale package --draft` writes.

One server and one build for the module (the build is the slow part): the server runs in a folder of
its own, so the build's default place, generated/<dossier>, is the module's and not the project's."""

from __future__ import annotations

import io
import json
import os
import shutil
import zipfile
from pathlib import Path

import pytest

from tests.webapp import ROOT, TOKEN, copy_examples, logged_in, start_server

VIBORG = "viborg-2017-2021"
AGREEMENT = "samarbejdsaftale.json"
PARTIES = [
    "Boligselskabet Viborg",
    "Boligselskabet Sct. Jørgen Viborg",
    "Bjerringbro Andelsboligforening",
    "Viborg Kommune",
]
DOCUMENTS = [
    ("samarbejdsaftale.json", "Strategisk samarbejdsaftale om boligsocial indsats"),
    ("delaftaler/5.1-tryghed-og-trivsel.json", "Delaftale for indsatsområde 5.1 Tryghed og trivsel"),
    (
        "delaftaler/5.3-uddannelse-og-beskaeftigelse.json",
        "Delaftale for indsatsområde 5.3 Uddannelse og beskæftigelse",
    ),
    (
        "delaftaler/5.4-forebyggelse-og-foraeldreansvar.json",
        "Delaftale for indsatsområde 5.4 Forebyggelse og forældreansvar",
    ),
]


def in_thread(fn, *args):
    """`fn(*args)` in a thread of its own: pyHanko runs asyncio, and Playwright's loop holds this one."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(fn, *args).result()


def cli(*args, cwd: Path | None = None) -> tuple[int, str, str]:
    """The aftale CLI in-process, in `cwd` (its defaults, generated/<dossier>, are relative to it)."""
    from click.testing import CliRunner

    from checker.cli import main

    def invoke():
        before = Path.cwd()
        if cwd is not None:
            os.chdir(cwd)
        try:
            result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
        finally:
            os.chdir(before)
        return result.exit_code, result.stdout, result.stderr

    return in_thread(invoke)


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> dict:
    """Both examples, Viborg built (as `aftale build` does by default, into generated/viborg-2017-2021)
    and its agreement signed by Viborg Kommune with a test certificate (`aftale dev-cert`, `aftale sign`)."""
    base = tmp_path_factory.mktemp("underskrifter")
    root = copy_examples(base / "dossiers")
    code, out, err = cli("build", root / VIBORG, cwd=base)
    assert code == 0, out + err
    build = base / "generated" / VIBORG
    certs = base / "certs"
    for person, org in (("Ulla Åkjær", "Viborg Kommune"), ("Birthe Ærø", "Boligselskabet Viborg")):
        assert cli("dev-cert", "--name", person, "--organisation", org, "--out", certs)[0] == 0
    signed = base / "underskrevet.pdf"
    code, out, err = cli(
        "sign", build / "samarbejdsaftale.pdf", "--party", "viborg-kommune", "--out", signed,
        "--key", certs / "ulla-aakjaer.key.pem", "--cert", certs / "ulla-aakjaer.cert.pem",
    )  # fmt: skip
    assert code == 0, err
    return {"base": base, "root": root, "build": build, "certs": certs, "signed": signed}


@pytest.fixture(scope="module")
def srv(work):
    """`aftale serve` over the module's dossiers, started in the module's folder."""
    s = start_server(work["root"], cwd=work["base"])
    yield s
    s.stop()


@pytest.fixture
def page(playwright_browser, srv):
    with logged_in(playwright_browser, srv, f"/d/{VIBORG}/signatures") as pg:
        yield pg


def upload(page, path: Path) -> None:
    page.set_input_files("#verify-file", str(path))
    page.click("#verify-form button")
    page.wait_for_selector("#verify-form[data-done='1']")


def rows(page) -> dict[str, dict]:
    out = {}
    for tr in page.locator("#verify-parties tbody tr").all():
        cells = tr.locator("td").all_inner_texts()
        out[tr.get_attribute("data-party")] = {
            "state": tr.get_attribute("data-state"),
            "holds": tr.get_attribute("data-holds"),
            "cells": [c.strip() for c in cells],
        }
    return out


# --------------------------------------------------------------------------- the page and the package


def _package_in_browser(page, button: str, tmp_path: Path) -> tuple[Path, str]:
    """Click `button`, wait for the package job, download it: (the saved file, its suggested name)."""
    page.click(button)
    page.wait_for_selector("#package-job[data-state='done']")
    with page.expect_download() as info:
        page.click("#package-download")
    got = tmp_path / "web.zip"
    info.value.save_as(got)
    return got, info.value.suggested_filename


def test_every_party_is_listed_and_the_package_says_what_is_missing(page, srv, work, tmp_path):
    docs = page.locator("section.signing-doc")
    assert [d.get_attribute("data-document") for d in docs.all()] == [rel for rel, _t in DOCUMENTS]
    for rel, title in DOCUMENTS:
        section = page.locator(f"section.signing-doc[data-document='{rel}']")
        assert section.locator("h2").inner_text() == f"{title} {rel}"
        parties = section.locator("tr.party")
        assert [p.get_attribute("data-party") for p in parties.all()] == PARTIES
        assert {p.get_attribute("data-state") for p in parties.all()} == {"missing"}
        # the current build, as verify reads it: nobody has signed yet
        assert {p.get_attribute("data-digital") for p in parties.all()} == {"missing"}
    missing = page.locator("#package-missing li").all_inner_texts()
    assert len(missing) == 16
    assert missing[0] == "Boligselskabet Viborg (Strategisk samarbejdsaftale om boligsocial indsats)"
    assert missing[-1] == "Viborg Kommune (Delaftale for indsatsområde 5.4 Forebyggelse og forældreansvar)"
    assert "forsegling kræver sekretariatets nøgle og certifikat" in page.inner_text("#package-unsealed")

    # the package proper is refused, naming who is missing (as `aftale package` does)
    page.click("#make-package")
    page.wait_for_selector("#package-job[data-state='refused']")
    assert page.inner_text("#package-job .job-message") == (
        "Krævede underskrifter mangler eller holder ikke; pakken laves ikke (brug --draft til et udkast)."
    )
    details = page.locator("#package-job .details li").all_inner_texts()
    assert details[0] == (
        "samarbejdsaftale.pdf: underskrifterne holder ikke: mangler underskrift fra Boligselskabet Viborg, "
        "Boligselskabet Sct. Jørgen Viborg, Bjerringbro Andelsboligforening, Viborg Kommune"
    )
    assert len(details) == 4
    assert page.locator("#package-download").count() == 0

    # a draft, chosen explicitly: the very bytes `aftale package --draft` writes
    got, name = _package_in_browser(page, "#make-draft", tmp_path)
    assert name == f"{VIBORG}-udkast.zip"
    code, out, err = cli(
        "package", work["root"] / VIBORG, "--out", tmp_path / "cli.zip", "--draft", cwd=work["base"]
    )
    assert code == 0, out + err
    assert got.read_bytes() == (tmp_path / "cli.zip").read_bytes()
    manifest = json.loads(zipfile.ZipFile(got).read("manifest.json"))
    assert manifest["udkast"] is True and manifest["dossier"] == VIBORG


# --------------------------------------------------------------------------- verifying an upload


def test_a_pdf_signed_by_one_party_is_verified_per_party(page, work):
    upload(page, work["signed"])
    got = rows(page)
    assert list(got) == PARTIES
    kommune = got["Viborg Kommune"]
    assert (kommune["state"], kommune["holds"]) == ("signed", "1")
    assert kommune["cells"][:4] == ["Viborg Kommune", "ja", "ja", "Ulla Åkjær, Viborg Kommune"]
    assert kommune["cells"][5] == ""  # no problems
    for party in PARTIES[:3]:
        assert got[party]["state"] == "missing"
        assert got[party]["cells"][1:3] == ["ikke underskrevet", "–"]
    # the verdict is the last line `aftale verify` prints for the same file
    code, out, _ = cli("verify", work["signed"])
    assert code == 1
    assert (
        page.inner_text("#verify-verdict") == out.strip().splitlines()[-1] == "Underskrifterne holder ikke."
    )
    assert page.get_attribute("#verify-verdict", "data-ok") == "0"
    assert "Ingen --trust" in page.inner_text("#verify-notes")


def _tampered(src: Path, target: Path) -> Path:
    """One byte of the signed title changed (as tests/test_sign.py tampers)."""
    data = bytearray(src.read_bytes())
    index = data.index(b"/Title (Strategisk") + len(b"/Title (")
    data[index : index + 1] = b"s"
    target.write_bytes(bytes(data))
    return target


def _forged(src: Path, target: Path, certs: Path) -> Path:
    """Viborg Kommune's field signed outside aftale (pyHanko directly) with Boligselskabet Viborg's
    certificate: cryptographically fine, but not the party's signature."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers

    signer = signers.SimpleSigner.load(
        str(certs / "birthe-aeroe.key.pem"),
        str(certs / "birthe-aeroe.cert.pem"),
        ca_chain_files=(str(certs / "dev-ca.cert.pem"),),
    )
    out = io.BytesIO()
    writer = IncrementalPdfFileWriter(io.BytesIO(src.read_bytes()))
    meta = signers.PdfSignatureMetadata(field_name="underskrift-viborg-kommune")
    in_thread(lambda: signers.sign_pdf(writer, meta, signer=signer, output=out))
    target.write_bytes(out.getvalue())
    return target


@pytest.mark.parametrize("kind", ["tampered", "forged"])
def test_a_tampered_or_forged_pdf_is_not_reported_valid(page, work, tmp_path, kind):
    if kind == "tampered":
        pdf = _tampered(work["signed"], tmp_path / "aendret.pdf")
        problem = "Dokumentet er ændret efter underskriften: de underskrevne bytes stemmer ikke (signaturen er brudt)."
    else:
        pdf = _forged(work["build"] / "samarbejdsaftale.pdf", tmp_path / "falsk.pdf", work["certs"])
        problem = (
            "Underskrevet i Viborg Kommunes felt, men Certifikatet er udstedt til »Boligselskabet Viborg«"
        )
    upload(page, pdf)
    kommune = rows(page)["Viborg Kommune"]
    assert (kommune["state"], kommune["holds"]) == ("signed", "0")
    assert kommune["cells"][1:3] == ["ja", "nej"]
    assert problem in kommune["cells"][5]
    assert page.get_attribute("#verify-verdict", "data-ok") == "0"
    code, out, _ = cli("verify", pdf)
    assert code == 1
    assert (
        page.inner_text("#verify-verdict") == out.strip().splitlines()[-1] == "Underskrifterne holder ikke."
    )
    assert "✓" not in page.inner_text("#verify-text")


def test_a_file_that_is_not_a_pdf_is_refused(page, tmp_path):
    notes = tmp_path / "noter.txt"
    notes.write_text("Ikke en PDF.\n", encoding="utf-8")
    page.set_input_files("#verify-file", str(notes))
    page.click("#verify-form button")
    page.wait_for_selector("#verify-error:not([hidden])")
    assert page.inner_text("#verify-error") == "noter.txt er ikke en PDF-fil."
    assert page.locator("#verify-result").is_hidden()


# --------------------------------------------------------------------------- recording (changes the sources: last)


def _record_form(page, rel: str, party: str):
    section = page.locator(f"section.signing-doc[data-document='{rel}']")
    form = section.locator(f"form.record-form[data-party='{party}']")
    form.locator("xpath=ancestor::details").locator("summary").click()
    return form


def test_recording_a_signature_changes_exactly_its_block_and_a_second_is_refused(
    page, playwright_browser, srv, work, tmp_path
):
    path = work["root"] / VIBORG / AGREEMENT
    before = path.read_bytes()
    # a second tab, opened before the record: its form is stale
    other_context = playwright_browser.new_context()
    other = other_context.new_page()
    other.goto(srv.login_url(f"/d/{VIBORG}/signatures"))
    try:
        form = _record_form(page, AGREEMENT, "Viborg Kommune")
        form.locator("input[name='name']").fill("Ulla Åkjær")
        form.locator("input[name='date']").fill("2017-03-20")
        form.locator("select[name='method']").select_option("e-signature")
        form.locator("input[name='title']").fill("Borgmester")
        form.locator("button").click()
        page.wait_for_selector("#flash:not([hidden])")
        assert page.inner_text("#flash") == (
            "Registrerede Viborg Kommunes underskrift (Ulla Åkjær, 2017-03-20, e-signature) i samarbejdsaftale.json. "
            "Byg dokumenterne igen for at opdatere dem."
        )
        row = page.locator(
            f"section.signing-doc[data-document='{AGREEMENT}'] tr.party[data-party='Viborg Kommune']"
        )
        assert row.get_attribute("data-state") == "recorded"
        assert (
            row.locator("td.recorded").inner_text().strip()
            == "✓ Ulla Åkjær, 2017-03-20, elektronisk, Borgmester"
        )
        # the sources changed: the build is no longer theirs
        assert page.get_attribute("#build-state", "data-state") == "stale"

        # on disk: what `aftale sign --record` writes, and nothing else changed
        expected = tmp_path / "cli"
        shutil.copytree(ROOT / "agreements" / VIBORG, expected)
        code, _out, err = cli(
            "sign", expected, "--record", "--party", "viborg-kommune", "--name", "Ulla Åkjær",
            "--date", "2017-03-20", "--method", "e-signature", "--title", "Borgmester",
        )  # fmt: skip
        assert code == 0, err
        after = path.read_bytes()
        assert after == (expected / AGREEMENT).read_bytes()
        old, new = json.loads(before), json.loads(after)
        assert new["underskrifter"][3] == {
            "part": "Viborg Kommune",
            "dato": "2017-03-20",
            "navn": "Ulla Åkjær",
            "metode": "e-signature",
            "titel": "Borgmester",
        }
        new["underskrifter"][3] = old["underskrifter"][3]
        assert new == old
        start = before.index(b'{\n      "part": "Viborg Kommune"')
        assert after[:start] == before[:start]
        tail = before[before.index(b"}", start) + 1 :]
        assert after.endswith(tail)

        # the stale tab records again, without replace: refused with the CLI's own message
        code, _out, err = cli(
            "sign",
            expected,
            "--record",
            "--party",
            "viborg-kommune",
            "--name",
            "Ulla Åkjær",
            "--date",
            "2017-03-21",
        )
        assert code == 2
        message = err.strip().removeprefix("aftale: ")
        assert message == (
            "Viborg Kommune har allerede en registreret underskrift (Ulla Åkjær, 2017-03-20); "
            "brug --replace for at erstatte den."
        )
        form = _record_form(other, AGREEMENT, "Viborg Kommune")
        form.locator("input[name='name']").fill("Ulla Åkjær")
        form.locator("input[name='date']").fill("2017-03-21")
        form.locator("button").click()
        other.wait_for_selector(
            f"form.record-form[data-party='Viborg Kommune'][data-document='{AGREEMENT}'][data-refused='1']"
        )
        assert form.locator(".form-result").inner_text() == message
        assert path.read_bytes() == after
    finally:
        other_context.close()


def test_when_every_signature_is_recorded_and_built_the_package_is_made(page, srv, work, tmp_path):
    """The remaining fifteen signatures recorded through the page's address, the documents built again:
    the page says everything is there, and the package is the one `aftale package` writes."""
    from urllib.parse import urlencode
    from urllib.request import Request, urlopen

    from checker.web.security import csrf_token

    headers = {
        "Authorization": f"Bearer {TOKEN}",
        "X-CSRF-Token": csrf_token(TOKEN),
        "Accept": "application/json",
    }
    for rel, _title in DOCUMENTS:
        for party in PARTIES:
            if (rel, party) == (AGREEMENT, "Viborg Kommune"):
                continue  # recorded by the test before
            form = {
                "document": rel,
                "party": party,
                "name": f"Underskriver for {party}",
                "date": "2017-03-20",
            }
            sent = Request(f"{srv.url}/d/{VIBORG}/signatures/record", urlencode(form).encode(), headers)
            with urlopen(sent, timeout=30) as answer:
                assert answer.status == 200
    code, out, err = cli("build", work["root"] / VIBORG, cwd=work["base"])
    assert code == 0, out + err
    page.reload()
    assert page.locator("#package-missing").count() == 0
    assert page.inner_text("#package-complete") == "✓ Alle krævede underskrifter er der."
    digital = {p.get_attribute("data-digital") for p in page.locator("tr.party").all()}
    assert digital == {"recorded"}
    got, name = _package_in_browser(page, "#make-package", tmp_path)
    assert name == f"{VIBORG}.zip"
    code, out, err = cli("package", work["root"] / VIBORG, "--out", tmp_path / "cli.zip", cwd=work["base"])
    assert code == 0, out + err
    assert got.read_bytes() == (tmp_path / "cli.zip").read_bytes()
    assert json.loads(zipfile.ZipFile(got).read("manifest.json"))["udkast"] is False
