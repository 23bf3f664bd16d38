"""A success criterion's target read from its wording, in its most literal reading and with the open
question that says the reading is the import's; a placeholder target where the wording settles none."""

from __future__ import annotations

import re
from datetime import date

from checker.importer.recognise.wording import _date, _json_number, _number
from checker.scaffold import U


def _target(
    text: str, period: tuple[date, date], source: str, where: str, stated: str | None = None
) -> tuple[dict, dict]:
    """The target in its most literal reading, with the open question that it came from the import; a
    placeholder target when the wording gives none the import can read. ``stated`` is a target column
    of the table (aftale's own documents write »mindst 86 % ved udgangen af projektår 2 (31.8.2024) og …«)."""
    from checker.context import project_years

    first, last = period
    low = text.casefold()
    fall = re.search(
        r"\b(faldet|falde[rt]?|reducere[st]?|reduceret|nedbring\w*|mindske[st]?|færre|lavere|mindre|halvere[st]?)\b",
        low,
    )
    rise = re.search(
        r"\b(steget|stige[rt]?|øge[st]?|øget|forøge[st]?|flere|højere|større|bedre|forbedre[st]?)\b", low
    )
    direction = "fald" if fall and (not rise or fall.start() < rise.start()) else "stigning" if rise else None
    place = f"{source}, {where}"

    def question(reading: str, readings: list[str] | None = None) -> dict:
        q = {
            "spoergsmaal": (
                f"Importeret fra {place}: målet er læst som {reading}. Læsningen er importens, ikke parternes; "
                "bekræft eller ret den."
            ),
            "status": "aaben",
        }
        if readings:
            q["laesninger"] = readings
        return q

    dated = _dated_target(stated, direction) if stated else None
    if dated is not None:
        return dated, question(stated.split(" – læst som")[0].strip())
    end = {"dato": last.isoformat(), "betegnelse": "Ved periodens udgang"}
    when = re.search(r"pr\.\s*(\d{1,2}\.\d{1,2}\.\d{4})", text)
    if when and (d := _date(when[1])) and first <= d <= last:
        end = {"dato": d.isoformat(), "betegnelse": f"Opgørelsen pr. {when[1]}"}
    yearly = re.search(
        r"med\s+(\d+(?:[.,]\d+)?)\s*%\s*(?:af\s+[\w-]+\s+)?(?:pr\.\s*år|om året|årligt|hvert år)", low
    )
    if yearly and direction:
        pct = _json_number(_number(yearly[1]))
        lineaer = bool(re.search(r"af\s+(?:\d{4}-niveauet|baseline|niveauet ved start)", low))
        maal: dict = {"type": "aarlig_aendring", "retning": direction, "procent_pr_aar": pct}
        maal["beregning"] = "lineaer" if lineaer else "sammensat"
        if re.search(r"ikke overstige|højst .*niveau", low):
            maal["loft_ved_baseline"] = True
        if "hvor det er muligt" in low:
            maal["hvor_muligt"] = True
        maal["kontrolpunkter"] = [
            {"dato": b.isoformat(), "betegnelse": f"Udgangen af projektår {k}", "aar": k}
            for k, (_a, b) in enumerate(project_years(first, last), start=1)
        ]
        how = (
            "hvert år af niveauet ved start (lineært)"
            if lineaer
            else "hvert år af det foregående års niveau (sammensat)"
        )
        mark = " (målet her er beregnet efter denne læsning)."
        return maal, question(
            f"{direction} på {yearly[1]} % pr. år, {how}",
            [
                "Sammensat: hvert år N % af det foregående års niveau" + ("." if lineaer else mark),
                "Lineært: hvert år N % af niveauet ved start" + (mark if lineaer else "."),
            ],
        )
    points = re.findall(r"med\s+(\d+(?:[.,]\d+)?)\s*procentpoint", low)
    if len(points) == 1 and direction:
        return {
            "type": "procentpoint_aendring",
            "retning": direction,
            "kontrolpunkter": [{**end, "procentpoint": _json_number(_number(points[0]))}],
        }, question(f"{direction} på {points[0]} procentpoint ({end['betegnelse'].lower()})")
    threshold = re.findall(r"(minimum|mindst|højst|maksimalt)\s+(\d+(?:[.,]\d+)?)", low)
    if len(threshold) == 1:
        kind, value = threshold[0]
        most = kind in ("højst", "maksimalt")
        return {
            "type": "taerskel",
            "retning": "hoejst" if most else "mindst",
            "kontrolpunkter": [{**end, "vaerdi": _json_number(_number(value))}],
        }, question(f"{'højst' if most else 'mindst'} {value} ({end['betegnelse'].lower()})")
    relative = re.findall(r"med\s+(\d+(?:[.,]\d+)?)\s*%(?!\s*point)", low)
    several_years = re.search(r"\b(?:19|20)\d{2}\b.*\bog\b.*\b(?:19|20)\d{2}\b", low)
    if len(relative) == 1 and direction and not several_years:
        return {
            "type": "relativ_aendring",
            "retning": direction,
            "kontrolpunkter": [{**end, "procent": _json_number(_number(relative[0]))}],
        }, question(
            f"{direction} på {relative[0]} % af baseline ({end['betegnelse'].lower()})",
            [
                f"Relativt: {relative[0]} % af baseline (målet her er beregnet efter denne læsning).",
                f"Procentpoint: {relative[0]} procentpoint.",
            ],
        )
    if (
        direction
        and not re.search(r"\d+(?:[.,]\d+)?\s*%", low)
        and re.search(r"\b(større|højere|bedre|mindre|lavere|færre|flere)\b", low)
    ):
        return {"type": "bedre_end_baseline", "retning": direction, "kontrolpunkter": [end]}, question(
            f"{'højere' if direction == 'stigning' else 'lavere'} end baseline ({end['betegnelse'].lower()})"
        )
    maal = {"type": "bedre_end_baseline", "retning": direction or "stigning", "kontrolpunkter": [end]}
    return maal, {
        "spoergsmaal": (
            f"{U}: målet kunne ikke læses af ordlyden (importeret fra {place}); målet her er en pladsholder "
            "(»bedre end baseline ved periodens udgang«). Skriv det mål, parterne har aftalt."
        ),
        "status": "aaben",
    }


