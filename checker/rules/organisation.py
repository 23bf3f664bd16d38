"""Organisation: leadership in the bestyrelse, meeting frequencies that agree between agreement and
kommissorium, a kommissorium (or a reason) for each body, and known actors in the delaftaler."""

from __future__ import annotations

from collections.abc import Iterator

from checker.findings import Severity
from checker.model import member_party, signing_parties
from checker.rules import Hit, rule
from checker.rules._util import did_you_mean, ptr

AGREEMENT = "samarbejdsaftale.json"
SRC2 = (
    "Samarbejdsaftalens afsnit 2, Organisering (regulativets § 6, stk. 6.2)",
    "The agreement's section 2, Organisation (regulation § 6.2)",
)


def _bodies(ctx):
    return list(enumerate(ctx.agreement["organisering"]["organer"]))


def _board(ctx):
    return next(((i, b) for i, b in _bodies(ctx) if b["type"] == "bestyrelse"), (None, None))


@rule(
    "board-missing",
    "organisation",
    Severity.ERROR,
    title=("Der er en bestyrelse", "There is a board"),
    message=("Organiseringen har ingen bestyrelse.", "The organisation has no board (bestyrelse)."),
    hint=("Tilføj et organ med type »bestyrelse«.", "Add a body of type 'bestyrelse'."),
    source=SRC2,
)
def board_missing(ctx) -> Iterator[Hit]:
    if _board(ctx)[1] is None:
        yield Hit(AGREEMENT, {}, "/organisering/organer")


@rule(
    "board-leadership",
    "organisation",
    Severity.ERROR,
    title=(
        "Bestyrelsen har ledelsesrepræsentanter fra kommune og boligorganisation",
        "The board has leadership representatives of municipality and housing association",
    ),
    message=(
        "Bestyrelsen har ingen repræsentant på ledelsesniveau fra {hvem}.",
        "The board has no leadership-level representative of {hvem}.",
    ),
    hint=(
        "Tilføj et medlem med »ledelsesniveau«: true og organisationen stavet som parten.",
        "Add a member with 'ledelsesniveau': true and the organisation spelt as the party.",
    ),
    source=SRC2,
)
def board_leadership(ctx) -> Iterator[Hit]:
    from checker.findings import Text

    i, board = _board(ctx)
    if board is None:
        return
    leaders = _leaders(ctx.agreement, board)
    parties = signing_parties(ctx.agreement)
    for kind, da, en in (
        ("kommune", "kommunen", "the municipality"),
        ("boligorganisation", "nogen boligorganisation", "any housing association"),
    ):
        if not any(p["id"] in leaders for p in parties if p["type"] == kind):
            yield Hit(AGREEMENT, {"hvem": Text(da, en)}, ptr("organisering", "organer", i, "medlemmer"))


@rule(
    "board-party-unrepresented",
    "organisation",
    Severity.WARNING,
    title=(
        "Hver boligorganisation er repræsenteret i bestyrelsen",
        "Each housing association is represented on the board",
    ),
    message=(
        "Boligorganisationen »{part}« har ingen repræsentant på ledelsesniveau i bestyrelsen.",
        "The housing association '{part}' has no leadership-level representative on the board.",
    ),
    hint=(
        "Overvej at give parten en plads, eller notér hvorfor den er repræsenteret gennem en anden.",
        "Consider giving the party a seat, or note why another represents it.",
    ),
    source=SRC2,
)
def party_unrepresented(ctx) -> Iterator[Hit]:
    i, board = _board(ctx)
    if board is None:
        return
    leaders = _leaders(ctx.agreement, board)
    for p in signing_parties(ctx.agreement):
        if p["type"] == "boligorganisation" and p["id"] not in leaders:
            yield Hit(AGREEMENT, {"part": p["navn"]}, ptr("organisering", "organer", i, "medlemmer"))


def _leaders(aftale: dict, board: dict) -> set[str]:
    """The ids of the parties with a leadership-level member on the board."""
    found = (member_party(aftale, m) for m in board["medlemmer"] if m.get("ledelsesniveau"))
    return {p["id"] for p in found if p}


def _span(f: dict) -> str:
    return (
        f"{f['min_pr_aar']}" if f["min_pr_aar"] == f["max_pr_aar"] else f"{f['min_pr_aar']}-{f['max_pr_aar']}"
    )


def _kommissorium(ctx, body):
    rel = body["kommissorium"].get("fil")
    return rel, (ctx.document(rel, "kommissorium") if rel else None)


