#!/usr/bin/env python3
"""(Re)build templates/revisionsrapport.docx, the auditor's report of `aftale audit` ("Revisionsrapport –
opfølgning på lokale mål"), with python-docx.

It looks like the other templates (scripts/make_templates.py, whose styles, page, header and footer
it reuses): A4, Arial 11 pt, Danish (da-DK) as the default language, named styles, UDKAST in the
header of a draft, "Side X af Y" in the footer (whose second line here names the helhedsplan and the
audit date).

The template receives (checker.report.audit.report_context), every number already formatted:

  rapport   {titel, helhedsplan, dossier, opgjort ("31. marts 2021"), opgjort_kort ("31.3.2021"),
             register_fundet, register, kontrolpunkter,
             optaelling: [{status, antal, farve}], evalueringer_optaelling: [{status, antal, farve}],
             indsatsomraader: [{nummer, kriterier: [{kriterium, titel, indsatsomraade, graf (an
               InlineImage), note, raekker: [{omraade, kontrolpunkt, betegnelse, baseline, maal, maalt,
               status, farve, bevis, bevis_farve, fil}]}]}],
             evalueringer: [{aar, periode, raekker: [{evaluering, id, organ, afholdt, datoer, status,
               farve}]}],
             mangler: [reason, …]}
  udkast    true for a draft

`farve` is a cell fill (RGB hex) docxtpl's {% cellbg %} puts behind the status. Every Jinja tag is a
run of its own.

Usage:  .venv/bin/python scripts/make_audit_template.py [--out DIR]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from docx.enum.text import WD_ALIGN_PARAGRAPH
from make_templates import DEFAULT_OUT, GREY, P, T, Table, add_runs, new_document

NAME = "revisionsrapport.docx"
TITLE = "Revisionsrapport – opfølgning på lokale mål"
RIGHT = {"align": WD_ALIGN_PARAGRAPH.RIGHT}
SMALL = {"italic": True, "size": 8, "color": GREY}


def footer_line(doc) -> None:
    """The footer's second line: the helhedsplan and the audit date instead of the agreement period."""
    second = doc.sections[0].footer.paragraphs[1]
    for run in list(second.runs):
        run._r.getparent().remove(run._r)
    add_runs(second, "{{ rapport.helhedsplan }}, opgjort pr. {{ rapport.opgjort_kort }}")


def count_table(doc, rows: str) -> None:
    t = Table(doc, [60, 25], ["Status", "Antal"])
    t.table.rows[0].cells[1].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    t.tag_row(f"{{%tr for o in {rows} %}}")
    t.row(
        [["{% cellbg o.farve %}{{ o.status }}"], [("{{ o.antal }}", "Tabeltekst", RIGHT)]],
        keep_with_next=True,
    )
    t.tag_row("{%tr endfor %}")
    P(doc, "", space_after=0)


