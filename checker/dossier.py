"""Find a dossier's source files. A dossier is a folder holding samarbejdsaftale.json.

Only files inside the dossier are read: a symlink that leads out of it is reported, never followed.
Hidden folders (.vscode, .git) are skipped.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from checker.findings import CouldNotRun, Finding, Severity, Text

AGREEMENT_FILE = "samarbejdsaftale.json"
MAX_FILES = 2000  # a dossier holds tens of files; stop walking a folder that is clearly something else


@dataclass
class Dossier:
    root: Path
    json_files: list[tuple[Path, str]] = field(default_factory=list)  # (absolute path, dossier-relative)
    findings: list[Finding] = field(default_factory=list)


def require_folder(folder: str | os.PathLike) -> Path:
    """The folder as a Path; CouldNotRun when it does not exist or is not a folder, naming it."""
    root = Path(folder)
    if not root.exists():
        raise CouldNotRun(Text(f"Mappen {root} findes ikke.", f"The folder {root} does not exist."))
    if not root.is_dir():
        raise CouldNotRun(
            Text(
                f"{root} er ikke en mappe; angiv dossierets mappe.",
                f"{root} is not a folder; give the dossier's folder.",
            )
        )
    return root


def open_dossier(folder: str | os.PathLike, *, any_version: bool = False) -> Dossier:
    """The dossier's JSON files. A dossier of another schema version cannot be opened (exit 2, saying
    whether to run »aftale migrate« or update aftale), unless `any_version` (for migrate itself)."""
    root = require_folder(folder)
    if not (root / AGREEMENT_FILE).is_file():
        raise CouldNotRun(
            Text(
                f"{root} er ikke et dossier: mappen har ingen {AGREEMENT_FILE}. "
                "Opret et nyt dossier med »aftale new MAPPE«.",
                f"{root} is not a dossier: the folder has no {AGREEMENT_FILE}. "
                "Create a new dossier with 'aftale new FOLDER'.",
            )
        )
    if not any_version:
        from checker.model import version_problem

        problem = version_problem(root)
        if problem is not None:
            raise CouldNotRun(problem)
    dossier = Dossier(root)
    real_root = root.resolve()
    count = 0
    try:
        walker = os.walk(root, followlinks=False, onerror=_raise)
        for dirpath, dirnames, filenames in walker:
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            here = Path(dirpath)
            for name in list(dirnames):
                sub = here / name
                if sub.is_symlink():
                    dirnames.remove(name)
                    rel = sub.relative_to(root).as_posix()
                    if not _inside(sub, real_root):
                        dossier.findings.append(outside_finding(rel))
            for name in sorted(filenames):
                if name.startswith(".") or not name.endswith(".json"):
                    continue
                count += 1
                if count > MAX_FILES:
                    raise CouldNotRun(
                        Text(
                            f"{root} har mere end {MAX_FILES} JSON-filer; er det den rigtige mappe?",
                            f"{root} has more than {MAX_FILES} JSON files; is it the right folder?",
                        )
                    )
                path = here / name
                rel = path.relative_to(root).as_posix()
                if path.is_symlink() and not _inside(path, real_root):
                    dossier.findings.append(outside_finding(rel))
                    continue
                if path.exists() and not path.is_file():  # a FIFO or device would block or never end
                    dossier.findings.append(
                        Finding(
                            "not-a-file",
                            Severity.ERROR,
                            Text(
                                f"{rel} er ikke en almindelig fil og bliver ikke læst.",
                                f"{rel} is not a regular file and is not read.",
                            ),
                            rel,
                        )
                    )
                    continue
                dossier.json_files.append((path, rel))
    except OSError as exc:
        raise CouldNotRun(
            Text(
                f"Kan ikke læse mappen {exc.filename}: {exc.strerror}.",
                f"Cannot read the folder {exc.filename}: {exc.strerror}.",
            )
        ) from None
    dossier.json_files.sort(key=lambda item: (item[1] != AGREEMENT_FILE, item[1]))
    return dossier


def _raise(exc: OSError) -> None:
    raise exc


def _inside(path: Path, real_root: Path) -> bool:
    try:
        path.resolve().relative_to(real_root)
    except (ValueError, OSError, RuntimeError):
        return False
    return True


def outside_finding(rel: str) -> Finding:
    return Finding(
        "path-outside-dossier",
        Severity.ERROR,
        Text(
            f"{rel} peger uden for dossierets mappe og bliver ikke læst.",
            f"{rel} points outside the dossier's folder and is not read.",
        ),
        rel,
        hint=Text(
            "Kopiér filen ind i dossieret i stedet for at henvise til den med et link.",
            "Copy the file into the dossier instead of linking to it.",
        ),
    )
