"""DOCX to PDF/A-2b with LibreOffice in headless mode: one process converts every document of a build,
with its own profile folder so two builds at once do not collide."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from checker.findings import CouldNotRun, Text
from checker.processes import Timeout, run_bounded

TIMEOUT = 300  # seconds (wall and CPU) for a whole build's conversion; then LibreOffice is killed

EXPORT_OPTIONS = {
    "SelectPdfVersion": {"type": "long", "value": "2"},  # PDF/A-2b
    "UseTaggedPDF": {"type": "boolean", "value": "true"},
    "ExportBookmarks": {"type": "boolean", "value": "true"},
}


def soffice() -> str:
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    raise CouldNotRun(
        Text(
            "LibreOffice er ikke installeret; kør »make run«, eller byg kun Word-filer med --no-pdf.",
            "LibreOffice is not installed; run 'make run', or build Word files only with --no-pdf.",
        )
    )


def convert(docx_files: list[Path], outdir: Path) -> list[Path]:
    """Convert all files in one LibreOffice run; returns the PDFs in the same order."""
    if not docx_files:
        return []
    program = soffice()
    with tempfile.TemporaryDirectory(prefix="aftale-lo-") as profile:
        cmd = [
            program,
            f"-env:UserInstallation={Path(profile).as_uri()}",
            "--headless",
            "--invisible",
            "--nologo",
            "--nodefault",
            "--nolockcheck",
            "--norestore",
            "--convert-to",
            "pdf:writer_pdf_Export:" + json.dumps(EXPORT_OPTIONS, separators=(",", ":")),
            "--outdir",
            str(outdir),
            *map(str, docx_files),
        ]
        try:
            proc = run_bounded(cmd, timeout=TIMEOUT, cpu_seconds=TIMEOUT)
        except Timeout:
            raise CouldNotRun(
                Text(
                    f"LibreOffice blev ikke færdig inden for {TIMEOUT} sekunder.",
                    f"LibreOffice did not finish within {TIMEOUT} seconds.",
                )
            ) from None
    pdfs = [outdir / (f.stem + ".pdf") for f in docx_files]
    missing = [p.name for p in pdfs if not p.is_file()]
    if proc.returncode != 0 or missing:
        detail = (proc.stderr or proc.stdout).decode("utf-8", "replace").strip()[-800:]
        raise CouldNotRun(
            Text(
                f"LibreOffice kunne ikke lave PDF af {', '.join(missing) or 'dokumenterne'}: {detail}",
                f"LibreOffice could not make a PDF of {', '.join(missing) or 'the documents'}: {detail}",
            )
        )
    return pdfs
