"""What the benchmark scripts share: a whole process timed, and a power law fitted to a series."""

from __future__ import annotations

import math
import statistics
import subprocess
import time


def timed(args: list[str]) -> float:
    """Wall seconds of one run of `args`; a run that could not do its job (exit 2 or worse) stops all."""
    start = time.perf_counter()
    run = subprocess.run(args, capture_output=True)
    elapsed = time.perf_counter() - start
    if run.returncode not in (0, 1):
        raise SystemExit(f"{args[:3]} exit {run.returncode}: {run.stderr.decode()[-500:]}")
    return elapsed


def fit(points: list[tuple[int, float]]) -> float:
    """The exponent b of t = a * n^b, least squares in log-log (1.0: linear)."""
    xs = [math.log(n) for n, _ in points]
    ys = [math.log(t) for _, t in points]
    mx, my = statistics.mean(xs), statistics.mean(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum((x - mx) ** 2 for x in xs)
