"""The front page: områder and afdelinger, parties and other actors, the period, the helhedsplan, the
secretariat, the signature blocks, and the list of required annexes (»Aftaledokumenter«)."""

from __future__ import annotations

import re
from datetime import date

from checker.findings import Text
from checker.importer.recognise.fields import Notes
from checker.importer.recognise.layout import _Para, _Segment
from checker.importer.recognise.wording import _DATE, _PERIOD, _date, _fold, _number, _strip_bullet, _unique
from checker.model import party_id
from checker.scaffold import NOT_SIGNING, PARTY_TYPES, U, _default_period


class FrontPage(Notes):
    """Reads the labels before section 1."""

    def _front(self) -> dict:
        lay = self.layout
        out: dict = {"titel": None, "helhedsplan": None}
        front = lay.segment("front")
        subtitle_period = None
        if front is not None:
            for para in front.paras:
                if out["titel"] is None and "samarbejdsaftale" in para.text.casefold():
                    out["titel"] = para.text
                    self.found("titel", para.text, para.where)
                elif para.text.casefold().startswith("perioden"):
                    subtitle_period = para
        out["parter"] = self._parties()
        out["omraader"] = self._area_list()
        period = self._period(subtitle_period)
        out["periode"] = period
        agreement = lay.segment("samarbejdsaftalen")
        out["helhedsplan"] = self._plan(agreement, front)
        out["sekretariat"] = self._secretariat(agreement, out["parter"])
        out["underskrifter"] = self._signatures(out["parter"])
        out["aftaledokumenter"] = lay.segment("aftaledokumenter")
        return out

    def _area_list(self) -> list[dict]:
        segment = self.layout.segment("omraader")
        names: list[tuple[str, str | None]] = []
        where = None
        if segment is not None and segment.paras:
            text = " ".join(p.text for p in segment.paras if not p.cells)
            where = segment.paras[0].where
            for part in re.split(r"\s*(?:,|&|\bog\b|;)\s*", text.rstrip(".")):
                part = part.strip()
                if not part:
                    continue
                m = re.match(r"^(.*?)\s*\((?:afd\.|afdeling)\s*([\w.-]+)\)$", part, re.IGNORECASE)
                names.append((m[1], m[2]) if m else (part, None))
        if not names:
            self.missing(
                "omraader",
                Text(
                    "»Områdernes navne:« er ikke fundet; områderne er pladsholdere.",
                    "'Områdernes navne:' was not found; the areas are placeholders.",
                ),
            )
            return [{"navn": f"{U}: områdets navn", "afdelinger": [{"nummer": f"{U}: afdelingsnummer"}]}]
        self.found("omraader", ", ".join(n for n, _ in names), where)
        known = self._departments([n for n, _ in names])
        areas = []
        for name, number in names:
            afdelinger = known.get(name)
            if afdelinger is None and number:
                afdelinger = [{"nummer": number}]
            if afdelinger is None:
                afdelinger = self._department_in_text(name)
            area: dict = {"navn": name, "afdelinger": afdelinger}
            totals = known.get(f"{name}\x00totals")
            if totals:
                area.update(totals)
            areas.append(area)
        return areas

    def _departments(self, names: list[str]) -> dict:
        """»Afdelinger:« as aftale's own documents write it: »Område (N beboere, M lejemål): afd. 11 Navn
        (Ejer), 820 beboere, 390 lejemål; afd. 12 …«."""
        segment = self.layout.segment("afdelinger")
        out: dict = {}
        if segment is None:
            return out
        parties = self._party_list_cache
        for para in segment.paras:
            m = re.match(
                r"^(?P<area>[^:(]+?)\s*(?:\((?P<b>[\d.]+) beboere, (?P<l>[\d.]+) lejemål\))?:\s*(?P<rest>.+)$",
                para.text,
            )
            if not m or m["area"].strip() not in names:
                continue
            area = m["area"].strip()
            afdelinger = []
            for item in m["rest"].split(";"):
                d = re.match(
                    r"^\s*afd\.\s*(?P<nr>[\w.-]+)(?:\s+(?P<navn>[^(,]+?))?(?:\s+\((?P<owner>[^)]+)\))?"
                    r"(?:,\s*(?P<b>[\d.]+) beboere)?(?:,\s*(?P<l>[\d.]+) lejemål)?\s*$",
                    item,
                )
                if not d:
                    continue
                afdeling: dict = {"nummer": d["nr"]}
                if d["navn"]:
                    afdeling["navn"] = d["navn"].strip()
                owner = next(
                    (p for p in parties if d["owner"] and _fold(p["navn"]) == _fold(d["owner"])), None
                )
                if owner:
                    afdeling["boligorganisation"] = owner["id"]
                for key, group in (("beboere", "b"), ("lejemaal", "l")):
                    if d[group] and (v := _number(d[group])) is not None:
                        afdeling[key] = int(v)
                afdelinger.append(afdeling)
            if afdelinger:
                out[area] = afdelinger
                totals = {}
                for key, group in (("beboere", "b"), ("lejemaal", "l")):
                    if m[group] and (v := _number(m[group])) is not None:
                        totals[key] = int(v)
                out[f"{area}\x00totals"] = totals
                self.found(f"omraader/{area}/afdelinger", _department_numbers(afdelinger), para.where)
        return out

    def _department_in_text(self, area: str) -> list[dict]:
        """An afdeling number the prose gives (»afd. 10, Vestervang«), to be reviewed; else a placeholder."""
        pattern = re.compile(
            rf"(?:afd\.|afdeling)\s*(\d+)[,\s]+{re.escape(area)}\b|{re.escape(area)}\s*\((?:afd\.|afdeling)\s*(\d+)\)",
            re.IGNORECASE,
        )
        for segment in self.layout.segments:
            for para in segment.paras:
                m = pattern.search(para.text)
                if m:
                    number = m[1] or m[2]
                    self.review(
                        f"omraader/{area}/afdelinger",
                        f"afd. {number}",
                        para.where,
                        Text(
                            f"Afdelingsnummeret er læst af teksten »{m[0]}«; kontrollér det.",
                            f"The department number is read from the text '{m[0]}'; check it.",
                        ),
                    )
                    return [{"nummer": number, "bemaerkning": f"Aftalen skriver »{m[0]}«."}]
        self.missing(
            f"omraader/{area}/afdelinger",
            Text(
                f"Aftalen oplyser ikke afdelingsnummeret for {area}.",
                f"The agreement does not give the department number of {area}.",
            ),
        )
        return [{"nummer": f"{U}: afdelingsnummer"}]

    def _parties(self) -> list[dict]:
        lay = self.layout
        segment = lay.segment("parter")
        names: list[tuple[str, str]] = []
        if segment is not None:
            for line in segment.lines:
                if line.cells:
                    names.extend((c, line.block.where()) for c in line.cells if c)
                else:
                    names.append((line.text.rstrip(",;."), line.block.where()))
        others = []
        other_segment = lay.segment("oevrige")
        if other_segment is not None:
            for para in other_segment.paras:
                m = re.match(r"^(?P<navn>.+?)\s*\((?P<type>[^)]+)\)(?:\s*–\s*(?P<note>.+))?$", para.text)
                if m:
                    others.append((m["navn"], m["type"], m["note"], para.where))
        signature_names = [name for name, _, _ in self._signature_blocks()]
        if not names and signature_names:
            names = [(n, w) for n, w, _ in self._signature_blocks()]
            self.review(
                "parter",
                ", ".join(signature_names),
                names[0][1],
                Text(
                    "»Aftalens parter:« er ikke fundet; parterne er læst af underskriftsblokkene.",
                    "'Aftalens parter:' was not found; the parties are read from the signature blocks.",
                ),
            )
        parties: list[dict] = []
        ids: set[str] = set()
        for name, where in names:
            kind, sure = _party_type(name)
            pid = _unique(party_id(name), ids)
            signs = kind not in NOT_SIGNING
            if signature_names:
                signs = any(_same_party(name, s) for s in signature_names)
            party = {"id": pid, "navn": name, "type": kind, "underskriver": signs}
            parties.append(party)
            if sure:
                self.found(f"parter/{pid}", f"{name} ({kind})", where)
            else:
                self.review(
                    f"parter/{pid}/type",
                    kind,
                    where,
                    Text(
                        f"Navnet »{name}« siger ikke, hvilken slags part det er; typen »{kind}« er et gæt.",
                        f"The name '{name}' does not say what kind of party it is; the type '{kind}' is a guess.",
                    ),
                )
            if signature_names and not signs:
                self.review(
                    f"parter/{pid}/underskriver",
                    "false",
                    where,
                    Text(
                        f"{name} har ingen underskriftsblok og er registreret som part, der ikke underskriver.",
                        f"{name} has no signature block and is recorded as a party that does not sign.",
                    ),
                )
        for name, kind_text, note, where in others:
            kind = (
                next((k for k in PARTY_TYPES if _fold(k) == _fold(kind_text)), None) or _party_type(name)[0]
            )
            pid = _unique(party_id(name), ids)
            party = {"id": pid, "navn": name, "type": kind, "underskriver": False}
            if note:
                party["bemaerkning"] = note.strip()
            parties.append(party)
            self.found(f"parter/{pid}", f"{name} ({kind}, underskriver ikke)", where)
        if len(parties) < 2:
            self.missing(
                "parter",
                Text(
                    "Der er fundet færre end to parter; de manglende er pladsholdere.",
                    "Fewer than two parties were found; the missing ones are placeholders.",
                ),
            )
            for kind in ("boligorganisation", "kommune"):
                if len(parties) >= 2:
                    break
                if any(p["type"] == kind for p in parties):
                    continue
                parties.append(
                    {
                        "id": _unique(kind, ids),
                        "navn": f"{U}: {kind}ens navn"
                        if kind == "kommune"
                        else f"{U}: boligorganisationens navn",
                        "type": kind,
                        "underskriver": True,
                    }
                )
        if not any(p["underskriver"] for p in parties):
            for p in parties:
                p["underskriver"] = p["type"] not in NOT_SIGNING
        self._party_list_cache = parties
        self._aliases = _aliases(parties, signature_names)
        return parties

    def _period(self, subtitle: _Para | None) -> tuple[date, date]:
        lay = self.layout
        candidates: list[tuple[_Para, bool]] = []
        agreement = lay.segment("samarbejdsaftalen")
        if agreement is not None:
            candidates += [(p, True) for p in agreement.paras]
        if subtitle is not None:
            candidates.append((subtitle, True))
        candidates += [(p, False) for s in lay.segments for p in s.paras]
        for para, certain in candidates:
            m = _PERIOD.search(para.text)
            if not m:
                continue
            first, last = _date(m[1]), _date(m[2])
            if first and last and first < last:
                value = f"{first.isoformat()} – {last.isoformat()}"
                if certain:
                    self.found("periode", value, para.where)
                else:
                    self.review(
                        "periode",
                        value,
                        para.where,
                        Text(
                            f"Perioden er læst af »{m[0]}« uden for »Samarbejdsaftalen:«; kontrollér den.",
                            f"The period is read from '{m[0]}' outside 'Samarbejdsaftalen:'; check it.",
                        ),
                    )
                return first, last
        first, last = _default_period(None, 4)
        self.missing(
            "periode",
            Text(
                f"Perioden er ikke fundet; {first.isoformat()}–{last.isoformat()} er en pladsholder, der skal rettes.",
                f"The period was not found; {first.isoformat()}–{last.isoformat()} is a placeholder to correct.",
            ),
        )
        self.missing_info.append(
            {
                "placering": "Samarbejdsaftalen",
                "beskrivelse": "Importen fandt ikke aftalens periode; perioden i dossieret er en pladsholder.",
            }
        )
        return first, last

    def _plan(self, agreement: _Segment | None, front: _Segment | None) -> str | None:
        for para in agreement.paras if agreement else []:
            m = re.search(r"gælder for (.+?) for perioden", para.text, re.IGNORECASE)
            if m:
                self.found("helhedsplan", m[1], para.where)
                return m[1]
        for para in front.paras if front else []:
            if (
                re.search(r"helhedsplan", para.text, re.IGNORECASE)
                and "samarbejdsaftale" not in para.text.casefold()
            ):
                self.review(
                    "helhedsplan",
                    para.text,
                    para.where,
                    Text(
                        "Helhedsplanens navn er læst af forsidens undertitel.",
                        "The plan's name is read from the front page's subtitle.",
                    ),
                )
                return para.text
        self.missing(
            "helhedsplan",
            Text("Helhedsplanens navn er ikke fundet.", "The plan's name was not found."),
        )
        return None

    def _secretariat(self, agreement: _Segment | None, parties: list[dict]) -> dict:
        paras = [
            p
            for p in (agreement.paras if agreement else [])
            if not re.match(r"^Version \d+\b", p.text) and not p.cells
        ]
        text = " ".join(p.text for p in paras)
        where = paras[0].where if paras else None
        out: dict = {
            "navn": f"{U}: sekretariatets navn",
            "placering": f"{U}: den part, sekretariatet er placeret under",
            "tekst": [p.text for p in paras]
            or [f"{U}: hvem der varetager helhedsplanens praktiske udførelse."],
        }
        m = re.search(r"varetages af (.+?)(?:\.\s|\.$|,)", text)
        if m:
            out["navn"] = m[1].strip()
            self.found("sekretariat/navn", m[1], where)
        else:
            self.missing(
                "sekretariat/navn",
                Text("Sekretariatets navn er ikke fundet.", "The secretariat's name was not found."),
            )
        m = re.search(r"placeret (?:under|hos|i) (.+?)(?:,|\.\s|\.$| og )", text)
        if m:
            placement = m[1].strip()
            party = next((p for p in parties if _fold(p["navn"]) == _fold(placement)), None)
            out["placering"] = party["navn"] if party else placement
            self.found("sekretariat/placering", out["placering"], where)
        else:
            self.missing(
                "sekretariat/placering",
                Text(
                    "Hvor sekretariatet er placeret, er ikke fundet.",
                    "Where the secretariat is placed was not found.",
                ),
            )
        if re.search(r"refererer .{0,40}til bestyrelsen", text, re.IGNORECASE):
            out["refererer_til"] = "bestyrelse"
        self._secretariat_name = out["navn"] if m or not out["navn"].startswith(U) else None
        return out

    def _signature_blocks(self) -> list[tuple[str, str, list[str]]]:
        """(name, where, the block's other lines) per signature block under »Underskrifter:«."""
        segment = self.layout.segment("underskrifter")
        blocks: list[tuple[str, str, list[str]]] = []
        if segment is None:
            return blocks
        for line in segment.lines:
            text = line.text.strip()
            if line.cells:
                continue
            if re.fullmatch(r"[_.\-– ]{3,}", text):
                continue
            if re.match(r"^dato\b", text, re.IGNORECASE) or re.match(r"^navn\b", text, re.IGNORECASE):
                if blocks:
                    blocks[-1][2].append(text)
                continue
            if blocks and (re.search(_DATE, text) or not re.search(r"[A-Za-zÆØÅæøå]", text)):
                blocks[-1][2].append(text)
                continue
            blocks.append((text.rstrip(":"), line.block.where(), []))
        return blocks

    def _signatures(self, parties: list[dict]) -> list[dict]:
        out = []
        for name, where, extra in self._signature_blocks():
            party = next((p for p in parties if _same_party(p["navn"], name)), None)
            if party is None:
                self.review(
                    "underskrifter",
                    name,
                    where,
                    Text(
                        f"Underskriftsblokken »{name}« svarer ikke til nogen af aftalens parter.",
                        f"The signature block '{name}' matches none of the agreement's parties.",
                    ),
                )
                continue
            block: dict = {"part": party["navn"]}
            if name != party["navn"]:
                block["betegnelse"] = name
            filled = [e for e in extra if _fold(e) not in ("datonavn", "dato", "navn")]
            if filled:
                self.review(
                    f"underskrifter/{party['id']}",
                    "; ".join(filled),
                    where,
                    Text(
                        "Underskriftsblokken har tekst ud over »Dato Navn«; en underskrift registreres med "
                        "»aftale sign --record«, ikke af importen.",
                        "The signature block holds text besides 'Dato Navn'; a signature is recorded with "
                        "'aftale sign --record', not by the import.",
                    ),
                )
            out.append(block)
            self.found(f"underskrifter/{party['id']}", name, where)
        for party in parties:
            if party["underskriver"] and not any(b["part"] == party["navn"] for b in out):
                out.append({"part": party["navn"]})
                if self.layout.segment("underskrifter") is not None:
                    self.missing(
                        f"underskrifter/{party['id']}",
                        Text(
                            f"Der er ingen underskriftsblok for {party['navn']}.",
                            f"There is no signature block for {party['navn']}.",
                        ),
                    )
        if self.layout.segment("underskrifter") is None:
            self.missing(
                "underskrifter",
                Text(
                    "»Underskrifter:« er ikke fundet; der er én underskriftsblok pr. underskrivende part.",
                    "'Underskrifter:' was not found; there is one signature block per signing party.",
                ),
            )
        return out

    def _annex_files(self, segment: _Segment, default: dict) -> dict:
        files_by_type = {b["type"]: b["filer"] for b in default["bilag"]}
        tekst: list[str] = []
        intro = None
        items: list[_Para] = []
        for para in segment.paras:
            if para.cells:
                continue
            if (
                intro is None
                and not para.bullet
                and para.text.endswith(":")
                and "dokument" in para.text.casefold()
            ):
                intro = para.text
            elif intro is not None and (para.bullet or not para.text.endswith(".")):
                items.append(para)
            elif intro is None:
                tekst.append(para.text)
            else:
                items.append(para)
        out: dict = {"overskrift": "Aftaledokumenter", "tekst": tekst}
        if intro:
            out["bilag_indledning"] = intro
        bilag = []
        for para in items:
            text = _strip_bullet(para.text)
            kind = _annex_type(text)
            entry: dict = {"type": kind, "tekst": text}
            ref = re.search(r"(pkt\.\s*\d+|regulativets\s*§\s*\d+)", text)
            if ref:
                entry["henvisning"] = ref[1]
            entry["filer"] = list(files_by_type.get(kind, [])) if kind != "andet" else []
            bilag.append(entry)
        if bilag:
            out["bilag"] = bilag
            self.found("aftaledokumenter/bilag", f"{len(bilag)} bilag", items[0].where)
            unknown = [b["tekst"] for b in bilag if b["type"] == "andet"]
            if unknown:
                self.review(
                    "aftaledokumenter/bilag",
                    "; ".join(unknown),
                    items[0].where,
                    Text(
                        "Disse bilag er ikke nogen af skabelonens typer og er registreret som »andet«, uden fil.",
                        "These annexes are none of the template's types and are recorded as 'andet', without a file.",
                    ),
                )
        else:
            out["bilag"] = default["bilag"]
            self.missing(
                "aftaledokumenter/bilag",
                Text(
                    "Listen over aftaledokumenter er ikke fundet; skabelonens liste er brugt.",
                    "The list of required annexes was not found; the template's list is used.",
                ),
                segment.heading.block.where() if segment.heading else None,
            )
        if not tekst:
            out["tekst"] = default["tekst"]
        return out