_DATED = re.compile(
    r"(?P<sign>[+−-])?\s*(?:(?P<kw>mindst|højst)\s+)?(?P<num>\d+(?:[.,]\d+)?)\s*(?P<unit>procentpoint|%)?"
    r"(?P<label>[^();]*?)\s*(?:\((?P<d1>\d{1,2}\.\d{1,2}\.\d{4})\)|\bpr\.\s*(?P<d2>\d{1,2}\.\d{1,2}\.\d{4}))"
)


def _dated_target(stated: str, direction: str | None) -> dict | None:
    """A target with its checkpoints' dates written out: »+4 procentpoint i skoleåret 2023/24 (30.6.2024)
    og +8 procentpoint i skoleåret 2025/26 (30.6.2026)«; None unless every checkpoint is of one kind."""
    text = stated.split(" – læst som")[0]
    if re.search(r"pr\.\s*år", text):
        return None
    points = []
    kinds = set()
    for m in _DATED.finditer(text):
        d = _date(m["d1"] or m["d2"])
        value = _number(m["num"])
        if d is None or value is None:
            continue
        if m["kw"]:
            kind = ("taerskel", "hoejst" if m["kw"] == "højst" else "mindst", "vaerdi")
        elif m["unit"] == "procentpoint" and (m["sign"] or direction):
            kind = (
                "procentpoint_aendring",
                "stigning" if m["sign"] == "+" else "fald" if m["sign"] else direction,
                "procentpoint",
            )
        elif m["unit"] == "%" and (m["sign"] or direction):
            kind = (
                "relativ_aendring",
                "stigning" if m["sign"] == "+" else "fald" if m["sign"] else direction,
                "procent",
            )
        else:
            return None
        kinds.add(kind)
        label = m["label"].strip(" ,")
        if label.startswith("fra ") and " ved " in label:  # »fra niveauet ved opstart … ved periodens udgang«
            label = label[label.rindex(" ved ") + 1 :]
        label = re.sub(r"^fra\s+[\w-]+-niveauet\s*", "", label)
        label = re.sub(r"^(?:ved|i)\s+", "", label)
        if m["d2"]:
            label = f"{label} pr. {m['d2']}".strip()
        label = label[:1].upper() + label[1:] if label else d.isoformat()
        points.append({"dato": d.isoformat(), "betegnelse": label, kind[2]: _json_number(value)})
    if not points or len(kinds) != 1:
        return None
    kind, retning, _ = kinds.pop()
    return {"type": kind, "retning": retning, "kontrolpunkter": points}
