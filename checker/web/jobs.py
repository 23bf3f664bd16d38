"""Long operations (build, package) off the request thread, with progress the page asks for.

A job runs in its own thread; it reports steps with `job.step(Text)`; the page polls /api/jobs/{id}.
One job at a time per dossier: a second build of the same dossier while one runs is refused, as the
dossier lock would refuse it on the command line.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from checker.findings import CouldNotRun, Text

KEEP = 200  # finished jobs remembered


@dataclass
class Job:
    id: str
    kind: str
    dossier: Path
    steps: list[Text] = field(default_factory=list)
    state: str = "running"  # running, done, refused, failed
    result: Any = None
    message: Text | None = None
    started: float = field(default_factory=time.monotonic)
    ended: float | None = None

    def step(self, text: Text) -> None:
        self.steps.append(text)

    def as_dict(self, lang: str) -> dict:
        return {
            "id": self.id,
            "kind": self.kind,
            "state": self.state,
            "steps": [s.get(lang) for s in self.steps],
            "message": self.message.get(lang) if self.message else None,
            "seconds": round((self.ended or time.monotonic()) - self.started, 1),
        }


class Refused(Exception):
    """The operation ran and said no (findings): the job ends 'refused' with this message."""

    def __init__(self, text: Text, result: Any = None):
        super().__init__(text.en)
        self.text = text
        self.result = result


class Jobs:
    def __init__(self) -> None:
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def of(self, job_id: str, dossier: Path, kind: str | Callable[[str], bool]) -> Job | None:
        """The job `job_id` if it is one of `dossier`'s of that kind (a job id from another dossier's page
        reaches nothing)."""
        job = self.get(job_id)
        if job is None or job.dossier != dossier:
            return None
        return job if (kind(job.kind) if callable(kind) else job.kind == kind) else None

    def running(self, dossier: Path, kind: str | None = None) -> Job | None:
        with self._lock:
            return next(
                (
                    j
                    for j in self._jobs.values()
                    if j.dossier == dossier and j.state == "running" and (kind is None or j.kind == kind)
                ),
                None,
            )

    def latest(self, dossier: Path, kind: str) -> Job | None:
        with self._lock:
            found = [j for j in self._jobs.values() if j.dossier == dossier and j.kind == kind]
        return max(found, key=lambda j: j.started) if found else None

    def start(self, kind: str, dossier: Path, work: Callable[[Job], Any]) -> Job:
        """Run `work(job)` in a thread. CouldNotRun and Refused end the job with their message; any other
        exception ends it 'failed' with its type, never a traceback in the page."""
        with self._lock:
            busy = next(
                (j for j in self._jobs.values() if j.dossier == dossier and j.state == "running"), None
            )
            if busy is not None:
                raise CouldNotRun(
                    Text(
                        f"Dossieret er optaget af en anden opgave ({busy.kind}); vent, til den er færdig.",
                        f"The dossier is busy with another task ({busy.kind}); wait until it has finished.",
                    )
                )
            job = Job(secrets.token_hex(8), kind, dossier)
            self._jobs[job.id] = job
            if len(self._jobs) > KEEP:
                for old in sorted(self._jobs.values(), key=lambda j: j.started)[: len(self._jobs) - KEEP]:
                    if old.state != "running":
                        del self._jobs[old.id]

        def run() -> None:
            try:
                job.result = work(job)
                job.state = "done"
            except Refused as exc:
                job.state, job.message, job.result = "refused", exc.text, exc.result
            except CouldNotRun as exc:
                job.state, job.message = "failed", exc.text
            except Exception as exc:  # noqa: BLE001 - the page says what kind of failure, the server goes on
                job.state = "failed"
                job.message = Text(
                    f"Opgaven fejlede ({type(exc).__name__}).", f"The task failed ({type(exc).__name__})."
                )
            finally:
                job.ended = time.monotonic()

        threading.Thread(target=run, name=f"aftale-{kind}", daemon=True).start()
        return job
