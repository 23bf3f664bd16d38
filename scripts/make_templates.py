#!/usr/bin/env python3
"""(Re)build the five docxtpl Word templates in templates/ with python-docx.

Writes, in templates/:

  samarbejdsaftale.docx  the strategic agreement, laid out like the signed Viborg agreement
  delaftale.docx         one delaftale per chosen indsatsområde
  kommissorium.docx      terms of reference for one body (bestyrelse, projektkoordineringsgruppe …)
  milepaelsplan.docx     the milestone plan, one table per projektår
  beredskabsplan.docx    the contingency plan

The templates follow docs/templates.md (THE CONTRACT): they use only the variables `aftale`,
`dokument`, `organ`, `udkast`, `eksempel` and `organisationsdiagram`, the keys the schemas define
plus the presentation fields checker/assemble/view.py adds (`maal_tekst`, `underskrivende_parter` …),
and the filters tkr, kr, tal, pct, dato and kort_dato. Optional fields are tested with `is defined`.
Documents meant for signing show names and titles, never the dossier's internal ids.

Every Jinja tag is written as one whole run, so Word never splits it. docxtpl's paragraph and
row tags ({%p …%}, {%tr …%}) stand in paragraphs / table rows of their own.

The documents are ordinary Word documents a secretariat worker can open and restyle: named
styles (Title, Subtitle, Heading 1/2, Normal, List Bullet, Caption, Table Grid and a few own
styles: Tabeltekst, Tabeloverskrift, Etiket, Underskriftspart, Underskriftslinje,
Underskriftsetiket, Bemærkning), A4, Arial 11 pt, Danish (da-DK) as the default language, a
page header that prints UDKAST when the build is a draft and "EKSEMPEL – opdigtede oplysninger"
when the content is an invented example, and a footer with the helhedsplan
and "Side X af Y".

Usage:  .venv/bin/python scripts/make_templates.py [--out DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "templates"

FONT = "Arial"
LANG = "da-DK"
TEXT_WIDTH_MM = 160  # A4 (210 mm) minus 25 mm margins; the organisationsdiagram is 160 mm wide

HEADING_COLOR = RGBColor(0x1F, 0x38, 0x64)
GREY = RGBColor(0x59, 0x59, 0x59)
RED = RGBColor(0xC0, 0x00, 0x00)
HEADER_FILL = "D9E2F3"  # table header rows
NOTE_FILL = "F2F2F2"  # the secretariat's remarks

# A Jinja tag: {{ … }}, {% … %} (including docxtpl's {%p …%} / {%tr …%}).
TAG = re.compile(r"({{.*?}}|{%.*?%})", re.DOTALL)


# --------------------------------------------------------------------------------------------
# Styles, page, header and footer
# --------------------------------------------------------------------------------------------


def _set_fonts(rpr_parent, name: str = FONT) -> None:
    """Set Arial for all scripts on a style's (or docDefaults') rPr, dropping theme fonts."""
    rpr = rpr_parent.get_or_add_rPr() if hasattr(rpr_parent, "get_or_add_rPr") else rpr_parent
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        if fonts.get(qn(attr)) is not None:
            del fonts.attrib[qn(attr)]
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)


def _drop_theme_color(style) -> None:
    rpr = style.element.rPr
    if rpr is None:
        return
    color = rpr.find(qn("w:color"))
    if color is not None:
        for attr in ("w:themeColor", "w:themeShade", "w:themeTint"):
            if color.get(qn(attr)) is not None:
                del color.attrib[qn(attr)]


def _remove_child(element, tag: str) -> None:
    if element is None:
        return
    for child in element.findall(qn(tag)):
        element.remove(child)


def _border(ppr, side: str, size: int = 6, color: str = "000000", space: int = 1) -> None:
    """Add a paragraph border (pBdr) on one side to a pPr element."""
    bdr = ppr.find(qn("w:pBdr"))
    if bdr is None:
        bdr = OxmlElement("w:pBdr")
        # pBdr comes after keepNext/keepLines/pageBreakBefore/…; appending before spacing is
        # what Word writes, but Word accepts it anywhere python-docx keeps schema order for.
        ppr.insert_element_before(
            bdr,
            "w:shd",
            "w:tabs",
            "w:suppressAutoHyphens",
            "w:kinsoku",
            "w:wordWrap",
            "w:overflowPunct",
            "w:topLinePunct",
            "w:autoSpaceDE",
            "w:autoSpaceDN",
            "w:bidi",
            "w:adjustRightInd",
            "w:snapToGrid",
            "w:spacing",
            "w:ind",
            "w:contextualSpacing",
            "w:mirrorIndents",
            "w:suppressOverlap",
            "w:jc",
            "w:textDirection",
            "w:textAlignment",
            "w:textboxTightWrap",
            "w:outlineLvl",
            "w:divId",
            "w:cnfStyle",
            "w:rPr",
            "w:sectPr",
            "w:pPrChange",
        )
    edge = OxmlElement(f"w:{side}")
    edge.set(qn("w:val"), "single")
    edge.set(qn("w:sz"), str(size))
    edge.set(qn("w:space"), str(space))
    edge.set(qn("w:color"), color)
    bdr.append(edge)


def _paragraph_style(doc, name: str, base: str = "Normal"):
    styles = doc.styles
    try:
        style = styles[name]
    except KeyError:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = styles[base]
    style.quick_style = True
    return style


def setup_styles(doc) -> None:
    styles = doc.styles

    # Document defaults: Arial 11 pt, Danish.
    defaults = styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(rpr)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), LANG)
    lang.set(qn("w:eastAsia"), LANG)
    lang.set(qn("w:bidi"), "ar-SA")
    ppr_default = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
    spacing = ppr_default.find(qn("w:spacing"))
    spacing.set(qn("w:after"), "120")
    spacing.set(qn("w:line"), "264")
    spacing.set(qn("w:lineRule"), "auto")

    normal = styles["Normal"]
    _set_fonts(normal.element)
    normal.font.name = FONT
    normal.font.size = Pt(11)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.1
    normal.paragraph_format.widow_control = True

    title = styles["Title"]
    _set_fonts(title.element)
    _remove_child(title.element.pPr, "w:pBdr")
    _drop_theme_color(title)
    title.font.size = Pt(22)
    title.font.bold = True
    title.font.color.rgb = HEADING_COLOR
    title.paragraph_format.space_before = Pt(0)
    title.paragraph_format.space_after = Pt(12)
    title.paragraph_format.line_spacing = 1.0

    subtitle = styles["Subtitle"]
    _set_fonts(subtitle.element)
    _remove_child(subtitle.element.pPr, "w:numPr")
    _drop_theme_color(subtitle)
    _remove_child(subtitle.element.rPr, "w:spacing")  # the default's letter spacing
    subtitle.font.size = Pt(12)
    subtitle.font.italic = False
    subtitle.font.color.rgb = GREY
    subtitle.paragraph_format.space_after = Pt(6)

    for name, size, before, after in (("Heading 1", 14, 18, 6), ("Heading 2", 12, 12, 4)):
        style = styles[name]
        _set_fonts(style.element)
        _drop_theme_color(style)
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.color.rgb = HEADING_COLOR
        style.paragraph_format.space_before = Pt(before)
        style.paragraph_format.space_after = Pt(after)
        style.paragraph_format.keep_with_next = True

    bullet = styles["List Bullet"]
    _set_fonts(bullet.element)
    bullet.paragraph_format.space_after = Pt(3)
    _remove_child(bullet.element.pPr, "w:contextualSpacing")

    caption = styles["Caption"]
    _set_fonts(caption.element)
    _drop_theme_color(caption)
    caption.font.size = Pt(9)
    caption.font.bold = False
    caption.font.italic = True
    caption.font.color.rgb = GREY
    caption.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    # Word hides "Caption" until used; make it visible in the style gallery.
    _remove_child(caption.element, "w:semiHidden")

    for name in ("Header", "Footer"):
        style = styles[name]
        _set_fonts(style.element)
        style.paragraph_format.space_after = Pt(0)
        style.paragraph_format.line_spacing = 1.0
        tabs = style.element.pPr.find(qn("w:tabs")) if style.element.pPr is not None else None
        if tabs is not None:
            style.element.pPr.remove(tabs)
        style.paragraph_format.tab_stops.add_tab_stop(Mm(TEXT_WIDTH_MM), WD_TAB_ALIGNMENT.RIGHT)
    styles["Footer"].font.size = Pt(8)
    styles["Footer"].font.color.rgb = GREY

    # Own styles, so a worker can restyle tables, labels and signature blocks in one place.
    cell = _paragraph_style(doc, "Tabeltekst")
    cell.font.size = Pt(9)
    cell.paragraph_format.space_before = Pt(1)
    cell.paragraph_format.space_after = Pt(2)
    cell.paragraph_format.line_spacing = 1.0

    cell_head = _paragraph_style(doc, "Tabeloverskrift", "Tabeltekst")
    cell_head.font.bold = True
    cell_head.paragraph_format.keep_with_next = True

    label = _paragraph_style(doc, "Etiket")
    label.font.bold = True
    label.paragraph_format.space_before = Pt(12)
    label.paragraph_format.space_after = Pt(4)
    label.paragraph_format.keep_with_next = True

    party = _paragraph_style(doc, "Underskriftspart")
    party.font.bold = True
    party.paragraph_format.space_before = Pt(24)
    party.paragraph_format.space_after = Pt(0)
    party.paragraph_format.keep_with_next = True

    line = _paragraph_style(doc, "Underskriftslinje")
    line.paragraph_format.space_before = Pt(30)
    line.paragraph_format.space_after = Pt(2)
    line.paragraph_format.keep_with_next = True
    line.paragraph_format.tab_stops.add_tab_stop(Mm(45))
    _border(line.element.get_or_add_pPr(), "bottom", size=6, space=1)

    sig_label = _paragraph_style(doc, "Underskriftsetiket")
    sig_label.font.size = Pt(9)
    sig_label.paragraph_format.space_after = Pt(6)
    sig_label.paragraph_format.tab_stops.add_tab_stop(Mm(45))

    note = _paragraph_style(doc, "Bemærkning")
    note.font.size = Pt(9.5)
    note.font.italic = True
    note.font.color.rgb = GREY
    note.paragraph_format.space_after = Pt(4)


def setup_page(doc) -> None:
    for section in doc.sections:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width = Mm(210)
        section.page_height = Mm(297)
        section.left_margin = section.right_margin = Mm(25)
        section.top_margin = Mm(25)
        section.bottom_margin = Mm(22)
        section.header_distance = Mm(10)
        section.footer_distance = Mm(10)


def setup_settings(doc) -> None:
    settings = doc.settings.element
    lang = settings.find(qn("w:themeFontLang"))
    if lang is not None:
        lang.set(qn("w:val"), LANG)
    decimal = settings.find(qn("w:decimalSymbol"))
    if decimal is not None:
        decimal.set(qn("w:val"), ",")
    separator = settings.find(qn("w:listSeparator"))
    if separator is not None:
        separator.set(qn("w:val"), ";")


def setup_properties(doc, subject: str) -> None:
    props = doc.core_properties
    props.language = LANG
    props.title = ""  # set by `aftale build`
    props.subject = subject
    props.author = "aftale"
    props.last_modified_by = "aftale"
    props.keywords = "boligsocial indsats; Landsbyggefonden; skabelon"
    props.comments = "docxtpl-skabelon til aftale build; variabler og filtre: docs/templates.md"
    props.category = "Skabelon"
    props.revision = 1
    now = dt.datetime.now(dt.UTC).replace(microsecond=0, tzinfo=None)
    props.created = now
    props.modified = now


def _field(paragraph, instruction: str, placeholder: str = "1") -> None:
    """A Word field (PAGE, NUMPAGES) as begin / instrText / separate / result / end runs."""

    def fld_char(kind: str):
        run = paragraph.add_run()
        char = OxmlElement("w:fldChar")
        char.set(qn("w:fldCharType"), kind)
        run._r.append(char)

    fld_char("begin")
    run = paragraph.add_run()
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run._r.append(instr)
    fld_char("separate")
    paragraph.add_run(placeholder)
    fld_char("end")


def setup_header_footer(doc, title_expr: str) -> None:
    section = doc.sections[0]
    section.different_first_page_header_footer = False

    header = section.header
    header.is_linked_to_previous = False
    par = header.paragraphs[0]
    par.style = doc.styles["Header"]
    par.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = par.add_run("{% if udkast %}UDKAST{% endif %}")
    run.bold = True
    run.font.size = Pt(20)
    run.font.color.rgb = RED
    # An invented example says so on every page (the document's or the agreement's metadata.oprindelse
    # is "eksempel"); the {%p %} paragraphs vanish otherwise.
    header.add_paragraph("{%p if eksempel %}", style=doc.styles["Header"])
    example = header.add_paragraph(style=doc.styles["Header"])
    example.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = example.add_run("EKSEMPEL – opdigtede oplysninger")
    run.bold = True
    run.font.size = Pt(11)
    run.font.color.rgb = RED
    header.add_paragraph("{%p endif %}", style=doc.styles["Header"])

    footer = section.footer
    footer.is_linked_to_previous = False
    first = footer.paragraphs[0]
    first.style = doc.styles["Footer"]
    _border(first._p.get_or_add_pPr(), "top", size=4, color="A6A6A6", space=4)
    add_runs(first, title_expr)
    first.add_run("\tSide ")
    _field(first, "PAGE")
    first.add_run(" af ")
    _field(first, "NUMPAGES")
    second = footer.add_paragraph(style=doc.styles["Footer"])
    add_runs(
        second,
        "{{ aftale.helhedsplan }}, {{ aftale.periode.start | kort_dato }}–{{ aftale.periode.slut | kort_dato }}",
    )


def new_document(title_expr: str, subject: str):
    doc = Document()
    setup_styles(doc)
    setup_page(doc)
    setup_settings(doc)
    setup_properties(doc, subject)
    setup_header_footer(doc, title_expr)
    # python-docx's blank document starts with no paragraphs in the body; keep it that way.
    return doc


# --------------------------------------------------------------------------------------------
# Paragraphs, runs and tables
# --------------------------------------------------------------------------------------------


def add_runs(paragraph, text: str, *, bold=None, italic=None, size=None, color=None) -> None:
    """Add text as runs, each Jinja tag in a run of its own (so Word never splits a tag)."""
    for piece in TAG.split(text):
        if not piece:
            continue
        run = paragraph.add_run(piece)
        if bold is not None:
            run.bold = bold
        if italic is not None:
            run.italic = italic
        if size is not None:
            run.font.size = Pt(size)
        if color is not None:
            run.font.color.rgb = color


def P(container, content="", style: str | None = None, **fmt):
    """A paragraph. `content` is a string or a list of (text, run-format dict) segments.

    Paragraph options: align, keep_with_next, page_break_before, space_before, space_after.
    Run options (for a plain string): bold, italic, size, color.
    """
    para_opts = {
        k: fmt.pop(k)
        for k in ("align", "keep_with_next", "page_break_before", "space_before", "space_after")
        if k in fmt
    }
    par = _next_paragraph(container)
    if style:
        par.style = container_styles(container)[style]
    if isinstance(content, str):
        add_runs(par, content, **fmt)
    else:
        for text, run_fmt in content:
            add_runs(par, text, **run_fmt)
    pf = par.paragraph_format
    if "align" in para_opts:
        pf.alignment = para_opts["align"]
    if para_opts.get("keep_with_next"):
        pf.keep_with_next = True
    if para_opts.get("page_break_before"):
        pf.page_break_before = True
    if "space_before" in para_opts:
        pf.space_before = Pt(para_opts["space_before"])
    if "space_after" in para_opts:
        pf.space_after = Pt(para_opts["space_after"])
    return par


def T(container, tag: str):
    """A paragraph holding only a docxtpl paragraph tag ({%p … %}); it disappears on render."""
    assert tag.startswith("{%p ") and tag.endswith("%}"), tag
    par = _next_paragraph(container)
    par.add_run(tag)
    return par


def container_styles(container):
    """The styles of the document a paragraph container (document body or table cell) is in."""
    return container.part.styles


def _next_paragraph(container):
    """The next paragraph of a document or table cell; a fresh cell's empty one is used first."""
    if hasattr(container, "_tc"):  # a table cell
        fresh = getattr(container, "_fresh", True)
        if fresh and len(container.paragraphs) == 1 and not container.paragraphs[0].runs:
            container._fresh = False
            return container.paragraphs[0]
    return container.add_paragraph()


