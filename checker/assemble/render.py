"""Render a docxtpl template safely: Jinja's SandboxedEnvironment, autoescape, StrictUndefined.

A value with <, >, &, quotes or æøå appears exactly as written; a template that reaches for Python
internals fails and renders nothing; a missing value is an error naming the template and the
variable, never a blank field.
"""

from __future__ import annotations

import io
import re
import stat
import zipfile
from pathlib import Path
from typing import Any

from jinja2 import StrictUndefined
from jinja2.exceptions import SecurityError, TemplateError, TemplateSyntaxError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment

from checker.assemble.fmt import FILTERS
from checker.findings import CouldNotRun, Text
from checker.xmltext import finalize

MAX_TEMPLATE_BYTES = 20 * 1024 * 1024
MAX_TEMPLATE_UNPACKED = 100 * 1024 * 1024
MAX_TEMPLATE_ENTRIES = 2000


class _Environment(SandboxedEnvironment):
    """The sandbox, compiling each distinct source once: a build renders the same template (and the
    same headers and footers) for several documents, and compiling dominates rendering."""

    def __init__(self) -> None:
        super().__init__(
            autoescape=True, undefined=StrictUndefined, keep_trailing_newline=True, finalize=finalize
        )
        self.filters.update(FILTERS)
        self._compiled: dict[str, Any] = {}

    def from_string(self, source, globals=None, template_class=None):  # noqa: A002 - Jinja's signature
        if globals or template_class or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        if source not in self._compiled:
            self._compiled[source] = super().from_string(source)
        return self._compiled[source]


_SHARED: _Environment | None = None


def environment() -> SandboxedEnvironment:
    """The sandboxed environment with the Danish filters, shared within one process."""
    global _SHARED
    if _SHARED is None:
        _SHARED = _Environment()
    return _SHARED


class RenderError(CouldNotRun):
    """A template could not be rendered; names the template and what went wrong."""


# A template is a program: the sandbox keeps it from Python's internals and caps range(), but nested
# loops can still run for hours or fill the memory. render_many therefore renders in a forked child
# process bounded by these (a build's nine documents take a second or two and some 100 MB).
RENDER_SECONDS = 120  # CPU and wall clock for all documents of one call
RENDER_MEMORY = 1024 * 1024 * 1024  # address space the child may add to what it inherits


def render_many(jobs: list[dict[str, Any]]) -> list[bytes]:
    """render_docx(**job) for every job, in one child process with the limits above (one process, so
    the compiled templates are shared between the documents). Raises RenderError."""
    return start_rendering(jobs).result()


class Rendering:
    """render_many's child, started and not yet collected (start_rendering)."""

    def __init__(self, jobs: list[dict[str, Any]]) -> None:
        from checker.processes import start_in_child

        def work() -> tuple:
            try:
                return ("ok", [render_docx(**job) for job in jobs])
            except CouldNotRun as exc:
                return ("error", exc.text.da, exc.text.en)

        self._child = start_in_child(work, seconds=RENDER_SECONDS, memory=RENDER_MEMORY)

    def result(self) -> list[bytes]:
        """The documents' bytes, in the jobs' order; RenderError when they could not be rendered."""
        from checker.processes import OUT_OF_MEMORY, TIMED_OUT

        reply = self._child.result()
        if reply[0] == "ok":
            return reply[1]
        if reply[0] == "error":
            raise RenderError(Text(reply[1], reply[2]))
        if reply == OUT_OF_MEMORY:
            raise _too_much(Text("den kræver for meget hukommelse", "it needs too much memory"))
        if reply == TIMED_OUT:
            raise _too_much(Text("det tager for lang tid", "it takes too long"))
        raise _too_much(Text("gengivelsen blev afbrudt", "rendering was stopped"))

    def stop(self) -> None:
        self._child.stop()


def start_rendering(jobs: list[dict[str, Any]]) -> Rendering:
    """render_many in a child that starts now: the caller works meanwhile, then calls result()."""
    return Rendering(jobs)


def _too_much(what: Text) -> RenderError:
    return RenderError(
        Text(
            f"Skabelonerne kan ikke gengives inden for grænserne ({RENDER_SECONDS} s, "
            f"{RENDER_MEMORY // 2**20} MB): {what.da}. Har en skabelon løkker i løkker?",
            f"The templates cannot be rendered within the limits ({RENDER_SECONDS} s, "
            f"{RENDER_MEMORY // 2**20} MB): {what.en}. Does a template have loops inside loops?",
        )
    )


