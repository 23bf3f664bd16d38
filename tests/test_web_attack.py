"""aftale serve tried by a careless user and by an attacker. Each test is one thing that broke: a form value
that wrote a broken or wrong file, a wait that stalled every other request, a document or dossier the
pages could not reach, a refusal the page could not read, a heading parsed as HTML, two servers logging
each other out. Exact codes and words; one server for the module (its builds would go to its own folder)."""

from __future__ import annotations

import fcntl
import http.client
import json
import os
import re
import shutil
import threading
import time
import zipfile
from urllib.parse import quote, urlsplit

import pytest

from checker.web.security import csrf_token
from checker.web.server import hosts_for
from tests.webapp import AGREEMENTS, copy_examples, logged_in, start_server, wait_ready

VIBORG = "viborg-2017-2021"
EKSEMPELBY = "eksempelby-2022-2026"
AGREEMENT = "samarbejdsaftale.json"
UNWRITABLE = (
    "Formularen indeholder et tal eller et tegn, som en JSON-fil ikke kan rumme (et uendeligt tal, NaN eller "
    "et ødelagt tegn); intet er gemt."
)


@pytest.fixture(scope="module")
def srv(tmp_path_factory):
    base = tmp_path_factory.mktemp("attack")
    work = base / "work"
    work.mkdir()
    s = start_server(copy_examples(base / "dossiers"), cwd=work)
    yield s
    s.stop()


