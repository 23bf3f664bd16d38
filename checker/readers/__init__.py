"""Readers for the dossier's annexes: workbooks (xlsx) and PDFs.

A reader takes a file on disk and gives plain Python values with their locations (a cell such as
"Finansiering!C7", a PDF page number). It never lets a library's exception out for a bad file: it
raises ReaderError with a code and a message in Danish and English, and the caller turns that into a
Finding (ReaderError.finding). Size, entry and page limits are checked before any parser runs, so a
hostile or broken file costs bounded time and memory.

The parsers (openpyxl, pdfplumber) are imported inside the functions that use them, so importing
this package costs nothing at start-up.
"""

from __future__ import annotations

from checker.findings import Finding, Severity, Text

__all__ = ["ReaderError", "format_bytes"]


class ReaderError(Exception):
    """A file could not be read as what it should be. code is e.g. "xlsx-encrypted"."""

    def __init__(self, code: str, message: Text, hint: Text | None = None):
        super().__init__(f"{code}: {message.en}")
        self.code = code
        self.message = message
        self.hint = hint

    def finding(self, file: str, severity: Severity = Severity.ERROR) -> Finding:
        """The Finding for this error in the dossier file `file` ("/"-separated, relative)."""
        return Finding(self.code, severity, self.message, file, hint=self.hint)


def format_bytes(n: int) -> Text:
    """A file size for a message: "25,3 MB" / "25.3 MB" (MB = 1024 × 1024 bytes)."""
    if n >= 1024 * 1024:
        en = f"{n / (1024 * 1024):.1f} MB".replace(".0 MB", " MB")
    elif n >= 1024:
        en = f"{n / 1024:.1f} KB".replace(".0 KB", " KB")
    else:
        en = f"{n} bytes"
    da = en.replace(".", ",").replace("bytes", "byte")
    return Text(da, en)
