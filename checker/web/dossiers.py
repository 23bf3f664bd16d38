"""A new dossier and an imported agreement, from the overview: the same choices and the same operations
as `aftale new` (checker.scaffold.create_dossier) and `aftale import` (checker.importer: read_source,
recognise, then scaffold.write_dossier and check_dossier), each in a plain form that works without
JavaScript. The new folder is always a direct subfolder of the served folder, named by a plain name
(checker.web.security.NAME) that does not exist yet.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.routing import Route

from checker.findings import CouldNotRun, Text
from checker.web import i18n
from checker.web.common import UploadRefused, lang, render, site, upload
from checker.web.security import NAME

DEFAULT_RULESET = "lbf-2019-2026"
_NOTHING = Text("Intet er oprettet.", "Nothing was created.")

i18n.add(
    {
        "dossiers.new_title": ("Nyt dossier", "New dossier"),
        "dossiers.new_intro": (
            "Samme valg som »aftale new«: dossieret oprettes med pladsholdere (»UDFYLD«), der skal udfyldes "
            "bagefter, og budgettet og aktivitetsskemaet regnes igennem.",
            "The same choices as 'aftale new': the dossier is created with placeholders ('UDFYLD') to fill "
            "in afterwards, and the budget and activity schedule are calculated.",
        ),
        "dossiers.name_hint": (
            "Bogstaver, tal, punktum, bindestreg og understreg; fx slagelse-2024-2028.",
            "Letters, digits, dot, hyphen and underscore; e.g. slagelse-2024-2028.",
        ),
        "dossiers.dates_hint": (
            "Tom startdato: første dag i næste måned. Tom slutdato: regelsættets længste periode.",
            "Empty start date: the first day of next month. Empty end date: the rule set's longest period.",
        ),
        "dossiers.parties": ("Parter og aktører", "Parties and actors"),
        "dossiers.parties_hint": (
            "Politiet underskriver ikke aftalen; de øvrige parter gør. Tomme rækker springes over.",
            "The police do not sign the agreement; the other parties do. Empty rows are left out.",
        ),
        "dossiers.party_type": ("Type", "Type"),
        "dossiers.party_name": ("Navn", "Name"),
        "dossiers.party_cvr": ("CVR (valgfrit)", "CVR (optional)"),
        "dossiers.add_party": ("Tilføj part", "Add a party"),
        "dossiers.focus_hint": (
            "Hvert valgt indsatsområde får sin delaftale.",
            "Each chosen focus area gets its own delaftale.",
        ),
        "dossiers.creating": ("Opretter … (ca. et sekund)", "Creating … (about a second)"),
        "dossiers.import_title": ("Importér en aftale", "Import an agreement"),
        "dossiers.import_intro": (
            "Samme som »aftale import«: en underskrevet aftale som PDF (med tekst) eller Word (.docx) læses "
            "ind som et udkast til et dossier. Det genkendte udfyldes; resten er pladsholdere. Filen "
            "afgør selv, om den er PDF eller Word.",
            "The same as 'aftale import': a signed agreement as a PDF (with text) or Word (.docx) is read "
            "into a draft dossier. What is recognised is filled in; the rest are placeholders. The file's "
            "content decides whether it is PDF or Word.",
        ),
        "dossiers.agreement_file": ("Aftalen (PDF eller Word)", "The agreement (PDF or Word)"),
        "dossiers.ruleset_auto": (
            "Afgøres af periode og indsatsområder",
            "Decided by the period and the focus areas",
        ),
        "dossiers.importing": ("Importerer …", "Importing …"),
        "dossiers.do_import": ("Importér", "Import"),
        "dossiers.imported": ("Aftalen er importeret", "The agreement was imported"),
        "dossiers.source": ("Kilde", "Source"),
        "dossiers.open_dossier": ("Åbn dossieret", "Open the dossier"),
        "dossiers.review": ("Til gennemsyn", "To review"),
        "dossiers.recognised": ("Genkendt", "Recognised"),
        "dossiers.missing": ("Ikke fundet", "Not found"),
        "dossiers.field": ("Felt", "Field"),
        "dossiers.value": ("Værdi", "Value"),
        "dossiers.where": ("Hvor i filen", "Where in the file"),
        "dossiers.note": ("Bemærkning", "Note"),
        "dossiers.check": ("Kontrollen af udkastet", "The check of the draft"),
        "dossiers.infos": ("info", "infos"),
        "dossiers.files": ("filer", "files"),
        "dossiers.pages": ("sider", "pages"),
        "dossiers.blocks": ("afsnit og linjer", "paragraphs and lines"),
        "dossiers.next": (
            "Udfyld pladsholderne »UDFYLD«, og gennemse felterne til gennemsyn; dossierets side viser, "
            "hvad kontrollen finder.",
            "Fill in the 'UDFYLD' placeholders and review the fields to review; the dossier's page shows "
            "what the check finds.",
        ),
    }
)

#: create_dossier's messages name the command line's options; the form names its fields
_OPTIONS = {
    "--part": ("Parten", "The party"),
    "--omraade": ("Området", "The area"),
    "--start": ("Startdatoen", "The start date"),
    "--slut": ("Slutdatoen", "The end date"),
    "--indsatsomraade": ("Indsatsområdet", "The focus area"),
}


def _in_form_words(text: Text) -> Text:
    da, en = text.da, text.en
    for option, (word_da, word_en) in _OPTIONS.items():
        da = re.sub(rf"(?<![\w-]){re.escape(option)}(?![\w-])", word_da, da)
        en = re.sub(rf"(?<![\w-]){re.escape(option)}(?![\w-])", word_en, en)
    return Text(da, en)


def _available_rulesets() -> list:
    """(id, name, {nummer: navn}) of every rule set the server knows, in the CLI's order."""
    from checker import rulesets

    out = []
    for ruleset_id in rulesets.available():
        try:
            loaded = rulesets.load(ruleset_id)
        except CouldNotRun:
            continue  # a broken rule-set file is not offered (every command refuses it)
        if loaded is not None:
            out.append((loaded.id, loaded.navn, dict(loaded.indsatsomraader)))
    return out


