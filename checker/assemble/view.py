"""What the templates see: the dossier's data as the schemas define it, plus a few presentation fields
worked out here, so that no template has to look a party up by its id or spell a target in words.

Every function works on a deep copy: the check's data (and what `build` signs and hashes) is never
changed. The fields added are listed in ADDED_FIELDS, where they belong in the schemas; docs/templates.md
describes them, and the template test checks every template's variables against schemas + ADDED_FIELDS.

    parties          every party gets ``type_tekst`` ("kommune", "politi", "anden aktør");
                     the agreement gets ``underskrivende_parter`` and ``oevrige_aktoerer``
    members          every body member (agreement, kommissorium, beredskabsgruppe) that names only a
                     ``part`` gets that party's name as its ``organisation``
    områder          every afdeling gets ``tekst`` ("afd. 10 Vestervang (Boligselskabet Viborg), 412 beboere,
                     200 lejemål", only what is known) and the owner's name; every område gets
                     ``afdelinger_tekst``, ``tal_tekst`` ("1.912 beboere, 960 lejemål") and ``tekst``
    criteria         every success criterion gets ``maal_tekst`` (checker.assemble.wording)
    bodies           ``tilknytning_tekst`` ("indsatsområde 5.1 Tryghed og trivsel; boligområdet Vestervang")
                     and ``relationer_tekst`` ("Refererer til Bestyrelsen. Faciliteres af …")
    financing        every ``lokal_fordeling`` entry gets the contributor's ``navn`` and its shares
                     ``andel_af_samlet`` / ``andel_af_lokal`` (percent, one decimal)
    the agreement    ``helhedsplan_titel`` ("Den boligsociale Helhedsplan i Viborg"), ``periode_tekst``
                     ("1. april 2017 – 31. marts 2021"), ``varighed_tekst`` ("4 år")
    delaftale        every activity gets ``succeskriterier_titler``: the criteria's titles, not their ids
"""

from __future__ import annotations

import copy
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from checker import model
from checker.assemble.fmt import join_og, tal
from checker.assemble.wording import (
    maal_tekst,
    periode_tekst,
    upper_first,
    varighed_tekst,
)

_TEXT = {"type": "string"}
_NUMBER = {"type": "number"}
_PARTS = {"type": "array", "items": {"$ref": "common.schema.json#/$defs/part"}}

#: The fields this module adds, as JSON Schema properties of the schema object they extend
#: ("<schema file>#<JSON pointer to that object>").
ADDED_FIELDS: dict[str, dict[str, dict]] = {
    "samarbejdsaftale.schema.json#": {
        "helhedsplan_titel": _TEXT,
        "periode_tekst": _TEXT,
        "varighed_tekst": _TEXT,
        "underskrivende_parter": _PARTS,
        "oevrige_aktoerer": _PARTS,
    },
    "common.schema.json#/$defs/part": {"type_tekst": _TEXT},
    "common.schema.json#/$defs/omraade": {"tekst": _TEXT, "afdelinger_tekst": _TEXT, "tal_tekst": _TEXT},
    "common.schema.json#/$defs/afdeling": {"tekst": _TEXT, "boligorganisation_navn": _TEXT},
    "common.schema.json#/$defs/succeskriterium": {"maal_tekst": _TEXT},
    "samarbejdsaftale.schema.json#/properties/organisering/properties/organer/items": {
        "tilknytning_tekst": _TEXT,
        "relationer_tekst": _TEXT,
    },
    "samarbejdsaftale.schema.json#/properties/ressourcer/properties/finansiering/properties/lokal_fordeling/items": {
        "navn": _TEXT,
        "andel_af_samlet": _NUMBER,
        "andel_af_lokal": _NUMBER,
    },
    "delaftale.schema.json#/properties/aktiviteter/items": {
        "succeskriterier_titler": {"type": "array", "items": _TEXT},
    },
}

RELATION_WORDS = {
    "refererer_til": "refererer til",
    "indstiller_til": "indstiller til",
    "faciliteres_af": "faciliteres af",
    "raadgiver": "rådgiver",
}


