"""Reading the agreement's data model (schema version 2): parties and other actors by id, the
parties that sign, the afdelinger of every område, the party a body's member represents.

Every rule, template and command asks these questions here, so that none of them assumes one
plan's shape (one afdeling per område, only kommune and boligorganisationer, one body of each kind).
"""

from __future__ import annotations

from collections.abc import Iterator

from checker.findings import Text
from checker.sign import party_slug
from checker.sign.requirement import same_name

SCHEMA_VERSION = 2
AGREEMENT_FILE = "samarbejdsaftale.json"

PARTY_TYPES = {
    "kommune": ("Kommune", "Municipality"),
    "boligorganisation": ("Boligorganisation", "Housing association"),
    "politi": ("Politi", "Police"),
    "region": ("Region", "Region"),
    "uddannelsesinstitution": ("Uddannelsesinstitution", "Educational institution"),
    "fond": ("Fond", "Foundation"),
    "erhverv": ("Erhverv", "Business"),
    "andet": ("Anden aktør", "Other actor"),
}


def schema_version(data: object) -> int | None:
    """The dossier's schema version from its agreement; 1 for a file that predates the field; None if
    the value is not a whole number."""
    if not isinstance(data, dict):
        return None
    value = data.get("skemaversion", 1)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def party_id(name: str) -> str:
    """The id a party gets from its name: "Viborg Kommune" -> "viborg-kommune"."""
    return party_slug(name) or "part"


def parties(aftale: dict) -> list[dict]:
    return [p for p in aftale.get("parter", []) if isinstance(p, dict)]


def signing_parties(aftale: dict) -> list[dict]:
    """The parties that sign the agreement (an actor such as the police may sit on the board
    without signing)."""
    return [p for p in parties(aftale) if p.get("underskriver", True)]


def party_by_id(aftale: dict, pid: str | None) -> dict | None:
    return next((p for p in parties(aftale) if p.get("id") == pid), None)


def party_by_name(aftale: dict, name: str | None) -> dict | None:
    return next((p for p in parties(aftale) if same_name(p.get("navn"), name)), None)


def member_party(aftale: dict, member: dict) -> dict | None:
    """The party or actor a body's member represents: by its id, or (for a member that names an
    organisation) by that organisation's name."""
    if member.get("part"):
        return party_by_id(aftale, member["part"])
    return party_by_name(aftale, member.get("organisation"))


def member_label(aftale: dict, member: dict) -> str:
    """ "rolle, organisation" as a reader sees it: the party's name, never its id."""
    who = member_party(aftale, member)
    org = member.get("organisation") or (who["navn"] if who else member.get("part", ""))
    return f"{member['rolle']}, {org}" if org else member["rolle"]


def member_key(aftale: dict, member: dict) -> tuple[str, str]:
    """A member as compared across documents: the role and the party it represents (or the
    organisation as written, for a member that is not an actor)."""
    who = member_party(aftale, member)
    org = who["id"] if who else (member.get("part") or member.get("organisation") or "")
    return member.get("rolle", "").strip().casefold(), org


def departments(aftale: dict) -> Iterator[tuple[int, dict, int, dict]]:
    """(område index, område, afdeling index, afdeling) for every afdeling of every område."""
    for i, area in enumerate(aftale.get("omraader", [])):
        for j, afd in enumerate(area.get("afdelinger", [])):
            yield i, area, j, afd


def area_count(area: dict, key: str) -> int | None:
    """An område's beboere or lejemål: its own figure, or the sum over its afdelinger when every one
    has it."""
    if isinstance(area.get(key), int):
        return area[key]
    values = [a.get(key) for a in area.get("afdelinger", [])]
    if values and all(isinstance(v, int) for v in values):
        return sum(values)
    return None


def bodies(aftale: dict) -> list[dict]:
    return aftale.get("organisering", {}).get("organer", [])


def board(aftale: dict) -> dict | None:
    return next((b for b in bodies(aftale) if b.get("type") == "bestyrelse"), None)


def agreement_version(root) -> tuple[dict | None, int | None]:
    """The agreement of the dossier in `root` and its schema version, or (None, None) when it cannot be
    read as a JSON object of type strategisk-samarbejdsaftale (validation says why)."""
    from pathlib import Path

    from checker.jsonsource import load

    source, _findings = load(Path(root) / AGREEMENT_FILE, AGREEMENT_FILE)
    data = source.data if source is not None else None
    if not isinstance(data, dict) or data.get("dokumenttype") != "strategisk-samarbejdsaftale":
        return None, None
    return data, schema_version(data)


def version_problem(root) -> Text | None:
    """Why the dossier cannot be read by this version of aftale, or None."""
    _data, version = agreement_version(root)
    if _data is not None and (version is None or version < 1):
        return Text(
            f"{root}/{AGREEMENT_FILE}: »skemaversion« skal være et helt tal fra 1 (denne version af aftale bruger {SCHEMA_VERSION}).",
            f"{root}/{AGREEMENT_FILE}: 'skemaversion' must be a whole number from 1 (this version of aftale uses {SCHEMA_VERSION}).",
        )
    if version is None or version == SCHEMA_VERSION:
        return None
    if version < SCHEMA_VERSION:
        return Text(
            f"Dossieret {root} er skrevet i skemaversion {version}; denne version af aftale læser version "
            f"{SCHEMA_VERSION}. Opgradér det med »aftale migrate {root}« (intet går tabt, og du får en liste over ændringerne).",
            f"The dossier {root} is written in schema version {version}; this version of aftale reads version "
            f"{SCHEMA_VERSION}. Upgrade it with 'aftale migrate {root}' (nothing is lost, and you get a list of the changes).",
        )
    return Text(
        f"Dossieret {root} er skrevet i skemaversion {version}, som er nyere end denne version af aftale "
        f"(version {SCHEMA_VERSION}). Opdatér aftale.",
        f"The dossier {root} is written in schema version {version}, newer than this version of aftale "
        f"(version {SCHEMA_VERSION}). Update aftale.",
    )
