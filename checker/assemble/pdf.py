"""DOCX to PDF/A-2b with LibreOffice in headless mode: one process converts every document of a build,
with its own profile folder so two builds at once do not collide (checker.libreoffice)."""

from __future__ import annotations

import json
from pathlib import Path

from checker import libreoffice
from checker.findings import CouldNotRun, Text

TIMEOUT = 300  # seconds (wall and CPU) for a whole build's conversion; then LibreOffice is killed

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


def convert(docx_files: list[Path], outdir: Path) -> list[Path]:
    """Convert all files in one LibreOffice run; returns the PDFs in the same order."""
    if not docx_files:
        return []
    proc = libreoffice.convert(
        docx_files,
        outdir,
        "pdf:writer_pdf_Export:" + json.dumps(EXPORT_OPTIONS, separators=(",", ":")),
        timeout=TIMEOUT,
        executable=soffice(),
    )
    pdfs = [outdir / (f.stem + ".pdf") for f in docx_files]
    missing = [p.name for p in pdfs if not p.is_file()]
    if proc.returncode != 0 or missing:
        detail = libreoffice.output_of(proc)
        raise CouldNotRun(
            Text(
                f"LibreOffice kunne ikke lave PDF af {', '.join(missing) or 'dokumenterne'}: {detail}",
                f"LibreOffice could not make a PDF of {', '.join(missing) or 'the documents'}: {detail}",
            )
        )
    return pdfs
