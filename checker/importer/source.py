"""The agreement as read: its text with its layout, as Blocks that know where they came from.

read_source decides by the file's content, never by its name, whether it is a PDF or a Word file (docx),
and refuses everything else before a parser sees it. Both are read in a forked child process bounded
in time and memory (checker.processes.call_in_child), as every reader of aftale is:

- a PDF through checker.readers.pdf.read_pages (size, the %PDF- header, the page limit, encryption,
  pdf-too-complex), each page as its text lines (pdfplumber's words grouped into lines, with font size
  and boldness) and its ruled tables (pdfplumber's table finder) as one row Block per table row; the
  words inside a table are not repeated as lines. A PDF without any text is a scan: refused, no OCR.
- a docx after the container checks shared with the workbook reader (checker.readers.container: zip
  bombs, DOCTYPE/ENTITY) and the Word checks here (macros, external relationships, .doc, a password),
  then its body in document order: paragraphs (with their style and boldness) and table rows.

Every text is in Unicode NFC, control characters dropped. See docs/import.md.
"""

from __future__ import annotations

import re
import stat
import unicodedata
import zipfile
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

from checker.findings import CouldNotRun, Text
from checker.importer import Block, Source
from checker.readers import ReaderError, format_bytes

MAX_SOURCE_BYTES = 50 * 1024 * 1024  # a signed agreement with its logos is a few MB
# A Word file as a zip: a 30-page agreement has a few dozen parts and unpacks to a few MB.
MAX_DOCX_ENTRIES = 1000
MAX_DOCX_UNPACKED = 200 * 1024 * 1024
MAX_DOCX_RATIO = 100
MAX_DOCX_RELS_BYTES = (
    1024 * 1024
)  # [Content_Types].xml and each .rels, parsed here: a few KB in any Word file
# python-docx and lxml have no limits of their own; the checks above bound what they are given, and the
# child process bounds what they make of it (the same bounds as a PDF's).
MAX_READ_SECONDS = 30
MAX_READ_MEMORY = 200 * 1024 * 1024

HEAD = 1024
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_REL_HYPERLINK = "/hyperlink"  # the one relationship type that may point outside: a link, never fetched
# characters a document cannot hold: control characters (Cc), lone surrogates, non-characters
_DROP = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# Format characters that change how a name looks without being seen (a right-to-left override makes
# "Viborg\u202eenummoK" show as "Viborg Kommune"; zero-width ones hide inside a name): dropped, so that an
# imported name is the name a reader sees. Soft hyphens go too (Word's optional hyphens).
_ALT_CHUNK = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?altChunk[\s/>]")
_INVISIBLE = re.compile("[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]")


class SourceError(CouldNotRun):
    """The file cannot be imported. code says why ("pdf-encrypted", "source-scanned", "docx-macros" …)."""

    def __init__(self, path: Path, code: str, message: Text, hint: Text | None = None):
        da, en = f"{path}: {message.da}", f"{path}: {message.en}"
        if hint:
            da, en = f"{da} {hint.da}", f"{en} {hint.en}"
        super().__init__(Text(da, en))
        self.code = code


def clean(text: str) -> str:
    """NFC, tabs as spaces, control characters and other characters no document holds dropped; each line
    stripped and its runs of spaces made one."""
    text = _INVISIBLE.sub("", _DROP.sub("", unicodedata.normalize("NFC", text.replace("\t", " "))))
    return "\n".join(" ".join(line.split()) for line in text.split("\n")).strip("\n")