def build_revisionsrapport(path: Path) -> None:
    doc = new_document("Revisionsrapport", TITLE)
    footer_line(doc)

    P(doc, TITLE, "Title")
    P(doc, "{{ rapport.helhedsplan }}", "Subtitle")
    P(doc, [("Opgjort pr. ", {}), ("{{ rapport.opgjort }}", {"bold": True}), (".", {})], space_after=2)
    P(doc, "Dossier: {{ rapport.dossier }}", "Bemærkning")
    P(
        doc,
        "Rapporten viser for hvert lokalt opstillet succeskriterium, hvert område og hvert kontrolpunkt "
        "baseline, mål og målt værdi, og om målet er opfyldt; dertil om dokumentationen for målingen "
        "findes uændret i dossieret, og om de evalueringer og den afrapportering til Landsbyggefonden, "
        "aftalen lover, har fundet sted i hvert projektår.",
    )
    P(
        doc,
        "Status: opfyldt · ikke opfyldt · mangler data (kontrolpunktet er passeret uden måling, eller "
        "målet kan ikke beregnes, fordi baseline mangler) · ikke forfalden (kontrolpunktet ligger efter "
        "opgørelsesdatoen).",
        "Bemærkning",
    )
    T(doc, "{%p if not rapport.register_fundet %}")
    P(
        doc,
        "Opfølgningsregistret ({{ rapport.register }}) findes ikke i dossieret; "
        "ingen målinger eller evalueringer er registreret.",
        "Etiket",
    )
    T(doc, "{%p endif %}")

    P(doc, "Sammenfatning", "Heading 1")
    P(doc, "Kontrolpunkter ({{ rapport.kontrolpunkter }} i alt):", "Etiket", space_before=4)
    count_table(doc, "rapport.optaelling")
    P(doc, "Evalueringer og afrapportering pr. projektår:", "Etiket", space_before=4)
    count_table(doc, "rapport.evalueringer_optaelling")

    T(doc, "{%p for io in rapport.indsatsomraader %}")
    P(doc, "Indsatsområde {{ io.nummer }}", "Heading 1", page_break_before=True)
    T(doc, "{%p for k in io.kriterier %}")
    P(doc, "{{ k.titel }} ({{ k.kriterium }})", "Heading 2")
    T(doc, "{%p if k.note %}")
    P(doc, "{{ k.note }}", "Bemærkning", keep_with_next=True)
    T(doc, "{%p endif %}")
    T(doc, "{%p if k.graf %}")
    P(doc, "{{ k.graf }}", align=WD_ALIGN_PARAGRAPH.CENTER, keep_with_next=True, space_after=4)
    T(doc, "{%p endif %}")
    # soft hyphens let the narrow headers break as "Kontrol-/punkt", "Doku-/mentation"
    t = Table(
        doc,
        [28, 20, 18, 29, 16, 25, 24],
        ["Område", "Kontrol\u00adpunkt", "Baseline", "Mål", "Målt", "Status", "Doku\u00admentation"],
    )
    for i in (2, 4):
        t.table.rows[0].cells[i].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    t.tag_row("{%tr for r in k.raekker %}")
    t.row(
        [
            ["{{ r.omraade }}"],
            ["{{ r.kontrolpunkt }}"],
            [("{{ r.baseline }}", "Tabeltekst", RIGHT)],
            ["{{ r.maal }}"],
            [("{{ r.maalt }}", "Tabeltekst", RIGHT)],
            ["{% cellbg r.farve %}{{ r.status }}"],
            ["{% cellbg r.bevis_farve %}{{ r.bevis }}"],
        ]
    )
    t.tag_row("{%tr endfor %}")
    P(doc, "", space_after=0)
    T(doc, "{%p endfor %}")
    T(doc, "{%p endfor %}")

    P(doc, "Evalueringer og afrapportering", "Heading 1", page_break_before=True)
    P(
        doc,
        "For hvert projektår: de evalueringer og orienteringer, aftalens afsnit 6 lover, og "
        "afrapporteringen til Landsbyggefonden. Afrapporteringen om et projektår laves efter årets udgang "
        "og tælles derfor med i det følgende år.",
    )
    T(doc, "{%p for y in rapport.evalueringer %}")
    P(doc, "Projektår {{ y.aar }} ({{ y.periode }})", "Heading 2")
    t = Table(doc, [40, 50, 16, 32, 22], ["Evaluering", "Organ", "Afholdt", "Datoer", "Status"])
    t.tag_row("{%tr for r in y.raekker %}")
    t.row(
        [
            ["{{ r.evaluering }}", ("{{ r.id }}", "Tabeltekst", SMALL)],
            ["{{ r.organ }}"],
            ["{{ r.afholdt }}"],
            ["{{ r.datoer }}"],
            ["{% cellbg r.farve %}{{ r.status }}"],
        ]
    )
    t.tag_row("{%tr endfor %}")
    P(doc, "", space_after=0)
    T(doc, "{%p endfor %}")
    T(doc, "{%p if not rapport.evalueringer %}")
    P(doc, "Aftalen lover ingen evalueringer.")
    T(doc, "{%p endif %}")

    P(doc, "Mangler dokumentation", "Heading 1")
    T(doc, "{%p if rapport.mangler %}")
    T(doc, "{%p for m in rapport.mangler %}")
    P(doc, "{{ m }}", "List Bullet")
    T(doc, "{%p endfor %}")
    T(doc, "{%p else %}")
    P(doc, "Ingen.")
    T(doc, "{%p endif %}")

    doc.save(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder to write the template to")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    target = args.out / NAME
    build_revisionsrapport(target)
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
