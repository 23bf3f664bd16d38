"""The generated documents speak for any agreement, not only Viborg's shape: a v2 variant made from a
copy of Viborg (the police on the board without signing, an område of three afdelinger of two owners, a
styregruppe per indsatsområde with relations, the local co-financing split, a target in procentpoint) is
built with the real templates (docxtpl) and the real graphviz, and the documents are read back."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from docx import Document

from tests.conftest import VIBORG, dump, load
from tests.test_build import docx_text

POLICE = {
    "id": "midt-og-vestjyllands-politi",
    "navn": "Midt- og Vestjyllands Politi",
    "type": "politi",
    "underskriver": False,
    "bemaerkning": "deltager i bestyrelsen uden at underskrive aftalen",
}
POLICE_MEMBER = {"rolle": "politiinspektør", "part": POLICE["id"]}
AFDELINGER = [
    {
        "nummer": "10",
        "navn": "Vestervang",
        "boligorganisation": "boligselskabet-viborg",
        "beboere": 412,
        "lejemaal": 200,
    },
    {
        "nummer": "11",
        "navn": "Vestervang Syd",
        "boligorganisation": "boligselskabet-viborg",
        "beboere": 300,
        "lejemaal": 150,
    },
    {
        "nummer": "3",
        "navn": "Søndervang",
        "boligorganisation": "boligselskabet-sct-joergen-viborg",
        "beboere": 1200,
        "lejemaal": 610,
    },
]
AFDELINGER_LINE = (
    "Vestervang (1.912 beboere, 960 lejemål): "
    "afd. 10 Vestervang (Boligselskabet Viborg), 412 beboere, 200 lejemål; "
    "afd. 11 Vestervang Syd (Boligselskabet Viborg), 300 beboere, 150 lejemål; "
    "afd. 3 Søndervang (Boligselskabet Sct. Jørgen Viborg), 1.200 beboere, 610 lejemål"
)
STYREGRUPPER = {
    "5.1": "Styregruppen for tryghed",
    "5.3": "Styregruppen for uddannelse",
    "5.4": "Styregruppen for forebyggelse",
}
FOELGEGRUPPE = "Følgegruppen i Vestervang"
FORDELING = [
    {"part": "viborg-kommune", "beloeb": 6251000, "bemaerkning": "kommunens andel"},
    {"part": "boligselskabet-viborg", "beloeb": 4000000},
    {"part": "boligselskabet-sct-joergen-viborg", "beloeb": 2251000},
]


def _styregruppe(number: str, name: str) -> dict:
    return {
        "id": f"styregruppe-{number.replace('.', '-')}",
        "navn": name,
        "type": "styregruppe",
        "indsatsomraade": number,
        "sammensaetning": f"{name} består af ledere fra kommunen og boligorganisationerne.",
        "medlemmer": [
            {"rolle": "afdelingsleder, Børn & Unge", "part": "viborg-kommune"},
            {"rolle": "driftschef", "part": "boligselskabet-viborg"},
        ],
        "moedefrekvens": {"min_pr_aar": 4, "max_pr_aar": 6},
        "kommissorium": {"begrundelse": "Styregruppen skriver sit kommissorium på sit første møde."},
        "relationer": [
            {"type": "refererer_til", "organ": "bestyrelse"},
            {"type": "faciliteres_af", "organ": "sekretariat"},
        ],
    }


def make_variant(folder: Path, *, eksempel: bool) -> Path:
    """A copy of Viborg in the shape of other real plans."""
    target = folder / "variant"
    shutil.copytree(VIBORG, target)
    path = target / "samarbejdsaftale.json"
    aftale = load(path)
    if eksempel:
        aftale["metadata"] = {
            "oprindelse": "eksempel",
            "bemaerkning": "Opdigtet variant af Viborg-aftalen til test.",
        }
    aftale["parter"].append(POLICE)
    board = aftale["organisering"]["organer"][0]
    board["medlemmer"].append(POLICE_MEMBER)
    vestervang = next(o for o in aftale["omraader"] if o["navn"] == "Vestervang")
    vestervang["afdelinger"] = AFDELINGER
    organer = aftale["organisering"]["organer"]
    organer += [_styregruppe(n, name) for n, name in STYREGRUPPER.items()]
    organer.append(
        {
            "id": "foelgegruppe-vestervang",
            "navn": FOELGEGRUPPE,
            "type": "foelgegruppe",
            "omraade": "Vestervang",
            "sammensaetning": "Afdelingsbestyrelserne i Vestervang.",
            "medlemmer": [{"rolle": "formand", "organisation": "afdelingsbestyrelsen i afd. 10"}],
            "moedefrekvens": {"min_pr_aar": 2, "max_pr_aar": 2},
            "kommissorium": {"begrundelse": "Følgegruppen arbejder uden kommissorium."},
            "relationer": [{"type": "raadgiver", "organ": "styregruppe-5-1"}],
        }
    )
    aftale["ressourcer"]["finansiering"]["lokal_fordeling"] = FORDELING
    tryghed = aftale["indsatsomraader"]["omraader"][0]["succeskriterier"][2]
    assert tryghed["id"] == "5.1-tryghed"
    tryghed["baseline"] = {"tidspunkt": "2016", "vaerdi": 78}
    tryghed["maal"] = {
        "type": "procentpoint_aendring",
        "retning": "stigning",
        "kontrolpunkter": [{"dato": "2021-03-31", "procentpoint": 10}],
    }
    dump(path, aftale)

    register = target / "opfoelgning.json"
    data = load(register)
    data["maalinger"] = [m for m in data["maalinger"] if m["kriterium"] != "5.1-tryghed"]
    data["maalinger"].append(
        {
            "kriterium": "5.1-tryghed",
            "kontrolpunkt": "2021-03-31",
            "vaerdi": 82,
            "dato": "2021-03-01",
            "datakilde": "Tilfredshedsundersøgelse 2021",
        }
    )
    dump(register, data)

    kommissorium = target / "kommissorier" / "bestyrelse.json"
    data = load(kommissorium)
    data["medlemmer"].append(POLICE_MEMBER)
    dump(kommissorium, data)
    return target


def set_origin(dossier: Path, origin: str) -> None:
    for path in dossier.rglob("*.json"):
        data = load(path)
        if isinstance(data, dict) and isinstance(data.get("metadata"), dict):
            data["metadata"]["oprindelse"] = origin
            dump(path, data)


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def headers(path: Path) -> list[str]:
    """The text of every section's page header."""
    return [" ".join(p.text for p in s.header.paragraphs) for s in Document(str(path)).sections]


