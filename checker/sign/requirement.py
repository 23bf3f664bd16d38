"""The signing requirement ("underskriftskrav"): who must sign a built document, and what it was built from.

`aftale build` writes it into every document the parties sign (the agreement and each delaftale), in the
same incremental update that adds the empty signature fields, so every later signature covers it. It is
a JSON stream under the document catalog's key ``/AFTL_Underskriftskrav``:

```json
{"format": "aftale-underskriftskrav/1", "dokument": "samarbejdsaftale", "kilde": "samarbejdsaftale.json",
 "dossier": "viborg-2017-2021", "version": "1", "udkast": false,
 "parter": [{"part": "Viborg Kommune", "felt": "underskrift-viborg-kommune", "cvr": "29189854"},
            {"part": "…", "registreret": {"navn": "…", "dato": "2017-03-20", "metode": "wet-ink"}}],
 "kilder": [{"path": "samarbejdsaftale.json", "sha256": "…"}, …],
 "dokumenter": [{"path": "beredskabsplan.pdf", "sha256": "…"}, …]}
```

`dokumenter` are the build's other documents (Word files, unsigned annexes, the organisationsdiagram) as
they were when the fields were added, so the parties' signatures cover the annexes LBF receives too.

`verify` reads who must sign from here – never from the file under test's other parts or a package
manifest – and `sign` refuses a certificate that does not identify the field's party. A change to the
requirement after a signature is a change to signed content and is reported as such.

This module must stay free of pyHanko imports at module level.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass

from checker.findings import Text
from checker.sign import field_name

CATALOG_KEY = "/AFTL_Underskriftskrav"
FORMAT = "aftale-underskriftskrav/1"
MAX_BYTES = 1 << 20  # a requirement is a few kilobytes; anything larger is not ours


class RequirementError(ValueError):
    """The document carries a requirement that cannot be read (damaged or not ours)."""


def make_requirement(
    document: str,
    source: str,
    data: dict,
    parties: list[dict],
    *,
    dossier: str,
    version: str | None,
    draft: bool,
    sources: list[dict],
    documents: list[dict] = (),
) -> dict:
    """The requirement for one document: `data` is the agreement or delaftale JSON (its `underskrifter`),
    `parties` the agreement's `parter` (for CVR numbers), `sources` [{"path", "sha256"}] of the dossier,
    `documents` [{"path", "sha256"}] of the build's other documents (Word files, annexes, diagram)."""
    by_name = {p["navn"]: p for p in parties}
    entries = []
    for block in data.get("underskrifter", []):
        entry: dict = {"part": block["part"]}
        if block.get("betegnelse"):
            entry["betegnelse"] = block["betegnelse"]
        cvr = by_name.get(block["part"], {}).get("cvr")
        if cvr:
            entry["cvr"] = cvr
        if "navn" in block:
            entry["registreret"] = {
                k: block[k] for k in ("navn", "dato", "metode", "titel") if block.get(k) is not None
            }
        else:
            entry["felt"] = field_name(block["part"])
        entries.append(entry)
    return {
        "format": FORMAT,
        "dokument": document,
        "kilde": source,
        "dossier": dossier,
        "version": version,
        "udkast": bool(draft),
        "parter": entries,
        "kilder": [{"path": s["path"], "sha256": s["sha256"]} for s in sources],
        "dokumenter": [{"path": d["path"], "sha256": d["sha256"]} for d in documents],
    }


