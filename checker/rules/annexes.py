"""Annexes: every annex the rule set requires is listed, present, readable and in an accepted
format; one delaftale per chosen indsatsområde and none for an area not chosen; every path stays
inside the dossier."""

from __future__ import annotations

from collections.abc import Iterator

from checker.findings import Severity, Text
from checker.readers import ReaderError
from checker.rules import Hit, rule
from checker.rules._util import ptr

AGREEMENT = "samarbejdsaftale.json"
SRC_ANNEX = (
    "Samarbejdsaftalens »Aftaledokumenter« og regelsættets krævede bilag",
    "The agreement's annex list and the rule set's required annexes",
)


def _listed(ctx):
    for i, bilag in enumerate(ctx.agreement["aftaledokumenter"]["bilag"]):
        for j, rel in enumerate(bilag["filer"]):
            yield i, j, bilag, rel


@rule(
    "annex-missing",
    "annexes",
    Severity.ERROR,
    title=("Hvert krævet bilag er vedlagt", "Every required annex is attached"),
    message=("Bilaget »{navn}« er ikke vedlagt: {problem}", "The annex '{navn}' is not attached: {problem}"),
    hint=(
        "Læg filen ({formater}) i dossieret og skriv stien under »aftaledokumenter.bilag« ({type}).",
        "Put the file ({formater}) in the dossier and list its path under 'aftaledokumenter.bilag' ({type}).",
    ),
    source=SRC_ANNEX,
)
def missing(ctx) -> Iterator[Hit]:
    if ctx.ruleset is None:
        return
    bilag = ctx.agreement["aftaledokumenter"]["bilag"]
    for req in ctx.ruleset.bilag:
        params = {"navn": req.navn, "formater": ", ".join(req.formater), "type": req.type}
        index = next((i for i, b in enumerate(bilag) if b["type"] == req.type), None)
        if index is None:
            yield Hit(
                AGREEMENT,
                {
                    **params,
                    "problem": Text(
                        "det står ikke i listen over aftaledokumenter.", "it is not in the list of annexes."
                    ),
                },
                "/aftaledokumenter/bilag",
            )
        elif not bilag[index]["filer"]:
            yield Hit(
                AGREEMENT,
                {**params, "problem": Text("ingen fil er angivet.", "no file is given.")},
                ptr("aftaledokumenter", "bilag", index, "filer"),
            )


@rule(
    "annex-file-missing",
    "annexes",
    Severity.ERROR,
    title=("Bilagets fil findes", "The annex's file exists"),
    message=("Filen {fil} findes ikke i dossieret.", "The file {fil} is not in the dossier."),
    hint=(
        "Ret stien (relativt til dossierets mappe) eller læg filen ind.",
        "Correct the path (relative to the dossier's folder) or add the file.",
    ),
    source=SRC_ANNEX,
)
def file_missing(ctx) -> Iterator[Hit]:
    for i, j, _bilag, rel in _listed(ctx):
        if ctx.inside(rel) and not ctx.path(rel).is_file():
            yield Hit(AGREEMENT, {"fil": rel}, ptr("aftaledokumenter", "bilag", i, "filer", j))


@rule(
    "annex-outside-dossier",
    "annexes",
    Severity.ERROR,
    title=("Bilagets sti bliver i dossieret", "The annex's path stays inside the dossier"),
    message=(
        "Stien {fil} fører uden for dossierets mappe.",
        "The path {fil} leads outside the dossier's folder.",
    ),
    hint=(
        "Kopiér filen ind i dossieret; et link ud af mappen følges ikke.",
        "Copy the file into the dossier; a link out of the folder is not followed.",
    ),
    source=SRC_ANNEX,
)
def outside(ctx) -> Iterator[Hit]:
    for i, j, _bilag, rel in _listed(ctx):
        if not ctx.inside(rel):
            yield Hit(AGREEMENT, {"fil": rel}, ptr("aftaledokumenter", "bilag", i, "filer", j))
    for i, area in enumerate(ctx.agreement["indsatsomraader"]["omraader"]):
        if not ctx.inside(area["delaftale"]):
            yield Hit(
                AGREEMENT, {"fil": area["delaftale"]}, ptr("indsatsomraader", "omraader", i, "delaftale")
            )