def read_source(path: Path) -> Source:
    """The agreement in `path` (a PDF or a docx, told apart by content) as Blocks in reading order.
    Raises SourceError (a CouldNotRun: exit 2) for anything that cannot or should not be read."""
    path = Path(path)
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):  # a FIFO would hang, /dev/zero fill the memory
            raise SourceError(
                path,
                "source-not-a-file",
                Text(
                    "er ikke en almindelig fil (men en mappe, et rør eller en enhed); den åbnes ikke.",
                    "is not a regular file (but a folder, a pipe or a device); it is not opened.",
                ),
            )
        if info.st_size > MAX_SOURCE_BYTES:
            raise SourceError(
                path,
                "source-too-large",
                Text(
                    f"Filen fylder {format_bytes(info.st_size).da}; den må højst fylde {format_bytes(MAX_SOURCE_BYTES).da}.",
                    f"The file is {format_bytes(info.st_size).en}; it may be at most {format_bytes(MAX_SOURCE_BYTES).en}.",
                ),
                _SIZE_HINT,
            )
        with path.open("rb") as fh:
            head = fh.read(HEAD)
        if b"%PDF-" in head:
            return _read_pdf(path)
        from checker.readers.container import OLE2_MAGIC

        if head.startswith(OLE2_MAGIC):
            _refuse_ole2(path)
        if zipfile.is_zipfile(path):
            return _read_docx(path)
        _refuse_unknown(path, head, info.st_size)
    except OSError as exc:
        raise CouldNotRun(
            Text(
                f"Kan ikke læse {path}: {exc.strerror or exc}.", f"Cannot read {path}: {exc.strerror or exc}."
            )
        ) from None
    raise AssertionError("unreachable")  # pragma: no cover


_SIZE_HINT = Text(
    "En samarbejdsaftale fylder normalt få MB. Er det den rigtige fil?",
    "A cooperation agreement is normally a few MB. Is this the right file?",
)
_SAVE_AGAIN = Text(
    "Gem eller eksportér aftalen som PDF eller som Word-dokument (*.docx); det hjælper ikke blot at omdøbe filen.",
    "Save or export the agreement as PDF or as Word document (*.docx); renaming the file is not enough.",
)


def _refuse_unknown(path: Path, head: bytes, size: int) -> None:
    from checker.readers.container import looks_like_text

    if size == 0:
        what = Text("Filen er tom.", "The file is empty.")
    elif head.startswith(b"PK\x03\x04"):
        what = Text(
            "Den er et zip-arkiv, der er afkortet eller beskadiget.",
            "It is a zip archive that is cut short or damaged.",
        )
    elif head.lstrip().lower().startswith((b"<?xml", b"<html", b"<!doctype html")):
        what = Text("Den er en XML- eller HTML-fil.", "It is an XML or HTML file.")
    elif head.startswith(b"{\\rtf"):
        what = Text("Den er en RTF-fil.", "It is an RTF file.")
    elif looks_like_text(head):
        what = Text("Den er en tekstfil.", "It is a text file.")
    else:
        what = Text("Dens indhold er ukendt.", "Its content is unknown.")
    raise _unknown_format(path, what)


# ---------------------------------------------------------------------------------------------- PDF


def _pdf_limits():
    from checker.readers.pdf import MAX_PDF_PAGES, PdfLimits

    return PdfLimits(
        MAX_SOURCE_BYTES,
        MAX_PDF_PAGES,
        _SIZE_HINT,
        Text(
            "En samarbejdsaftale fylder 10–30 sider. Ligger bilagene i samme fil, så gem aftalen for sig.",
            "A cooperation agreement is 10–30 pages long. If the annexes are in the same file, save the "
            "agreement on its own.",
        ),
    )


def _read_pdf(path: Path) -> Source:
    from checker.readers.pdf import read_pages

    try:
        pages = read_pages(path, _pdf_page, _pdf_limits())
    except ReaderError as exc:
        raise SourceError(path, exc.code, exc.message, exc.hint) from None
    if not pages:
        raise SourceError(
            path,
            "pdf-corrupt",
            Text("PDF-filen har ingen sider.", "The PDF file has no pages."),
            _SAVE_AGAIN,
        )
    if not any(pages):
        raise SourceError(
            path,
            "source-scanned",
            Text(
                "PDF'en er scannet: den har ingen tekst (aftale læser ikke billeder – ingen OCR).",
                "The PDF is scanned: it has no text (aftale does not read images – no OCR).",
            ),
            Text(
                "Brug den Word-fil, aftalen blev skrevet i, eller en PDF gemt direkte fra Word.",
                "Use the Word file the agreement was written in, or a PDF saved directly from Word.",
            ),
        )
    blocks: list[Block] = []
    tables = 0
    for page_blocks in pages:
        seen: dict[int, int] = {}
        for block in page_blocks:
            if block.table is not None:
                if block.table not in seen:
                    tables += 1
                    seen[block.table] = tables
                block = replace(block, table=seen[block.table])
            blocks.append(block)
    return Source(str(path), "pdf", blocks, len(pages))


