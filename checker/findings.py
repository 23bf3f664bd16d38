"""Findings: what went wrong, how bad, where, in Danish and English, and the result they add up to."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class Text:
    """A message in both languages the tool speaks."""

    da: str
    en: str

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.da


@dataclass(frozen=True)
class Finding:
    code: str
    severity: Severity
    message: Text
    file: str  # path relative to the dossier folder, "/"-separated
    pointer: str | None = None  # JSON pointer into the file
    line: int | None = None  # 1-based
    column: int | None = None  # 1-based
    label: Text | None = None  # the place in the users' words, e.g. "Periode › Startdato"
    hint: Text | None = None
    cell: str | None = None  # in a workbook: "Finansiering!C7"
    page: int | None = None  # in a PDF: 1-based page number

    def sort_key(self) -> tuple:
        """By file, then errors before warnings before information, then by place."""
        rank = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}[self.severity]
        return (self.file, rank, self.line or 0, self.column or 0, self.cell or "", self.page or 0, self.code)


@dataclass
class FileResult:
    path: str
    dokumenttype: str | None = None
    schema: str | None = None
    sha256: str | None = None


@dataclass
class Result:
    dossier: str
    files: list[FileResult] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    def add(self, finding: Finding) -> None:
        self.findings.append(finding)

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity)

    @property
    def valid(self) -> bool:
        return self.count(Severity.ERROR) == 0

    def sorted_findings(self) -> list[Finding]:
        return sorted(self.findings, key=Finding.sort_key)


class CouldNotRun(Exception):
    """The command could not do its job at all (exit code 2): no such folder, unreadable file, ..."""

    def __init__(self, message: Text):
        super().__init__(message.en)
        self.text = message
