"""Where the bundled schemas and templates are: inside the installed wheel, or in the repository."""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache
def _find(name: str) -> Path:
    # Installed wheel: checker/<name>; editable install or checkout: <repo>/<name>.
    for candidate in (_PACKAGE / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise RuntimeError(f"the bundled folder {name!r} is missing from the installation")


def schema_dir() -> Path:
    return _find("schemas")


def template_dir() -> Path:
    return _find("templates")
