"""Areas, parties and figures: the same names in every document (with "did you mean" for near
misses), per-area figures that add up, and the central-measurements PDF agreeing with the agreement."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from checker.findings import Severity
from checker.model import departments
from checker.readers import ReaderError
from checker.rules import Hit, rule
from checker.rules._util import did_you_mean, ptr

AGREEMENT = "samarbejdsaftale.json"
SRC_FRONT = (
    "Samarbejdsaftalens forside: områdernes navne og aftalens parter",
    "The agreement's front page: area names and parties",
)


def _area_uses(ctx):
    """(file, pointer, key?, name) for every place a document names an area."""
    a = ctx.agreement
    for i, area in enumerate(a["indsatsomraader"]["omraader"]):
        for k, name in enumerate(area.get("fokusomraader", [])):
            yield AGREEMENT, ptr("indsatsomraader", "omraader", i, "fokusomraader", k), False, name
        for k, inst in enumerate(area.get("institutioner", [])):
            for m, name in enumerate(inst.get("omraader", [])):
                yield (
                    AGREEMENT,
                    ptr("indsatsomraader", "omraader", i, "institutioner", k, "omraader", m),
                    False,
                    name,
                )
        for j, crit in enumerate(area["succeskriterier"]):
            for k, inst in enumerate(crit.get("institutioner", [])):
                for m, name in enumerate(inst.get("omraader", [])):
                    yield (
                        AGREEMENT,
                        ptr(
                            "indsatsomraader",
                            "omraader",
                            i,
                            "succeskriterier",
                            j,
                            "institutioner",
                            k,
                            "omraader",
                            m,
                        ),
                        False,
                        name,
                    )
    for k, tal in enumerate(a["beskrivelse"].get("noegletal", [])):
        for name in tal.get("per_omraade", {}):
            yield AGREEMENT, ptr("beskrivelse", "noegletal", k, "per_omraade", name), True, name
    for rel, doc in ctx.documents("delaftale"):
        for i, act in enumerate(doc["aktiviteter"]):
            for k, name in enumerate(act["omraader"]):
                yield rel, ptr("aktiviteter", i, "omraader", k), False, name
    for rel, doc in ctx.documents("beredskabsplan"):
        for k, name in enumerate(doc["omraader"]):
            yield rel, ptr("omraader", k), False, name


@rule(
    "name-area-unknown",
    "names",
    Severity.ERROR,
    title=("Områdernes navne er ens i alle dokumenter", "Area names are identical in every document"),
    message=("»{navn}« er ikke et af aftalens områder.", "'{navn}' is not one of the agreement's areas."),
    hint=("{forslag}", "{forslag}"),
    source=SRC_FRONT,
)
def area_unknown(ctx) -> Iterator[Hit]:
    areas = ctx.area_names
    for rel, pointer, key, name in _area_uses(ctx):
        if name not in areas:
            yield Hit(rel, {"navn": name, "forslag": did_you_mean(name, areas)}, pointer, key=key)


def _party_uses(ctx):
    a = ctx.agreement
    for k, block in enumerate(a["underskrifter"]):
        yield AGREEMENT, ptr("underskrifter", k, "part"), block["part"]
    yield AGREEMENT, ptr("sekretariat", "placering"), a["sekretariat"]["placering"]
    for rel, doc in ctx.documents("delaftale"):
        for k, block in enumerate(doc["underskrifter"]):
            yield rel, ptr("underskrifter", k, "part"), block["part"]
        for k, actor in enumerate(doc["aktoerer"]):
            if actor["type"] == "part":
                yield rel, ptr("aktoerer", k, "navn"), actor["navn"]
            if actor.get("under_part"):
                yield rel, ptr("aktoerer", k, "under_part"), actor["under_part"]


@rule(
    "name-party-unknown",
    "names",
    Severity.ERROR,
    title=("Parternes navne er ens i alle dokumenter", "Party names are identical in every document"),
    message=("»{navn}« er ikke en af aftalens parter.", "'{navn}' is not one of the agreement's parties."),
    hint=("{forslag}", "{forslag}"),
    source=SRC_FRONT,
)
def party_unknown(ctx) -> Iterator[Hit]:
    parties = ctx.party_names
    for rel, pointer, name in _party_uses(ctx):
        if name not in parties:
            yield Hit(rel, {"navn": name, "forslag": did_you_mean(name, parties)}, pointer)


def _party_ids(ctx):
    """(file, pointer, id) for every place a document refers to a party or actor by its id."""
    a = ctx.agreement
    for i, _area, j, afd in departments(a):
        if afd.get("boligorganisation"):
            yield (
                AGREEMENT,
                ptr("omraader", i, "afdelinger", j, "boligorganisation"),
                afd["boligorganisation"],
            )
    for k, share in enumerate(a["ressourcer"]["finansiering"].get("lokal_fordeling", [])):
        yield AGREEMENT, ptr("ressourcer", "finansiering", "lokal_fordeling", k, "part"), share["part"]
    for b, body in enumerate(a["organisering"]["organer"]):
        for k, member in enumerate(body["medlemmer"]):
            if member.get("part"):
                yield AGREEMENT, ptr("organisering", "organer", b, "medlemmer", k, "part"), member["part"]
    for doctype, key in (("kommissorium", "medlemmer"), ("beredskabsplan", "beredskabsgruppe")):
        for rel, doc in ctx.documents(doctype):
            for k, member in enumerate(doc.get(key, [])):
                if member.get("part"):
                    yield rel, ptr(key, k, "part"), member["part"]


@rule(
    "party-id-unknown",
    "names",
    Severity.ERROR,
    title=(
        "Henvisninger til parter bruger parternes id",
        "References to parties use the parties' ids",
    ),
    message=(
        "»{id}« er ikke id'et på en af aftalens parter eller aktører.",
        "'{id}' is not the id of one of the agreement's parties or actors.",
    ),
    hint=("{forslag} Parternes id står under »parter«.", "{forslag} The parties' ids are under 'parter'."),
    source=SRC_FRONT,
)
def party_id_unknown(ctx) -> Iterator[Hit]:
    ids = [p["id"] for p in ctx.agreement["parter"]]
    for rel, pointer, pid in _party_ids(ctx):
        if pid not in ids:
            yield Hit(rel, {"id": pid, "forslag": did_you_mean(pid, ids)}, pointer)


@rule(
    "party-id-duplicate",
    "names",
    Severity.ERROR,
    title=("Hver part har sit eget id", "Every party has its own id"),
    message=(
        "Id'et »{id}« bruges af flere parter ({navne}).",
        "The id '{id}' is used by several parties ({navne}).",
    ),
    hint=("Giv hver part et id for sig.", "Give each party an id of its own."),
    source=SRC_FRONT,
)
def party_id_duplicate(ctx) -> Iterator[Hit]:
    seen: dict[str, list[str]] = {}
    for k, p in enumerate(ctx.agreement["parter"]):
        seen.setdefault(p["id"], []).append(p["navn"])
        if len(seen[p["id"]]) == 2:
            yield Hit(AGREEMENT, {"id": p["id"], "navne": ", ".join(seen[p["id"]])}, ptr("parter", k, "id"))


@rule(
    "name-helhedsplan",
    "names",
    Severity.WARNING,
    title=("Helhedsplanens navn er ens i alle dokumenter", "The plan's name is identical in every document"),
    message=(
        "Dokumentet kalder helhedsplanen »{navn}«, aftalen kalder den »{aftale}«.",
        "The document calls the plan '{navn}', the agreement calls it '{aftale}'.",
    ),
    hint=("Skriv helhedsplanens navn som i samarbejdsaftalen.", "Write the plan's name as in the agreement."),
    source=SRC_FRONT,
)
def helhedsplan(ctx) -> Iterator[Hit]:
    name = ctx.agreement["helhedsplan"]
    for doctype in ("delaftale", "kommissorium", "milepaelsplan", "beredskabsplan"):
        for rel, doc in ctx.documents(doctype):
            if doc.get("helhedsplan") not in (None, name):
                yield Hit(rel, {"navn": doc["helhedsplan"], "aftale": name}, "/helhedsplan")


@rule(
    "figures-area-sum",
    "names",
    Severity.ERROR,
    title=(
        "Beboere og lejemål pr. område summer til totalen",
        "Residents and tenancies per area add up to the total",
    ),
    message=(
        "Områdernes {hvad} summer til {sum}, men aftalen oplyser {total} i alt.",
        "The areas' {hvad} add up to {sum}, but the agreement states {total} in all.",
    ),
    hint=(
        "Ret tallet for et område eller totalen i afsnit 3.",
        "Correct an area's figure or the total in section 3.",
    ),
    source=("Samarbejdsaftalens afsnit 3", "The agreement's section 3"),
)
def area_sum(ctx) -> Iterator[Hit]:
    from checker.findings import Text

    a = ctx.agreement
    for key, total_key, da, en in (
        ("beboere", "beboere", "beboere", "residents"),
        ("lejemaal", "lejemaal", "lejemål", "tenancies"),
    ):
        values = [area.get(key) for area in a["omraader"]]
        if all(v is not None for v in values) and sum(values) != a["beskrivelse"][total_key]:
            yield Hit(
                AGREEMENT,
                {"hvad": Text(da, en), "sum": sum(values), "total": a["beskrivelse"][total_key]},
                ptr("beskrivelse", total_key),
            )


def _fraflytning_year(ctx) -> str:
    """The year (or period) of the fraflytning criterion's baseline, as the central measurements label it."""
    for area in ctx.agreement["indsatsomraader"]["omraader"]:
        for crit in area["succeskriterier"]:
            if crit["id"].endswith("-fraflytning") and "per_omraade" in crit["baseline"]:
                return crit["baseline"]["tidspunkt"]
    return ""