def _pdf_page(page: Any) -> list[Block]:
    """One page's blocks, top to bottom: text lines and table rows, numbered together (a row is a line).
    Runs in the bounded child; table numbers are the page's own (1, 2 …), renumbered by the caller."""
    number = page.page_number
    # a ruled box around some text (a frame, a signature box) is no table: one column at most
    tables = [t for t in page.find_tables() if t.rows and max(len(r.cells) for r in t.rows) >= 2]
    boxes = [t.bbox for t in tables]

    def inside(obj: dict, box: tuple) -> bool:
        x = (obj["x0"] + obj["x1"]) / 2
        y = (obj["top"] + obj["bottom"]) / 2
        return box[0] <= x <= box[2] and box[1] <= y <= box[3]

    # (top, x0, block without its line number)
    items: list[tuple[float, float, Block]] = []
    body = page.filter(lambda obj: obj.get("object_type") != "char" or not any(inside(obj, b) for b in boxes))
    for line in body.extract_text_lines(strip=True, return_chars=True):
        text = clean(line["text"])
        if not text:
            continue
        bold, size = _font(line["chars"])
        items.append((line["top"], line["x0"], Block(text, page=number, bold=bold, size=size)))
    chars = page.chars if boxes else []
    for t_index, table in enumerate(tables, start=1):
        for row, cells in zip(table.rows, table.extract(), strict=False):
            texts = tuple(clean(c) if c else "" for c in cells)
            if not any(texts):
                continue
            top = row.bbox[1]
            bottom = row.bbox[3]
            row_chars = [
                c for c in chars if top <= (c["top"] + c["bottom"]) / 2 <= bottom and inside(c, table.bbox)
            ]
            bold, size = _font(row_chars)
            block = Block(" | ".join(texts), texts, page=number, bold=bold, size=size, table=t_index)
            items.append((top, row.bbox[0], block))
    items.sort(key=lambda item: (round(item[0], 1), item[1]))
    return [replace(block, line=i) for i, (_top, _x, block) in enumerate(items, start=1)]


def _font(chars: list[dict]) -> tuple[bool, float | None]:
    """(every visible character bold, the most common font size) of some pdfplumber chars."""
    visible = [c for c in chars if not c.get("text", "").isspace()]
    if not visible:
        return False, None
    bold = all("bold" in str(c.get("fontname", "")).lower() for c in visible)
    size = Counter(round(float(c.get("size") or 0), 1) for c in visible).most_common(1)[0][0]
    return bold, size or None


# --------------------------------------------------------------------------------------------- Word


def _refuse_ole2(path: Path) -> None:
    """An OLE2 compound file: a password-protected Word file, or an old .doc (or another old Office file)."""
    from checker.readers.container import ole2_kind

    kind = ole2_kind(path)
    if kind == "encrypted":
        raise SourceError(
            path,
            "docx-encrypted",
            Text(
                "Dokumentet er beskyttet med en adgangskode, så det kan ikke læses.",
                "The document is protected with a password, so it cannot be read.",
            ),
            Text(
                "Åbn filen i Word, fjern adgangskoden (Filer › Oplysninger › Beskyt dokument › Krypter med "
                "adgangskode, slet adgangskoden) og gem filen igen.",
                "Open the file in Word, remove the password (File › Info › Protect Document › Encrypt with "
                "Password, delete the password) and save the file again.",
            ),
        )
    if kind == "WordDocument":
        raise SourceError(
            path,
            "docx-old-format",
            Text(
                "Filen er et Word-dokument i det gamle format (Word 97-2003, .doc), ikke et Word-dokument (.docx).",
                "The file is a Word document in the old format (Word 97-2003, .doc), not a Word document (.docx).",
            ),
            Text(
                "Åbn filen i Word og vælg Filer › Gem som › Word-dokument (*.docx).",
                "Open the file in Word and choose File › Save As › Word Document (*.docx).",
            ),
        )
    raise SourceError(
        path,
        "source-unknown-format",
        Text(
            "Filen er hverken en PDF-fil eller et Word-dokument (.docx). Den er en ældre Office-fil (fx .xls eller .ppt).",
            "The file is neither a PDF file nor a Word document (.docx). It is an older Office file (e.g. .xls or .ppt).",
        ),
        _SAVE_AGAIN,
    )


