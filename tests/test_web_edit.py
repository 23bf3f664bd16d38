"""aftale serve: the dossier as forms, in a real Chromium. A change that breaks a sum shows the finding
at its field; fixing it clears it; untouched bytes stay; a second browser's stale save is refused."""

from __future__ import annotations

import json

from tests.webapp import wait_ready, wait_saved

AGREEMENT = "samarbejdsaftale.json"


def test_overview_lists_both_examples_with_their_check(page, server):
    page.goto(server.url + "/")
    rows = page.locator("#dossiers tbody tr")
    assert rows.count() == 2
    viborg = page.locator("tr[data-dossier='viborg-2017-2021']")
    assert "2017-04-01 – 2021-03-31" in viborg.inner_text()
    assert "lbf-2015-2018" in viborg.inner_text()
    page.wait_for_selector("tr[data-dossier='viborg-2017-2021'] td.status[data-state='checked']")
    assert "9 advarsler" in viborg.locator("td.status").inner_text()
    assert "0/4" in viborg.inner_text()
    eksempelby = page.locator("tr[data-dossier='eksempelby-2022-2026']")
    assert "EKSEMPEL" in eksempelby.inner_text()


def _field(page, path: str):
    """The input json-editor made for an editor path (root.a.b), found by its name attribute."""
    parts = path.split(".")
    name = parts[0] + "".join(f"[{p}]" for p in parts[1:])
    return page.locator(f"[name='{name}']").first


def test_a_broken_sum_is_shown_at_its_field_and_cleared_when_fixed(page, server):
    path = server.root / "viborg-2017-2021" / AGREEMENT
    before = path.read_bytes()
    page.goto(server.url + "/d/viborg-2017-2021/edit/" + AGREEMENT)
    wait_ready(page)
    field = _field(page, "root.ressourcer.finansiering.landsbyggefonden")
    assert field.input_value() == "14600000"
    field.fill("14700000")
    field.dispatch_event("change")
    page.click("#save")
    stamp = wait_saved(page, None)
    note = page.locator(".finding-at[data-code='finance-total']")
    assert note.count() == 1
    assert note.get_attribute("data-pointer") == "/ressourcer/finansiering/samlet"
    assert "27.202.000 kr., men samlet budget er 27.102.000 kr." in note.inner_text()
    # the note sits inside the form element of that very field
    container = page.locator("[data-schemapath='root.ressourcer.finansiering.samlet']")
    assert container.locator(".finding-at[data-code='finance-total']").count() == 1
    # on disk: only that number changed, every other byte as it was
    after = path.read_bytes()
    assert after == before.replace(b'"landsbyggefonden": 14600000', b'"landsbyggefonden": 14700000')
    assert json.loads(after)["ressourcer"]["finansiering"]["landsbyggefonden"] == 14700000
    # fixed: the finding goes away, the file is byte for byte the original
    field.fill("14600000")
    field.dispatch_event("change")
    page.click("#save")
    wait_saved(page, stamp)
    assert page.locator(".finding-at[data-code='finance-total']").count() == 0
    assert path.read_bytes() == before


def test_a_stale_form_is_refused_and_names_what_changed(playwright_browser, page, server):
    """Two browsers open the same document; the first saves; the second's save writes nothing and says
    what the first changed. Nothing of the first save is lost."""
    path = server.root / "viborg-2017-2021" / AGREEMENT
    url = server.url + "/d/viborg-2017-2021/edit/" + AGREEMENT
    other_context = playwright_browser.new_context()
    other = other_context.new_page()
    other.goto(server.login_url())
    try:
        for p in (page, other):
            p.goto(url)
            wait_ready(p)
        first = _field(page, "root.ressourcer.finansiering.landsbyggefonden")
        first.fill("14700000")
        first.dispatch_event("change")
        page.click("#save")
        wait_saved(page, None)
        after_first = path.read_bytes()
        second = _field(other, "root.ressourcer.finansiering.lokal_medfinansiering")
        second.fill("1")
        second.dispatch_event("change")
        other.click("#save")
        assert wait_saved(other, None) == "conflict"
        assert path.read_bytes() == after_first  # the second save wrote nothing
        text = other.inner_text("#conflict")
        assert "Filen er ændret af en anden, siden du åbnede den. Intet er gemt." in text
        assert "Finansiering › Landsbyggefonden: 14.600 → 14.700 t.kr." in text, text
    finally:
        other_context.close()


def test_findings_follow_the_typing_before_saving(page, server):
    """Checked as you type: a moment after a change the finding appears at its field, though nothing is
    saved; the file on disk is untouched until Save."""
    path = server.root / "viborg-2017-2021" / AGREEMENT
    before = path.read_bytes()
    page.goto(server.url + "/d/viborg-2017-2021/edit/" + AGREEMENT)
    wait_ready(page)
    field = _field(page, "root.ressourcer.finansiering.lokal_medfinansiering")
    field.fill("12602000")
    field.dispatch_event("change")
    page.wait_for_selector("#editor-app[data-checked]")
    note = page.locator(
        "[data-schemapath='root.ressourcer.finansiering.samlet'] .finding-at[data-code='finance-total']"
    )
    assert note.count() == 1
    assert "= 27.202.000 kr., men samlet budget er 27.102.000 kr." in note.inner_text()
    assert page.inner_text("#save-state") == "Kontrolleret – ikke gemt endnu"
    assert path.read_bytes() == before


def test_a_list_is_reordered_with_danish_buttons_and_only_that_list_is_rewritten(page, server):
    path = server.root / "viborg-2017-2021" / AGREEMENT
    before = path.read_bytes()
    original = json.loads(before)
    page.goto(server.url + "/d/viborg-2017-2021/edit/" + AGREEMENT)
    wait_ready(page)
    assert page.locator("[data-schemapath='root.periode.start'] input").first.get_attribute("type") == "date"
    second = page.locator("[data-schemapath='root.omraader.1']")
    second.get_by_role("button", name="Flyt op", exact=True).last.click()
    page.click("#save")
    wait_saved(page, None)
    after = json.loads(path.read_bytes())
    names = [o["navn"] for o in original["omraader"]]
    assert [o["navn"] for o in after["omraader"]] == [names[1], names[0], *names[2:]]
    assert after["omraader"][0] == original["omraader"][1]
    # everything outside the list of områder is byte for byte as it was
    text_before, text_after = before.decode(), path.read_bytes().decode()
    start = text_before.index('"omraader": [')
    assert text_after[:start] == text_before[:start]
    tail = text_before[text_before.index('"parter": [') :]
    assert text_after.endswith(tail)