@pytest.fixture(scope="module")
def variant(tmp_path_factory) -> Path:
    return make_variant(tmp_path_factory.mktemp("variant"), eksempel=True)


@pytest.fixture(scope="module")
def built(variant, tmp_path_factory):
    from checker.assemble.build import build

    # draft: rules added concurrently may judge the invented variant; the documents are what is tested
    return build(variant, tmp_path_factory.mktemp("out") / "variant", pdf=False, draft=True)


@pytest.fixture(scope="module")
def agreement_text(built) -> str:
    return squash(docx_text(built.out / "samarbejdsaftale.docx"))


# --- the agreement ---------------------------------------------------------------------------------------


def test_the_front_page_names_the_plan_and_its_period_in_words(agreement_text):
    assert (
        "Strategisk samarbejdsaftale om boligsocial indsats Den boligsociale Helhedsplan i Viborg "
        "Perioden 1. april 2017 – 31. marts 2021 (4 år)"
    ) in agreement_text


def test_only_signing_parties_are_parties_and_the_police_is_another_actor(built):
    paragraphs = [p.text for p in Document(str(built.out / "samarbejdsaftale.docx")).paragraphs]
    start = paragraphs.index("Aftalens parter:")
    assert paragraphs[start + 1 : start + 8] == [
        "Boligselskabet Viborg",
        "Boligselskabet Sct. Jørgen Viborg",
        "Bjerringbro Andelsboligforening",
        "Viborg Kommune",
        "Øvrige aktører:",
        "Midt- og Vestjyllands Politi (politi) – deltager i bestyrelsen uden at underskrive aftalen",
        "Samarbejdsaftalen:",
    ]


