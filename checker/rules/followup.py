"""The follow-up register (opfoelgning.json): every measurement belongs to a target of the agreement,
is dated within the period, and every held evaluation is one the agreement promises."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from checker.findings import Severity, Text
from checker.rules import Hit, rule
from checker.rules._util import did_you_mean

REGISTER = "opfoelgning.json"
SRC = (
    "Samarbejdsaftalens afsnit 5 og 6 og opfølgningsregistret",
    "The agreement's sections 5 and 6 and the follow-up register",
)


def _register(ctx):
    return ctx.document(REGISTER, "opfoelgning")


def _targets(ctx) -> dict[tuple, object]:
    from checker.followup.targets import all_targets

    try:
        return {(t.kriterium, t.noegle, t.kontrolpunkt.isoformat()): t for t in all_targets(ctx.agreement)}
    except ValueError:
        return {}


@rule(
    "followup-unknown-target",
    "followup",
    Severity.ERROR,
    title=("Målingen hører til et mål i aftalen", "The measurement belongs to a target of the agreement"),
    message=(
        "Målingen ({kriterium}, {noegle}, {kontrolpunkt}) svarer ikke til noget mål i aftalen: {problem}",
        "The measurement ({kriterium}, {noegle}, {kontrolpunkt}) matches no target of the agreement: {problem}",
    ),
    hint=("{forslag}", "{forslag}"),
    source=SRC,
)
def unknown_target(ctx) -> Iterator[Hit]:
    register = _register(ctx)
    if register is None:
        return
    targets = _targets(ctx)
    criteria = sorted({k[0] for k in targets})
    # per criterion, its keys and checkpoints, made once: a register of thousands of measurements that
    # match nothing is then reported in time proportional to its length
    keys_of: dict[str, set] = {}
    points_of: dict[str, set] = {}
    for k in targets:
        keys_of.setdefault(k[0], set()).add(k[1])
        points_of.setdefault(k[0], set()).add(k[2])
    for i, m in enumerate(register["maalinger"]):
        key = (m["kriterium"], m.get("noegle"), m["kontrolpunkt"])
        if key in targets:
            continue
        params = {
            "kriterium": m["kriterium"],
            "noegle": m.get("noegle") or "-",
            "kontrolpunkt": m["kontrolpunkt"],
        }
        if m["kriterium"] not in keys_of:
            yield Hit(
                REGISTER,
                {
                    **params,
                    "problem": Text("ukendt succeskriterium.", "unknown success criterion."),
                    "forslag": did_you_mean(m["kriterium"], criteria),
                },
                f"/maalinger/{i}/kriterium",
            )
            continue
        keys = sorted(keys_of[m["kriterium"]], key=lambda x: x or "")
        if m.get("noegle") not in keys:
            names = [k for k in keys if k]
            yield Hit(
                REGISTER,
                {
                    **params,
                    "problem": Text("ukendt område eller kategori.", "unknown area or category."),
                    "forslag": did_you_mean(m.get("noegle") or "", names)
                    if names
                    else Text(
                        "Kriteriet har ét samlet tal: udelad »noegle«.",
                        "The criterion has one figure: leave out 'noegle'.",
                    ),
                },
                f"/maalinger/{i}",
            )
            continue
        points = sorted(points_of[m["kriterium"]])
        yield Hit(
            REGISTER,
            {
                **params,
                "problem": Text("intet kontrolpunkt på den dato.", "no checkpoint on that date."),
                "forslag": Text(
                    "Kontrolpunkter: " + ", ".join(points) + ".", "Checkpoints: " + ", ".join(points) + "."
                ),
            },
            f"/maalinger/{i}/kontrolpunkt",
        )


@rule(
    "followup-date-outside-period",
    "followup",
    Severity.ERROR,
    title=("Målingen er opgjort i perioden", "The measurement is dated within the period"),
    message=(
        "Målingen af {kriterium} er dateret {dato}, uden for {start}–{slut} (periodens sidste år opgøres senest et år efter).",
        "The measurement of {kriterium} is dated {dato}, outside {start}–{slut} (the last year is compiled at most a year after).",
    ),
    hint=("Ret datoen for opgørelsen.", "Correct the measurement's date."),
    source=SRC,
)
def date_outside(ctx) -> Iterator[Hit]:
    register = _register(ctx)
    if register is None:
        return
    start, end = ctx.period
    latest = date(end.year + 1, end.month, min(end.day, 28 if end.month == 2 else end.day))
    for i, m in enumerate(register["maalinger"]):
        d = date.fromisoformat(m["dato"])
        if not start <= d <= latest:
            yield Hit(
                REGISTER,
                {
                    "kriterium": m["kriterium"],
                    "dato": d.isoformat(),
                    "start": start.isoformat(),
                    "slut": latest.isoformat(),
                },
                f"/maalinger/{i}/dato",
            )


@rule(
    "followup-unknown-evaluation",
    "followup",
    Severity.ERROR,
    title=("Evalueringen er en, aftalen lover", "The evaluation is one the agreement promises"),
    message=(
        "»{evaluering}« er ikke en af evalueringerne i aftalens afsnit 6.",
        "'{evaluering}' is not one of the evaluations in section 6 of the agreement.",
    ),
    hint=("{forslag}", "{forslag}"),
    source=SRC,
)
def unknown_evaluation(ctx) -> Iterator[Hit]:
    register = _register(ctx)
    if register is None:
        return
    ids = [e["id"] for e in ctx.agreement["lokal_evaluering"]["evalueringer"]]
    for i, e in enumerate(register["evalueringer"]):
        if e["evaluering"] not in ids:
            yield Hit(
                REGISTER,
                {"evaluering": e["evaluering"], "forslag": did_you_mean(e["evaluering"], ids)},
                f"/evalueringer/{i}/evaluering",
            )