def _cell_fill(cell, fill: str) -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tcpr.append(shd)


def _repeat_header(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    trpr.append(el)


def _cant_split(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:cantSplit")
    el.set(qn("w:val"), "true")
    trpr.append(el)


class Table:
    """A Table Grid table with fixed column widths (mm) and a shaded, repeating header row."""

    def __init__(self, doc, widths_mm: list[float], header: list[str] | None = None, fill: str = HEADER_FILL):
        self.doc = doc
        self.widths = widths_mm
        self.table = doc.add_table(rows=0, cols=len(widths_mm))
        self.table.style = doc.styles["Table Grid"]
        self.table.alignment = WD_TABLE_ALIGNMENT.LEFT
        self.table.autofit = False
        for col, width in zip(self.table.columns, widths_mm, strict=True):
            col.width = Mm(width)
        if header:
            row = self.row([[(h, "Tabeloverskrift")] for h in header])
            for cell in row.cells:
                _cell_fill(cell, fill)
            _repeat_header(row)

    def row(self, cells, *, keep_together: bool = True, keep_with_next: bool = False):
        """cells: for each column a list of paragraphs, each a string or (content, style).

        keep_together: the row is not split across pages; keep_with_next: the row stays on the
        page of the next one (set on every row of a small table keeps the table in one piece).
        """
        row = self.table.add_row()
        for cell, width, paragraphs in zip(row.cells, self.widths, cells, strict=True):
            cell.width = Mm(width)
            for spec in paragraphs or [""]:
                if isinstance(spec, tuple):
                    content, style = spec[0], spec[1]
                    fmt = spec[2] if len(spec) > 2 else {}
                else:
                    content, style, fmt = spec, "Tabeltekst", {}
                if isinstance(content, str) and content.startswith("{%p "):
                    T(cell, content)
                else:
                    if keep_with_next:
                        fmt = {**fmt, "keep_with_next": True}
                    P(cell, content, style, **fmt)
        if keep_together:
            _cant_split(row)
        return row

    def full_row(self, paragraphs, *, keep_with_next: bool = False):
        """A row whose cells are merged into one spanning the table's width."""
        row = self.table.add_row()
        for cell, width in zip(row.cells, self.widths, strict=True):
            cell.width = Mm(width)
        cell = row.cells[0].merge(row.cells[-1])
        cell.width = Mm(sum(self.widths))
        for content, style, fmt in paragraphs:
            if keep_with_next:
                fmt = {**fmt, "keep_with_next": True}
            P(cell, content, style, **fmt)
        _cant_split(row)
        return row

    def tag_row(self, tag: str):
        """A row holding only a docxtpl row tag ({%tr … %}); it disappears on render."""
        assert tag.startswith("{%tr ") and tag.endswith("%}"), tag
        row = self.table.add_row()
        for cell, width in zip(row.cells, self.widths, strict=True):
            cell.width = Mm(width)
        row.cells[0].paragraphs[0].add_run(tag)
        return row


def texts(doc, expr: str, style: str | None = None, var: str = "t", **fmt) -> None:
    """One paragraph per element of a text list: {%p for t in expr %} / {{ t }} / {%p endfor %}."""
    T(doc, f"{{%p for {var} in {expr} %}}")
    P(doc, f"{{{{ {var} }}}}", style, **fmt)
    T(doc, "{%p endfor %}")


def bullets(doc, expr: str, var: str = "t") -> None:
    texts(doc, expr, "List Bullet", var)


def optional_texts(doc, expr: str, style: str | None = None) -> None:
    T(doc, f"{{%p if {expr} is defined %}}")
    texts(doc, expr, style)
    T(doc, "{%p endif %}")


def version_line(doc, obj: str) -> None:
    P(
        doc,
        f"Version {{{{ {obj}.version.nummer }}}}"
        f"{{% if {obj}.version.dato is defined %}} af {{{{ {obj}.version.dato | dato }}}}{{% endif %}}"
        f"{{% if {obj}.version.beskrivelse is defined %}} – {{{{ {obj}.version.beskrivelse }}}}{{% endif %}}",
        "Bemærkning",
    )


def origin_note(doc, obj: str = "dokument") -> None:
    T(doc, f'{{%p if {obj}.metadata.oprindelse == "eksempel" %}}')
    P(doc, "Udkast skrevet som eksempel", "Bemærkning")
    T(doc, f'{{%p elif {obj}.metadata.oprindelse == "skabelon" %}}')
    P(doc, "Skabelon med pladsholdere, der skal udfyldes", "Bemærkning")
    T(doc, "{%p endif %}")


METODE = (
    "{% if u.metode is defined %} ("
    '{% if u.metode == "wet-ink" %}underskrevet med pen'
    '{% elif u.metode == "e-signature" %}underskrevet digitalt gennem en signeringstjeneste'
    "{% else %}underskrevet med digital signatur, PAdES{% endif %}"
    "){% endif %}"
)


def signature_blocks(doc, list_expr: str) -> None:
    """One block per signature entry, as the seed: party, a line, "Dato  Navn" under it.

    A recorded signature (u.navn) is written above the line: date, name, title, method.
    """
    T(doc, f"{{%p for u in {list_expr} %}}")
    P(
        doc,
        "{% if u.betegnelse is defined %}{{ u.betegnelse }}{% else %}{{ u.part }}{% endif %}",
        "Underskriftspart",
    )
    P(
        doc,
        "{% if u.navn is defined %}"
        "{% if u.dato is defined %}{{ u.dato | kort_dato }}{% endif %}"
        "\t{{ u.navn }}{% if u.titel is defined %}, {{ u.titel }}{% endif %}" + METODE + "{% endif %}",
        "Underskriftslinje",
    )
    P(doc, "Dato\tNavn", "Underskriftsetiket")
    T(doc, "{%p endfor %}")


def andel(var: str) -> str:
    """An institution's share of children from the areas: ca. 30 % / 25–30 %."""
    a = f"{var}.andel_boern_fra_omraaderne"
    ca = f"{{% if {a}.cirka is defined and {a}.cirka %}}ca. {{% endif %}}"
    return (
        f"{{% if {a} is defined %}}"
        f"{{% if {a}.procent is defined %}}{ca}{{{{ {a}.procent | pct }}}}"
        f"{{% elif {a}.fra_procent is defined %}}{ca}{{{{ {a}.fra_procent | tal }}}}–{{{{ {a}.til_procent | pct }}}}"
        f"{{% endif %}}{{% endif %}}"
    )


INSTITUTION_TYPE = '{% if i.type == "skole" %}Skole{% elif i.type == "daginstitution" %}Daginstitution{% else %}Andet{% endif %}'


def institution_table(doc, list_expr: str) -> None:
    t = Table(
        doc, [48, 28, 52, 32], ["Institution", "Type", "Børn fra områderne", "Andel af indskrevne børn"]
    )
    t.tag_row(f"{{%tr for i in {list_expr} %}}")
    t.row(
        [
            ["{{ i.navn }}"],
            [INSTITUTION_TYPE],
            ['{% if i.omraader is defined %}{{ i.omraader | join(", ") }}{% endif %}'],
            [andel("i")],
        ]
    )
    t.tag_row("{%tr endfor %}")


# --------------------------------------------------------------------------------------------
# samarbejdsaftale.docx
# --------------------------------------------------------------------------------------------


def section_heading(doc, key: str) -> None:
    P(doc, f"{{{{ aftale.{key}.nummer }}}}. {{{{ aftale.{key}.overskrift }}}}", "Heading 1")


BASELINE_VALUE = '{% if c.enhed == "procent" %}{{ v | pct }}{% else %}{{ v | tal }}{% endif %}'


def criteria_table(doc) -> None:
    """The success criteria: per criterion one row (wording | baseline | checkpoints) and under it a
    full-width row with the data source, so the source reads as one text (also in PDF text
    extraction, which reads a multi-column row line by line across the columns)."""
    t = Table(
        doc,
        [66, 40, 54],
        ["Lokalt opstillede målinger (succeskriterier)", "Baseline", "Mål"],
    )
    t.tag_row("{%tr for c in io.succeskriterier %}")
    t.row(
        [
            ["{{ c.tekst }}"],
            [
                ("{{ c.baseline.tidspunkt }}", "Tabeltekst", {"italic": True}),
                "{%p if c.baseline.per_omraade is defined %}",
                "{%p for navn, v in c.baseline.per_omraade.items() %}",
                "{{ navn }}: " + BASELINE_VALUE,
                "{%p endfor %}",
                "{%p elif c.baseline.per_kategori is defined %}",
                "{%p for navn, v in c.baseline.per_kategori.items() %}",
                "{{ navn }}: " + BASELINE_VALUE,
                "{%p endfor %}",
                "{%p elif c.baseline.vaerdi is defined %}",
                '{% if c.enhed == "procent" %}{{ c.baseline.vaerdi | pct }}{% else %}{{ c.baseline.vaerdi | tal }}{% endif %}',
                "{%p else %}",
                "{{ c.baseline.foreligger_ikke }}",
                "{%p endif %}",
            ],
            ["{{ c.maal_tekst }}"],
        ],
        keep_with_next=True,
    )
    t.full_row([([("Datakilde: ", {"bold": True}), ("{{ c.datakilde.tekst }}", {})], "Tabeltekst", {})])
    t.tag_row("{%tr endfor %}")


def build_samarbejdsaftale(path: Path) -> None:
    doc = new_document("{{ aftale.titel }}", "Strategisk samarbejdsaftale om boligsocial indsats")

    # Front page, as the seed: title, the plan and its period, areas (with their afdelinger where
    # known), the parties that sign, other actors, the secretariat.
    P(doc, "{{ aftale.titel }}", "Title", space_before=36, space_after=6)
    P(doc, "{{ aftale.helhedsplan_titel }}", "Subtitle", space_after=0)
    P(
        doc,
        "Perioden {{ aftale.periode_tekst }}"
        "{% if aftale.varighed_tekst %} ({{ aftale.varighed_tekst }}){% endif %}",
        "Subtitle",
        space_after=24,
    )
    P(doc, "Områdernes navne:", "Etiket")
    P(
        doc,
        "{% for o in aftale.omraader %}{% if not loop.first %}{% if loop.last %} & {% else %}, {% endif %}"
        "{% endif %}{{ o.navn }}{% endfor %}",
    )
    T(doc, '{%p if aftale.omraader | selectattr("tekst") | list %}')
    P(doc, "Afdelinger:", "Etiket")
    T(doc, "{%p for o in aftale.omraader %}")
    T(doc, "{%p if o.tekst %}")
    P(doc, "{{ o.tekst }}", space_after=2)
    T(doc, "{%p endif %}")
    T(doc, "{%p endfor %}")
    T(doc, "{%p endif %}")
    P(doc, "Aftalens parter:", "Etiket")
    T(doc, "{%p for p in aftale.underskrivende_parter %}")
    P(doc, "{{ p.navn }}", space_after=0)
    T(doc, "{%p endfor %}")
    T(doc, "{%p if aftale.oevrige_aktoerer %}")
    P(doc, "Øvrige aktører:", "Etiket")
    T(doc, "{%p for p in aftale.oevrige_aktoerer %}")
    P(
        doc,
        "{{ p.navn }} ({{ p.type_tekst }}){% if p.bemaerkning is defined %} – {{ p.bemaerkning }}{% endif %}",
        space_after=0,
    )
    T(doc, "{%p endfor %}")
    T(doc, "{%p endif %}")
    P(doc, "Samarbejdsaftalen:", "Etiket")
    texts(doc, "aftale.sekretariat.tekst")
    P(
        doc,
        "Version {{ aftale.version.nummer }}"
        "{% if aftale.version.dato is defined %} af {{ aftale.version.dato | dato }}{% endif %}",
        "Bemærkning",
        space_before=36,
    )

    # Signature page: one block per entry of aftale.underskrifter.
    P(doc, "Underskrifter:", "Etiket", page_break_before=True, space_before=0)
    signature_blocks(doc, "aftale.underskrifter")

    # Aftaledokumenter.
    P(doc, "{{ aftale.aftaledokumenter.overskrift }}", "Heading 1", page_break_before=True)
    texts(doc, "aftale.aftaledokumenter.tekst")
    T(doc, "{%p if aftale.aftaledokumenter.bilag_indledning is defined %}")
    P(doc, "{{ aftale.aftaledokumenter.bilag_indledning }}", keep_with_next=True)
    T(doc, "{%p endif %}")
    T(doc, "{%p for b in aftale.aftaledokumenter.bilag %}")
    P(doc, "{{ b.tekst }}", "List Bullet")
    T(doc, "{%p endfor %}")

    # 1. Formål
    section_heading(doc, "formaal")
    texts(doc, "aftale.formaal.tekst")
    T(doc, "{%p if aftale.formaal.formaal.indledning is defined %}")
    P(doc, "{{ aftale.formaal.formaal.indledning }}", keep_with_next=True)
    T(doc, "{%p endif %}")
    bullets(doc, "aftale.formaal.formaal.punkter")

    # 2. Organisering
    section_heading(doc, "organisering")
    texts(doc, "aftale.organisering.tekst")
    T(doc, "{%p for o in aftale.organisering.organer %}")
    P(doc, "{{ o.navn }}", "Heading 2")
    T(doc, "{%p if o.tilknytning_tekst %}")
    P(doc, [("Hører til: ", {"bold": True}), ("{{ o.tilknytning_tekst }}", {})])
    T(doc, "{%p endif %}")
    P(doc, "{{ o.sammensaetning }}")
    T(doc, "{%p if o.opgaver is defined %}")
    texts(doc, "o.opgaver")
    T(doc, "{%p endif %}")
    P(
        doc,
        [
            ("Mødefrekvens: ", {"bold": True}),
            (
                "{% if o.moedefrekvens.tekst is defined %}{{ o.moedefrekvens.tekst }}{% else %}"
                "{% if o.moedefrekvens.cirka is defined and o.moedefrekvens.cirka %}ca. {% endif %}"
                "{{ o.moedefrekvens.min_pr_aar | tal }}{% if o.moedefrekvens.max_pr_aar != o.moedefrekvens.min_pr_aar %}"
                "–{{ o.moedefrekvens.max_pr_aar | tal }}{% endif %} gange årligt"
                "{% endif %}",
                {},
            ),
        ],
    )
    T(doc, "{%p if o.relationer_tekst %}")
    P(doc, [("Relationer: ", {"bold": True}), ("{{ o.relationer_tekst }}", {})])
    T(doc, "{%p endif %}")
    T(doc, "{%p if o.kommissorium.kildetekst is defined %}")
    P(doc, "{{ o.kommissorium.kildetekst }}")
    T(doc, "{%p endif %}")
    T(doc, "{%p endfor %}")
    T(doc, "{%p if aftale.organisering.sekretariatsbetjening is defined %}")
    P(doc, "Sekretariatsbetjening", "Heading 2")
    texts(doc, "aftale.organisering.sekretariatsbetjening")
    T(doc, "{%p endif %}")
    optional_texts(doc, "aftale.organisering.afsluttende_tekst")
    T(doc, "{%p if organisationsdiagram %}")
    P(
        doc,
        "{{ organisationsdiagram }}",
        align=WD_ALIGN_PARAGRAPH.CENTER,
        keep_with_next=True,
        space_before=12,
    )
    P(doc, "Organisationsdiagram", "Caption")
    T(doc, "{%p endif %}")

    # 3. Beskrivelse
    section_heading(doc, "beskrivelse")
    texts(doc, "aftale.beskrivelse.tekst")
    T(doc, "{%p if aftale.beskrivelse.underafsnit is defined %}")
    T(doc, "{%p for s in aftale.beskrivelse.underafsnit %}")
    P(doc, "{{ s.overskrift }}", "Heading 2")
    texts(doc, "s.tekst")
    T(doc, "{%p endfor %}")
    T(doc, "{%p endif %}")
    # The seed places "Den samlede indsats" at the end of section 3 (the schema keeps it under 5).
    T(doc, "{%p if aftale.indsatsomraader.samlet_indsats is defined %}")
    P(doc, "Den samlede indsats", "Heading 2")
    texts(doc, "aftale.indsatsomraader.samlet_indsats")
    T(doc, "{%p endif %}")
    T(doc, "{%p if aftale.manglende_oplysninger is defined and aftale.manglende_oplysninger %}")
    P(
        doc,
        "Bemærkning fra sekretariatet – ikke en del af aftalens oprindelige tekst",
        "Etiket",
        space_before=18,
    )
    P(
        doc,
        "Manglende oplysninger: aftalen henviser til følgende, som ikke foreligger. "
        "Oplysningerne er registreret som manglende og er ikke genskabt.",
        "Bemærkning",
        keep_with_next=True,
    )
    t = Table(doc, [50, 110], ["Placering", "Manglende oplysning"], fill=NOTE_FILL)
    t.tag_row("{%tr for m in aftale.manglende_oplysninger %}")
    t.row(
        [
            ["{{ m.placering }}"],
            [
                "{{ m.beskrivelse }}",
                "{%p if m.bevaret_tekst is defined %}",
                ("Bevaret tekst: »{{ m.bevaret_tekst }}«", "Tabeltekst", {"italic": True}),
                "{%p endif %}",
            ],
        ]
    )
    t.tag_row("{%tr endfor %}")
    T(doc, "{%p endif %}")

    # 4. Fælles tværgående målinger
    section_heading(doc, "faelles_maalinger")
    texts(doc, "aftale.faelles_maalinger.tekst")

    # 5. Indsatsområder
    section_heading(doc, "indsatsomraader")
    texts(doc, "aftale.indsatsomraader.tekst")
    T(doc, "{%p for io in aftale.indsatsomraader.omraader %}")
    P(doc, "{{ io.nummer }} {{ io.navn }}", "Heading 2", space_before=18)
    P(doc, "Formål:", "Etiket", space_before=4)
    T(doc, "{%p if io.formaal.indledning is defined %}")
    P(doc, "{{ io.formaal.indledning }}", keep_with_next=True)
    T(doc, "{%p endif %}")
    texts(doc, "io.formaal.punkter", "List Bullet", keep_with_next=True)
    T(doc, "{%p if io.kriterier_indledning is defined %}")
    P(doc, "{{ io.kriterier_indledning }}", keep_with_next=True, space_before=8)
    T(doc, "{%p endif %}")
    P(doc, "", space_after=0, keep_with_next=True)  # a little air between a bullet list and the table
    criteria_table(doc)
    # Criterion-level institutions (5.3's schools).
    T(doc, "{%p for c in io.succeskriterier %}")
    T(doc, "{%p if c.institutioner is defined %}")
    P(doc, "Skoler og institutioner i målingen »{{ c.titel }}«", "Etiket", space_before=10)
    institution_table(doc, "c.institutioner")
    T(doc, "{%p endif %}")
    T(doc, "{%p endfor %}")
    T(doc, "{%p if io.institutioner is defined %}")
    P(doc, "Udvalgte samarbejdsinstitutioner", "Etiket", space_before=10)
    institution_table(doc, "io.institutioner")
    T(doc, "{%p endif %}")
    T(doc, "{%p endfor %}")

    # 6. Lokal evaluering
    section_heading(doc, "lokal_evaluering")
    texts(doc, "aftale.lokal_evaluering.tekst")

    # 7. Ressourcer, with the financing table as in the seed.
    section_heading(doc, "ressourcer")
    texts(doc, "aftale.ressourcer.tekst")
    t = Table(doc, [110, 50], ["Organisation", "Finansiering"])
    right = {"align": WD_ALIGN_PARAGRAPH.RIGHT}
    t.row(
        [
            ["Landsbyggefonden"],
            [("{{ aftale.ressourcer.finansiering.landsbyggefonden | tkr }}", "Tabeltekst", right)],
        ]
    )
    t.row(
        [
            ["Lokal medfinansiering"],
            [("{{ aftale.ressourcer.finansiering.lokal_medfinansiering | tkr }}", "Tabeltekst", right)],
        ]
    )
    # The local co-financing split by contributor, where the agreement gives it.
    t.tag_row("{%tr if aftale.ressourcer.finansiering.lokal_fordeling is defined %}")
    t.tag_row("{%tr for f in aftale.ressourcer.finansiering.lokal_fordeling %}")
    t.row(
        [
            [
                (
                    "heraf {{ f.navn }}{% if f.andel_af_samlet is not none %} "
                    "({{ f.andel_af_samlet | pct }} af det samlede budget){% endif %}"
                    "{% if f.bemaerkning is defined %} – {{ f.bemaerkning }}{% endif %}",
                    "Tabeltekst",
                    {"italic": True},
                )
            ],
            [("{{ f.beloeb | tkr }}", "Tabeltekst", {**right, "italic": True})],
        ]
    )
    t.tag_row("{%tr endfor %}")
    t.tag_row("{%tr endif %}")
    t.row(
        [
            [("Samlet budget for den boligsociale indsats", "Tabeloverskrift")],
            [("{{ aftale.ressourcer.finansiering.samlet | tkr }}", "Tabeloverskrift", right)],
        ]
    )
    # Right-align the header cell over the amounts too.
    t.table.rows[0].cells[1].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    P(doc, "", space_after=0)

    # 8.–11.
    for key in ("samspil", "underretning", "konflikthaandtering", "revision"):
        section_heading(doc, key)
        texts(doc, f"aftale.{key}.tekst")

    doc.save(path)


# --------------------------------------------------------------------------------------------
# delaftale.docx
# --------------------------------------------------------------------------------------------


def annex_front(doc, subtitle: str) -> None:
    P(doc, "{{ dokument.titel }}", "Title")
    P(doc, subtitle, "Subtitle")
    version_line(doc, "dokument")
    origin_note(doc)


AKTOER_TYPE = (
    '{% if a.type == "part" %}Part i aftalen{% elif a.type == "kommunal" %}Kommunal enhed'
    '{% elif a.type == "institution" %}Institution{% elif a.type == "forening" %}Forening'
    '{% elif a.type == "sekretariat" %}Sekretariat{% else %}Anden aktør{% endif %}'
)


def build_delaftale(path: Path) -> None:
    doc = new_document("{{ dokument.titel }}", "Delaftale")

    annex_front(
        doc,
        "Indsatsområde {{ dokument.indsatsomraade.nummer }} {{ dokument.indsatsomraade.navn }} "
        "under den strategiske samarbejdsaftale for {{ dokument.helhedsplan }}, "
        "{{ dokument.periode.start | dato }} – {{ dokument.periode.slut | dato }}",
    )

    P(doc, "1. Formål", "Heading 1")
    texts(doc, "dokument.formaal")

    P(doc, "2. Målgrupper", "Heading 1")
    bullets(doc, "dokument.maalgrupper")

    P(doc, "3. Aktører og ansvar", "Heading 1")
    t = Table(doc, [45, 30, 85], ["Aktør", "Type", "Ansvar og rolle"])
    t.tag_row("{%tr for a in dokument.aktoerer %}")
    t.row(
        [
            [
                ("{{ a.navn }}", "Tabeltekst", {"bold": True}),
                "{%p if a.under_part is defined %}",
                ("under {{ a.under_part }}", "Tabeltekst", {"italic": True}),
                "{%p endif %}",
            ],
            [AKTOER_TYPE],
            ['{{ a.ansvar | join(" ") }}'],
        ]
    )
    t.tag_row("{%tr endfor %}")

    P(doc, "4. Aktiviteter", "Heading 1")
    T(doc, "{%p for a in dokument.aktiviteter %}")
    P(doc, "{{ a.navn }}", "Heading 2")
    # Heading, description and the facts table stay together on one page where they fit.
    texts(doc, "a.beskrivelse", keep_with_next=True)
    t = Table(doc, [40, 120])
    label = "Tabeloverskrift"
    k = {"keep_with_next": True}
    t.row([[("Målgruppe", label)], ["{{ a.maalgruppe }}"]], **k)
    t.row([[("Boligområder", label)], ['{{ a.omraader | join(", ") }}']], **k)
    t.row([[("Ansvarlig", label)], ["{{ a.ansvarlig }}"]], **k)
    t.tag_row("{%tr if a.samarbejdspartnere is defined %}")
    t.row([[("Samarbejdspartnere", label)], ['{{ a.samarbejdspartnere | join(", ") }}']], **k)
    t.tag_row("{%tr endif %}")
    t.row([[("Periode", label)], ["{{ a.periode.start | kort_dato }}–{{ a.periode.slut | kort_dato }}"]], **k)
    t.tag_row("{%tr if a.omfang is defined %}")
    t.row([[("Omfang", label)], ["{{ a.omfang }}"]], **k)
    t.tag_row("{%tr endif %}")
    t.tag_row("{%tr if a.succeskriterier is defined %}")
    t.row([[("Succeskriterier", label)], ['{{ a.succeskriterier_titler | join(", ") }}']], **k)
    t.tag_row("{%tr endif %}")
    for cell in t.table.columns[0].cells:
        _cell_fill(cell, HEADER_FILL)
    P(doc, "", space_after=0)
    T(doc, "{%p endfor %}")

    P(doc, "5. Opfølgning", "Heading 1")
    texts(doc, "dokument.opfoelgning")

    P(doc, "6. Underskrifter", "Heading 1", page_break_before=True)
    signature_blocks(doc, "dokument.underskrifter")

    doc.save(path)


# --------------------------------------------------------------------------------------------
# kommissorium.docx
# --------------------------------------------------------------------------------------------


def build_kommissorium(path: Path) -> None:
    doc = new_document("{{ dokument.titel }}", "Kommissorium")

    P(doc, "{{ dokument.titel }}", "Title")
    P(doc, "for {{ aftale.helhedsplan }}", "Subtitle")
    P(doc, [("Organ: ", {"bold": True}), ("{{ organ.navn }}", {})], space_after=2)
    version_line(doc, "dokument")
    origin_note(doc)

    P(doc, "Formål", "Heading 1")
    texts(doc, "dokument.formaal")

    P(doc, "Sammensætning", "Heading 1")
    T(doc, "{%p for m in dokument.medlemmer %}")
    P(
        doc,
        "{{ m.rolle }}{% if m.organisation is defined %}, {{ m.organisation }}{% endif %}"
        "{% if m.navn is defined %} ({{ m.navn }}){% endif %}"
        "{% if m.udpeget_af is defined %}, udpeget af {{ m.udpeget_af }}{% endif %}"
        "{% if m.antal is defined %} – antal: {{ m.antal | tal }}{% endif %}",
        "List Bullet",
    )
    T(doc, "{%p endfor %}")

    P(doc, "Opgaver", "Heading 1")
    bullets(doc, "dokument.opgaver")

    P(doc, "Mødefrekvens", "Heading 1")
    P(
        doc,
        "{% if dokument.moedefrekvens.tekst is defined %}{{ dokument.moedefrekvens.tekst }}{% else %}"
        "{% if dokument.moedefrekvens.cirka is defined and dokument.moedefrekvens.cirka %}Ca. {% endif %}"
        "{{ dokument.moedefrekvens.min_pr_aar | tal }}"
        "{% if dokument.moedefrekvens.max_pr_aar != dokument.moedefrekvens.min_pr_aar %}"
        "–{{ dokument.moedefrekvens.max_pr_aar | tal }}{% endif %} "
        "gange årligt{% endif %}",
    )
    T(doc, "{%p if organ.moedeplacering is defined %}")
    P(doc, "Møderne ligger {{ organ.moedeplacering }}.")
    T(doc, "{%p endif %}")

    T(doc, "{%p if dokument.arbejdsform is defined %}")
    P(doc, "Arbejdsform", "Heading 1")
    texts(doc, "dokument.arbejdsform")
    T(doc, "{%p endif %}")

    T(doc, "{%p if dokument.sekretariatsbetjening is defined %}")
    P(doc, "Sekretariatsbetjening", "Heading 1")
    P(doc, "{{ dokument.sekretariatsbetjening }}")
    T(doc, "{%p endif %}")

    T(doc, "{%p if dokument.godkendelse is defined %}")
    P(doc, "Godkendelse", "Heading 1")
    P(
        doc,
        "{% if dokument.godkendelse.dato is defined %}Kommissoriet er godkendt af {{ dokument.godkendelse.af }} "
        "den {{ dokument.godkendelse.dato | dato }}.{% else %}Kommissoriet godkendes af "
        "{{ dokument.godkendelse.af }}.{% endif %}",
    )
    T(doc, "{%p endif %}")

    doc.save(path)


# --------------------------------------------------------------------------------------------
# milepaelsplan.docx
# --------------------------------------------------------------------------------------------

STATUS = (
    '{% if m.status is defined %}{% if m.status == "planlagt" %}Planlagt{% elif m.status == "naaet" %}Nået'
    '{% elif m.status == "forsinket" %}Forsinket{% else %}Udgået{% endif %}{% endif %}'
)

INDSATSOMRAADE = (
    '{% if m.indsatsomraade == "tværgående" %}Tværgående{% else %}{{ m.indsatsomraade }}'
    "{% for io in aftale.indsatsomraader.omraader %}{% if io.nummer == m.indsatsomraade %} {{ io.navn }}"
    "{% endif %}{% endfor %}{% endif %}"
)


def build_milepaelsplan(path: Path) -> None:
    doc = new_document("{{ dokument.titel }}", "Milepælsplan")

    annex_front(
        doc,
        "for {{ dokument.helhedsplan }}, projektperioden "
        "{{ dokument.periode.start | dato }} – {{ dokument.periode.slut | dato }}",
    )

    T(doc, "{%p for y in dokument.projektaar %}")
    P(
        doc,
        "Projektår {{ y.nummer }} ({{ y.periode.start | kort_dato }}–{{ y.periode.slut | kort_dato }})",
        "Heading 1",
    )
    # "Indsats\u00adområde": a soft hyphen lets the narrow header break as "Indsats-/område".
    t = Table(doc, [22, 53, 28, 38, 19], ["Dato", "Milepæl", "Indsats\u00adområde", "Ansvarlig", "Status"])
    t.tag_row("{%tr for m in y.milepaele %}")
    t.row(
        [
            ["{{ m.dato | kort_dato }}"],
            [
                ("{{ m.titel }}", "Tabeltekst", {"bold": True}),
                "{%p if m.beskrivelse is defined %}",
                "{{ m.beskrivelse }}",
                "{%p endif %}",
            ],
            [INDSATSOMRAADE],
            ["{{ m.ansvarlig }}"],
            [STATUS],
        ]
    )
    t.tag_row("{%tr endfor %}")
    P(doc, "", space_after=0)
    T(doc, "{%p endfor %}")

    doc.save(path)


# --------------------------------------------------------------------------------------------
# beredskabsplan.docx
# --------------------------------------------------------------------------------------------


def build_beredskabsplan(path: Path) -> None:
    doc = new_document("{{ dokument.titel }}", "Beredskabsplan")

    annex_front(doc, "for {{ dokument.helhedsplan }}")

    P(doc, "1. Formål", "Heading 1")
    texts(doc, "dokument.formaal")

    P(doc, "2. Boligområder", "Heading 1")
    P(doc, 'Planen dækker {{ dokument.omraader | join(", ") }}.')

    P(doc, "3. Beredskabsgruppe", "Heading 1")
    t = Table(doc, [80, 80], ["Rolle", "Organisation"])
    t.tag_row("{%tr for r in dokument.beredskabsgruppe %}")
    t.row(
        [
            ["{{ r.rolle }}{% if r.navn is defined %} ({{ r.navn }}){% endif %}"],
            ["{% if r.organisation is defined %}{{ r.organisation }}{% endif %}"],
        ]
    )
    t.tag_row("{%tr endfor %}")

    P(doc, "4. Hændelser og handlinger", "Heading 1")
    T(doc, "{%p for e in dokument.haendelser %}")
    P(doc, "{{ e.navn }}", "Heading 2")
    P(doc, "{{ e.beskrivelse }}", keep_with_next=True)
    t = Table(doc, [12, 88, 36, 24], ["Trin", "Handling", "Ansvarlig", "Frist"])
    t.tag_row("{%tr for h in e.handlinger %}")
    t.row(
        [
            ["{{ h.trin | tal }}"],
            ["{{ h.handling }}"],
            ["{{ h.ansvarlig }}"],
            ["{% if h.frist is defined %}{{ h.frist }}{% endif %}"],
        ]
    )
    t.tag_row("{%tr endfor %}")
    P(doc, "", space_after=0)
    T(doc, "{%p endfor %}")

    P(doc, "5. Kommunikation", "Heading 1")
    texts(doc, "dokument.kommunikation")

    P(doc, "6. Ajourføring", "Heading 1")
    P(doc, "{{ dokument.ajourfoering }}")

    doc.save(path)


BUILDERS = {
    "samarbejdsaftale.docx": build_samarbejdsaftale,
    "delaftale.docx": build_delaftale,
    "kommissorium.docx": build_kommissorium,
    "milepaelsplan.docx": build_milepaelsplan,
    "beredskabsplan.docx": build_beredskabsplan,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder to write the templates to")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, build in BUILDERS.items():
        target = args.out / name
        build(target)
        print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