@rule(
    "annex-format",
    "annexes",
    Severity.ERROR,
    title=("Bilaget har et accepteret format", "The annex is in an accepted format"),
    message=(
        "{fil} er ikke et accepteret format for »{navn}«.",
        "{fil} is not an accepted format for '{navn}'.",
    ),
    hint=("Accepterede formater: {formater}.", "Accepted formats: {formater}."),
    source=SRC_ANNEX,
)
def file_format(ctx) -> Iterator[Hit]:
    if ctx.ruleset is None:
        return
    for i, j, bilag, rel in _listed(ctx):
        req = ctx.ruleset.annex(bilag["type"])
        if req and rel.rsplit(".", 1)[-1].lower() not in req.formater:
            yield Hit(
                AGREEMENT,
                {"fil": rel, "navn": req.navn, "formater": ", ".join(req.formater)},
                ptr("aftaledokumenter", "bilag", i, "filer", j),
            )


_JSON_TYPES = {
    "delaftale": "delaftale",
    "beredskabsplan": "beredskabsplan",
    "milepaelsplan": "milepaelsplan",
    "kommissorium_bestyrelse": "kommissorium",
}


def _readable(ctx, rel: str) -> Text | None:
    """None if the file reads as what its name says; otherwise why not."""
    suffix = rel.rsplit(".", 1)[-1].lower()
    path = ctx.path(rel)
    try:
        if suffix == "xlsx":
            ctx.workbook(rel)
        elif suffix == "pdf":
            ctx.pdf(rel)
        elif suffix == "png":
            with path.open("rb") as fh:
                if fh.read(8) != b"\x89PNG\r\n\x1a\n":
                    return Text("filen er ikke et PNG-billede.", "the file is not a PNG image.")
        elif suffix == "svg":
            return _svg_problem(path)
    except ReaderError as exc:
        return exc.message
    except OSError as exc:
        return Text(f"filen kan ikke læses ({exc.strerror}).", f"the file cannot be read ({exc.strerror}).")
    return None


def _svg_problem(path) -> Text | None:
    from defusedxml import ElementTree
    from defusedxml.common import DefusedXmlException

    if path.stat().st_size > 20 * 1024 * 1024:
        return Text("SVG-filen er over 20 MB.", "the SVG file is over 20 MB.")
    try:
        root = ElementTree.parse(str(path)).getroot()
    except DefusedXmlException:
        return Text(
            "SVG-filen indeholder XML-entiteter eller DTD'er, som ikke tillades.",
            "the SVG file contains XML entities or DTDs, which are not allowed.",
        )
    except Exception as exc:  # noqa: BLE001 - any parse failure is the user's file
        return Text(f"SVG-filen er ikke gyldig XML ({exc}).", f"the SVG file is not valid XML ({exc}).")
    if not root.tag.endswith("svg"):
        return Text("filen er XML, men ikke SVG.", "the file is XML but not SVG.")
    return None


