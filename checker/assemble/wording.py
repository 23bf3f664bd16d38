"""The Danish wording of a success criterion's target, in words and figures, for the documents:

    taerskel               "mindst 80 % i skoleåret 2020-2021"
    loft                   "højst 2015-niveauet ved udgangen af projektår 4 (31.3.2021)"
    aarlig_aendring        "højst 2015-niveauet og −5 % pr. år fra 2015-niveauet (sammensat), hvor det
                            er muligt; opgøres 31.3.2018, 31.3.2019, 31.3.2020 og 31.3.2021"
    relativ_aendring       "+5 % i 2018 og +10 % i 2020, begge regnet fra niveauet ved projektets start"
    procentpoint_aendring  "+10 procentpoint fra 2016-niveauet senest 31. marts 2021 (dvs. mindst 56 %)"
    bedre_end_baseline     "højere end 2016-niveauet ved tilfredshedsundersøgelsen 2020"

The words follow the reading the dossier records (the target's type, ``beregning``, ``kategorier``).
Where the criterion has an open question (``aabent_spoergsmaal.status`` is ``aaben``), the text ends
by naming that reading and "læsning ikke afklaret", so nobody signs a reading as if it were settled.

Where the baseline is one known value, the target's figure is added ("dvs. mindst 56 %"), computed by
the follow-up's target engine (checker.followup.targets), never here. This module depends only on the
Danish formatting (fmt) at import time, so the follow-up may reuse it.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from checker.assemble.fmt import dato, join_og, kort_dato, pct, tal
from checker.followup.targets import reading

MINUS = "\u2212"  # a real minus sign, as in "−5 % pr. år"
SIGN = {"fald": MINUS, "stigning": "+"}
# Words that start a time or baseline phrase of their own ("ved projektets start", "pr. 31.12.2020").
PREPOSITIONS = {
    "i",
    "ved",
    "pr.",
    "per",
    "senest",
    "inden",
    "efter",
    "før",
    "fra",
    "til",
    "med",
    "om",
    "under",
    "primo",
    "medio",
    "ultimo",
}
MONTHS = {
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
}
_YEAR = re.compile(r"\d{4}")
_YEARS = re.compile(r"\d{4}\s*[-–/]\s*\d{2,4}")


def lower_first(text: str) -> str:
    """Lower-case the first letter of a word starting a phrase: "Skoleåret 2020" -> "skoleåret 2020"; "TOPI" stays."""
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def value_text(value: Any, enhed: str) -> str:
    """26.8 -> "26,8 %" for a percentage, 3220 -> "3.220" for a count."""
    return pct(value) if enhed == "procent" else tal(value)


def time_phrase(name: str) -> str:
    """A named time with the preposition Danish puts before it: "2018" -> "i 2018", "Skoleåret
    2020-2021" -> "i skoleåret 2020-2021", "Udgangen af projektår 1" -> "ved udgangen af projektår 1",
    "pr. 31.12.2020" as written."""
    name = name.strip()
    first = name.split(" ", 1)[0].casefold()
    if _YEAR.fullmatch(name) or _YEARS.fullmatch(name):
        return f"i {name}"
    if first in PREPOSITIONS:
        return lower_first(name)
    if first.endswith(("år", "året")) or first in MONTHS:  # skoleåret, projektår 2, august 2022
        return f"i {lower_first(name)}"
    return f"ved {lower_first(name)}"  # a definite noun: "ved tilfredshedsundersøgelsen 2020"


def baseline_phrase(baseline: dict) -> str:
    """What the target is measured from: "2015-niveauet", "niveauet i 2015-2017", "niveauet ved
    projektets start", "niveauet ved afdelingsmøderne i september 2022"; "baseline" for a baseline not
    yet measured whose time says nothing a reader can use ("ikke angivet")."""
    when = str(baseline.get("tidspunkt", "")).strip()
    if _YEAR.fullmatch(when):
        return f"{when}-niveauet"
    first = when.split(" ", 1)[0].casefold() if when else ""
    usable = _YEARS.fullmatch(when) or first in PREPOSITIONS | MONTHS or first.endswith(("år", "året"))
    if not when or ("foreligger_ikke" in baseline and not usable):
        return "baseline"
    return f"niveauet {time_phrase(when)}"


def checkpoint_phrase(kp: dict) -> str:
    """When a checkpoint falls, as the end of a sentence: "i 2018", "i skoleåret 2020-2021", "ved
    udgangen af projektår 1 (31.3.2018)", "senest 31. marts 2021". The date is added in figures
    unless the checkpoint's own name already gives its year."""
    day = _date(kp["dato"])
    name = str(kp.get("betegnelse", "")).strip()
    if not name:
        return f"senest {dato(day)}"
    phrase = time_phrase(name)
    if str(day.year) not in name:
        phrase += f" ({kort_dato(day)})"
    return phrase


def _dates(kps: list[dict]) -> str:
    return join_og([kort_dato(_date(kp["dato"])) for kp in kps])


