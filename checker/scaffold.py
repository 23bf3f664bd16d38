"""aftale new: a fresh dossier that validates, every placeholder marked "UDFYLD".

The folder is built beside its destination and moved into place in one step, so an interrupted
run leaves either a complete dossier or none.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from datetime import date, timedelta
from pathlib import Path

from checker.findings import CouldNotRun, Text

U = "UDFYLD"
META = {
    "oprindelse": "skabelon",
    "bemaerkning": "Oprettet med »aftale new«. Erstat alle pladsholdere, der begynder med »UDFYLD«.",
}


def _period(start: str | None) -> tuple[date, date]:
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
        last = first.replace(year=first.year + 4) - timedelta(days=1)
    except ValueError:  # 29 February
        last = date(first.year + 4, 2, 28)
    return first, last


def _files(first: date, last: date) -> dict[str, dict]:
    periode = {"start": first.isoformat(), "slut": last.isoformat()}
    helhedsplan = f"{U}: helhedsplanens navn"
    years = [
        (
            first.replace(year=first.year + i),
            min(last, first.replace(year=first.year + i + 1) - timedelta(days=1)),
        )
        for i in range(4)
    ]
    agreement = {
        "dokumenttype": "strategisk-samarbejdsaftale",
        "titel": "Strategisk samarbejdsaftale om boligsocial indsats",
        "regelsaet": "lbf-2015-2018",
        "version": {"nummer": "1", "beskrivelse": "Første udkast."},
        "metadata": META,
        "helhedsplan": helhedsplan,
        "periode": periode,
        "omraader": [{"navn": f"{U}: områdets navn", "afdeling": {"nummer": f"{U}: afdelingsnummer"}}],
        "parter": [
            {"navn": f"{U}: boligorganisationens navn", "type": "boligorganisation"},
            {"navn": f"{U}: kommunens navn", "type": "kommune"},
        ],
        "sekretariat": {
            "navn": f"{U}: sekretariatets navn",
            "placering": f"{U}: den part, sekretariatet er placeret under",
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
                    "filer": ["delaftaler/5.1.json"],
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
                {"type": "budget", "tekst": "Et budget udarbejdet i Landsbyggefondens skabelon", "filer": []},
                {
                    "type": "aktivitetsskema",
                    "tekst": "Et aktivitetsskema udarbejdet i Landsbyggefondens skabelon",
                    "filer": [],
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
                    "medlemmer": [
                        {
                            "rolle": f"{U}: rolle",
                            "organisation": f"{U}: kommunens navn",
                            "ledelsesniveau": True,
                        },
                        {
                            "rolle": f"{U}: rolle",
                            "organisation": f"{U}: boligorganisationens navn",
                            "ledelsesniveau": True,
                        },
                    ],
                    "moedefrekvens": {"min_pr_aar": 2, "max_pr_aar": 4, "tekst": "2-4 gange årligt"},
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
                    "nummer": "5.1",
                    "navn": "Tryghed og trivsel",
                    "formaal": {"indledning": "Formålet er", "punkter": [f"{U}: indsatsområdets formål"]},
                    "succeskriterier": [
                        {
                            "id": "5.1-kriterium",
                            "titel": f"{U}: kort titel",
                            "tekst": f"{U}: kriteriets ordlyd.",
                            "maales": f"{U}: hvad der måles",
                            "enhed": "antal",
                            "baseline": {"tidspunkt": f"{U}: år", "foreligger_ikke": f"{U}: baseline"},
                            "maal": {
                                "type": "relativ_aendring",
                                "retning": "fald",
                                "kontrolpunkter": [
                                    {
                                        "dato": last.isoformat(),
                                        "betegnelse": "Ved periodens udgang",
                                        "procent": 5,
                                    }
                                ],
                            },
                            "datakilde": {"tekst": f"{U}: datakilde."},
                        }
                    ],
                    "delaftale": "delaftaler/5.1.json",
                }
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
        "underskrifter": [{"part": f"{U}: boligorganisationens navn"}, {"part": f"{U}: kommunens navn"}],
    }
    signature = [{"part": f"{U}: boligorganisationens navn"}, {"part": f"{U}: kommunens navn"}]
    version = {"nummer": "1"}
    delaftale = {
        "dokumenttype": "delaftale",
        "metadata": META,
        "version": version,
        "titel": "Delaftale for indsatsområde 5.1 Tryghed og trivsel",
        "indsatsomraade": {"nummer": "5.1", "navn": "Tryghed og trivsel"},
        "helhedsplan": helhedsplan,
        "periode": periode,
        "formaal": [f"{U}: delaftalens formål."],
        "maalgrupper": [f"{U}: målgruppe"],
        "aktoerer": [{"navn": f"{U}: aktørens navn", "type": "part", "ansvar": [f"{U}: aktørens ansvar."]}],
        "aktiviteter": [
            {
                "id": "5.1-aktivitet",
                "navn": f"{U}: aktivitetens navn",
                "beskrivelse": [f"{U}: hvad aktiviteten går ud på."],
                "maalgruppe": f"{U}: målgruppe",
                "omraader": [f"{U}: områdets navn"],
                "ansvarlig": f"{U}: ansvarlig",
                "periode": periode,
                "succeskriterier": ["5.1-kriterium"],
            }
        ],
        "opfoelgning": [f"{U}: hvordan delaftalen følges op og ajourføres."],
        "underskrifter": signature,
    }
    kommissorium = {
        "dokumenttype": "kommissorium",
        "metadata": META,
        "version": version,
        "titel": "Kommissorium for bestyrelsen",
        "organ": "bestyrelse",
        "helhedsplan": helhedsplan,
        "formaal": [f"{U}: bestyrelsens formål."],
        "medlemmer": [{"rolle": f"{U}: rolle", "organisation": f"{U}: organisation", "ledelsesniveau": True}],
        "opgaver": [f"{U}: bestyrelsens opgaver."],
        "moedefrekvens": {"min_pr_aar": 2, "max_pr_aar": 4, "tekst": "2-4 gange årligt"},
    }
    milepaelsplan = {
        "dokumenttype": "milepaelsplan",
        "metadata": META,
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
        "metadata": META,
        "version": version,
        "titel": "Beredskabsplan",
        "helhedsplan": helhedsplan,
        "formaal": [f"{U}: planens formål."],
        "omraader": [f"{U}: områdets navn"],
        "beredskabsgruppe": [{"rolle": f"{U}: rolle", "organisation": f"{U}: organisation"}],
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
        "delaftaler/5.1.json": delaftale,
        "kommissorier/bestyrelse.json": kommissorium,
        "milepaelsplan.json": milepaelsplan,
        "beredskabsplan.json": beredskabsplan,
    }


def create_dossier(folder: str | os.PathLike, start: str | None = None) -> list[str]:
    target = Path(folder)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise CouldNotRun(
            Text(
                f"{target} findes allerede og er ikke en tom mappe; »aftale new« overskriver intet.",
                f"{target} already exists and is not an empty folder; 'aftale new' overwrites nothing.",
            )
        )
    first, last = _period(start)
    files = _files(first, last)
    parent = target.resolve().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=parent))
        try:
            for rel, content in files.items():
                path = staging / rel
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(json.dumps(content, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
            staging.chmod(0o755)
            if target.exists():
                target.rmdir()  # empty, checked above
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
    return list(files)