def _fraflytning(ctx):
    """(criterion pointer, per-area baseline) of the fraflytning criterion, if any."""
    for i, area in enumerate(ctx.agreement["indsatsomraader"]["omraader"]):
        for j, crit in enumerate(area["succeskriterier"]):
            if crit["id"].endswith("-fraflytning") and "per_omraade" in crit["baseline"]:
                return ptr(
                    "indsatsomraader", "omraader", i, "succeskriterier", j, "baseline", "per_omraade"
                ), crit["baseline"]["per_omraade"]
    return None, {}


@rule(
    "figures-repeated",
    "names",
    Severity.ERROR,
    title=(
        "Et tal, aftalen gentager, er ens begge steder",
        "A figure the agreement repeats is the same in both places",
    ),
    message=(
        "{hvad} for {omraade} er {her} her, men {der} i succeskriteriets baseline.",
        "{hvad} for {omraade} is {her} here, but {der} in the criterion's baseline.",
    ),
    hint=("Ret det tal, der er forkert.", "Correct the wrong figure."),
    source=("Samarbejdsaftalens afsnit 3 og 5", "The agreement's sections 3 and 5"),
)
def repeated(ctx) -> Iterator[Hit]:
    _pointer, baseline = _fraflytning(ctx)
    for k, tal in enumerate(ctx.agreement["beskrivelse"].get("noegletal", [])):
        if tal["id"].startswith("fraflytning"):
            for name, value in tal.get("per_omraade", {}).items():
                if name in baseline and Decimal(str(baseline[name])) != Decimal(str(value)):
                    yield Hit(
                        AGREEMENT,
                        {"hvad": tal["betegnelse"], "omraade": name, "her": value, "der": baseline[name]},
                        ptr("beskrivelse", "noegletal", k, "per_omraade", name),
                    )


