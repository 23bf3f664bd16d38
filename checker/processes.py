"""Run an outside program (LibreOffice, Graphviz) so that it always ends: in a process group of its own,
with a wall-clock timeout and a CPU-time limit; on timeout the whole group is killed, so no soffice is
left running at 100 % CPU as an orphan."""

from __future__ import annotations

import math
import os
import signal
import subprocess
from collections.abc import Sequence


class Timeout(Exception):
    """The program did not finish in time; it and everything it started have been killed."""


def _limits(cpu_seconds: float | None):
    limit = int(math.ceil(cpu_seconds)) if cpu_seconds else None

    def apply() -> None:
        if limit:
            import resource

            resource.setrlimit(resource.RLIMIT_CPU, (limit, limit + 5))

    return apply


def run_bounded(
    cmd: Sequence[str], *, timeout: float, input: bytes | None = None, cpu_seconds: float | None = None
) -> subprocess.CompletedProcess:
    """Like subprocess.run(capture_output=True), bounded as the module docstring says."""
    proc = subprocess.Popen(
        list(cmd),
        stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group: killed together
        preexec_fn=_limits(cpu_seconds),
    )
    try:
        out, err = proc.communicate(input=input, timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        raise Timeout(cmd[0]) from None
    except BaseException:
        _kill_group(proc)
        raise
    finally:
        # a child that left a grandchild behind in the group (LibreOffice's oosplash → soffice.bin)
        _kill_group(proc, quiet=True)
    return subprocess.CompletedProcess(list(cmd), proc.returncode, out, err)


def _kill_group(proc: subprocess.Popen, quiet: bool = False) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    if not quiet:
        try:
            proc.communicate(timeout=10)
        except (subprocess.TimeoutExpired, ValueError, OSError):
            pass