@rule(
    "body-kommissorium",
    "organisation",
    Severity.ERROR,
    title=(
        "Hvert organ har et kommissorium eller en begrundelse",
        "Each body has terms of reference or a recorded reason",
    ),
    message=("{organ}: {problem}", "{organ}: {problem}"),
    hint=(
        "Henvis til organets kommissorium i dossieret, eller skriv en begrundelse.",
        "Refer to the body's kommissorium in the dossier, or record a reason.",
    ),
    source=SRC2,
)
def body_kommissorium(ctx) -> Iterator[Hit]:
    from checker.findings import Text

    for i, body in _bodies(ctx):
        rel, doc = _kommissorium(ctx, body)
        where = ptr("organisering", "organer", i, "kommissorium")
        if rel is None:
            if not body["kommissorium"].get("begrundelse"):
                yield Hit(
                    AGREEMENT,
                    {
                        "organ": body["navn"],
                        "problem": Text(
                            "hverken kommissorium eller begrundelse.", "neither kommissorium nor a reason."
                        ),
                    },
                    where,
                )
        elif not (ctx.inside(rel) and ctx.path(rel).is_file()):
            yield Hit(
                AGREEMENT,
                {
                    "organ": body["navn"],
                    "problem": Text(
                        f"kommissoriet {rel} findes ikke i dossieret.",
                        f"the kommissorium {rel} is not in the dossier.",
                    ),
                },
                where + "/fil",
            )
        elif ctx.doctypes.get(rel) != "kommissorium":
            yield Hit(
                AGREEMENT,
                {
                    "organ": body["navn"],
                    "problem": Text(f"{rel} er ikke et kommissorium.", f"{rel} is not a kommissorium."),
                },
                where + "/fil",
            )
        elif doc is not None and doc["organ"] != body["id"]:
            yield Hit(
                AGREEMENT,
                {
                    "organ": body["navn"],
                    "problem": Text(
                        f"{rel} er kommissoriet for »{doc['organ']}«, ikke »{body['id']}«.",
                        f"{rel} is the kommissorium of '{doc['organ']}', not '{body['id']}'.",
                    ),
                },
                where + "/fil",
            )


@rule(
    "body-frequency",
    "organisation",
    Severity.ERROR,
    title=(
        "Mødefrekvensen er ens i aftale og kommissorium",
        "Meeting frequency agrees between agreement and kommissorium",
    ),
    message=(
        "{organ} mødes {aftale} gange årligt ifølge aftalen, men {kommissorium} gange ifølge kommissoriet.",
        "{organ} meets {aftale} times a year according to the agreement, but {kommissorium} according to its kommissorium.",
    ),
    hint=(
        "Ret kommissoriet eller aftalens afsnit 2, så de siger det samme.",
        "Correct the kommissorium or section 2 so they agree.",
    ),
    source=SRC2,
)
def body_frequency(ctx) -> Iterator[Hit]:
    for _i, body in _bodies(ctx):
        rel, doc = _kommissorium(ctx, body)
        if doc is None or doc["organ"] != body["id"]:
            continue
        a, k = body["moedefrekvens"], doc["moedefrekvens"]
        if (a["min_pr_aar"], a["max_pr_aar"]) != (k["min_pr_aar"], k["max_pr_aar"]):
            yield Hit(
                rel, {"organ": body["navn"], "aftale": _span(a), "kommissorium": _span(k)}, "/moedefrekvens"
            )


@rule(
    "kommissorium-unknown-body",
    "organisation",
    Severity.ERROR,
    title=(
        "Kommissoriet hører til et organ i aftalen",
        "The kommissorium belongs to a body in the agreement",
    ),
    message=(
        "Kommissoriet gælder organet »{organ}«, som ikke findes i aftalens afsnit 2.",
        "The kommissorium is for the body '{organ}', which is not in section 2 of the agreement.",
    ),
    hint=("{forslag}", "{forslag}"),
    source=SRC2,
)
def kommissorium_unknown(ctx) -> Iterator[Hit]:
    ids = [b["id"] for _i, b in _bodies(ctx)]
    for rel, doc in ctx.documents("kommissorium"):
        if doc["organ"] not in ids:
            yield Hit(rel, {"organ": doc["organ"], "forslag": did_you_mean(doc["organ"], ids)}, "/organ")


@rule(
    "evaluation-unknown-body",
    "organisation",
    Severity.ERROR,
    title=("Evalueringerne udføres af kendte organer", "Evaluations are made by known bodies"),
    message=(
        "Afsnit 6 nævner organet »{organ}«, som ikke findes i afsnit 2.",
        "Section 6 names the body '{organ}', which is not in section 2.",
    ),
    hint=("{forslag}", "{forslag}"),
    source=("Samarbejdsaftalens afsnit 6, Lokal evaluering", "The agreement's section 6, local evaluation"),
)
def evaluation_unknown(ctx) -> Iterator[Hit]:
    ids = [b["id"] for _i, b in _bodies(ctx)]
    for k, ev in enumerate(ctx.agreement["lokal_evaluering"]["evalueringer"]):
        if ev["organ"] not in ids:
            yield Hit(
                AGREEMENT,
                {"organ": ev["organ"], "forslag": did_you_mean(ev["organ"], ids)},
                ptr("lokal_evaluering", "evalueringer", k, "organ"),
            )
