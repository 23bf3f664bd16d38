"""Rule sets as data: one JSON file per fund (lbf-2015-2018.json, lbf-2019-2026.json ...), validated
against schemas/regelsaet.schema.json. Adding a rule set means adding a file; no code changes.

Every command finds a dossier's rule set in the same places, first match wins:
1. a folder given with --regelsaet-dir DIR (any command; `use_dir`),
2. the folders in the environment variable AFTALE_REGELSAET_DIR (several separated by ":"),
3. the rule sets shipped with aftale (this folder).

Besides the indsatsområder and the required annexes, a rule set lists its requirements ("krav") by
ids the checker knows (REQUIREMENTS); each carries its source and whether it is verified or assumed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from checker.findings import CouldNotRun, Text

BUILTIN_DIR = Path(__file__).resolve().parent
ENV = "AFTALE_REGELSAET_DIR"

# requirement id -> (its parameters, what it asks, in each language)
REQUIREMENTS: dict[str, tuple[tuple[str, ...], str, str]] = {
    "lokal-medfinansiering": (
        ("min_procent",),
        "den lokale medfinansiering er mindst min_procent % af det samlede budget",
        "the local co-financing is at least min_procent % of the total budget",
    ),
    "periode": (
        ("max_aar", "min_aar"),
        "perioden varer højst max_aar år (og mindst min_aar, hvis angivet)",
        "the period lasts at most max_aar years (and at least min_aar, if given)",
    ),
    "bestyrelse-ledelse": (
        (),
        "bestyrelsen har medlemmer på ledelsesniveau fra kommunen og boligorganisationerne",
        "the board has leadership-level members of the municipality and the housing associations",
    ),
    "boligsociale-data": (
        (),
        "indsatsen måles centralt i Landsbyggefondens Boligsociale Data",
        "the programme is measured centrally in LBF's Boligsociale Data",
    ),
}

_chosen: list[Path] = []


def use_dir(folder: str | os.PathLike | None) -> None:
    """Search this folder first (the --regelsaet-dir option of every command)."""
    _chosen.clear()
    if folder:
        _chosen.append(Path(folder))


def search_dirs(extra: Path | None = None) -> list[Path]:
    """The folders searched for rule sets, in order."""
    env = [Path(p) for p in os.environ.get(ENV, "").split(os.pathsep) if p.strip()]
    wrong = next((d for d in env if not d.is_dir()), None)
    if wrong is not None:
        raise CouldNotRun(
            Text(
                f"Miljøvariablen {ENV} nævner {wrong}, som ikke er en mappe.",
                f"The environment variable {ENV} names {wrong}, which is not a folder.",
            )
        )
    dirs = ([extra] if extra else []) + _chosen + env + [BUILTIN_DIR]
    out: list[Path] = []
    for d in dirs:
        if d not in out:
            out.append(d)
    return out


def where_text() -> Text:
    """Where rule sets are looked for, for the message about an unknown one."""
    env = os.environ.get(ENV) or "ikke sat"
    env_en = os.environ.get(ENV) or "not set"
    return Text(
        f"de medfølgende i {BUILTIN_DIR}, en mappe angivet med --regelsaet-dir og mapperne i miljøvariablen {ENV} ({env})",
        f"the shipped ones in {BUILTIN_DIR}, a folder given with --regelsaet-dir and the folders in the environment variable {ENV} ({env_en})",
    )


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
    krav: dict[str, dict] = field(default_factory=dict)  # requirement id -> its entry
    path: Path = BUILTIN_DIR

    def annex(self, annex_type: str) -> RequiredAnnex | None:
        return next((a for a in self.bilag if a.type == annex_type), None)

    def requires(self, requirement: str) -> dict | None:
        return self.krav.get(requirement)

    @property
    def min_lokal_procent(self) -> float | None:
        entry = self.krav.get("lokal-medfinansiering")
        return entry["min_procent"] if entry and "min_procent" in entry else None

    @property
    def periode_aar(self) -> tuple[int | None, int | None]:
        """(fewest, most) years the period may last; None where the rule set sets no bound."""
        entry = self.krav.get("periode") or {}
        return entry.get("min_aar"), entry.get("max_aar")


def available(extra: Path | None = None) -> list[str]:
    ids: list[str] = []
    for folder in search_dirs(extra):
        try:
            ids += [p.stem for p in sorted(folder.glob("*.json")) if p.stem not in ids]
        except OSError:
            continue
    return ids


_cache: dict[tuple[Path, int, int], RuleSet] = {}


def load(ruleset_id: str, extra: Path | None = None) -> RuleSet | None:
    """The rule set with this id, or None if there is none. A broken rule-set file cannot run (exit 2)."""
    if not ruleset_id or "/" in ruleset_id or ruleset_id.startswith("."):
        return None
    for folder in search_dirs(extra):
        path = folder / f"{ruleset_id}.json"
        if path.is_file():
            stat = path.stat()
            key = (path.resolve(), stat.st_mtime_ns, stat.st_size)
            if key not in _cache:
                _cache[key] = _parse(path)
            return _cache[key]
    return None


def _parse(path: Path) -> RuleSet:
    from jsonschema import Draft202012Validator

    from checker.jsonsource import load_strict
    from checker.schema import SchemaRegistry

    # through the dossier loader: a size limit, a depth limit, a byte order mark allowed, duplicate keys
    source = load_strict(path, path.name, Text("Regelsættet kan ikke læses.", "The rule set cannot be read."))
    data = source.data
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
    krav: dict[str, dict] = {}
    for k, entry in enumerate(data["krav"]):
        known = REQUIREMENTS.get(entry["id"])
        if known is None:
            raise CouldNotRun(
                Text(
                    f"Regelsættet {path} nævner et ukendt krav »{entry['id']}« (krav/{k}); aftale kender: "
                    + ", ".join(REQUIREMENTS)
                    + ".",
                    f"The rule set {path} names an unknown requirement '{entry['id']}' (krav/{k}); aftale knows: "
                    + ", ".join(REQUIREMENTS)
                    + ".",
                )
            )
        stray = [p for p in entry if p not in ("id", "kilde", "status", "beskrivelse", *known[0])]
        if stray or entry["id"] in krav:
            what = f"parameteren »{stray[0]}«" if stray else "kravet for anden gang"
            what_en = f"the parameter '{stray[0]}'" if stray else "the requirement a second time"
            raise CouldNotRun(
                Text(
                    f"Regelsættet {path}: kravet »{entry['id']}« (krav/{k}) har {what}.",
                    f"The rule set {path}: the requirement '{entry['id']}' (krav/{k}) has {what_en}.",
                )
            )
        krav[entry["id"]] = entry
    period = krav.get("periode", {})
    if "min_aar" in period and "max_aar" in period and period["min_aar"] > period["max_aar"]:
        raise CouldNotRun(
            Text(
                f"Regelsættet {path}: kravet »periode« har min_aar {period['min_aar']} over max_aar {period['max_aar']}.",
                f"The rule set {path}: the requirement 'periode' has min_aar {period['min_aar']} above max_aar {period['max_aar']}.",
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
        krav=krav,
        path=path,
    )
