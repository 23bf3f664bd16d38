"""Read a PDF's text page by page, find "label figure" lines and parse Danish numbers.

read_pdf checks size and the %PDF- header before pdfplumber sees the file, refuses more than
MAX_PDF_PAGES pages before extracting any text, and turns every pdfplumber/pdfminer failure into a
ReaderError (pdf-encrypted, pdf-corrupt, ...). See docs/workbooks.md for the lines aftale looks for.
read_pages is the same, bounded the same way, for a reader that wants more of each page than its text
(aftale import: words with their fonts, tables).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, TypeVar

from checker.findings import CouldNotRun, Text
from checker.memo import Memo, digest
from checker.readers import ReaderError, format_bytes

MAX_PDF_BYTES = 20 * 1024 * 1024
MAX_PDF_PAGES = 50
# pdfminer has no limits of its own: a 300-byte PDF with a reference cycle never ends, an 84 KB page of
# millions of drawing operators takes minutes and gigabytes, a 1 MB flate bomb 2 GB. The text is
# therefore read in a child process (fork) bounded by these; a few pages of text need a fraction.
MAX_PDF_SECONDS = 30  # wall clock and CPU
MAX_PDF_MEMORY = (
    200 * 1024 * 1024
)  # address space the child may add to what it inherits (check stays under 300 MB)
PDFPLUMBER_IMPORT = 64 * 1024 * 1024
HEADER_WINDOW = 1024  # "%PDF-" must start within the first 1024 bytes (as Acrobat accepts)

T = TypeVar("T")


@dataclass(frozen=True)
class PdfLimits:
    """What a reader allows, and the hint given when a file is beyond it (it names what the file is for)."""

    max_bytes: int
    max_pages: int
    size_hint: Text
    pages_hint: Text


ANNEX = PdfLimits(
    MAX_PDF_BYTES,
    MAX_PDF_PAGES,
    Text(
        "Bilaget med de centrale målinger fylder normalt under 1 MB. Er det den rigtige fil?",
        "The annex with the central measurements is normally under 1 MB. Is this the right file?",
    ),
    Text(
        "Bilaget med de centrale målinger fylder få sider. Er det den rigtige fil?",
        "The annex with the central measurements is a few pages long. Is this the right file?",
    ),
)


@dataclass(frozen=True)
class PdfPage:
    number: int  # 1-based
    text: str  # as pdfplumber's extract_text() gives it ("" for a scanned page without text)
    lines: list[str] = field(default_factory=list)  # the text's lines, stripped, blank lines left out


def _pdf_hint() -> Text:
    return Text(
        "Hent eller gem PDF-filen igen (fx »Udskriv › Gem som PDF«), eller bed afsenderen om en ny kopi.",
        "Download or save the PDF again (e.g. 'Print › Save as PDF'), or ask the sender for a new copy.",
    )


def _corrupt(exc: BaseException) -> ReaderError:
    detail = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    if len(detail) > 200:
        detail = detail[:197] + "..."
    return ReaderError(
        "pdf-corrupt",
        Text(
            f"PDF-filen kan ikke læses; den er beskadiget eller ufuldstændig (teknisk: {detail}).",
            f"The PDF file cannot be read; it is damaged or incomplete (technical: {detail}).",
        ),
        _pdf_hint(),
    )


def _encrypted(unsupported: bool = False) -> ReaderError:
    if unsupported:
        message = Text(
            "PDF-filen er krypteret på en måde, aftale ikke kan læse.",
            "The PDF file is encrypted in a way aftale cannot read.",
        )
    else:
        message = Text(
            "PDF-filen er beskyttet med en adgangskode, så den kan ikke læses.",
            "The PDF file is protected with a password, so it cannot be read.",
        )
    return ReaderError(
        "pdf-encrypted",
        message,
        Text(
            "Bed afsenderen om en udgave uden adgangskode, eller åbn filen med adgangskoden og gem "
            "(udskriv) den som en ny PDF uden beskyttelse.",
            "Ask the sender for a copy without a password, or open the file with the password and save "
            "(print) it as a new PDF without protection.",
        ),
    )


def _classify(exc: Exception) -> ReaderError:
    """A pdfplumber/pdfminer exception as a ReaderError; PdfminerException wraps the real one."""
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        e = todo.pop()
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        if isinstance(e, PDFPasswordIncorrect):
            return _encrypted()
        if isinstance(e, PDFEncryptionError):
            return _encrypted(unsupported=True)
        if isinstance(e, MemoryError):  # the child's memory limit, reached by a decompression bomb
            return _too_complex(Text("den kræver for meget hukommelse", "it needs too much memory"))
        todo.extend(a for a in getattr(e, "args", ()) if isinstance(a, BaseException))
        todo.extend([e.__cause__, e.__context__])
    inner: BaseException = exc
    while (
        type(inner).__name__ == "PdfminerException"
        and inner.args
        and isinstance(inner.args[0], BaseException)
    ):
        inner = inner.args[0]  # name the real error, not pdfplumber's wrapper
    return _corrupt(inner)


def _declared_page_count(pdf) -> int | None:
    """/Count of the page tree's root: cheap, and lets a million-page file be refused before pdf.pages."""
    try:
        from pdfminer.pdftypes import resolve1

        count = resolve1(resolve1(pdf.doc.catalog.get("Pages")).get("Count"))
        return count if isinstance(count, int) and count >= 0 else None
    except Exception:
        return None


