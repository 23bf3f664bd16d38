"""aftale new: a fresh dossier that validates, every placeholder marked "UDFYLD".

The folder is built beside its destination and moved into place in one step, so an interrupted
run leaves either a complete dossier or none.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from checker.findings import CouldNotRun, Text
from checker.model import SCHEMA_VERSION, party_id
from checker.rulesets import RuleSet

U = "UDFYLD"
BUDGET = "budget.xlsx"
SKEMA = "aktivitetsskema.xlsx"
PARTY_TYPES = (
    "kommune",
    "boligorganisation",
    "politi",
    "region",
    "uddannelsesinstitution",
    "fond",
    "erhverv",
    "andet",
)
# actors that usually sit in the organisation without signing the agreement
NOT_SIGNING = ("politi",)


@dataclass
class Setup:
    """What the user told »aftale new«: the rule set, the områder, the parties and the chosen
    indsatsområder (number, name). »aftale import« also knows the helhedsplan's name, the bestyrelse's
    members and meeting frequency (which its kommissorium repeats) and the metadata every file gets;
    what is None is a placeholder."""

    ruleset: RuleSet
    areas: list[str]
    parties: list[dict]
    chosen: list[tuple[str, str]]
    helhedsplan: str | None = None
    board: list[dict] | None = None
    board_frequency: dict | None = None
    metadata: dict | None = None


def _owner(parties: list[dict]) -> str:
    return next((p["id"] for p in parties if p["type"] == "boligorganisation"), parties[0]["id"])


def _criterion(nummer: str, last: date) -> dict:
    return {
        "id": f"{nummer}-kriterium",
        "titel": f"{U}: kort titel",
        "tekst": f"{U}: kriteriets ordlyd.",
        "maales": f"{U}: hvad der måles",
        "enhed": "antal",
        "baseline": {"tidspunkt": f"{U}: år", "foreligger_ikke": f"{U}: baseline"},
        "maal": {
            "type": "relativ_aendring",
            "retning": "fald",
            "kontrolpunkter": [
                {"dato": last.isoformat(), "betegnelse": "Ved periodens udgang", "procent": 5}
            ],
        },
        "datakilde": {"tekst": f"{U}: datakilde."},
    }


def clean_name(option: str, text: str) -> str:
    """A name from the command line as a document can hold it: NFC, no control characters, not empty."""
    import unicodedata

    from checker.jsonsource import _BAD_CHARACTER

    name = unicodedata.normalize("NFC", text).strip()
    bad = _BAD_CHARACTER.search(name)
    char = bad.group() if bad else next((c for c in name if c in "\t\n\r\u2028\u2029"), None)
    if char or not name or len(name) > 300:
        why = (
            ("er tom", "is empty")
            if not name
            else ("er længere end 300 tegn", "is longer than 300 characters")
        )
        if char:
            why = (f"indeholder tegnet U+{ord(char):04X}", f"holds the character U+{ord(char):04X}")
        shown = text[:60].encode("unicode_escape").decode("ascii")
        raise CouldNotRun(Text(f"{option} »{shown}« {why[0]}.", f"{option} '{shown}' {why[1]}."))
    return name


def parse_party(text: str) -> dict:
    """ "TYPE:Navn" (or "TYPE:Navn:CVR") from --part, e.g. "kommune:Slagelse Kommune"."""
    kind, _, rest = text.partition(":")
    name, _, cvr = rest.partition(":")
    kind, name, cvr = kind.strip().lower(), name.strip(), cvr.strip()
    if name:
        name = clean_name("--part", name)
    if kind not in PARTY_TYPES or not name:
        raise CouldNotRun(
            Text(
                f"--part »{text}« skal have formen TYPE:Navn, hvor TYPE er en af {', '.join(PARTY_TYPES)}; fx »kommune:Slagelse Kommune«.",
                f"--part '{text}' must have the form TYPE:Name, TYPE one of {', '.join(PARTY_TYPES)}; e.g. 'kommune:Slagelse Kommune'.",
            )
        )
    if cvr and not (len(cvr) == 8 and cvr.isdigit()):
        raise CouldNotRun(
            Text(f"--part »{text}«: et CVR-nummer er 8 cifre.", f"--part '{text}': a CVR number is 8 digits.")
        )
    party = {"id": party_id(name), "navn": name, "type": kind, "underskriver": kind not in NOT_SIGNING}
    if cvr:
        party["cvr"] = cvr
    return party


META = {
    "oprindelse": "skabelon",
    "bemaerkning": "Oprettet med »aftale new«. Erstat alle pladsholdere, der begynder med »UDFYLD«.",
}


def _parse_date(option: str, text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CouldNotRun(
            Text(
                f"{option} »{text}« er ikke en dato i formen ÅÅÅÅ-MM-DD.",
                f"{option} '{text}' is not a date of the form YYYY-MM-DD.",
            )
        ) from None


def _period(start: str | None, end: str | None = None, years: int = 4) -> tuple[date, date]:
    first = _parse_date("--start", start) if start else None
    if first is not None and not 1900 <= first.year <= 2199 - years:
        raise CouldNotRun(
            Text(
                f"--start {first.isoformat()} ligger uden for de år, et dossier kan rumme (1900–{2199 - years}).",
                f"--start {first.isoformat()} lies outside the years a dossier can hold (1900–{2199 - years}).",
            )
        )
    first, last = _default_period(start, years)
    if end:
        last = _parse_date("--slut", end)
        if last.year > 2199:
            raise CouldNotRun(
                Text(
                    f"--slut {last.isoformat()} ligger efter år 2199, det sidste et dossier kan rumme.",
                    f"--slut {last.isoformat()} lies after 2199, the last year a dossier can hold.",
                )
            )
        if last <= first:
            raise CouldNotRun(
                Text(
                    f"--slut {last.isoformat()} ligger ikke efter periodens start {first.isoformat()}.",
                    f"--slut {last.isoformat()} is not after the period's start {first.isoformat()}.",
                )
            )
    return first, last


def _default_period(start: str | None, years: int) -> tuple[date, date]:
    if start:
        try:
            first = date.fromisoformat(start)
        except ValueError:
            raise CouldNotRun(
                Text(
                    f"--start »{start}« er ikke en dato i formen ÅÅÅÅ-MM-DD.",
                    f"--start '{start}' is not a date of the form YYYY-MM-DD.",
                )
            ) from None
    else:
        today = date.today()
        first = date(today.year + (today.month == 12), today.month % 12 + 1, 1)
    try:
        last = first.replace(year=first.year + years) - timedelta(days=1)
    except ValueError:  # 29 February
        last = date(first.year + years, 2, 28)
    return first, last


def _files(first: date, last: date, setup: Setup) -> dict[str, dict]:
    from checker.context import project_years

    periode = {"start": first.isoformat(), "slut": last.isoformat()}
    helhedsplan = setup.helhedsplan or f"{U}: helhedsplanens navn"
    meta = setup.metadata or META
    frequency = setup.board_frequency or {"min_pr_aar": 2, "max_pr_aar": 4, "tekst": "2-4 gange årligt"}
    years = project_years(first, last)
    areas = setup.areas or [f"{U}: områdets navn"]
    parties = setup.parties or [
        {
            "id": "boligorganisation",
            "navn": f"{U}: boligorganisationens navn",
            "type": "boligorganisation",
            "underskriver": True,
        },
        {"id": "kommune", "navn": f"{U}: kommunens navn", "type": "kommune", "underskriver": True},
    ]
    signers = [p for p in parties if p["underskriver"]]
    chosen = setup.chosen
    delaftale_file = {n: f"delaftaler/{n}-{party_id(navn)}.json" for n, navn in chosen}
    board = (
        setup.board
        or [
            {"rolle": f"{U}: rolle", "part": p["id"], "ledelsesniveau": True}
            for p in parties
            if p["type"] in ("kommune", "boligorganisation")
        ]
        or [{"rolle": f"{U}: rolle", "part": parties[0]["id"], "ledelsesniveau": True}]
    )
    agreement = {
        "dokumenttype": "strategisk-samarbejdsaftale",
        "skemaversion": SCHEMA_VERSION,
        "titel": "Strategisk samarbejdsaftale om boligsocial indsats",
        "regelsaet": setup.ruleset.id,
        "version": {"nummer": "1", "beskrivelse": "Første udkast."},
        "metadata": meta,
        "helhedsplan": helhedsplan,
        "periode": periode,
        "omraader": [
            {
                "navn": name,
                "afdelinger": [{"nummer": f"{U}: afdelingsnummer", "boligorganisation": _owner(parties)}],
            }
            for name in areas
        ],
        "parter": parties,
        "sekretariat": {
            "navn": f"{U}: sekretariatets navn",
            "placering": next(
                (p["navn"] for p in parties if p["type"] == "boligorganisation"),
                f"{U}: den part, sekretariatet er placeret under",
            ),
            "tekst": [f"{U}: hvem der varetager helhedsplanens praktiske udførelse."],
        },
        "aftaledokumenter": {
            "overskrift": "Aftaledokumenter",
            "tekst": ["Ændringer i den strategiske samarbejdsaftale skal godkendes af Landsbyggefonden."],
            "bilag_indledning": "Følgende dokumenter skal vedlægges denne strategiske samarbejdsaftale:",
            "bilag": [
                {
                    "type": "organisationsdiagram",
                    "tekst": "Et organisationsdiagram (ad samarbejdsaftalens pkt. 2)",
                    "henvisning": "pkt. 2",
                    "filer": [],
                },
                {
                    "type": "delaftale",
                    "tekst": "En delaftale for hvert af de valgte indsatsområder (ad samarbejdsaftalens pkt. 5)",
                    "henvisning": "pkt. 5",
                    "filer": list(delaftale_file.values()),
                },
                {
                    "type": "beredskabsplan",
                    "tekst": "En beredskabsplan jf. regulativets § 6",
                    "henvisning": "regulativets § 6",
                    "filer": ["beredskabsplan.json"],
                },
                {
                    "type": "milepaelsplan",
                    "tekst": "En milepælsplan for den samlede projektperiode",
                    "filer": ["milepaelsplan.json"],
                },
                {
                    "type": "budget",
                    "tekst": "Et budget udarbejdet i Landsbyggefondens skabelon",
                    "filer": [BUDGET],
                },
                {
                    "type": "aktivitetsskema",
                    "tekst": "Et aktivitetsskema udarbejdet i Landsbyggefondens skabelon",
                    "filer": [SKEMA],
                },
                {
                    "type": "centrale_maalinger",
                    "tekst": "Et bilag med centralt genererede målinger ved indsatsens starttidspunkt",
                    "henvisning": "pkt. 4",
                    "filer": [],
                },
                {
                    "type": "kommissorium_bestyrelse",
                    "tekst": "Et kommissorium for bestyrelsen",
                    "henvisning": "pkt. 2",
                    "filer": ["kommissorier/bestyrelse.json"],
                },
            ],
        },
        "formaal": {
            "nummer": "1",
            "overskrift": "Formål med den boligsociale indsats",
            "tekst": [],
            "formaal": {
                "indledning": "Formål med den boligsociale indsats er:",
                "punkter": [f"{U}: første formål"],
            },
        },
        "organisering": {
            "nummer": "2",
            "overskrift": "Organisering",
            "tekst": [f"{U}: projektorganisationen."],
            "organer": [
                {
                    "id": "bestyrelse",
                    "navn": "Bestyrelsen",
                    "type": "bestyrelse",
                    "sammensaetning": f"{U}: bestyrelsens sammensætning.",
                    "medlemmer": board,
                    "moedefrekvens": dict(frequency),
                    "kommissorium": {"fil": "kommissorier/bestyrelse.json"},
                }
            ],
        },
        "beskrivelse": {
            "nummer": "3",
            "overskrift": "Beskrivelse af områdets overordnede problemkompleks, beboere og tryghedssituation",
            "tekst": [f"{U}: områdernes udfordringer."],
            "beboere": 0,
            "lejemaal": 0,
        },
        "faelles_maalinger": {
            "nummer": "4",
            "overskrift": "Fælles tværgående målinger",
            "tekst": [
                "Et bilag med de centralt genererede målinger ved indsatsens starttidspunkt skal vedlægges nærværende aftale."
            ],
        },
        "indsatsomraader": {
            "nummer": "5",
            "overskrift": "Indsatsområder",
            "tekst": [],
            "omraader": [
                {
                    "nummer": nummer,
                    "navn": navn,
                    "formaal": {"indledning": "Formålet er", "punkter": [f"{U}: indsatsområdets formål"]},
                    "succeskriterier": [_criterion(nummer, last)],
                    "delaftale": delaftale_file[nummer],
                }
                for nummer, navn in chosen
            ],
        },
        "lokal_evaluering": {
            "nummer": "6",
            "overskrift": "Lokal evaluering",
            "tekst": [f"{U}: hvordan indsatsen evalueres."],
            "evalueringer": [
                {
                    "id": "lbf-afrapportering",
                    "organ": "bestyrelse",
                    "handling": "afrapportering_lbf",
                    "gange_pr_aar": 1,
                }
            ],
        },
        "ressourcer": {
            "nummer": "7",
            "overskrift": "Ressourcer i den boligsociale indsats",
            "tekst": [],
            "finansiering": {
                "landsbyggefonden": 0,
                "lokal_medfinansiering": 0,
                "samlet": 0,
                "enhed_i_aftalen": "t.kr.",
            },
        },
        "samspil": {
            "nummer": "8",
            "overskrift": "Samspil med øvrige tiltag og områdebaserede indsatser",
            "tekst": [f"{U}: samspil med øvrige tiltag."],
        },
        "underretning": {"nummer": "9", "overskrift": "Underretning", "tekst": [f"{U}: underretning."]},
        "konflikthaandtering": {
            "nummer": "10",
            "overskrift": "Konflikthåndtering",
            "tekst": [f"{U}: konflikthåndtering."],
        },
        "revision": {
            "nummer": "11",
            "overskrift": "Revision af samarbejdsaftalen",
            "tekst": ["Revision af den strategiske samarbejdsaftale kræver godkendelse i Landsbyggefonden."],
        },
        "underskrifter": [{"part": p["navn"]} for p in signers],
    }
    signature = [{"part": p["navn"]} for p in signers]
    version = {"nummer": "1"}

    def delaftale(nummer: str, navn: str) -> dict:
        return {
            "dokumenttype": "delaftale",
            "metadata": {**meta, "opdateret": date.today().isoformat()},
            "version": version,
            "titel": f"Delaftale for indsatsområde {nummer} {navn}",
            "indsatsomraade": {"nummer": nummer, "navn": navn},
            "helhedsplan": helhedsplan,
            "periode": periode,
            "formaal": [f"{U}: delaftalens formål."],
            "maalgrupper": [f"{U}: målgruppe"],
            "aktoerer": [{"navn": signers[0]["navn"], "type": "part", "ansvar": [f"{U}: aktørens ansvar."]}],
            "aktiviteter": [
                {
                    "id": f"{nummer}-aktivitet",
                    "navn": f"{U}: aktivitetens navn",
                    "beskrivelse": [f"{U}: hvad aktiviteten går ud på."],
                    "maalgruppe": f"{U}: målgruppe",
                    "omraader": list(areas),
                    "ansvarlig": f"{U}: ansvarlig",
                    "periode": periode,
                    "succeskriterier": [f"{nummer}-kriterium"],
                }
            ],
            "opfoelgning": [f"{U}: hvordan delaftalen følges op og ajourføres."],
            "underskrifter": signature,
        }

    kommissorium = {
        "dokumenttype": "kommissorium",
        "metadata": meta,
        "version": version,
        "titel": "Kommissorium for bestyrelsen",
        "organ": "bestyrelse",
        "helhedsplan": helhedsplan,
        "formaal": [f"{U}: bestyrelsens formål."],
        "medlemmer": board,
        "opgaver": [f"{U}: bestyrelsens opgaver."],
        "moedefrekvens": dict(frequency),
    }
    milepaelsplan = {
        "dokumenttype": "milepaelsplan",
        "metadata": meta,
        "version": version,
        "titel": "Milepælsplan",
        "helhedsplan": helhedsplan,
        "periode": periode,
        "projektaar": [
            {
                "nummer": i + 1,
                "periode": {"start": a.isoformat(), "slut": b.isoformat()},
                "milepaele": [
                    {
                        "id": f"aar{i + 1}-milepael",
                        "dato": b.isoformat(),
                        "titel": f"{U}: milepæl",
                        "indsatsomraade": "tværgående",
                        "ansvarlig": f"{U}: ansvarlig",
                    }
                ],
            }
            for i, (a, b) in enumerate(years)
        ],
    }
    beredskabsplan = {
        "dokumenttype": "beredskabsplan",
        "metadata": meta,
        "version": version,
        "titel": "Beredskabsplan",
        "helhedsplan": helhedsplan,
        "formaal": [f"{U}: planens formål."],
        "omraader": list(areas),
        "beredskabsgruppe": [{"rolle": f"{U}: rolle", "part": p["id"]} for p in parties],
        "haendelser": [
            {
                "id": "haendelse",
                "navn": f"{U}: hændelse",
                "beskrivelse": f"{U}: beskrivelse.",
                "handlinger": [{"trin": 1, "handling": f"{U}: handling", "ansvarlig": f"{U}: ansvarlig"}],
            }
        ],
        "kommunikation": [f"{U}: hvordan der kommunikeres."],
        "ajourfoering": f"{U}: hvornår planen ajourføres.",
    }
    return {
        "samarbejdsaftale.json": agreement,
        **{delaftale_file[n]: delaftale(n, navn) for n, navn in chosen},
        "kommissorier/bestyrelse.json": kommissorium,
        "milepaelsplan.json": milepaelsplan,
        "beredskabsplan.json": beredskabsplan,
    }


def create_dossier(
    folder: str | os.PathLike,
    start: str | None = None,
    *,
    end: str | None = None,
    ruleset_id: str = "lbf-2019-2026",
    areas: list[str] = (),
    parties: list[str] = (),
    chosen: list[str] = (),
    recalc: bool = True,
) -> list[str]:
    from checker import rulesets

    target = Path(folder)
    check_target(target, "new")
    ruleset = rulesets.load(ruleset_id)
    if ruleset is None:
        where = rulesets.where_text()
        raise CouldNotRun(
            Text(
                f"Regelsættet »{ruleset_id}« kendes ikke. Kendte: {', '.join(rulesets.available())}. Regelsæt søges i {where.da}.",
                f"The rule set '{ruleset_id}' is not known. Known: {', '.join(rulesets.available())}. Rule sets are looked for in {where.en}.",
            )
        )
    unknown = [n for n in chosen if n not in ruleset.indsatsomraader]
    if unknown:
        known = ", ".join(f"{n} {v}" for n, v in ruleset.indsatsomraader.items())
        raise CouldNotRun(
            Text(
                f"--indsatsomraade {unknown[0]} findes ikke i regelsættet {ruleset.id}: {known}.",
                f"--indsatsomraade {unknown[0]} is not in the rule set {ruleset.id}: {known}.",
            )
        )
    from checker.sign.requirement import name_key

    party_list = [parse_party(p) for p in parties]
    areas = [clean_name("--omraade", a) for a in areas]
    for what, names in (
        (("En part", "A party"), [p["navn"] for p in party_list]),
        (("Et område", "An area"), list(areas)),
        (("Et indsatsområde", "An indsatsområde"), list(chosen)),
    ):
        keys = [name_key(n) for n in names]
        twice = next((n for n, k in zip(names, keys, strict=True) if keys.count(k) > 1), None)
        if twice is not None:
            raise CouldNotRun(
                Text(f"{what[0]} er angivet to gange: »{twice}«.", f"{what[1]} is given twice: '{twice}'.")
            )
    ids = [p["id"] for p in party_list]
    if len(set(ids)) != len(ids):
        raise CouldNotRun(
            Text(
                "To parter får samme id; giv dem navne, der kan skelnes.",
                "Two parties get the same id; give them names that can be told apart.",
            )
        )
    if party_list and not any(p["underskriver"] for p in party_list):
        raise CouldNotRun(Text("Mindst én part skal underskrive.", "At least one party must sign."))
    _fewest, most = ruleset.periode_aar
    first, last = _period(start, end, most or 4)
    setup = Setup(
        ruleset,
        list(areas),
        party_list,
        [(n, ruleset.indsatsomraader[n]) for n in (chosen or list(ruleset.indsatsomraader))],
    )
    return write_dossier(target, _files(first, last, setup), recalc=recalc)


def check_target(target: Path, command: str) -> None:
    """Refuse a target a new dossier cannot go to: a symlink, a folder inside a dossier, anything that
    exists and is not an empty folder. `command` ("new", "import") names the command in the message."""
    if target.is_symlink():
        raise CouldNotRun(
            Text(
                f"{target} er en genvej (symlink); »aftale {command}« opretter kun en almindelig mappe.",
                f"{target} is a symbolic link; 'aftale {command}' creates only a plain folder.",
            )
        )
    outer = next((p for p in target.resolve().parents if (p / "samarbejdsaftale.json").is_file()), None)
    if outer is not None:
        raise CouldNotRun(
            Text(
                f"{target} ligger inde i dossieret {outer}; et dossier kan ikke ligge i et andet.",
                f"{target} lies inside the dossier {outer}; a dossier cannot lie inside another.",
            )
        )
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise CouldNotRun(
            Text(
                f"{target} findes allerede og er ikke en tom mappe; »aftale {command}« overskriver intet.",
                f"{target} already exists and is not an empty folder; 'aftale {command}' overwrites nothing.",
            )
        )


def write_dossier(target: Path, files: dict[str, dict], *, recalc: bool = True) -> list[str]:
    """Write a new dossier: `files` (dossier-relative path -> JSON data, as _files makes them) and the
    budget and aktivitetsskema workbooks made from its agreement. Built in a staging folder beside
    `target` and moved into place in one step; on any failure (a SIGTERM included) nothing is left.
    The caller has checked the target (check_target). Returns the files written, relative."""
    target = Path(target)
    parent = target.resolve().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=parent))
        try:
            for rel, content in files.items():
                path = staging / rel
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(json.dumps(content, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
            _workbooks(staging, files["samarbejdsaftale.json"], recalc)
            staging.chmod(0o755)
            if target.exists():
                target.rmdir()  # empty: check_target made sure
            os.replace(staging, target)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    except OSError as exc:
        raise CouldNotRun(
            Text(
                f"Kan ikke oprette {target}: {exc.strerror or exc}.",
                f"Cannot create {target}: {exc.strerror or exc}.",
            )
        ) from None
    return list(files) + [BUDGET, SKEMA]


def _workbooks(folder: Path, agreement: dict, recalc: bool) -> None:
    """The budget and the aktivitetsskema in the documented layout, their formulas calculated by
    LibreOffice so that they read as a spreadsheet saved them."""
    from checker.workbooks import recalculate, write_activity_schedule, write_budget

    write_budget(folder / BUDGET, agreement)
    write_activity_schedule(folder / SKEMA, agreement)
    if recalc:
        recalculate([folder / BUDGET, folder / SKEMA])
