"""Run LibreOffice headless, the one way the tool does it: the program found on PATH, a private profile
folder per run (two runs at once do not collide, and the user's own settings play no part), bounded by
checker.processes.run_bounded so a hanging soffice is killed with everything it started.

checker.assemble.pdf converts Word files to PDF/A with it; checker.workbooks recalculates workbooks.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from checker.findings import CouldNotRun, Text
from checker.processes import Timeout, run_bounded

NOT_INSTALLED = Text(
    "LibreOffice er ikke installeret; kør »make run«.", "LibreOffice is not installed; run 'make run'."
)


def program(missing: Text = NOT_INSTALLED) -> str:
    """The soffice (or libreoffice) program; CouldNotRun with `missing` when there is none."""
    import shutil

    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    raise CouldNotRun(missing)


def convert(
    files: list[Path],
    outdir: Path,
    convert_to: str,
    *,
    timeout: float,
    settings: str | None = None,
    executable: str | None = None,
) -> subprocess.CompletedProcess:
    """Convert `files` in one LibreOffice run (`--convert-to convert_to`), writing into `outdir` under
    each file's stem. `settings` is a registrymodifications.xcu for the private profile. Whether each
    output is there is for the caller to check: soffice exits 0 even when it could not load a file.
    CouldNotRun when LibreOffice is missing or does not finish within `timeout` seconds (wall and CPU)."""
    executable = executable or program()
    with tempfile.TemporaryDirectory(prefix="aftale-lo-") as profile:
        if settings is not None:
            user = Path(profile) / "user"
            user.mkdir()
            (user / "registrymodifications.xcu").write_text(settings, encoding="utf-8")
        cmd = [
            executable,
            f"-env:UserInstallation={Path(profile).as_uri()}",
            "--headless",
            "--invisible",
            "--nologo",
            "--nodefault",
            "--nolockcheck",
            "--norestore",
            "--convert-to",
            convert_to,
            "--outdir",
            str(outdir),
            *map(str, files),
        ]
        try:
            return run_bounded(cmd, timeout=timeout, cpu_seconds=timeout)
        except Timeout:
            raise CouldNotRun(
                Text(
                    f"LibreOffice blev ikke færdig inden for {timeout} sekunder.",
                    f"LibreOffice did not finish within {timeout} seconds.",
                )
            ) from None


def output_of(proc: subprocess.CompletedProcess) -> str:
    """What LibreOffice said, for a message: the end of its error output (or of its output)."""
    return (proc.stderr or proc.stdout or b"").decode("utf-8", "replace").strip()[-800:]
