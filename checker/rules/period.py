"""Period and milestones: start before end, the rule set's length, every milestone inside the
period, milestones in each project year, and delaftaler kept up to date."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from checker.findings import Severity
from checker.rules import Hit, rule
from checker.rules._util import ptr

AGREEMENT = "samarbejdsaftale.json"
SRC_PERIOD = ("Samarbejdsaftalens forside: perioden", "The agreement's front page: the period")


@rule(
    "period-order",
    "period",
    Severity.ERROR,
    title=("Perioden starter før den slutter", "The period starts before it ends"),
    message=("Perioden starter {start}, men slutter {slut}.", "The period starts {start} but ends {slut}."),
    hint=("Ret start- eller slutdatoen.", "Correct the start or end date."),
    source=SRC_PERIOD,
)
def order(ctx) -> Iterator[Hit]:
    start, end = ctx.period
    if start >= end:
        yield Hit(AGREEMENT, {"start": start.isoformat(), "slut": end.isoformat()}, "/periode/slut")


def _expected_end(start: date, years: int) -> date:
    try:
        following = start.replace(year=start.year + years)
    except ValueError:  # 29 February: in a year without it the anniversary is 1 March
        following = date(start.year + years, 3, 1)
    return date.fromordinal(following.toordinal() - 1)


@rule(
    "period-length",
    "period",
    Severity.ERROR,
    title=(
        "Perioden holder sig inden for regelsættets længde",
        "The period stays within the rule set's length",
    ),
    message=(
        "Perioden {start}–{slut} er {hvad} de {aar} år, regelsættet {regelsaet} tillader; den skulle slutte {graense} {forventet}.",
        "The period {start}–{slut} is {hvad_en} the {aar_en} years the rule set {regelsaet} allows; it would end {graense_en} {forventet}.",
    ),
    hint=(
        "Ret slutdatoen, eller angiv det rigtige regelsæt.",
        "Correct the end date, or name the right rule set.",
    ),
    source=(
        "Regelsættets krav »periode« (min_aar, max_aar)",
        "The rule set's requirement 'periode' (min_aar, max_aar)",
    ),
)
def length(ctx) -> Iterator[Hit]:
    if ctx.ruleset is None:
        return
    start, end = ctx.period
    fewest, most = ctx.ruleset.periode_aar
    params = {"start": start.isoformat(), "slut": end.isoformat(), "regelsaet": ctx.ruleset.id}
    if start >= end:
        return
    if most is not None and end > _expected_end(start, most):
        yield Hit(
            AGREEMENT,
            {
                **params,
                "hvad": "længere end",
                "hvad_en": "longer than",
                "aar": f"højst {most}",
                "aar_en": f"at most {most}",
                "graense": "senest",
                "graense_en": "at the latest",
                "forventet": _expected_end(start, most).isoformat(),
            },
            "/periode/slut",
        )
    elif fewest is not None and end < _expected_end(start, fewest):
        yield Hit(
            AGREEMENT,
            {
                **params,
                "hvad": "kortere end",
                "hvad_en": "shorter than",
                "aar": f"mindst {fewest}",
                "aar_en": f"at least {fewest}",
                "graense": "tidligst",
                "graense_en": "at the earliest",
                "forventet": _expected_end(start, fewest).isoformat(),
            },
            "/periode/slut",
        )


def _milestones(ctx):
    for rel, plan in ctx.documents("milepaelsplan"):
        for y, year in enumerate(plan["projektaar"]):
            for m, stone in enumerate(year["milepaele"]):
                yield rel, y, m, stone


@rule(
    "milestone-outside-period",
    "period",
    Severity.ERROR,
    title=("Milepælene ligger i perioden", "Milestones lie inside the period"),
    message=(
        "Milepælen »{titel}« ({dato}) ligger uden for aftalens periode {start}–{slut}.",
        "The milestone '{titel}' ({dato}) lies outside the agreement's period {start}–{slut}.",
    ),
    hint=("Flyt milepælen ind i perioden.", "Move the milestone inside the period."),
    source=(
        "Aftaledokumenter: »En milepælsplan for den samlede projektperiode«",
        "Annex list: a milestone plan for the whole project period",
    ),
)
def outside(ctx) -> Iterator[Hit]:
    start, end = ctx.period
    for rel, y, m, stone in _milestones(ctx):
        d = date.fromisoformat(stone["dato"])
        if not start <= d <= end:
            yield Hit(
                rel,
                {
                    "titel": stone["titel"],
                    "dato": d.isoformat(),
                    "start": start.isoformat(),
                    "slut": end.isoformat(),
                },
                ptr("projektaar", y, "milepaele", m, "dato"),
            )


@rule(
    "milestone-year-empty",
    "period",
    Severity.ERROR,
    title=("Hvert projektår har milepæle", "Each project year has milestones"),
    message=(
        "Projektår {nr} ({start}–{slut}) har ingen milepæle.",
        "Project year {nr} ({start}–{slut}) has no milestones.",
    ),
    hint=(
        "Tilføj milepæle for projektåret; afsnit 6 lover en milepælsplan for hvert projektår.",
        "Add milestones for the project year; section 6 promises a plan for each year.",
    ),
    source=(
        "Samarbejdsaftalens afsnit 6: »milepælsplan for hvert projekt år«",
        "Section 6: a milestone plan for each project year",
    ),
)
def year_empty(ctx) -> Iterator[Hit]:
    plans = ctx.documents("milepaelsplan")
    if not plans:
        return
    dates = [date.fromisoformat(stone["dato"]) for _rel, _y, _m, stone in _milestones(ctx)]
    for nr, (first, last) in enumerate(ctx.project_years, start=1):
        if not any(first <= d <= last for d in dates):
            yield Hit(
                plans[0][0], {"nr": nr, "start": first.isoformat(), "slut": last.isoformat()}, "/projektaar"
            )


@rule(
    "delaftale-stale",
    "period",
    Severity.WARNING,
    title=("Delaftalerne er ajourført inden for 12 måneder", "Sub-agreements updated within 12 months"),
    message=(
        "Delaftalen er sidst ajourført {dato}, mere end 12 måneder før {pr}.",
        "The sub-agreement was last updated {dato}, more than 12 months before {pr}.",
    ),
    hint=(
        "Bestyrelsen skal holde delaftalerne ajour; Landsbyggefonden kan til enhver tid rekvirere dem. Opdatér dem og »metadata.opdateret«.",
        "The board keeps the sub-agreements current; LBF can ask for them at any time. Update them and 'metadata.opdateret'.",
    ),
    source=(
        "Aftaledokumenter: »delaftalerne … løbende ajourføres«",
        "Annex list: the sub-agreements are kept current",
    ),
)
def stale(ctx) -> Iterator[Hit]:
    limit = _months_before(ctx.as_of, 12)
    for rel, doc in ctx.documents("delaftale"):
        stamps = [doc["metadata"].get("opdateret"), doc.get("version", {}).get("dato")]
        latest = max((date.fromisoformat(s) for s in stamps if s), default=None)
        if latest is None:
            yield Hit(rel, {"dato": "aldrig (ingen dato)", "pr": ctx.as_of.isoformat()}, "/metadata")
        elif latest < limit:
            yield Hit(
                rel,
                {"dato": latest.isoformat(), "pr": ctx.as_of.isoformat()},
                "/metadata/opdateret" if doc["metadata"].get("opdateret") else "/version/dato",
            )


def _months_before(d: date, months: int) -> date:
    y, m = divmod(d.year * 12 + d.month - 1 - months, 12)
    day = min(
        d.day,
        [
            31,
            29 if (y % 4 == 0 and (y % 100 or y % 400 == 0)) else 28,
            31,
            30,
            31,
            30,
            31,
            31,
            30,
            31,
            30,
            31,
        ][m],
    )
    return date(y, m + 1, day)
