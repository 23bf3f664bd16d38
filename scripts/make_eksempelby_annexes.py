#!/usr/bin/env python3
"""(Re)create the invented Eksempelby 2022-2026 dossier's workbook, PDF and SVG annexes.

EKSEMPEL: the whole dossier is invented for demonstration (a 2019-2026 agreement shaped unlike
Viborg: two boligorganisationer owning eight afdelinger in three områder, the police in the
bestyrelse, a styregruppe per indsatsområde, a period from 1 September, local co-financing split
between the kommune and the boligorganisationer). Every annex says so on every sheet and page.

Writes, in agreements/eksempelby-2022-2026/:

  budget.xlsx              LBF-style budget (docs/workbooks.md), plus the local co-financing per contributor
  aktivitetsskema.xlsx     one row per activity of the four delaftaler
  centrale-maalinger.pdf   "Bilag med centralt genererede målinger ved indsatsens starttidspunkt"
  organisationsdiagram.svg drawn from the bodies in section 2 and their relations

Facts (helhedsplan, period, financing and its split, indsatsområder, activities, beboere, lejemål,
baselines) are read from the dossier's JSON sources, never retyped; the figures the agreement states
are checked against them. The expenditure per indsatsområde and year is part of the example.

The workbook writers, LibreOffice recalculation and byte-stable zip normalisation are those of
scripts/make_viborg_annexes.py (imported, not copied). Afterwards every file is read back with the
checker's own readers (checker.readers) and compared with the agreement.

Needs: openpyxl, fpdf2, LibreOffice Calc (soffice) for the formula values.

Usage:  .venv/bin/python scripts/make_eksempelby_annexes.py [--dossier DIR] [--no-verify]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

sys.path.insert(0, str(Path(__file__).resolve().parent))

import make_viborg_annexes as viborg  # noqa: E402 - a sibling script, found through sys.path
from make_viborg_annexes import da_date, da_dec, da_int, iso  # noqa: E402

ROOT = viborg.ROOT
DEFAULT_DOSSIER = ROOT / "agreements" / "eksempelby-2022-2026"

BANNER = "EKSEMPEL – opdigtede tal"
CREATOR = "aftale (scripts/make_eksempelby_annexes.py), EKSEMPEL"
DOC_DATE = dt.datetime(2022, 9, 1, 0, 0, 0, tzinfo=dt.UTC)
BUDGET_NOTE = (
    "Alle beløb i hele kroner. Finansieringen og dens fordeling er aftalens afsnit 7; "
    "udgifterne pr. indsatsområde er en del af eksemplet."
)

# What the (invented) agreement states in section 7; the JSON must agree.
EXPECTED_FINANSIERING = {
    "landsbyggefonden": 12_000_000,
    "lokal_medfinansiering": 4_800_000,
    "samlet": 16_800_000,
}

# Invented expenditure per indsatsområde and project year, whole kroner; each year sums to that
# year's Samlet finansiering (4.200.000 kr.). Tværgående = sekretariat, administration, evaluering;
# year 4 carries the final evaluation.
UDGIFTER = {
    "5.1": [950_000, 960_000, 960_000, 930_000],
    "5.2": [900_000, 910_000, 910_000, 880_000],
    "5.3": [700_000, 700_000, 700_000, 690_000],
    "5.4": [850_000, 850_000, 850_000, 820_000],
    "Tværgående": [800_000, 780_000, 780_000, 880_000],
}


# ---------------------------------------------------------------- the agreement's facts


def party_names(aftale: dict) -> dict[str, str]:
    return {p["id"]: p["navn"] for p in aftale["parter"]}


def lokal_fordeling(aftale: dict) -> list[tuple[str, int]]:
    fin = aftale["ressourcer"]["finansiering"]
    names = party_names(aftale)
    rows = [(names[share["part"]], int(share["beloeb"])) for share in fin.get("lokal_fordeling", [])]
    if sum(amount for _name, amount in rows) != fin["lokal_medfinansiering"]:
        raise SystemExit("lokal_fordeling summer ikke til lokal_medfinansiering")
    return rows


def criterion(aftale: dict, suffix: str) -> dict:
    for omr in aftale["indsatsomraader"]["omraader"]:
        for crit in omr["succeskriterier"]:
            if crit["id"].endswith(suffix):
                return crit
    raise SystemExit(f"intet succeskriterium *{suffix} i aftalen")


def noegletal(aftale: dict, id_: str) -> dict:
    return viborg.noegletal(aftale, id_)


def pdf_rows(aftale: dict) -> list[tuple[str, str]]:
    """(label, value) lines of the central-measurements PDF, every figure taken from the agreement and
    checked against the criterion baseline it repeats."""
    besk = aftale["beskrivelse"]
    rows = [("Antal beboere", da_int(besk["beboere"])), ("Antal lejemål", da_int(besk["lejemaal"]))]
    for omr in aftale["omraader"]:
        rows.append((f"Beboere, {omr['navn']}", da_int(omr["beboere"])))
        rows.append((f"Lejemål, {omr['navn']}", da_int(omr["lejemaal"])))
    for tal_id, crit_suffix in (
        ("beskaeftigelse-18-64-2021", "-beskaeftigelse"),
        ("unge-uden-job-18-29-2021", "-unge-uden-job"),
        ("dagtilbud-3-5-2021", "-dagtilbud"),
    ):
        tal = noegletal(aftale, tal_id)
        if Decimal(str(tal["vaerdi"])) != Decimal(str(criterion(aftale, crit_suffix)["baseline"]["vaerdi"])):
            raise SystemExit(f"nøgletal {tal_id} ≠ baseline for *{crit_suffix}")
        rows.append((tal["betegnelse"], f"{da_dec(tal['vaerdi'])} %"))
    fra = criterion(aftale, "-fraflytning")
    tal = noegletal(aftale, "fraflytning-2021")
    if tal["per_omraade"] != fra["baseline"]["per_omraade"]:
        raise SystemExit("nøgletal fraflytning-2021 ≠ baseline for *-fraflytning")
    for area, value in fra["baseline"]["per_omraade"].items():
        rows.append((f"Fraflytningsprocent {fra['baseline']['tidspunkt']}, {area}", f"{da_dec(value)} %"))
    return rows


# ---------------------------------------------------------------- centrale-maalinger.pdf


def write_pdf(path: Path, aftale: dict) -> list[tuple[str, str]]:
    rows = pdf_rows(aftale)
    pdf, w = viborg.central_pdf(
        aftale,
        rows,
        banner=BANNER,
        author="EKSEMPEL - opdigtet, ikke fra Landsbyggefonden",
        creator=CREATOR,
        label_w=125,
        created=DOC_DATE,
        plan_wraps=True,
    )

    pdf.ln(8)
    pdf.set_font("Helvetica", "I", 8)
    pdf.set_text_color(89, 89, 89)
    pdf.multi_cell(
        w,
        4,
        "EKSEMPEL: alle tal er opdigtede og svarer til den opdigtede aftales afsnit 3 og 5. Bilaget er dannet "
        "af aftale (scripts/make_eksempelby_annexes.py); i en rigtig sag erstattes det af Landsbyggefondens "
        "udtræk fra Boligsociale Data.",
        align="L",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.output(str(path))
    return rows


# ---------------------------------------------------------------- organisationsdiagram.svg


def _wrap(text: str, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def _levels(organer: list[dict]) -> dict[str, int]:
    """Each body's level: 0 for a body that reports to no other body, else one below the body it
    reports to (refererer_til)."""
    parent = {
        o["id"]: next((r["organ"] for r in o.get("relationer", []) if r["type"] == "refererer_til"), None)
        for o in organer
    }
    level: dict[str, int] = {}

    def depth(oid: str, seen: tuple[str, ...] = ()) -> int:
        if oid not in level:
            p = parent.get(oid)
            level[oid] = 0 if p not in parent or oid in seen else depth(p, seen + (oid,)) + 1
        return level[oid]

    for o in organer:
        depth(o["id"])
    return level


def write_svg(path: Path, aftale: dict) -> None:
    """The organisation chart drawn from section 2: bodies by level (reporting lines solid), the
    secretariat below them (facilitation dashed), its administrative placement beside it."""
    organer = aftale["organisering"]["organer"]
    sek = aftale["sekretariat"]
    start, slut = iso(aftale["periode"]["start"]), iso(aftale["periode"]["slut"])
    levels = _levels(organer)
    rows: dict[int, list[dict]] = {}
    for o in organer:
        rows.setdefault(levels[o["id"]], []).append(o)

    W, box_w, box_h, top, row_gap = 1000, 220, 110, 110, 90
    pos: dict[str, tuple[float, float]] = {}  # id -> (centre x, top y)
    for lvl in sorted(rows):
        row = rows[lvl]
        step = W / len(row)
        for k, o in enumerate(row):
            pos[o["id"]] = (step * (k + 0.5), top + lvl * (box_h + row_gap))
    sek_y = top + (max(rows) + 1) * (box_h + row_gap)
    sek_x = W / 2
    pos["sekretariat"] = (sek_x, sek_y)
    H = sek_y + box_h + 70

    def box(o_id: str, title: str, lines: list[str], fill: str, *, dash: bool = False, width: int = box_w):
        x, y = pos[o_id]
        d = ' stroke-dasharray="6 4"' if dash else ""
        out = [
            f'<rect x="{x - width / 2:g}" y="{y:g}" width="{width}" height="{box_h}" rx="8" fill="{fill}" '
            f'stroke="#1F4E79" stroke-width="2"{d}/>'
        ]
        title_lines = _wrap(title, 26)
        for i, ln in enumerate(title_lines):
            out.append(f'<text x="{x:g}" y="{y + 22 + i * 17:g}" class="title">{escape(ln)}</text>')
        for i, ln in enumerate(lines):
            out.append(
                f'<text x="{x:g}" y="{y + 26 + len(title_lines) * 17 + i * 16:g}" class="sub">{escape(ln)}</text>'
            )
        return out

    parts: list[str] = [
        f'<text x="{W / 2:g}" y="30" class="banner">{escape(BANNER)} og navne</text>',
        f'<text x="{W / 2:g}" y="58" class="head">Organisationsdiagram: {escape(aftale["helhedsplan"])}</text>',
        f'<text x="{W / 2:g}" y="80" class="sub">{da_date(start)}-{da_date(slut)}</text>',
    ]
    # lines first, boxes on top
    for o in organer:
        x, y = pos[o["id"]]
        for rel in o.get("relationer", []):
            if rel["organ"] not in pos:
                continue
            px, py = pos[rel["organ"]]
            if rel["type"] == "faciliteres_af":
                parts.append(
                    f'<line x1="{x:g}" y1="{y + box_h:g}" x2="{px:g}" y2="{py:g}" stroke="#8A6D1D" '
                    'stroke-width="1.5" stroke-dasharray="6 4"/>'
                )
            else:
                mid = py + box_h + row_gap / 2
                style = ' stroke-dasharray="2 3"' if rel["type"] == "raadgiver" else ""
                parts.append(
                    f'<polyline points="{x:g},{y:g} {x:g},{mid:g} {px:g},{mid:g} {px:g},{py + box_h:g}" '
                    f'fill="none" stroke="#404040" stroke-width="2"{style}/>'
                )
    board = next((o for o in organer if o["type"] == "bestyrelse"), None)
    for o in organer:
        f = o["moedefrekvens"]
        lines = []
        if o.get("indsatsomraade"):
            lines.append(f"indsatsområde {o['indsatsomraade']}")
        lines.append(f"{f['min_pr_aar']}-{f['max_pr_aar']} møder årligt")
        parts += box(o["id"], o["navn"], lines, "#DDEBF7" if o is board else "#EAF3E2")
    parts += box("sekretariat", sek["navn"], ["faciliterer organerne"], "#FFF2CC", width=300)
    pos["placering"] = (sek_x + 330, sek_y)
    parts += box("placering", sek["placering"], ["administrativ placering"], "#FFFFFF", dash=True)
    parts.append(
        f'<line x1="{sek_x + 150:g}" y1="{sek_y + box_h / 2:g}" x2="{sek_x + 220:g}" y2="{sek_y + box_h / 2:g}" '
        'stroke="#808080" stroke-width="2" stroke-dasharray="6 4"/>'
    )
    parts.append(
        f'<text x="{W / 2:g}" y="{H - 20:g}" class="note">Fuld linje: refererer til. '
        "Stiplet linje: faciliteres af sekretariatet / administrativ placering.</text>"
    )
    svg = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H:g}" viewBox="0 0 {W} {H:g}" '
        'font-family="Helvetica, Arial, sans-serif" xml:lang="da">\n'
        f"  <title>EKSEMPEL: organisationsdiagram, {escape(aftale['helhedsplan'])}</title>\n"
        "  <style>\n"
        "    .banner { font-size: 18px; font-weight: bold; text-anchor: middle; fill: #C00000; }\n"
        "    .head { font-size: 18px; font-weight: bold; text-anchor: middle; fill: #1F1F1F; }\n"
        "    .title { font-size: 14px; font-weight: bold; text-anchor: middle; fill: #1F1F1F; }\n"
        "    .sub { font-size: 12px; text-anchor: middle; fill: #333333; }\n"
        "    .note { font-size: 12px; font-style: italic; text-anchor: middle; fill: #555555; }\n"
        "  </style>\n"
        '  <rect x="0" y="0" width="100%" height="100%" fill="#FFFFFF"/>\n'
        "  " + "\n  ".join(parts) + "\n</svg>\n"
    )
    path.write_text(svg, encoding="utf-8")


# ---------------------------------------------------------------- verification


def verify(
    dossier: Path, aftale: dict, budget_info: dict, akt_rows: list[list], pdf: list[tuple[str, str]]
) -> bool:
    """Read every annex back with the checker's own readers and compare it with the agreement."""
    from checker.readers.pdf import find_figure, read_pdf
    from checker.readers.xlsx import open_workbook

    ok = True

    def fail(msg: str) -> None:
        nonlocal ok
        ok = False
        print("FEJL:", msg)

    wb = open_workbook(dossier / "budget.xlsx")
    if wb.uncalculated_cells():
        fail(f"budget.xlsx: {len(wb.uncalculated_cells())} formelceller uden beregnet værdi")
    fin = aftale["ressourcer"]["finansiering"]
    expect = {
        "Landsbyggefonden": budget_info["Landsbyggefonden"] + [fin["landsbyggefonden"]],
        "Lokal medfinansiering": budget_info["Lokal medfinansiering"] + [fin["lokal_medfinansiering"]],
        "Samlet finansiering": budget_info["Samlet finansiering"] + [fin["samlet"]],
        "Samlede udgifter": budget_info["Samlet finansiering"] + [fin["samlet"]],
        "Lokal medfinansiering i alt": budget_info["Lokal medfinansiering"] + [fin["lokal_medfinansiering"]],
    }
    for name, amount in lokal_fordeling(aftale):
        expect[name] = viborg.split_evenly(amount, len(budget_info["years"])) + [amount]
    for label, want in expect.items():
        cell = wb.find_label(label)
        got = [c.value for c in wb.sheet(cell.sheet).row_right_of(cell)][: len(want)] if cell else None
        if got is None or [int(v) for v in got] != want:
            fail(f"budget.xlsx »{label}«: {got} ≠ {want}")
        else:
            print(f"  budget.xlsx {label}: {' / '.join(da_int(v) for v in want)}")
    for label in ("Fra", "Til"):
        cell = wb.find_label(label)
        got = [c.value for c in wb.sheet(cell.sheet).row_right_of(cell)][:4]
        want = [fra if label == "Fra" else til for fra, til in budget_info["years"]]
        if [v.date() if isinstance(v, dt.datetime) else v for v in got] != want:
            fail(f"budget.xlsx »{label}«: {got} ≠ {want}")
    if wb.find_label(BANNER) is None:
        fail("budget.xlsx: linjen »EKSEMPEL – opdigtede tal« mangler")

    sk = open_workbook(dossier / "aktivitetsskema.xlsx")
    table = sk.sheet("Aktiviteter").table(["Indsatsområde", "Aktivitet", "Id", "Start", "Slut"])
    ids = [r["Id"].value for r in table.rows] if table else []
    if ids != [row[2] for row in akt_rows]:
        fail(f"aktivitetsskema.xlsx: {ids}")
    if sk.find_label(BANNER) is None:
        fail("aktivitetsskema.xlsx: linjen »EKSEMPEL – opdigtede tal« mangler")
    print(f"  aktivitetsskema.xlsx: {len(ids)} aktiviteter")

    pages = read_pdf(dossier / "centrale-maalinger.pdf")
    for label, value in pdf:
        found = find_figure(pages, label)
        if found is None or found[0] != value:
            fail(f"centrale-maalinger.pdf »{label}«: {found} ≠ {value}")
    for page in pages:
        if not any("EKSEMPEL" in line for line in page.lines):
            fail(f"centrale-maalinger.pdf side {page.number} siger ikke EKSEMPEL")
    print(f"  centrale-maalinger.pdf: {len(pages)} side(r), {len(pdf)} målinger")

    svg = (dossier / "organisationsdiagram.svg").read_text(encoding="utf-8")
    for o in aftale["organisering"]["organer"]:
        if escape(_wrap(o["navn"], 26)[0]) not in svg:
            fail(f"organisationsdiagram.svg mangler {o['navn']}")
    if "EKSEMPEL" not in svg:
        fail("organisationsdiagram.svg siger ikke EKSEMPEL")
    return ok