def _too_many_pages(n: int, limits: PdfLimits) -> ReaderError:
    return ReaderError(
        "pdf-too-many-pages",
        Text(
            f"PDF-filen har {n} sider; den må højst have {limits.max_pages}.",
            f"The PDF file has {n} pages; it may have at most {limits.max_pages}.",
        ),
        limits.pages_hint,
    )


def _page_text(page: Any) -> PdfPage:
    text = page.extract_text() or ""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return PdfPage(page.page_number, text, lines)


_READ = Memo(8)  # content digest -> pages


def read_pdf(path: Path) -> list[PdfPage]:
    """The text of each page. Raises ReaderError for a file that is not a readable PDF, CouldNotRun
    when the operating system will not let us read it. The same content is read once per process."""
    return start_reading(path).result()


def start_reading(path: Path) -> PdfReading:
    """read_pdf without waiting: the text is read in a child process that starts now (unless this
    content has been read before), and PdfReading.result() gives what read_pdf would."""
    key = None
    try:
        if Path(path).stat().st_size <= ANNEX.max_bytes:
            key = digest(Path(path).read_bytes())
    except OSError:
        key = None  # read_pages says why
    pages = _READ.get(key) if key else None
    return PdfReading(path, _page_text, ANNEX, key=key, pages=pages)


def read_pages(path: Path, read_page: Callable[[Any], T], limits: PdfLimits = ANNEX) -> list[T]:
    """read_page(pdfplumber page) for each page, in a child process bounded by MAX_PDF_SECONDS and
    MAX_PDF_MEMORY (read_page's results must be picklable), after the checks of read_pdf. Raises
    ReaderError for a file that is not a readable PDF within the limits, CouldNotRun when the operating
    system will not let us read it."""
    return PdfReading(path, read_page, limits).result()


class PdfReading:
    """A PDF being read in a bounded child process (see read_pages) while the caller does other work.
    The size and header are checked at once; what they find, like the child's own verdict, is raised
    by result(), so the caller meets every error where it asks for the pages. stop() ends a reading
    whose result is no longer wanted."""

    def __init__(
        self,
        path: Path,
        read_page: Callable[[Any], Any],
        limits: PdfLimits,
        *,
        key: str | None = None,
        pages: tuple | None = None,
    ) -> None:
        self._key = key
        self._pages = pages
        self._error: Exception | None = None
        self._child = None
        if pages is not None:
            return
        try:
            path = Path(path)
            _before_reading(path, limits)
            self._child = _start_extracting(path, read_page, limits)
        except (ReaderError, CouldNotRun) as exc:
            self._error = exc

    def result(self) -> list:
        if self._pages is None and self._error is None:
            try:
                self._pages = tuple(_collect(self._child))
                if self._key:
                    _READ.put(self._key, self._pages)
            except ReaderError as exc:
                self._error = exc
        if self._error is not None:
            raise self._error
        return list(self._pages)

    def stop(self) -> None:
        if self._child is not None:
            self._child.stop()


def _before_reading(path: Path, limits: PdfLimits) -> None:
    """The checks before pdfplumber sees the file: its size and the %PDF- header."""
    try:
        size = path.stat().st_size
        if size > limits.max_bytes:
            raise ReaderError(
                "pdf-too-large",
                Text(
                    f"PDF-filen fylder {format_bytes(size).da}; den må højst fylde {format_bytes(limits.max_bytes).da}.",
                    f"The PDF file is {format_bytes(size).en}; it may be at most {format_bytes(limits.max_bytes).en}.",
                ),
                limits.size_hint,
            )
        with path.open("rb") as fh:
            head = fh.read(HEADER_WINDOW)
            if b"%PDF-" not in head:
                raise ReaderError(
                    "pdf-not-a-pdf",
                    Text(
                        "Filen er ikke en PDF-fil." + (" Den er tom." if size == 0 else ""),
                        "The file is not a PDF file." + (" It is empty." if size == 0 else ""),
                    ),
                    Text(
                        "Gem eller eksportér dokumentet som PDF; det hjælper ikke blot at omdøbe filen til .pdf.",
                        "Save or export the document as PDF; renaming the file to .pdf is not enough.",
                    ),
                )
    except OSError as exc:
        raise CouldNotRun(
            Text(
                f"Kan ikke læse {path}: {exc.strerror or exc}.", f"Cannot read {path}: {exc.strerror or exc}."
            )
        ) from None


def _too_complex(what: Text) -> ReaderError:
    return ReaderError(
        "pdf-too-complex",
        Text(
            f"PDF-filen kan ikke læses inden for grænserne ({MAX_PDF_SECONDS} s, {MAX_PDF_MEMORY // 2**20} MB): {what.da}.",
            f"The PDF file cannot be read within the limits ({MAX_PDF_SECONDS} s, {MAX_PDF_MEMORY // 2**20} MB): {what.en}.",
        ),
        _pdf_hint(),
    )