_NEW_COPY = Text(
    "Bed afsenderen om en ny kopi, gemt direkte fra Word, eller om aftalen som PDF.",
    "Ask the sender for a new copy, saved directly from Word, or for the agreement as PDF.",
)


def _check_docx(path: Path) -> None:
    """The container checks (zip bomb, DOCTYPE/ENTITY), then what Word adds: the main part is a Word
    document, no macros, no relationship that points outside the file (but a hyperlink)."""
    from xml.etree import ElementTree

    from checker.readers.container import ZipLimits, ZipProblem, check_zip

    try:
        infos = check_zip(path, ZipLimits(MAX_DOCX_ENTRIES, MAX_DOCX_UNPACKED, MAX_DOCX_RATIO))
    except ZipProblem as p:
        raise _zip_error(path, p) from None
    names = [i.filename for i in infos]
    lower = [n.lower() for n in names]
    for info in infos:
        low = info.filename.lower()
        if (low == "[content_types].xml" or low.endswith(".rels")) and info.file_size > MAX_DOCX_RELS_BYTES:
            raise _docx_corrupt(
                path,
                f"{info.filename} is {info.file_size} bytes; at most {MAX_DOCX_RELS_BYTES} are read",
            )
    try:
        with zipfile.ZipFile(path) as zf:
            types = zf.read("[Content_Types].xml") if "[Content_Types].xml" in names else b""
            macro = next(
                (n for n, low in zip(names, lower, strict=True) if low.endswith("vbaproject.bin")), None
            )
            if macro or b"macroenabled" in types.lower() or b"vbaproject" in types.lower():
                raise SourceError(
                    path,
                    "docx-macros",
                    Text(
                        f"Word-dokumentet indeholder makroer ({macro or 'macroEnabled'}); aftale åbner ikke "
                        "filer med makroer.",
                        f"The Word document contains macros ({macro or 'macroEnabled'}); aftale does not open "
                        "files with macros.",
                    ),
                    Text(
                        "Gem dokumentet i Word som »Word-dokument (*.docx)« (uden makroer), eller som PDF.",
                        "Save the document in Word as 'Word Document (*.docx)' (without macros), or as PDF.",
                    ),
                )
            if b"wordprocessingml.document.main" not in types:
                _refuse_other_zip(path, lower)
            if any(
                n.startswith("word/") and n.endswith(".xml") and _ALT_CHUNK.search(zf.read(n)) for n in names
            ):
                raise SourceError(
                    path,
                    "docx-altchunk",
                    Text(
                        "Word-dokumentet indlejrer et andet dokument (altChunk), som aftale ikke læser; dets "
                        "tekst ville mangle i importen uden at det kunne ses.",
                        "The Word document embeds another document (altChunk), which aftale does not read; its "
                        "text would be missing from the import without anyone seeing it.",
                    ),
                    Text(
                        "Åbn filen i Word og gem den igen som .docx (så bliver indholdet en del af dokumentet), "
                        "eller gem den som PDF.",
                        "Open the file in Word and save it again as .docx (its content then becomes part of the "
                        "document), or save it as PDF.",
                    ),
                )
            for name, low in zip(names, lower, strict=True):
                if not low.endswith(".rels"):
                    continue
                root = ElementTree.fromstring(zf.read(name))  # DOCTYPE/ENTITY refused above
                for rel in root:
                    if rel.get("TargetMode") != "External" or (rel.get("Type") or "").endswith(
                        _REL_HYPERLINK
                    ):
                        continue
                    kind = (rel.get("Type") or "?").rsplit("/", 1)[-1]
                    target = (rel.get("Target") or "")[:120]
                    raise SourceError(
                        path,
                        "docx-external",
                        Text(
                            f"Word-dokumentet henter noget uden for filen ({kind}: {target}, i {name}). Sådan en "
                            "henvisning kan bruges til at angribe den, der åbner filen, så aftale læser den ikke.",
                            f"The Word document fetches something from outside the file ({kind}: {target}, in "
                            f"{name}). Such a reference can be used to attack whoever opens the file, so aftale "
                            "does not read it.",
                        ),
                        Text(
                            "Gem dokumentet som PDF, eller bed afsenderen om en kopi uden sammenkædede skabeloner, "
                            "billeder eller objekter.",
                            "Save the document as PDF, or ask the sender for a copy without linked templates, "
                            "pictures or objects.",
                        ),
                    )
    except SourceError:
        raise
    except Exception as exc:  # ParseError in a .rels, BadZipFile, ...
        from checker.readers.container import describe

        raise _docx_corrupt(path, describe(exc)) from None