# ---------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dossier", type=Path, default=DEFAULT_DOSSIER)
    ap.add_argument("--no-verify", action="store_true", help="skip reading the files back")
    args = ap.parse_args(argv)
    dossier: Path = args.dossier

    aftale, delaftaler = viborg.load_dossier(dossier)

    budget = dossier / "budget.xlsx"
    budget_info = viborg.write_budget(
        budget,
        aftale,
        delaftaler,
        udgifter=UDGIFTER,
        expected=EXPECTED_FINANSIERING,
        note=BUDGET_NOTE,
        banner=BANNER,
        lokal_fordeling=lokal_fordeling(aftale),
        creator=CREATOR,
        doc_date=DOC_DATE,
    )
    recalculated = viborg.recalculate(budget)
    viborg.normalize_xlsx(budget, DOC_DATE)
    skema = dossier / "aktivitetsskema.xlsx"
    akt_rows = viborg.write_aktivitetsskema(
        skema, aftale, delaftaler, banner=BANNER, creator=CREATOR, doc_date=DOC_DATE
    )
    viborg.normalize_xlsx(skema, DOC_DATE)
    pdf = write_pdf(dossier / "centrale-maalinger.pdf", aftale)
    write_svg(dossier / "organisationsdiagram.svg", aftale)

    for name in ("budget.xlsx", "aktivitetsskema.xlsx", "centrale-maalinger.pdf", "organisationsdiagram.svg"):
        p = dossier / name
        print(f"skrev {p.relative_to(ROOT) if p.is_relative_to(ROOT) else p} ({p.stat().st_size} bytes)")
    if not recalculated:
        print("ADVARSEL: budget.xlsx er ikke genberegnet (se ovenfor).", file=sys.stderr)
        return 1
    if args.no_verify:
        return 0
    ok = verify(dossier, aftale, budget_info, akt_rows, pdf)
    print("Kontrol: OK" if ok else "Kontrol: FEJL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
