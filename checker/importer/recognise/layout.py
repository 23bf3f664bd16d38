"""The source's lines cleaned, split into the template's segments (front page labels, sections 1–11,
5.1 …) and joined into paragraphs: a PDF gives lines, a Word file paragraphs, a Word file made from
plain text a paragraph per line."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from checker.importer import Block, Source
from checker.importer.recognise.wording import (
    _BULLET,
    _JOINING_WORDS,
    _LABEL,
    _LABEL_KEYS,
    _OPENS,
    _PAGE_NUMBER,
    _SECTION,
    _SUBSECTION,
    _URL_ONLY,
    SECTIONS,
    _area_number,
    _fold,
    _heading_level,
    _join,
)


@dataclass
class _Line:
    """One line of text (or one table row) from the source, cleaned."""

    text: str
    block: Block
    cells: tuple[str, ...] = ()

    @property
    def bullet(self) -> bool:
        style = (self.block.style or "").casefold()
        return bool(_BULLET.match(self.text)) or any(w in style for w in ("list", "liste", "opstilling"))

    @property
    def styled_heading(self) -> bool:
        style = (self.block.style or "").casefold()
        return style.startswith(("heading", "overskrift", "title", "titel")) or (
            self.block.bold and len(self.text) <= 90 and not self.cells
        )


@dataclass
class _Para:
    """A paragraph: lines joined, or one table row."""

    text: str
    block: Block
    cells: tuple[str, ...] = ()
    bullet: bool = False
    heading: bool = False
    lines: list[str] = field(default_factory=list)

    @property
    def where(self) -> str:
        return self.block.where()


@dataclass
class _Segment:
    key: str  # "front", a label key ("parter"), "s1" … "s11", "s5.1" …
    heading: _Line | None
    title: str | None
    lines: list[_Line] = field(default_factory=list)
    paras: list[_Para] = field(default_factory=list)


def _cells(block: Block) -> tuple[str, ...]:
    """A row's cells; a cell spanning the row (empty followers, or the same text repeated as python-docx
    repeats a merged cell) counts once."""
    cells = tuple(c.strip() for c in block.cells)
    filled = [c for c in cells if c]
    if len(filled) > 1 and all(c == filled[0] for c in filled):
        return (filled[0],)
    return cells


class _Layout:
    """The source's lines cleaned, split into the template's segments and joined into paragraphs."""

    def __init__(self, source: Source):
        self.source = source
        lines: list[_Line] = []
        texts = [b.text for b in source.blocks if not b.is_row]
        for block in source.blocks:
            if block.is_row:
                cells = _cells(block)
                if any(cells):
                    lines.append(_Line(" | ".join(c for c in cells if c), block, cells))
                continue
            text = " ".join(block.text.split())
            if not text or _PAGE_NUMBER.match(text):
                continue
            if _URL_ONLY.match(text):  # a link a PDF printed again on its own line
                url = text.rstrip("/").split("://")[-1]
                if sum(url in t for t in texts) > 1:
                    continue
            lines.append(_Line(text, block))
        self.lines = lines
        lengths = sorted(len(ln.text) for ln in lines if not ln.cells and len(ln.text) >= 20)
        numbered = [ln.block.paragraph for ln in lines if ln.block.paragraph is not None]
        # A Word file writes a paragraph as one block (several only at a line break), a PDF a line; a Word
        # file made from plain text has a paragraph per line. Lines are short, paragraphs are not.
        p90 = lengths[int(len(lengths) * 0.9)] if lengths else 0
        self.line_mode = source.kind == "pdf" or not numbered or p90 <= 130
        self.width = lengths[int(len(lengths) * 0.95)] if lengths else 80
        self.widest = max((n for n in lengths if n <= 1.25 * self.width), default=80)
        self.segments = self._segments()
        for segment in self.segments:
            segment.paras = self._paragraphs(segment.lines)

    # --- segments

    def _segments(self) -> list[_Segment]:
        segments = [_Segment("front", None, None)]
        last_section = 0
        lines = self.lines
        i = 0
        while i < len(lines):
            line = lines[i]
            i += 1
            if line.cells:
                segments[-1].lines.append(line)
                continue
            label = _LABEL.match(line.text)
            if label and (last_section == 0 or label[1].lower() == "underskrifter"):
                segment = _Segment(_LABEL_KEYS[label[1].lower()], line, line.text)
                segments.append(segment)
                if label[2]:
                    segment.lines.append(_Line(label[2].strip(), line.block))
                continue
            section = _SECTION.match(line.text)
            if section and last_section < int(section[1]) <= 11:
                number = int(section[1])
                title = section[2].strip()
                if re.search(SECTIONS[number][1], title, re.IGNORECASE) and not title.endswith((",", ";")):
                    # a heading wrapped onto a second, short line
                    if (
                        i < len(lines)
                        and not lines[i].cells
                        and lines[i].text[:1].islower()
                        and len(lines[i].text) <= 40
                        and not title.endswith((".", ":"))
                    ):
                        title = f"{title} {lines[i].text}"
                        i += 1
                    segments.append(_Segment(f"s{number}", line, title))
                    last_section = number
                    continue
            sub = _SUBSECTION.match(line.text)
            if sub and last_section == 5 and not line.text.endswith((".", ",", ";")):
                segments.append(_Segment(f"s5.{int(sub[1])}", line, sub[2].strip()))
                continue
            level = _heading_level(line.block.style)
            if level == 1 and not line.text.endswith((".", ":", ",")):
                # Word's own numbering is not in the text: »Formål med den boligsociale indsats«
                number = next(
                    (n for n in range(last_section + 1, 12) if re.search(SECTIONS[n][1], line.text, re.I)),
                    None,
                )
                if number is not None:
                    segments.append(_Segment(f"s{number}", line, line.text))
                    last_section = number
                    continue
            if level == 2 and last_section == 5 and (number := _area_number(line.text)):
                segments.append(_Segment(f"s{number}", line, line.text))
                continue
            segments[-1].lines.append(line)
        return segments

    def segment(self, key: str) -> _Segment | None:
        return next((s for s in self.segments if s.key == key), None)

    def sections(self, prefix: str) -> list[_Segment]:
        return [s for s in self.segments if s.key.startswith(prefix)]

    # --- paragraphs

    def _paragraphs(self, lines: list[_Line]) -> list[_Para]:
        paras: list[_Para] = []
        current: _Para | None = None
        for line in lines:
            if line.cells:
                paras.append(_Para(line.text, line.block, line.cells, lines=[line.text]))
                current = None
                continue
            if current is not None and _title_goes_on(current, line):
                current.text = _join(current.text, line.text)
                current.lines.append(line.text)
                continue
            if current is not None and not line.styled_heading and self._continues(current, line):
                current.text = _join(current.text, line.text)
                current.lines.append(line.text)
                continue
            bullet = line.bullet
            current = _Para(
                line.text, line.block, bullet=bullet, heading=line.styled_heading, lines=[line.text]
            )
            paras.append(current)
        return paras

    def _continues(self, current: _Para, line: _Line) -> bool:
        if current.cells or current.heading:
            return False
        same = current.block.paragraph is not None and current.block.paragraph == line.block.paragraph
        if same:
            return True
        if not self.line_mode or _BULLET.match(line.text):
            return False
        if line.bullet and not _BULLET.match(line.text):  # a Word list paragraph
            return False
        a = current.lines[-1].rstrip()
        b = line.text
        first = b[:1]
        if _OPENS.match(b):
            return False
        if first.islower():
            return True
        last = a[-1:]
        last_word = a.rsplit(" ", 1)[-1].lower()
        if current.bullet:  # a list item goes on in lower case, after a comma or a joining word, or a figure
            return last in ",;&/–-" or last_word in _JOINING_WORDS or first.isdigit() or first in "()"
        if _BASELINE_START.match(b):  # »Egeparken 2015: 26,8 %«: a line of a table column
            return False
        if (
            last not in ".!?:"
            and len(current.lines) >= 2
            and len(current.lines[-2]) >= 0.8 * self.width
            and len(a) < 0.4 * self.width
        ):
            return True  # a word left alone when a converter rewrapped a too-long line: »udlejningschefen«
        if last == ":":
            return bool(re.match(r"^For\s.+:$", a))  # »For Ellekonebakken:« then the institution
        if last in ",;&/–-" or last_word in _JOINING_WORDS:
            return True
        if last not in ".!?" and (first.isdigit() or first in '(”"»%'):
            return True
        # The first word of the next line would have fitted on this one: this line ended on purpose. The
        # width is counted in characters of a proportional font: after a full stop the widest lines count,
        # without one (»… og Viborg« / »Kommune bidrager …«) a margin below the usual width.
        word = b.split(" ", 1)[0]
        room = self.widest if last in ".!?" else 0.92 * self.width
        return len(a) + 1 + len(word) > room


def _title_goes_on(current: _Para, line: _Line) -> bool:
    """A large bold title wrapped over two PDF lines (»Strategisk samarbejdsaftale om« / »boligsocial
    indsats«): the next line of the same page in the same large bold font, after no full stop or colon."""
    a, b = current.block, line.block
    return (
        current.heading
        and a.page is not None
        and a.page == b.page
        and b.line is not None
        and a.line is not None
        and b.line == a.line + len(current.lines)
        and a.bold
        and b.bold
        and a.size is not None
        and a.size >= 16
        and b.size == a.size
        and current.lines[-1].rstrip()[-1:] not in ".:"
    )


_BASELINE_START = re.compile(r"^[A-ZÆØÅ][\w .-]*?,?\s+(?:19|20)\d{2}\s*:\s*-?\d")


def _heading_title(segment: _Segment | None, number: int) -> str:
    if segment is None or not segment.title:
        return SECTIONS[number][2]
    return segment.title.rstrip(":").strip()


def _subheading(para: _Para, nxt: _Para | None, known: set[str]) -> bool:
    """A sub-heading inside a section: styled as one, or a short line of a few words that opens a
    paragraph and does not end a sentence (»Områdernes hovedudfordringer«, »Uddannelse og beskæftigelse:«)."""
    text = para.text
    if para.bullet or para.cells or nxt is None or nxt.cells:
        return False
    if para.heading:
        return len(text) <= 90
    if len(text) > 60 or text[-1] in ".,;!?" or not text[0].isupper():
        return False
    if len(text.rstrip(":").split()) > 6:
        return False
    if text.endswith(":") and _fold(text[:-1]) not in known:
        return False
    return True