def _refuse_other_zip(path: Path, lower: list[str]) -> None:
    if any(n.startswith("xl/") for n in lower):
        what = Text("Den er et Excel-regneark.", "It is an Excel workbook.")
    elif any(n.startswith("ppt/") for n in lower):
        what = Text("Den er en PowerPoint-præsentation.", "It is a PowerPoint presentation.")
    elif "mimetype" in lower or "content.xml" in lower:
        what = Text("Den er et OpenDocument-dokument (fx .odt).", "It is an OpenDocument file (e.g. .odt).")
    elif any(n.startswith("word/") for n in lower):
        what = Text(
            "Den er en Word-skabelon eller et andet Word-format end et dokument.",
            "It is a Word template or another Word format than a document.",
        )
    else:
        what = Text("Den er et zip-arkiv.", "It is a zip archive.")
    raise _unknown_format(path, what)


def _zip_error(path: Path, p) -> SourceError:
    if p.kind == "corrupt":
        return _docx_corrupt(path, p.detail)
    if p.kind == "encrypted":
        return SourceError(
            path,
            "docx-encrypted",
            Text(
                "Filen er et zip-arkiv beskyttet med en adgangskode og kan ikke læses som Word-dokument.",
                "The file is a password-protected zip archive and cannot be read as a Word document.",
            ),
            _NEW_COPY,
        )
    if p.kind == "unsafe-xml":
        return SourceError(
            path,
            "docx-unsafe-xml",
            Text(
                f"Word-dokumentet indeholder XML med en DOCTYPE- eller ENTITY-erklæring (i {p.part}). Det skriver "
                "Word aldrig, og den slags kan bruges til at angribe programmer, der læser filen, så aftale "
                "læser den ikke.",
                f"The Word document contains XML with a DOCTYPE or ENTITY declaration (in {p.part}). Word never "
                "writes these, and they can be used to attack programs that read the file, so aftale does not "
                "read it.",
            ),
            _NEW_COPY,
        )
    if p.kind == "entries":
        what = Text(
            f"Filen består af {p.count} dele; et Word-dokument må højst have {MAX_DOCX_ENTRIES}.",
            f"The file has {p.count} parts; a Word document may have at most {MAX_DOCX_ENTRIES}.",
        )
    elif p.kind == "unpacked":
        what = Text(
            f"Word-dokumentet fylder {format_bytes(p.size).da}, når det pakkes ud; det må højst fylde "
            f"{format_bytes(MAX_DOCX_UNPACKED).da}.",
            f"The Word document takes {format_bytes(p.size).en} when unpacked; it may take at most "
            f"{format_bytes(MAX_DOCX_UNPACKED).en}.",
        )
    else:
        what = Text(
            f"En del af filen ({p.part}) er pakket usædvanligt hårdt sammen (1:{p.ratio}, højst "
            f"1:{MAX_DOCX_RATIO} er tilladt).",
            f"A part of the file ({p.part}) is packed unusually tightly (1:{p.ratio}, at most "
            f"1:{MAX_DOCX_RATIO} is allowed).",
        )
    return SourceError(
        path,
        "docx-zip-bomb",
        Text(
            f"{what.da} Filen kan være en såkaldt zip-bombe.",
            f"{what.en} The file may be a so-called zip bomb.",
        ),
        _NEW_COPY,
    )


def _unknown_format(path: Path, what: Text) -> SourceError:
    """The file is neither PDF nor Word; `what` says what it is instead."""
    return SourceError(
        path,
        "source-unknown-format",
        Text(
            f"Filen er hverken en PDF-fil eller et Word-dokument (.docx). {what.da}",
            f"The file is neither a PDF file nor a Word document (.docx). {what.en}",
        ),
        _SAVE_AGAIN,
    )


