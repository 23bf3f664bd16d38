"""diff between two versions of a dossier: the engine (checker.diff), its text and JSON rendering and the
ændringsoversigt (checker.report.changes), on real copies of the Viborg dossier."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from checker.diff import Change, diff_dossiers
from checker.findings import CouldNotRun, Text
from checker.report.changes import as_json, render_text, write_aendringsoversigt
from tests.conftest import ROOT, VIBORG, dump, load

TEMPLATE = ROOT / "templates" / "aendringsoversigt.docx"
ELLEKONEBAKKEN = "5.1 Tryghed og trivsel › Klagesager › Ellekonebakken, baseline 2015: 32 → 30"
LBF = "Finansiering › Landsbyggefonden: 14.600 → 15.000 t.kr."
SAMLET = "Finansiering › Samlet budget: 27.102 → 27.502 t.kr."
BUDGET = "Budget › Landsbyggefonden › År 2: 3.650.000 → 3.700.000 kr."


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Path, Path]:
    """Two copies of the Viborg dossier: the old version, and the new one a test changes."""
    old, new = tmp_path / "v1", tmp_path / "v2"
    shutil.copytree(VIBORG, old)
    shutil.copytree(VIBORG, new)
    return old, new


def edit(path: Path, change) -> None:
    data = load(path)
    change(data)
    dump(path, data)


def lines(changes: list[Change], lang: str = "da") -> list[str]:
    return [c.line(lang) for c in changes]


def criterion(data: dict, nummer: str, cid: str) -> dict:
    area = next(o for o in data["indsatsomraader"]["omraader"] if o["nummer"] == nummer)
    return next(c for c in area["succeskriterier"] if c["id"] == cid)


def revise_agreement(data: dict) -> None:
    """A realistic revision: new baseline, more money from LBF, version 2."""
    criterion(data, "5.1", "5.1-klagesager")["baseline"]["per_omraade"]["Ellekonebakken"] = 30
    data["ressourcer"]["finansiering"]["landsbyggefonden"] = 15000000
    data["ressourcer"]["finansiering"]["samlet"] = 27502000
    data["version"].update({"nummer": "2", "aendrer": "1", "dato": "2019-03-01"})


def set_cell(path: Path, sheet: str, ref: str, value) -> None:
    import openpyxl

    wb = openpyxl.load_workbook(path, data_only=True)  # keeps the cached values as values
    wb[sheet][ref] = value
    wb.save(path)


# ---------------------------------------------------------------------------------------------- the engine


def test_no_changes(pair):
    old, new = pair
    assert diff_dossiers(old, new) == []
    assert render_text([], "da") == "Ingen ændringer."
    assert render_text([], "en") == "No changes."


def test_a_reformatted_file_is_no_change(pair):
    old, new = pair
    path = new / "samarbejdsaftale.json"
    path.write_text(json.dumps(load(path), ensure_ascii=False, indent=4), encoding="utf-8")
    assert diff_dossiers(old, new) == []


def test_per_area_baseline(pair):
    old, new = pair
    edit(
        new / "samarbejdsaftale.json",
        lambda d: criterion(d, "5.1", "5.1-klagesager")["baseline"]["per_omraade"].update(Ellekonebakken=30),
    )
    [change] = diff_dossiers(old, new)
    assert change.line("da") == ELLEKONEBAKKEN
    assert change.needs_lbf_approval is True
    assert (change.file, change.kind, change.old, change.new) == (
        "samarbejdsaftale.json",
        "changed",
        "32",
        "30",
    )
    assert (
        change.pointer == "/indsatsomraader/omraader/0/succeskriterier/0/baseline/per_omraade/Ellekonebakken"
    )
    assert change.cell is None


def test_a_percentage_baseline_is_shown_in_percent(pair):
    old, new = pair
    edit(
        new / "samarbejdsaftale.json",
        lambda d: criterion(d, "5.1", "5.1-fraflytning")["baseline"]["per_omraade"].update(Egeparken=25.1),
    )
    assert lines(diff_dossiers(old, new)) == [
        "5.1 Tryghed og trivsel › Fraflytningsprocent › Egeparken, baseline 2015: 26,8 → 25,1 %"
    ]


def test_finansiering_in_thousands(pair):
    old, new = pair

    def more_money(d):
        d["ressourcer"]["finansiering"]["landsbyggefonden"] = 15000000
        d["ressourcer"]["finansiering"]["samlet"] = 27502000

    edit(new / "samarbejdsaftale.json", more_money)
    changes = diff_dossiers(old, new)
    assert lines(changes) == [LBF, SAMLET]
    assert (changes[0].old, changes[0].new) == ("14.600 t.kr.", "15.000 t.kr.")
    assert all(c.needs_lbf_approval for c in changes)


def test_annex_changes_are_named_and_need_no_approval(pair):
    old, new = pair
    delaftale = new / "delaftaler" / "5.3-uddannelse-og-beskaeftigelse.json"

    def activities(d):
        d["aktiviteter"][0]["navn"] = "Fritidsjob for unge 13-17 år"
        d["aktiviteter"].append({**d["aktiviteter"][1], "id": "5.3-lektiecafe", "navn": "Lektiecafé"})

    edit(delaftale, activities)
    edit(new / "milepaelsplan.json", lambda d: d["projektaar"][0]["milepaele"][0].update(dato="2017-04-10"))
    changes = diff_dossiers(old, new)
    assert lines(changes) == [
        "Fritidsjob 13-17 år › Navn: »Fritidsjob 13-17 år« → »Fritidsjob for unge 13-17 år«",
        "Aktiviteter: tilføjet »Lektiecafé«",
        "Projektår 1 › Opstart af aktiviteterne under Tryghed og trivsel › Dato: 3.4.2017 → 10.4.2017",
    ]
    assert [c.file for c in changes] == [
        "delaftaler/5.3-uddannelse-og-beskaeftigelse.json",
        "delaftaler/5.3-uddannelse-og-beskaeftigelse.json",
        "milepaelsplan.json",
    ]
    assert [c.kind for c in changes] == ["changed", "added", "changed"]
    assert not any(c.needs_lbf_approval for c in changes)
    assert changes[1].pointer == "/aktiviteter/4"


def test_an_area_added_and_a_party_removed(pair):
    old, new = pair

    def revise(d):
        d["omraader"].append({"navn": "Skovbakken", "afdeling": {"nummer": "12"}})
        d["parter"] = [p for p in d["parter"] if p["navn"] != "Bjerringbro Andelsboligforening"]

    edit(new / "samarbejdsaftale.json", revise)
    added, removed = diff_dossiers(old, new)
    assert (added.kind, added.line("da"), added.new, added.old) == (
        "added",
        "Områder: tilføjet »Skovbakken«",
        "»Skovbakken«",
        None,
    )
    assert added.line("en") == "Områder: added »Skovbakken«"
    assert (removed.kind, removed.line("da"), removed.new) == (
        "removed",
        "Parter: fjernet »Bjerringbro Andelsboligforening«",
        None,
    )
    assert removed.pointer == "/parter/2"  # in the old file
    assert added.needs_lbf_approval and removed.needs_lbf_approval


def test_lists_of_objects_are_matched_by_identity_not_position(pair):
    old, new = pair
    edit(
        new / "samarbejdsaftale.json",
        lambda d: d["omraader"].insert(0, {"navn": "Skovbakken", "afdeling": {"nummer": "12"}}),
    )
    assert lines(diff_dossiers(old, new)) == ["Områder: tilføjet »Skovbakken«"]


def test_an_edited_paragraph_shows_where_it_changed(pair):
    old, new = pair

    def edit_text(d):
        d["sekretariat"]["tekst"][1] = d["sekretariat"]["tekst"][1].replace(
            "i faglig henseende", "i fagligt henseende"
        )

    edit(new / "samarbejdsaftale.json", edit_text)
    [change] = diff_dossiers(old, new)
    assert change.place.da == "Sekretariat › Tekst › 2. afsnit"
    assert "faglig henseende" in change.old and "fagligt henseende" in change.new
    assert change.old.startswith("»…") and len(change.old) <= 84


def test_version_bump_alone_needs_no_approval(pair):
    old, new = pair
    edit(new / "samarbejdsaftale.json", lambda d: d["version"].update(nummer="2", aendrer="1"))
    changes = diff_dossiers(old, new)
    assert lines(changes) == ["Version › Versionsnummer: 1 → 2", "Version › Ændrer version: tilføjet 1"]
    assert not any(c.needs_lbf_approval for c in changes)
    assert render_text(changes, "da").endswith(
        "2 ændringer, ingen af dem kræver Landsbyggefondens godkendelse."
    )


def test_budget_cell(pair):
    old, new = pair
    set_cell(new / "budget.xlsx", "Finansiering", "C11", 3700000)
    [change] = diff_dossiers(old, new)
    assert change.line("da") == BUDGET
    assert (change.file, change.cell, change.pointer, change.needs_lbf_approval) == (
        "budget.xlsx",
        "Finansiering!C11",
        None,
        False,
    )


def test_aktivitetsskema_rows(pair):
    old, new = pair
    import openpyxl

    path = new / "aktivitetsskema.xlsx"
    wb = openpyxl.load_workbook(path, data_only=True)
    ws = wb["Aktiviteter"]
    assert ws["B7"].value == "Fritidsjob 13-17 år"
    ws["F7"] = "UU Viborg"
    last = ws.max_row
    removed_name = ws.cell(last, 2).value
    ws.delete_rows(last)
    ws.cell(last, 1, "5.3")
    ws.cell(last, 2, "Lektiecafé")
    ws.cell(last, 3, "5.3-lektiecafe")
    wb.save(path)
    changes = diff_dossiers(old, new)
    assert lines(changes) == [
        "Aktivitetsskema › Fritidsjob 13-17 år › Ansvarlig: »Boligselskabernes Fællessekretariat« → »UU Viborg«",
        "Aktivitetsskema: tilføjet »Lektiecafé«",
        f"Aktivitetsskema: fjernet »{removed_name}«",
    ]
    assert [c.cell for c in changes] == ["Aktiviteter!F7", f"Aktiviteter!B{last}", f"Aktiviteter!B{last}"]
    assert not any(c.needs_lbf_approval for c in changes)


def test_an_unreadable_workbook_is_one_change(pair):
    old, new = pair
    (new / "budget.xlsx").write_bytes(b"%PDF-1.4\nnot a workbook\n")
    [change] = diff_dossiers(old, new)
    assert (change.file, change.kind) == ("budget.xlsx", "changed")
    assert change.old.startswith("sha256 ") and change.new.startswith("sha256 ") and change.old != change.new
    assert "kan ikke læses som regneark" in change.note.da and "PDF" in change.note.da
    assert "cannot be read as a workbook" in change.line("en")


def test_binary_annexes_by_hash(pair):
    old, new = pair
    pdf = new / "centrale-maalinger.pdf"
    pdf.write_bytes(pdf.read_bytes() + b"\n% ny udgave\n")
    (new / "organisationsdiagram.svg").unlink()
    (new / "bilag").mkdir()
    (new / "bilag" / "referat.pdf").write_bytes(b"%PDF-1.4\n")
    changes = diff_dossiers(old, new)
    assert [(c.file, c.kind) for c in changes] == [
        ("bilag/referat.pdf", "added"),
        ("centrale-maalinger.pdf", "changed"),
        ("organisationsdiagram.svg", "removed"),
    ]
    replaced = changes[1]
    assert replaced.place == Text("centrale-maalinger.pdf", "centrale-maalinger.pdf")
    assert replaced.line("da").endswith("(filens indhold er ændret)")
    assert not any(c.needs_lbf_approval for c in changes)


def test_a_json_file_added_or_removed_is_one_change_named_by_its_title(pair):
    old, new = pair
    (new / "delaftaler" / "5.1-tryghed-og-trivsel.json").unlink()
    [change] = diff_dossiers(old, new)
    assert change.line("da") == (
        "Delaftale for indsatsområde 5.1 Tryghed og trivsel: fjernet delaftaler/5.1-tryghed-og-trivsel.json"
    )
    [change] = diff_dossiers(new, old)
    assert change.kind == "added" and change.new == "delaftaler/5.1-tryghed-og-trivsel.json"


def test_broken_json_is_reported_and_the_rest_compared(pair):
    old, new = pair
    (new / "milepaelsplan.json").write_text('{"dokumenttype": "milepaelsplan",', encoding="utf-8")
    edit(
        new / "samarbejdsaftale.json",
        lambda d: criterion(d, "5.1", "5.1-klagesager")["baseline"]["per_omraade"].update(Ellekonebakken=30),
    )
    first, broken = diff_dossiers(old, new)
    assert first.line("da") == ELLEKONEBAKKEN
    assert (broken.file, broken.kind, broken.old, broken.new) == ("milepaelsplan.json", "changed", None, None)
    assert broken.place.da.startswith("Milepælsplan")  # named by the old version's title
    assert "kan ikke sammenlignes" in broken.line("da") and "Ugyldig JSON" in broken.line("da")
    assert "cannot be compared" in broken.line("en")


def test_order_agreement_first_then_files(pair):
    old, new = pair
    edit(new / "beredskabsplan.json", lambda d: d["version"].update(nummer="2"))
    set_cell(new / "budget.xlsx", "Finansiering", "C11", 3700000)
    edit(new / "samarbejdsaftale.json", revise_agreement)
    files = [c.file for c in diff_dossiers(old, new)]
    assert files[0] == "samarbejdsaftale.json"
    assert files == sorted(files, key=lambda f: (f != "samarbejdsaftale.json", f))


def test_not_a_dossier(pair, tmp_path):
    old, _new = pair
    empty = tmp_path / "tom"
    empty.mkdir()
    with pytest.raises(CouldNotRun) as exc:
        diff_dossiers(old, empty)
    assert "ikke et dossier" in exc.value.text.da
    with pytest.raises(CouldNotRun):
        diff_dossiers(tmp_path / "findes-ikke", old)


# ---------------------------------------------------------------------------------------------- text and JSON


@pytest.fixture
def revision(pair) -> tuple[Path, Path, list[Change]]:
    old, new = pair
    edit(new / "samarbejdsaftale.json", revise_agreement)
    set_cell(new / "budget.xlsx", "Finansiering", "C11", 3700000)
    edit(new / "milepaelsplan.json", lambda d: d["projektaar"][0]["milepaele"][0].update(dato="2017-04-10"))
    return old, new, diff_dossiers(old, new)


def test_text_grouped_by_file_with_the_lbf_mark(revision):
    _old, _new, changes = revision
    text = render_text(changes, "da")
    assert text.split("\n") == [
        "samarbejdsaftale.json",
        "  Version › Versionsnummer: 1 → 2",
        "  Version › Ændrer version: tilføjet 1",
        "  Version › Dato: tilføjet 1.3.2019",
        f"  {ELLEKONEBAKKEN}  [kræver LBF's godkendelse]",
        f"  {LBF}  [kræver LBF's godkendelse]",
        f"  {SAMLET}  [kræver LBF's godkendelse]",
        "",
        "budget.xlsx",
        f"  {BUDGET} (celle Finansiering!C11)",
        "",
        "milepaelsplan.json",
        "  Projektår 1 › Opstart af aktiviteterne under Tryghed og trivsel › Dato: 3.4.2017 → 10.4.2017",
        "",
        "8 ændringer, heraf 3 som kræver Landsbyggefondens godkendelse.",
    ]
    english = render_text(changes, "en")
    assert f"  {ELLEKONEBAKKEN}  [needs LBF approval]" in english
    assert "  Version › Ændrer version: added 1" in english
    assert f"  {BUDGET} (cell Finansiering!C11)" in english
    assert english.endswith("8 changes, 3 of which need Landsbyggefonden's approval.")


def test_json_shape(revision):
    _old, _new, changes = revision
    doc = as_json(changes, "v1", "v2")
    json.dumps(doc)  # plain JSON all the way down
    assert set(doc) == {"old", "new", "changes", "stats"}
    assert (doc["old"], doc["new"]) == ("v1", "v2")
    assert doc["stats"] == {
        "changes": 8,
        "needs_lbf_approval": 3,
        "changed": 6,
        "added": 2,
        "removed": 0,
        "files": 3,
    }
    first = next(c for c in doc["changes"] if c["pointer"].endswith("Ellekonebakken"))
    assert first == {
        "file": "samarbejdsaftale.json",
        "kind": "changed",
        "place": {
            "da": "5.1 Tryghed og trivsel › Klagesager › Ellekonebakken, baseline 2015",
            "en": "5.1 Tryghed og trivsel › Klagesager › Ellekonebakken, baseline 2015",
        },
        "old": "32",
        "new": "30",
        "pointer": "/indsatsomraader/omraader/0/succeskriterier/0/baseline/per_omraade/Ellekonebakken",
        "cell": None,
        "needs_lbf_approval": True,
        "note": None,
    }
    budget = next(c for c in doc["changes"] if c["file"] == "budget.xlsx")
    assert (budget["cell"], budget["pointer"], budget["place"]["en"]) == (
        "Finansiering!C11",
        None,
        "Budget › Landsbyggefonden › År 2",
    )


# ---------------------------------------------------------------------------------------------- the ændringsoversigt


def _cells(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_aendringsoversigt_docx_and_pdf(revision, tmp_path):
    import docx
    import pdfplumber

    from checker.assemble.pdf import convert

    old, new, changes = revision
    out = write_aendringsoversigt(
        changes,
        load(old / "samarbejdsaftale.json"),
        load(new / "samarbejdsaftale.json"),
        tmp_path / "out" / "aendringsoversigt.docx",
    )
    assert out == tmp_path / "out" / "aendringsoversigt.docx"
    assert [p.name for p in out.parent.iterdir()] == ["aendringsoversigt.docx"]
    document = docx.Document(str(out))
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs[0] == "Ændringsoversigt"
    assert "Fra version 1 til version 2 af 1. marts 2019." in paragraphs
    assert "Ændringer, der kræver Landsbyggefondens godkendelse" in paragraphs
    assert "Øvrige ændringer (bilag)" in paragraphs
    assert "Ingen." not in paragraphs
    assert document.core_properties.title == "Ændringsoversigt – den boligsociale Helhedsplan i Viborg"
    assert document.core_properties.language == "da-DK"
    assert "UDKAST" not in document.sections[0].header.paragraphs[0].text

    versions, approval, others = document.tables
    assert _cells(versions) == [
        ["", "Version", "Dato", "Beskrivelse"],
        [
            "Forrige version",
            "1",
            "–",
            "Aftalens tekst som overført fra kilden; underskrifterne er ikke registreret.",
        ],
        [
            "Ny version",
            "2",
            "1.3.2019",
            "Aftalens tekst som overført fra kilden; underskrifterne er ikke registreret.",
        ],
    ]
    assert _cells(approval) == [
        ["Sted", "Før", "Efter"],
        ["5.1 Tryghed og trivsel › Klagesager › Ellekonebakken, baseline 2015", "32", "30"],
        ["Finansiering › Landsbyggefonden", "14.600 t.kr.", "15.000 t.kr."],
        ["Finansiering › Samlet budget", "27.102 t.kr.", "27.502 t.kr."],
    ]
    assert _cells(others) == [
        ["Sted", "Før", "Efter"],
        ["Version › Versionsnummer\nsamarbejdsaftale.json", "1", "2"],
        ["Version › Ændrer version\nsamarbejdsaftale.json", "–", "1"],
        ["Version › Dato\nsamarbejdsaftale.json", "–", "1.3.2019"],
        [
            "Budget › Landsbyggefonden › År 2 (celle Finansiering!C11)\nbudget.xlsx",
            "3.650.000 kr.",
            "3.700.000 kr.",
        ],
        [
            "Projektår 1 › Opstart af aktiviteterne under Tryghed og trivsel › Dato\nmilepaelsplan.json",
            "3.4.2017",
            "10.4.2017",
        ],
    ]

    [pdf] = convert([out], tmp_path / "out")
    with pdfplumber.open(pdf) as reader:
        text = "\n".join(page.extract_text() or "" for page in reader.pages)
    assert "Ændringsoversigt" in text
    assert "Ellekonebakken, baseline 2015" in text
    flat = " ".join(text.split())  # the place may wrap beside its values
    assert re.search(r"Klagesager › (32 30 )?Ellekonebakken, baseline 2015( 32 30)?", flat)
    assert re.search(r"Klagesager › 32 30 Ellekonebakken|Ellekonebakken, baseline 2015 32 30", flat)
    assert "14.600 t.kr." in text and "15.000 t.kr." in text
    assert "Side 1 af" in text


def test_aendringsoversigt_empty_tables_say_ingen(pair, tmp_path):
    import docx

    old, new = pair
    edit(new / "samarbejdsaftale.json", lambda d: d["version"].update(nummer="2", lbf_status="indsendt"))
    changes = diff_dossiers(old, new)
    out = write_aendringsoversigt(
        changes,
        load(old / "samarbejdsaftale.json"),
        load(new / "samarbejdsaftale.json"),
        tmp_path / "oversigt.docx",
        udkast=True,
    )
    document = docx.Document(str(out))
    paragraphs = [p.text for p in document.paragraphs]
    heading = paragraphs.index("Ændringer, der kræver Landsbyggefondens godkendelse")
    assert paragraphs[heading + 1] == "Ingen."
    assert "Status hos Landsbyggefonden: indsendt til Landsbyggefonden." in paragraphs
    assert len(document.tables) == 2  # versions and the other changes
    assert document.sections[0].header.paragraphs[0].text == "UDKAST"

    nothing = write_aendringsoversigt(
        [], load(old / "samarbejdsaftale.json"), load(old / "samarbejdsaftale.json"), tmp_path / "tom.docx"
    )
    paragraphs = [p.text for p in docx.Document(str(nothing)).paragraphs]
    assert paragraphs.count("Ingen.") == 2


def test_the_template_uses_only_schema_paths_and_row_keys():
    from tests.test_templates import ANY, SchemaWalker, check_paths, template_sources

    walker = SchemaWalker()
    agreement = walker.root("strategisk-samarbejdsaftale")
    scope = {"aftale": agreement, "forrige": agreement, "godkendelse": ANY, "oevrige": ANY, "udkast": ANY}
    problems, used = [], set()
    sources = template_sources(TEMPLATE)
    for source in sources:
        p, u = check_paths(source, scope, walker)
        problems += p
        used |= u
    assert problems == []
    assert {"aftale.version.nummer", "forrige.version.nummer", "aftale.helhedsplan"} <= used
    row_vars = set(re.findall(r"for (\w+) in (?:godkendelse|oevrige)\b", "".join(sources)))
    assert row_vars == {"r"}
    assert set(re.findall(r"\br\.(\w+)", "".join(sources))) == {"sted", "foer", "efter", "fil"}
