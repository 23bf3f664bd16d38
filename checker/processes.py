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


# --------------------------------------------------------------------------- Python work in a bounded child

TIMED_OUT = ("timeout",)
STOPPED = ("stopped",)
OUT_OF_MEMORY = ("memory",)


def vm_size() -> int:
    """This process's address space in bytes (0 where /proc cannot tell)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def call_in_child(work, *, seconds: float, memory: int) -> tuple:
    """Run work() (returning a picklable tuple) in a forked child with `seconds` of CPU and wall-clock
    time and `memory` bytes more address space than it inherits. Returns work's tuple, or TIMED_OUT,
    STOPPED (killed by a limit), OUT_OF_MEMORY; an exception in work is raised here as RuntimeError with
    the child's traceback (an internal bug, shown loudly). Without fork, work() runs in process."""
    import multiprocessing

    try:
        ctx = multiprocessing.get_context("fork")
    except ValueError:
        return work()
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child_main, args=(work, child, seconds, memory), daemon=True)
    proc.start()
    child.close()
    try:
        if not parent.poll(seconds + 10):
            return TIMED_OUT
        try:
            reply = parent.recv()
        except (EOFError, OSError):
            return STOPPED
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join(5)
        parent.close()
    if reply[0] == "crash":
        raise RuntimeError("the work failed in the child process:\n" + reply[1])
    return reply


def _child_main(work, conn, seconds: float, memory: int) -> None:
    import resource

    try:
        vm = vm_size()
        if vm:
            resource.setrlimit(resource.RLIMIT_AS, (vm + memory, vm + memory))
        limit = int(math.ceil(seconds))
        resource.setrlimit(resource.RLIMIT_CPU, (limit, limit + 5))
        conn.send(work())
    except MemoryError:
        conn.send(OUT_OF_MEMORY)
    except BaseException:
        import traceback

        conn.send(("crash", traceback.format_exc()))
    finally:
        conn.close()