def _docx_corrupt(path: Path, detail: str) -> SourceError:
    if "Resource limit exceeded" in detail or "Excessive depth" in detail or "Huge input" in detail:
        return SourceError(
            path,
            "docx-too-complex",
            Text(
                "Word-dokumentet er større eller dybere indlejret, end aftale læser (en tekst over 10 MB i ét "
                "stykke eller tabeller i tabeller mere end 256 niveauer ned).",
                "The Word document is larger or more deeply nested than aftale reads (a text over 10 MB in one "
                "piece, or tables within tables more than 256 levels deep).",
            ),
            _SAVE_AGAIN,
        )
    return SourceError(
        path,
        "docx-corrupt",
        Text(
            f"Word-dokumentet kan ikke læses; filen er beskadiget eller ikke et gyldigt Word-dokument (.docx) "
            f"(teknisk: {detail}).",
            f"The Word document cannot be read; the file is damaged or not a valid Word document (.docx) "
            f"(technical: {detail}).",
        ),
        _NEW_COPY,
    )


def _read_docx(path: Path) -> Source:
    import docx  # noqa: F401 - imported here once, so the child has it already

    from checker.processes import OUT_OF_MEMORY, TIMED_OUT, call_in_child

    _check_docx(path)

    def work() -> tuple:
        try:
            return ("ok", _docx_blocks(path))
        except MemoryError:
            raise
        except Exception as exc:
            from checker.readers.container import describe

            return ("error", describe(exc))

    reply = call_in_child(work, seconds=MAX_READ_SECONDS, memory=MAX_READ_MEMORY)
    if reply[0] == "ok":
        return Source(str(path), "docx", reply[1], None)
    if reply[0] == "error":
        raise _docx_corrupt(path, reply[1])
    why = {
        OUT_OF_MEMORY: Text("det kræver for meget hukommelse", "it needs too much memory"),
        TIMED_OUT: Text("det tager for lang tid", "it takes too long"),
    }.get(reply, Text("læsningen blev afbrudt", "reading was stopped"))
    raise SourceError(
        path,
        "docx-too-complex",
        Text(
            f"Word-dokumentet kan ikke læses inden for grænserne ({MAX_READ_SECONDS} s, "
            f"{MAX_READ_MEMORY // 2**20} MB): {why.da}.",
            f"The Word document cannot be read within the limits ({MAX_READ_SECONDS} s, "
            f"{MAX_READ_MEMORY // 2**20} MB): {why.en}.",
        ),
        _NEW_COPY,
    )


def _docx_blocks(path: Path) -> list[Block]:
    """The body in document order: a Block per line of each paragraph (a line break in a paragraph starts a
    new Block with the same paragraph number) and per table row. Paragraph numbers count the paragraphs and
    table rows that hold text, 1-based."""
    import docx

    document = docx.Document(str(path))
    styles = _Styles(document)
    blocks: list[Block] = []
    counter = 0
    tables = 0
    for element in _body_items(document.element.body):
        if element.tag == _W + "p":
            text = clean(_paragraph_text(element))
            if not text:
                continue
            counter += 1
            style_id = _style_id(element)
            bold = _all_bold(element, styles, style_id)
            for line in text.split("\n"):
                if line:
                    blocks.append(Block(line, paragraph=counter, style=styles.name(style_id), bold=bold))
        else:
            rows = 0
            for tr in element.iter(_W + "tr"):
                if _ancestor_table(tr) is not element:
                    continue  # a row of a table nested in a cell: its text is in that cell
                cells = _row_cells(tr)
                if not any(cells):
                    continue
                counter += 1
                rows += 1
                if rows == 1:
                    tables += 1
                paragraphs = list(tr.iter(_W + "p"))
                bold = bool(paragraphs) and all(
                    _all_bold(p, styles, _style_id(p)) for p in paragraphs if clean(_paragraph_text(p))
                )
                blocks.append(Block(" | ".join(cells), cells, paragraph=counter, bold=bold, table=tables))
    return blocks


def _body_items(container) -> list:
    """The paragraphs and tables of the body (or of a content control) in order."""
    items = []
    for child in container:
        if child.tag in (_W + "p", _W + "tbl"):
            items.append(child)
        elif child.tag in (_W + "sdt", _W + "customXml"):
            content = child.find(_W + "sdtContent") if child.tag == _W + "sdt" else child
            if content is not None:
                items.extend(_body_items(content))
    return items


