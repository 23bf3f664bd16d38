"""The package seal: a detached CMS (CAdES) signature over manifest.json, made by the secretariat.

The manifest lists every file of the submission package with its sha256, so a valid seal over it
covers every file. `aftale package --key --cert` writes it as ``manifest.json.p7s``; `aftale verify
PACKAGE` checks it. Any CMS tool checks it too, e.g.
``openssl cms -verify -binary -inform DER -in manifest.json.p7s -content manifest.json -CAfile ca.pem``.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from checker.findings import CouldNotRun, Text
from checker.sign import quiet_libraries

SEAL_NAME = "manifest.json.p7s"
MAX_SEAL_BYTES = 1 << 20


@dataclass
class SealInfo:
    signer: str | None
    organisation: str | None
    identifiers: list[str]
    time: datetime | None
    intact: bool
    valid: bool
    trusted: bool
    problems: list[Text] = field(default_factory=list)

    @property
    def holds(self) -> bool:
        return self.intact and self.valid


def seal(data: bytes, key: Path, cert: Path) -> tuple[bytes, str | None, str | None]:
    """A detached CMS signature (DER) over the bytes; returns (signature, signer CN, organisation)."""
    from checker.sign.signer import _signer, subject_parts

    quiet_libraries()
    signer, signer_cert = _signer(key, cert)
    name, organisation = subject_parts(signer_cert)
    signed = asyncio.run(signer.async_sign_general_data(data, "sha256", detached=True, use_cades=True))
    return signed.dump(), name, organisation


def check_seal(data: bytes, signature: bytes, trust_roots: list, trust_given: bool) -> SealInfo:
    """Verify a detached CMS signature over the bytes."""
    from asn1crypto import cms
    from pyhanko.sign.validation.generic_cms import async_validate_detached_cms
    from pyhanko_certvalidator import ValidationContext

    from checker.sign.requirement import identity_of
    from checker.sign.verify import _trust_problem

    quiet_libraries()
    broken = SealInfo(None, None, [], None, False, False, False)
    if len(signature) > MAX_SEAL_BYTES:
        broken.problems.append(
            Text(
                "Forseglingen er for stor til at være en signatur.",
                "The seal is too large to be a signature.",
            )
        )
        return broken
    try:
        info = cms.ContentInfo.load(signature)
        if info["content_type"].native != "signed_data":
            raise ValueError("not SignedData")
        signed_data = info["content"]
        status = asyncio.run(
            async_validate_detached_cms(
                data,
                signed_data,
                signer_validation_context=ValidationContext(
                    trust_roots=list(trust_roots), allow_fetching=False
                ),
            )
        )
    except Exception as exc:  # any malformed CMS is a broken seal, reported, never a crash
        broken.problems.append(
            Text(
                f"Forseglingen kan ikke læses som en CMS-signatur ({exc}).",
                f"The seal cannot be read as a CMS signature ({exc}).",
            )
        )
        return broken
    identity = identity_of(status.signing_cert)
    result = SealInfo(
        signer=identity.name,
        organisation=identity.organisation,
        identifiers=identity.identifiers(),
        time=status.signer_reported_dt,
        intact=bool(status.intact),
        valid=bool(status.intact and status.valid),
        trusted=bool(status.trusted),
    )
    if not result.intact:
        result.problems.append(
            Text(
                "manifest.json er ændret efter forseglingen (sha256 passer ikke med forseglingen).",
                "manifest.json was changed after sealing (its sha256 does not match the seal).",
            )
        )
    elif not result.valid:
        result.problems.append(
            Text("Forseglingen er ikke kryptografisk gyldig.", "The seal is not cryptographically valid.")
        )
    else:
        problem = _trust_problem(status, trust_given)
        if problem:
            result.problems.append(problem)
    return result


def sealer_allowed(organisation: str | None, aftale: dict) -> bool:
    """The seal belongs to the secretariat: its own name, or the organisation it is placed under. A party
    that is not the secretariat does not seal: the seal vouches for the files no party's signature covers."""
    from checker.sign.requirement import same_name

    secretariat = aftale.get("sekretariat") or {}
    names = [secretariat.get("navn"), secretariat.get("placering")]
    return any(same_name(organisation, n) for n in names if isinstance(n, str))


def refuse_sealer(organisation: str | None) -> CouldNotRun:
    org = organisation or "ingen organisation"
    org_en = organisation or "no organisation"
    return CouldNotRun(
        Text(
            f"Forseglingscertifikatet er udstedt til »{org}«; pakken forsegles af sekretariatet (eller den "
            "organisation, det er placeret under).",
            f"The sealing certificate is issued to '{org_en}'; the package is sealed by the secretariat (or the "
            "organisation it is placed under).",
        )
    )
