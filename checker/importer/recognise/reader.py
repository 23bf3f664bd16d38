"""One source read into the dossier's files: the parts read, the files »aftale new« writes (scaffold._files)
filled in with them."""

from __future__ import annotations

import copy
from pathlib import PurePath

from checker.findings import Text
from checker.importer import Source
from checker.importer.recognise.criteria import AreasOfEffort
from checker.importer.recognise.fields import Field, Recognition
from checker.importer.recognise.front import FrontPage
from checker.importer.recognise.layout import _Layout
from checker.importer.recognise.organisation import Organisation
from checker.importer.recognise.sections import Sections
from checker.importer.recognise.wording import SECTIONS
from checker.scaffold import Setup, _files


class Reader(FrontPage, Organisation, AreasOfEffort, Sections):
    """Reads one source into the dossier's parts, collecting fields as it goes."""

    def __init__(self, source: Source, ruleset_id: str | None):
        self.source = source
        self.name = PurePath(source.path).name or source.path
        self.layout = _Layout(source)
        self.ruleset_id = ruleset_id
        self.fields: list[Field] = []
        self.missing_info: list[dict] = []
        self._party_list_cache: list[dict] = []
        self._aliases: list[tuple[str, dict]] = []
        self._secretariat_name: str | None = None

    def read(self) -> Recognition:

        front = self._front()
        parties = front["parter"]
        areas = front["omraader"]
        first, last = front["periode"]
        sections = {n: self.layout.segment(f"s{n}") for n in SECTIONS}
        for n, (key, _, _) in SECTIONS.items():
            if sections[n] is None:
                self.missing(
                    key,
                    Text(
                        f"Afsnit {n} ({SECTIONS[n][2]}) er ikke fundet i kilden; dets tekst er en pladsholder.",
                        f"Section {n} ({SECTIONS[n][2]}) was not found in the source; its text is a placeholder.",
                    ),
                )
        chosen = self._chosen()
        ruleset = self._ruleset(chosen, first)
        if not chosen:
            chosen = [(n, navn, None) for n, navn in ruleset.indsatsomraader.items()]
        organisation = self._organisation(sections[2], parties, front["sekretariat"])
        board = next((b for b in organisation["organer"] if b["type"] == "bestyrelse"), None)
        meta = {
            "oprindelse": "skabelon",
            "kilde": f"{self.name} (importeret med »aftale import«)",
            "bemaerkning": (
                f"Oprettet af »aftale import« fra {self.name}: aftalen indeholder ikke dette dokument, kun "
                "navne, periode og organer er overført. Erstat alle pladsholdere, der begynder med »UDFYLD«."
            ),
        }
        setup = Setup(
            ruleset,
            [a["navn"] for a in areas],
            parties,
            [(n, navn) for n, navn, _ in chosen],
            helhedsplan=front["helhedsplan"],
            board=copy.deepcopy(board["medlemmer"]) if board else None,
            board_frequency=copy.deepcopy(board["moedefrekvens"]) if board else None,
            metadata=meta,
        )
        files = copy.deepcopy(_files(first, last, setup))
        aftale = files["samarbejdsaftale.json"]
        aftale["metadata"] = {
            "oprindelse": "kilde",
            "kilde": f"{self.name} (importeret med »aftale import«)",
            "bemaerkning": (
                f"Importeret af »aftale import« fra {self.name}. Ordlyden er overført fra kilden; hvad "
                "importen ikke kunne læse, er pladsholdere (»UDFYLD«), og læsningen af mål og tal skal "
                "gennemgås, før aftalen bruges."
            ),
        }
        aftale["version"] = {
            "nummer": "1",
            "beskrivelse": f"Importeret fra {self.name}; skal gennemgås. Underskrifter er ikke registreret.",
        }
        if front["titel"]:
            aftale["titel"] = front["titel"]
        aftale["omraader"] = areas
        aftale["sekretariat"] = front["sekretariat"]
        if front["aftaledokumenter"]:
            aftale["aftaledokumenter"] = self._annex_files(
                front["aftaledokumenter"], aftale["aftaledokumenter"]
            )
        aftale["underskrifter"] = front["underskrifter"] or aftale["underskrifter"]
        aftale["formaal"] = self._purpose(sections[1], aftale["formaal"])
        aftale["organisering"] = organisation
        beskrivelse, samlet = self._description(sections[3], aftale["beskrivelse"])
        aftale["beskrivelse"] = beskrivelse
        aftale["faelles_maalinger"] = self._prose(sections[4], aftale["faelles_maalinger"], 4)
        aftale["indsatsomraader"] = self._areas_of_effort(
            sections[5], chosen, aftale["indsatsomraader"], [a["navn"] for a in areas], (first, last)
        )
        if samlet:
            aftale["indsatsomraader"]["samlet_indsats"] = samlet
        aftale["lokal_evaluering"] = self._evaluation(sections[6], aftale["lokal_evaluering"], organisation)
        aftale["ressourcer"] = self._resources(sections[7], aftale["ressourcer"], parties)
        for n in (8, 9, 10, 11):
            key = SECTIONS[n][0]
            aftale[key] = self._prose(sections[n], aftale[key], n)
        if self.missing_info:
            aftale["manglende_oplysninger"] = self.missing_info
        return Recognition(files, self.fields, ruleset.id)
