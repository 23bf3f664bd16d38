"""The target engine: what each success criterion demands at each checkpoint, and whether a measured
value meets it.

One ``Target`` is made per criterion × key × checkpoint. The key (``noegle``) is each area in
``baseline.per_omraade``, each category in ``baseline.per_kategori``, or ``None`` for a criterion with
one ``vaerdi`` or with ``foreligger_ikke``. Targets come out in the order of the agreement: indsatsområde,
criterion, key (as in the baseline), checkpoint (as in ``kontrolpunkter``).

Baselines
---------
The baseline is the agreement's own (``vaerdi``, ``per_omraade``, ``per_kategori``). Where the agreement
has none (``foreligger_ikke``, e.g. a zero-point measurement made after the start), the follow-up
register may supply one: ``{(criterion id, key): value}`` for ``all_targets``, ``{key: value}`` for
``targets_for``; such a criterion's only key is ``None``. A registered baseline only fills a gap: one
that differs from a baseline the agreement states is refused (changing a baseline is a revision of the
agreement), as is a key or criterion id the agreement does not have. Without a baseline the target is
unknown: ``baseline`` and ``maal`` are ``None`` and the description says the target waits for a
baseline; only the kinds whose target does not depend on the baseline (``taerskel``, and ``loft``
with a number) still have a ``maal``.

Target kinds (``maal.type``), B = baseline
------------------------------------------
``aarlig_aendring``
    A yearly change, computed as ``beregning`` records it. ``"sammensat"`` (the default): each year
    of the previous year's level, ``B × (1 − p/100)^aar`` for ``fald``, ``B × (1 + p/100)^aar`` for
    ``stigning``; p = ``procent_pr_aar``, aar = the checkpoint's ``aar``. ``"lineaer"``: each year
    the same share of B, ``B × (1 ∓ p × aar/100)``. With ``loft_ved_baseline`` (fald) the target
    never exceeds B. Comparison: ``hoejst`` for fald, ``mindst`` for stigning. ``hvor_muligt``
    ("hvor det er muligt") does not change the figure. A baseline of 0 gives 0. Viborg klagesager,
    Ellekonebakken 32: sammensat 30,4 · 28,88 · 27,436 · 26,0642 after year 1–4 (30,4 · 28,88 ·
    27,44 · 26,06 rounded); lineær 30,4 · 28,8 · 27,2 · 25,6. The description names the reading.
``relativ_aendring``
    Change by a percentage *of the baseline*: ``B × (1 − procent/100)`` (fald, ``hoejst``) or
    ``B × (1 + procent/100)`` (stigning, ``mindst``). Each checkpoint's ``procent`` is its total change
    relative to B, not on top of the previous checkpoint. Viborg fraflytning, Egeparken
    26,8 % − 2 % of 26,8 = 26,264 → 26,26 %.
``procentpoint_aendring``
    Change by percentage points: ``B − procentpoint`` (fald, ``hoejst``) or ``B + procentpoint``
    (stigning, ``mindst``). 26,8 % − 2 procentpoint = 24,8 %.
``taerskel``
    The checkpoint's ``vaerdi``, ``mindst`` or ``hoejst`` as ``retning`` says; B is shown but not used
    (72,8 % → mindst 80 %).
``loft``
    At most ``graense``: B when ``graense`` is ``"baseline"``, otherwise the number. Comparison ``hoejst``.
``bedre_end_baseline``
    The target is B itself, and the measured value must be strictly better: ``over`` (greater than B)
    for stigning, ``under`` (less than B) for fald. Viborg tryghed, read as the two answers together
    (``"kategorier": "samlet"``): more than 78 % trygge or meget trygge in 2020; 78 % is not enough.

Categories
----------
A baseline ``per_kategori`` gives one target per category (``"kategorier": "hver_for_sig"``, the
default). With ``"kategorier": "samlet"`` the categories are added up and there is one target with
key ``None`` for the sum: Viborg's 46 % trygge + 32 % meget trygge = 78 %; the register then holds
the measured sum.

Rounding and comparison
-----------------------
Targets are computed exactly with Decimal (50 significant digits), then rounded half-up to 2 decimals,
for ``procent`` and for ``antal`` alike (a count target may be fractional: 30,4 complaints). The
measured value is compared as entered, exactly, with the rounded target:

- ``hoejst``: met when measured ≤ target (30 meets højst 30,4; 30,4 meets it; 30,41 and 31 do not);
- ``mindst``: met when measured ≥ target (80 meets mindst 80);
- ``over``: met when measured > target (46 does not meet over 46; 46,1 does);
- ``under``: met when measured < target.

A target of 0 ("højst 0") is met by 0. A target that cannot be computed (no baseline) cannot be
evaluated: ``evaluate`` raises ``ValueError``.

``laesning`` / ``laesning_en`` name the reading the target is computed in (``checker.assemble.wording.
reading``: "sammensat ændring (hvert år af det foregående års niveau)", "bedre end baseline,
kategorierne lagt sammen"). ``aaben_laesning`` is true when the criterion has an open question
(``aabent_spoergsmaal.status`` is ``aaben``): the target is computed in the reading the dossier
records, which the parties have not yet confirmed; every output of the audit says which.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Any

from checker.assemble.fmt import join_og, tal

ENHEDER = ("antal", "procent")
SAMMENLIGNINGER = ("hoejst", "mindst", "over", "under")
_DECIMALS = Decimal("0.01")
_PRECISION = 50


@dataclass(frozen=True)
class Target:
    kriterium: str
    titel: str
    indsatsomraade: str
    enhed: str
    noegle: str | None
    kontrolpunkt: date
    betegnelse: str | None
    baseline: Decimal | None
    maal: Decimal | None
    sammenligning: str
    beskrivelse_da: str
    beskrivelse_en: str
    aaben_laesning: bool
    laesning: str = ""
    laesning_en: str = ""


def _dec(value: Any) -> Decimal:
    if isinstance(value, bool) or value is None:
        raise TypeError(f"not a number: {value!r}")
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int | float):
        return Decimal(str(value))
    raise TypeError(f"not a number: {value!r}")


def round_target(value: Decimal, enhed: str) -> Decimal:
    """Round a computed target half-up to 2 decimals (both units), without trailing zeros."""
    if enhed not in ENHEDER:
        raise ValueError(f"unknown enhed {enhed!r}; expected one of {', '.join(ENHEDER)}")
    rounded = _dec(value).quantize(_DECIMALS, rounding=ROUND_HALF_UP)
    if rounded == rounded.to_integral_value():
        return rounded.quantize(Decimal(1))
    return rounded.normalize()


def evaluate(target: Target, measured: Decimal) -> bool:
    """Whether the measured value (exact, as entered) meets the target's rounded value."""
    if target.maal is None:
        raise ValueError(
            f"the target of {target.kriterium} ({target.noegle or '-'}, {target.kontrolpunkt}) "
            "is not known until a baseline is registered"
        )
    value = _dec(measured)
    if target.sammenligning == "hoejst":
        return value <= target.maal
    if target.sammenligning == "mindst":
        return value >= target.maal
    if target.sammenligning == "over":
        return value > target.maal
    if target.sammenligning == "under":
        return value < target.maal
    raise ValueError(f"unknown sammenligning {target.sammenligning!r}")