def test_an_omraade_shows_its_afdelinger_owners_and_figures(built):
    paragraphs = [p.text for p in Document(str(built.out / "samarbejdsaftale.docx")).paragraphs]
    start = paragraphs.index("Afdelinger:")
    assert paragraphs[start + 1] == AFDELINGER_LINE
    assert paragraphs[start + 2] == "Aftalens parter:"  # no line for områder of which nothing is known


def test_criteria_tables_give_each_target_in_words_and_figures(agreement_text):
    for words in (
        "+10 procentpoint fra 2016-niveauet senest 31. marts 2021 (dvs. mindst 88 %)",
        "mindst 80 % i skoleåret 2020-2021",
        "højst 2015-niveauet og −5 % pr. år fra 2015-niveauet (sammensat), hvor det er muligt; "
        "opgøres 31.3.2018, 31.3.2019, 31.3.2020 og 31.3.2021",
        # an open question: the reading used, and that it is not settled
        "−2 % fra 2015-niveauet ved opgørelsen pr. 31.12.2020, den sidste i perioden – "
        "læst som ændring i procent af baseline; læsning ikke afklaret",
        "+5 % i 2018 og +15,5 % i 2020, begge regnet fra niveauet ved projektets start – læst som ændring "
        "i procent af baseline, hvert kontrolpunkt regnet fra baseline; læsning ikke afklaret",
        "−5 % pr. år fra baseline (sammensat); opgøres 31.3.2018, 31.3.2019, 31.3.2020 og 31.3.2021",
    ):
        assert words in agreement_text, words


def test_bodies_show_their_indsatsomraade_omraade_and_relations(agreement_text):
    assert (
        "Styregruppen for tryghed Hører til: indsatsområde 5.1 Tryghed og trivsel Styregruppen for tryghed består af"
        in agreement_text
    )
    assert "Relationer: Refererer til Bestyrelsen. Faciliteres af Boligselskabernes Fællessekretariat." in (
        agreement_text
    )
    assert f"{FOELGEGRUPPE} Hører til: boligområdet Vestervang" in agreement_text
    assert "Relationer: Rådgiver Styregruppen for tryghed." in agreement_text


def test_finance_shows_the_local_split_with_names_and_shares(built):
    table = next(
        t
        for t in Document(str(built.out / "samarbejdsaftale.docx")).tables
        if t.rows[0].cells[0].text == "Organisation"
    )
    assert [[c.text for c in row.cells] for row in table.rows] == [
        ["Organisation", "Finansiering"],
        ["Landsbyggefonden", "14.600 t.kr."],
        ["Lokal medfinansiering", "12.502 t.kr."],
        ["heraf Viborg Kommune (23,1 % af det samlede budget) – kommunens andel", "6.251 t.kr."],
        ["heraf Boligselskabet Viborg (14,8 % af det samlede budget)", "4.000 t.kr."],
        ["heraf Boligselskabet Sct. Jørgen Viborg (8,3 % af det samlede budget)", "2.251 t.kr."],
        ["Samlet budget for den boligsociale indsats", "27.102 t.kr."],
    ]


def test_documents_for_signing_hold_no_internal_ids(built, variant):
    aftale = load(variant / "samarbejdsaftale.json")
    ids = [p["id"] for p in aftale["parter"]]
    ids += [c["id"] for io in aftale["indsatsomraader"]["omraader"] for c in io["succeskriterier"]]
    ids += [o["id"] for o in aftale["organisering"]["organer"] if "-" in o["id"]]  # "bestyrelse" is a word
    signed = ["samarbejdsaftale.docx"] + [p.name for p in built.out.glob("delaftale-*.docx")]
    assert len(signed) == 4
    for name in signed:
        text = docx_text(built.out / name)
        found = [i for i in ids if i in text]
        assert found == [], name
    delaftale = squash(docx_text(built.out / "delaftale-5.1-tryghed-og-trivsel.docx"))
    assert "Succeskriterier Klagesager, Tryghed" in delaftale


