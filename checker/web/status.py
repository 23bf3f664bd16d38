"""The overview's facts about each dossier, computed once per state of its files.

Checking a dossier takes a tenth of a second or more; the overview lists many. Each dossier's check is
therefore kept with a fingerprint of its files (names, sizes, modification times): the overview shows
what is known at once, and a background thread checks the dossiers whose files changed, which the page
then asks for (/api/status).
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path

from checker.findings import CouldNotRun, Result


@dataclass
class Status:
    fingerprint: tuple
    result: Result | None
    failure: str | None = None  # why the check could not run (both languages joined)


def fingerprint(folder: Path) -> tuple:
    entries = []
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            try:
                st = os.lstat(os.path.join(dirpath, name))
            except OSError:
                continue
            entries.append((os.path.relpath(os.path.join(dirpath, name), folder), st.st_size, st.st_mtime_ns))
    return tuple(entries)


class StatusCache:
    def __init__(self) -> None:
        self._known: dict[Path, Status] = {}
        self._lock = threading.Lock()
        self._wanted: set[Path] = set()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def get(self, folder: Path) -> Status | None:
        """The status if it is current (its files unchanged since it was computed); otherwise None,
        and the dossier is queued for checking."""
        with self._lock:
            known = self._known.get(folder)
        if known is not None and known.fingerprint == fingerprint(folder):
            return known
        self.want(folder)
        return None

    def put(
        self, folder: Path, result: Result | None, failure: str | None = None, fp: tuple | None = None
    ) -> None:
        with self._lock:
            self._known[folder] = Status(fp if fp is not None else fingerprint(folder), result, failure)

    def compute(self, folder: Path) -> Status:
        from checker.check import check_dossier

        fp = fingerprint(folder)
        try:
            result, failure = check_dossier(folder), None
        except CouldNotRun as exc:
            result, failure = None, f"{exc.text.da} / {exc.text.en}"
        except (OSError, ValueError, RecursionError, MemoryError) as exc:
            result, failure = None, type(exc).__name__
        status = Status(fp, result, failure)
        with self._lock:
            self._known[folder] = status
        return status

    def want(self, folder: Path) -> None:
        with self._lock:
            self._wanted.add(folder)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._work, name="aftale-status", daemon=True)
                self._thread.start()
        self._wake.set()

    def _work(self) -> None:
        while True:
            with self._lock:
                folder = min(self._wanted) if self._wanted else None
                if folder is not None:
                    self._wanted.discard(folder)
            if folder is None:
                self._wake.clear()
                if not self._wake.wait(30):
                    return
                continue
            if folder.is_dir():
                self.compute(folder)