# --- descriptions -------------------------------------------------------------------------------


def _en(value: Decimal) -> str:
    from babel.numbers import format_decimal

    return format_decimal(value, format="#,##0.###", locale="en")


def _v_da(value: Decimal, enhed: str) -> str:
    return f"{tal(value)} %" if enhed == "procent" else tal(value)


def _v_en(value: Decimal, enhed: str) -> str:
    return f"{_en(value)}%" if enhed == "procent" else _en(value)


_CMP_DA = {"hoejst": "højst", "mindst": "mindst", "over": "over", "under": "under"}
_CMP_EN = {"hoejst": "at most", "mindst": "at least", "over": "above", "under": "below"}
_DIR_DA = {"fald": "fald", "stigning": "stigning"}
_DIR_EN = {"fald": "decrease", "stigning": "increase"}


def _describe(
    kind: dict,
    kp: dict,
    enhed: str,
    baseline: Decimal | None,
    maal: Decimal | None,
    cmp: str,
    together: tuple[str, str] | None = None,
) -> tuple[str, str]:
    """(Danish, English) description of one target; `together`: the categories added up, in words."""
    t = kind["type"]
    retning = kind.get("retning")
    if t == "aarlig_aendring":
        p = _dec(kind["procent_pr_aar"])
        lineaer = kind.get("beregning") == "lineaer"
        da = f"{tal(p)} % {_DIR_DA[retning]} pr. år " + (
            "(lineært, af baseline)" if lineaer else "(sammensat)"
        )
        en = f"{_en(p)}% {_DIR_EN[retning]} per year " + (
            "(linear, of the baseline)" if lineaer else "(compounding)"
        )
        if baseline is not None:
            da += f" fra {_v_da(baseline, enhed)}"
            en += f" from {_v_en(baseline, enhed)}"
            if kind.get("loft_ved_baseline") and retning == "fald":
                da += f", aldrig over {_v_da(baseline, enhed)}"
                en += f", never above {_v_en(baseline, enhed)}"
    elif t == "relativ_aendring":
        p = _dec(kp["procent"])
        da = f"{tal(p)} % {_DIR_DA[retning]} i forhold til baseline"
        en = f"{_en(p)}% {_DIR_EN[retning]} relative to the baseline"
        if baseline is not None:
            da += f" {_v_da(baseline, enhed)}"
            en += f" {_v_en(baseline, enhed)}"
    elif t == "procentpoint_aendring":
        pp = _dec(kp["procentpoint"])
        da = f"{_DIR_DA[retning]} på {tal(pp)} procentpoint"
        en = f"{_DIR_EN[retning]} of {_en(pp)} percentage points"
        if baseline is not None:
            da += f" fra {_v_da(baseline, enhed)}"
            en += f" from {_v_en(baseline, enhed)}"
    elif t == "taerskel":
        da = en = ""
        if baseline is not None:
            da = f"baseline {_v_da(baseline, enhed)}"
            en = f"baseline {_v_en(baseline, enhed)}"
    elif t == "loft":
        if kind["graense"] == "baseline":
            da, en = "ikke over baseline", "not above the baseline"
        else:
            da = en = ""
            if baseline is not None:
                da = f"baseline {_v_da(baseline, enhed)}"
                en = f"baseline {_v_en(baseline, enhed)}"
    elif t == "bedre_end_baseline":
        if retning == "stigning":
            da, en = "højere end baseline", "higher than the baseline"
        else:
            da, en = "lavere end baseline", "lower than the baseline"
    else:  # pragma: no cover - rejected earlier
        raise ValueError(f"unknown target type {t!r}")
    if together:
        da = f"{da}, {together[0]} samlet" if da else f"{together[0]} samlet"
        en = f"{en}, {together[1]} together" if en else f"{together[1]} together"

    if maal is None:
        head_da = "ukendt, indtil baseline er registreret"
        head_en = "unknown until a baseline is registered"
    else:
        head_da = f"{_CMP_DA[cmp]} {_v_da(maal, enhed)}"
        head_en = f"{_CMP_EN[cmp]} {_v_en(maal, enhed)}"
    if da:
        return f"{head_da} ({da})", f"{head_en} ({en})"
    return head_da, head_en