def _new_target(request: Request, name: str) -> Path:
    """The folder a new dossier `name` goes to: a plain name, directly in the served folder, not there yet.
    CouldNotRun otherwise."""
    name = name.strip()
    if not name:
        raise CouldNotRun(Text("Skriv et navn på dossierets mappe.", "Give the dossier's folder a name."))
    if not NAME.match(name) or name in (".", ".."):
        raise CouldNotRun(
            Text(
                f"Mappenavnet »{name[:60]}« kan ikke bruges: brug bogstaver, tal, punktum, bindestreg og "
                "understreg (højst 100 tegn), og begynd med et bogstav eller tal.",
                f"The folder name '{name[:60]}' cannot be used: use letters, digits, dot, hyphen and "
                "underscore (at most 100 characters), starting with a letter or digit.",
            )
        )
    target = site(request).root / name
    if target.exists() or target.is_symlink():
        raise CouldNotRun(
            Text(
                f"Der findes allerede en mappe »{name}« i {site(request).root}; vælg et andet navn.",
                f"A folder '{name}' already exists in {site(request).root}; choose another name.",
            )
        )
    return target


def _parties(form) -> tuple[list[dict], list[str], Text | None]:
    """The party rows as shown again, as `aftale new --part` strings (TYPE:NAVN[:CVR]), and what is
    wrong with a row that cannot be written so (None when nothing is)."""
    from checker.scaffold import PARTY_TYPES

    rows, parts, wrong = [], [], None
    types, names, cvrs = form.getlist("party_type"), form.getlist("party_name"), form.getlist("party_cvr")
    for i in range(max(len(types), len(names), len(cvrs))):
        kind = types[i] if i < len(types) else ""
        name = (names[i] if i < len(names) else "").strip()
        cvr = (cvrs[i] if i < len(cvrs) else "").strip()
        rows.append({"type": kind, "name": name, "cvr": cvr})
        if (not name and not cvr) or wrong is not None:
            continue
        if not name:
            wrong = Text(f"Parten med CVR {cvr} mangler et navn.", f"The party with CVR {cvr} has no name.")
        elif kind not in PARTY_TYPES:
            wrong = Text(f"Vælg en type for parten »{name}«.", f"Choose a type for the party '{name}'.")
        elif ":" in name or ":" in cvr:  # the --part form has no way to hold one
            wrong = Text(
                f"Partens navn »{name}« må ikke indeholde kolon.",
                f"The party's name '{name}' must not contain a colon.",
            )
        else:
            parts.append(f"{kind}:{name}:{cvr}" if cvr else f"{kind}:{name}")
    return rows, parts, wrong


def _new_values(form=None) -> dict:
    """What the form shows: the user's input when given, else the defaults."""
    if form is None:
        return {
            "name": "",
            "ruleset": DEFAULT_RULESET,
            "start": "",
            "end": "",
            "areas": "",
            "parties": [
                {"type": "boligorganisation", "name": "", "cvr": ""},
                {"type": "kommune", "name": "", "cvr": ""},
                {"type": "politi", "name": "", "cvr": ""},
            ],
            "chosen": None,
            "chosen_by": None,  # every focus area of every rule set ticked
        }
    ruleset = form.get("ruleset") or DEFAULT_RULESET
    return {
        "name": form.get("name", ""),
        "ruleset": ruleset,
        "start": form.get("start", ""),
        "end": form.get("end", ""),
        "areas": form.get("areas", ""),
        "parties": [],
        "chosen": form.getlist(f"io-{ruleset}"),
        # each rule set's boxes as the user left them (the page shows the chosen rule set's)
        "chosen_by": {r[0]: form.getlist(f"io-{r[0]}") for r in _available_rulesets()},
    }


