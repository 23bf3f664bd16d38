"""Signature fields: where each party signs, adding the empty fields, and which are filled.

All fields are added in one incremental update before anyone signs. A later signature then only fills
a field that already existed, which PDF readers (and ``verify``) accept as an allowed change after an
earlier signature.
"""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass
from pathlib import Path

from checker.files import write_file
from checker.findings import CouldNotRun, Text
from checker.sign import party_slug, quiet_libraries, read_pdf_bytes

HEADING = re.compile(r"^underskrift(er)?:?$", re.IGNORECASE)
RULE = re.compile(r"^_{3,}$")
WORD_GAP = 20.0  # points: words further apart than this belong to different cells (columns)
MIN_HEIGHT = 20.0  # a blank area lower than this is no place for a signature stamp
FALLBACK_W, FALLBACK_H = 250.0, 50.0
MAX_REACH = 200.0  # a signing line further below its label than this belongs to something else

Box = tuple[float, float, float, float]


# --------------------------------------------------------------------------- reading with pyHanko


def open_reader(data: bytes, pdf: Path):
    """A pyHanko reader over the bytes, or CouldNotRun for a damaged or encrypted PDF."""
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader

    quiet_libraries()
    try:
        reader = PdfFileReader(io.BytesIO(data))
        encrypted = reader.encrypted
        if not encrypted:
            reader.root  # noqa: B018 - touch the catalogue so a broken file fails here
    except (PdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError) as exc:
        raise CouldNotRun(
            Text(
                f"{pdf} kan ikke læses som PDF; filen er beskadiget ({exc}).",
                f"{pdf} cannot be read as a PDF; the file is damaged ({exc}).",
            )
        ) from None
    if encrypted:
        raise CouldNotRun(
            Text(
                f"{pdf} er krypteret (beskyttet med adgangskode); aftale kan ikke arbejde med krypterede PDF'er.",
                f"{pdf} is encrypted (password-protected); aftale cannot work with encrypted PDFs.",
            )
        )
    return reader