# --- the pieces ---------------------------------------------------------------------------------------


def party_type(party: dict) -> str:
    """A party's type in words: "kommune", "boligorganisation", "politi" … "anden aktør"."""
    label = model.PARTY_TYPES.get(party.get("type", ""), model.PARTY_TYPES["andet"])[0]
    return label.lower()


def party_name(aftale: dict, pid: str | None) -> str:
    """A party's name from its id; the id itself only for an id the agreement does not have (which the
    check reports; a draft still renders)."""
    party = model.party_by_id(aftale, pid)
    return party["navn"] if party else (pid or "")


def member_organisation(aftale: dict, member: dict) -> str:
    """The organisation a body's member is shown with: its own text, or the name of its party."""
    if member.get("organisation"):
        return member["organisation"]
    return party_name(aftale, member.get("part")) if member.get("part") else ""


def with_organisations(aftale: dict, members: list[dict]) -> None:
    """Give every member that names only a party that party's name as its `organisation` (in place,
    on a copy)."""
    for member in members:
        if isinstance(member, dict):
            organisation = member_organisation(aftale, member)
            if organisation:
                member["organisation"] = organisation


def _count(value: int, one: str, many: str) -> str:
    return f"{tal(value)} {one if value == 1 else many}"


def counts_text(beboere: Any, lejemaal: Any) -> str:
    """Residents and tenancies in words, "412 beboere, 200 lejemål", leaving out what is not known."""
    parts = []
    if isinstance(beboere, int) and not isinstance(beboere, bool):
        parts.append(_count(beboere, "beboer", "beboere"))
    if isinstance(lejemaal, int) and not isinstance(lejemaal, bool):
        parts.append(_count(lejemaal, "lejemål", "lejemål"))
    return ", ".join(parts)


def afdeling_text(aftale: dict, afd: dict) -> str:
    """An afdeling in words, only what is known: "afd. 10 Vestervang (Boligselskabet Viborg), 412
    beboere, 200 lejemål"; "" for an afdeling of which nothing is known."""
    head = " ".join(
        p for p in (f"afd. {afd['nummer']}" if afd.get("nummer") else "", afd.get("navn", "")) if p
    )
    if afd.get("boligorganisation"):
        owner = party_name(aftale, afd["boligorganisation"])
        head = f"{head} ({owner})" if head else owner
    return ", ".join(p for p in (head, counts_text(afd.get("beboere"), afd.get("lejemaal"))) if p)


