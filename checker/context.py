"""What the rules see: the dossier's parsed, schema-valid documents, the rule set, the as-of date,
and the workbook and PDF annexes, read on first use."""

from __future__ import annotations

from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any

from checker.dossier import AGREEMENT_FILE
from checker.jsonsource import JsonSource
from checker.rulesets import RuleSet


class Context:
    def __init__(
        self,
        root: Path,
        sources: dict[str, JsonSource],
        doctypes: dict[str, str],
        invalid: set[str],
        ruleset: RuleSet | None,
        as_of: date,
    ):
        self.root = root
        self.real_root = root.resolve()
        self.sources = sources
        self.doctypes = doctypes
        self.invalid = invalid
        self.ruleset = ruleset
        self.as_of = as_of
        self._workbooks: dict[str, Any] = {}
        self._pdfs: dict[str, Any] = {}

    # --- JSON documents --------------------------------------------------------------------------------

    @property
    def agreement(self) -> dict | None:
        if (
            AGREEMENT_FILE in self.invalid
            or self.doctypes.get(AGREEMENT_FILE) != "strategisk-samarbejdsaftale"
        ):
            return None
        return self.sources[AGREEMENT_FILE].data

    def documents(self, doctype: str) -> list[tuple[str, dict]]:
        """(dossier-relative path, data) of every schema-valid document of a type, in path order."""
        return [
            (rel, self.sources[rel].data)
            for rel, t in sorted(self.doctypes.items())
            if t == doctype and rel not in self.invalid
        ]

    def document(self, rel: str, doctype: str) -> dict | None:
        if self.doctypes.get(rel) == doctype and rel not in self.invalid:
            return self.sources[rel].data
        return None

    # --- the agreement's facts ---------------------------------------------------------------------------

    @cached_property
    def period(self) -> tuple[date, date]:
        p = self.agreement["periode"]
        return date.fromisoformat(p["start"]), date.fromisoformat(p["slut"])

    @cached_property
    def project_years(self) -> list[tuple[date, date]]:
        return project_years(*self.period)

    @cached_property
    def area_names(self) -> list[str]:
        return [a["navn"] for a in self.agreement["omraader"]]

    @cached_property
    def party_names(self) -> list[str]:
        return [p["navn"] for p in self.agreement["parter"]]

    @cached_property
    def chosen(self) -> dict[str, tuple[int, dict]]:
        """Chosen indsatsområder by number: (index in the agreement's list, the area)."""
        out: dict[str, tuple[int, dict]] = {}
        for i, area in enumerate(self.agreement["indsatsomraader"]["omraader"]):
            out.setdefault(area["nummer"], (i, area))
        return out

    # --- files -----------------------------------------------------------------------------------------

    def path(self, rel: str) -> Path:
        return self.root / rel

    def inside(self, rel: str) -> bool:
        try:
            (self.root / rel).resolve().relative_to(self.real_root)
        except (ValueError, OSError, RuntimeError):
            return False
        return True

    def annex_files(self, annex_type: str) -> list[tuple[int, int, str]]:
        """(bilag index, file index, path) of every file the agreement lists for an annex type."""
        out = []
        for i, bilag in enumerate(self.agreement["aftaledokumenter"]["bilag"]):
            if bilag["type"] == annex_type:
                out += [(i, j, rel) for j, rel in enumerate(bilag["filer"])]
        return out

    def workbook(self, rel: str):
        """The workbook at rel, read once; raises ReaderError for a file that cannot be read."""
        if rel not in self._workbooks:
            from checker.readers import ReaderError
            from checker.readers.xlsx import open_workbook

            try:
                self._workbooks[rel] = open_workbook(self.path(rel))
            except ReaderError as exc:
                self._workbooks[rel] = exc
        value = self._workbooks[rel]
        if isinstance(value, Exception):
            raise value
        return value

    def pdf(self, rel: str):
        """The pages of the PDF at rel, read once; raises ReaderError for a file that cannot be read."""
        from checker.readers import ReaderError
        from checker.readers.pdf import PdfReading, start_reading

        if rel not in self._pdfs:
            self._pdfs[rel] = start_reading(self.path(rel))
        value = self._pdfs[rel]
        if isinstance(value, PdfReading):
            try:
                value = value.result()
            except ReaderError as exc:
                value = exc
            self._pdfs[rel] = value
        if isinstance(value, Exception):
            raise value
        return value

    def start_reading_pdfs(self) -> None:
        """Begin reading every PDF the agreement lists as an annex, each in its child process, so that
        the text is there when a rule asks for it (pdf) while the rules before it run here."""
        from checker.readers.pdf import start_reading

        for bilag in self.agreement["aftaledokumenter"]["bilag"]:
            for rel in bilag["filer"]:
                if rel in self._pdfs or not rel.lower().endswith(".pdf") or not self.inside(rel):
                    continue
                try:
                    if self.path(rel).is_file():
                        self._pdfs[rel] = start_reading(self.path(rel))
                except OSError:
                    continue  # the rule that reads it says why

    def close(self) -> None:
        """Stop the PDF readings no rule asked for."""
        from checker.readers.pdf import PdfReading

        for value in self._pdfs.values():
            if isinstance(value, PdfReading):
                value.stop()


def project_years(start: date, end: date) -> list[tuple[date, date]]:
    """(first day, last day) of each project year: year k runs from the start's k-th anniversary to the
    day before the next one; the last ends on `end`."""
    years = []
    k = 0
    while True:
        first = _add_years(start, k)
        if first > end:
            break
        following = _add_years(start, k + 1)
        years.append((first, min(end, date.fromordinal(following.toordinal() - 1))))
        k += 1
    return years


def _add_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February: in a year without it the anniversary is 1 March
        return date(d.year + years, 3, 1)