def incremental_writer(data: bytes):
    """A pyHanko incremental writer over the bytes that keeps a PDF/A file's metadata consistent.

    On every write pyHanko sets the XMP pdf:Producer to "pyHanko <version>" but appends that to the
    information dictionary's /Producer ("LibreOffice 7.4; pyHanko 0.38.0"); PDF/A requires the two to
    be equivalent, so after pyHanko's own metadata update the dictionary gets the XMP value."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    update_meta = getattr(writer, "_update_meta", None)
    if callable(update_meta):

        def update_and_align():
            update_meta()
            _align_producer(writer)

        writer._update_meta = update_and_align
    return writer


def _align_producer(writer) -> None:
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.metadata.model import VENDOR

    info_ref = getattr(writer, "_info", None)
    if info_ref is None or "/Metadata" not in writer.root:
        return
    info = info_ref.get_object()
    if str(info.get("/Producer", "")) != VENDOR:
        info["/Producer"] = generic.TextStringObject(VENDOR)
        writer.mark_update(info_ref)


def fields_in(reader) -> dict[str, bool]:
    from pyhanko.sign.fields import enumerate_sig_fields

    return {name: value is not None for name, value, _ref in enumerate_sig_fields(reader)}


def signature_fields(pdf: Path) -> dict[str, bool]:
    """Every signature field in the PDF: field name -> filled (signed)?"""
    from pyhanko.pdf_utils.misc import PdfError

    pdf = Path(pdf)
    reader = open_reader(read_pdf_bytes(pdf), pdf)
    try:
        return fields_in(reader)
    except (PdfError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise CouldNotRun(
            Text(
                f"Formularfelterne i {pdf} kan ikke læses ({exc}).",
                f"The form fields in {pdf} cannot be read ({exc}).",
            )
        ) from None


# --------------------------------------------------------------------------- finding the blocks


@dataclass
class _Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float


def _words(page) -> tuple[list[_Word], list[_Word]]:
    """(text words, horizontal rules) on a page, in pdfplumber's top-down coordinates. Rules are drawn
    lines, thin rectangles and runs of underscores."""
    words, rules = [], []
    for w in page.extract_words(keep_blank_chars=False, use_text_flow=False):
        word = _Word(w["text"], float(w["x0"]), float(w["x1"]), float(w["top"]), float(w["bottom"]))
        if RULE.match(word.text):
            rules.append(_Word("", word.x0, word.x1, word.bottom, word.bottom))
        else:
            words.append(word)
    for line in page.lines:
        if (
            abs(float(line["top"]) - float(line["bottom"])) <= 2
            and float(line["x1"]) - float(line["x0"]) >= 40
        ):
            rules.append(
                _Word("", float(line["x0"]), float(line["x1"]), float(line["top"]), float(line["bottom"]))
            )
    for rect in page.rects:
        if float(rect["bottom"]) - float(rect["top"]) <= 2 and float(rect["x1"]) - float(rect["x0"]) >= 40:
            rules.append(
                _Word("", float(rect["x0"]), float(rect["x1"]), float(rect["top"]), float(rect["bottom"]))
            )
    return words, rules


def _lines(words: list[_Word]) -> list[list[_Word]]:
    """Words grouped into lines (same top within 2 points), each sorted left to right."""
    lines: list[list[_Word]] = []
    for word in sorted(words, key=lambda w: (round(w.top, 1), w.x0)):
        if lines and abs(lines[-1][0].top - word.top) <= 2:
            lines[-1].append(word)
        else:
            lines.append([word])
    return [sorted(line, key=lambda w: w.x0) for line in lines]


def _find_label(line: list[_Word], target: str, whole_line: bool) -> tuple[float, float, float, float] | None:
    """The span of consecutive words in a line spelling the label (compared as slugs), standing apart
    from its neighbours as a cell of its own; (x0, top, x1, bottom)."""
    for i in range(len(line)):
        if i > 0 and (whole_line or line[i].x0 - line[i - 1].x1 < WORD_GAP):
            continue
        for j in range(i + 1, len(line) + 1):
            if j - 1 > i and line[j - 1].x0 - line[j - 2].x1 >= WORD_GAP:
                break
            slug = party_slug(" ".join(w.text for w in line[i:j]))
            if slug == target:
                if j < len(line) and (whole_line or line[j].x0 - line[j - 1].x1 < WORD_GAP):
                    break
                span = line[i:j]
                return (span[0].x0, min(w.top for w in span), span[-1].x1, max(w.bottom for w in span))
            if not target.startswith(slug):
                break
    return None


def _overlaps(a0: float, a1: float, b0: float, b1: float) -> bool:
    return a0 < b1 and b0 < a1


def _block_box(label, words: list[_Word], rules: list[_Word], page_w: float, page_h: float):
    """The blank area under a label down to its signing line, or a box just under the label."""
    x0, _top, x1, bottom = label
    below = [w for w in words if w.top > bottom + 0.5]
    candidates = sorted(
        (
            r
            for r in rules
            if r.top > bottom + 1 and r.top - bottom <= MAX_REACH and _overlaps(r.x0, r.x1, x0, x1)
        ),
        key=lambda r: r.top,
    )
    for rule in candidates:
        between = [w for w in below if w.top < rule.top and _overlaps(w.x0, w.x1, rule.x0, rule.x1)]
        if between:
            break  # text stands between the label and this line: it is not the label's signing line
        top, low = bottom + 2, rule.top - 2
        if low - top >= MIN_HEIGHT:
            return (rule.x0, top, rule.x1, low)
        break
    left = max(0.0, x0)
    right = min(page_w - 5, left + FALLBACK_W)
    top = bottom + 2
    low = min(page_h - 5, top + FALLBACK_H)
    return (left, top, right, low)


def _pages_mentioning(pdf: Path, word: str) -> set[int] | None:
    """Indexes of the pages whose text contains the word (any case), read with PDFium, which is some fifty
    times faster than pdfplumber's layout analysis; None if PDFium cannot tell (then every page is read)."""
    try:
        import pypdfium2 as pdfium

        doc = pdfium.PdfDocument(str(pdf))
    except Exception:  # PDFium is only a shortcut: any trouble means reading every page the slow way
        return None
    try:
        found = set()
        for i in range(len(doc)):
            page = doc[i]
            textpage = page.get_textpage()
            if word in textpage.get_text_range().lower():
                found.add(i)
            textpage.close()
            page.close()
        return found
    except Exception:
        return None
    finally:
        doc.close()


def locate_blocks(pdf: Path, labels: list[str]) -> dict[str, tuple[int, Box]]:
    """For each label (a party's name as printed on the signature page) the page index (0-based) and a
    box in PDF user space (x1, y1, x2, y2; origin bottom left) for its signature. The "Underskrifter"
    pages are searched from the last page backwards, each with the page after it (a block may run over
    onto the next page, where only a line with the label alone counts). Labels not found are left out."""
    import pdfplumber
    from pdfminer.pdfexceptions import PDFException
    from pdfminer.psexceptions import PSException
    from pdfplumber.utils.exceptions import PdfminerException

    pdf = Path(pdf)
    open_reader(read_pdf_bytes(pdf), pdf)  # not there, not a PDF, damaged, encrypted: the usual messages
    wanted = {label: party_slug(label) for label in labels if party_slug(label)}
    found: dict[str, tuple[int, Box]] = {}
    try:
        with pdfplumber.open(pdf) as doc:
            pages = doc.pages
            cache: dict[int, tuple[list[_Word], list[_Word]]] = {}

            def content(i: int):
                if i not in cache:
                    cache[i] = _words(pages[i])
                return cache[i]

            candidates = _pages_mentioning(pdf, "underskrift")
            heading_pages = []
            for i in reversed(range(len(pages))):
                if candidates is not None and i not in candidates:
                    continue
                words, _rules = content(i)
                heads = [w for w in words if HEADING.match(w.text)]
                if heads:
                    heading_pages.append((i, min(h.bottom for h in heads)))
            regions = []
            for i, start in heading_pages:
                regions.append((i, start, False))
                if i + 1 < len(pages) and all(i + 1 != h for h, _s in heading_pages):
                    regions.append((i + 1, 0.0, True))
            for i, start, whole_line in regions:
                if len(found) == len(wanted):
                    break
                page = pages[i]
                words, rules = content(i)
                words = [w for w in words if w.top > start]
                rules = [r for r in rules if r.top > start]
                for line in _lines(words):
                    for label, target in wanted.items():
                        if label in found:
                            continue
                        span = _find_label(line, target, whole_line)
                        if span is None:
                            continue
                        bx0, btop, bx1, bbottom = _block_box(
                            span, words, rules, float(page.width), float(page.height)
                        )
                        found[label] = (i, _to_user_space(page, (bx0, btop, bx1, bbottom)))
    except (
        PdfminerException,
        PDFException,
        PSException,
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
    ) as exc:
        raise CouldNotRun(
            Text(
                f"{pdf} kan ikke læses som PDF; filen er beskadiget ({exc}).",
                f"{pdf} cannot be read as a PDF; the file is damaged ({exc}).",
            )
        ) from None
    return found


