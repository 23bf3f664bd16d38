"""aftale sign --record: a signature given on paper (wet ink) or through a signing service, recorded in
the dossier's signature block so the Word and PDF signature pages show Dato and Navn filled in."""

from __future__ import annotations

import json
import os
from datetime import date
from decimal import Decimal
from pathlib import Path

from checker.dossier import AGREEMENT_FILE, open_dossier
from checker.files import dossier_lock, write_file
from checker.findings import CouldNotRun, Text
from checker.jsonedit import replace_value

METHODS = ("wet-ink", "e-signature")


def resolve_party(party: str, names: list[str]) -> str:
    """The party a user means: its exact name, or its slug (viborg-kommune). CouldNotRun otherwise."""
    from checker.rules._util import near
    from checker.sign import party_slug

    for name in names:
        if party in (name, party_slug(name)):
            return name
    guess = near(party, names)
    hint_da = f" Mente du »{guess}«?" if guess else ""
    hint_en = f" Did you mean '{guess}'?" if guess else ""
    choices = ", ".join(f"{n} ({party_slug(n)})" for n in names)
    raise CouldNotRun(
        Text(
            f"»{party}« er ikke en af dokumentets underskrivende parter.{hint_da} Parter: {choices}.",
            f"'{party}' is not one of the document's signing parties.{hint_en} Parties: {choices}.",
        )
    )


def record_signature(
    dossier: str | os.PathLike,
    party: str,
    name: str,
    when: date,
    *,
    method: str = "wet-ink",
    title: str | None = None,
    document: str = AGREEMENT_FILE,
    replace: bool = False,
) -> tuple[Path, str]:
    """Record the signature in `document`'s block for `party`; returns (file written, party name). Only
    that block changes in the file; every other byte stays as it was."""
    root = open_dossier(dossier).root
    path = root / document
    if not path.is_file() or not path.resolve().is_relative_to(root.resolve()):
        raise CouldNotRun(Text(f"{document} findes ikke i dossieret.", f"{document} is not in the dossier."))
    # read, change and write under the dossier's lock: a concurrent record is never lost
    with dossier_lock(root):
        return _record(root, path, document, party, name, when, method, title, replace)


def _record(root, path, document, party, name, when, method, title, replace) -> tuple[Path, str]:
    from checker.schema import DOCUMENT_TYPES, SchemaRegistry

    try:
        raw = path.read_bytes()
        bom = "\ufeff" if raw.startswith(b"\xef\xbb\xbf") else ""  # kept as it was
        text = raw.decode("utf-8-sig")
        data = json.loads(text, parse_float=Decimal)
    except (OSError, ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
        raise CouldNotRun(
            Text(
                f"{document} kan ikke læses: {exc}. Kør »aftale validate«.",
                f"{document} cannot be read: {exc}. Run 'aftale validate'.",
            )
        ) from None
    if not isinstance(data, dict) or data.get("dokumenttype") not in (
        "strategisk-samarbejdsaftale",
        "delaftale",
    ):
        raise CouldNotRun(
            Text(
                f"{document} er hverken aftalen eller en delaftale.",
                f"{document} is neither the agreement nor a delaftale.",
            )
        )
    blocks = data.get("underskrifter", [])
    party_name = resolve_party(party, [b["part"] for b in blocks])
    index, block = next((i, b) for i, b in enumerate(blocks) if b["part"] == party_name)
    if "navn" in block and not replace:
        raise CouldNotRun(
            Text(
                f"{party_name} har allerede en registreret underskrift ({block['navn']}, {block.get('dato', 'uden dato')}); brug --replace for at erstatte den.",
                f"{party_name} already has a recorded signature ({block['navn']}, {block.get('dato', 'no date')}); use --replace to replace it.",
            )
        )
    if method not in METHODS:
        raise CouldNotRun(
            Text(
                f"Metoden skal være en af {', '.join(METHODS)}.",
                f"The method must be one of {', '.join(METHODS)}.",
            )
        )
    if not name.strip():
        raise CouldNotRun(Text("Navnet må ikke være tomt.", "The name must not be empty."))
    block.update(dato=when.isoformat(), navn=name.strip(), metode=method)
    if title:
        block["titel"] = title.strip()
    registry = SchemaRegistry()
    errors = list(registry.validator(data["dokumenttype"]).iter_errors(data))
    if errors:
        raise CouldNotRun(
            Text(
                f"{document} er ikke gyldig efter skemaet ({DOCUMENT_TYPES[data['dokumenttype']][1]}); ret først fejlene med »aftale validate«.",
                f"{document} does not follow its schema; fix it first with 'aftale validate'.",
            )
        )
    write_file(path, bom + replace_value(text, f"/underskrifter/{index}", block))
    return path, party_name
