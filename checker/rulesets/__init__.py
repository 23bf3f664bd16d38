"""Rule sets as data: one JSON file per fund (lbf-2015-2018.json ...), validated against
schemas/regelsaet.schema.json. Adding a rule set means adding a file here or in a folder given with
--regelsaet-dir; no code changes."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from checker.findings import CouldNotRun, Text

BUILTIN_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class RequiredAnnex:
    type: str
    navn: str
    formater: tuple[str, ...]
    pr_indsatsomraade: bool
    kilde: str


@dataclass(frozen=True)
class RuleSet:
    id: str
    navn: str
    kilde: str
    indsatsomraader: dict[str, str]  # nummer -> navn
    bilag: tuple[RequiredAnnex, ...]
    min_lokal_procent: float
    periode_aar: int
    path: Path

    def annex(self, annex_type: str) -> RequiredAnnex | None:
        return next((a for a in self.bilag if a.type == annex_type), None)


def _dirs(extra: Path | None) -> list[Path]:
    return [extra, BUILTIN_DIR] if extra else [BUILTIN_DIR]


def available(extra: Path | None = None) -> list[str]:
    ids: list[str] = []
    for folder in _dirs(extra):
        ids += [p.stem for p in sorted(folder.glob("*.json")) if p.stem not in ids]
    return ids


def load(ruleset_id: str, extra: Path | None = None) -> RuleSet | None:
    """The rule set with this id, or None if there is none. A broken rule-set file cannot run (exit 2)."""
    for folder in _dirs(extra):
        path = folder / f"{ruleset_id}.json"
        if path.is_file():
            return _parse(path)
    return None


def _parse(path: Path) -> RuleSet:
    from jsonschema import Draft202012Validator

    from checker.schema import SchemaRegistry

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CouldNotRun(
            Text(f"Regelsættet {path} kan ikke læses: {exc}.", f"The rule set {path} cannot be read: {exc}.")
        ) from None
    registry = SchemaRegistry()
    validator = Draft202012Validator(registry.by_file["regelsaet.schema.json"], registry=registry.registry)
    errors = sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        where = "/" + "/".join(map(str, errors[0].absolute_path))
        raise CouldNotRun(
            Text(
                f"Regelsættet {path} er ugyldigt ved {where}: {errors[0].message}",
                f"The rule set {path} is invalid at {where}: {errors[0].message}",
            )
        )
    if data["id"] != path.stem:
        raise CouldNotRun(
            Text(
                f"Regelsættet {path} har id »{data['id']}«; filen skal hedde {data['id']}.json.",
                f"The rule set {path} has id '{data['id']}'; the file must be named {data['id']}.json.",
            )
        )
    return RuleSet(
        id=data["id"],
        navn=data["navn"],
        kilde=data["kilde"],
        indsatsomraader={a["nummer"]: a["navn"] for a in data["indsatsomraader"]},
        bilag=tuple(
            RequiredAnnex(
                b["type"],
                b["navn"],
                tuple(b["formater"]),
                b.get("pr_indsatsomraade", False),
                b.get("kilde", data["kilde"]),
            )
            for b in data["paakraevede_bilag"]
        ),
        min_lokal_procent=data["min_lokal_medfinansiering_procent"],
        periode_aar=data["periode_aar"],
        path=path,
    )
