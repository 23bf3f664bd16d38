"""Activities: each aktivitetsskema row belongs to a chosen indsatsområde and matches an activity of
that area's delaftale; each delaftale activity is in the aktivitetsskema; each chosen area has one."""

from __future__ import annotations

from collections.abc import Iterator

from checker.findings import Severity
from checker.readers import ReaderError
from checker.rules import Hit, rule
from checker.rules._util import did_you_mean, ptr

AGREEMENT = "samarbejdsaftale.json"
HEADERS = ["Indsatsområde", "Aktivitet", "Id", "Målgruppe", "Boligområder", "Ansvarlig", "Start", "Slut"]
SRC = (
    "Aftaledokumenter: aktivitetsskema i Landsbyggefondens skabelon; delaftalerne (afsnit 5)",
    "Annex list: activity schedule in LBF's template; the sub-agreements (section 5)",
)


def _activities(ctx) -> dict[str, list[tuple[str, int, dict]]]:
    """Chosen area number -> [(delaftale path, index, activity)], for areas whose delaftale can be read
    (a missing one is reported by delaftale-missing, not once per activity)."""
    out: dict[str, list] = {}
    for nummer, (_i, area) in ctx.chosen.items():
        doc = ctx.document(area["delaftale"], "delaftale")
        if doc is not None and doc["indsatsomraade"]["nummer"] == nummer:
            out[nummer] = [(area["delaftale"], i, act) for i, act in enumerate(doc["aktiviteter"])]
    return out


def _skema_rows(ctx):
    """(file, [row dicts]) for each readable aktivitetsskema, or (file, None) if it has no activity table."""
    for _i, _j, rel in ctx.annex_files("aktivitetsskema"):
        if not (rel.lower().endswith(".xlsx") and ctx.inside(rel) and ctx.path(rel).is_file()):
            continue
        try:
            wb = ctx.workbook(rel)
        except ReaderError:
            continue
        table = None
        for name in wb.sheet_names:
            table = wb.sheet(name).table(HEADERS, required=["Indsatsområde", "Aktivitet"])
            if table:
                break
        yield rel, (table.rows if table else None)


def _text(cell) -> str:
    if cell is None or cell.value is None:
        return ""
    value = cell.value
    if isinstance(value, float):
        value = f"{value:g}"
    return str(value).strip()


@rule(
    "activity-table-missing",
    "activities",
    Severity.ERROR,
    title=("Aktivitetsskemaet har en aktivitetstabel", "The activity schedule has an activity table"),
    message=(
        "Aktivitetsskemaet har ingen tabel med overskrifterne »Indsatsområde« og »Aktivitet«.",
        "The activity schedule has no table headed 'Indsatsområde' and 'Aktivitet'.",
    ),
    hint=("Se layoutet i docs/workbooks.md.", "See the layout in docs/workbooks.md."),
    source=SRC,
)
def table_missing(ctx) -> Iterator[Hit]:
    for rel, rows in _skema_rows(ctx):
        if rows is None:
            yield Hit(rel, {})


@rule(
    "activity-unchosen-area",
    "activities",
    Severity.ERROR,
    title=("Aktiviteterne hører til valgte indsatsområder", "Activities belong to chosen intervention areas"),
    message=(
        "Aktiviteten »{aktivitet}« ({cell}) hører til indsatsområde »{nummer}«, som aftalen ikke har valgt.",
        "The activity '{aktivitet}' ({cell}) belongs to intervention area '{nummer}', which the agreement has not chosen.",
    ),
    hint=("Valgte indsatsområder: {valgte}.", "Chosen intervention areas: {valgte}."),
    source=SRC,
)
def unchosen(ctx) -> Iterator[Hit]:
    chosen = ", ".join(ctx.chosen)
    for rel, rows in _skema_rows(ctx):
        for row in rows or []:
            nummer = _text(row.get("Indsatsområde"))
            if nummer not in ctx.chosen:
                cell = row["Indsatsområde"].ref
                yield Hit(
                    rel,
                    {
                        "aktivitet": _text(row.get("Aktivitet")),
                        "cell": cell,
                        "nummer": nummer,
                        "valgte": chosen,
                    },
                    cell=cell,
                )


