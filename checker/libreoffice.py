"""Run LibreOffice headless, the one way the tool does it: the program found on PATH, a private profile
folder per run (two runs at once do not collide, and the user's own settings play no part), bounded by
checker.processes.run_bounded so a hanging soffice is killed with everything it started.

checker.assemble.pdf converts Word files to PDF/A with it; checker.workbooks recalculates workbooks.
"""

from __future__ import annotations

import contextlib
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
    office: Office | None = None,
) -> subprocess.CompletedProcess:
    """Convert `files` in one LibreOffice run (`--convert-to convert_to`), writing into `outdir` under
    each file's stem. `settings` is a registrymodifications.xcu for the private profile. Whether each
    output is there is for the caller to check: soffice exits 0 even when it could not load a file.
    CouldNotRun when LibreOffice is missing or does not finish within `timeout` seconds (wall and CPU).

    `on_output(i)`, if given, is called once for each file whose output is complete, in the files'
    order, as soon as it is: LibreOffice converts one file after the other, so a file's output is
    complete once the next file's output appears, and the last one's once LibreOffice has ended. The
    caller can work on the first files while the last ones convert; what on_output raises stops
    LibreOffice and is raised here. A file without output is skipped.

    `office`, if given, is a LibreOffice started ahead (Office): this run hands it the files and waits
    for it, so its start-up has already been paid."""
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

    with contextlib.nullcontext(office.profile) if office else _private_profile() as profile:
        if settings is not None:
            user = Path(profile) / "user"
            user.mkdir()
            (user / "registrymodifications.xcu").write_text(settings, encoding="utf-8")
        cmd = [
            executable,
            *profile_options(Path(profile)),
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


@contextlib.contextmanager
def _private_profile():
    profile = new_profile()
    try:
        yield profile
    finally:
        remove_profile(profile)


PROFILE_PREFIX = "aftale-lo-"


def new_profile() -> Path:
    """A new private profile folder, named after this process (checker.files.private_folder); those
    that processes killed before they could remove theirs left behind are removed first."""
    from checker.files import abandoned, private_folder

    for old in abandoned(Path(tempfile.gettempdir()), PROFILE_PREFIX):
        remove_profile(old)
    return private_folder(PROFILE_PREFIX)


def remove_profile(profile: Path) -> None:
    """Remove a profile folder LibreOffice has just been killed in. A process killed in the middle of
    creating a folder finishes that call first, so the folder can reappear for a moment: try again."""
    import shutil
    import time

    for _ in range(40):
        shutil.rmtree(profile, ignore_errors=True)
        if not profile.exists():
            time.sleep(0.02)
            if not profile.exists():
                return
        time.sleep(0.05)


def profile_options(profile: Path) -> list[str]:
    """How the tool always runs soffice: headless, quiet, with the private profile folder `profile`."""
    return [
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--invisible",
        "--nologo",
        "--nodefault",
        "--nolockcheck",
        "--norestore",
    ]


def output_of(proc: subprocess.CompletedProcess, office: Office | None = None) -> str:
    """What LibreOffice said, for a message: the end of its error output (or of its output), or of
    what the LibreOffice started ahead wrote, which did the work."""
    said = (proc.stderr or proc.stdout or b"").decode("utf-8", "replace").strip()
    if office is not None:
        said = (said + "\n" + office.output()).strip()
    return said[-800:]


# The shell between this process and a LibreOffice started ahead. It starts soffice in a session (and
# process group) of its own and waits on its input, a pipe from this process; when the pipe closes
# (close(), or this process ends however it ends, killed included) it kills soffice's whole group and
# every other process that uses the profile (a converting soffice that handed its files over), then
# removes the profile folder, so no soffice and no profile outlive the build.
WATCHDOG = """
program="$1"; profile="$2"; shift 2
setsid "$program" "$@" </dev/null & office=$!
if read _line; then
    # an orderly close: whatever converted through this LibreOffice has ended
    kill -9 "-$office" 2>/dev/null
    wait
    rm -rf -- "$profile"
    exit 0
fi
# the input ended without a line: the build's process is gone (killed); end every soffice that uses
# the profile, the converting one included (it may still be starting its own soffice.bin: look again)
kill -9 "-$office" 2>/dev/null
tries=0
while [ "$tries" -lt 50 ]; do
    found=""
    for proc in /proc/[0-9]*; do
        pid=${proc#/proc/}
        [ "$pid" = "$$" ] && continue
        case "$(tr '\\0' ' ' < "$proc/cmdline" 2>/dev/null)" in
            *"$profile"*) kill -9 "$pid" 2>/dev/null && found=1 ;;
        esac
    done
    [ -z "$found" ] && break
    tries=$((tries + 1))
    sleep 0.1
done
wait
sleep 0.2
rm -rf -- "$profile"
"""


class Office:
    """LibreOffice started ahead of its work: headless, with no document and a private profile. Its
    start-up (about 1.3 s of a nine-document build's 2.6 s) then runs while the caller renders and
    checks. convert(..., office=) hands it the files: a second soffice with the same profile passes its
    command line to the running one through LibreOffice's own single-instance pipe and waits until the
    work is done (if the first is not listening yet, the second simply does the work itself). Use it as
    a context manager, or call close(); `seconds` bounds its CPU time."""

    def __init__(self, executable: str, *, seconds: float) -> None:
        from checker.processes import cpu_limit, not_for_children

        self.profile = new_profile()
        self._log = (self.profile / "office.log").open("wb")
        self._proc = subprocess.Popen(
            ["sh", "-c", WATCHDOG, "sh", executable, str(self.profile), *profile_options(self.profile)],
            stdin=subprocess.PIPE,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # not in this process's group: a Ctrl-C is this process's to handle
            preexec_fn=cpu_limit(seconds),
        )
        not_for_children(self._proc.stdin)  # held by a forked child, it would keep LibreOffice alive

    def output(self) -> str:
        try:
            return (self.profile / "office.log").read_bytes().decode("utf-8", "replace").strip()[-800:]
        except OSError:
            return ""

    def close(self) -> None:
        """End LibreOffice and remove its profile: the watchdog does it when its input closes."""
        try:
            self._proc.stdin.write(b"close\n")  # an orderly close (without it: this process is gone)
            self._proc.stdin.close()
        except OSError:
            pass
        try:
            self._proc.wait(10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        self._log.close()
        remove_profile(self.profile)

    def __enter__(self) -> Office:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def start_office(*, seconds: float) -> Office | None:
    """An Office, or None when LibreOffice is not installed (convert then says so, in its own words)."""
    try:
        return Office(program(), seconds=seconds)
    except CouldNotRun:
        return None
