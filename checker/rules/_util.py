"""Small helpers the rule families share: exact money, Danish figures, near-miss names."""

from __future__ import annotations

import difflib
import re
from decimal import Decimal

from checker.findings import Text

_FOLD = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "é": "e"})


def money(value) -> Decimal:
    return Decimal(str(value))


def kr(value) -> str:
    """14600000 -> '14.600.000 kr.' (Danish grouping)."""
    amount = money(value)
    whole = f"{abs(amount):,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
    whole = whole.removesuffix(",00")
    return ("-" if amount < 0 else "") + whole + " kr."


def pct(value) -> str:
    """26.8 -> '26,8 %'."""
    text = f"{Decimal(str(value)).normalize():f}".replace(".", ",")
    return f"{text} %"


def fold(name: str) -> str:
    """A name reduced for near-miss comparison: case, æøå spelt out, punctuation and spaces dropped."""
    return re.sub(r"[^a-z0-9]", "", name.casefold().translate(_FOLD))


def near(name: str, candidates: list[str]) -> str | None:
    """The candidate a misspelt name most likely means, or None."""
    folded = {fold(c): c for c in candidates}
    key = fold(name)
    if key in folded:
        return folded[key]
    for f, c in folded.items():  # "Sct. Jørgen" for "Sct. Jørgen Viborg": one contains the other
        if key and f and (key in f or f in key) and min(len(key), len(f)) >= 5:
            return c
    match = difflib.get_close_matches(key, list(folded), n=1, cutoff=0.75)
    return folded[match[0]] if match else None


def did_you_mean(name: str, candidates: list[str]) -> Text:
    """Hint for an unknown name, in both languages."""
    guess = near(name, candidates)
    if guess:
        return Text(f"Mente du »{guess}«?", f"Did you mean '{guess}'?")
    return Text("Kendte navne: " + ", ".join(candidates) + ".", "Known names: " + ", ".join(candidates) + ".")


def ptr(*parts) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)