def _ancestor_table(element):
    parent = element.getparent()
    while parent is not None and parent.tag != _W + "tbl":
        parent = parent.getparent()
    return parent


_SKIP_IN_PARAGRAPH = {_W + "pPr", _W + "rPr", _W + "del", _W + "moveFrom"}


def _runs(element):
    """The paragraph's runs in order, through links, fields, insertions and content controls; deleted text
    (tracked changes) left out."""
    for child in element:
        if child.tag == _W + "r":
            yield child
        elif child.tag not in _SKIP_IN_PARAGRAPH:
            yield from _runs(child)


def _paragraph_text(p) -> str:
    parts: list[str] = []
    for r in _runs(p):
        for child in r:
            tag = child.tag
            if tag == _W + "t":
                parts.append(child.text or "")
            elif tag == _W + "tab":
                parts.append(" ")
            elif tag in (_W + "br", _W + "cr"):
                parts.append("\n")
            elif tag == _W + "noBreakHyphen":
                parts.append("-")
    return "".join(parts)


def _row_cells(tr) -> tuple[str, ...]:
    """One text per grid column: a cell spanning columns is followed by "" for each column it covers, and
    a cell merged with the one above is ""; a cell's paragraphs are joined with a line break."""
    cells: list[str] = []
    before = tr.find(f"{_W}trPr/{_W}gridBefore")
    cells.extend([""] * _int(before))
    for tc in tr.findall(_W + "tc"):
        lines = [clean(_paragraph_text(p)) for p in tc.iter(_W + "p")]
        cells.append("\n".join(line for line in lines if line))
        cells.extend([""] * (_int(tc.find(f"{_W}tcPr/{_W}gridSpan")) - 1))
    return tuple(cells)


def _int(element, default: int = 0) -> int:
    if element is None:
        return default
    try:
        return max(0, min(int(element.get(_W + "val") or 1), 1000))
    except ValueError:
        return 1


def _style_id(p) -> str | None:
    style = p.find(f"{_W}pPr/{_W}pStyle")
    return style.get(_W + "val") if style is not None else None


def _on(element) -> bool | None:
    """A Word on/off property (<w:b/>, <w:b w:val="false"/>): True, False, or None when absent."""
    if element is None:
        return None
    return (element.get(_W + "val") or "true").lower() not in ("0", "false", "off")


class _Styles:
    """Style names and the boldness they give, following each style's base style."""

    def __init__(self, document):
        self._by_id: dict[str, Any] = {}
        self._default = None
        try:
            for style in document.styles:
                self._by_id[style.style_id] = style
            from docx.enum.style import WD_STYLE_TYPE

            self._default = document.styles.default(WD_STYLE_TYPE.PARAGRAPH)
        except Exception:  # a styles part python-docx cannot make sense of: no names, no style boldness
            pass

    def style(self, style_id: str | None):
        return self._by_id.get(style_id) if style_id else self._default

    def name(self, style_id: str | None) -> str | None:
        style = self.style(style_id)
        if style is None or not style.name:
            return None
        return clean(style.name) or None

    def bold(self, style_id: str | None) -> bool:
        style = self.style(style_id)
        for _ in range(20):  # base styles may loop in a hostile file
            if style is None:
                return False
            value = _on(style.element.find(f"{_W}rPr/{_W}b"))
            if value is not None:
                return value
            style = style.base_style
        return False


def _all_bold(p, styles: _Styles, style_id: str | None) -> bool:
    """Every run of the paragraph with visible text is bold: by its own formatting, its character style, or
    the paragraph's style."""
    paragraph_bold = styles.bold(style_id)
    seen = False
    for r in _runs(p):
        if not "".join(t.text or "" for t in r.findall(_W + "t")).strip():
            continue
        seen = True
        bold = _on(r.find(f"{_W}rPr/{_W}b"))
        if bold is None:
            char_style = r.find(f"{_W}rPr/{_W}rStyle")
            if char_style is not None and styles.style(char_style.get(_W + "val")) is not None:
                bold = styles.bold(char_style.get(_W + "val")) or None
        if bold is None:
            bold = paragraph_bold
        if not bold:
            return False
    return seen
