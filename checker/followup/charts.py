"""One chart per success criterion for `aftale audit`: the targets and the measured values at the
checkpoints, per area (or category), with each checkpoint's status.

- x: the checkpoint dates (d.m.yyyy); the areas are set a little apart around each date, so that
  several areas with the same checkpoint stay readable;
- per area one colour: the targets as a dashed line with a short bar at each target, the measured
  values as a solid line with round markers;
- status: a green check mark (opfyldt) or a red cross (ikke opfyldt) beside the measured point; a
  grey hollow ring at the target (or on the x-axis when the target is unknown) where a checkpoint
  has passed without a measurement (mangler data); nothing for checkpoints not yet due;
- a dotted vertical line at the audit date; "Baseline mangler" in the corner of a criterion whose
  targets cannot be computed (the measured points are drawn all the same).

matplotlib is imported inside the functions only (Agg backend), so the text audit stays fast. Output
is deterministic: fixed figure size and dpi, no software/date metadata, a fixed SVG hash salt; two
runs give identical bytes. Text is set in DejaVu Sans (matplotlib's own font), which has æøå.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

from checker.followup.audit import IKKE_OPFYLDT, MANGLER, OPFYLDT, AuditResult, Line

FIGSIZE = (8.0, 4.6)  # inches; 160 mm wide in the Word report
DPI = 110
SVG_SALT = "aftale"
# Okabe–Ito-like colours for the areas, without the status colours' green and red.
AREA_COLOURS = ("#0072B2", "#E69F00", "#CC79A7", "#56B4E9", "#7B4F9E", "#8C6D31", "#4D4D4D", "#D55E00")
GREEN, RED, GREY = "#1A7F37", "#C62828", "#8A8A8A"
Y_LABEL = {"antal": "antal", "procent": "procent (%)"}
_DANISH = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "Ae", "Ø": "Oe", "Å": "Aa"})


def kort_dato(d: date) -> str:
    return f"{d.day}.{d.month}.{d.year}"


def file_stem(kriterium: str) -> str:
    """A criterion id as a file name: "5.1-klagesager" stays, anything outside [A-Za-z0-9._-] becomes "-"."""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", kriterium.translate(_DANISH)).strip("-.")
    return stem or "kriterium"


def by_criterion(result: AuditResult) -> dict[str, list[Line]]:
    """The audit's lines per criterion id, in the agreement's order."""
    groups: dict[str, list[Line]] = {}
    for line in result.lines:
        groups.setdefault(line.target.kriterium, []).append(line)
    return groups


def criterion_charts(result: AuditResult, out_dir: Path, fmt: str = "png") -> dict[str, Path]:
    """Draw one chart per criterion into out_dir; returns criterion id -> chart file (png or svg)."""
    if fmt not in ("png", "svg"):
        raise ValueError(f"unknown chart format {fmt!r}; expected png or svg")
    import matplotlib

    matplotlib.use("Agg")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    charts: dict[str, Path] = {}
    used: set[str] = set()
    rc = {"svg.hashsalt": SVG_SALT, "svg.fonttype": "path", "font.family": "DejaVu Sans"}
    with matplotlib.rc_context(rc):
        for kriterium, lines in by_criterion(result).items():
            stem = file_stem(kriterium)
            n = 2
            while stem in used:  # two ids that differ only in characters a file name cannot keep
                stem = f"{file_stem(kriterium)}-{n}"
                n += 1
            used.add(stem)
            target = out_dir / f"{stem}.{fmt}"
            fig = _draw(lines, result.as_of)
            metadata = {"Software": None} if fmt == "png" else {"Date": None}
            fig.savefig(target, format=fmt, dpi=DPI, metadata=metadata)
            charts[kriterium] = target
    return charts


def _f(value: Decimal) -> float:
    return float(value)


def _danish_number(value: float, _pos=None) -> str:
    from checker.assemble.fmt import tal

    return tal(Decimal(repr(round(float(value), 6))))


def _draw(lines: list[Line], as_of: date):
    from matplotlib.dates import date2num
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.ticker import FuncFormatter, MaxNLocator
    from matplotlib.transforms import blended_transform_factory, offset_copy

    first = lines[0].target
    enhed = first.enhed
    fig = Figure(figsize=FIGSIZE, dpi=DPI, layout="constrained")
    ax = fig.add_subplot()
    ax.set_title(f"{first.titel} ({first.kriterium})", fontsize=12, fontweight="bold", loc="left")
    ax.set_ylabel(Y_LABEL.get(enhed, enhed))

    keys: list[str | None] = []
    for line in lines:
        if line.target.noegle not in keys:
            keys.append(line.target.noegle)
    dates = sorted({line.target.kontrolpunkt for line in lines})
    span = max((dates[-1] - dates[0]).days, 365)
    # the areas side by side around each checkpoint, 7 % of the span in all
    step = span * 0.07 / max(len(keys) - 1, 1) if len(keys) > 1 else 0.0

    def x_of(d: date, k: int) -> float:
        return date2num(d) + (k - (len(keys) - 1) / 2) * step

    has_target = any(line.target.maal is not None for line in lines)
    statuses: set[str] = set()
    glyph_at = offset_copy(ax.transData, fig=fig, x=7, y=7, units="points")
    on_axis = blended_transform_factory(ax.transData, ax.transAxes)
    values: list[float] = []
    for k, key in enumerate(keys):
        colour = AREA_COLOURS[k % len(AREA_COLOURS)]
        mine = sorted(
            (line for line in lines if line.target.noegle == key), key=lambda ln: ln.target.kontrolpunkt
        )
        goals = [
            (x_of(ln.target.kontrolpunkt, k), _f(ln.target.maal)) for ln in mine if ln.target.maal is not None
        ]
        if goals:
            ax.plot(
                *zip(*goals, strict=True), ls="--", lw=1.2, color=colour, marker="_", ms=11, mew=2, alpha=0.85
            )
            values += [v for _x, v in goals]
        measured = [
            (x_of(ln.target.kontrolpunkt, k), _f(ln.maalt), ln.status) for ln in mine if ln.maalt is not None
        ]
        if measured:
            xs, ys, _s = zip(*measured, strict=True)
            ax.plot(xs, ys, ls="-", lw=2, color=colour, marker="o", ms=6, zorder=3)
            values += list(ys)
        for x, y, status in measured:
            if status == OPFYLDT:
                ax.plot(
                    [x],
                    [y],
                    marker=r"$\checkmark$",
                    ms=9,
                    color=GREEN,
                    transform=glyph_at,
                    clip_on=False,
                    zorder=4,
                )
            elif status == IKKE_OPFYLDT:
                ax.plot(
                    [x],
                    [y],
                    marker="X",
                    ms=7.5,
                    color=RED,
                    mec="white",
                    mew=0.6,
                    transform=glyph_at,
                    clip_on=False,
                    zorder=4,
                )
            statuses.add(status)
        for ln in mine:
            if ln.status != MANGLER or ln.maalt is not None:
                continue
            statuses.add(MANGLER)
            x = x_of(ln.target.kontrolpunkt, k)
            if ln.target.maal is not None:
                ax.plot(
                    [x],
                    [_f(ln.target.maal)],
                    ls="none",
                    marker="o",
                    ms=10,
                    mfc="none",
                    mec=GREY,
                    mew=1.6,
                    zorder=4,
                )
            else:
                ax.plot(
                    [x],
                    [0.06],
                    ls="none",
                    marker="o",
                    ms=10,
                    mfc="none",
                    mec=GREY,
                    mew=1.6,
                    transform=on_axis,
                    clip_on=False,
                    zorder=4,
                )
        for ln in mine:
            if ln.status == MANGLER and ln.maalt is not None:  # measured, but the target is unknown
                statuses.add(MANGLER)
                x = x_of(ln.target.kontrolpunkt, k)
                ax.plot(
                    [x], [_f(ln.maalt)], ls="none", marker="o", ms=12, mfc="none", mec=GREY, mew=1.6, zorder=4
                )

    # axes: checkpoints on x, Danish numbers on y
    pad = span * (0.08 if len(dates) > 1 else 0.3)
    left, right = date2num(dates[0]) - pad, date2num(dates[-1]) + pad
    # the audit date is shown when it is within a span of the checkpoints
    at = date2num(as_of)
    show_as_of = date2num(dates[0]) - span <= at <= date2num(dates[-1]) + span
    if show_as_of:
        left, right = min(left, at - pad / 2), max(right, at + pad / 2)
    ax.set_xlim(left, right)
    ax.set_xticks([date2num(d) for d in dates], [kort_dato(d) for d in dates])
    if values:
        low, high = min(values), max(values)
        room = (high - low) * 0.15 or max(abs(high) * 0.15, 1.0)
        bottom = low - room
        if low >= 0 and (bottom < 0 or low <= 0.4 * high):
            bottom = 0.0  # from zero where zero is near; never below it for counts and shares
        ax.set_ylim(bottom, high + room)
    else:
        ax.set_ylim(0, 1)
        ax.set_yticks([])
    ax.yaxis.set_major_locator(MaxNLocator(nbins=6, integer=enhed == "antal"))
    ax.yaxis.set_major_formatter(FuncFormatter(_danish_number))
    ax.grid(axis="y", color="#DDDDDD", lw=0.8)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)

    handles = []
    if show_as_of:
        ax.axvline(at, color="#666666", ls=":", lw=1.2, zorder=1)
    if not has_target:
        ax.text(
            0.01,
            0.97,
            "Baseline mangler – målet kan ikke beregnes",
            transform=ax.transAxes,
            va="top",
            fontsize=9,
            color="#5A5A5A",
            bbox={"boxstyle": "round,pad=0.35", "fc": "#F2F2F2", "ec": "#BBBBBB"},
        )

    for k, key in enumerate(keys):
        if key is not None:
            handles.append(Line2D([], [], color=AREA_COLOURS[k % len(AREA_COLOURS)], lw=2.5, label=key))
    if has_target:
        handles.append(
            Line2D([], [], color="#555555", ls="--", lw=1.2, marker="_", ms=10, mew=2, label="mål")
        )
    handles.append(Line2D([], [], color="#555555", lw=2, marker="o", ms=6, label="målt"))
    if OPFYLDT in statuses:
        handles.append(Line2D([], [], ls="none", marker=r"$\checkmark$", ms=10, color=GREEN, label="opfyldt"))
    if IKKE_OPFYLDT in statuses:
        handles.append(Line2D([], [], ls="none", marker="X", ms=8, color=RED, label="ikke opfyldt"))
    if MANGLER in statuses:
        handles.append(
            Line2D([], [], ls="none", marker="o", ms=9, mfc="none", mec=GREY, mew=1.6, label="mangler data")
        )
    if show_as_of:
        handles.append(
            Line2D([], [], color="#666666", ls=":", lw=1.2, label=f"opgjort pr. {kort_dato(as_of)}")
        )
    fig.legend(
        handles=handles, loc="outside lower center", ncol=min(len(handles), 5), frameon=False, fontsize=8.5
    )
    return fig


# --- what a chart shows, in words (its alternative text) ----------------------------------------------


def _v(value: Decimal, enhed: str) -> str:
    from checker.assemble.fmt import tal

    return f"{tal(value)} %" if enhed == "procent" else tal(value)


_CMP = {"hoejst": "højst", "mindst": "mindst", "over": "over", "under": "under"}


def describe(lines: list[Line], as_of: date) -> str:
    """The chart of one criterion in Danish words, from the same data it is drawn from: for a screen
    reader (the Word report's and the PDF's /Alt, the dashboard's alt). Every area's (or category's)
    target, measured value and status at every checkpoint, and the count per status."""
    from checker.followup.audit import IKKE_FORFALDEN

    first = lines[0].target
    dates = sorted({line.target.kontrolpunkt for line in lines})
    when = (
        ", ".join(kort_dato(d) for d in dates[:-1])
        + (" og " if len(dates) > 1 else "")
        + kort_dato(dates[-1])
    )
    text = [
        f"Graf over {first.titel} ({first.kriterium}), opgjort pr. {kort_dato(as_of)}: mål og målte værdier "
        f"({Y_LABEL.get(first.enhed, first.enhed)}) ved {'kontrolpunktet' if len(dates) == 1 else 'kontrolpunkterne'} {when}."
    ]
    if first.aaben_laesning and first.laesning:
        text.append(f"Målet er beregnet som {first.laesning}; læsningen er ikke afklaret.")
    keys: list[str | None] = list(dict.fromkeys(line.target.noegle for line in lines))
    for key in keys:
        points = []
        for ln in sorted((x for x in lines if x.target.noegle == key), key=lambda x: x.target.kontrolpunkt):
            t = ln.target
            goal = (
                f"mål {_CMP.get(t.sammenligning, t.sammenligning)} {_v(t.maal, t.enhed)}"
                if t.maal is not None
                else "mål ukendt (baseline mangler)"
            )
            measured = f"målt {_v(ln.maalt, t.enhed)}" if ln.maalt is not None else "ikke målt"
            points.append(f"{kort_dato(t.kontrolpunkt)} {goal}, {measured}, {ln.status}")
        head = f"{key}: " if key is not None else ""
        text.append(f"{head}{'; '.join(points)}.")
    counts = {
        s: sum(1 for ln in lines if ln.status == s) for s in (OPFYLDT, IKKE_OPFYLDT, MANGLER, IKKE_FORFALDEN)
    }
    text.append("I alt " + ", ".join(f"{n} {s}" for s, n in counts.items() if n) + ".")
    return " ".join(text)


def criterion_descriptions(result: AuditResult) -> dict[str, str]:
    """Criterion id -> the words of its chart (see describe)."""
    return {kriterium: describe(lines, result.as_of) for kriterium, lines in by_criterion(result).items()}