# maal.type -> the reading in words (Danish, English); aarlig_aendring depends on its "beregning"
_READINGS = {
    "relativ_aendring": ("ændring i procent af baseline", "change in per cent of the baseline"),
    "procentpoint_aendring": ("ændring i procentpoint", "change in percentage points"),
    "lineaer": (
        "lineær ændring (hvert år samme andel af baseline)",
        "linear change (each year the same share of the baseline)",
    ),
    "sammensat": (
        "sammensat ændring (hvert år af det foregående års niveau)",
        "compounding change (each year of the previous year's level)",
    ),
    "taerskel": ("fast grænse", "fixed limit"),
    "loft": ("loft", "ceiling"),
    "bedre_end_baseline": ("bedre end baseline", "better than the baseline"),
}
_FROM_BASELINE = (", hvert kontrolpunkt regnet fra baseline", ", each checkpoint from the baseline")
_CATEGORIES = {
    "samlet": (", kategorierne lagt sammen", ", the categories added up"),
    "hver_for_sig": (", hver kategori for sig", ", each category on its own"),
}


def readings(maal: dict) -> tuple[str, str]:
    """The reading a target is written in, in words (Danish, English): what an open question is about."""
    kind = maal["type"]
    key = (maal.get("beregning") or "sammensat") if kind == "aarlig_aendring" else kind
    da, en = _READINGS.get(key, _READINGS["bedre_end_baseline"])
    if len(maal.get("kontrolpunkter", [])) > 1 and kind in ("relativ_aendring", "procentpoint_aendring"):
        da, en = da + _FROM_BASELINE[0], en + _FROM_BASELINE[1]
    extra = _CATEGORIES.get(maal.get("kategorier"))
    if extra:
        da, en = da + extra[0], en + extra[1]
    return da, en


