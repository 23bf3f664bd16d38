"""Signatures and revision: a signature block for every party; a revision names the version it
amends and its approval status at Landsbyggefonden."""

from __future__ import annotations

from collections.abc import Iterator

from checker.findings import Severity
from checker.model import signing_parties
from checker.rules import Hit, rule

AGREEMENT = "samarbejdsaftale.json"


@rule(
    "signature-block-missing",
    "signatures",
    Severity.ERROR,
    title=("Hver part har en underskriftsblok", "Every party has a signature block"),
    message=("Parten »{part}« har ingen underskriftsblok.", "The party '{part}' has no signature block."),
    hint=(
        'Tilføj {{"part": "{part}"}} under »underskrifter«.',
        'Add {{"part": "{part}"}} under \'underskrifter\'.',
    ),
    source=(
        "Samarbejdsaftalens underskriftsside (Dato / Navn for hver part)",
        "The agreement's signature page (date / name for each party)",
    ),
)
def block_missing(ctx) -> Iterator[Hit]:
    signed = {b["part"] for b in ctx.agreement["underskrifter"]}
    for party in signing_parties(ctx.agreement):
        if party["navn"] not in signed:
            yield Hit(AGREEMENT, {"part": party["navn"]}, "/underskrifter")


@rule(
    "revision-incomplete",
    "signatures",
    Severity.ERROR,
    title=(
        "En revision angiver, hvad den ændrer, og Landsbyggefondens status",
        "A revision names what it amends and LBF's status",
    ),
    message=(
        "Version {nummer} er en revision, men {mangler} mangler.",
        "Version {nummer} is a revision, but {mangler} is missing.",
    ),
    hint=(
        "Ændringer i den strategiske samarbejdsaftale skal godkendes af Landsbyggefonden: angiv »aendrer« og »lbf_status« under »version«.",
        "Changes to the agreement need LBF's approval: give 'aendrer' and 'lbf_status' under 'version'.",
    ),
    source=(
        "Samarbejdsaftalens afsnit 11, Revision af samarbejdsaftalen",
        "The agreement's section 11, revision",
    ),
)
def revision(ctx) -> Iterator[Hit]:
    version = ctx.agreement["version"]
    if version["nummer"] in ("1", "1.0") and "aendrer" not in version:
        return
    from checker.findings import Text

    for field in ("aendrer", "lbf_status"):
        if field not in version:
            yield Hit(
                AGREEMENT,
                {"nummer": version["nummer"], "mangler": Text(f"»{field}«", f"'{field}'")},
                "/version",
            )


@rule(
    "revision-history",
    "signatures",
    Severity.ERROR,
    title=("Historikken slutter med den gældende version", "The history ends with the current version"),
    message=(
        "Versionshistorikkens sidste version er {sidste}, men aftalens version er {nummer}.",
        "The history's last version is {sidste}, but the agreement's version is {nummer}.",
    ),
    hint=(
        "Tilføj den gældende version sidst i »historik« med dato, resumé og status hos Landsbyggefonden.",
        "Add the current version last in 'historik' with date, summary and LBF status.",
    ),
    source=(
        "Samarbejdsaftalens afsnit 11, Revision af samarbejdsaftalen",
        "The agreement's section 11, revision",
    ),
)
def history(ctx) -> Iterator[Hit]:
    historik = ctx.agreement.get("historik")
    nummer = ctx.agreement["version"]["nummer"]
    if historik and historik[-1]["nummer"] != nummer:
        yield Hit(
            AGREEMENT,
            {"sidste": historik[-1]["nummer"], "nummer": nummer},
            f"/historik/{len(historik) - 1}/nummer",
        )