@rule(
    "annex-unreadable",
    "annexes",
    Severity.ERROR,
    title=("Bilaget kan læses", "The annex can be read"),
    message=("{fil} kan ikke læses: {grund}", "{fil} cannot be read: {grund}"),
    hint=(
        "Gem bilaget igen i det rigtige format (fx fra Excel eller som PDF).",
        "Save the annex again in the right format (e.g. from Excel or as PDF).",
    ),
    source=SRC_ANNEX,
)
def unreadable(ctx) -> Iterator[Hit]:
    for i, j, bilag, rel in _listed(ctx):
        if not (ctx.inside(rel) and ctx.path(rel).is_file()):
            continue
        expected = _JSON_TYPES.get(bilag["type"])
        if rel.lower().endswith(".json"):
            if expected and rel not in ctx.invalid and ctx.doctypes.get(rel) not in (None, expected):
                yield Hit(
                    AGREEMENT,
                    {
                        "fil": rel,
                        "grund": Text(
                            f"filen er en {ctx.doctypes[rel]}, ikke en {expected}.",
                            f"the file is a {ctx.doctypes[rel]}, not a {expected}.",
                        ),
                    },
                    ptr("aftaledokumenter", "bilag", i, "filer", j),
                )
            continue
        problem = _readable(ctx, rel)
        if problem:
            yield Hit(rel, {"fil": rel, "grund": problem})


@rule(
    "delaftale-missing",
    "annexes",
    Severity.ERROR,
    title=("Én delaftale pr. valgt indsatsområde", "One sub-agreement per chosen intervention area"),
    message=(
        "Indsatsområde {nummer} {navn} har ingen delaftale: {problem}",
        "Intervention area {nummer} {navn} has no sub-agreement: {problem}",
    ),
    hint=(
        "Hvert valgt indsatsområde skal have sin delaftale i dossieret, med »indsatsomraade.nummer« {nummer}.",
        "Each chosen area needs its delaftale in the dossier, with 'indsatsomraade.nummer' {nummer}.",
    ),
    source=(
        "Samarbejdsaftalens afsnit 5: »én delaftale pr. indsatsområde«",
        "Section 5: one sub-agreement per intervention area",
    ),
)
def delaftale_missing(ctx) -> Iterator[Hit]:
    for i, area in enumerate(ctx.agreement["indsatsomraader"]["omraader"]):
        rel = area["delaftale"]
        where = ptr("indsatsomraader", "omraader", i, "delaftale")
        params = {"nummer": area["nummer"], "navn": area["navn"]}
        if not ctx.inside(rel):
            continue  # annex-outside-dossier says why
        if not ctx.path(rel).is_file():
            yield Hit(
                AGREEMENT, {**params, "problem": Text(f"{rel} findes ikke.", f"{rel} does not exist.")}, where
            )
        elif ctx.doctypes.get(rel) not in (None, "delaftale"):
            yield Hit(
                AGREEMENT,
                {**params, "problem": Text(f"{rel} er ikke en delaftale.", f"{rel} is not a delaftale.")},
                where,
            )
        else:
            doc = ctx.document(rel, "delaftale")
            if doc is not None and doc["indsatsomraade"]["nummer"] != area["nummer"]:
                yield Hit(
                    AGREEMENT,
                    {
                        **params,
                        "problem": Text(
                            f"{rel} er delaftalen for {doc['indsatsomraade']['nummer']}.",
                            f"{rel} is the delaftale of {doc['indsatsomraade']['nummer']}.",
                        ),
                    },
                    where,
                )


@rule(
    "delaftale-unchosen-area",
    "annexes",
    Severity.ERROR,
    title=("Ingen delaftale for et område, der ikke er valgt", "No sub-agreement for an area not chosen"),
    message=(
        "Delaftalen gælder indsatsområde {nummer}, som aftalen ikke har valgt.",
        "The sub-agreement is for intervention area {nummer}, which the agreement has not chosen.",
    ),
    hint=(
        "Vælg indsatsområdet i aftalens afsnit 5, eller fjern delaftalen.",
        "Choose the area in section 5, or remove the sub-agreement.",
    ),
    source=("Samarbejdsaftalens afsnit 5", "The agreement's section 5"),
)
def delaftale_unchosen(ctx) -> Iterator[Hit]:
    for rel, doc in ctx.documents("delaftale"):
        if doc["indsatsomraade"]["nummer"] not in ctx.chosen:
            yield Hit(rel, {"nummer": doc["indsatsomraade"]["nummer"]}, "/indsatsomraade/nummer")