def share(part: Any, whole: Any) -> Decimal | None:
    """part of whole in percent, rounded half-up to one decimal; None for a whole of 0."""
    whole = Decimal(str(whole))
    if whole == 0:
        return None
    return (Decimal(str(part)) * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def body_name(aftale: dict, organ_id: str) -> str:
    if organ_id == "sekretariat":
        return aftale.get("sekretariat", {}).get("navn", organ_id)
    body = next((b for b in model.bodies(aftale) if b.get("id") == organ_id), None)
    return body["navn"] if body else organ_id


def tie_text(aftale: dict, body: dict) -> str:
    """What a body belongs to: "indsatsområde 5.1 Tryghed og trivsel; boligområdet Vestervang", or ""."""
    parts = []
    number = body.get("indsatsomraade")
    if number:
        areas = aftale.get("indsatsomraader", {}).get("omraader", [])
        name = next((a.get("navn") for a in areas if a.get("nummer") == number), None)
        parts.append(f"indsatsområde {number} {name}" if name else f"indsatsområde {number}")
    if body.get("omraade"):
        parts.append(f"boligområdet {body['omraade']}")
    return "; ".join(parts)


def relations_text(aftale: dict, body: dict) -> str:
    """A body's relations in words: "Refererer til Bestyrelsen. Faciliteres af …", or ""."""
    by_type: dict[str, list[str]] = {}
    for relation in body.get("relationer", []):
        by_type.setdefault(relation["type"], []).append(body_name(aftale, relation["organ"]))
    return " ".join(
        f"{upper_first(RELATION_WORDS.get(kind, kind))} {join_og(names)}." for kind, names in by_type.items()
    )


def criteria_titles(aftale: dict) -> dict[str, str]:
    """criterion id -> title, for every success criterion of the agreement."""
    return {
        c["id"]: c["titel"]
        for area in aftale.get("indsatsomraader", {}).get("omraader", [])
        for c in area.get("succeskriterier", [])
        if "id" in c and "titel" in c
    }


def is_example(*documents: dict | None) -> bool:
    """True when any of the documents (the one rendered, the agreement) is marked as an invented example
    (metadata.oprindelse "eksempel"): every page of its document then says so."""
    return any(
        isinstance(d, dict) and (d.get("metadata") or {}).get("oprindelse") == "eksempel" for d in documents
    )


# --- the views -----------------------------------------------------------------------------------------


def agreement(aftale: dict) -> dict:
    """The agreement as the templates see it: a deep copy with the presentation fields added."""
    view = copy.deepcopy(aftale)
    view["helhedsplan_titel"] = upper_first(view["helhedsplan"])
    view["periode_tekst"] = periode_tekst(view["periode"])
    view["varighed_tekst"] = varighed_tekst(view["periode"])

    for party in model.parties(view):
        party["type_tekst"] = party_type(party)
    view["underskrivende_parter"] = model.signing_parties(view)
    view["oevrige_aktoerer"] = [p for p in model.parties(view) if not p.get("underskriver", True)]

    for area in view.get("omraader", []):
        for afd in area.get("afdelinger", []):
            if afd.get("boligorganisation"):
                afd["boligorganisation_navn"] = party_name(aftale, afd["boligorganisation"])
            afd["tekst"] = afdeling_text(aftale, afd)
        area["afdelinger_tekst"] = "; ".join(a["tekst"] for a in area.get("afdelinger", []) if a["tekst"])
        area["tal_tekst"] = counts_text(model.area_count(area, "beboere"), model.area_count(area, "lejemaal"))
        head = f"{area['navn']} ({area['tal_tekst']})" if area["tal_tekst"] else area["navn"]
        known = area["tal_tekst"] or area["afdelinger_tekst"]
        area["tekst"] = (
            (f"{head}: {area['afdelinger_tekst']}" if area["afdelinger_tekst"] else head) if known else ""
        )

    for body in model.bodies(view):
        with_organisations(aftale, body.get("medlemmer", []))
        body["tilknytning_tekst"] = tie_text(aftale, body)
        body["relationer_tekst"] = relations_text(aftale, body)

    for area in view.get("indsatsomraader", {}).get("omraader", []):
        for criterion in area.get("succeskriterier", []):
            criterion["maal_tekst"] = maal_tekst(criterion)

    financing = view.get("ressourcer", {}).get("finansiering", {})
    for entry in financing.get("lokal_fordeling", []):
        entry["navn"] = party_name(aftale, entry["part"])
        entry["andel_af_samlet"] = share(entry["beloeb"], financing["samlet"])
        entry["andel_af_lokal"] = share(entry["beloeb"], financing["lokal_medfinansiering"])
    return view


def document(dokument: dict, doctype: str, aftale: dict) -> dict:
    """An annex as the templates see it (a deep copy): members with their organisation's name, a
    delaftale's activities with their criteria's titles."""
    view = copy.deepcopy(dokument)
    if doctype == "kommissorium":
        with_organisations(aftale, view.get("medlemmer", []))
    elif doctype == "beredskabsplan":
        with_organisations(aftale, view.get("beredskabsgruppe", []))
    elif doctype == "delaftale":
        titles = criteria_titles(aftale)
        for activity in view.get("aktiviteter", []):
            if "succeskriterier" in activity:
                activity["succeskriterier_titler"] = [titles.get(c, c) for c in activity["succeskriterier"]]
    return view