def call(server, method, path, *, body=None, headers=None, token=True, host=None, accept="application/json"):
    """(status, headers, body) of one request, with the token and the CSRF header unless told not to."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    h = {"Host": host or f"127.0.0.1:{server.port}", "Accept": accept}
    if token:
        h["Authorization"] = f"Bearer {server.token}"
        h["X-CSRF-Token"] = csrf_token(server.token)
    if body is not None:
        h.setdefault("Content-Type", "application/json")
    h.update(headers or {})
    conn.request(method, path, body=body, headers=h)
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, data


def api(name: str, rel: str = AGREEMENT, kind: str = "doc") -> str:
    return f"/d/{name}/api/{kind}/{rel}"


def opened(server, name: str, rel: str = AGREEMENT) -> dict:
    status, _h, data = call(server, "GET", api(name, rel))
    assert status == 200, data[:300]
    return json.loads(data)


# ------------------------------------------------------------------------------------- what a form sends


#: what every page says when a change gets no answer (the server stopped)
OFFLINE = (
    "Ændringerne kunne ikke gemmes: serveren svarer ikke (er »aftale serve« stoppet?). Intet er "
    "gemt; siden beholder dine ændringer, så længe den er åben."
)


def test_a_number_json_cannot_hold_is_refused_not_written_into_the_file(srv):
    """`1e999` is valid JSON syntax; Python reads it as infinity and wrote `Infinity` into the document,
    which no JSON reader then accepts (the check said json-syntax). So did the literals NaN/Infinity."""
    path = srv.root / EKSEMPELBY / AGREEMENT
    before = path.read_bytes()
    doc = opened(srv, EKSEMPELBY)
    doc["value"]["ressourcer"]["finansiering"]["landsbyggefonden"] = 987654321
    body = json.dumps({"sha256": doc["sha256"], "value": doc["value"]})
    assert body.count("987654321") == 1
    for number in ("1e999", "-1E400", "NaN", "Infinity"):
        sent = body.replace("987654321", number).encode()
        for kind in ("doc", "check"):
            status, headers, data = call(srv, "POST", api(EKSEMPELBY, kind=kind), body=sent)
            assert (status, json.loads(data)) == (400, {"error": UNWRITABLE}), (number, kind)
            assert headers["content-type"] == "application/json"
    assert path.read_bytes() == before


def test_a_broken_character_is_refused_with_words_not_a_500(srv):
    """A lone surrogate (half an emoji cut off by a field's length limit) cannot be written as UTF-8: the save
    and the draft check answered 500 "Der gik noget galt (UnicodeEncodeError)"."""
    path = srv.root / EKSEMPELBY / AGREEMENT
    before = path.read_bytes()
    doc = opened(srv, EKSEMPELBY)
    doc["value"]["titel"] = "Strategisk samarbejdsaftale \ud83d"
    sent = json.dumps({"sha256": doc["sha256"], "value": doc["value"]}).encode()
    for kind in ("doc", "check"):
        status, _h, data = call(srv, "POST", api(EKSEMPELBY, kind=kind), body=sent)
        assert (status, json.loads(data)) == (400, {"error": UNWRITABLE}), kind
    assert path.read_bytes() == before


def test_a_form_of_another_document_type_does_not_replace_the_document(srv):
    """The milestone plan's form value sent to the agreement's address (another tab, a script's mistake)
    replaced the whole agreement with the milestone plan."""
    path = srv.root / EKSEMPELBY / AGREEMENT
    before = path.read_bytes()
    agreement = opened(srv, EKSEMPELBY)
    plan = opened(srv, EKSEMPELBY, "milepaelsplan.json")
    sent = json.dumps({"sha256": agreement["sha256"], "value": plan["value"]}).encode()
    status, _h, data = call(srv, "POST", api(EKSEMPELBY), body=sent)
    assert status == 422
    assert json.loads(data) == {
        "error": "Formularen er til en milepælsplan, men samarbejdsaftale.json er en strategisk "
        "samarbejdsaftale; intet er gemt. Genindlæs siden."
    }
    assert path.read_bytes() == before


def test_a_draft_check_never_writes_through_a_link_into_the_dossier(srv):
    """The check-as-you-type works on a copy of the dossier, links copied as links. A document that is a
    link (to another file of the dossier, by its absolute path) was written through the link: the draft,
    which saves nothing, changed the real file, without the lock or the stale-form check."""
    folder = srv.root / VIBORG
    target = folder / "delaftaler" / "5.1-tryghed-og-trivsel.json"
    link = folder / "delaftaler" / "kopi.json"
    link.symlink_to(target.resolve())
    before = target.read_bytes()
    try:
        doc = opened(srv, VIBORG, "delaftaler/kopi.json")
        doc["value"]["titel"] = "Kladde, ikke gemt"
        sent = json.dumps({"sha256": doc["sha256"], "value": doc["value"]}).encode()
        status, _h, data = call(srv, "POST", api(VIBORG, "delaftaler/kopi.json", "check"), body=sent)
        assert status == 200, data[:300]
        assert json.loads(data)["draft"] is True
        assert target.read_bytes() == before
        assert link.is_symlink()
    finally:
        link.unlink()


def test_a_named_pipe_in_the_dossier_does_not_break_the_draft_check(srv):
    """The draft check copies the dossier; a named pipe in it (a program's, or a user's mistake) made the
    copy fail, and every check-as-you-type answered 500 "Der gik noget galt (Error)"."""
    folder = srv.root / VIBORG
    pipe = folder / "noter.fifo"
    os.mkfifo(pipe)
    try:
        doc = opened(srv, VIBORG)
        sent = json.dumps({"sha256": doc["sha256"], "value": doc["value"]}).encode()
        status, _h, data = call(srv, "POST", api(VIBORG, kind="check"), body=sent)
        assert status == 200, data[:300]
        assert json.loads(data)["draft"] is True
    finally:
        pipe.unlink()


WRONG_TYPES = {
    # (file, JSON path, value): schema errors the check reports; the pages must still be there
    "no-milestone-years": ("milepaelsplan.json", ("projektaar",), None),
    "milestones-a-number": ("milepaelsplan.json", ("projektaar", 0, "milepaele"), 5),
    "signatures-a-number": (AGREEMENT, ("underskrifter",), 5),
    "document-type-a-list": ("milepaelsplan.json", ("dokumenttype",), []),
    "signing-method-an-object": (AGREEMENT, ("underskrifter", 0, "metode"), {}),
    "history-a-number": (AGREEMENT, ("historik",), 5),
}


@pytest.mark.parametrize("case", WRONG_TYPES)
def test_a_value_of_the_wrong_type_in_a_dossier_breaks_no_page(srv, case):
    """A null or a number where the schema has a list, a list where it has a text: the check reports it,
    but the overview (for every dossier!), the dossier page, the signatures and revisions pages and the
    form answered 500 "Der gik noget galt (TypeError)"."""
    name = f"typer-{case}"
    folder = srv.root / name
    shutil.copytree(AGREEMENTS / VIBORG, folder)
    try:
        rel, pointer, value = WRONG_TYPES[case]
        data = json.loads((folder / rel).read_text(encoding="utf-8"))
        parent = data
        for key in pointer[:-1]:
            parent = parent[key]
        if pointer[-1] == "metode":
            parent["navn"] = "Hanne Hansen"  # a recorded signature, with a method of the wrong type
        parent[pointer[-1]] = value
        (folder / rel).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        status, _h, page = call(srv, "GET", "/", accept="text/html")
        assert status == 200
        assert f'data-dossier="{name}"' in page.decode() and f'data-dossier="{VIBORG}"' in page.decode()
        for path in ("", "/signatures", "/revisions", "/annexes", "/followup"):
            status, _h, data = call(srv, "GET", f"/d/{name}{path}", accept="text/html")
            assert status == 200, (path, data[:200])
        status, _h, data = call(srv, "GET", api(name, rel))
        if case == "document-type-a-list":
            assert (status, json.loads(data)) == (422, {"error": f"{rel} har ingen kendt dokumenttype."})
        else:
            assert status == 200
    finally:
        shutil.rmtree(folder)


# ---------------------------------------------------------------------------------- nothing stalls the rest


def _timed(server, path: str) -> tuple[int, float]:
    start = time.monotonic()
    status, _h, _d = call(server, "GET", path)
    return status, time.monotonic() - start


def test_a_save_waiting_for_the_dossier_lock_does_not_stall_other_requests(srv):
    """While another run of aftale holds the dossier's lock, a save waits for it (up to 5 s); it waited on
    the event loop, so every other page and tab of the server hung with it."""
    folder = srv.root / VIBORG
    doc = opened(srv, VIBORG)
    doc["value"]["ressourcer"]["finansiering"]["landsbyggefonden"] += 1
    sent = json.dumps({"sha256": doc["sha256"], "value": doc["value"]}).encode()
    answers = {}
    fd = os.open(folder / ".aftale.lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # as `aftale followup import` would hold it
        saver = threading.Thread(
            target=lambda: answers.update(save=call(srv, "POST", api(VIBORG), body=sent))
        )
        saver.start()
        time.sleep(0.3)
        status, seconds = _timed(srv, "/api/status")
        assert status == 200
        assert seconds < 1.0, f"/api/status took {seconds:.1f} s while a save waited for the lock"
        time.sleep(max(0.0, 2.5 - seconds))
    finally:
        os.close(fd)  # the other run has finished: the waiting save goes through
    saver.join(30)
    status, _h, data = answers["save"]
    assert status == 200, data[:300]
    assert json.loads(data)["changed"] == ["/ressourcer/finansiering/landsbyggefonden"]


def _big_workbook(source, target, rows: int, columns: int) -> None:
    """The example's budget with one more sheet of numbers: a workbook that takes the check seconds."""
    from openpyxl.utils import get_column_letter

    letters = [get_column_letter(c) for c in range(1, columns + 1)]
    cells = "".join(
        f'<row r="{r}">'
        + "".join(
            f'<c r="{x}{r}"><v>{(r * 7919 + c * 104729) % 1000003}</v></c>' for c, x in enumerate(letters)
        )
        + "</row>"
        for r in range(1, rows + 1)
    )
    sheet = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet '
        'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        f"{cells}</sheetData></worksheet>"
    )
    extra = {
        "xl/workbook.xml": (b"</sheets>", b'<sheet name="Stor" sheetId="99" r:id="rIdStor"/></sheets>'),
        "xl/_rels/workbook.xml.rels": (
            b"</Relationships>",
            b'<Relationship Id="rIdStor" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            b'relationships/worksheet" Target="worksheets/stor.xml"/></Relationships>',
        ),
        "[Content_Types].xml": (
            b"</Types>",
            b'<Override PartName="/xl/worksheets/stor.xml" ContentType="application/'
            b'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        ),
    }
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename in extra:
                old, new = extra[item.filename]
                assert old in data
                data = data.replace(old, new)
            zout.writestr(item, data)
        zout.writestr("xl/worksheets/stor.xml", sheet)


def test_checking_a_large_dossier_for_its_page_does_not_stall_other_requests(srv):
    """The dossier page checks a dossier it has no current check of; with a large workbook that takes
    seconds, and it ran on the event loop: nothing else was answered meanwhile."""
    name = "stor-2017-2021"
    folder = srv.root / name
    shutil.copytree(AGREEMENTS / VIBORG, folder)
    try:
        _big_workbook(AGREEMENTS / VIBORG / "budget.xlsx", folder / "budget.xlsx", 3000, 50)
        answers = {}
        reader = threading.Thread(target=lambda: answers.update(page=_timed(srv, f"/d/{name}")))
        reader.start()
        time.sleep(0.3)
        status, seconds = _timed(srv, "/static/app.css")
        reader.join(60)
        assert status == 200
        page_status, page_seconds = answers["page"]
        assert page_status == 200
        assert page_seconds > 1.0, "the check was quick: the test shows nothing"
        assert seconds < 1.0, f"a static file took {seconds:.1f} s while a dossier was checked"
    finally:
        shutil.rmtree(folder)


# --------------------------------------------------------------------------------------- reaching things


def test_a_document_whose_name_has_a_hash_or_a_percent_sign_can_be_opened(srv):
    """A JSON file named "kopi #2 (50%).json": its link on the dossier page and the form's own addresses
    were not URL-encoded, so the browser cut the name at "#" (and "%" broke it): 404 for the form."""
    folder = srv.root / EKSEMPELBY
    rel = "delaftaler/kopi #2 (50%).json"
    shutil.copy(folder / "delaftaler" / "5.2-beskaeftigelse.json", folder / rel)
    try:
        status, _h, data = call(srv, "GET", f"/d/{EKSEMPELBY}", accept="text/html")
        assert status == 200
        row = re.search(rf'<tr data-rel="{re.escape(rel)}">\s*<td><a href="([^"]+)"', data.decode())
        href = row.group(1)
        # what a browser requests for the link: the path, up to any "?" or "#", spaces and the like encoded
        path = quote(urlsplit(href).path, safe="/%()")
        status, _h, page = call(srv, "GET", path, accept="text/html")
        assert status == 200, path
        for attribute in ("data-api", "data-check"):
            address = re.search(rf'{attribute}="([^"]+)"', page.decode()).group(1)
            assert urlsplit(address).path == address
        api_address = re.search(r'data-api="([^"]+)"', page.decode()).group(1)
        status, _h, data = call(srv, "GET", api_address)
        assert status == 200
        assert json.loads(data)["rel"] == rel
    finally:
        (folder / rel).unlink()


def test_the_overview_names_a_dossier_folder_it_cannot_open(srv):
    """A dossier folder named with a space ("Viborg 2017 kopi") was left out of the overview without a
    word; the user only saw a dossier missing. (A link is still left out: it may lead anywhere.)"""
    spaced = srv.root / "Viborg 2017 kopi"
    linked = srv.root / "genvej-til-viborg"
    shutil.copytree(AGREEMENTS / VIBORG, spaced)
    linked.symlink_to(AGREEMENTS / VIBORG)
    try:
        status, _h, data = call(srv, "GET", "/", accept="text/html")
        page = data.decode()
        assert status == 200
        assert 'data-dossier="viborg-2017-2021"' in page  # the others are listed as before
        notes = re.findall(r'<li data-folder="([^"]+)"><span class="mono">[^<]+</span>: ([^<]+)</li>', page)
        assert notes == [
            (
                "Viborg 2017 kopi",
                "mappenavnet må kun have bogstaver, tal, punktum, bindestreg og understreg og skal begynde med "
                "et bogstav eller tal (højst 100 tegn); omdøb mappen, fx med bindestreg i stedet for mellemrum.",
            )
        ]
        assert "Disse mapper har en samarbejdsaftale.json, men kan ikke åbnes her:" in page
        assert "genvej-til-viborg" not in page
    finally:
        linked.unlink()
        shutil.rmtree(spaced)


def test_serving_a_dossier_folder_itself_says_which_folder_to_serve(tmp_path):
    """Every other command takes the dossier's folder (`aftale check agreements/viborg-2017-2021`); given
    to `aftale serve`, the overview said only "Mappen har ingen dossierer endnu." (and offered to create
    one inside the dossier)."""
    root = copy_examples(tmp_path / "d", (VIBORG,))
    server = start_server(root / VIBORG, cwd=tmp_path)
    try:
        status, _h, data = call(server, "GET", "/", accept="text/html")
        assert status == 200
        note = re.search(r'<p class="problem" id="itself" role="alert">([^<]+)</p>', data.decode()).group(1)
        assert note == (
            "Mappen er selv et dossier. »aftale serve« viser mappen, der indeholder dossiererne; start den "
            f"med: aftale serve {root.resolve()}"
        )
    finally:
        server.stop()


def test_a_new_dossier_form_over_the_limits_is_answered_in_the_page(srv):
    """A field over 64 kB (a long list of areas pasted) made Starlette answer a bare English
    "Field exceeded maximum size of 64KB." instead of the form with a message."""
    body = b"name=ny-2025&ruleset=lbf-2019-2026&areas=" + b"Vestervang%0A" * 6000
    status, headers, data = call(
        srv,
        "POST",
        "/new",
        body=body,
        accept="text/html",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert status == 400
    assert headers["content-type"].startswith("text/html")
    message = re.search(r'<p class="problem" id="message" role="alert">([^<]+)</p>', data.decode()).group(1)
    assert message == (
        "Formularen kunne ikke læses (for mange felter, eller et felt over 64 kB). Intet er oprettet."
    )
    assert not (srv.root / "ny-2025").exists()


# ------------------------------------------------------------------------------------------- the guard


def test_the_guards_refusals_are_json_for_the_pages_scripts(srv):
    """A page's script asks for JSON and shows {"error"}; the guard answered plain text, which the form's
    script could not read: after `aftale serve` was restarted (a new token, so a stale CSRF token) a save
    failed with a JavaScript error and no word to the user."""
    body = json.dumps({"sha256": "x", "value": {"dokumenttype": "strategisk-samarbejdsaftale"}}).encode()
    refused = [
        (call(srv, "POST", api(VIBORG), body=body, headers={"X-CSRF-Token": "f" * 32}), 403,
         "CSRF-nøglen mangler eller er forkert; genindlæs siden. / CSRF token missing or wrong; reload the page."),
        (call(srv, "POST", api(VIBORG), body=body, token=False), 401,
         "Adgangsnøglen mangler: åbn adressen, som »aftale serve« skrev, med ?token=…\n"
         "The access token is missing: open the address 'aftale serve' printed, with ?token=…"),
        (call(srv, "GET", api(VIBORG), host=f"evil.example:{srv.port}"), 421,
         "Forkert værtsnavn / wrong host name."),
        (call(srv, "POST", api(VIBORG), body=body, headers={"Origin": "http://evil.example"}), 403,
         "Forespørgsler fra andre websteder afvises / cross-site request refused."),
    ]  # fmt: skip
    for (status, headers, data), code, message in refused:
        assert status == code
        assert headers["content-type"] == "application/json"
        assert json.loads(data) == {"error": message}
    # a browser's own request (an address typed or a link) still gets the words as text
    status, headers, data = call(srv, "GET", "/", token=False, accept="text/html")
    assert (status, headers["content-type"]) == (401, "text/plain; charset=utf-8")


def test_the_login_address_never_redirects_to_another_site(srv):
    """The address with ?token= redirects to itself without the token; for "//evil.example/x" that was
    the protocol-relative address of another site."""
    status, headers, _d = call(srv, "GET", f"//evil.example/x?token={srv.token}", token=False)
    assert (status, headers["location"]) == (303, "/evil.example/x")
    status, headers, _d = call(srv, "GET", f"/d/{VIBORG}?token={srv.token}&job=1", token=False)
    assert (status, headers["location"]) == (303, f"/d/{VIBORG}?job=1")


def test_a_second_server_on_another_port_does_not_log_the_first_out(srv, playwright_browser, tmp_path):
    """Cookies do not keep ports apart: logging in to a second `aftale serve` (another folder, another
    token) replaced the first one's cookie, and the first one's pages answered 401 from then on."""
    other = start_server(
        copy_examples(tmp_path / "andre", (EKSEMPELBY,)), token="en-anden-noegle-0123456789", cwd=tmp_path
    )
    context = playwright_browser.new_context()
    try:
        page = context.new_page()
        assert page.goto(srv.login_url("/")).status == 200
        assert page.goto(other.login_url("/")).status == 200
        assert page.goto(srv.url + f"/d/{VIBORG}").status == 200
        assert page.goto(other.url + f"/d/{EKSEMPELBY}").status == 200
    finally:
        context.close()
        other.stop()


def test_on_port_80_the_host_header_without_a_port_is_ours():
    """On HTTP's own port a browser sends "Host: 127.0.0.1" without ":80"; every request was refused with
    421 "wrong host name"."""
    assert hosts_for("127.0.0.1", 80) == {
        "127.0.0.1:80", "localhost:80", "[::1]:80", "127.0.0.1", "localhost", "[::1]",
    }  # fmt: skip
    assert hosts_for("127.0.0.1", 8000) == {"127.0.0.1:8000", "localhost:8000", "[::1]:8000"}


# ----------------------------------------------------------------------------------------- in the browser


def test_text_in_a_form_heading_is_never_parsed_as_html(srv, playwright_browser):
    """json-editor made headings from the document's text through innerHTML (cleanText): an <img> in a
    milestone's title was loaded by the form page (its onerror only stopped by the CSP)."""
    folder = srv.root / EKSEMPELBY
    path = folder / "milepaelsplan.json"
    before = path.read_bytes()
    plan = json.loads(before)
    plan["projektaar"][0]["milepaele"][0]["titel"] = (
        'Start <img src="/injected-by-data.png"> <i class="injected">fed</i>'
    )
    path.write_text(json.dumps(plan, ensure_ascii=False, indent=2), encoding="utf-8")
    try:
        with logged_in(playwright_browser, srv) as page:
            asked = []
            page.on("request", lambda r: asked.append(r.url))
            page.goto(srv.url + f"/d/{EKSEMPELBY}/edit/milepaelsplan.json")
            wait_ready(page)
            page.wait_for_timeout(500)
            assert [u for u in asked if "injected-by-data" in u] == []
            assert page.locator("#form img").count() == 0
            assert page.locator("#form .injected").count() == 0
            title = page.locator("[name='root[projektaar][0][milepaele][0][titel]']")
            assert (
                title.input_value() == 'Start <img src="/injected-by-data.png"> <i class="injected">fed</i>'
            )
    finally:
        path.write_bytes(before)


def test_a_save_to_a_stopped_server_says_so_and_keeps_the_form(playwright_browser, tmp_path):
    """The server stopped (the terminal closed) while a form was open: Save threw "Failed to fetch" in the
    page, and the page went on saying "Gemmer …" with no word that nothing was saved."""
    server = start_server(copy_examples(tmp_path / "d", (EKSEMPELBY,)), cwd=tmp_path)
    try:
        with logged_in(playwright_browser, server, f"/d/{EKSEMPELBY}/edit/{AGREEMENT}") as page:
            wait_ready(page)
            field = page.locator("[name='root[titel]']")
            field.fill("Ny titel")
            field.dispatch_event("change")
            server.stop()
            page.click("#save")
            page.wait_for_selector("#editor-app[data-saved='refused']", timeout=10_000)
            assert page.locator("#conflict").inner_text() == OFFLINE
            assert page.locator("#save-state").inner_text() == ""
            assert field.input_value() == "Ny titel"
    finally:
        server.stop()


def test_a_follow_up_save_to_a_stopped_server_says_so(playwright_browser, tmp_path):
    """The same on the follow-up page: every page's changes go through aftale.post, which answers for a
    server that does not."""
    server = start_server(copy_examples(tmp_path / "d", ("viborg-2017-2021",)), cwd=tmp_path)
    try:
        with logged_in(playwright_browser, server, "/d/viborg-2017-2021/followup") as page:
            value = page.locator("#followup-app tr.measurement input[name=vaerdi]").first
            value.fill("7")
            value.dispatch_event("input")
            server.stop()
            page.click("#save-followup")
            page.wait_for_selector("#followup-error:not([hidden])", timeout=10_000)
            assert page.locator("#followup-error").inner_text() == OFFLINE
            assert value.input_value() == "7"
    finally:
        server.stop()
