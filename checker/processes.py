"""Run an outside program (LibreOffice, Graphviz) so that it always ends: in a process group of its own,
with a wall-clock timeout and a CPU-time limit; on timeout the whole group is killed, so no soffice is
left running at 100 % CPU as an orphan."""

from __future__ import annotations

import math
import os
import resource
import signal
import subprocess
import time
import weakref
from collections.abc import Callable, Sequence

from checker import stopping


class Timeout(Exception):
    """The program did not finish in time; it and everything it started have been killed."""


def cpu_limit(cpu_seconds: float | None):
    """A preexec_fn giving the program (and what it starts) `cpu_seconds` of CPU time, or no limit.
    `resource` is imported here, in this process: the forked child must import nothing, since another
    thread (aftale serve's) may hold the import lock at the moment of the fork."""
    limit = int(math.ceil(cpu_seconds)) if cpu_seconds else None

    def apply() -> None:
        if limit:
            resource.setrlimit(resource.RLIMIT_CPU, (limit, limit + 5))

    return apply


TICK = 0.02  # seconds between two calls of run_bounded's `tick`


def run_bounded(
    cmd: Sequence[str],
    *,
    timeout: float,
    input: bytes | None = None,
    cpu_seconds: float | None = None,
    tick: Callable[[], None] | None = None,
) -> subprocess.CompletedProcess:
    """Like subprocess.run(capture_output=True), bounded as the module docstring says. `tick`, if given,
    is called every TICK seconds while the program runs (to use what it has written so far); whatever
    it raises stops the program and is raised here."""
    proc = subprocess.Popen(
        list(cmd),
        stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group: killed together
        preexec_fn=cpu_limit(cpu_seconds),
    )
    deadline = time.monotonic() + timeout
    try:
        while True:
            left = deadline - time.monotonic()
            try:
                out, err = proc.communicate(input=input, timeout=min(left, TICK) if tick else left)
                break
            except subprocess.TimeoutExpired:
                input = None  # sent by the first call; a retried communicate loses nothing
                stopping.checkpoint()
                if tick is None or time.monotonic() >= deadline:
                    _kill_group(proc)
                    raise Timeout(cmd[0]) from None
                tick()
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
    return start_in_child(work, seconds=seconds, memory=memory).result()


class Child:
    """work() running in a forked child (start_in_child): result() waits for its tuple as call_in_child
    describes; stop() kills it when its result is no longer wanted. The wall clock runs from the start,
    so the caller can do other work meanwhile without lengthening the child's allowance."""

    def __init__(self, work, *, seconds: float, memory: int) -> None:
        import multiprocessing
        import time

        self._seconds = seconds
        self._deadline = time.monotonic() + seconds + 10
        self._reply: tuple | None = None
        self._proc = None
        try:
            ctx = multiprocessing.get_context("fork")
        except ValueError:  # no fork here: the work runs now, in process
            self._reply = work()
            return
        prepare_to_fork()
        self._parent, child = ctx.Pipe(duplex=False)
        self._proc = ctx.Process(
            target=_child_main,
            args=(work, child, self._parent, os.getpid(), seconds, memory),
            daemon=True,
        )
        self._proc.start()
        child.close()

    def result(self) -> tuple:
        import time

        if self._reply is not None or self._proc is None:
            return self._reply
        try:
            if not self._parent.poll(max(0.0, self._deadline - time.monotonic())):
                self._reply = TIMED_OUT
            else:
                try:
                    self._reply = self._parent.recv()
                except (EOFError, OSError):
                    self._reply = STOPPED
        finally:
            self.stop()
        if self._reply[0] == "crash":
            raise RuntimeError("the work failed in the child process:\n" + self._reply[1])
        return self._reply

    def stop(self) -> None:
        """Kill the child if it still runs, and release the pipe (safe to call more than once)."""
        if self._proc is None:
            return
        if self._proc.is_alive():
            self._proc.kill()
        self._proc.join(5)
        self._parent.close()
        self._proc = None
        if self._reply is None:
            self._reply = STOPPED


def start_in_child(work, *, seconds: float, memory: int) -> Child:
    """call_in_child without waiting: the child starts now, Child.result() collects it."""
    return Child(work, seconds=seconds, memory=memory)


def _child_main(work, conn, reader, parent: int, seconds: float, memory: int) -> None:
    # Nothing of the parent's that must end with it stays open here: the pipe's reading end (with it
    # closed, a child whose parent has died gets an error sending, rather than waiting for ever) and
    # the files registered with not_for_children. And the child dies with its parent.
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: it stops us
    reader.close()
    for fileobj in list(_NOT_FOR_CHILDREN):
        try:
            fileobj.close()
        except OSError:
            pass
    die_with_parent(parent)
    try:
        vm = vm_size()
        if vm:
            resource.setrlimit(resource.RLIMIT_AS, (vm + memory, vm + memory))
        limit = int(math.ceil(seconds))
        resource.setrlimit(resource.RLIMIT_CPU, (limit, limit + 5))
        reply = work()
    except MemoryError:
        reply = OUT_OF_MEMORY
    except BaseException:
        import traceback

        reply = ("crash", traceback.format_exc())
    try:
        conn.send(reply)
    except (OSError, ValueError):
        pass  # the parent is gone, or stopped listening: nobody to tell
    finally:
        conn.close()


#: files a forked child closes first (checker.libreoffice.Office's pipe to its watchdog: while any
#: process holds it open, the watchdog cannot learn that the build has ended)
_NOT_FOR_CHILDREN: weakref.WeakSet = weakref.WeakSet()


def not_for_children(fileobj) -> None:
    """Register an open file that processes forked by start_in_child must close."""
    _NOT_FOR_CHILDREN.add(fileobj)


_PRCTL: list = []


def prepare_to_fork() -> None:
    """Load, in the parent, what die_with_parent needs: a forked child must import nothing (another
    thread may hold the import lock at the moment of the fork)."""
    if not _PRCTL:
        try:
            import ctypes

            _PRCTL.append(ctypes.CDLL(None, use_errno=True).prctl)
        except (OSError, AttributeError):  # not Linux: the pipe's error ends the child instead
            _PRCTL.append(None)


def die_with_parent(parent: int) -> None:
    """Have Linux kill this (forked) process when the thread that started it ends
    (prctl PR_SET_PDEATHSIG); exit at once if the parent `parent` has already gone."""
    if _PRCTL and _PRCTL[0] is not None:
        _PRCTL[0](1, signal.SIGKILL, 0, 0, 0)  # 1 = PR_SET_PDEATHSIG
    if os.getppid() != parent:
        os._exit(1)