def render_docx(
    template: Path,
    context: dict[str, Any],
    *,
    images: dict[str, Path] | None = None,
    properties: dict[str, Any] | None = None,
    context_for=None,
    descriptions: dict[str, str] | None = None,
) -> bytes:
    """Render one template to .docx bytes (nothing is written); `properties` set the document's core
    properties (title, language, dates; see set_properties); `context_for(tpl)`, when given, adds
    context that needs the template itself (inline images inside lists); `descriptions` give each
    picture, by its image file's name ("organisationsdiagram.png"), the alternative text a screen
    reader reads (and that LibreOffice carries into the PDF as the figure's /Alt). Raises RenderError."""
    from docx.opc.exceptions import PackageNotFoundError
    from docx.shared import Mm
    from docxtpl import DocxTemplate, InlineImage

    name = template.name
    _guard(template)
    try:
        tpl = DocxTemplate(str(template))
        ctx = dict(context)
        for key, path in (images or {}).items():
            ctx[key] = InlineImage(tpl, str(path), width=Mm(160)) if path else None
        if context_for is not None:
            ctx.update(context_for(tpl))
        tpl.render(ctx, jinja_env=environment(), autoescape=True)
        order_cell_properties(tpl.docx)
        if descriptions:
            describe_pictures(tpl.docx, descriptions)
        set_properties(tpl.docx, properties or {})
        out = io.BytesIO()
        tpl.save(out)
    except UndefinedError as exc:
        raise RenderError(
            Text(
                f"Skabelonen {name} bruger en værdi, som dossieret ikke har: {exc.message}.",
                f"The template {name} uses a value the dossier does not have: {exc.message}.",
            )
        ) from None
    except SecurityError as exc:
        raise RenderError(
            Text(
                f"Skabelonen {name} forsøger at nå Pythons indre ({exc}); den bliver ikke brugt.",
                f"The template {name} tries to reach Python internals ({exc}); it is not used.",
            )
        ) from None
    except TemplateSyntaxError as exc:
        raise RenderError(
            Text(
                f"Skabelonen {name} har en fejl i et flet-felt (linje {exc.lineno} i dokumentets XML): {exc.message}.",
                f"The template {name} has an error in a merge field (line {exc.lineno} of its XML): {exc.message}.",
            )
        ) from None
    except TemplateError as exc:
        raise RenderError(
            Text(
                f"Skabelonen {name} kan ikke flettes: {exc}.",
                f"The template {name} cannot be rendered: {exc}.",
            )
        ) from None
    except (
        OSError,
        KeyError,
        ValueError,
        PackageNotFoundError,
        zipfile.BadZipFile,
    ) as exc:  # not a docx, broken
        raise RenderError(
            Text(
                f"Skabelonen {name} kan ikke åbnes som Word-dokument: {exc}.",
                f"The template {name} cannot be opened as a Word document: {exc}.",
            )
        ) from None
    return out.getvalue()


# A rendered document is no template: these marks of the template's own properties are dropped.
TEMPLATE_MARKS = ("skabelon", "template")
# python-docx's names of the core properties -> their elements, so that a property can be removed
# (python-docx can only set them, and would leave an empty element for "").
_CORE_ELEMENTS = {
    "title": "dc:title",
    "subject": "dc:subject",
    "author": "dc:creator",
    "keywords": "cp:keywords",
    "comments": "dc:description",
    "last_modified_by": "cp:lastModifiedBy",
    "revision": "cp:revision",
    "category": "cp:category",
    "language": "dc:language",
    "identifier": "dc:identifier",
    "content_status": "cp:contentStatus",
    "version": "cp:version",
    "created": "dcterms:created",
    "modified": "dcterms:modified",
    "last_printed": "cp:lastPrinted",
}
# Statistics Word counted for the template (pages, words, editing time): wrong for a rendered document,
# and Word counts them again when it saves.
_STALE_APP_ELEMENTS = (
    "AppVersion",
    "TotalTime",
    "Pages",
    "Words",
    "Characters",
    "CharactersWithSpaces",
    "Lines",
    "Paragraphs",
)


def set_properties(document, properties: dict[str, Any]) -> None:
    """The rendered document's properties. From the template's core properties, the marks that describe
    the template (a keyword "skabelon", the category "Skabelon", a comment about the template) are
    dropped; then each of `properties` is set (python-docx's core property names: title, subject,
    keywords, category, comments, language, created, modified, last_printed, revision, ...), and one
    given as None or "" is removed (as is every empty one), so that a document never claims a date
    nobody recorded. The extended properties (docProps/app.xml) name aftale as the application that made
    the document, not the program the template was last saved with, and lose the template's
    statistics."""
    core = document.core_properties
    words = [w.strip() for w in re.split(r"[;,]", core.keywords or "") if w.strip()]
    cleaned = {"keywords": "; ".join(w for w in words if w.casefold() not in TEMPLATE_MARKS)}
    if (core.category or "").strip().casefold() in TEMPLATE_MARKS:
        cleaned["category"] = None
    if any(mark in (core.comments or "").casefold() for mark in TEMPLATE_MARKS):
        cleaned["comments"] = None
    for key, value in {**cleaned, **properties}.items():
        if value is None or value == "":
            _remove_core(core, key)
        else:
            setattr(core, key, value)
    for element in list(core._element):  # docxtpl leaves empty ones behind (dc:identifier)
        if not (element.text or "").strip() and len(element) == 0:
            core._element.remove(element)
    _set_application(document)


