"""Consistency across the dossier that real dossiers get wrong: placeholders left from »aftale new«,
kommissorier whose members differ from the agreement's bodies, dates outside the period, project years
that do not tile the period, a beredskabsplan that leaves out an område, a criterion whose words say
the opposite of its target, bodies tied to an indsatsområde or område the agreement does not have,
relations to unknown bodies, and a financing split that does not add up."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

from checker.findings import Severity, Text
from checker.model import member_key, member_label
from checker.rules import Hit, rule
from checker.rules._util import did_you_mean, ptr

AGREEMENT = "samarbejdsaftale.json"
PLACEHOLDER = "UDFYLD"
SRC2 = (
    "Samarbejdsaftalens afsnit 2, Organisering, og organernes kommissorier",
    "The agreement's section 2, Organisation, and the bodies' kommissorier",
)


# --------------------------------------------------------------------------- placeholders


def _strings(node, pointer: str = "") -> Iterator[tuple[str, str, bool]]:
    """(pointer, text, is a key) for every text in a JSON value, keys included."""
    if isinstance(node, str):
        yield pointer, node, False
    elif isinstance(node, dict):
        for key, value in node.items():
            here = pointer + ptr(key)
            if isinstance(key, str) and PLACEHOLDER in key:
                yield here, key, True
            yield from _strings(value, here)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _strings(value, f"{pointer}/{i}")


@rule(
    "placeholder-left",
    "names",
    Severity.ERROR,
    title=("Ingen pladsholdere er tilbage", "No placeholders are left"),
    message=("Pladsholderen »{tekst}« er ikke udfyldt.", "The placeholder '{tekst}' has not been filled in."),
    hint=(
        "Erstat pladsholderen med det rigtige indhold; »aftale build« bygger kun et udkast (--draft), så længe der er pladsholdere.",
        "Replace the placeholder with the real content; 'aftale build' builds only a draft (--draft) while placeholders are left.",
    ),
    source=("Pladsholdere fra »aftale new« (UDFYLD)", "Placeholders from 'aftale new' (UDFYLD)"),
)
def placeholder_left(ctx) -> Iterator[Hit]:
    for rel, source in sorted(ctx.sources.items()):
        for pointer, text, key in _strings(source.data):
            if PLACEHOLDER in text:
                shown = text if len(text) <= 80 else text[:77] + "…"
                yield Hit(rel, {"tekst": shown}, pointer, key=key)
    for rel, wb in _workbooks(ctx):
        for ref, text in _workbook_texts(wb):
            if PLACEHOLDER in text:
                yield Hit(rel, {"tekst": text if len(text) <= 80 else text[:77] + "…"}, cell=ref)


def _workbook_texts(wb) -> Iterator[tuple[str, str]]:
    texts = getattr(wb, "texts", None)
    if callable(texts):
        yield from texts()


def _workbooks(ctx) -> Iterator[tuple[str, object]]:
    for kind in ("budget", "aktivitetsskema"):
        for _i, _j, rel in ctx.annex_files(kind):
            if not rel.lower().endswith(".xlsx") or not ctx.inside(rel) or not ctx.path(rel).is_file():
                continue
            try:
                yield rel, ctx.workbook(rel)
            except Exception:  # noqa: BLE001 - an unreadable workbook is reported by its own rule
                continue


@rule(
    "workbook-beyond-limits",
    "names",
    Severity.ERROR,
    title=("Arbejdsbogen læses helt", "The workbook is read in full"),
    message=(
        "Arket »{ark}« bruger flere end {rows} rækker eller {cols} kolonner; det, der står derude, kontrolleres ikke.",
        "The sheet '{ark}' uses more than {rows} rows or {cols} columns; what stands beyond is not checked.",
    ),
    hint=(
        "Slet indholdet uden for tabellerne (eller flyt det til en anden fil), og gem igen.",
        "Delete the content outside the tables (or move it to another file), and save again.",
    ),
    source=(
        "Værktøjets læsning af arbejdsbøger (docs/workbooks.md)",
        "How the tool reads workbooks (docs/workbooks.md)",
    ),
)
def workbook_beyond(ctx) -> Iterator[Hit]:
    from checker.readers.xlsx import MAX_COLUMNS, MAX_ROWS

    for rel, wb in _workbooks(ctx):
        for name in wb.sheet_names:
            if getattr(wb.sheet(name), "beyond", False):
                yield Hit(rel, {"ark": name, "rows": f"{MAX_ROWS:,}".replace(",", "."), "cols": MAX_COLUMNS})


# --------------------------------------------------------------------------- kommissorier


@rule(
    "kommissorium-members",
    "organisation",
    Severity.ERROR,
    title=(
        "Kommissoriets medlemmer er organets medlemmer i aftalen",
        "The kommissorium's members are the body's members in the agreement",
    ),
    message=(
        "{hvad} »{medlem}« {hvor}.",
        "{hvad_en} '{medlem}' {hvor_en}.",
    ),
    hint=("{forslag}", "{forslag}"),
    source=SRC2,
)
def kommissorium_members(ctx) -> Iterator[Hit]:
    from collections import Counter

    aftale = ctx.agreement
    bodies = {b["id"]: (i, b) for i, b in enumerate(aftale["organisering"]["organer"])}
    for rel, doc in ctx.documents("kommissorium"):
        if doc.get("organ") not in bodies:
            continue
        i, body = bodies[doc["organ"]]
        own_labels = [member_label(aftale, m) for m in body["medlemmer"]]
        # members compared as a multiset: the same member twice on one side and once on the other is a difference
        spare = Counter(member_key(aftale, m) for m in body["medlemmer"])
        own_keys = set(spare)
        for k, m in enumerate(doc["medlemmer"]):
            key = member_key(aftale, m)
            if spare[key] > 0:
                spare[key] -= 1
                continue
            label = member_label(aftale, m)
            again = key in own_keys
            yield Hit(
                rel,
                {
                    "hvad": "Medlemmet",
                    "hvad_en": "The member",
                    "medlem": label,
                    "hvor": f"står flere gange her end i {body['navn'].lower()} i samarbejdsaftalen"
                    if again
                    else f"er ikke medlem af {body['navn'].lower()} i samarbejdsaftalen",
                    "hvor_en": f"appears more often here than in {body['navn']} in the agreement"
                    if again
                    else f"is not a member of {body['navn']} in the agreement",
                    "forslag": did_you_mean(label, own_labels),
                },
                ptr("medlemmer", k),
            )
        left = Counter(member_key(aftale, m) for m in doc["medlemmer"])
        for k, m in enumerate(body["medlemmer"]):
            key = member_key(aftale, m)
            if left[key] > 0:
                left[key] -= 1
                continue
            yield Hit(
                AGREEMENT,
                {
                    "hvad": "Medlemmet",
                    "hvad_en": "The member",
                    "medlem": member_label(aftale, m),
                    "hvor": f"mangler i kommissoriet {rel}",
                    "hvor_en": f"is missing from the kommissorium {rel}",
                    "forslag": Text(
                        "Ret kommissoriet eller aftalen, så de nævner de samme medlemmer.",
                        "Correct the kommissorium or the agreement so that both name the same members.",
                    ),
                },
                ptr("organisering", "organer", i, "medlemmer", k),
            )


# --------------------------------------------------------------------------- bodies


@rule(
    "body-tie-unknown",
    "organisation",
    Severity.ERROR,
    title=(
        "Et organ hører kun til et valgt indsatsområde eller et af aftalens områder",
        "A body belongs only to a chosen intervention area or one of the agreement's areas",
    ),
    message=(
        "Organet »{organ}« hører til {hvad} »{vaerdi}«, som aftalen ikke har.",
        "The body '{organ}' belongs to {hvad_en} '{vaerdi}', which the agreement does not have.",
    ),
    hint=("{forslag}", "{forslag}"),
    source=SRC2,
)
def body_tie(ctx) -> Iterator[Hit]:
    chosen = list(ctx.chosen)
    for i, body in enumerate(ctx.agreement["organisering"]["organer"]):
        if "indsatsomraade" in body and body["indsatsomraade"] not in ctx.chosen:
            yield Hit(
                AGREEMENT,
                {
                    "organ": body["navn"],
                    "hvad": "indsatsområdet",
                    "hvad_en": "the intervention area",
                    "vaerdi": body["indsatsomraade"],
                    "forslag": Text(
                        "Valgte indsatsområder: " + ", ".join(chosen) + ".",
                        "Chosen intervention areas: " + ", ".join(chosen) + ".",
                    ),
                },
                ptr("organisering", "organer", i, "indsatsomraade"),
            )
        if "omraade" in body and body["omraade"] not in ctx.area_names:
            yield Hit(
                AGREEMENT,
                {
                    "organ": body["navn"],
                    "hvad": "området",
                    "hvad_en": "the area",
                    "vaerdi": body["omraade"],
                    "forslag": did_you_mean(body["omraade"], ctx.area_names),
                },
                ptr("organisering", "organer", i, "omraade"),
            )


@rule(
    "body-relation-unknown",
    "organisation",
    Severity.ERROR,
    title=("Organernes relationer peger på kendte organer", "The bodies' relations point to known bodies"),
    message=(
        "Organet »{organ}« har en relation til »{andet}«, som ikke er et organ i aftalen.",
        "The body '{organ}' has a relation to '{andet}', which is not a body in the agreement.",
    ),
    hint=("{forslag}", "{forslag}"),
    source=SRC2,
)
def body_relation(ctx) -> Iterator[Hit]:
    organer = ctx.agreement["organisering"]["organer"]
    ids = [b["id"] for b in organer] + ["sekretariat"]
    for i, body in enumerate(organer):
        for k, rel in enumerate(body.get("relationer", [])):
            if rel["organ"] not in ids or rel["organ"] == body["id"]:
                yield Hit(
                    AGREEMENT,
                    {
                        "organ": body["navn"],
                        "andet": rel["organ"],
                        "forslag": did_you_mean(rel["organ"], ids),
                    },
                    ptr("organisering", "organer", i, "relationer", k, "organ"),
                )


# --------------------------------------------------------------------------- beredskabsplan


@rule(
    "beredskabsplan-coverage",
    "names",
    Severity.ERROR,
    title=("Beredskabsplanen dækker alle områder", "The contingency plan covers every area"),
    message=(
        "Beredskabsplanen dækker ikke området »{omraade}«.",
        "The contingency plan does not cover the area '{omraade}'.",
    ),
    hint=(
        "Tilføj »{omraade}« under beredskabsplanens »omraader«.",
        "Add '{omraade}' to the plan's 'omraader'.",
    ),
    source=(
        "Samarbejdsaftalens aftaledokumenter: en beredskabsplan for helhedsplanens områder",
        "The agreement's annex list: a contingency plan for the plan's areas",
    ),
)
def beredskab_coverage(ctx) -> Iterator[Hit]:
    for rel, doc in ctx.documents("beredskabsplan"):
        for name in ctx.area_names:
            if name not in doc["omraader"]:
                yield Hit(rel, {"omraade": name}, "/omraader")


# --------------------------------------------------------------------------- dates


def _d(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except (TypeError, ValueError):
        return None


def _periods(ctx) -> Iterator[tuple[str, str, date, date, str, str]]:
    """(file, pointer, start, end, what in Danish, in English) for every dated period in the annexes."""

    def one(rel, pointer, periode, da, en):
        a, b = _d(periode.get("start")), _d(periode.get("slut"))
        if a and b:
            yield rel, pointer, a, b, da, en

    for rel, doc in ctx.documents("delaftale"):
        yield from one(rel, "/periode", doc["periode"], "Delaftalens periode", "The delaftale's period")
        for k, act in enumerate(doc["aktiviteter"]):
            if "periode" in act:
                yield from one(
                    rel,
                    ptr("aktiviteter", k, "periode"),
                    act["periode"],
                    f"Aktiviteten »{act['navn']}«",
                    f"The activity '{act['navn']}'",
                )
    for rel, doc in ctx.documents("milepaelsplan"):
        if "periode" in doc:
            yield from one(
                rel, "/periode", doc["periode"], "Milepælsplanens periode", "The milestone plan's period"
            )


@rule(
    "date-outside-period",
    "period",
    Severity.ERROR,
    title=("Datoerne ligger i aftalens periode", "The dates lie within the agreement's period"),
    message=(
        "{hvad} {fra}–{til} ligger ikke inden for aftalens periode {start}–{slut}.",
        "{hvad_en} {fra}–{til} does not lie within the agreement's period {start}–{slut}.",
    ),
    hint=("Ret datoerne, eller ret aftalens periode.", "Correct the dates, or the agreement's period."),
    source=("Samarbejdsaftalens periode", "The agreement's period"),
)
def dates_inside(ctx) -> Iterator[Hit]:
    start, end = ctx.period
    base = {"start": start.isoformat(), "slut": end.isoformat()}
    for rel, pointer, a, b, da, en in _periods(ctx):
        if a < start or b > end:
            params = {**base, "hvad": da, "hvad_en": en, "fra": a.isoformat(), "til": b.isoformat()}
            yield Hit(rel, params, pointer)
    yield from _skema_dates(ctx, base, start, end)


def _as_date(value) -> date | None:
    from datetime import datetime

    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else None


def _skema_dates(ctx, base: dict, start: date, end: date) -> Iterator[Hit]:
    """The aktivitetsskema's Start and Slut columns: each row's dates inside the period."""
    from checker.rules.activities import _skema_rows

    for rel, rows in _skema_rows(ctx):
        for row in rows or []:
            cells = [row.get("Start"), row.get("Slut")]
            dates = [_as_date(c.value) if c is not None else None for c in cells]
            if not all(dates):
                continue
            a, b = dates
            if a < start or b > end:
                name = row.get("Aktivitet")
                name = name.value if name is not None else "?"
                bad = cells[0] if a < start else cells[1]
                yield Hit(
                    rel,
                    {
                        **base,
                        "hvad": f"Aktiviteten »{name}« i aktivitetsskemaet",
                        "hvad_en": f"The activity '{name}' in the aktivitetsskema",
                        "fra": a.isoformat(),
                        "til": b.isoformat(),
                    },
                    cell=bad.ref,
                )


@rule(
    "date-order",
    "period",
    Severity.ERROR,
    title=("En periode begynder før den slutter", "A period starts before it ends"),
    message=("{hvad} begynder {fra}, men slutter {til}.", "{hvad_en} starts {fra} but ends {til}."),
    hint=("Ret start- eller slutdatoen.", "Correct the start or end date."),
    source=("Samarbejdsaftalens periode", "The agreement's period"),
)
def date_order(ctx) -> Iterator[Hit]:
    for rel, pointer, a, b, da, en in _periods(ctx):
        if a > b:
            yield Hit(rel, {"hvad": da, "hvad_en": en, "fra": a.isoformat(), "til": b.isoformat()}, pointer)


@rule(
    "project-years",
    "period",
    Severity.ERROR,
    title=(
        "Projektårene følger hinanden og dækker perioden",
        "The project years follow each other and cover the period",
    ),
    message=("{hvad}", "{hvad_en}"),
    hint=(
        "Projektår 1 begynder på periodens første dag, hvert følgende dagen efter det foregående slutter, og det sidste slutter på periodens sidste dag.",
        "Project year 1 starts on the period's first day, each next one the day after the previous ends, and the last ends on the period's last day.",
    ),
    source=(
        "Milepælsplanen for den samlede projektperiode",
        "The milestone plan for the whole project period",
    ),
)
def project_years(ctx) -> Iterator[Hit]:
    start, end = ctx.period
    for rel, doc in ctx.documents("milepaelsplan"):
        years = doc["projektaar"]
        spans = [(_d(y["periode"]["start"]), _d(y["periode"]["slut"])) for y in years if "periode" in y]
        if len(spans) != len(years) or not all(a and b for a, b in spans):
            continue
        expected = start
        for k, ((a, b), year) in enumerate(zip(spans, years, strict=True)):
            if year.get("nummer") != k + 1:
                da = f"Projektår nr. {k + 1} i planen har nummer {year.get('nummer')}."
                en = f"Project year no. {k + 1} in the plan has number {year.get('nummer')}."
                yield Hit(rel, {"hvad": da, "hvad_en": en}, ptr("projektaar", k, "nummer"))
            where = ptr("projektaar", k, "periode")
            if a != expected:
                before = (expected.toordinal() - a.toordinal()) if a < expected else 0
                if k == 0:
                    da = f"Projektår {year['nummer']} begynder {a.isoformat()}, men perioden begynder {start.isoformat()}."
                    en = f"Project year {year['nummer']} starts {a.isoformat()}, but the period starts {start.isoformat()}."
                elif before:
                    da = f"Projektår {year['nummer']} begynder {a.isoformat()} og overlapper det foregående med {before} dage."
                    en = f"Project year {year['nummer']} starts {a.isoformat()} and overlaps the previous one by {before} days."
                else:
                    gap = a.toordinal() - expected.toordinal()
                    da = f"Der er et hul på {gap} dage før projektår {year['nummer']} ({expected.isoformat()}–{date.fromordinal(a.toordinal() - 1).isoformat()})."
                    en = f"There is a gap of {gap} days before project year {year['nummer']} ({expected.isoformat()}–{date.fromordinal(a.toordinal() - 1).isoformat()})."
                yield Hit(rel, {"hvad": da, "hvad_en": en}, where)
            if b < a:
                continue
            expected = date.fromordinal(b.toordinal() + 1)
        last = spans[-1][1] if spans else None
        if last and last != end:
            da = f"Det sidste projektår slutter {last.isoformat()}, men perioden slutter {end.isoformat()}."
            en = f"The last project year ends {last.isoformat()}, but the period ends {end.isoformat()}."
            yield Hit(rel, {"hvad": da, "hvad_en": en}, ptr("projektaar", len(years) - 1, "periode", "slut"))


# --------------------------------------------------------------------------- wording vs target

# A direction word counts unless negated ("må ikke stige" says nothing about a rise).
RISE = re.compile(
    r"(?<!ikke )\b(stig\w*|steget|øg\w*|forøg\w*|flere|højere|større|forbedr\w*|vokse\w*|vækst)\b",
    re.IGNORECASE,
)
FALL = re.compile(
    r"(?<!ikke )\b(fald\w*|reduc\w*|redukti\w*|nedbring\w*|nedsæt\w*|nedgang\w*|færre|lavere|"
    r"mindske\w*|formindske\w*|begrænse\w*|halver\w*)\b",
    re.IGNORECASE,
)
UP = {"stigning", "mindst"}
DOWN = {"fald", "hoejst"}


@rule(
    "criterion-wording-direction",
    "criteria",
    Severity.ERROR,
    title=(
        "Kriteriets ordlyd og målets retning stemmer",
        "The criterion's wording agrees with its target's direction",
    ),
    message=(
        "»{titel}« siger »{ord}«, men målet er {retning}.",
        "'{titel}' says '{ord}', but the target is {retning_en}.",
    ),
    hint=(
        "Ret målets »retning«, eller ret ordlyden, så de siger det samme.",
        "Correct the target's 'retning', or the wording, so that they say the same.",
    ),
    source=(
        "Samarbejdsaftalens afsnit 5: de lokalt opstillede succeskriterier",
        "The agreement's section 5: the local success criteria",
    ),
)
def wording_direction(ctx) -> Iterator[Hit]:
    names = {
        "stigning": ("en stigning", "a rise"),
        "mindst": ("et minimum", "a minimum"),
        "fald": ("et fald", "a fall"),
        "hoejst": ("et loft", "a ceiling"),
    }
    for i, area in enumerate(ctx.agreement["indsatsomraader"]["omraader"]):
        for j, crit in enumerate(area["succeskriterier"]):
            retning = crit["maal"].get("retning")
            if retning not in UP | DOWN:
                continue
            text = crit["tekst"] if isinstance(crit["tekst"], str) else " ".join(crit["tekst"])
            rise, fall = RISE.search(text), FALL.search(text)
            if bool(rise) == bool(fall):
                continue
            word = (rise or fall).group(0)
            if (rise and retning in DOWN) or (fall and retning in UP):
                yield Hit(
                    AGREEMENT,
                    {
                        "titel": crit["titel"],
                        "ord": word,
                        "retning": names[retning][0],
                        "retning_en": names[retning][1],
                    },
                    ptr("indsatsomraader", "omraader", i, "succeskriterier", j, "maal", "retning"),
                )


# --------------------------------------------------------------------------- financing split


@rule(
    "finance-split-sum",
    "finance",
    Severity.ERROR,
    title=(
        "Den lokale medfinansierings fordeling summer til beløbet",
        "The local co-financing's split adds up to the amount",
    ),
    message=(
        "Bidragene til den lokale medfinansiering summer til {sum}, men den lokale medfinansiering er {lokal}",
        "The contributions to local co-financing add up to {sum}, but local co-financing is {lokal}",
    ),
    hint=("Ret bidragene eller beløbet.", "Correct the contributions or the amount."),
    source=("Samarbejdsaftalens afsnit 7, Ressourcer", "The agreement's section 7, Resources"),
)
def split_sum(ctx) -> Iterator[Hit]:
    from checker.assemble.fmt import kr

    fin = ctx.agreement["ressourcer"]["finansiering"]
    shares = fin.get("lokal_fordeling")
    if not shares:
        return
    total = sum((Decimal(str(s["beloeb"])) for s in shares), Decimal(0))
    lokal = Decimal(str(fin["lokal_medfinansiering"]))
    if total != lokal:
        yield Hit(
            AGREEMENT,
            {"sum": kr(total), "lokal": kr(lokal)},
            "/ressourcer/finansiering/lokal_fordeling",
        )


@rule(
    "finance-split-contributor",
    "finance",
    Severity.ERROR,
    title=(
        "Hver bidragyder nævnes én gang med et positivt beløb",
        "Each contributor is named once with a positive amount",
    ),
    message=(
        "Bidragyderen »{part}« {hvad}",
        "The contributor '{part}' {hvad_en}",
    ),
    hint=(
        "Læg bidragene fra samme part sammen, og angiv kun beløb over 0.",
        "Add up the contributions of one party, and give only amounts above 0.",
    ),
    source=("Samarbejdsaftalens afsnit 7, Ressourcer", "The agreement's section 7, Resources"),
)
def split_contributors(ctx) -> Iterator[Hit]:
    from checker.assemble.fmt import kr

    seen: set[str] = set()
    for k, share in enumerate(ctx.agreement["ressourcer"]["finansiering"].get("lokal_fordeling", [])):
        amount = Decimal(str(share["beloeb"]))
        if share["part"] in seen:
            hvad, hvad_en = "er nævnt mere end én gang.", "is named more than once."
        elif amount <= 0:
            hvad, hvad_en = f"bidrager med {kr(amount)}", f"contributes {kr(amount)}"
        else:
            seen.add(share["part"])
            continue
        yield Hit(
            AGREEMENT,
            {"part": share["part"], "hvad": hvad, "hvad_en": hvad_en},
            ptr("ressourcer", "finansiering", "lokal_fordeling", k),
        )