def encode(requirement: dict) -> bytes:
    return json.dumps(requirement, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def decode(raw: bytes) -> dict:
    """The requirement from its stream bytes; RequirementError when it is not a well-formed one."""
    if len(raw) > MAX_BYTES:
        raise RequirementError("too large")
    try:
        req = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise RequirementError(str(exc) or type(exc).__name__) from None
    if not isinstance(req, dict) or req.get("format") != FORMAT:
        raise RequirementError("unknown format")
    parties = req.get("parter")
    sources = req.get("kilder")
    if not isinstance(parties, list) or not isinstance(sources, list):
        raise RequirementError("parter/kilder missing")
    for p in parties:
        if not isinstance(p, dict) or not isinstance(p.get("part"), str):
            raise RequirementError("bad party")
        if not isinstance(p.get("felt"), str) and not isinstance(p.get("registreret"), dict):
            raise RequirementError("party without field or record")
        if "cvr" in p and not isinstance(p["cvr"], str):
            raise RequirementError("bad cvr")
    documents = req.setdefault("dokumenter", [])
    if not isinstance(documents, list):
        raise RequirementError("dokumenter is not a list")
    for s in [*sources, *documents]:
        if not (
            isinstance(s, dict)
            and isinstance(s.get("path"), str)
            and isinstance(s.get("sha256"), str)
            and re.fullmatch(r"[0-9a-f]{64}", s["sha256"])
        ):
            raise RequirementError("bad source or document")
    if not isinstance(req.get("udkast"), bool):
        raise RequirementError("bad udkast")
    return req


def raw_from_root(root) -> bytes | None:
    """The requirement's bytes from a pyHanko catalog (current or historical), or None if it has none.
    RequirementError when the key is there but is not a stream."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.misc import PdfError

    if CATALOG_KEY not in root:
        return None
    try:
        stream = root[CATALOG_KEY]
        if not isinstance(stream, generic.StreamObject):
            raise RequirementError("not a stream")
        return stream.data
    except (PdfError, ValueError, KeyError, TypeError, RecursionError) as exc:
        raise RequirementError(str(exc) or type(exc).__name__) from None


def embed(writer, requirement: dict) -> None:
    """Put the requirement into the catalog through a pyHanko incremental writer (same revision as the
    signature fields)."""
    from pyhanko.pdf_utils import generic

    stream = generic.StreamObject(stream_data=encode(requirement))
    writer.root[CATALOG_KEY] = writer.add_object(stream)
    writer.update_root()


# --------------------------------------------------------------------------- who a certificate names


@dataclass(frozen=True)
class Identity:
    """What a signing certificate says about who signs."""

    name: str | None  # CN
    organisation: str | None  # O (the first)
    cvr: tuple[str, ...] = ()  # from organizationIdentifier (NTRDK-…) or serialNumber (CVR:…)
    rid: str | None = None  # employee id in a Danish OCES serialNumber (CVR:…-RID:…)
    uid: str | None = None
    organisations: tuple[str, ...] = ()  # every O in the subject

    def identifiers(self) -> list[str]:
        out = [f"CVR {c}" for c in self.cvr]
        if self.rid:
            out.append(f"RID {self.rid}")
        if self.uid:
            out.append(f"UID {self.uid}")
        return out


_CVR_SERIAL = re.compile(r"(?<![0-9A-Za-z])CVR:(\d{8})(?![0-9])", re.IGNORECASE)
_RID_SERIAL = re.compile(r"(?<![0-9A-Za-z])RID:([0-9A-Za-z]+)", re.IGNORECASE)
_UID_SERIAL = re.compile(r"(?<![0-9A-Za-z])UID:([0-9A-Za-z]+)", re.IGNORECASE)
_DANISH = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa"})


def name_key(text: str) -> str:
    """A name as compared with a party's: case, punctuation, spacing, accents and the spelling of æ, ø, å
    do not count ("Boligselskabet Sct. Jørgen, Viborg" = "boligselskabet sct joergen viborg"); any other
    character does, whatever its script ("Viborg Kommune ООО", a zero-width space, fullwidth letters)."""
    text = unicodedata.normalize("NFC", text).casefold().translate(_DANISH)
    text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return "".join(c for c in text if not (unicodedata.category(c)[0] in "PZ" or c in "\t\n\r"))


def same_name(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and name_key(a) == name_key(b)


_CVR_ORG_ID = re.compile(r"^NTRDK-(\d{8})$", re.IGNORECASE)


def identity_from_attributes(attributes: dict[str, list[str]]) -> Identity:
    """From subject attributes keyed by asn1crypto's names (common_name, organization_name,
    organization_identifier, serial_number)."""

    def first(key: str) -> str | None:
        values = attributes.get(key) or []
        return str(values[0]) if values else None

    cvr: list[str] = []
    rid = uid = None
    for value in attributes.get("organization_identifier", []):
        m = _CVR_ORG_ID.match(str(value).strip())
        if m:
            cvr.append(m.group(1))
    for value in attributes.get("serial_number", []):
        text = str(value)
        cvr += _CVR_SERIAL.findall(text)
        rid = rid or next(iter(_RID_SERIAL.findall(text)), None)
        uid = uid or next(iter(_UID_SERIAL.findall(text)), None)
    return Identity(
        name=first("common_name"),
        organisation=first("organization_name"),
        cvr=tuple(dict.fromkeys(cvr)),
        rid=rid,
        uid=uid,
        organisations=tuple(str(o) for o in attributes.get("organization_name", [])),
    )


def identity_of(cert) -> Identity:
    """The identity in an asn1crypto certificate's subject."""
    attributes: dict[str, list[str]] = {}
    try:
        for rdn in cert.subject.chosen:
            for ava in rdn:
                key = ava["type"].native
                try:
                    value = ava["value"].native
                except ValueError:
                    continue
                attributes.setdefault(key, []).append(str(value))
    except (ValueError, AttributeError, TypeError):
        return Identity(None, None)
    return identity_from_attributes(attributes)


def party_mismatch(identity: Identity, party: dict) -> Text | None:
    """None when the certificate identifies the party, else why not. A CVR recorded for the party decides
    when the certificate carries one; otherwise the certificate's one organisation must be the party's
    name (name_key: without case, punctuation or æøå spelling)."""
    name = party["part"]
    cvr = party.get("cvr")
    if len(identity.cvr) > 1:
        got = ", ".join(identity.cvr)
        return Text(
            f"Certifikatet har flere CVR-numre ({got}); det kan ikke afgøres, hvem det tilhører.",
            f"The certificate has several CVR numbers ({got}); whom it belongs to cannot be told.",
        )
    if cvr and identity.cvr:
        if identity.cvr[0] == cvr:
            return None
        return Text(
            f"Certifikatet har CVR {identity.cvr[0]}, men {name} har CVR {cvr}.",
            f"The certificate has CVR {identity.cvr[0]}, but {name} has CVR {cvr}.",
        )
    if len(identity.organisations) > 1:
        orgs = " / ".join(identity.organisations)
        return Text(
            f"Certifikatet nævner flere organisationer ({orgs}); det kan ikke afgøres, hvem det tilhører.",
            f"The certificate names several organisations ({orgs}); whom it belongs to cannot be told.",
        )
    if any(same_name(identity.organisation, n) for n in (name, party.get("betegnelse"))):
        return None
    org = identity.organisation or "ingen organisation"
    org_en = identity.organisation or "no organisation"
    return Text(
        f"Certifikatet er udstedt til »{org}«, ikke til {name}"
        + (f" (CVR {cvr})" if cvr else "")
        + ". Hver part underskriver med sit eget certifikat.",
        f"The certificate is issued to '{org_en}', not to {name}"
        + (f" (CVR {cvr})" if cvr else "")
        + ". Each party signs with its own certificate.",
    )


def party_for_field(requirement: dict | None, field: str) -> dict | None:
    if not requirement:
        return None
    return next((p for p in requirement["parter"] if p.get("felt") == field), None)
