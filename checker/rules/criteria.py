"""Indsatsområder and success criteria: only the rule set's areas with its numbers, each with formål
and criteria; targets inside the period; per-area baselines naming exactly the dossier's areas."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from checker.findings import Severity
from checker.rules import Hit, rule
from checker.rules._util import did_you_mean, ptr

AGREEMENT = "samarbejdsaftale.json"
SRC5 = ("Samarbejdsaftalens afsnit 5, Indsatsområder", "The agreement's section 5, intervention areas")


def _areas(ctx):
    return enumerate(ctx.agreement["indsatsomraader"]["omraader"])


def _criteria(ctx):
    for i, area in _areas(ctx):
        for j, crit in enumerate(area["succeskriterier"]):
            yield i, area, j, crit


@rule(
    "ruleset-unknown",
    "ruleset",
    Severity.ERROR,
    title=("Aftalens regelsæt findes", "The agreement's rule set exists"),
    message=("Regelsættet »{regelsaet}« kendes ikke.", "The rule set '{regelsaet}' is not known."),
    hint=(
        "Kendte regelsæt: {kendte}. Regelsæt søges i {hvor}.",
        "Known rule sets: {kendte}. Rule sets are looked for in {hvor}.",
    ),
    source=("Samarbejdsaftalens felt »regelsaet«", "The agreement's field 'regelsaet'"),
)
def ruleset_unknown(ctx) -> Iterator[Hit]:
    if ctx.ruleset is None:
        from checker import rulesets

        yield Hit(
            AGREEMENT,
            {
                "regelsaet": ctx.agreement["regelsaet"],
                "kendte": ", ".join(rulesets.available(getattr(ctx, "ruleset_dir", None))),
                "hvor": rulesets.where_text(),
            },
            "/regelsaet",
        )


@rule(
    "area-not-in-ruleset",
    "criteria",
    Severity.ERROR,
    title=("Kun regelsættets indsatsområder", "Only the rule set's intervention areas"),
    message=(
        "Indsatsområde {nummer} findes ikke i regelsættet {regelsaet}.",
        "Intervention area {nummer} does not exist in the rule set {regelsaet}.",
    ),
    hint=("Regelsættets indsatsområder: {omraader}.", "The rule set's intervention areas: {omraader}."),
    source=SRC5,
)
def not_in_ruleset(ctx) -> Iterator[Hit]:
    if ctx.ruleset is None:
        return
    known = ", ".join(f"{n} {v}" for n, v in ctx.ruleset.indsatsomraader.items())
    for i, area in _areas(ctx):
        if area["nummer"] not in ctx.ruleset.indsatsomraader:
            yield Hit(
                AGREEMENT,
                {"nummer": area["nummer"], "regelsaet": ctx.ruleset.id, "omraader": known},
                ptr("indsatsomraader", "omraader", i, "nummer"),
            )


@rule(
    "area-name",
    "criteria",
    Severity.ERROR,
    title=(
        "Indsatsområdet har regelsættets navn og nummer",
        "The intervention area has the rule set's name and number",
    ),
    message=(
        "Indsatsområde {nummer} hedder »{rigtigt}« i regelsættet, ikke »{navn}«.",
        "Intervention area {nummer} is called '{rigtigt}' in the rule set, not '{navn}'.",
    ),
    hint=(
        "Brug regelsættets navn; et valgt område beholder sit nummer (fx 5.3, selv om 5.2 ikke er valgt).",
        "Use the rule set's name; a chosen area keeps its number (e.g. 5.3 even when 5.2 is not chosen).",
    ),
    source=SRC5,
)
def area_name(ctx) -> Iterator[Hit]:
    if ctx.ruleset is None:
        return
    for i, area in _areas(ctx):
        right = ctx.ruleset.indsatsomraader.get(area["nummer"])
        if right is not None and right != area["navn"]:
            yield Hit(
                AGREEMENT,
                {"nummer": area["nummer"], "rigtigt": right, "navn": area["navn"]},
                ptr("indsatsomraader", "omraader", i, "navn"),
            )


@rule(
    "area-duplicate",
    "criteria",
    Severity.ERROR,
    title=("Hvert indsatsområde én gang", "Each intervention area once"),
    message=(
        "Indsatsområde {nummer} står mere end én gang.",
        "Intervention area {nummer} appears more than once.",
    ),
    hint=("Saml kriterierne under ét indsatsområde.", "Gather the criteria under one intervention area."),
    source=SRC5,
)
def duplicate(ctx) -> Iterator[Hit]:
    seen = set()
    for i, area in _areas(ctx):
        if area["nummer"] in seen:
            yield Hit(AGREEMENT, {"nummer": area["nummer"]}, ptr("indsatsomraader", "omraader", i, "nummer"))
        seen.add(area["nummer"])


@rule(
    "area-no-criteria",
    "criteria",
    Severity.ERROR,
    title=("Hvert indsatsområde har succeskriterier", "Each intervention area has success criteria"),
    message=(
        "Indsatsområde {nummer} {navn} har ingen lokalt opstillede målinger (succeskriterier).",
        "Intervention area {nummer} {navn} has no local success criteria.",
    ),
    hint=(
        "Tilføj mindst ét succeskriterium med baseline, mål og datakilde.",
        "Add at least one success criterion with baseline, target and data source.",
    ),
    source=(
        "Samarbejdsaftalens afsnit 5: »Herudover skal det angives, hvilke lokalt opstillede målinger …«",
        "Section 5 of the agreement: local success criteria must be stated",
    ),
)
def no_criteria(ctx) -> Iterator[Hit]:
    for i, area in _areas(ctx):
        if not area["succeskriterier"]:
            yield Hit(
                AGREEMENT,
                {"nummer": area["nummer"], "navn": area["navn"]},
                ptr("indsatsomraader", "omraader", i, "succeskriterier"),
            )


@rule(
    "criterion-duplicate-id",
    "criteria",
    Severity.ERROR,
    title=("Succeskriteriernes id er entydige", "Success-criterion ids are unique"),
    message=(
        "Id'et »{id}« bruges af mere end ét succeskriterium.",
        "The id '{id}' is used by more than one success criterion.",
    ),
    hint=(
        "Giv hvert kriterium sit eget id; opfølgningen henviser til det.",
        "Give each criterion its own id; follow-up refers to it.",
    ),
    source=SRC5,
)
def duplicate_id(ctx) -> Iterator[Hit]:
    seen = set()
    for i, _area, j, crit in _criteria(ctx):
        if crit["id"] in seen:
            yield Hit(
                AGREEMENT,
                {"id": crit["id"]},
                ptr("indsatsomraader", "omraader", i, "succeskriterier", j, "id"),
            )
        seen.add(crit["id"])


@rule(
    "criterion-checkpoint-outside-period",
    "criteria",
    Severity.ERROR,
    title=("Målene gælder aftalens periode", "Targets are set for the agreement's period"),
    message=(
        "Kontrolpunktet {dato} for »{titel}« ligger uden for aftalens periode {start}–{slut}.",
        "The checkpoint {dato} of '{titel}' lies outside the agreement's period {start}–{slut}.",
    ),
    hint=(
        "Målene skal sættes for den fireårige periode; flyt kontrolpunktet ind i perioden.",
        "Targets are set for the period; move the checkpoint inside it.",
    ),
    source=(
        "Samarbejdsaftalens afsnit 5: »Målene skal sættes for den fireårige periode«",
        "Section 5: targets are set for the four-year period",
    ),
)
def checkpoint_period(ctx) -> Iterator[Hit]:
    start, end = ctx.period
    for i, _area, j, crit in _criteria(ctx):
        for k, point in enumerate(crit["maal"]["kontrolpunkter"]):
            d = date.fromisoformat(point["dato"])
            if not start <= d <= end:
                yield Hit(
                    AGREEMENT,
                    {
                        "dato": d.isoformat(),
                        "titel": crit["titel"],
                        "start": start.isoformat(),
                        "slut": end.isoformat(),
                    },
                    ptr(
                        "indsatsomraader",
                        "omraader",
                        i,
                        "succeskriterier",
                        j,
                        "maal",
                        "kontrolpunkter",
                        k,
                        "dato",
                    ),
                )


@rule(
    "criterion-baseline-areas",
    "criteria",
    Severity.ERROR,
    title=(
        "Baseline pr. område nævner netop dossierets områder",
        "Per-area baselines name exactly the dossier's areas",
    ),
    message=("»{titel}«: {problem}", "'{titel}': {problem}"),
    hint=("{forslag}", "{forslag}"),
    source=("Samarbejdsaftalens områder og afsnit 5", "The agreement's areas and section 5"),
)
def baseline_areas(ctx) -> Iterator[Hit]:
    from checker.findings import Text

    areas = ctx.area_names
    for i, _area, j, crit in _criteria(ctx):
        per = crit["baseline"].get("per_omraade")
        if per is None:
            continue
        base = ("indsatsomraader", "omraader", i, "succeskriterier", j, "baseline", "per_omraade")
        for name in per:
            if name not in areas:
                yield Hit(
                    AGREEMENT,
                    {
                        "titel": crit["titel"],
                        "problem": Text(
                            f"»{name}« er ikke et af dossierets områder.",
                            f"'{name}' is not one of the dossier's areas.",
                        ),
                        "forslag": did_you_mean(name, areas),
                    },
                    ptr(*base, name),
                    key=True,
                )
        for name in areas:
            if name not in per:
                yield Hit(
                    AGREEMENT,
                    {
                        "titel": crit["titel"],
                        "problem": Text(
                            f"baseline for »{name}« mangler.", f"the baseline for '{name}' is missing."
                        ),
                        "forslag": Text(
                            f"Tilføj »{name}« med sin baseline.", f"Add '{name}' with its baseline."
                        ),
                    },
                    ptr(*base),
                )


@rule(
    "criterion-open-question",
    "criteria",
    Severity.WARNING,
    title=("Uafklaret læsning af et mål", "Unresolved reading of a target"),
    message=(
        "»{titel}« kan læses på flere måder, og parterne har ikke afklaret hvilken: {spoergsmaal}",
        "'{titel}' can be read in more than one way, and the parties have not settled which: {spoergsmaal}",
    ),
    hint=(
        "Få parterne til at afklare læsningen, ret målet efter den, og sæt status til »afklaret« med en afklaring.",
        "Have the parties settle the reading, adjust the target to it, and set the status to 'afklaret' with an explanation.",
    ),
    source=(
        "Aftalens ordlyd (se docs/dossier.md om tvetydige mål)",
        "The agreement's wording (see docs/dossier.md on ambiguous targets)",
    ),
)
def open_question(ctx) -> Iterator[Hit]:
    for i, _area, j, crit in _criteria(ctx):
        q = crit.get("aabent_spoergsmaal")
        if q and q["status"] == "aaben":
            yield Hit(
                AGREEMENT,
                {"titel": crit["titel"], "spoergsmaal": q["spoergsmaal"]},
                ptr("indsatsomraader", "omraader", i, "succeskriterier", j, "aabent_spoergsmaal"),
            )


@rule(
    "criterion-baseline-pending",
    "criteria",
    Severity.INFO,
    title=("Baseline foreligger endnu ikke", "Baseline not yet available"),
    message=("»{titel}« har endnu ingen baseline: {grund}", "'{titel}' has no baseline yet: {grund}"),
    hint=(
        "Registrér baseline, når nulpunktsmålingen foreligger.",
        "Record the baseline when the zero-point measurement is available.",
    ),
    source=("Samarbejdsaftalens afsnit 5", "The agreement's section 5"),
)
def baseline_pending(ctx) -> Iterator[Hit]:
    for i, _area, j, crit in _criteria(ctx):
        reason = crit["baseline"].get("foreligger_ikke")
        if reason:
            yield Hit(
                AGREEMENT,
                {"titel": crit["titel"], "grund": reason},
                ptr("indsatsomraader", "omraader", i, "succeskriterier", j, "baseline"),
            )