def reading(maal: dict) -> str:
    """The reading a target is written in, in Danish words."""
    return readings(maal)[0]


def reading_en(maal: dict) -> str:
    """The reading a target is written in, in English words."""
    return readings(maal)[1]


# --- computing targets ----------------------------------------------------------------------------

_KINDS = (
    "loft",
    "taerskel",
    "relativ_aendring",
    "procentpoint_aendring",
    "aarlig_aendring",
    "bedre_end_baseline",
)


def _comparison(kind: dict) -> str:
    t, retning = kind["type"], kind.get("retning")
    if t == "loft":
        return "hoejst"
    if t == "taerskel":
        if retning not in ("mindst", "hoejst"):
            raise ValueError(f"taerskel needs retning mindst or hoejst, not {retning!r}")
        return retning
    if retning not in ("fald", "stigning"):
        raise ValueError(f"{t} needs retning fald or stigning, not {retning!r}")
    if t == "bedre_end_baseline":
        return "over" if retning == "stigning" else "under"
    return "hoejst" if retning == "fald" else "mindst"


def _exact(kind: dict, kp: dict, baseline: Decimal | None) -> Decimal | None:
    """The exact (unrounded) target at one checkpoint, or None when it needs a missing baseline."""
    t, retning = kind["type"], kind.get("retning")
    if t == "taerskel":
        return _dec(kp["vaerdi"])
    if t == "loft" and kind["graense"] != "baseline":
        return _dec(kind["graense"])
    if baseline is None:
        return None
    sign = -1 if retning == "fald" else 1
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        if t == "loft" or t == "bedre_end_baseline":
            return baseline
        if t == "relativ_aendring":
            return baseline * (1 + sign * _dec(kp["procent"]) / 100)
        if t == "procentpoint_aendring":
            return baseline + sign * _dec(kp["procentpoint"])
        if t == "aarlig_aendring":
            aar = kp["aar"]
            if isinstance(aar, bool) or not isinstance(aar, int) or aar < 0:
                raise ValueError(f"aar must be a whole number of years, not {aar!r}")
            if kind.get("beregning") == "lineaer":
                value = baseline * (1 + sign * _dec(kind["procent_pr_aar"]) * aar / 100)
            else:
                value = baseline * (1 + sign * _dec(kind["procent_pr_aar"]) / 100) ** aar
            if kind.get("loft_ved_baseline") and retning == "fald":
                value = min(value, baseline)
            return value
    raise ValueError(f"unknown target type {t!r}")  # pragma: no cover


def together(criterion: dict) -> tuple[str, str] | None:
    """The categories a target adds up ("trygge og meget trygge", "trygge and meget trygge"), or None
    when the target is not read as the categories together."""
    per = criterion["baseline"].get("per_kategori")
    if not per or criterion["maal"].get("kategorier") != "samlet":
        return None
    names = list(per)
    return join_og(names), " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)


