"""docs/followup.md shows, for every Viborg criterion, the agreement's words, the reading and the computed
targets, generated from the dossier (checker.followup.readings) and never stale."""

from __future__ import annotations

import copy
import json
from decimal import Decimal

import pytest

from checker.followup.readings import BEGIN, END, criteria_markdown, generated_part, main, replace_generated
from tests.conftest import ROOT, VIBORG

DOC = ROOT / "docs" / "followup.md"


@pytest.fixture(scope="module")
def aftale() -> dict:
    return json.loads((VIBORG / "samarbejdsaftale.json").read_text(encoding="utf-8"), parse_float=Decimal)


@pytest.fixture(scope="module")
def generated(aftale) -> str:
    return criteria_markdown(aftale)


def test_the_table_in_docs_followup_is_not_stale(generated):
    assert generated_part(DOC.read_text(encoding="utf-8")) == generated, (
        "docs/followup.md is stale: run .venv/bin/python -m checker.followup.readings "
        "agreements/viborg-2017-2021 --write docs/followup.md"
    )


def test_every_criterion_with_the_agreements_words_its_reading_and_targets(aftale, generated):
    criteria = [c for a in aftale["indsatsomraader"]["omraader"] for c in a["succeskriterier"]]
    assert generated.count("\n### ") + generated.startswith("### ") == len(criteria) == 10
    for c in criteria:
        section = generated.split(f"### {c['id']}: ", 1)[1].split("\n### ", 1)[0]
        assert f"»{' '.join(c['tekst'].split())}«" in section
        assert "- Læsning" in section and "| Område / kategori |" in section


def test_the_readings_and_their_figures(generated):
    # klagesager: compounding recorded, linear shown beside it
    assert (
        "| Ellekonebakken (baseline 32) | højst 30,4 | højst 28,88 | højst 27,44 | højst 26,06 |" in generated
    )
    assert "Den anden læsning (lineært) ville give:" in generated
    assert "| Ellekonebakken (baseline 32) | højst 30,4 | højst 28,8 | højst 27,2 | højst 25,6 |" in generated
    # tryghed: the two answers together, each on its own as the other reading
    assert "| trygge og meget trygge samlet (baseline 78 %) | over 78 % |" in generated
    assert "| meget trygge (baseline 32 %) | over 32 % |" in generated
    assert "voksne føler sig trygge" in generated and "ekstern tilfredshedsundersøgelse" in generated
    # "igen": 15,5 % on top; ledighed without "igen": 10 %; the compounded fall is 14,5 %
    assert "| B = baseline (ikke i aftalen) | mindst 105 % af B | mindst 115,5 % af B |" in generated
    assert "| B = baseline (ikke i aftalen) | højst 95 % af B | højst 90 % af B |" in generated
    assert "i alt et fald på 14,5 %" in generated
    # fraflytning: per cent of the baseline, percentage points as the other reading
    assert "| Egeparken (baseline 26,8 %) | højst 26,26 % |" in generated
    assert "| Egeparken (baseline 26,8 %) | højst 24,8 % |" in generated
    # 72,8 % with its population
    assert "72,8 % af eleverne i 8. og 9. klasse på de tre skoler" in generated
    assert "| samlet tal (baseline 72,8 %) | mindst 80 % |" in generated


def test_a_settled_reading_shows_no_alternative(aftale):
    settled = copy.deepcopy(aftale)
    for area in settled["indsatsomraader"]["omraader"]:
        for c in area["succeskriterier"]:
            if c["id"] == "5.1-klagesager":
                c["aabent_spoergsmaal"].update(status="afklaret", afklaring="Bestyrelsen 2017: sammensat.")
    text = criteria_markdown(settled)
    section = text.split("### 5.1-klagesager: ", 1)[1].split("\n### ", 1)[0]
    assert "- Læsning (afklaret): sammensat ændring" in section and "Bestyrelsen 2017" in section
    assert "Den anden læsning" not in section


def test_write_replaces_only_the_generated_part(tmp_path, generated):
    doc = tmp_path / "followup.md"
    doc.write_text(f"# Før\n\n{BEGIN}\ngammelt\n{END}\n\nEfter.\n", encoding="utf-8")
    assert main([str(VIBORG), "--write", str(doc)]) == 0
    text = doc.read_text(encoding="utf-8")
    assert text.startswith(f"# Før\n\n{BEGIN}\n\n") and text.endswith(f"{END}\n\nEfter.\n")
    assert generated_part(text) == generated
    assert replace_generated(text, generated) == text
