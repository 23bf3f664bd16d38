"""Every PDF the tool writes is tagged PDF/A-2b, in Danish, with a title. Two ways lead there:

- ``convert``: Word files to PDF/A-2b with LibreOffice in headless mode (``SelectPdfVersion`` 2,
  ``UseTaggedPDF``): one process converts every document of a build, with its own profile folder so two
  builds at once do not collide (checker.libreoffice). The Word file's title, language and pictures'
  descriptions become the PDF's title, /Lang and the /Alt of each /Figure.
- ``figure_pdfa``: a drawing that already is a PDF (Graphviz's organisationsdiagram) made PDF/A-2b with
  pikepdf, tagged as one /Figure with alternative text, and checked by pikepdf's PDF/A validator
  (veraPDF's rules for PDF/A-2b) before it is returned; docs/pdfa.md says why and what is checked.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from checker import libreoffice
from checker.findings import CouldNotRun, Text

TIMEOUT = 300  # seconds (wall and CPU) for a whole build's conversion; then LibreOffice is killed


def start_office() -> libreoffice.Office | None:
    """LibreOffice started ahead for a build's conversion (checker.libreoffice.Office), bounded as
    convert is; None when it is not installed."""
    return libreoffice.start_office(seconds=TIMEOUT)


EXPORT_OPTIONS = {
    "SelectPdfVersion": {"type": "long", "value": "2"},  # PDF/A-2b
    "UseTaggedPDF": {"type": "boolean", "value": "true"},
    "ExportBookmarks": {"type": "boolean", "value": "true"},
}


def soffice() -> str:
    return libreoffice.program(
        Text(
            "LibreOffice er ikke installeret; kør »make run«, eller byg kun Word-filer med --no-pdf.",
            "LibreOffice is not installed; run 'make run', or build Word files only with --no-pdf.",
        )
    )


def convert(
    docx_files: list[Path],
    outdir: Path,
    on_pdf: Callable[[int, Path], None] | None = None,
    office: libreoffice.Office | None = None,
) -> list[Path]:
    """Convert all files in one LibreOffice run; returns the PDFs in the same order. `on_pdf(i, pdf)`,
    if given, is called for each PDF as soon as it is complete, while the later files convert
    (checker.libreoffice.convert); `outdir` must not hold earlier PDFs of the same names. `office` is
    a LibreOffice started ahead (start_office) to do the work."""
    if not docx_files:
        return []
    pdfs = [outdir / (f.stem + ".pdf") for f in docx_files]
    proc = libreoffice.convert(
        docx_files,
        outdir,
        "pdf:writer_pdf_Export:" + json.dumps(EXPORT_OPTIONS, separators=(",", ":")),
        timeout=TIMEOUT,
        executable=soffice(),
        on_output=(lambda i: on_pdf(i, pdfs[i])) if on_pdf else None,
        office=office,
    )
    missing = [p.name for p in pdfs if not p.is_file()]
    if proc.returncode != 0 or missing:
        detail = libreoffice.output_of(proc, office)
        raise CouldNotRun(
            Text(
                f"LibreOffice kunne ikke lave PDF af {', '.join(missing) or 'dokumenterne'}: {detail}",
                f"LibreOffice could not make a PDF of {', '.join(missing) or 'the documents'}: {detail}",
            )
        )
    return pdfs


LANGUAGE = "da-DK"


def figure_pdfa(
    data: bytes,
    *,
    title: str,
    alt: str,
    when: datetime | None = None,
    language: str = LANGUAGE,
) -> bytes:
    """A PDF whose every page is one drawing (Graphviz's output) as tagged PDF/A-2b: each page's content is
    one /Figure structure element with `alt` as its alternative text, in a /Document; the catalogue gets
    /Lang, /MarkInfo and DisplayDocTitle; the metadata the title, `when` as the creation and modification
    date (none when None: nothing claims a date that was not recorded), and the PDF/A-2b identification;
    the output intent is sRGB (the drawing's colours are DeviceRGB); the file identifier is computed from
    the content. The same input gives the same bytes. Nothing of the drawing itself is changed.

    pikepdf's PDF/A validator checks the bytes before they are returned; a drawing it cannot approve (a
    construct it does not know) raises CouldNotRun naming the rule, rather than a PDF that only claims to
    be PDF/A."""
    import pikepdf
    from pikepdf import Array, Dictionary, Name, String
    from pikepdf.models.metadata import encode_pdf_date

    try:
        from pikepdf.pdfa import PdfaError, prepare, save
    except ImportError:  # pikepdf before 10.18, or without fontTools/jsonschema
        raise CouldNotRun(
            Text(
                f"pikepdf {pikepdf.__version__} kan ikke lave PDF/A (pikepdf.pdfa mangler); kør »make run«.",
                f"pikepdf {pikepdf.__version__} cannot make PDF/A (pikepdf.pdfa is missing); run 'make run'.",
            )
        ) from None

    from checker import __version__

    with pikepdf.open(io.BytesIO(data)) as pdf:
        document = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document, K=Array()))
        tree = pdf.make_indirect(Dictionary(Type=Name.StructTreeRoot, K=document))
        document.P = tree
        parents = Array()
        for index, page in enumerate(pdf.pages):
            box = [float(v) for v in page.mediabox]
            figure = pdf.make_indirect(
                Dictionary(
                    Type=Name.StructElem,
                    S=Name.Figure,
                    P=document,
                    Pg=page.obj,
                    K=0,  # marked-content id 0 on its page
                    Alt=String(alt),
                    A=Dictionary(O=Name.Layout, BBox=Array(box)),
                )
            )
            document.K.append(figure)
            # the whole page, in its own graphics state, is the figure's marked content (a page's content
            # streams are one stream divided at token boundaries: joined with a line break between)
            content = b"\n".join(s.read_bytes() for s in _content_streams(page.obj.get("/Contents")))
            page.obj.Contents = pdf.make_stream(b"/Figure <</MCID 0>> BDC\nq\n" + content + b"\nQ\nEMC\n")
            page.obj.StructParents = index
            parents.extend([index, Array([figure])])
        tree.ParentTree = pdf.make_indirect(Dictionary(Nums=parents))
        tree.ParentTreeNextKey = len(pdf.pages)
        pdf.Root.StructTreeRoot = tree
        pdf.Root.MarkInfo = Dictionary(Marked=True)
        pdf.Root.Lang = String(language)
        pdf.Root.ViewerPreferences = Dictionary(DisplayDocTitle=True)

        info = pdf.docinfo
        for key in list(info.keys()):
            del info[key]  # Graphviz's producer and the time it drew: replaced below
        info.Title = String(title)
        info.Creator = String(f"aftale {__version__}")
        if when is not None:
            info.CreationDate = info.ModDate = String(encode_pdf_date(when))
        prepare(pdf, "2b")  # sRGB output intent, XMP with the PDF/A-2b identification, info and XMP agreeing
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
            if when is not None:
                meta["xmp:MetadataDate"] = when.isoformat()
            elif "xmp:MetadataDate" in meta:
                del meta["xmp:MetadataDate"]  # prepare() stamps the time it ran
            meta["dc:language"] = [language]
        out = io.BytesIO()
        try:
            save(pdf, out, "2b", repair=False, deterministic_id=True)
        except PdfaError as exc:
            problems = "; ".join(str(f) for f in exc.report.findings[:3])
            raise CouldNotRun(
                Text(
                    f"»{title}« kan ikke gemmes som PDF/A-2b: {problems}",
                    f"'{title}' cannot be saved as PDF/A-2b: {problems}",
                )
            ) from None
    return out.getvalue()


def _content_streams(contents) -> list:
    import pikepdf

    if contents is None:
        return []
    if isinstance(contents, pikepdf.Array):
        return list(contents)
    return [contents]
