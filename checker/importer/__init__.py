"""aftale import: an existing agreement (a signed PDF or a Word file) read into a draft dossier.

Two steps, each in its own module:

- ``source``: the document's text with its layout, as a list of ``Block`` (a paragraph or line of text,
  or a table row), each knowing where it came from (page and line of a PDF, paragraph of a Word file).
  Bounded like every reader (size, pages, time, memory); a scanned PDF, an encrypted one, a file that is
  not what its name says, a Word file with macros or external relationships end in CouldNotRun (exit 2).
- ``recognise``: the blocks read against Landsbyggefonden's template (the headings and boilerplate every
  strategisk samarbejdsaftale shares) into the dossier's JSON files, what was recognised filled in with
  its source text, everything else a visible placeholder, every uncertain value a field to review that
  names its place.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Block:
    """One paragraph (or PDF line) of text, or one table row (``cells``), with where it came from."""

    text: str  # the paragraph's text; for a table row the cells joined with " | "
    cells: tuple[str, ...] = ()  # a table row's cells; empty for a paragraph
    page: int | None = None  # PDF page, 1-based
    line: int | None = None  # line on the PDF page, 1-based
    paragraph: int | None = None  # Word paragraph or table row, 1-based in document order
    style: str | None = None  # Word paragraph style name ("Heading 1"), if any
    bold: bool = False  # the whole block is bold (a heading, in a document without styles)
    size: float | None = None  # font size in points, where known (PDF)
    table: int | None = None  # which table (1-based) a row belongs to

    @property
    def is_row(self) -> bool:
        return bool(self.cells)

    def where(self, lang: str = "da") -> str:
        """The block's place as a reader finds it: "side 3, linje 12" or "afsnit 45"."""
        if self.page is not None:
            if lang == "en":
                return f"page {self.page}" + (f", line {self.line}" if self.line else "")
            return f"side {self.page}" + (f", linje {self.line}" if self.line else "")
        if self.paragraph is not None:
            return f"{'paragraph' if lang == 'en' else 'afsnit'} {self.paragraph}"
        return "?"


@dataclass
class Source:
    """The document as read: its kind ("pdf" or "docx"), its blocks in reading order, its page count."""

    path: str
    kind: str
    blocks: list[Block] = field(default_factory=list)
    pages: int | None = None
