"""aftale migrate: upgrade a dossier of schema version 1 to version 2, losslessly.

Version 2 gives every party an id, a type from an open list and whether it signs; lets an område have
several afdelinger; lets a body's member refer to a party by id; and adds the financing split and the
bodies' relations (both optional, so nothing has to be invented). What version 1 said is kept: a
member whose organisation is spelt differently from the party keeps that spelling, an organisation
that is not a party stays as written, an owner that is not a party is kept in a remark.

Every file is converted in memory first; then the annexes are written, each atomically, and the
agreement (which carries the version) last. A run that is killed half-way leaves a dossier that still
says version 1, and a second run finishes the job: converting a converted file changes nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from checker.dossier import AGREEMENT_FILE
from checker.findings import CouldNotRun, Text
from checker.model import SCHEMA_VERSION, party_id, schema_version, version_problem
from checker.sign.requirement import same_name

MEMBER_LISTS = {
    "strategisk-samarbejdsaftale": None,  # organisering.organer[].medlemmer
    "kommissorium": ("medlemmer",),
    "beredskabsplan": ("beredskabsgruppe",),
}


@dataclass
class Migration:
    root: Path
    version: int
    changes: list[tuple[str, Text]] = field(default_factory=list)  # (file, what changed)
    texts: dict[str, str] = field(default_factory=dict)  # file -> new content

    def note(self, rel: str, da: str, en: str) -> None:
        self.changes.append((rel, Text(da, en)))


class _Numbers:
    """Numbers kept exactly as written: a fraction or exponent parses to a marker text, and dumping puts
    the original back (json would turn 123456789012345.678 into 123456789012345.67 and 1e2 into 100.0)."""

    def __init__(self) -> None:
        import secrets

        self.token = secrets.token_hex(8)
        self.written: list[str] = []

    def parse(self, text: str) -> str:
        self.written.append(text)
        return f"\u2063{self.token}:{len(self.written) - 1}\u2063"

    def restore(self, dumped: str) -> str:
        import re

        pattern = re.compile('"\u2063' + self.token + ':(\\d+)\u2063"')
        return pattern.sub(lambda m: self.written[int(m.group(1))], dumped)


_NUMBERS = _Numbers()


def dump(data: dict) -> str:
    return _NUMBERS.restore(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _read(path: Path, rel: str) -> object:
    """A file's data as written: through the loader first (size, depth, encoding, duplicate keys, invalid
    characters – any of them stops the migration, naming the file), then parsed with every text and number
    exactly as it is."""
    from checker.jsonsource import load_strict

    source = load_strict(
        path,
        rel,
        Text(
            "Ret filen, før dossieret opgraderes; intet er ændret.",
            "Fix the file before upgrading the dossier; nothing was changed.",
        ),
    )
    return json.loads(source.text, parse_float=_NUMBERS.parse)


def read_version(root: Path) -> tuple[dict | None, int | None]:
    """The agreement and its schema version, or (None, None) when the agreement cannot be read as a JSON
    object (validation reports that)."""
    try:
        data = _read(root / AGREEMENT_FILE, AGREEMENT_FILE)
    except (CouldNotRun, OSError, ValueError):
        return None, None
    if not isinstance(data, dict) or data.get("dokumenttype") != "strategisk-samarbejdsaftale":
        return None, None
    return data, schema_version(data)


# --------------------------------------------------------------------------- converting version 1


def _parties(m: Migration, aftale: dict) -> None:
    if not isinstance(aftale.get("parter"), list):
        return
    used: set[str] = {str(p["id"]) for p in aftale["parter"] if isinstance(p, dict) and "id" in p}
    for k, p in enumerate(aftale["parter"]):
        if isinstance(p, dict) and "id" in p and "underskriver" not in p:
            p["underskriver"] = True
            m.note(
                AGREEMENT_FILE,
                f"parter/{k}: {p.get('navn')} har fået »underskriver«: true",
                f"parter/{k}: {p.get('navn')} got 'underskriver': true",
            )
        if not isinstance(p, dict) or "id" in p:
            continue
        pid = base = party_id(str(p.get("navn", "")))
        n = 2
        while pid in used:
            pid, n = f"{base}-{n}", n + 1
        used.add(pid)
        new = {"id": pid, **p}
        new.setdefault("underskriver", True)
        aftale["parter"][k] = new
        m.note(
            AGREEMENT_FILE,
            f"parter/{k}: {p.get('navn')} har fået id »{pid}« og »underskriver«: true",
            f"parter/{k}: {p.get('navn')} got id '{pid}' and 'underskriver': true",
        )


def _resolve(aftale: dict, name: object) -> dict | None:
    """The one party an organisation's name means: the party spelt exactly so, or else the only one the
    name matches ignoring case, punctuation and æøå spelling. None when no party or several match (the
    organisation then stays as written, never mapped to a guess)."""
    if not isinstance(name, str) or not isinstance(aftale.get("parter"), list):
        return None
    known = [
        p for p in aftale["parter"] if isinstance(p, dict) and isinstance(p.get("navn"), str) and "id" in p
    ]
    exact = [p for p in known if p["navn"] == name]
    if len(exact) == 1:
        return exact[0]
    near = [p for p in known if same_name(p["navn"], name)]
    return near[0] if len(near) == 1 and not exact else None


def _areas(m: Migration, aftale: dict) -> None:
    if not isinstance(aftale.get("omraader"), list):
        return
    for k, area in enumerate(aftale["omraader"]):
        if not isinstance(area, dict) or "afdeling" not in area:
            continue
        old = area["afdeling"]
        if not isinstance(old, dict) or "afdelinger" in area:
            why = ("har både »afdeling« og »afdelinger«", "has both 'afdeling' and 'afdelinger'")
            if not isinstance(old, dict):
                why = ("har en »afdeling«, der ikke er et objekt", "has an 'afdeling' that is not an object")
            raise CouldNotRun(
                Text(
                    f"{AGREEMENT_FILE}: omraader/{k} {why[0]}; det kan ikke opgraderes uden at miste noget. "
                    "Ret det til skemaversion 1's form; intet er ændret.",
                    f"{AGREEMENT_FILE}: omraader/{k} {why[1]}; it cannot be upgraded without losing something. "
                    "Correct it to schema version 1's shape; nothing was changed.",
                )
            )
        afd = {key: value for key, value in old.items() if key != "boligorganisation"}
        owner = old.get("boligorganisation")
        if owner is not None:
            party = _resolve(aftale, owner)
            if party:
                afd["boligorganisation"] = party["id"]
            else:
                shown = owner if isinstance(owner, str) else json.dumps(owner, ensure_ascii=False)
                remark = f"Ejer ifølge kilden: {shown}."
                before = afd.get("bemaerkning")
                if before is not None and not isinstance(before, str):
                    before = json.dumps(before, ensure_ascii=False)
                afd["bemaerkning"] = f"{before} {remark}" if before else remark
        new = {}
        for key, value in area.items():
            if key == "afdeling":
                new["afdelinger"] = [afd]
            else:
                new[key] = value
        aftale["omraader"][k] = new
        m.note(
            AGREEMENT_FILE,
            f"omraader/{k} ({area.get('navn')}): »afdeling« er blevet til listen »afdelinger« med én afdeling",
            f"omraader/{k} ({area.get('navn')}): 'afdeling' became the list 'afdelinger' with one afdeling",
        )


def _members(m: Migration, rel: str, aftale: dict, members: list, where: str) -> None:
    for k, member in enumerate(members):
        if (
            not isinstance(member, dict)
            or "part" in member
            or not isinstance(member.get("organisation"), str)
        ):
            continue
        org = member["organisation"]
        party = _resolve(aftale, org)
        if party is None:
            continue
        new = {}
        for key, value in member.items():
            if key == "organisation":
                new["part"] = party["id"]
                if org != party["navn"]:
                    new["organisation"] = org
            else:
                new[key] = value
        members[k] = new
        m.note(
            rel,
            f"{where}/{k}: organisation »{org}« henviser nu til parten »{party['id']}«",
            f"{where}/{k}: organisation '{org}' now refers to the party '{party['id']}'",
        )


def plan(root: Path) -> Migration:
    """Every change migrate would make, without writing anything."""
    from checker.dossier import open_dossier

    dossier = open_dossier(root, any_version=True)
    if dossier.findings:
        first = dossier.findings[0]
        raise CouldNotRun(
            Text(
                f"{root}: {first.message.da} Ret det, før dossieret opgraderes; intet er ændret.",
                f"{root}: {first.message.en} Fix it before upgrading the dossier; nothing was changed.",
            )
        )
    aftale, version = read_version(root)
    if aftale is None:
        _read(root / AGREEMENT_FILE, AGREEMENT_FILE)  # says why, if the loader can
        raise CouldNotRun(
            Text(
                f"{root}/{AGREEMENT_FILE} kan ikke læses som en samarbejdsaftale; ret den, før dossieret opgraderes (»aftale validate«).",
                f"{root}/{AGREEMENT_FILE} cannot be read as an agreement; fix it before upgrading the dossier ('aftale validate').",
            )
        )
    if version is None or version > SCHEMA_VERSION or version < 1:
        raise CouldNotRun(version_problem(root))
    m = Migration(root, version)
    if version == SCHEMA_VERSION:
        return m
    _parties(m, aftale)
    _areas(m, aftale)
    organisering = aftale.get("organisering") if isinstance(aftale.get("organisering"), dict) else {}
    organer = organisering.get("organer") if isinstance(organisering.get("organer"), list) else []
    for b, body in enumerate(organer):
        if isinstance(body, dict) and isinstance(body.get("medlemmer"), list):
            _members(
                m,
                AGREEMENT_FILE,
                aftale,
                body["medlemmer"],
                f"organisering/organer/{b} ({body.get('id')})/medlemmer",
            )
    for path, rel in dossier.json_files:
        if rel == AGREEMENT_FILE:
            continue
        data = _read(path, rel)
        if not isinstance(data, dict) or data.get("dokumenttype") not in MEMBER_LISTS:
            continue
        before = dump(data)
        for key in MEMBER_LISTS[data["dokumenttype"]] or ():
            if isinstance(data.get(key), list):
                _members(m, rel, aftale, data[key], key)
        if dump(data) != before:
            m.texts[rel] = dump(data)
    new = {}
    for key, value in aftale.items():
        if key == "skemaversion":
            continue
        new[key] = value
        if key == "dokumenttype":
            new["skemaversion"] = SCHEMA_VERSION
    m.note(
        AGREEMENT_FILE,
        f"»skemaversion«: {version} → {SCHEMA_VERSION}",
        f"'skemaversion': {version} → {SCHEMA_VERSION}",
    )
    m.texts[AGREEMENT_FILE] = dump(new)
    return m


def migrate(root: Path, *, dry_run: bool = False) -> Migration:
    """Upgrade the dossier in place under its lock: the annexes first, the agreement last."""
    from checker.dossier import open_dossier
    from checker.files import dossier_lock, write_file

    root = Path(root)
    open_dossier(root, any_version=True)  # a missing folder or a non-dossier says so before any lock
    if dry_run:
        return plan(root)
    with dossier_lock(root):
        m = plan(root)
        for rel in sorted(m.texts, key=lambda r: r == AGREEMENT_FILE):
            # a file linked inside the dossier is written where the link points, keeping the link
            write_file((root / rel).resolve(), m.texts[rel])
    return m
