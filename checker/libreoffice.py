"""Run LibreOffice headless, the one way the tool does it: the program found on PATH, a private profile
folder per run (two runs at once do not collide, and the user's own settings play no part), bounded by
checker.processes.run_bounded so a hanging soffice is killed with everything it started.

checker.assemble.pdf converts Word files to PDF/A with it; checker.workbooks recalculates workbooks.
"""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Callable
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
    on_output: Callable[[int], None] | None = None,
) -> subprocess.CompletedProcess:
    """Convert `files` in one LibreOffice run (`--convert-to convert_to`), writing into `outdir` under
    each file's stem. `settings` is a registrymodifications.xcu for the private profile. Whether each
    output is there is for the caller to check: soffice exits 0 even when it could not load a file.
    CouldNotRun when LibreOffice is missing or does not finish within `timeout` seconds (wall and CPU).

    `on_output(i)`, if given, is called once for each file whose output is complete, in the files'
    order, as soon as it is: LibreOffice converts one file after the other, so a file's output is
    complete once the next file's output appears, and the last one's once LibreOffice has ended. The
    caller can work on the first files while the last ones convert; what on_output raises stops
    LibreOffice and is raised here. A file without output is skipped."""
    executable = executable or program()
    outputs = [Path(outdir) / (Path(f).stem + "." + convert_to.split(":")[0]) for f in files]
    handed = 0

    def hand_over(upto: int) -> None:
        nonlocal handed
        while handed < upto:
            index, handed = handed, handed + 1
            if outputs[index].is_file():
                on_output(index)

    def tick() -> None:
        upto = handed
        while upto + 1 < len(outputs) and outputs[upto + 1].exists():
            upto += 1
        hand_over(upto)

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
            proc = run_bounded(cmd, timeout=timeout, cpu_seconds=timeout, tick=tick if on_output else None)
        except Timeout:
            raise CouldNotRun(
                Text(
                    f"LibreOffice blev ikke færdig inden for {timeout} sekunder.",
                    f"LibreOffice did not finish within {timeout} seconds.",
                )
            ) from None
        if on_output is not None and proc.returncode == 0:
            hand_over(len(outputs))
        return proc


def output_of(proc: subprocess.CompletedProcess) -> str:
    """What LibreOffice said, for a message: the end of its error output (or of its output)."""
    return (proc.stderr or proc.stdout or b"").decode("utf-8", "replace").strip()[-800:]