def test_members_named_by_party_show_the_partys_name(built):
    text = docx_text(built.out / "kommissorium-bestyrelse.docx")
    assert "politiinspektør, Midt- og Vestjyllands Politi" in text
    assert "direktør for Børn & Unge, Viborg Kommune" in text
    beredskab = docx_text(built.out / "beredskabsplan.docx")
    assert "Boligselskabet Sct. Jørgen Viborg" in beredskab


def test_every_page_header_says_eksempel_when_the_content_is_invented(built):
    names = sorted(p.name for p in built.out.glob("*.docx"))
    assert len(names) == 9
    for name in names:
        assert all("EKSEMPEL – opdigtede oplysninger" in h for h in headers(built.out / name)), name


def test_no_eksempel_header_when_nothing_is_invented(tmp_path):
    from checker.assemble.build import build

    dossier = make_variant(tmp_path, eksempel=False)
    set_origin(dossier, "egen")
    result = build(dossier, tmp_path / "ud", pdf=False, draft=True)
    for path in result.out.glob("*.docx"):
        assert not any("EKSEMPEL" in h for h in headers(path)), path.name


def test_viborg_says_eksempel_on_its_invented_annexes_only(tmp_path):
    from checker.assemble.build import build

    result = build(VIBORG, tmp_path / "ud", pdf=False)
    assert not any("EKSEMPEL" in h for h in headers(result.out / "samarbejdsaftale.docx"))
    for name in (
        "delaftale-5.1-tryghed-og-trivsel.docx",
        "kommissorium-bestyrelse.docx",
        "beredskabsplan.docx",
    ):
        assert all("EKSEMPEL – opdigtede oplysninger" in h for h in headers(result.out / name)), name


def test_the_view_leaves_the_checked_data_alone_and_adds_every_declared_field():
    from checker.assemble import view

    aftale = json.loads((VIBORG / "samarbejdsaftale.json").read_text(encoding="utf-8"), parse_float=Decimal)
    before = json.dumps(aftale, sort_keys=True, default=str)
    shown = view.agreement(aftale)
    assert json.dumps(aftale, sort_keys=True, default=str) == before
    assert shown["organisering"]["organer"][0]["medlemmer"][0]["organisation"] == "Viborg Kommune"
    assert {
        "helhedsplan_titel",
        "periode_tekst",
        "varighed_tekst",
        "underskrivende_parter",
        "oevrige_aktoerer",
    } <= set(shown)
    assert all(
        "maal_tekst" in c for io in shown["indsatsomraader"]["omraader"] for c in io["succeskriterier"]
    )


# --- the organisationsdiagram ------------------------------------------------------------------------------


def _edges(source: str) -> set[tuple[str, str, str]]:
    """(tail, head, label) of every edge in the DOT text."""
    return {
        (
            a.strip('"'),
            b.strip('"'),
            (re.search(r'label="\s*([^"]*)"', attrs) or re.search("()", "")).group(1),
        )
        for a, b, attrs in re.findall(r"^\s*(\S+) -> (\S+) \[(.*)\]$", source, re.M)
    }


def _svg(source: str) -> str:
    return subprocess.run(
        ["dot", "-Tsvg"], input=source.encode(), capture_output=True, check=True
    ).stdout.decode()


