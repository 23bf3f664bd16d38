"""aftale serve: a new dossier from the form is the dossier `aftale new` makes with the same choices; a
bad or taken name is refused with the input kept; an agreement imported from the browser gives the
report `aftale import` gives; a macro-enabled or unknown file is refused and nothing is created."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from checker.importer.source import SourceError, read_source
from tests.webapp import copy_examples, start_server

pytest_plugins = ["tests.import_fixtures"]

NAME = "testby-2025-2028"
AREAS = ["Nordparken", "Sydparken"]
PARTIES = [
    ("boligorganisation", "Boligselskabet Testby", "12345678"),
    ("kommune", "Testby Kommune", ""),
    ("politi", "Testby Politi", ""),
]
CHOSEN = ["5.1", "5.3"]  # of lbf-2019-2026's 5.1–5.4
# read_source's refusal of a macro-enabled Word file (as tests/test_import.py has it)
MACROS = (
    "Word-dokumentet indeholder makroer (macroEnabled); aftale åbner ikke filer med makroer. Gem "
    "dokumentet i Word som »Word-dokument (*.docx)« (uden makroer), eller som PDF."
)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """One server for the module (each test leaves the examples as they were)."""
    s = start_server(copy_examples(tmp_path_factory.mktemp("new-import") / "dossiers"))
    yield s
    s.stop()


def _json_files(folder: Path) -> dict[str, object]:
    return {
        p.relative_to(folder).as_posix(): json.loads(p.read_text(encoding="utf-8"))
        for p in sorted(folder.rglob("*.json"))
    }


def _fill_new_form(page, name: str) -> None:
    page.fill("#name", name)
    page.select_option("#ruleset", "lbf-2019-2026")
    page.fill("#start", "2025-01-01")
    page.fill("#end", "2028-12-31")
    page.fill("#areas", "\n".join(AREAS))
    rows = page.locator("#parties tbody tr.party")
    assert rows.count() == 3
    for i, (kind, party, cvr) in enumerate(PARTIES):
        row = rows.nth(i)
        row.locator("select[name=party_type]").select_option(kind)
        row.locator("input[name=party_name]").fill(party)
        row.locator("input[name=party_cvr]").fill(cvr)
    boxes = page.locator("fieldset.focus[data-ruleset='lbf-2019-2026'] input[type=checkbox]")
    assert boxes.count() == 4
    for i in range(4):
        box = boxes.nth(i)
        box.set_checked(box.get_attribute("value") in CHOSEN)
    # only the chosen rule set's focus areas are shown
    assert page.locator("fieldset.focus[data-ruleset='lbf-2015-2018']").is_hidden()


def test_a_new_dossier_from_the_form_is_what_aftale_new_makes(page, server, run, tmp_path):
    page.goto(server.url + "/new")
    _fill_new_form(page, NAME)
    page.click("#create")
    page.wait_for_url(f"{server.url}/d/{NAME}")
    assert page.locator("h1").inner_text() == "Strategisk samarbejdsaftale om boligsocial indsats"
    assert page.locator("#documents tbody tr").count() == 6  # the six JSON documents below
    made = server.root / NAME

    cli = tmp_path / "cli"
    args = ["new", cli, "--start", "2025-01-01", "--slut", "2028-12-31", "--regelsaet", "lbf-2019-2026"]
    for area in AREAS:
        args += ["--omraade", area]
    for kind, party, cvr in PARTIES:
        args += ["--part", f"{kind}:{party}:{cvr}" if cvr else f"{kind}:{party}"]
    for nummer in CHOSEN:
        args += ["--indsatsomraade", nummer]
    code, _out, err = run(*args)
    assert code == 0, err
    web_files, cli_files = _json_files(made), _json_files(cli)
    assert list(web_files) == [
        "beredskabsplan.json",
        "delaftaler/5.1-uddannelse-og-livschancer.json",
        "delaftaler/5.3-kriminalitetsforebyggelse.json",
        "kommissorier/bestyrelse.json",
        "milepaelsplan.json",
        "samarbejdsaftale.json",
    ]
    assert web_files == cli_files
    agreement = web_files["samarbejdsaftale.json"]
    assert [p["underskriver"] for p in agreement["parter"]] == [True, True, False]
    assert agreement["parter"][0]["cvr"] == "12345678"
    assert [o["navn"] for o in agreement["omraader"]] == AREAS
    assert sorted(p.name for p in made.iterdir()) == sorted(p.name for p in cli.iterdir())
    # no staging folder left beside it
    assert not [p for p in server.root.iterdir() if p.name.startswith(f".{NAME}")]


def test_a_bad_or_taken_name_or_period_is_refused_and_the_input_kept(page, server):
    before = sorted(p.name for p in server.root.iterdir())
    page.goto(server.url + "/new")
    _fill_new_form(page, "../ud")
    page.click("#create")
    page.wait_for_selector("#message")
    assert page.locator("#message").inner_text() == (
        "Mappenavnet »../ud« kan ikke bruges: brug bogstaver, tal, punktum, bindestreg og understreg "
        "(højst 100 tegn), og begynd med et bogstav eller tal. Intet er oprettet."
    )
    # everything the user typed is still there
    assert page.input_value("#name") == "../ud"
    assert page.input_value("#areas") == "\n".join(AREAS)
    assert page.input_value("#start") == "2025-01-01"
    names = page.locator("#parties input[name=party_name]")
    assert [names.nth(i).input_value() for i in range(3)] == [p[1] for p in PARTIES]
    assert page.locator("#parties select[name=party_type]").nth(2).input_value() == "politi"
    checked = page.locator("fieldset.focus[data-ruleset='lbf-2019-2026'] input:checked")
    assert [checked.nth(i).get_attribute("value") for i in range(checked.count())] == CHOSEN

    page.fill("#name", "viborg-2017-2021")
    page.click("#create")
    page.wait_for_function("document.getElementById('message').textContent.includes('viborg-2017-2021')")
    assert page.locator("#message").inner_text() == (
        f"Der findes allerede en mappe »viborg-2017-2021« i {server.root}; vælg et andet navn. Intet er oprettet."
    )

    # create_dossier's own refusal, in the form's words (not the command line's --slut)
    page.fill("#name", "ny-aftale")
    page.fill("#end", "2024-06-30")
    page.click("#create")
    page.wait_for_function("document.getElementById('message').textContent.includes('2024-06-30')")
    assert page.locator("#message").inner_text() == (
        "Slutdatoen 2024-06-30 ligger ikke efter periodens start 2025-01-01. Intet er oprettet."
    )
    assert page.input_value("#end") == "2024-06-30"
    assert sorted(p.name for p in server.root.iterdir()) == before


def test_an_imported_agreement_shows_the_import_report(page, server, run, styled_docx, tmp_path):
    page.goto(server.url + "/import")
    page.set_input_files("#agreement", str(styled_docx))
    page.fill("#name", "viborg-importeret")
    page.click("#do-import")
    page.wait_for_selector("#import-report")
    # the same report as the command line's, for the same file
    code, out, err = run("import", styled_docx, "--out", tmp_path / "cli", "--format", "json")
    assert code == 0, err
    expected = json.loads(out)
    stats = expected["stats"]
    assert page.locator("#import-stats [data-status=recognised]").inner_text() == (
        f"Genkendt: {stats['recognised']}"
    )
    assert (
        page.locator("#import-stats [data-status=review]").inner_text() == f"Til gennemsyn: {stats['review']}"
    )
    assert (
        page.locator("#import-stats [data-status=missing]").inner_text() == f"Ikke fundet: {stats['missing']}"
    )
    for status in ("recognised", "review", "missing"):
        shown = page.locator(f"table.import-fields[data-status={status}] tbody tr")
        names = [shown.nth(i).get_attribute("data-field") for i in range(shown.count())]
        assert names == [f["name"] for f in expected["fields"] if f["status"] == status]
    review = next(f for f in expected["fields"] if f["status"] == "review")
    row = page.locator(f"table.import-fields[data-status=review] tr[data-field='{review['name']}']")
    assert review["where"] in row.inner_text()
    check = expected["check"]
    assert page.locator("#import-check").inner_text() == (
        f"Kontrollen af udkastet: {check['errors']} fejl {check['warnings']} advarsler {check['infos']} info"
    )
    assert "styled.docx" in page.locator("#import-source").inner_text()
    assert _json_files(server.root / "viborg-importeret") == _json_files(tmp_path / "cli")
    page.click("#open-dossier")
    page.wait_for_url(f"{server.url}/d/viborg-importeret")
    assert page.locator("#documents tbody tr").count() >= 5


def test_a_macro_enabled_or_unknown_file_is_refused_and_nothing_is_created(
    page, server, styled_docx, tmp_path
):
    from tests.import_fixtures import rewrite_zip

    def macro_enabled(parts: dict[str, bytes]) -> None:
        parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
            b"wordprocessingml.document.main+xml", b"ms-word.document.macroEnabled.main+xml"
        )

    docm = rewrite_zip(styled_docx, tmp_path / "aftale.docm", macro_enabled)
    noise = tmp_path / "støj.pdf"
    noise.write_bytes(os.urandom(4096).replace(b"%PDF-", b"xxxxx"))
    with pytest.raises(SourceError) as unknown:
        read_source(noise)
    before = sorted(p.name for p in server.root.iterdir())
    cases = [
        (docm, f"aftale.docm: {MACROS}"),
        (noise, unknown.value.text.da.replace(str(noise), noise.name)),
    ]
    for path, message in cases:
        page.goto(server.url + "/import")
        page.set_input_files("#agreement", str(path))
        page.fill("#name", "ondt")
        page.click("#do-import")
        page.wait_for_selector("#message")
        assert page.locator("#message").inner_text() == message + " Intet er oprettet."
        assert page.input_value("#name") == "ondt"
        assert sorted(p.name for p in server.root.iterdir()) == before
