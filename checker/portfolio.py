"""Many dossiers in one run: `aftale check` and `aftale validate` given several dossiers, or a folder that
holds them (a kommune's or housing organisation's plans, a consultant's, LBF's).

Each dossier is checked exactly as alone; one process (or `--jobs N` processes) checks them all, so the
start-up and what is read once (schemas, rule sets, templates of messages) is paid once, not per dossier.
A dossier that cannot be checked at all is a row of its own with the reason; the others go on.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from checker import stopping
from checker.dossier import require_folder
from checker.findings import CouldNotRun, Result, Severity, Text

AGREEMENT = "samarbejdsaftale.json"


@dataclass
class Entry:
    """One dossier of the portfolio: what its agreement says of itself, and its check."""

    path: Path
    result: Result | None = None
    failure: Text | None = None  # why it could not be checked
    plan: str | None = None
    start: str | None = None
    end: str | None = None
    next_deadline: tuple[str, str] | None = None  # (date, what)
    extra: dict = field(default_factory=dict)

    @property
    def errors(self) -> int:
        return self.result.count(Severity.ERROR) if self.result else 0

    @property
    def warnings(self) -> int:
        return self.result.count(Severity.WARNING) if self.result else 0


def is_dossier(folder: Path) -> bool:
    return (folder / AGREEMENT).is_file()


def dossiers(arguments: list[str]) -> list[Path]:
    """The dossiers the arguments name: a dossier folder is itself; a folder without an agreement stands
    for the dossiers directly in it (sorted by name; hidden folders and links left out). Raises
    CouldNotRun for an argument that is neither, naming it."""
    found: list[Path] = []
    for argument in arguments:
        path = require_folder(argument)
        if is_dossier(path):
            found.append(path)
            continue
        try:
            inside = sorted(
                p for p in path.iterdir() if not p.name.startswith(".") and not p.is_symlink() and p.is_dir()
            )
        except OSError as exc:
            raise CouldNotRun(
                Text(
                    f"Mappen {path} kan ikke læses: {exc.strerror}.",
                    f"The folder {path} cannot be read: {exc.strerror}.",
                )
            ) from None
        held = [p for p in inside if is_dossier(p)]
        if not held:
            raise CouldNotRun(
                Text(
                    f"{path} er hverken et dossier (ingen {AGREEMENT}) eller en mappe med dossierer.",
                    f"{path} is neither a dossier (no {AGREEMENT}) nor a folder of dossiers.",
                )
            )
        found.extend(held)
    unique: dict[Path, Path] = {}
    for p in found:
        unique.setdefault(p.resolve(), p)  # the same dossier named twice is checked once
    return list(unique.values())


def describe(entry: Entry, today: date) -> None:
    """Fill in the plan, period and next deadline from the dossier's own files (without trusting them)."""
    import json

    try:
        agreement = json.loads((entry.path / AGREEMENT).read_bytes().decode("utf-8-sig"))
    except (OSError, ValueError, RecursionError):
        return
    if not isinstance(agreement, dict):
        return
    plan = agreement.get("helhedsplan")
    entry.plan = plan if isinstance(plan, str) else None
    period = agreement.get("periode") if isinstance(agreement.get("periode"), dict) else {}
    entry.start = period.get("start") if isinstance(period.get("start"), str) else None
    entry.end = period.get("slut") if isinstance(period.get("slut"), str) else None
    entry.next_deadline = next_milestone(entry.path, today)


def next_milestone(folder: Path, today: date) -> tuple[str, str] | None:
    """(date, title) of the first milestone on or after `today` in the milepælsplan, if there is one."""
    import json

    try:
        plan = json.loads((folder / "milepaelsplan.json").read_bytes().decode("utf-8-sig"))
    except (OSError, ValueError, RecursionError):
        return None
    found = []
    years = plan.get("projektaar") if isinstance(plan, dict) else None
    for year in years if isinstance(years, list) else []:
        milestones = year.get("milepaele") if isinstance(year, dict) else None
        for m in milestones if isinstance(milestones, list) else []:
            if isinstance(m, dict) and isinstance(m.get("dato"), str) and m["dato"] >= today.isoformat():
                title = m.get("titel")
                found.append((m["dato"], title if isinstance(title, str) else ""))
    return min(found) if found else None


def _one(work: Callable[[Path], Result], path: Path, today: date) -> Entry:
    entry = Entry(path)
    try:
        entry.result = work(path)
    except CouldNotRun as exc:
        entry.failure = exc.text
    except (OSError, RecursionError, MemoryError) as exc:  # one dossier's trouble is not the portfolio's
        entry.failure = Text(
            f"Dossieret kunne ikke kontrolleres ({type(exc).__name__}).",
            f"The dossier could not be checked ({type(exc).__name__}).",
        )
    describe(entry, today)
    return entry


# what a forked worker runs: the work function is set before the pool forks, so it need not be pickled
_WORK: Callable[[Path], Result] | None = None


def _worker_start(parent: int) -> None:
    """A worker leaves Ctrl-C to the parent (which stops the pool) and dies with it, however it ends."""
    import signal

    from checker.processes import die_with_parent  # loaded by the parent before the fork

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent(parent)


def _in_worker(path: Path, today: date) -> Entry:
    assert _WORK is not None
    return _one(_WORK, path, today)


def run(
    paths: list[Path], work: Callable[[Path], Result], *, jobs: int = 1, today: date | None = None
) -> Iterator[Entry]:
    """Each dossier's Entry, in the order given, as each is done: in this process, or in `jobs` forked
    processes (each checking several dossiers in turn, so each pays its start-up once)."""
    today = today or date.today()
    jobs = max(1, min(jobs, len(paths), os.cpu_count() or 1))
    if len(paths) > 1:
        # imported once here, so the child that reads each dossier's PDF annexes has it already
        import pdfplumber  # noqa: F401
    if jobs == 1:
        for path in paths:
            stopping.checkpoint()
            yield _one(work, path, today)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from checker.processes import prepare_to_fork

    global _WORK
    _WORK = work
    try:
        prepare_to_fork()
        with ProcessPoolExecutor(
            jobs,
            mp_context=multiprocessing.get_context("fork"),
            initializer=_worker_start,
            initargs=(os.getpid(),),
        ) as pool:
            yield from pool.map(_in_worker, paths, [today] * len(paths), chunksize=1)
    finally:
        _WORK = None


def exit_code(entries: list[Entry], *, strict: bool = False) -> int:
    """2 if any dossier could not be checked, 1 if any has errors (or warnings, with --strict), else 0."""
    if any(e.failure for e in entries):
        return 2
    if any(e.errors or (strict and e.warnings) for e in entries):
        return 1
    return 0