def test_the_diagram_draws_every_body_and_an_edge_per_relation(variant):
    from checker.assemble.orgchart import dot_source

    aftale = load(variant / "samarbejdsaftale.json")
    source = dot_source(aftale)
    svg = _svg(source)
    for body in aftale["organisering"]["organer"]:
        assert body["navn"] in source and body["navn"] in svg, body["navn"]
    assert (
        "Boligselskabernes Fællessekretariat" in svg
        and "Indsatsområde 5.3 Uddannelse og beskæftigelse" in svg
    )
    edges = _edges(source)
    for number in STYREGRUPPER:
        me = f"organ-styregruppe-{number.replace('.', '-')}"
        assert ("organ-bestyrelse", me, "refererer til") in edges
        assert (me, "_sekretariat", "faciliterer") in edges
    assert ("organ-styregruppe-5-1", "organ-foelgegruppe-vestervang", "rådgiver") in edges
    # Viborg's relations from section 2 of the seed; a body with no upward relation (the beboerpanel) is
    # placed below the bestyrelse by an invisible edge, never a relation the data does not record
    assert ("organ-bestyrelse", "organ-projektkoordineringsgruppe", "indstiller til") in edges
    assert ("organ-bestyrelse", "organ-beboerpanel", "") in edges
    assert "style=invis" in source and source.count("style=invis") == 1
    assert ("organ-bestyrelse", "_sekretariat", "refererer til") in edges
    relations = sum(len(o.get("relationer", [])) for o in aftale["organisering"]["organer"])
    # one edge per relation, one placement, the secretariat's report and its placement
    assert len(edges) == relations + 1 + 1 + 1
    assert "følgegruppe" not in source  # no wording from one plan


def test_viborg_still_draws_its_three_bodies_and_the_secretariat():
    from checker.assemble.orgchart import dot_source

    aftale = load(VIBORG / "samarbejdsaftale.json")
    svg = _svg(dot_source(aftale))
    for name in (
        "Bestyrelsen",
        "Projektkoordineringsgruppen",
        "Beboerpanelet",
        "Boligselskabernes Fællessekretariat",
    ):
        assert name in svg


def test_hostile_names_stay_text_in_the_diagram(variant):
    from checker.assemble.orgchart import dot_source

    aftale = load(variant / "samarbejdsaftale.json")
    clean = _edges(dot_source(aftale))
    aftale["organisering"]["organer"][1]["navn"] = "<B>fed</B>"
    aftale["organisering"]["organer"][-1]["omraade"] = 'x" shape=none label=<<IMG SRC="/etc/passwd"/>>'
    aftale["sekretariat"]["navn"] = "Sekretariat \\G ]; a -> b; //"
    source = dot_source(aftale)
    svg = _svg(source)
    # every name is drawn as the text it is: no HTML label, no image, no node or edge of its own
    assert "&lt;B&gt;fed&lt;/B&gt;" in svg
    assert "x&quot; shape=none label=&lt;&lt;IMG SRC=&quot;/etc/passwd&quot;/&gt;&gt;" in svg
    assert "<image" not in svg
    assert "Sekretariat \\G ]; a &#45;&gt; b; //" in svg
    assert svg.count('class="node"') == len(aftale["organisering"]["organer"]) + 2
    assert _edges(source) == clean


# --- the target in words, for every kind of target -----------------------------------------------------


def _criterion(maal: dict, baseline: dict, enhed: str = "procent", **extra) -> dict:
    return {"id": "x", "titel": "X", "enhed": enhed, "baseline": baseline, "maal": maal, **extra}


OPEN = {"spoergsmaal": "Lineært eller sammensat?", "status": "aaben"}


