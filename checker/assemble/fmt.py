"""Danish formatting for the documents (Babel, da_DK): the Jinja filters templates use.

{{ x | tkr }}        14600000      -> "14.600 t.kr."
{{ x | kr }}         14600000      -> "14.600.000 kr."
{{ x | tal }}        26.8 / 3220   -> "26,8" / "3.220"
{{ x | pct }}        26.8          -> "26,8 %"
{{ d | dato }}       "2017-04-01"  -> "1. april 2017"
{{ d | kort_dato }}  "2017-04-01"  -> "1.4.2017"
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

LOCALE = "da_DK"


def _decimal(value: Any) -> Decimal:
    if isinstance(value, bool) or value is None:
        raise TypeError(f"not a number: {value!r}")
    return Decimal(str(value))


def tal(value: Any) -> str:
    from babel.numbers import format_decimal

    return format_decimal(_decimal(value), format="#,##0.###", locale=LOCALE)


def pct(value: Any) -> str:
    return f"{tal(value)} %"


def kr(value: Any) -> str:
    from babel.numbers import format_decimal

    amount = _decimal(value)
    pattern = "#,##0" if amount == amount.to_integral_value() else "#,##0.00"
    return f"{format_decimal(amount, format=pattern, locale=LOCALE)} kr."


def tkr(value: Any) -> str:
    """Whole kroner shown in thousands, the unit the agreement's section 7 uses."""
    return f"{tal(_decimal(value) / 1000)} t.kr."


def _date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def dato(value: Any) -> str:
    from babel.dates import format_date

    return format_date(_date(value), "d. MMMM y", locale=LOCALE)


def kort_dato(value: Any) -> str:
    d = _date(value)
    return f"{d.day}.{d.month}.{d.year}"


FILTERS = {"tal": tal, "pct": pct, "kr": kr, "tkr": tkr, "dato": dato, "kort_dato": kort_dato}


def join_og(parts: list[str]) -> str:
    """["a", "b", "c"] -> "a, b og c"."""
    parts = [p for p in parts if p]
    if len(parts) <= 1:
        return "".join(parts)
    return f"{', '.join(parts[:-1])} og {parts[-1]}"
