"""Section 5, Indsatsområder: the chosen areas and the rule set their names belong to, each area's formål,
its success criteria from the criteria/datakilde table (rows, or plain lines), baselines per område, and
the schools and institutions named."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from checker.findings import CouldNotRun, Text
from checker.importer.recognise.fields import Notes
from checker.importer.recognise.layout import _heading_title, _Para, _Segment
from checker.importer.recognise.targets import _target
from checker.importer.recognise.wording import (
    _CRITERIA_HEADER,
    _PROMISE,
    _SOURCE_WORDS,
    _fold,
    _json_number,
    _number,
)
from checker.scaffold import U


class AreasOfEffort(Notes):
    """Reads section 5."""

    def _chosen(self) -> list[tuple[str, str, _Segment]]:
        out = []
        for segment in self.layout.sections("s5."):
            number = segment.key[1:]
            name = segment.title.rstrip(":").strip()
            out.append((number, name, segment))
            self.found(f"indsatsomraader/{number}", f"{number} {name}", segment.heading.block.where())
        return out

    def _ruleset(self, chosen: list, first: date):
        from checker import rulesets

        if self.ruleset_id:
            ruleset = rulesets.load(self.ruleset_id)
            if ruleset is None:
                where = rulesets.where_text()
                raise CouldNotRun(
                    Text(
                        f"Regelsættet »{self.ruleset_id}« kendes ikke. Kendte: {', '.join(rulesets.available())}. "
                        f"Regelsæt søges i {where.da}.",
                        f"The rule set '{self.ruleset_id}' is not known. Known: {', '.join(rulesets.available())}. "
                        f"Rule sets are looked for in {where.en}.",
                    )
                )
            self.found(
                "regelsaet", ruleset.id, None, Text("Valgt med --regelsaet.", "Chosen with --regelsaet.")
            )
            self._check_names(chosen, ruleset)
            return ruleset
        scored = []
        for rid in rulesets.available():
            try:
                ruleset = rulesets.load(rid)
            except CouldNotRun:
                continue
            if ruleset is None:
                continue
            names = {_fold(v) for v in ruleset.indsatsomraader.values()}
            score = sum(_fold(name) in names for _, name, _ in chosen)
            scored.append((score, ruleset))
        best = max((s for s, _ in scored), default=0)
        top = [r for s, r in scored if s == best]
        if best and len(top) == 1 and best == len(chosen):
            ruleset = top[0]
            self.found(
                "regelsaet",
                ruleset.id,
                None,
                Text(
                    "Indsatsområdernes navne er regelsættets.",
                    "The names of the intervention areas are the rule set's.",
                ),
            )
            return ruleset
        by_period = "lbf-2015-2018" if first < date(2019, 7, 1) else "lbf-2019-2026"
        ruleset = next((r for r in top if r.id == by_period), None) if best else None
        if ruleset is None:
            ruleset = rulesets.load(by_period) or top[0]
        self.review(
            "regelsaet",
            ruleset.id,
            chosen[0][2].heading.block.where() if chosen and chosen[0][2] and chosen[0][2].heading else None,
            Text(
                f"Regelsættet er valgt efter periodens start ({first.isoformat()}), fordi indsatsområdernes navne "
                "ikke entydigt er ét regelsæts; vælg et andet med --regelsaet.",
                f"The rule set is chosen by the period's start ({first.isoformat()}) because the names of the "
                "intervention areas are not clearly one rule set's; choose another with --regelsaet.",
            ),
        )
        self._check_names(chosen, ruleset)
        return ruleset

    def _check_names(self, chosen: list, ruleset) -> None:
        for number, name, segment in chosen:
            expected = ruleset.indsatsomraader.get(number)
            if expected is None or _fold(expected) != _fold(name):
                self.review(
                    f"indsatsomraader/{number}",
                    f"{number} {name}",
                    segment.heading.block.where() if segment is not None and segment.heading else None,
                    Text(
                        f"Regelsættet {ruleset.id} har {'intet ' + number if expected is None else f'»{number} {expected}«'}.",
                        f"The rule set {ruleset.id} has {'no ' + number if expected is None else f'»{number} {expected}«'}.",
                    ),
                )

    def _areas_of_effort(
        self,
        segment: _Segment | None,
        chosen: list,
        default: dict,
        area_names: list[str],
        period: tuple[date, date],
    ) -> dict:
        out: dict = {"nummer": "5", "overskrift": _heading_title(segment, 5) if segment else "Indsatsområder"}
        out["tekst"] = [p.text for p in segment.paras if not p.cells] if segment else []
        by_number = {a["nummer"]: a for a in default["omraader"]}
        areas = []
        for number, name, sub in chosen:
            base = by_number[number]
            if sub is None:
                self.missing(
                    f"indsatsomraader/{number}",
                    Text(
                        "Ingen indsatsområder er fundet i afsnit 5 (»5.1 …«); regelsættets er brugt som pladsholdere.",
                        "No intervention areas were found in section 5 ('5.1 …'); the rule set's are placeholders.",
                    ),
                )
                areas.append(base)
                continue
            areas.append(self._area_of_effort(number, name, sub, base, area_names, period))
        out["omraader"] = areas
        return out

    def _area_of_effort(
        self,
        number: str,
        name: str,
        segment: _Segment,
        base: dict,
        area_names: list[str],
        period: tuple[date, date],
    ) -> dict:
        paras = segment.paras
        # the purpose: after »Formål:«, up to the criteria
        start = next(
            (k for k, p in enumerate(paras) if _CRITERIA_HEADER.search(p.text) and len(p.text) < 120), None
        )
        purpose_paras = paras[:start] if start is not None else [p for p in paras if not p.cells]
        first_row = next((k for k, p in enumerate(paras) if p.cells), None)
        if start is None and first_row is not None:
            purpose_paras = paras[:first_row]
            start = first_row
        purpose_paras = [p for p in purpose_paras if not re.fullmatch(r"formål\s*:?", p.text, re.IGNORECASE)]
        tekst, intro, points, where = self._bullets(purpose_paras)
        area: dict = {"nummer": number, "navn": name}
        formaal: dict = {}
        if intro:
            formaal["indledning"] = intro
        elif tekst and points and re.match(r"^Formålet\b", tekst[0]):
            formaal["indledning"] = tekst.pop(0)
        if points:
            formaal["punkter"] = points
            self.found(f"indsatsomraader/{number}/formaal", f"{len(points)} punkter", where)
        elif tekst:
            formaal["punkter"] = tekst
            tekst = []
            self.review(
                f"indsatsomraader/{number}/formaal",
                formaal["punkter"][0],
                purpose_paras[0].where if purpose_paras else None,
                Text(
                    "Formålet står som brødtekst, ikke som punkter; hvert afsnit er et punkt.",
                    "The purpose is prose, not bullets; each paragraph is one point.",
                ),
            )
        else:
            formaal["punkter"] = [f"{U}: indsatsområdets formål"]
            self.missing(
                f"indsatsomraader/{number}/formaal",
                Text(f"Formålet for {number} er ikke fundet.", f"The purpose of {number} was not found."),
                segment.heading.block.where(),
            )
        area["formaal"] = formaal
        intro_text: list[str] = list(tekst)
        criteria, institutions, more_intro = self._criteria(
            number, paras[start:] if start is not None else [], area_names, period
        )
        intro_text += more_intro
        if criteria:
            area["succeskriterier"] = criteria
        else:
            area["succeskriterier"] = base["succeskriterier"]
            self.missing(
                f"indsatsomraader/{number}/succeskriterier",
                Text(
                    f"Ingen succeskriterier er fundet under {number}; der står en pladsholder.",
                    f"No success criteria were found under {number}; there is a placeholder.",
                ),
                segment.heading.block.where(),
            )
        area["delaftale"] = base["delaftale"]
        if intro_text:
            area["kriterier_indledning"] = " ".join(intro_text)
        if institutions:
            area["institutioner"] = institutions
        return area

    def _criteria(
        self, number: str, paras: list[_Para], area_names: list[str], period: tuple[date, date]
    ) -> tuple[list[dict], list[dict], list[str]]:
        """The criteria table read as rows (a Word table) or as plain lines (a PDF made from text)."""
        crit: list[dict] = []
        institutions: list[dict] = []
        intro: list[str] = []
        pending: list[dict] = []  # criteria still without a data source (they share the next one)
        group: list[dict] = []  # the criteria the last data source went to
        state = "start"
        columns: dict[str, int] = {}
        institution_label = None
        k = 0
        while k < len(paras):
            para = paras[k]
            k += 1
            if para.cells:
                cells = para.cells
                filled = [c for c in cells if c]
                head = [_fold(c) for c in cells]
                if any("succeskriteri" in h or "opstilledemaalinger" in h for h in head):
                    columns = _criteria_columns(cells)
                    continue
                if head[:1] == ["institution"]:
                    continue
                if len(filled) == 1 and filled[0].lower().startswith("datakilde"):
                    text = re.sub(r"^datakilde\s*:\s*", "", filled[0], flags=re.IGNORECASE)
                    for c in pending:
                        c["_datakilde"].append((text, para))
                    pending = []
                    continue
                if len(cells) >= 4 and institution_label is not None:
                    entry = _institution_row(cells, para)
                    owner = _criterion_for(entry["navn"], crit) if institution_label else None
                    if owner is not None:
                        owner.setdefault("_institutioner", []).append(entry)
                        owner["_titel"] = institution_label
                    else:
                        institutions.append(entry)
                    self.found("institutioner", entry["navn"], para.where)
                    continue
                if columns or len(filled) >= 2:
                    c = self._criterion_from_row(cells, columns, para, area_names)
                    crit.append(c)
                    pending = [] if c["_datakilde"] else [c]
                continue
            text = para.text
            if _CRITERIA_HEADER.search(text) and len(text) < 120:
                state = "criteria"
                continue
            if re.fullmatch(r"datakilde\s*:?", text, re.IGNORECASE):
                continue
            if text.startswith(("Skoler og institutioner i målingen", "Udvalgte samarbejdsinstitutioner")):
                m = re.search(r"»(.+)«", text)
                institution_label = m[1] if m else ""
                continue
            baseline = _baseline_line(text, area_names)
            if baseline and crit:
                crit[-1]["_baseline_lines"].append((baseline, text, para))
                continue
            if re.match(r"^For\s+[^:]{3,80}:", text):
                inst, k = self._institutions(text, para, paras, k, area_names)
                if inst:
                    institutions.extend(inst)
                    continue
            if re.match(r"^(?:Baseline|Udgangspunkt|Nulpunkt\w*)\s*:", text, re.IGNORECASE) and crit:
                target = "_tekst" if state == "criterion" else "_datakilde"
                crit[-1][target].append((text, para))
                crit[-1]["_baseline_text"].append((text, para))
                continue
            if _PROMISE.search(text) and (not _SOURCE_WORDS.search(text) or re.search(r"\d", text)):
                c = _new_criterion(text, para)
                crit.append(c)
                pending.append(c)  # »rød«, »gul«, »grøn« may share the data source that follows them
                state = "criterion"
                continue
            if not crit:
                intro.append(text)
                continue
            group = pending or (group if state == "datakilde" and group else [crit[-1]])
            for c in group:
                c["_datakilde"].append((text, para))
            pending = []
            state = "datakilde"
        criteria = [
            self._finish_criterion(number, i, c, area_names, period) for i, c in enumerate(crit, start=1)
        ]
        return criteria, institutions, intro

    def _institutions(
        self, text: str, para: _Para, paras: list[_Para], k: int, area_names: list[str]
    ) -> tuple[list[dict], int]:
        """»For Ellekonebakken: Dalens institutioner, ca. 75 % af indskrevne børn kommer fra …« and the
        list form »For A og B: 3 institutioner, X, Y, Z« followed by »Ca. 30 % af indskrevne børn i hver …«."""
        m = re.match(r"^For\s+(?P<areas>[^:]+):\s*(?P<rest>.+)$", text)
        if not m:
            return [], k
        areas = [a for a in area_names if re.search(rf"\b{re.escape(a)}\b", m["areas"])]
        rest = m["rest"]
        one = re.match(
            r"^(?P<navn>[^,]+),\s*(?P<ca>ca\.\s*)?(?P<pct>\d+(?:[.,]\d+)?)\s*%\s*af\s+indskrevne\s+børn",
            rest,
            re.IGNORECASE,
        )
        if one:
            entry = _institution(one["navn"].strip(), areas, one["pct"], bool(one["ca"]), text)
            self.review(
                "institutioner",
                entry["navn"],
                para.where,
                Text(
                    f"Institutionen og dens andel er læst af »{text}«.",
                    f"The institution and its share are read from '{text}'.",
                ),
            )
            return [entry], k
        many = re.match(r"^(?P<n>\d+)\s+institutioner,?\s*(?P<names>.*)$", rest)
        if not many:
            return [], k
        names = [n.strip() for n in re.split(r",\s*|\s+og\s+", many["names"]) if n.strip()]
        while (
            k < len(paras)
            and not paras[k].cells
            and len(paras[k].text) <= 40
            and not re.search(r"\d|%", paras[k].text)
        ):
            names += [n.strip() for n in re.split(r",\s*", paras[k].text) if n.strip()]
            k += 1
        share = None
        if k < len(paras) and (
            s := re.match(
                r"^(?P<ca>ca\.\s*)?(?P<pct>\d+(?:[.,]\d+)?)\s*%\s*af\s+indskrevne\s+børn",
                paras[k].text,
                re.IGNORECASE,
            )
        ):
            share = (s["pct"], bool(s["ca"]), paras[k].text)
            k += 1
        out = []
        for name in names:
            entry = _institution(
                name,
                areas,
                share[0] if share else None,
                share[1] if share else False,
                share[2] if share else text,
                kind="daginstitution",
            )
            out.append(entry)
        if out:
            self.review(
                "institutioner",
                ", ".join(e["navn"] for e in out),
                para.where,
                Text(
                    f"{len(out)} institutioner er læst af en liste (»{text}«); kontrollér navne og andele.",
                    f"{len(out)} institutions are read from a list ('{text}'); check names and shares.",
                ),
            )
        return out, k

    def _criterion_from_row(
        self, cells: tuple[str, ...], columns: dict[str, int], para: _Para, area_names: list[str]
    ) -> dict:
        col = columns or {"tekst": 0, "datakilde": 1}
        text_cell = cells[col["tekst"]] if col.get("tekst", 0) < len(cells) else ""
        lines = [ln.strip() for ln in text_cell.split("\n") if ln.strip()]
        tekst_lines = [ln for ln in lines if not _baseline_line(ln, area_names)]
        c = _new_criterion(" ".join(tekst_lines), para)
        for ln in lines:
            b = _baseline_line(ln, area_names)
            if b:
                c["_baseline_lines"].append((b, ln, para))
        if "baseline" in col and col["baseline"] < len(cells):
            c["_baseline_cell"] = (cells[col["baseline"]], para)
        if "datakilde" in col and col["datakilde"] < len(cells) and cells[col["datakilde"]]:
            text = re.sub(r"^datakilde\s*:\s*", "", cells[col["datakilde"]], flags=re.IGNORECASE)
            c["_datakilde"].append((" ".join(text.split()), para))
        if "maal" in col and col["maal"] < len(cells):
            c["_maal_tekst"] = cells[col["maal"]]
        return c

    def _finish_criterion(
        self, number: str, index: int, c: dict, area_names: list[str], period: tuple[date, date]
    ) -> dict:
        tekst = " ".join(t for t, _ in c["_tekst"])
        where = c["_para"].where
        name = f"indsatsomraader/{number}/succeskriterier/{index}"
        out: dict = {
            "id": f"{number}-kriterium-{index}",
            "titel": c.get("_titel") or _title(tekst),
            "tekst": tekst,
        }
        out["maales"] = f"{U}: hvad der måles"
        baseline, unit_hint = self._criterion_baseline(c, area_names, name)
        unit = _unit(tekst, unit_hint)
        out["enhed"] = unit
        out["baseline"] = baseline
        maal, question = _target(tekst, period, self.name, where, c.get("_maal_tekst"))
        out["maal"] = maal
        if c["_datakilde"]:
            out["datakilde"] = {"tekst": " ".join(t for t, _ in c["_datakilde"])}
        else:
            out["datakilde"] = {"tekst": f"{U}: datakilde."}
            self.missing(
                f"{name}/datakilde",
                Text(
                    "Kriteriet har ingen datakilde i kilden.",
                    "The criterion has no data source in the source.",
                ),
                where,
            )
        if c.get("_institutioner"):
            out["institutioner"] = c["_institutioner"]
        if question:
            out["aabent_spoergsmaal"] = question
        self.found(name, tekst, where)
        self.review(
            f"{name}/maal",
            maal["type"],
            where,
            Text(
                "Målet er læst af ordlyden og skal bekræftes: " + question["spoergsmaal"]
                if question
                else "Målet er læst af ordlyden og skal bekræftes.",
                "The target is read from the wording and must be confirmed.",
            ),
        )
        return out

    def _criterion_baseline(self, c: dict, area_names: list[str], name: str) -> tuple[dict, str | None]:
        where = c["_para"].where
        lines = c["_baseline_lines"]
        unit_hint = None
        if lines:
            per_area: dict[str, int | float] = {}
            per_category: dict[str, int | float] = {}
            years = set()
            for (label, year, value, percent), _text, _para in lines:
                (per_area if label in area_names else per_category)[label] = _json_number(value)
                if year:
                    years.add(year)
                unit_hint = unit_hint or ("procent" if percent else None)
            tidspunkt = years.pop() if len(years) == 1 else None
            cell = c.get("_baseline_cell")
            if tidspunkt is None and cell:
                tidspunkt = cell[0].split("\n")[0].strip()
            baseline: dict = {"tidspunkt": tidspunkt or f"{U}: tidspunkt"}
            if per_area:
                baseline["per_omraade"] = per_area
            else:
                baseline["per_kategori"] = per_category
            if "_baseline_cell" not in c:
                baseline["kildetekst"] = " ".join(t for _, t, _ in lines)
            self.found(
                f"{name}/baseline",
                ", ".join(f"{k}: {v}" for k, v in (per_area or per_category).items()),
                lines[0][2].where,
            )
            return baseline, unit_hint
        cell = c.get("_baseline_cell")
        if cell:
            return self._baseline_cell(cell[0], cell[1], area_names, name)
        for text, para in c["_baseline_text"]:
            values = re.findall(r"(\d+(?:[.,]\d+)?)\s*%", text)
            year = re.findall(r"\b(?:19|20)\d{2}(?:\s*[-–]\s*(?:19|20)\d{2})?\b", text)
            if len(values) == 1:
                baseline = {
                    "tidspunkt": year[0].replace(" ", "") if year else f"{U}: tidspunkt",
                    "vaerdi": _json_number(_number(values[0])),
                    "kildetekst": text,
                }
                self.review(
                    f"{name}/baseline",
                    f"{values[0]} %",
                    para.where,
                    Text(f"Baseline er læst af »{text}«.", f"The baseline is read from '{text}'."),
                )
                return baseline, "procent"
            parts = [
                p
                for p in re.split(r",\s*", re.sub(r"^(?:Baseline|Udgangspunkt)\s*:\s*", "", text, flags=re.I))
                if re.search(r"\d+(?:[.,]\d+)?\s*%", p)
            ]
            if len(values) > 1 and len(parts) == len(values):
                per_category = {}
                for p in parts:
                    v = re.search(r"(\d+(?:[.,]\d+)?)\s*%\s*(.+?)\.?$", p.strip())
                    if v:
                        label = re.split(r"\.\s", v[2])[0].strip()
                        per_category[label] = _json_number(_number(v[1]))
                if len(per_category) == len(values):
                    later = [y for y in year if y]
                    baseline = {
                        "tidspunkt": later[-1] if later else f"{U}: tidspunkt",
                        "per_kategori": per_category,
                        "kildetekst": text,
                    }
                    self.review(
                        f"{name}/baseline",
                        ", ".join(f"{k}: {v} %" for k, v in per_category.items()),
                        para.where,
                        Text(
                            f"Baseline er læst af »{text}« som en værdi pr. kategori; kontrollér kategorierne.",
                            f"The baseline is read from '{text}' as one value per category; check the categories.",
                        ),
                    )
                    return baseline, "procent"
        self.missing(
            f"{name}/baseline",
            Text("Kriteriets baseline er ikke fundet.", "The criterion's baseline was not found."),
            where,
        )
        return {
            "tidspunkt": f"{U}: tidspunkt",
            "foreligger_ikke": f"{U}: baseline – aftalens tekst angiver ingen for kriteriet.",
        }, None

    def _baseline_cell(
        self, cell: str, para: _Para, area_names: list[str], name: str
    ) -> tuple[dict, str | None]:
        """aftale's own Baseline column: the time on the first line, then »Navn: værdi« lines, one value,
        or the reason there is none."""
        lines = [ln.strip() for ln in cell.split("\n") if ln.strip()]
        tidspunkt = lines[0] if lines else f"{U}: tidspunkt"
        rest = lines[1:]
        pairs = [re.match(r"^(.+?):\s*(-?[\d.,]+)\s*(%?)$", ln) for ln in rest]
        if rest and all(pairs):
            values = {p[1]: _json_number(_number(p[2])) for p in pairs}
            key = "per_omraade" if all(k in area_names for k in values) else "per_kategori"
            self.found(f"{name}/baseline", ", ".join(rest), para.where)
            return {"tidspunkt": tidspunkt, key: values}, "procent" if any(p[3] for p in pairs) else None
        if (
            len(rest) == 1
            and (v := re.fullmatch(r"(-?[\d.,]+)\s*(%?)", rest[0]))
            and _number(v[1]) is not None
        ):
            self.found(f"{name}/baseline", rest[0], para.where)
            return {"tidspunkt": tidspunkt, "vaerdi": _json_number(_number(v[1]))}, "procent" if v[
                2
            ] else None
        if rest:
            self.found(f"{name}/baseline", " ".join(rest), para.where)
            return {"tidspunkt": tidspunkt, "foreligger_ikke": " ".join(rest)}, None
        self.missing(
            f"{name}/baseline",
            Text("Kriteriets baseline er ikke fundet.", "The criterion's baseline was not found."),
            para.where,
        )
        return {"tidspunkt": f"{U}: tidspunkt", "foreligger_ikke": f"{U}: baseline"}, None


def _criteria_columns(cells: tuple[str, ...]) -> dict[str, int]:
    out: dict[str, int] = {}
    for k, cell in enumerate(cells):
        low = cell.casefold()
        if ("succeskriteri" in low or "målinger" in low) and "tekst" not in out:
            out["tekst"] = k
        elif "datakilde" in low:
            out["datakilde"] = k
        elif "baseline" in low or "udgangspunkt" in low:
            out["baseline"] = k
        elif low.strip(": ") in ("mål", "målsætning", "mål for perioden"):
            out["maal"] = k
    out.setdefault("tekst", 0)
    return out


_BASELINE_LINE = re.compile(
    r"^(?P<label>[A-ZÆØÅ][\w .æøåÆØÅ-]*?)[,\s]*(?:(?P<year>(?:19|20)\d{2})\s*)?:\s*(?P<value>-?\d[\d.,]*(?:\s\d+)?)\s*(?P<pct>%?)\s*$"
)


def _baseline_line(text: str, area_names: list[str]) -> tuple[str, str | None, Decimal, bool] | None:
    """»Egeparken 2015: 26,8 %«, »Ellekonebakken, 2015: 32« -> (area, year, value, is a percentage)."""
    m = _BASELINE_LINE.match(text.strip())
    if not m:
        return None
    label = m["label"].strip(" ,")
    if label not in area_names and m["year"] is None:
        return None
    value = _number(m["value"].replace(" ", ""))
    if value is None:
        return None
    return label, m["year"], value, bool(m["pct"])


def _new_criterion(text: str, para: _Para) -> dict:
    return {
        "_para": para,
        "_tekst": [(text, para)],
        "_datakilde": [],
        "_baseline_lines": [],
        "_baseline_text": [],
    }


def _institution(
    name: str, areas: list[str], pct: str | None, about: bool, source: str, kind: str | None = None
) -> dict:
    entry: dict = {"navn": name}
    low = name.casefold()
    entry["type"] = kind or (
        "skole"
        if "skole" in low
        else "daginstitution"
        if re.search(r"institution|børnehus|børnehave|vuggestue|dagtilbud|fritid", low)
        else "andet"
    )
    if areas:
        entry["omraader"] = areas
    if pct is not None and (value := _number(pct)) is not None and 0 <= value <= 100:
        share: dict = {"procent": _json_number(value)}
        if about:
            share["cirka"] = True
        entry["andel_boern_fra_omraaderne"] = share
    entry["kildetekst"] = source
    return entry


def _criterion_for(name: str, criteria: list[dict]) -> dict | None:
    """The criterion whose wording or data source names an institution (aftale's own table »Skoler og
    institutioner i målingen »…««); the last one if none does."""
    for c in criteria:
        words = " ".join(t for t, _ in c["_tekst"] + c["_datakilde"])
        if name.casefold() in words.casefold():
            return c
    return criteria[-1] if criteria else None


def _institution_row(cells: tuple[str, ...], para: _Para) -> dict:
    name, kind, areas, share = (list(cells) + ["", "", "", ""])[:4]
    entry: dict = {"navn": name}
    entry["type"] = {"skole": "skole", "daginstitution": "daginstitution"}.get(kind.casefold(), "andet")
    if areas and areas != "–":
        entry["omraader"] = [a.strip() for a in areas.split(",") if a.strip()]
    m = re.match(r"^(ca\.\s*)?(\d+(?:[.,]\d+)?)\s*(?:[–-]\s*(\d+(?:[.,]\d+)?))?\s*%$", share.strip())
    if m:
        if m[3]:
            value: dict = {
                "fra_procent": _json_number(_number(m[2])),
                "til_procent": _json_number(_number(m[3])),
            }
        else:
            value = {"procent": _json_number(_number(m[2]))}
        if m[1]:
            value["cirka"] = True
        entry["andel_boern_fra_omraaderne"] = value
    return entry


def _title(text: str) -> str:
    words = text.split()
    return " ".join(words[:8]) + (" …" if len(words) > 8 else "") if words else f"{U}: kort titel"


def _unit(text: str, hint: str | None) -> str:
    low = text.casefold()
    if hint:
        return hint
    if re.search(
        r"\bandel\w*|procent\w*|\d\s*%\s*(?:i|ved|af)?\s*(?:skoleåret|\d{4})|til\s+(?:minimum|mindst|højst)\s+\d+(?:[.,]\d+)?\s*%",
        low,
    ):
        return "procent"
    return "antal"
