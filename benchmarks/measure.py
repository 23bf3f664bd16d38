"""What the benchmark scripts share: a whole process timed (with its peak memory), and a power law fitted
to a series."""

from __future__ import annotations

import math
import statistics
import subprocess
import sys
import time

#: started by run() between the benchmark and the command: Linux counts the memory of the process that
#: forks into a child's peak (ru_maxrss), so a command started straight from a large benchmark process
#: would seem as large as it; from this small launcher (about 10 MB) it is measured as itself
LAUNCHER = """
import os, sys, time
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
        os.execvp(sys.argv[1], sys.argv[1:])
    finally:
        os._exit(127)
_pid, status, usage = os.wait4(pid, 0)
print(time.perf_counter() - start, usage.ru_maxrss * 1024, os.waitstatus_to_exitcode(status))
"""


def run(args: list[str]) -> tuple[float, int]:
    """Wall seconds and peak resident memory (bytes) of one run of `args`; a run that could not do its
    job (exit 2 or worse) stops all."""
    proc = subprocess.run([sys.executable, "-S", "-c", LAUNCHER, *args], capture_output=True)
    seconds, peak, code = proc.stdout.split()
    if int(code) not in (0, 1):
        raise SystemExit(f"{args[:3]} exit {code.decode()}: {proc.stderr.decode()[-500:]}")
    return float(seconds), int(peak)


def timed(args: list[str]) -> float:
    """Wall seconds of one run of `args`; a run that could not do its job (exit 2 or worse) stops all."""
    start = time.perf_counter()
    proc = subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{args[:3]} exit {proc.returncode}: {proc.stderr.decode()[-500:]}")
    return elapsed


def fit(points: list[tuple[int, float]]) -> float:
    """The exponent b of t = a * n^b, least squares in log-log (1.0: linear)."""
    xs = [math.log(n) for n, _ in points]
    ys = [math.log(t) for _, t in points]
    mx, my = statistics.mean(xs), statistics.mean(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum((x - mx) ** 2 for x in xs)


def interleaved(commands: dict[str, list[str]], runs: int, warmup: int = 1) -> dict[str, list[float]]:
    """Each command run `runs` times in rounds (a, b, c, a, b, c, ...), after `warmup` uncounted rounds,
    so that a noisy, shared machine slows them alike; the wall seconds of each, by name."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    for i in range(warmup + runs):
        for name, args in commands.items():
            t = timed(args)
            if i >= warmup:
                times[name].append(t)
    return times


def ratio(values: list[float], floor: list[float]) -> float:
    """The median of the per-round ratios of two interleaved series."""
    return statistics.median(v / f for v, f in zip(values, floor, strict=True))