@pytest.mark.parametrize(
    ("criterion", "words"),
    [
        (
            _criterion(
                {
                    "type": "taerskel",
                    "retning": "hoejst",
                    "kontrolpunkter": [{"dato": "2024-08-31", "vaerdi": 12}],
                },
                {"tidspunkt": "2021", "vaerdi": 15},
                enhed="antal",
            ),
            "højst 12 senest 31. august 2024",
        ),
        (
            _criterion(
                {
                    "type": "loft",
                    "graense": "baseline",
                    "kontrolpunkter": [{"dato": "2021-03-31", "betegnelse": "Udgangen af projektår 4"}],
                },
                {"tidspunkt": "2015", "per_omraade": {"A": 3}},
                enhed="antal",
            ),
            "højst 2015-niveauet ved udgangen af projektår 4 (31.3.2021)",
        ),
        (
            _criterion(
                {
                    "type": "aarlig_aendring",
                    "retning": "fald",
                    "procent_pr_aar": 3,
                    "beregning": "lineaer",
                    "kontrolpunkter": [{"dato": "2023-08-31", "aar": 1}, {"dato": "2024-08-31", "aar": 2}],
                },
                {"tidspunkt": "2021", "vaerdi": 40},
                aabent_spoergsmaal=OPEN,
            ),
            "−3 % pr. år fra 2021-niveauet (lineært); opgøres 31.8.2023 og 31.8.2024 (dvs. højst 38,8 % pr. "
            "31.8.2023 og højst 37,6 % pr. 31.8.2024) – læst som lineær ændring "
            "(hvert år samme andel af baseline); læsning ikke afklaret",
        ),
        (
            _criterion(
                {
                    "type": "aarlig_aendring",
                    "retning": "stigning",
                    "procent_pr_aar": 10,
                    "beregning": "sammensat",
                    "kontrolpunkter": [{"dato": "2023-08-31", "aar": 1}, {"dato": "2024-08-31", "aar": 2}],
                },
                {"tidspunkt": "2021", "vaerdi": 40},
            ),
            "+10 % pr. år fra 2021-niveauet (sammensat); opgøres 31.8.2023 og 31.8.2024 "
            "(dvs. mindst 44 % pr. 31.8.2023 og mindst 48,4 % pr. 31.8.2024)",
        ),
        (
            _criterion(
                {
                    "type": "relativ_aendring",
                    "retning": "stigning",
                    "kontrolpunkter": [{"dato": "2020-12-31", "betegnelse": "2020", "procent": 5}],
                },
                {"tidspunkt": "2016", "vaerdi": 60},
            ),
            "+5 % fra 2016-niveauet i 2020 (dvs. mindst 63 %)",
        ),
        (
            _criterion(
                {
                    "type": "bedre_end_baseline",
                    "retning": "stigning",
                    "kategorier": "samlet",
                    "kontrolpunkter": [
                        {"dato": "2020-12-31", "betegnelse": "Tilfredshedsundersøgelsen 2020"}
                    ],
                },
                {"tidspunkt": "2016", "per_kategori": {"trygge": 46, "meget trygge": 32}},
            ),
            "højere end 2016-niveauet (trygge og meget trygge samlet: 78 %) ved tilfredshedsundersøgelsen 2020",
        ),
        (
            _criterion(
                {
                    "type": "procentpoint_aendring",
                    "retning": "fald",
                    "kontrolpunkter": [
                        {"dato": "2025-12-31", "betegnelse": "pr. 31.12.2025", "procentpoint": 2}
                    ],
                },
                {"tidspunkt": "august 2022", "foreligger_ikke": "Måles ved opstart."},
            ),
            "−2 procentpoint fra niveauet i august 2022 pr. 31.12.2025",
        ),
    ],
)
def test_every_kind_of_target_is_worded_with_its_figures(criterion, words):
    from checker.assemble.wording import maal_tekst

    assert maal_tekst(criterion) == words


def test_the_period_is_given_in_words_and_length():
    from checker.assemble.wording import periode_tekst, varighed_tekst

    assert (
        periode_tekst({"start": "2021-09-01", "slut": "2024-08-31"}) == "1. september 2021 – 31. august 2024"
    )
    assert varighed_tekst({"start": "2021-09-01", "slut": "2024-08-31"}) == "3 år"
    assert varighed_tekst({"start": "2021-01-01", "slut": "2024-06-30"}) == "3 år og 6 måneder"
    assert varighed_tekst({"start": "2021-01-15", "slut": "2021-03-31"}) == ""