def _department_numbers(afdelinger: list[dict]) -> str:
    return ", ".join(f"afd. {a['nummer']}" for a in afdelinger)


def _party_type(name: str) -> tuple[str, bool]:
    """(type, whether the name says so) of a party by the words of its name."""
    n = name.casefold()
    for kind, pattern in (
        ("kommune", r"\bkommune\b"),
        ("politi", r"\bpoliti\b|politikreds"),
        ("region", r"\bregion\b"),
        ("boligorganisation", r"bolig|andels|almen|lejerbo|\bkab\b|\bfsb\b|\bdab\b|\bakb\b|byggeforening"),
        ("uddannelsesinstitution", r"skole|gymnasi|uddannelse|universitet|akademi|college|\bvia\b|\bucn\b"),
        ("fond", r"\bfond\b|fonden\b"),
        ("erhverv", r"\ba/s\b|\baps\b|erhverv|virksomhed"),
    ):
        if re.search(pattern, n):
            return kind, True
    return "andet", False


def _same_party(a: str, b: str) -> bool:
    return _fold(a) == _fold(b)


def _aliases(parties: list[dict], signature_names: list[str]) -> list[tuple[str, dict]]:
    """The ways the text may name each party: its name, the signature page's spelling, and for a name of
    three words or more the name without its last (»Boligselskabet Sct. Jørgen« for »… Sct. Jørgen Viborg«)."""
    out: list[tuple[str, dict]] = []
    for party in parties:
        names = {party["navn"]}
        names |= {s for s in signature_names if _fold(s) == _fold(party["navn"])}
        words = party["navn"].split()
        if len(words) >= 3:
            names.add(" ".join(words[:-1]))
        out += [(n, party) for n in names if not n.startswith(U)]
    return out


def _annex_type(text: str) -> str:
    low = text.casefold()
    for kind, pattern in (
        ("organisationsdiagram", r"organisationsdiagram"),
        ("delaftale", r"delaftale"),
        ("beredskabsplan", r"beredskabsplan"),
        ("milepaelsplan", r"milepælsplan"),
        ("budget", r"budget"),
        ("aktivitetsskema", r"aktivitetsskema"),
        ("centrale_maalinger", r"centralt genererede målinger|centrale målinger"),
        ("kommissorium_bestyrelse", r"kommissorium for bestyrelsen"),
    ):
        if re.search(pattern, low):
            return kind
    return "andet"
