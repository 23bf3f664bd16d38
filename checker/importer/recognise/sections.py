"""The sections that are mostly text: 1 (formål and its points), 3 (description, residents, tenancies),
4, 6 (evaluations), 7 (the finansiering table) and 8–11."""

from __future__ import annotations

import copy
import re
from decimal import Decimal

from checker.findings import Text
from checker.importer.recognise.fields import Notes
from checker.importer.recognise.layout import _heading_title, _Para, _Segment, _subheading
from checker.importer.recognise.wording import (
    _NUMBER_WORDS,
    SECTIONS,
    _all_area_names,
    _fold,
    _number,
    _sentences,
    _strip_bullet,
    _unique,
)
from checker.scaffold import U


class Sections(Notes):
    """Reads sections 1, 3, 4 and 6–11."""

    def _purpose(self, segment: _Segment | None, default: dict) -> dict:
        if segment is None:
            return default
        tekst, intro, points, where = self._bullets(segment.paras)
        out: dict = {"nummer": "1", "overskrift": _heading_title(segment, 1), "tekst": tekst}
        formaal: dict = {}
        if intro:
            formaal["indledning"] = intro
        if points:
            formaal["punkter"] = points
            self.found("formaal", f"{len(points)} punkter", where)
        else:
            formaal["punkter"] = [f"{U}: første formål"]
            self.missing(
                "formaal/punkter",
                Text("Afsnit 1 har ingen punktopstilling af formål.", "Section 1 has no bulleted purposes."),
                segment.heading.block.where() if segment.heading else None,
            )
        out["formaal"] = formaal
        return out

    def _bullets(self, paras: list[_Para]) -> tuple[list[str], str | None, list[str], str | None]:
        """(prose, the line that introduces the list, the points, where the list starts)."""
        tekst: list[str] = []
        intro = None
        points: list[str] = []
        where = None
        for k, para in enumerate(paras):
            if para.cells:
                continue
            if para.bullet:
                points.append(_strip_bullet(para.text))
                where = where or para.where
            elif not points and k + 1 < len(paras) and paras[k + 1].bullet:
                intro = para.text
            else:
                tekst.append(para.text)
        return tekst, intro, points, where

    def _description(self, segment: _Segment | None, default: dict) -> tuple[dict, list[str]]:
        if segment is None:
            return default, []
        out: dict = {"nummer": "3", "overskrift": _heading_title(segment, 3), "tekst": []}
        subsections: list[dict] = []
        together: list[str] = []
        target = out["tekst"]
        paras = segment.paras
        known = {_fold(n) for n in _all_area_names()}
        k = 0
        while k < len(paras):
            para = paras[k]
            k += 1
            if para.text.startswith("Bemærkning fra sekretariatet"):
                k = self._missing_table(paras, k)
                continue
            if para.cells:
                target.append(" | ".join(c for c in para.cells if c))
                continue
            nxt = paras[k] if k < len(paras) else None
            if _subheading(para, nxt, known):
                title = para.text
                if _fold(title) == _fold("Den samlede indsats"):
                    target = together
                else:
                    subsections.append({"overskrift": title, "tekst": []})
                    target = subsections[-1]["tekst"]
                continue
            target.append(para.text)
        if subsections:
            out["underafsnit"] = [s for s in subsections if s["tekst"]] or subsections
            for s in out["underafsnit"]:
                if not s["tekst"]:
                    s["tekst"] = [f"{U}: tekst."]
        residents = None
        for para in paras:
            m = re.search(
                r"(\d[\d.]*)\s+beboere\s+(?:fordelt\s+på|i|og)\s+(\d[\d.]*)\s+(?:lejemål|boliger)", para.text
            )
            if m:
                residents = (int(_number(m[1])), int(_number(m[2])), para.where, m[0])
                break
        if residents:
            out["beboere"], out["lejemaal"] = residents[0], residents[1]
            self.found("beskrivelse/beboere", f"{residents[0]} beboere, {residents[1]} lejemål", residents[2])
        else:
            out["beboere"], out["lejemaal"] = 0, 0
            self.missing(
                "beskrivelse/beboere",
                Text(
                    "Antallet af beboere og lejemål (»Der bor N beboere fordelt på M lejemål«) er ikke fundet; 0 er en pladsholder.",
                    "The number of residents and tenancies ('Der bor N beboere fordelt på M lejemål') was not found; 0 is a placeholder.",
                ),
            )
        if not out["tekst"] and not subsections:
            out["tekst"] = [f"{U}: områdernes udfordringer."]
        self.found(
            "beskrivelse", f"{len(paras)} afsnit", segment.heading.block.where() if segment.heading else None
        )
        return out, together

    def _missing_table(self, paras: list[_Para], k: int) -> int:
        """aftale's own note on missing information: the rows back into manglende_oplysninger."""
        while k < len(paras) and (paras[k].cells or paras[k].text.startswith("Manglende oplysninger")):
            para = paras[k]
            k += 1
            if not para.cells or len([c for c in para.cells if c]) < 2:
                continue
            placering, beskrivelse = [c for c in para.cells if c][:2]
            if placering == "Placering":
                continue
            entry = {"placering": placering, "beskrivelse": beskrivelse}
            m = re.search(r"\n?Bevaret tekst: »(.+)«$", beskrivelse, re.DOTALL)
            if m:
                entry["beskrivelse"] = beskrivelse[: m.start()].strip()
                entry["bevaret_tekst"] = m[1]
            self.missing_info.append(entry)
            self.found("manglende_oplysninger", placering, para.where)
        return k

    def _prose(self, segment: _Segment | None, default: dict, number: int) -> dict:
        if segment is None:
            key = SECTIONS[number][0]
            return (
                {**default, "tekst": [f"{U}: {SECTIONS[number][2].lower()}."]}
                if key != "faelles_maalinger"
                else {
                    **default,
                    "tekst": [f"{U}: fælles tværgående målinger."],
                }
            )
        tekst = [p.text if not p.cells else " | ".join(c for c in p.cells if c) for p in segment.paras]
        out = {"nummer": str(number), "overskrift": _heading_title(segment, number), "tekst": tekst}
        if tekst:
            self.found(SECTIONS[number][0], f"{len(tekst)} afsnit", segment.paras[0].where)
        else:
            out["tekst"] = [f"{U}: {SECTIONS[number][2].lower()}."]
            self.missing(
                SECTIONS[number][0],
                Text(f"Afsnit {number} har ingen tekst.", f"Section {number} has no text."),
                segment.heading.block.where() if segment.heading else None,
            )
        return out

    def _evaluation(self, segment: _Segment | None, default: dict, organisation: dict) -> dict:
        if segment is None:
            return {**default, "tekst": [f"{U}: hvordan indsatsen evalueres."]}
        out = self._prose(segment, default, 6)
        bodies = organisation["organer"]
        evaluations: list[dict] = []
        ids: set[str] = set()
        for para in segment.paras:
            for sentence in _sentences(para.text):
                low = sentence.casefold()
                m = re.search(r"(\d+|en|to|tre|fire)\s+gange?\s+(?:årligt|om året|pr\.\s*år)", low)
                handling = (
                    "orientering"
                    if "orienter" in low
                    else "evaluering"
                    if re.search(r"evaluer|status|analyse", low)
                    else None
                )
                if m and handling:
                    times = int(m[1]) if m[1].isdigit() else _NUMBER_WORDS[m[1]]
                    if re.match(r"^(?:hver styregruppe|styregrupperne)\b", low):
                        organs = [b["id"] for b in bodies if b["type"] == "styregruppe"]
                    else:
                        organ = _organ_in(sentence, bodies)
                        organs = [organ] if organ else []
                    for organ in organs:
                        evaluations.append(
                            {
                                "id": _unique(f"{organ}-{handling}", ids),
                                "organ": organ,
                                "handling": handling,
                                "gange_pr_aar": times,
                                "beskrivelse": sentence,
                            }
                        )
                        self.review(
                            f"lokal_evaluering/{organ}",
                            f"{handling}, {times} gange årligt",
                            para.where,
                            Text(f"Læst af »{sentence}«.", f"Read from '{sentence}'."),
                        )
                if re.search(r"afrapporter\w*.{0,40}(?:lbf|landsbyggefond)", low):
                    organ = _organ_in(sentence, bodies) or (
                        "bestyrelse" if any(b["id"] == "bestyrelse" for b in bodies) else bodies[0]["id"]
                    )
                    evaluations.append(
                        {
                            "id": _unique("lbf-afrapportering", ids),
                            "organ": organ,
                            "handling": "afrapportering_lbf",
                            "gange_pr_aar": 1,
                            "beskrivelse": sentence,
                        }
                    )
                    self.found("lokal_evaluering/afrapportering_lbf", sentence, para.where)
        if not any(e["handling"] == "afrapportering_lbf" for e in evaluations):
            evaluations.append(dict(default["evalueringer"][0]))
            self.review(
                "lokal_evaluering/afrapportering_lbf",
                "1 gang årligt",
                segment.heading.block.where() if segment.heading else None,
                Text(
                    "Afsnit 6 nævner ikke afrapporteringen til Landsbyggefonden; den årlige afrapportering (et krav "
                    "i regulativet) er registreret for bestyrelsen.",
                    "Section 6 does not name the report to Landsbyggefonden; the yearly report (a requirement of "
                    "the regulativ) is recorded for the board.",
                ),
            )
        out["evalueringer"] = evaluations
        return out

    def _resources(self, segment: _Segment | None, default: dict, parties: list[dict]) -> dict:
        out = copy.deepcopy(default)
        if segment is None:
            self.missing(
                "ressourcer/finansiering", Text("Afsnit 7 er ikke fundet.", "Section 7 was not found.")
            )
            return out
        out["overskrift"] = _heading_title(segment, 7)
        tekst: list[str] = []
        found: dict[str, tuple[Decimal, str, str]] = {}
        split: list[dict] = []
        words = " ".join(p.text for p in segment.paras)
        unit_default = (
            "t.kr." if re.search(r"t\.\s?kr", words) else "kr." if re.search(r"\bkr\.", words) else None
        )
        for para in segment.paras:
            if para.cells:
                filled = [c for c in para.cells if c]
                if len(filled) < 2:
                    tekst.append(filled[0]) if filled else None
                    continue
                label, amount_text = filled[0], filled[-1]
            else:
                m = re.search(
                    r"(\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?)\s*((?:t\.\s?kr|kr|mio\.\s*kr)\.?)?\s*$",
                    para.text,
                )
                label = para.text[: m.start()].strip() if m else ""
                if (
                    not m
                    or not re.search(r"landsbyggefond|medfinansiering|samlet|i alt|heraf|total", label, re.I)
                    or len(label) > 80
                ):
                    if re.fullmatch(r"organisation\s+finansiering", para.text, re.IGNORECASE):
                        continue
                    tekst.append(para.text)
                    continue
                amount_text = para.text[m.start() :]
            if re.fullmatch(r"organisation", label, re.IGNORECASE):
                continue
            value, unit = _money(amount_text, label, unit_default)
            if value is None:
                tekst.append(para.text)
                continue
            low = label.casefold()
            if low.startswith("heraf"):
                who = re.sub(r"^heraf\s+", "", label, flags=re.IGNORECASE)
                note = None
                if " – " in who:
                    who, note = who.split(" – ", 1)
                who = re.sub(r"\s*\([^)]*\)\s*$", "", who).strip()
                party = next((p for p in parties if _fold(p["navn"]) == _fold(who)), None)
                if party:
                    entry = {"part": party["id"], "beloeb": value, "_unit": unit, "_where": para.where}
                    if note:
                        entry["bemaerkning"] = note.strip()
                    split.append(entry)
                continue
            key = (
                "landsbyggefonden"
                if "landsbyggefond" in low
                else "lokal_medfinansiering"
                if "medfinansiering" in low or "lokal" in low
                else "samlet"
                if re.search(r"samlet|i alt|total", low)
                else None
            )
            if key and key not in found:
                found[key] = (value, unit, para.where)
        out["tekst"] = tekst
        unstated = [v for v, u, _ in found.values() if not u] + [e["beloeb"] for e in split if not e["_unit"]]
        if unstated:
            # An LBF budget is millions: figures that small are t.kr., as the template writes them.
            unit, factor = ("t.kr.", 1000) if max(unstated) < 100000 else ("kr.", 1)
            found = {k: (v * factor, unit, w) if not u else (v, u, w) for k, (v, u, w) in found.items()}
            for e in split:
                if not e["_unit"]:
                    e["beloeb"] *= factor
            self.review(
                "ressourcer/finansiering/enhed_i_aftalen",
                unit,
                next(iter(found.values()))[2] if found else None,
                Text(
                    f"Finansieringstabellen siger ikke, om beløbene er i kr. eller t.kr.; de er læst som {unit}.",
                    f"The financing table does not say whether the amounts are in kr. or t.kr.; they are read as {unit}.",
                ),
            )
        for e in split:
            del e["_unit"]
            e["beloeb"] = _money_json(e["beloeb"])
            self.found(f"ressourcer/lokal_fordeling/{e['part']}", f"{e['beloeb']} kr.", e.pop("_where"))
        fin = out["finansiering"]
        units = {u for _, u, _ in found.values()}
        if found:
            fin["enhed_i_aftalen"] = "t.kr." if "t.kr." in units else "kr."
        for key in ("landsbyggefonden", "lokal_medfinansiering", "samlet"):
            if key in found:
                fin[key] = _money_json(found[key][0])
                self.found(f"ressourcer/finansiering/{key}", _kr(found[key][0]), found[key][2])
        absent = [k for k in ("landsbyggefonden", "lokal_medfinansiering", "samlet") if k not in found]
        if len(absent) == 1 and len(found) == 2:
            a, b = (found[k][0] for k in found)
            value = a + b if absent[0] == "samlet" else max(a, b) - min(a, b)
            fin[absent[0]] = _money_json(value)
            self.review(
                f"ressourcer/finansiering/{absent[0]}",
                _kr(value),
                next(iter(found.values()))[2],
                Text(
                    "Beløbet står ikke i kilden; det er regnet af de to andre.",
                    "The amount is not in the source; it is computed from the other two.",
                ),
            )
        else:
            for key in absent:
                self.missing(
                    f"ressourcer/finansiering/{key}",
                    Text(
                        "Beløbet er ikke fundet i finansieringstabellen; 0 er en pladsholder.",
                        "The amount was not found in the financing table; 0 is a placeholder.",
                    ),
                )
        if (
            len(found) == 3
            and found["landsbyggefonden"][0] + found["lokal_medfinansiering"][0] != found["samlet"][0]
        ):
            self.review(
                "ressourcer/finansiering/samlet",
                _kr(found["samlet"][0]),
                found["samlet"][2],
                Text(
                    "Landsbyggefonden og den lokale medfinansiering summer ikke til det samlede budget.",
                    "Landsbyggefonden and the local co-financing do not add up to the total.",
                ),
            )
        if split:
            fin["lokal_fordeling"] = split
        return out


def _organ_in(sentence: str, bodies: list[dict]) -> str | None:
    low = sentence.casefold()
    hits = []
    for body in bodies:
        for word in (body["navn"], body["type"]):
            stem = word.casefold()[:9]
            pos = low.find(stem)
            if pos >= 0:
                hits.append((pos, body["id"]))
    return min(hits)[1] if hits else None


def _money(text: str, label: str, unit_default: str | None) -> tuple[Decimal | None, str]:
    m = re.search(r"(\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?)", text)
    if not m:
        return None, ""
    value = _number(m[1])
    if value is None:
        return None, ""
    both = f"{label} {text}".casefold()
    if re.search(r"mio\.?\s*kr", both):
        return value * 1000000, "kr."
    if re.search(r"t\.\s?kr|tkr|1\.000 kr", both) or (
        unit_default == "t.kr." and not re.search(r"\bkr\.", text)
    ):
        return value * 1000, "t.kr."
    if re.search(r"\bkr\b", both) or unit_default == "kr.":
        return value, "kr."
    return value, ""  # the table does not say


def _money_json(value: Decimal) -> int | str:
    return int(value) if value == value.to_integral_value() else f"{value:.2f}"


def _kr(value: Decimal) -> str:
    return f"{_money_json(value)} kr."