@rule(
    "activity-not-in-delaftale",
    "activities",
    Severity.ERROR,
    title=(
        "Aktivitetsskemaets aktiviteter står i delaftalen",
        "The schedule's activities are in the sub-agreement",
    ),
    message=(
        "»{aktivitet}« ({cell}) er ikke en aktivitet i delaftalen for {nummer}.",
        "'{aktivitet}' ({cell}) is not an activity of the sub-agreement for {nummer}.",
    ),
    hint=("{forslag}", "{forslag}"),
    source=SRC,
)
def not_in_delaftale(ctx) -> Iterator[Hit]:
    acts = _activities(ctx)
    # per area: the activities' names, and id -> name (the first of an id, as list.index found it):
    # each row is then looked up at once, not compared with every activity
    names = {nummer: [a["navn"] for _r, _i, a in items] for nummer, items in acts.items()}
    known = {nummer: set(n) for nummer, n in names.items()}
    by_id: dict[str, dict[str, str]] = {}
    for nummer, items in acts.items():
        ids = by_id[nummer] = {}
        for _r, _i, a in items:
            ids.setdefault(a["id"], a["navn"])
    for rel, rows in _skema_rows(ctx):
        for row in rows or []:
            nummer = _text(row.get("Indsatsområde"))
            if nummer not in acts:
                continue
            name, ident = _text(row.get("Aktivitet")), _text(row.get("Id"))
            ids = by_id[nummer]
            if (
                (ident and ident not in ids)
                or (not ident and name not in known[nummer])
                or (ident in ids and ids[ident] != name)
            ):
                cell = row["Aktivitet"].ref
                yield Hit(
                    rel,
                    {
                        "aktivitet": name,
                        "cell": cell,
                        "nummer": nummer,
                        "forslag": did_you_mean(name, names[nummer]),
                    },
                    cell=cell,
                )


@rule(
    "activity-missing-in-skema",
    "activities",
    Severity.ERROR,
    title=(
        "Delaftalens aktiviteter står i aktivitetsskemaet",
        "The sub-agreement's activities are in the schedule",
    ),
    message=(
        "Aktiviteten »{aktivitet}« står ikke i aktivitetsskemaet {skema}.",
        "The activity '{aktivitet}' is not in the activity schedule {skema}.",
    ),
    hint=(
        "Tilføj en række for aktiviteten i aktivitetsskemaet.",
        "Add a row for the activity to the activity schedule.",
    ),
    source=SRC,
)
def missing_in_skema(ctx) -> Iterator[Hit]:
    acts = _activities(ctx)
    for skema, rows in _skema_rows(ctx):
        if rows is None:
            continue
        present = {
            (_text(r.get("Indsatsområde")), _text(r.get("Id")) or _text(r.get("Aktivitet"))) for r in rows
        }
        for nummer, items in acts.items():
            for rel, i, act in items:
                if (nummer, act["id"]) not in present and (nummer, act["navn"]) not in present:
                    yield Hit(rel, {"aktivitet": act["navn"], "skema": skema}, ptr("aktiviteter", i))


@rule(
    "activity-none-for-area",
    "activities",
    Severity.ERROR,
    title=(
        "Hvert valgt indsatsområde har aktiviteter i aktivitetsskemaet",
        "Each chosen intervention area has activities in the schedule",
    ),
    message=(
        "Indsatsområde {nummer} {navn} har ingen aktiviteter i aktivitetsskemaet {skema}.",
        "Intervention area {nummer} {navn} has no activities in the activity schedule {skema}.",
    ),
    hint=(
        "Tilføj indsatsområdets aktiviteter fra dets delaftale.",
        "Add the area's activities from its sub-agreement.",
    ),
    source=SRC,
)
def none_for_area(ctx) -> Iterator[Hit]:
    for skema, rows in _skema_rows(ctx):
        if rows is None:
            continue
        present = {_text(r.get("Indsatsområde")) for r in rows}
        for nummer, (i, area) in ctx.chosen.items():
            if nummer not in present:
                yield Hit(
                    AGREEMENT,
                    {"nummer": nummer, "navn": area["navn"], "skema": skema},
                    ptr("indsatsomraader", "omraader", i),
                )