def _start_extracting(path: Path, read_page: Callable[[Any], T], limits: PdfLimits):
    """_extract in a forked child with CPU, memory and wall-clock limits (see MAX_PDF_*), started. The
    child imports pdfplumber itself unless this process has (a run over many dossiers imports it once,
    checker.portfolio), so a single check imports it beside its other work."""
    from checker.processes import start_in_child

    def work() -> tuple:
        try:
            with path.open("rb") as fh:
                pages = _extract(fh, read_page, limits)
        except ReaderError as exc:
            return ("error", exc.code, exc.message, exc.hint)
        return ("ok", pages)

    # importing pdfplumber adds some 30 MB of address space: the child that imports it may add as much more
    memory = MAX_PDF_MEMORY + (0 if "pdfplumber" in sys.modules else PDFPLUMBER_IMPORT)
    return start_in_child(work, seconds=MAX_PDF_SECONDS, memory=memory)


def _collect(child) -> list:
    from checker.processes import OUT_OF_MEMORY, TIMED_OUT

    reply = child.result()
    if reply[0] == "ok":
        return reply[1]
    if reply[0] == "error":
        _tag, code, message, hint = reply
        raise ReaderError(code, message, hint)
    if reply == OUT_OF_MEMORY:
        raise _too_complex(Text("den kræver for meget hukommelse", "it needs too much memory"))
    if reply == TIMED_OUT:
        raise _too_complex(Text("den tager for lang tid", "it takes too long"))
    raise _too_complex(Text("læsningen blev afbrudt", "reading was stopped"))


def _extract(fh, read_page: Callable[[Any], T], limits: PdfLimits) -> list[T]:
    import pdfplumber

    try:
        pdf = pdfplumber.open(fh)  # a file object: pdfplumber leaves closing it to us
    except Exception as exc:
        raise _classify(exc) from None
    try:
        declared = _declared_page_count(pdf)
        if declared is not None and declared > limits.max_pages:
            raise _too_many_pages(declared, limits)
        n = len(pdf.pages)
        if n > limits.max_pages:
            raise _too_many_pages(n, limits)
        pages: list[T] = []
        for page in pdf.pages:
            pages.append(read_page(page))
            page.close()  # frees the page's parsed objects
        return pages
    except ReaderError:
        raise
    except Exception as exc:
        raise _classify(exc) from None
    finally:
        try:
            pdf.close()
        except Exception:  # close() walks pdf.pages again, which may be what failed
            pass


# ---------------------------------------------------------------------------------------------- figures


def find_figure(pages: list[PdfPage], label: str) -> tuple[str, int] | None:
    """(the rest of the first line that starts with label, its page number), or None.

    The label is compared ignoring case and how much whitespace separates its words; it must end at a
    word boundary ("Vestervang" does not match "Vestervangen"). The rest is stripped, and so is a colon
    right after the label.
    """
    words = label.split()
    if not words:
        return None
    pattern = r"\s+".join(re.escape(w) for w in words)
    if re.match(r"\w", label.rstrip()[-1]):
        pattern += r"(?!\w)"
    regex = re.compile(r"\s*" + pattern, re.IGNORECASE)
    for page in pages:
        for line in page.lines:
            m = regex.match(line)
            if m:
                rest = line[m.end() :].strip()
                if rest.startswith(":"):
                    rest = rest[1:].strip()
                return rest, page.number
    return None


_NUMBER = re.compile(
    r"""
    (?:kr\.?\s*)?                                  # "kr. 1.234"
    (?P<sign>[-\u2212\u2013+]?)\s*                  # -, minus sign, en dash (as Word writes it), +
    (?P<int>\d{1,3}(?:\.\d{3})+|\d+)                # 3.220 or 3220 (a point is always a thousands point)
    (?:,(?P<frac>\d+))?                             # decimal comma
    \s*(?:%|pct\.?|procent|kr\.?)?                  # unit
    """,
    re.VERBOSE | re.IGNORECASE,
)


def parse_danish_number(text: str) -> Decimal | None:
    """ "3.220" -> 3220, "26,8 %" -> 26.8, "1.234.567,5" -> 1234567.5, "kr. 1.000" -> 1000; else None.

    A point is a thousands separator and must be followed by exactly three digits, so "3.5" (an
    English decimal) is not a number here rather than silently 35. A percentage keeps its number
    (26,8 % -> 26.8).
    """
    if not isinstance(text, str):
        return None
    cleaned = " ".join(text.split())  # non-breaking spaces too
    m = _NUMBER.fullmatch(cleaned)
    if not m:
        return None
    sign = "-" if m["sign"] in ("-", "\u2212", "\u2013") else ""
    digits = m["int"].replace(".", "")
    try:
        return Decimal(f"{sign}{digits}.{m['frac']}" if m["frac"] else f"{sign}{digits}")
    except InvalidOperation:  # pragma: no cover - the pattern only lets digits through
        return None