def _render_new(request: Request, values: dict, message: str | None = None, status: int = 200):
    from checker.scaffold import NOT_SIGNING, PARTY_TYPES

    rows = list(values["parties"])
    while len(rows) < 3 or (rows and (rows[-1]["name"] or rows[-1]["cvr"])):
        rows.append({"type": "", "name": "", "cvr": ""})
    return render(
        request,
        "new.html",
        status_code=status,
        values={**values, "parties": rows},
        rulesets=_available_rulesets(),
        party_types=PARTY_TYPES,
        not_signing=NOT_SIGNING,
        message=message,
    )


async def new_dossier(request: Request):
    if request.method == "GET":
        return _render_new(request, _new_values())
    try:
        form = await request.form(max_files=0, max_fields=400, max_part_size=64 * 1024)
    except Exception:  # noqa: BLE001 - Starlette's HTTPException in English for a form over the limits
        message = Text(
            "Formularen kunne ikke læses (for mange felter, eller et felt over 64 kB). Intet er oprettet.",
            "The form could not be read (too many fields, or a field over 64 kB). Nothing was created.",
        )
        return _render_new(request, _new_values(), message.get(lang(request)), 400)
    values = _new_values(form)
    rows, parts, wrong = _parties(form)
    values["parties"] = rows
    language = lang(request)
    try:
        if wrong is not None:
            raise CouldNotRun(wrong)
        target = _new_target(request, values["name"])
        rulesets = {r[0]: r for r in _available_rulesets()}
        if values["ruleset"] not in rulesets:
            raise CouldNotRun(Text("Vælg et regelsæt.", "Choose a rule set."))
        known = rulesets[values["ruleset"]][2]
        chosen = [n for n in known if n in values["chosen"]]  # the rule set's order
        if not chosen:
            raise CouldNotRun(Text("Vælg mindst ét indsatsområde.", "Choose at least one focus area."))
        areas = [line.strip() for line in values["areas"].splitlines() if line.strip()]
        from checker.scaffold import create_dossier

        await run_in_threadpool(
            create_dossier,
            target,
            values["start"].strip() or None,
            end=values["end"].strip() or None,
            ruleset_id=values["ruleset"],
            areas=areas,
            parties=parts,
            chosen=chosen,
        )
    except CouldNotRun as exc:
        message = f"{_in_form_words(exc.text).get(language)} {_NOTHING.get(language)}"
        return _render_new(request, values, message, 422)
    return RedirectResponse(f"/d/{quote(target.name)}", status_code=303)


# ------------------------------------------------------------------------------------------------ import

_SAFE_FILE = re.compile(r"^[\w][\w .()-]{0,99}$")


def _import(source_file: Path, target: Path, ruleset_id: str | None):
    """`aftale import FILE --out TARGET [--regelsaet ID]`, step by step as the command runs it."""
    from checker.check import check_dossier
    from checker.importer.recognise import recognise
    from checker.importer.report import ImportReport
    from checker.importer.source import read_source
    from checker.scaffold import check_target, write_dossier

    check_target(target, "import")
    source = read_source(source_file)
    recognition = recognise(source, ruleset_id=ruleset_id)
    written = write_dossier(target, recognition.files)
    result = check_dossier(target)
    return ImportReport(source, target.name, written, list(recognition.fields), result), result


def _render_import(request: Request, values: dict, message: str | None = None, status: int = 200, **more):
    return render(
        request,
        "import.html",
        status_code=status,
        values=values,
        rulesets=_available_rulesets(),
        message=message,
        **more,
    )


async def import_agreement(request: Request):
    empty = {"name": "", "ruleset": ""}
    if request.method == "GET":
        return _render_import(request, empty)
    language = lang(request)
    try:
        filename, data, fields = await upload(request, "agreement", field_name="agreement")
    except UploadRefused as exc:
        return _render_import(request, empty, exc.text.get(language), exc.status_code)
    values = {"name": fields.get("name", ""), "ruleset": fields.get("ruleset", "")}
    shown = filename if _SAFE_FILE.match(filename or "") else "aftale"
    try:
        target = _new_target(request, values["name"])
        ruleset_id = values["ruleset"] or None
        if ruleset_id is not None and ruleset_id not in {r[0] for r in _available_rulesets()}:
            raise CouldNotRun(Text("Vælg et regelsæt.", "Choose a rule set."))
        with tempfile.TemporaryDirectory(prefix="aftale-import-") as tmp:
            copy = Path(tmp) / shown
            copy.write_bytes(data)
            try:
                report, result = await run_in_threadpool(_import, copy, target, ruleset_id)
            except CouldNotRun as exc:  # the source's messages name the file by its upload name
                raise CouldNotRun(
                    Text(exc.text.da.replace(str(copy), shown), exc.text.en.replace(str(copy), shown))
                ) from None
    except CouldNotRun as exc:
        message = f"{exc.text.get(language)} {_NOTHING.get(language)}"
        return _render_import(request, values, message, 422)
    from checker.importer.report import as_dict

    site(request).status.put(target, result)
    summary = as_dict(report, language)
    summary["source"]["path"] = shown
    return _render_import(request, values, report=summary, name=target.name)


routes = [
    Route("/new", new_dossier, methods=["GET", "POST"]),
    Route("/import", import_agreement, methods=["GET", "POST"]),
]
