"""Safe rendering and Danish formatting: exact text, no Python internals, no silent blanks."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from docx import Document

from checker.assemble.fmt import dato, kort_dato, kr, pct, tal, tkr
from checker.assemble.render import RenderError, render_docx
from tests.conftest import VIBORG


def _template(tmp_path: Path, *paragraphs: str, name: str = "test.docx") -> Path:
    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    path = tmp_path / name
    doc.save(path)
    return path


def _text(docx: bytes) -> list[str]:
    return [p.text for p in Document(io.BytesIO(docx)).paragraphs]


def test_danish_formatting():
    assert tkr(14_600_000) == "14.600 t.kr."
    assert tkr(12_502_000) == "12.502 t.kr."
    assert tkr(27_102_000) == "27.102 t.kr."
    assert kr(14_600_000) == "14.600.000 kr."
    assert kr("1250.50") == "1.250,50 kr."
    assert pct(Decimal("26.8")) == "26,8 %"
    assert pct(Decimal("16.27")) == "16,27 %"
    assert tal(3220) == "3.220"
    assert tal(Decimal("72.8")) == "72,8"
    assert dato("2017-04-01") == "1. april 2017"
    assert dato("2021-03-31") == "31. marts 2021"
    assert kort_dato("2017-04-01") == "1.4.2017"


def test_values_with_markup_characters_and_danish_letters_appear_exactly(tmp_path):
    tricky = "Fællessekretariatet <leder> & \"Øster\" 'Å' æøå ÆØÅ"
    out = render_docx(_template(tmp_path, "Navn: {{ navn }}"), {"navn": tricky})
    assert _text(out) == [f"Navn: {tricky}"]


def test_a_template_reaching_for_python_internals_fails_and_renders_nothing(tmp_path):
    evil = _template(tmp_path, "{{ navn.__class__.__mro__[1].__subclasses__() }}", name="ond.docx")
    with pytest.raises(RenderError) as err:
        render_docx(evil, {"navn": "x"})
    assert "ond.docx" in err.value.text.da and "Pythons indre" in err.value.text.da
    assert [p.name for p in tmp_path.iterdir()] == ["ond.docx"]


def test_a_missing_value_is_an_error_naming_the_template_and_the_variable(tmp_path):
    with pytest.raises(RenderError) as err:
        render_docx(
            _template(tmp_path, "Periode: {{ aftale.periode.start | dato }}", name="aftale.docx"),
            {"aftale": {"titel": "x"}},
        )
    assert err.value.text.da.startswith("Skabelonen aftale.docx bruger en værdi, som dossieret ikke har:")
    assert "periode" in err.value.text.da


def test_an_optional_value_is_tested_with_is_defined(tmp_path):
    tpl = _template(
        tmp_path,
        "{% if u.navn is defined %}Underskrevet af {{ u.navn }}{% else %}Ikke underskrevet{% endif %}",
    )
    assert _text(render_docx(tpl, {"u": {"part": "Viborg Kommune"}})) == ["Ikke underskrevet"]
    assert _text(render_docx(tpl, {"u": {"part": "Viborg Kommune", "navn": "Søren Ærø"}})) == [
        "Underskrevet af Søren Ærø"
    ]


def test_a_syntax_error_in_a_template_names_it(tmp_path):
    with pytest.raises(RenderError) as err:
        render_docx(_template(tmp_path, "{{ aftale.titel ", name="brudt.docx"), {"aftale": {"titel": "x"}})
    assert "brudt.docx" in err.value.text.en


def test_a_file_that_is_not_a_word_document(tmp_path):
    bad = tmp_path / "ikke.docx"
    bad.write_text("hej", encoding="utf-8")
    with pytest.raises(RenderError) as err:
        render_docx(bad, {})
    assert "ikke.docx kan ikke åbnes som Word-dokument" in err.value.text.da


def test_a_zip_bomb_template_is_refused_before_unpacking(tmp_path):
    import zipfile

    bomb = tmp_path / "bombe.docx"
    with (
        zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z,
        z.open("word/document.xml", "w", force_zip64=True) as fh,
    ):
        for _ in range(120):
            fh.write(b"\0" * (1 << 20))
    with pytest.raises(RenderError) as err:
        render_docx(bomb, {})
    assert "zip-bombe" in err.value.text.da


def test_organisationsdiagram_is_drawn_with_danish_letters_and_accepted_as_the_annex(viborg, tmp_path):
    import pdfplumber

    from checker.assemble.orgchart import dot_source, draw
    from checker.check import check_dossier

    aftale = json.loads((VIBORG / "samarbejdsaftale.json").read_text(encoding="utf-8"), parse_float=Decimal)
    source = dot_source(aftale)
    assert "Boligselskabernes Fællessekretariat" in source and "Projektkoordineringsgruppen" in source
    png, pdf = draw(aftale, tmp_path)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    text = pdfplumber.open(pdf).pages[0].extract_text()
    for name in (
        "Bestyrelsen",
        "Projektkoordineringsgruppen",
        "Beboerpanelet",
        "Boligselskabernes Fællessekretariat",
        "2-4 møder årligt",
    ):
        assert name in text
    # the drawn diagram is an accepted organisationsdiagram annex, as PDF and as PNG
    for drawn in (pdf, png):
        (viborg / drawn.name).write_bytes(drawn.read_bytes())
        data = json.loads((viborg / "samarbejdsaftale.json").read_text(encoding="utf-8"))
        data["aftaledokumenter"]["bilag"][0]["filer"] = [drawn.name]
        (viborg / "samarbejdsaftale.json").write_text(
            json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8"
        )
        result = check_dossier(viborg)
        assert result.valid and not any(f.code.startswith("annex-") for f in result.findings)