def _remove_core(core, key: str) -> None:
    from docx.oxml.ns import qn

    if key not in _CORE_ELEMENTS:  # a caller's mistake, not the template's: not a RenderError
        raise AttributeError(f"no core property {key!r}")
    for element in core._element.findall(qn(_CORE_ELEMENTS[key])):
        core._element.remove(element)


def _set_application(document) -> None:
    """docProps/app.xml: Application "aftale <version>"; the template's version and statistics gone."""
    from docx.oxml import parse_xml
    from lxml import etree

    from checker import __version__

    part = next((p for p in document.part.package.iter_parts() if p.partname == "/docProps/app.xml"), None)
    if part is None:  # a template without extended properties: nothing claims an application
        return
    root = part._element if hasattr(part, "_element") else parse_xml(part.blob)
    ns = "{http://schemas.openxmlformats.org/officeDocument/2006/extended-properties}"
    for name in _STALE_APP_ELEMENTS:
        for element in root.findall(ns + name):
            root.remove(element)
    application = root.find(ns + "Application")
    if application is None:  # the schema leaves the order free (xsd:all)
        application = etree.SubElement(root, ns + "Application")
    application.text = f"aftale {__version__}"
    if not hasattr(part, "_element"):
        part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


# The order ECMA-376 (transitional) gives the children of a table cell's properties, w:tcPr.
_TCPR_ORDER = (
    "cnfStyle tcW gridSpan hMerge vMerge tcBorders shd noWrap tcMar textDirection tcFitText vAlign "
    "hideMark headers cellIns cellDel cellMerge tcPrChange"
).split()


def order_cell_properties(document) -> None:
    """Put every w:tcPr's children in the schema's order, in the body, headers and footers. docxtpl's
    {% cellbg %} puts its w:shd first, before a w:tcW that Word writes into every cell it saves; Word
    and LibreOffice read either order, but the file would not be valid Word XML."""
    from docx.oxml.ns import qn

    rank = {qn(f"w:{name}"): i for i, name in enumerate(_TCPR_ORDER)}
    parts = [document.element]
    for section in document.sections:
        for hf in (section.header, section.footer, section.first_page_header, section.first_page_footer):
            if hf._has_definition:
                parts.append(hf._element)
    for root in parts:
        for tcpr in root.iter(qn("w:tcPr")):
            children = list(tcpr)
            ordered = sorted(children, key=lambda c: rank.get(c.tag, len(rank)))
            if ordered != children:
                for child in children:
                    tcpr.remove(child)
                tcpr.extend(ordered)


def describe_pictures(document, descriptions: dict[str, str]) -> None:
    """Set the alternative text (wp:docPr/@descr) of every inline picture whose image file name
    (pic:cNvPr/@name) is in `descriptions`."""
    from docx.oxml.ns import qn

    for inline in document.inline_shapes:
        element = inline._inline
        pic = element.find(".//" + qn("pic:cNvPr"))
        text = descriptions.get(pic.get("name")) if pic is not None else None
        if text:
            element.docPr.set("descr", text)
            pic.set("descr", text)


def _guard(template: Path) -> None:
    """Refuse a template that is missing, huge or a zip bomb before docxtpl unpacks it."""

    def refuse(da: str, en: str) -> RenderError:
        return RenderError(Text(f"Skabelonen {template.name} {da}", f"The template {template.name} {en}"))

    try:
        info = template.stat()
    except OSError as exc:
        raise refuse(f"kan ikke læses: {exc.strerror}.", f"cannot be read: {exc.strerror}.") from None
    if not stat.S_ISREG(info.st_mode):  # a FIFO would hang the build, /dev/zero fill the memory
        raise refuse(
            "er ikke en almindelig fil (men en mappe, et rør eller en enhed); den åbnes ikke.",
            "is not a regular file (but a folder, a pipe or a device); it is not opened.",
        )
    size = info.st_size
    if size > MAX_TEMPLATE_BYTES:
        raise refuse(
            f"fylder {size} byte; højst {MAX_TEMPLATE_BYTES} tillades.",
            f"is {size} bytes; at most {MAX_TEMPLATE_BYTES} are allowed.",
        )
    if not zipfile.is_zipfile(template):
        raise refuse(
            "kan ikke åbnes som Word-dokument (.docx).", "cannot be opened as a Word document (.docx)."
        )
    try:
        with zipfile.ZipFile(template) as z:
            infos = z.infolist()
    except zipfile.BadZipFile:
        raise refuse(
            "kan ikke åbnes som Word-dokument (.docx).", "cannot be opened as a Word document (.docx)."
        ) from None
    if len(infos) > MAX_TEMPLATE_ENTRIES or sum(i.file_size for i in infos) > MAX_TEMPLATE_UNPACKED:
        raise refuse(
            "pakker ud til mere end tilladt (zip-bombe?).", "unpacks to more than allowed (zip bomb?)."
        )