def _when(kps: list[dict]) -> str:
    """The time of a target: " i 2020" for one checkpoint; "; opgøres 31.3.2018, … og 31.3.2021" for several."""
    if len(kps) == 1:
        return f" {checkpoint_phrase(kps[0])}"
    return f"; opgøres {_dates(kps)}"


def _categories(baseline: dict, maal: dict, enhed: str) -> str:
    """How categories count: " (trygge og meget trygge samlet: 78 %)" or " (for … hver for sig)"."""
    per = baseline.get("per_kategori")
    how = maal.get("kategorier")
    if not isinstance(per, dict) or not per or how not in ("samlet", "hver_for_sig"):
        return ""
    names = join_og(list(per))
    if how == "samlet":
        return f" ({names} samlet: {value_text(sum(per.values()), enhed)})"
    return f" (for {names} hver for sig)"


def _figures(criterion: dict) -> str:
    """The figure " (dvs. mindst 56 %)": the computed target where the baseline is one known value and the target
    depends on it; computed by the follow-up's engine."""
    from checker.followup.targets import _CMP_DA, targets_for

    maal = criterion["maal"]
    if "vaerdi" not in criterion["baseline"] or maal["type"] in ("taerskel", "loft"):
        return ""
    targets = [t for t in targets_for(criterion, "") if t.maal is not None]
    enhed = criterion["enhed"]
    if not targets:
        return ""
    if len(targets) == 1:
        t = targets[0]
        return f" (dvs. {_CMP_DA[t.sammenligning]} {value_text(t.maal, enhed)})"
    each = [
        f"{_CMP_DA[t.sammenligning]} {value_text(t.maal, enhed)} pr. {kort_dato(t.kontrolpunkt)}"
        for t in targets
    ]
    return f" (dvs. {join_og(each)})"


def maal_tekst(criterion: dict) -> str:
    """A success criterion's target in Danish words and figures (see the module's examples)."""
    maal = criterion["maal"]
    enhed = criterion["enhed"]
    baseline = criterion["baseline"]
    kps = maal["kontrolpunkter"]
    kind = maal["type"]
    retning = maal.get("retning")
    base = baseline_phrase(baseline) + _categories(baseline, maal, enhed)

    if kind == "taerskel":
        word = "højst" if retning == "hoejst" else "mindst"
        text = join_og([f"{word} {value_text(kp['vaerdi'], enhed)} {checkpoint_phrase(kp)}" for kp in kps])
    elif kind == "loft":
        limit = base if maal["graense"] == "baseline" else value_text(maal["graense"], enhed)
        text = f"højst {limit}{_when(kps)}"
    elif kind in ("relativ_aendring", "procentpoint_aendring"):

        def change(kp: dict) -> str:
            if kind == "relativ_aendring":
                return f"{SIGN[retning]}{pct(kp['procent'])}"
            return f"{SIGN[retning]}{tal(kp['procentpoint'])} procentpoint"

        if len(kps) == 1:
            text = f"{change(kps[0])} fra {base} {checkpoint_phrase(kps[0])}"
        else:
            each = join_og([f"{change(kp)} {checkpoint_phrase(kp)}" for kp in kps])
            text = f"{each}, {'begge' if len(kps) == 2 else 'alle'} regnet fra {base}"
    elif kind == "aarlig_aendring":
        how = "lineært" if maal.get("beregning") == "lineaer" else "sammensat"
        text = f"{SIGN[retning]}{pct(maal['procent_pr_aar'])} pr. år fra {base} ({how})"
        if maal.get("hvor_muligt"):
            text += ", hvor det er muligt"
        if maal.get("loft_ved_baseline") and retning == "fald":
            text = f"højst {base} og {text}"
        text += _when(kps)
    elif kind == "bedre_end_baseline":
        word = "højere end" if retning == "stigning" else "lavere end"
        text = f"{word} {base}{_when(kps)}"
    else:  # pragma: no cover - the schema allows no other type
        raise ValueError(f"unknown target type {kind!r}")

    text += _figures(criterion)
    question = criterion.get("aabent_spoergsmaal") or {}
    if question.get("status") == "aaben":
        text += f" – læst som {reading(maal)}; læsning ikke afklaret"
    return text


def periode_tekst(periode: dict) -> str:
    """{"start": "2017-04-01", "slut": "2021-03-31"} -> "1. april 2017 – 31. marts 2021"."""
    return f"{dato(periode['start'])} – {dato(periode['slut'])}"


def varighed_tekst(periode: dict) -> str:
    """The length of a period whose last day is the day before a whole number of months from its
    first: "4 år", "3 år og 6 måneder", "9 måneder"; "" for any other length."""
    from datetime import timedelta

    start, end = _date(periode["start"]), _date(periode["slut"]) + timedelta(days=1)
    if start.day != end.day or end <= start:
        return ""
    months = (end.year - start.year) * 12 + end.month - start.month
    years, months = divmod(months, 12)
    parts = []
    if years:
        parts.append(f"{years} år")
    if months:
        parts.append(f"{months} {'måned' if months == 1 else 'måneder'}")
    return join_og(parts)
