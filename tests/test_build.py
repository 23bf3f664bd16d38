"""aftale build: Word and PDF/A documents that say what the sources say, checked first, written
atomically with a manifest. PDF tests use the real LibreOffice the set-up installs."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest
from docx import Document

from tests.conftest import VIBORG, dump, load, normalise

AREAS = ["Houlkærparken", "Houlkærvænget", "Ellekonebakken", "Egeparken", "Rødkærparken", "Vestervang"]
PARTIES = [
    "Boligselskabet Viborg",
    "Boligselskabet Sct. Jørgen Viborg",
    "Bjerringbro Andelsboligforening",
    "Viborg Kommune",
]
DOCX = [
    "samarbejdsaftale.docx",
    "delaftale-5.1-tryghed-og-trivsel.docx",
    "delaftale-5.3-uddannelse-og-beskaeftigelse.docx",
    "delaftale-5.4-forebyggelse-og-foraeldreansvar.docx",
    "kommissorium-bestyrelse.docx",
    "kommissorium-projektkoordineringsgruppe.docx",
    "kommissorium-beboerpanel.docx",
    "milepaelsplan.docx",
    "beredskabsplan.docx",
]


def docx_text(path: Path) -> str:
    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return "\n".join(parts)


def headings(path: Path, level: int) -> list[str]:
    return [p.text for p in Document(str(path)).paragraphs if p.style.name == f"Heading {level}"]


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.fixture(scope="module")
def docx_build(tmp_path_factory):
    from checker.assemble.build import build

    out = tmp_path_factory.mktemp("build") / "viborg"
    return build(VIBORG, out, pdf=False)


def test_build_writes_every_document_the_diagram_and_a_manifest(docx_build):
    names = sorted(p.name for p in docx_build.out.iterdir())
    assert names == sorted(DOCX + ["organisationsdiagram.png", "organisationsdiagram.pdf", "manifest.json"])


def test_the_agreement_docx_has_the_seeds_sections_with_their_numbers(docx_build):
    path = docx_build.out / "samarbejdsaftale.docx"
    h1 = headings(path, 1)
    for n, title in enumerate(
        [
            "Formål med den boligsociale indsats",
            "Organisering",
            "Beskrivelse af områdets overordnede problemkompleks, beboere og tryghedssituation",
            "Fælles tværgående målinger",
            "Indsatsområder",
            "Lokal evaluering",
            "Ressourcer i den boligsociale indsats",
            "Samspil med øvrige tiltag og områdebaserede indsatser",
            "Underretning",
            "Konflikthåndtering",
            "Revision af samarbejdsaftalen",
        ],
        start=1,
    ):
        assert f"{n}. {title}" in h1
    assert {
        "5.1 Tryghed og trivsel",
        "5.3 Uddannelse og beskæftigelse",
        "5.4 Forebyggelse og forældreansvar",
    } <= set(headings(path, 2))
    assert Document(str(path)).core_properties.title == "Strategisk samarbejdsaftale om boligsocial indsats"


def test_the_agreement_docx_says_what_the_sources_say(docx_build):
    text = squash(docx_text(docx_build.out / "samarbejdsaftale.docx"))
    for name in AREAS + PARTIES:
        assert name in text
    for figure in (
        "14.600 t.kr.",
        "12.502 t.kr.",
        "27.102 t.kr.",
        "26,8 %",
        "16,27 %",
        "14,11 %",
        "72,8",
        "Ellekonebakken: 32",
    ):
        assert figure in text, figure


def test_each_annex_docx_opens_with_its_title(docx_build):
    for name in DOCX[1:]:
        doc = Document(str(docx_build.out / name))
        assert doc.core_properties.title and doc.core_properties.language == "da-DK"
    assert "Fritidsjob 13-17 år" in docx_text(
        docx_build.out / "delaftale-5.3-uddannelse-og-beskaeftigelse.docx"
    )


def test_manifest_hashes_every_source_template_and_output(docx_build):
    manifest = json.loads((docx_build.out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["tool"]["name"] == "aftale" and manifest["regelsaet"] == "lbf-2015-2018"
    assert (
        manifest["udkast"] is False
        and manifest["check"]["valid"] is True
        and manifest["check"]["errors"] == 0
    )
    sources = {s["path"]: s["sha256"] for s in manifest["sources"]}
    assert len(sources) == 14
    for rel, digest in sources.items():
        assert hashlib.sha256((VIBORG / rel).read_bytes()).hexdigest() == digest, rel
    assert {t["name"] for t in manifest["templates"]} == {
        "samarbejdsaftale.docx",
        "delaftale.docx",
        "kommissorium.docx",
        "milepaelsplan.docx",
        "beredskabsplan.docx",
    }
    for out in manifest["outputs"]:
        assert hashlib.sha256((docx_build.out / out["path"]).read_bytes()).hexdigest() == out["sha256"]


def test_build_refuses_a_dossier_with_errors_and_writes_nothing(run, viborg, tmp_path):
    data = load(viborg / "samarbejdsaftale.json")
    data["ressourcer"]["finansiering"]["samlet"] = 1
    dump(viborg / "samarbejdsaftale.json", data)
    out = tmp_path / "ud"
    code, stdout, stderr = run("build", viborg, "--out", out, "--no-pdf")
    assert code == 1
    assert "finance-total" in stdout
    assert "Kontrollen fandt fejl; dokumenterne bygges ikke" in stderr
    assert not out.exists() and list(tmp_path.glob(".ud*")) == []


def test_draft_builds_anyway_stamps_every_page_and_records_it(run, viborg, tmp_path):
    data = load(viborg / "samarbejdsaftale.json")
    data["ressourcer"]["finansiering"]["samlet"] = 1
    dump(viborg / "samarbejdsaftale.json", data)
    out = tmp_path / "ud"
    code, stdout, _ = run("build", viborg, "--out", out, "--no-pdf", "--draft")
    assert code == 0 and "UDKAST" in stdout
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert (
        manifest["udkast"] is True
        and manifest["check"]["valid"] is False
        and "finance-total" in manifest["check"]["findings"]
    )
    for name in DOCX:
        for section in Document(str(out / name)).sections:
            assert "UDKAST" in " ".join(p.text for p in section.header.paragraphs), name


def test_schema_errors_are_refused_even_as_a_draft(run, viborg, tmp_path):
    data = load(viborg / "samarbejdsaftale.json")
    del data["periode"]
    dump(viborg / "samarbejdsaftale.json", data)
    code, _, stderr = run("build", viborg, "--out", tmp_path / "ud", "--draft", "--no-pdf")
    assert code == 1 and "heller ikke som udkast" in stderr


def test_a_failed_build_leaves_the_previous_output_whole(run, tmp_path):
    out = tmp_path / "ud"
    assert run("build", VIBORG, "--out", out, "--no-pdf")[0] == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    broken = tmp_path / "skabeloner"
    shutil.copytree(VIBORG.parent.parent / "templates", broken)
    doc = Document(str(broken / "beredskabsplan.docx"))
    doc.add_paragraph("{{ dokument.findes_ikke }}")
    doc.save(str(broken / "beredskabsplan.docx"))
    code, _, stderr = run("build", VIBORG, "--out", out, "--no-pdf", "--templates", broken)
    assert code == 2
    assert "beredskabsplan.docx" in stderr and "findes_ikke" in stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


# --- PDF/A with the real LibreOffice -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pdf_builds(tmp_path_factory):
    from checker.assemble.build import build

    base = tmp_path_factory.mktemp("pdf")
    return build(VIBORG, base / "a"), build(VIBORG, base / "b")


def pdf_text(path: Path) -> str:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def test_every_document_is_pdf_a_2b_with_output_intent_title_language_and_embedded_fonts(pdf_builds):
    import pikepdf

    first, _ = pdf_builds
    for name in DOCX:
        path = first.out / name.replace(".docx", ".pdf")
        with pikepdf.open(path) as pdf:
            meta = pdf.open_metadata()
            assert (meta.get("pdfaid:part"), meta.get("pdfaid:conformance")) == ("2", "B"), name
            assert len(pdf.Root.OutputIntents) >= 1
            assert str(pdf.Root.OutputIntents[0].S) == "/GTS_PDFA1"
            assert str(pdf.Root.Lang) == "da-DK"
            assert meta.get("dc:title") == Document(str(first.out / name)).core_properties.title
            for page in pdf.pages:
                for font in (page.Resources.get("/Font") or {}).values():
                    descriptor = font.get("/FontDescriptor") or font.get("/DescendantFonts", [{}])[0].get(
                        "/FontDescriptor"
                    )
                    if descriptor is not None:
                        assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), name


def test_the_agreement_pdf_holds_every_party_area_figure_baseline_and_data_source(pdf_builds):
    first, _ = pdf_builds
    text = squash(pdf_text(first.out / "samarbejdsaftale.pdf"))
    aftale = load(VIBORG / "samarbejdsaftale.json")
    for name in AREAS + PARTIES:
        assert name in text, name
    for figure in ("14.600 t.kr.", "12.502 t.kr.", "27.102 t.kr.", "1.4.2017", "31.3.2021"):
        assert figure in text, figure
    baselines = {
        "Egeparken: 0",
        "Ellekonebakken: 32",
        "Houlkærparken: 14",
        "Houlkærvænget: 32",
        "Rødkærparken: 0",
        "Vestervang: 16",
        "Egeparken: 26,8 %",
        "Ellekonebakken: 21,8 %",
        "Houlkærparken: 20,7 %",
        "Houlkærvænget: 16,27 %",
        "Rødkærparken: 17,3 %",
        "Vestervang: 14,11 %",
        "trygge: 46 %",
        "meget trygge: 32 %",
        "72,8 %",
    }
    for b in baselines:
        assert b in text, b
    joined = normalise(text)  # a line broken after a hyphen ("2015-" / "2017") joined again
    for area in aftale["indsatsomraader"]["omraader"]:
        for c in area["succeskriterier"]:
            assert normalise(c["datakilde"]["tekst"]) in joined, c["id"]
    assert (
        "5.1 Tryghed og trivsel" in text
        and "5.3 Uddannelse og beskæftigelse" in text
        and "5.4 Forebyggelse og forældreansvar" in text
    )


def test_two_builds_give_the_same_text_and_the_same_source_hashes(pdf_builds):
    a, b = pdf_builds
    assert (
        a.manifest["sources"] == b.manifest["sources"] and a.manifest["templates"] == b.manifest["templates"]
    )
    for name in DOCX:
        assert docx_text(a.out / name) == docx_text(b.out / name), name
        assert pdf_text(a.out / name.replace(".docx", ".pdf")) == pdf_text(
            b.out / name.replace(".docx", ".pdf")
        ), name


def test_a_recorded_signature_shows_date_and_name_on_the_signature_page(viborg, tmp_path):
    from checker.assemble.build import build

    data = load(viborg / "samarbejdsaftale.json")
    data["underskrifter"][3].update(
        dato="2017-03-15", navn="Ulrik Wilbek", titel="Borgmester", metode="wet-ink"
    )
    dump(viborg / "samarbejdsaftale.json", data)
    result = build(viborg, tmp_path / "ud", pdf=False)
    text = squash(docx_text(result.out / "samarbejdsaftale.docx"))
    assert "15.3.2017" in text and "Ulrik Wilbek" in text and "Borgmester" in text
    others = build(VIBORG, tmp_path / "usigneret", pdf=False)
    assert "15.3.2017" not in squash(docx_text(others.out / "samarbejdsaftale.docx"))


# --- one check per build, LibreOffice only after it, signature fields while LibreOffice works ---------------

SIGNED = [DOCX[0], DOCX[1], DOCX[2], DOCX[3]]  # the agreement and the delaftaler


def test_each_signed_pdf_requires_every_other_document_exactly_as_built(pdf_builds):
    """The fields are added while LibreOffice converts the later documents; the requirement of each
    signed PDF still lists every other output of the build with the hash of the file as it stands."""
    import pikepdf

    from checker.sign.requirement import CATALOG_KEY, decode

    first, _ = pdf_builds
    signed = {name.replace(".docx", ".pdf") for name in SIGNED}
    others = {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in first.out.iterdir()
        if p.name not in signed and p.name != "manifest.json"
    }
    assert len(others) == 16  # nine Word files, the diagram (PNG and PDF), five unsigned PDFs
    for name in sorted(signed):
        with pikepdf.open(first.out / name) as pdf:
            requirement = decode(pdf.Root[CATALOG_KEY].read_bytes())
            fields = [str(f.T) for f in pdf.Root.AcroForm.Fields]
        assert {d["path"]: d["sha256"] for d in requirement["dokumenter"]} == others, name
        assert len(fields) == 4, name  # one empty field per party


def test_the_rules_run_once_per_build(viborg, tmp_path, monkeypatch):
    import checker.check
    from checker.assemble.build import build

    calls = []
    real = checker.check.apply_rules
    monkeypatch.setattr(checker.check, "apply_rules", lambda *a, **k: calls.append(1) or real(*a, **k))
    result = build(viborg, tmp_path / "ud", pdf=False)
    assert calls == [1] and result.check.valid


def test_a_refused_build_stops_the_libreoffice_it_started_and_leaves_nothing(run, viborg, tmp_path):
    """LibreOffice starts with the build, so that its start-up runs beside the check; a dossier with an
    error stops it before it is given anything: no soffice left, no profile folder, nothing written."""
    import subprocess
    import tempfile

    data = load(viborg / "samarbejdsaftale.json")
    data["ressourcer"]["finansiering"]["samlet"] = 1
    dump(viborg / "samarbejdsaftale.json", data)
    profiles = set(Path(tempfile.gettempdir()).glob("aftale-lo-*"))
    code, stdout, stderr = run("build", viborg, "--out", tmp_path / "ud")
    assert code == 1 and "finance-total" in stdout
    assert "Kontrollen fandt fejl; dokumenterne bygges ikke" in stderr
    left = subprocess.run(["pgrep", "-f", "aftale-lo-"], capture_output=True, text=True).stdout.split()
    assert left == []
    assert set(Path(tempfile.gettempdir()).glob("aftale-lo-*")) == profiles
    assert not (tmp_path / "ud").exists() and list(tmp_path.glob(".ud*")) == []


def test_a_killed_build_leaves_no_libreoffice_running(tmp_path):
    """However the build ends, killed included, the LibreOffice it started ahead ends with it."""
    import os
    import signal
    import subprocess
    import sys
    import time

    build = subprocess.Popen(
        [str(Path(sys.executable).parent / "aftale"), "build", str(VIBORG), "--out", str(tmp_path / "ud")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    started = []
    for _ in range(100):  # until its soffice is running
        started = subprocess.run(["pgrep", "-f", "aftale-lo-"], capture_output=True, text=True).stdout.split()
        if started:
            break
        time.sleep(0.05)
    assert started, "the build did not start LibreOffice"
    command = subprocess.run(["pgrep", "-fa", "aftale-lo-"], capture_output=True, text=True).stdout
    profile = Path(re.search(r"file://(/\S*aftale-lo-[^\s/]+)", command).group(1))
    assert profile.is_dir()
    os.kill(build.pid, signal.SIGKILL)
    build.wait(10)
    for _ in range(100):
        alive = [
            pid
            for pid in started
            if Path(f"/proc/{pid}/cmdline").exists() and Path(f"/proc/{pid}/cmdline").read_bytes()
        ]
        if not alive:
            break
        time.sleep(0.05)
    else:
        raise AssertionError(f"LibreOffice still running after the build was killed: {alive}")
    for _ in range(100):  # and its profile folder is removed
        if not profile.exists():
            break
        time.sleep(0.05)
    assert not profile.exists()