@rule(
    "figures-central-measurements",
    "names",
    Severity.ERROR,
    title=("De centrale målinger svarer til aftalen", "The central measurements agree with the agreement"),
    message=(
        "Bilaget med centrale målinger siger »{label}« {pdf} (side {side}), men aftalen siger {aftale}.",
        "The central-measurements annex says '{label}' {pdf} (page {side}), but the agreement says {aftale}.",
    ),
    hint=(
        "Aftalens tal skal være dem, Landsbyggefonden har opgjort; ret aftalen.",
        "The agreement's figures must be those LBF measured; correct the agreement.",
    ),
    source=(
        "Samarbejdsaftalens afsnit 4 og bilag med centralt genererede målinger",
        "Section 4 and the central-measurements annex",
    ),
)
def central_measurements(ctx) -> Iterator[Hit]:
    from checker.readers.pdf import find_figure, parse_danish_number

    a = ctx.agreement
    _pointer, fraflytning = _fraflytning(ctx)
    expected = [
        ("Antal beboere", Decimal(a["beskrivelse"]["beboere"])),
        ("Antal lejemål", Decimal(a["beskrivelse"]["lejemaal"])),
    ]
    year = _fraflytning_year(ctx)
    expected += [(f"Fraflytningsprocent {year}, {name}", Decimal(str(v))) for name, v in fraflytning.items()]
    for _i, _j, rel in ctx.annex_files("centrale_maalinger"):
        if not (rel.lower().endswith(".pdf") and ctx.path(rel).is_file() and ctx.inside(rel)):
            continue
        try:
            pages = ctx.pdf(rel)
        except ReaderError:
            continue
        for label, value in expected:
            found = find_figure(pages, label)
            if found is None:
                continue
            text, page = found
            number = parse_danish_number(text)
            if number is not None and number != value:
                yield Hit(
                    rel,
                    {"label": label, "pdf": text, "side": page, "aftale": str(value).replace(".", ",")},
                    page=page,
                )


@rule(
    "figures-central-missing",
    "names",
    Severity.WARNING,
    title=("De centrale målinger kan findes i bilaget", "The central measurements can be found in the annex"),
    message=(
        "Bilaget med centrale målinger har ingen linje »{label}«.",
        "The central-measurements annex has no line '{label}'.",
    ),
    hint=(
        "Se docs/workbooks.md for de linjer, værktøjet læser.",
        "See docs/workbooks.md for the lines the tool reads.",
    ),
    source=("Bilag med centralt genererede målinger", "The central-measurements annex"),
)
def central_missing(ctx) -> Iterator[Hit]:
    from checker.readers.pdf import find_figure

    for _i, _j, rel in ctx.annex_files("centrale_maalinger"):
        if not (rel.lower().endswith(".pdf") and ctx.path(rel).is_file() and ctx.inside(rel)):
            continue
        try:
            pages = ctx.pdf(rel)
        except ReaderError:
            continue
        for label in ("Antal beboere", "Antal lejemål"):
            if find_figure(pages, label) is None:
                yield Hit(rel, {"label": label})