def _baselines(criterion: dict, registered: Mapping[str | None, Any]) -> dict[str | None, Decimal | None]:
    """Key → baseline: the agreement's own, gaps filled from the register."""
    cid = criterion.get("id", "?")
    b = criterion["baseline"]
    if "per_omraade" in b:
        own: dict[str | None, Decimal | None] = {k: _dec(v) for k, v in b["per_omraade"].items()}
    elif "per_kategori" in b and together(criterion):
        with localcontext() as ctx:
            ctx.prec = _PRECISION
            own = {None: sum((_dec(v) for v in b["per_kategori"].values()), Decimal(0))}
    elif "per_kategori" in b:
        own = {k: _dec(v) for k, v in b["per_kategori"].items()}
    elif "vaerdi" in b:
        own = {None: _dec(b["vaerdi"])}
    else:  # foreligger_ikke
        own = {None: None}
    for key, value in registered.items():
        if key not in own:
            known = ", ".join(repr(k) for k in own)
            raise ValueError(f"{cid}: no baseline key {key!r} in the agreement (keys: {known})")
        value = _dec(value)
        if own[key] is None:
            own[key] = value
        elif own[key] != value:
            raise ValueError(
                f"{cid}: the registered baseline {value} for {key!r} differs from the agreement's "
                f"{own[key]}; changing a baseline is a revision of the agreement"
            )
    return own


def _date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def targets_for(
    criterion: dict, indsatsomraade: str, baselines: Mapping[str | None, Decimal] | None = None
) -> list[Target]:
    """The targets of one success criterion: one per key × checkpoint."""
    kind = criterion["maal"]
    if kind.get("type") not in _KINDS:
        raise ValueError(f"{criterion.get('id', '?')}: unknown target type {kind.get('type')!r}")
    enhed = criterion["enhed"]
    if enhed not in ENHEDER:
        raise ValueError(f"{criterion.get('id', '?')}: unknown enhed {enhed!r}")
    cmp = _comparison(kind)
    question = criterion.get("aabent_spoergsmaal") or {}
    aaben = question.get("status") == "aaben"
    sum_of = together(criterion)
    laesning, laesning_en = reading(kind), reading_en(kind)
    out: list[Target] = []
    for key, baseline in _baselines(criterion, baselines or {}).items():
        for kp in kind["kontrolpunkter"]:
            exact = _exact(kind, kp, baseline)
            maal = None if exact is None else round_target(exact, enhed)
            da, en = _describe(kind, kp, enhed, baseline, maal, cmp, sum_of)
            out.append(
                Target(
                    kriterium=criterion["id"],
                    titel=criterion["titel"],
                    indsatsomraade=indsatsomraade,
                    enhed=enhed,
                    noegle=key,
                    kontrolpunkt=_date(kp["dato"]),
                    betegnelse=kp.get("betegnelse"),
                    baseline=baseline,
                    maal=maal,
                    sammenligning=cmp,
                    beskrivelse_da=da,
                    beskrivelse_en=en,
                    aaben_laesning=aaben,
                    laesning=laesning,
                    laesning_en=laesning_en,
                )
            )
    return out


def all_targets(
    aftale: dict, baselines: Mapping[tuple[str, str | None], Decimal] | None = None
) -> list[Target]:
    """The targets of every success criterion in the agreement, in the agreement's order.

    ``baselines`` maps (criterion id, key) to a baseline registered after the agreement was made.
    """
    registered: dict[str, dict[str | None, Decimal]] = {}
    for (cid, key), value in (baselines or {}).items():
        registered.setdefault(cid, {})[key] = value
    out: list[Target] = []
    seen: set[str] = set()
    for area in aftale["indsatsomraader"]["omraader"]:
        for criterion in area.get("succeskriterier", []):
            seen.add(criterion["id"])
            out.extend(targets_for(criterion, area["nummer"], registered.get(criterion["id"])))
    unknown = sorted(set(registered) - seen)
    if unknown:
        raise ValueError(
            f"registered baselines for criteria the agreement does not have: {', '.join(unknown)}"
        )
    return out