def _to_user_space(page, box) -> Box:
    """pdfplumber's (x0, top, x1, bottom) -> PDF user space (x1, y1, x2, y2), origin bottom left.

    pdfplumber keeps x as in the file but measures top as page height minus the file's y, also when the
    MediaBox does not start at 0 (tests/test_sign.py pins this down). Pages with /Rotate are not handled."""
    x0, top, x1, bottom = box
    height = float(page.height)
    return (round(x0, 2), round(height - bottom, 2), round(x1, 2), round(height - top, 2))


# --------------------------------------------------------------------------- adding the fields


TOOLTIP = "Underskrift: {party}"


def tooltip(party: str) -> str:
    """What a reader shows (and a screen reader says) for a party's signature field, its /TU:
    "Underskrift: Viborg Kommune"."""
    return TOOLTIP.format(party=" ".join(party.split()))


def add_signature_fields(
    pdf: Path,
    fields: list[tuple[str, int, Box]],
    requirement: dict | None = None,
    *,
    parties: dict[str, str] | None = None,
) -> None:
    """Add empty, visible signature fields (name, 0-based page, box in user space) and, when given, the
    signing requirement (checker.sign.requirement) by one incremental update, replacing the file
    atomically. `parties` maps a field name to the party who signs there; that field's tooltip (/TU,
    the text readers and screen readers give for the field) then names the party (tooltip())."""
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.sign.fields import SigFieldSpec, append_signature_field

    from checker.sign.requirement import embed

    pdf = Path(pdf)
    if not fields and requirement is None:
        return
    data = read_pdf_bytes(pdf)
    reader = open_reader(data, pdf)
    existing = fields_in(reader)
    names = [name for name, _page, _box in fields]
    clash = sorted({n for n in names if n in existing} | {n for n in names if names.count(n) > 1})
    if clash:
        raise CouldNotRun(
            Text(
                f"Underskriftsfeltet {', '.join(clash)} findes allerede i {pdf}.",
                f"The signature field {', '.join(clash)} already exists in {pdf}.",
            )
        )
    try:
        page_count = int(reader.root["/Pages"]["/Count"])
    except (KeyError, TypeError, ValueError):
        page_count = None
    for name, page, _box in fields:
        if not name or "." in name:
            raise CouldNotRun(
                Text(
                    f"»{name}« kan ikke bruges som feltnavn (tomt eller med punktum).",
                    f"'{name}' cannot be used as a field name (empty or containing a full stop).",
                )
            )
        if page < 0 or (page_count is not None and page >= page_count):
            raise CouldNotRun(
                Text(
                    f"Side {page + 1} til feltet {name} findes ikke i {pdf} ({page_count} sider).",
                    f"Page {page + 1} for the field {name} does not exist in {pdf} ({page_count} pages).",
                )
            )
    try:
        writer = incremental_writer(data)
        for name, page, (x1, y1, x2, y2) in fields:
            lx, ux = sorted((x1, x2))
            ly, uy = sorted((y1, y2))
            box = (math.ceil(lx), math.ceil(ly), math.floor(ux), math.floor(uy))
            party = (parties or {}).get(name)
            append_signature_field(
                writer,
                SigFieldSpec(
                    sig_field_name=name,
                    on_page=page,
                    box=box,
                    readable_field_name=tooltip(party) if party else None,
                ),
            )
        if requirement is not None:
            embed(writer, requirement)
        out = io.BytesIO()
        writer.write(out)
    except (PdfError, ValueError, KeyError, TypeError) as exc:
        raise CouldNotRun(
            Text(
                f"Underskriftsfelterne kan ikke tilføjes til {pdf} ({exc}).",
                f"The signature fields cannot be added to {pdf} ({exc}).",
            )
        ) from None
    write_file(pdf, out.getvalue())
