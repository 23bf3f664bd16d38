#!/usr/bin/env python3
"""(Re)create the Viborg 2017-2021 dossier's workbook, PDF and SVG annexes.

Writes, in agreements/viborg-2017-2021/:

  budget.xlsx              LBF-style budget, layout as docs/workbooks.md "budget.xlsx"
  aktivitetsskema.xlsx     one row per activity of the three delaftaler
  centrale-maalinger.pdf   "Bilag med centralt genererede målinger ved indsatsens starttidspunkt"
  organisationsdiagram.svg simple hand-drawn organisation chart (section 2)

Facts (helhedsplan, period, finansiering, indsatsområder, activities, beboere, lejemål,
fraflytningsprocenter) are read from the dossier's JSON sources, never retyped, and checked
against the figures the agreement states. The expenditure split per indsatsområde is an example:
the agreement gives only the financing totals.

What is invented says so where a reader looks (EKSEMPEL): the agreement names these annexes but
does not contain them. budget.xlsx and aktivitetsskema.xlsx carry a red banner line at the top of
their sheet and "EKSEMPEL" in the printed page header (the budget's totals are the agreement's; its
split on project years and indsatsområder is invented; the activities come from the drafted example
delaftaler); the central measurements PDF says EKSEMPEL at the top and bottom of every page (its
figures are the agreement's, the document is not LBF's); the organisationsdiagram has an EKSEMPEL
banner (the bodies are the agreement's, the drawing is not the parties').

openpyxl writes formulas without cached values, so budget.xlsx is recalculated and re-saved
with LibreOffice (soffice, headless) when it is installed; without it the script warns, and the
checker would report the workbook as `xlsx-not-calculated`.

Needs: openpyxl, fpdf2 (and pdfplumber for --verify, the default); optionally LibreOffice Calc.

Usage:  .venv/bin/python scripts/make_viborg_annexes.py [--dossier DIR] [--no-verify]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DOSSIER = ROOT / "agreements" / "viborg-2017-2021"

# What the agreement states (section 7, section 3); the JSON must agree.
EXPECTED_FINANSIERING = {
    "landsbyggefonden": 14_600_000,
    "lokal_medfinansiering": 12_502_000,
    "samlet": 27_102_000,
}
EXPECTED_AREA_ORDER = [
    "Egeparken",
    "Ellekonebakken",
    "Houlkærparken",
    "Houlkærvænget",
    "Rødkærparken",
    "Vestervang",
]

# Example expenditure per indsatsområde and project year, whole kroner. Each year's column must
# sum to that year's Samlet finansiering (checked below). Tværgående = sekretariat, ledelse,
# administration and evaluering; year 4 carries the final evaluation.
UDGIFTER = {
    "5.1": [1_980_000, 1_960_000, 1_950_000, 1_900_000],
    "5.3": [1_820_000, 1_860_000, 1_870_000, 1_830_000],
    "5.4": [1_700_000, 1_720_000, 1_730_000, 1_690_000],
    "Tværgående": [1_275_500, 1_235_500, 1_225_500, 1_355_500],
}

# Fixed dates so that re-running gives the same files (PDF byte for byte).
DOC_DATE = dt.datetime(2017, 4, 1, 0, 0, 0, tzinfo=dt.UTC)
CREATOR = "aftale (scripts/make_viborg_annexes.py)"
BUDGET_NOTE = "Alle beløb i hele kroner. Finansieringen er aftalens afsnit 7; fordelingen på indsatsområder er et eksempel."
BUDGET_BANNER = "EKSEMPEL – finansieringen i alt er aftalens afsnit 7; fordelingen på projektår og indsatsområder er opdigtet"
AKTIVITET_BANNER = (
    "EKSEMPEL – aktiviteterne er eksempler udarbejdet ud fra aftalen, ikke parternes eget skema"
)
PDF_BANNER = "EKSEMPEL – opstillet ud fra aftalens tal; ikke Landsbyggefondens eget bilag"
SVG_BANNER = "EKSEMPEL – tegnet ud fra aftalens afsnit 2; ikke parternes eget organisationsdiagram"

DATE_FMT = "d.m.yyyy"
MONEY_FMT = "#,##0"


# ---------------------------------------------------------------- reading the dossier


def load_json(path: Path) -> dict:
    with path.open(encoding="utf-8") as fh:
        return json.load(fh)


def load_dossier(dossier: Path) -> tuple[dict, list[dict]]:
    aftale = load_json(dossier / "samarbejdsaftale.json")
    delaftaler = []
    for omr in aftale["indsatsomraader"]["omraader"]:
        delaftaler.append(load_json(dossier / omr["delaftale"]))
    return aftale, delaftaler


def iso(s: str) -> dt.date:
    return dt.date.fromisoformat(s)


def project_years(start: dt.date, slut: dt.date) -> list[tuple[dt.date, dt.date]]:
    years = []
    fra = start
    while fra <= slut:
        nxt = fra.replace(year=fra.year + 1)
        years.append((fra, min(nxt - dt.timedelta(days=1), slut)))
        fra = nxt
    if years[-1][1] != slut:
        raise SystemExit(f"perioden {start}..{slut} er ikke hele projektår")
    return years


def split_evenly(total: int, n: int) -> list[int]:
    """Whole kroner, summing exactly to total; any remainder goes to the first years."""
    base, rest = divmod(total, n)
    return [base + (1 if i < rest else 0) for i in range(n)]


# ---------------------------------------------------------------- Danish number format


def da_int(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def da_dec(x: float | int) -> str:
    s = repr(x) if isinstance(x, float) else str(x)
    if s.endswith(".0"):
        s = s[:-2]
    return s.replace(".", ",")


def da_date(d: dt.date) -> str:
    return f"{d.day}.{d.month}.{d.year}"


# ---------------------------------------------------------------- budget.xlsx


def write_budget(
    path: Path,
    aftale: dict,
    delaftaler: list[dict],
    *,
    udgifter: dict[str, list[int]] = UDGIFTER,
    expected: dict[str, int] | None = EXPECTED_FINANSIERING,
    note: str = BUDGET_NOTE,
    banner: str | None = None,
    lokal_fordeling: list[tuple[str, int]] | None = None,
    creator: str = CREATOR,
    doc_date: dt.datetime = DOC_DATE,
) -> dict:
    """The budget workbook. udgifter: expenditure per indsatsområde number (and "Tværgående") per
    project year; expected: the financing figures the agreement states, checked against the JSON;
    banner: a line shown in row 3 (e.g. that the figures are invented); lokal_fordeling: (contributor's
    name, amount) rows shown per project year under "Lokal medfinansiering fordelt"."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    fin = aftale["ressourcer"]["finansiering"]
    for key, val in (expected or {}).items():
        if fin[key] != val:
            raise SystemExit(f"finansiering.{key} er {fin[key]}, aftalen siger {val}")
    if fin["landsbyggefonden"] + fin["lokal_medfinansiering"] != fin["samlet"]:
        raise SystemExit("finansieringen summer ikke")

    start, slut = iso(aftale["periode"]["start"]), iso(aftale["periode"]["slut"])
    years = project_years(start, slut)
    n = len(years)
    lbf = split_evenly(fin["landsbyggefonden"], n)
    lokal = split_evenly(fin["lokal_medfinansiering"], n)
    samlet = [a + b for a, b in zip(lbf, lokal, strict=True)]

    rows_udg: list[tuple[str, list[int]]] = []
    for omr in aftale["indsatsomraader"]["omraader"]:
        rows_udg.append((f"{omr['nummer']} {omr['navn']}", udgifter[omr["nummer"]]))
    rows_udg.append(("Tværgående", udgifter["Tværgående"]))
    for label, vals in rows_udg:
        if len(vals) != n:
            raise SystemExit(f"{label}: {len(vals)} år, perioden har {n}")
    for i in range(n):
        col_sum = sum(vals[i] for _, vals in rows_udg)
        if col_sum != samlet[i]:
            raise SystemExit(f"År {i + 1}: udgifter {col_sum} ≠ finansiering {samlet[i]}")
    rows_lokal = [(name, split_evenly(amount, n)) for name, amount in lokal_fordeling or []]
    if rows_lokal:
        for i in range(n):
            if sum(vals[i] for _, vals in rows_lokal) != lokal[i]:
                raise SystemExit(
                    f"År {i + 1}: bidragene til den lokale medfinansiering summer ikke til {lokal[i]}"
                )

    wb = Workbook()
    ws = wb.active
    ws.title = "Finansiering"
    wb.properties.creator = creator
    wb.properties.title = "Budget - " + aftale["helhedsplan"]
    wb.properties.created = doc_date.replace(tzinfo=None)
    wb.properties.modified = doc_date.replace(tzinfo=None)

    bold = Font(bold=True)
    title_font = Font(bold=True, size=14)
    head_fill = PatternFill("solid", fgColor="DDEBF7")
    total_fill = PatternFill("solid", fgColor="F2F2F2")
    thin = Side(style="thin", color="808080")
    top_border = Border(top=thin)
    right = Alignment(horizontal="right")

    first_col, last_year_col = 2, 1 + n
    total_col = last_year_col + 1
    L = get_column_letter

    layout: dict[str, int] = {}

    def label(row: int, text: str, *, font=bold, fill=None) -> None:
        c = ws.cell(row=row, column=1, value=text)
        c.font = font
        if fill:
            c.fill = fill
        layout[text] = row

    ws.cell(row=1, column=1, value="Budget for den boligsociale indsats").font = title_font
    ws.cell(row=2, column=1, value=note).font = Font(italic=True, color="595959")
    if banner:
        ws.cell(row=3, column=1, value=banner).font = Font(bold=True, color="C00000")
        ws.oddHeader.center.text = banner  # on every printed page too

    r = 4
    label(r, "Helhedsplan")
    ws.cell(row=r, column=2, value=aftale["helhedsplan"])
    r += 1
    label(r, "Periode")
    for col, d in ((2, start), (3, slut)):
        c = ws.cell(row=r, column=col, value=d)
        c.number_format = DATE_FMT
        c.alignment = right

    def year_header(row: int, text: str) -> None:
        label(row, text, fill=head_fill)
        for i in range(n):
            c = ws.cell(row=row, column=first_col + i, value=f"År {i + 1}")
            c.font, c.fill, c.alignment = bold, head_fill, right
        c = ws.cell(row=row, column=total_col, value="I alt")
        c.font, c.fill, c.alignment = bold, head_fill, right

    r = 7
    year_header(r, "Projektår")
    for offset, text in ((1, "Fra"), (2, "Til")):
        label(r + offset, text)
        for i, (fra, til) in enumerate(years):
            c = ws.cell(row=r + offset, column=first_col + i, value=fra if text == "Fra" else til)
            c.number_format = DATE_FMT
            c.alignment = right

    def amount_row(row: int, text: str, vals: list[int]) -> None:
        label(row, text, font=Font(bold=False))
        for i, v in enumerate(vals):
            ws.cell(row=row, column=first_col + i, value=v).number_format = MONEY_FMT
        c = ws.cell(row=row, column=total_col, value=f"=SUM({L(first_col)}{row}:{L(last_year_col)}{row})")
        c.number_format, c.font = MONEY_FMT, bold

    def sum_row(row: int, text: str, first: int, last: int) -> None:
        label(row, text, fill=total_fill)
        ws.cell(row=row, column=1).border = top_border
        for col in range(first_col, total_col + 1):
            if col == total_col:
                f = f"=SUM({L(first_col)}{row}:{L(last_year_col)}{row})"
            else:
                f = f"=SUM({L(col)}{first}:{L(col)}{last})"
            c = ws.cell(row=row, column=col, value=f)
            c.number_format, c.font, c.fill, c.border = MONEY_FMT, bold, total_fill, top_border

    r = 11
    ws.cell(row=r - 1, column=1, value="Finansiering (kr.)").font = Font(bold=True, italic=True)
    amount_row(r, "Landsbyggefonden", lbf)
    amount_row(r + 1, "Lokal medfinansiering", lokal)
    sum_row(r + 2, "Samlet finansiering", r, r + 1)

    r = 15
    year_header(r, "Udgifter pr. indsatsområde")
    for k, (text, vals) in enumerate(rows_udg, start=1):
        amount_row(r + k, text, vals)
    sum_row(r + len(rows_udg) + 1, "Samlede udgifter", r + 1, r + len(rows_udg))

    if rows_lokal:
        r = r + len(rows_udg) + 3
        year_header(r, "Lokal medfinansiering fordelt")
        for k, (text, vals) in enumerate(rows_lokal, start=1):
            amount_row(r + k, text, vals)
        sum_row(r + len(rows_lokal) + 1, "Lokal medfinansiering i alt", r + 1, r + len(rows_lokal))

    ws.column_dimensions["A"].width = 38
    for col in range(first_col, total_col + 1):
        ws.column_dimensions[L(col)].width = 14
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.sheet_properties.pageSetUpPr.fitToPage = True

    wb.save(path)
    return {
        "years": years,
        "Landsbyggefonden": lbf,
        "Lokal medfinansiering": lokal,
        "Samlet finansiering": samlet,
        "udgifter": rows_udg,
        "lokal_fordeling": rows_lokal,
        "layout": layout,
        "total_col": L(total_col),
    }


def soffice_binary() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


RECALC_XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def recalculate(path: Path) -> bool:
    """Open and save the workbook in LibreOffice so that formula cells carry cached values."""
    soffice = soffice_binary()
    if not soffice:
        print(
            f"ADVARSEL: LibreOffice (soffice) findes ikke; {path.name} har formler uden beregnede værdier "
            "og vil blive meldt som xlsx-not-calculated. Installér libreoffice-calc-nogui og kør scriptet igen.",
            file=sys.stderr,
        )
        return False
    with tempfile.TemporaryDirectory(prefix="aftale-lo-") as tmp:
        tmpdir = Path(tmp)
        profile = tmpdir / "profile"
        (profile / "user").mkdir(parents=True)
        # "Always recalculate" on load, so formulas are calculated even where a value is present.
        (profile / "user" / "registrymodifications.xcu").write_text(RECALC_XCU, encoding="utf-8")
        outdir = tmpdir / "out"
        outdir.mkdir()
        cmd = [
            soffice,
            "--headless",
            "--norestore",
            "--nolockcheck",
            f"-env:UserInstallation={profile.as_uri()}",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
            str(outdir),
            str(path),
        ]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
        result = outdir / path.name
        if proc.returncode != 0 or not result.exists():
            print(
                f"ADVARSEL: LibreOffice kunne ikke genberegne {path.name} (exit {proc.returncode}):\n"
                f"{proc.stdout}{proc.stderr}",
                file=sys.stderr,
            )
            return False
        shutil.move(str(result), str(path))
    return True


def normalize_xlsx(path: Path, doc_date: dt.datetime = DOC_DATE) -> None:
    """Fixed timestamps (zip entries, docProps/core.xml), so re-running gives the same bytes."""
    stamp = doc_date.strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(path) as zin:
        entries = [(info, zin.read(info)) for info in zin.infolist()]
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zout:
        for info, data in entries:
            if info.filename == "docProps/core.xml":
                text = data.decode("utf-8")
                for tag in ("dcterms:created", "dcterms:modified"):
                    text = re.sub(rf"(<{tag}\b[^>]*>)[^<]*(</{tag}>)", rf"\g<1>{stamp}\g<2>", text)
                text = re.sub(r"<dc:language>[^<]*</dc:language>", "<dc:language>da-DK</dc:language>", text)
                data = text.encode("utf-8")
            zi = zipfile.ZipInfo(info.filename, date_time=doc_date.timetuple()[:6])
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            zout.writestr(zi, data)
    tmp.replace(path)


# ---------------------------------------------------------------- aktivitetsskema.xlsx


def write_aktivitetsskema(
    path: Path,
    aftale: dict,
    delaftaler: list[dict],
    *,
    banner: str | None = None,
    title_banner: str | None = None,
    creator: str = CREATOR,
    doc_date: dt.datetime = DOC_DATE,
) -> list[list]:
    """One row per activity of the delaftaler; banner: a line shown under the title (the table then
    starts a row lower); title_banner: a line shown instead of the title, in red, keeping the table
    where it is (row 2). Either is also the printed page header."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    headers = [
        "Indsatsområde",
        "Aktivitet",
        "Id",
        "Målgruppe",
        "Boligområder",
        "Ansvarlig",
        "Start",
        "Slut",
        "Samarbejdspartnere",
        "Omfang",
    ]
    widths = [14, 36, 30, 44, 50, 34, 11, 11, 50, 50]
    rows = []
    for da in delaftaler:
        nr = da["indsatsomraade"]["nummer"]
        for a in da["aktiviteter"]:
            rows.append(
                [
                    str(nr),
                    a["navn"],
                    a["id"],
                    a.get("maalgruppe", ""),
                    ", ".join(a.get("omraader", [])),
                    a.get("ansvarlig", ""),
                    iso(a["periode"]["start"]),
                    iso(a["periode"]["slut"]),
                    ", ".join(a.get("samarbejdspartnere", [])),
                    a.get("omfang", ""),
                ]
            )

    wb = Workbook()
    ws = wb.active
    ws.title = "Aktiviteter"
    wb.properties.creator = creator
    wb.properties.title = "Aktivitetsskema - " + aftale["helhedsplan"]
    wb.properties.created = doc_date.replace(tzinfo=None)
    wb.properties.modified = doc_date.replace(tzinfo=None)

    start, slut = iso(aftale["periode"]["start"]), iso(aftale["periode"]["slut"])
    title = f"Aktivitetsskema - {aftale['helhedsplan']}, {da_date(start)}-{da_date(slut)}"
    if title_banner:
        ws.cell(row=1, column=1, value=f"{title_banner}: {title}").font = Font(
            bold=True, size=14, color="C00000"
        )
    else:
        ws.cell(row=1, column=1, value=title).font = Font(bold=True, size=14)
    head = 2
    if banner:
        ws.cell(row=2, column=1, value=banner).font = Font(bold=True, color="C00000")
        head = 3
    if banner or title_banner:
        ws.oddHeader.center.text = banner or title_banner
    head_fill = PatternFill("solid", fgColor="DDEBF7")
    for col, h in enumerate(headers, start=1):
        c = ws.cell(row=head, column=col, value=h)
        c.font, c.fill = Font(bold=True), head_fill
        c.alignment = Alignment(vertical="top", wrap_text=True)
    wrap = Alignment(vertical="top", wrap_text=True)
    for r, row in enumerate(rows, start=head + 1):
        for col, v in enumerate(row, start=1):
            c = ws.cell(row=r, column=col, value=v)
            c.alignment = wrap
            if isinstance(v, dt.date):
                c.number_format = DATE_FMT
            elif col == 1:
                c.data_type = "s"
                c.number_format = "@"
    for col, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = w
    ws.freeze_panes = f"C{head + 1}"
    ws.auto_filter.ref = f"A{head}:{get_column_letter(len(headers))}{len(rows) + head}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    wb.save(path)
    return rows


# ---------------------------------------------------------------- centrale-maalinger.pdf


def fraflytning_baseline(aftale: dict) -> dict[str, float]:
    for omr in aftale["indsatsomraader"]["omraader"]:
        for s in omr.get("succeskriterier", []):
            if s["id"].endswith("-fraflytning"):
                return s["baseline"]["per_omraade"]
    raise SystemExit("intet succeskriterium *-fraflytning i aftalen")


def noegletal(aftale: dict, id_: str) -> dict:
    for n in aftale["beskrivelse"].get("noegletal", []):
        if n["id"] == id_:
            return n
    raise SystemExit(f"nøgletal {id_} mangler i aftalen")


def pdf_lines(aftale: dict) -> tuple[list[tuple[str, str]], list[str]]:
    besk = aftale["beskrivelse"]
    rows = [("Antal beboere", da_int(besk["beboere"])), ("Antal lejemål", da_int(besk["lejemaal"]))]
    fra = fraflytning_baseline(aftale)
    if list(fra) != EXPECTED_AREA_ORDER:
        raise SystemExit(f"områdernes rækkefølge er {list(fra)}")
    for area, value in fra.items():
        rows.append((f"Fraflytningsprocent 2015, {area}", f"{da_dec(value)} %"))
    forsoerg = noegletal(aftale, "offentlig-forsoergelse")
    indkomst = noegletal(aftale, "indkomst-andel-af-kommunen")
    extra = [
        f"Andel beboere på offentlig forsørgelse: over {da_dec(forsoerg['fra'])} %",
        f"Indkomstniveau i pct. af kommunens gennemsnit: {da_dec(indkomst['fra'])}-{da_dec(indkomst['til'])} %",
        f"Kilde: {indkomst['kilde']}",
    ]
    return rows, extra


def central_pdf(
    aftale: dict,
    rows: list[tuple[str, str]],
    *,
    banner: str,
    author: str,
    creator: str,
    label_w: float,
    created: dt.datetime = DOC_DATE,
    plan_wraps: bool = False,
):
    """The central-measurements annex up to and including its table of figures, EKSEMPEL in the header
    and footer of every page: (the fpdf document, the text width), for the caller to finish and save.
    Shared by both examples' annex scripts."""
    from fpdf import FPDF

    class ExamplePDF(FPDF):
        def header(self) -> None:
            self.set_font("Helvetica", "B", 11)
            self.set_text_color(192, 0, 0)
            self.cell(0, 6, banner, align="C", new_x="LMARGIN", new_y="NEXT")
            self.set_text_color(0, 0, 0)
            self.ln(2)

        def footer(self) -> None:
            self.set_y(-15)
            self.set_font("Helvetica", "I", 8)
            self.set_text_color(192, 0, 0)
            self.cell(0, 5, f"EKSEMPEL – side {self.page_no()}", align="C")

    start = iso(aftale["periode"]["start"])
    helhedsplan = aftale["helhedsplan"]
    areas = [o["navn"] for o in aftale["omraader"]]

    pdf = ExamplePDF(format="A4", unit="mm")
    pdf.core_fonts_encoding = "windows-1252"  # the en dash of the banner
    pdf.set_creation_date(created)
    pdf.set_title("Bilag med centralt genererede målinger ved indsatsens starttidspunkt (EKSEMPEL)")
    pdf.set_subject(f"Boligsocial indsats: {helhedsplan}")
    pdf.set_author(author)
    pdf.set_creator(creator)
    pdf.set_producer("fpdf2")
    pdf.set_lang("da")
    pdf.set_margins(20, 15, 20)
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_page()

    w = pdf.w - pdf.l_margin - pdf.r_margin
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(w, 9, "Landsbyggefonden (EKSEMPEL)", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "B", 12)
    pdf.multi_cell(
        w,
        6,
        "Bilag med centralt genererede målinger ved indsatsens starttidspunkt",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(3)
    pdf.set_font("Helvetica", "", 11)
    if plan_wraps:
        pdf.multi_cell(w, 6, f"Boligsocial indsats: {helhedsplan}", new_x="LMARGIN", new_y="NEXT")
    else:
        pdf.cell(w, 6, f"Boligsocial indsats: {helhedsplan}", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(w, 6, f"Opgørelse ved indsatsens start {da_date(start)}", new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(w, 6, "Boligområder: " + ", ".join(areas), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(5)

    value_w = 30
    pdf.set_font("Helvetica", "B", 11)
    pdf.set_fill_color(221, 235, 247)
    pdf.cell(label_w, 8, "Måling", border="B", fill=True)
    pdf.cell(value_w, 8, "Værdi", border="B", fill=True, align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 11)
    for label, value in rows:
        pdf.cell(label_w, 7, label, border="B")
        pdf.cell(value_w, 7, value, border="B", align="R", new_x="LMARGIN", new_y="NEXT")
    return pdf, w


def write_pdf(path: Path, aftale: dict) -> tuple[list[tuple[str, str]], list[str]]:
    rows, extra = pdf_lines(aftale)
    pdf, w = central_pdf(
        aftale,
        rows,
        banner=PDF_BANNER,
        author="Landsbyggefonden (eksempel)",
        creator="aftale (scripts/make_viborg_annexes.py), eksempel",
        label_w=120,
    )

    pdf.ln(6)
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(w, 7, "Øvrige nøgletal", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 11)
    for line in extra:
        pdf.cell(w, 6, line, new_x="LMARGIN", new_y="NEXT")

    pdf.ln(8)
    pdf.set_font("Helvetica", "I", 8)
    pdf.set_text_color(89, 89, 89)
    pdf.multi_cell(
        w,
        4,
        "EKSEMPEL: bilaget er dannet af aftale (scripts/make_viborg_annexes.py); tallene er overført fra den "
        "strategiske samarbejdsaftales afsnit 3 og 5.1. Landsbyggefondens eget bilag erstatter det.",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.output(str(path))
    return rows, extra


# ---------------------------------------------------------------- organisationsdiagram.svg


def write_svg(path: Path, aftale: dict) -> None:
    organer = {o["id"]: o for o in aftale["organisering"]["organer"]}
    sek = aftale["sekretariat"]
    best, pkg, bp = organer["bestyrelse"], organer["projektkoordineringsgruppe"], organer["beboerpanel"]
    start, slut = iso(aftale["periode"]["start"]), iso(aftale["periode"]["slut"])
    omr = ", ".join(f"{o['nummer']} {o['navn']}" for o in aftale["indsatsomraader"]["omraader"])

    def freq(o: dict) -> str:
        m = o["moedefrekvens"]
        return f"{'ca. ' if m.get('cirka') else ''}{m['min_pr_aar']}-{m['max_pr_aar']} møder om året"

    def box(x, y, w, h, title, lines, fill, stroke="#1F4E79", dash=False):
        d = ' stroke-dasharray="6 4"' if dash else ""
        out = [
            f'<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="8" fill="{fill}" stroke="{stroke}" '
            f'stroke-width="2"{d}/>',
            f'<text x="{x + w / 2:g}" y="{y + 26}" class="title">{escape(title)}</text>',
        ]
        for i, ln in enumerate(lines):
            out.append(f'<text x="{x + w / 2:g}" y="{y + 48 + i * 18}" class="sub">{escape(ln)}</text>')
        return "\n  ".join(out)

    def line(x1, y1, x2, y2, dash=False):
        d = ' stroke-dasharray="6 4"' if dash else ""
        return f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="#404040" stroke-width="2"{d}/>'

    def note(x, y, text, anchor="middle"):
        return f'<text x="{x}" y="{y}" class="note" text-anchor="{anchor}">{escape(text)}</text>'

    W, H = 960, 640
    BAND = 40  # the EKSEMPEL banner above the diagram
    parts = [
        f'<text x="{W / 2:g}" y="34" class="head">Organisationsdiagram: {escape(aftale["helhedsplan"])}</text>',
        f'<text x="{W / 2:g}" y="56" class="sub">{da_date(start)}-{da_date(slut)} · indsatsområder {escape(omr)}</text>',
        # lines first, boxes on top
        line(480, 170, 480, 230),
        line(200, 230, 760, 230),
        line(200, 230, 200, 270),
        line(760, 230, 760, 270),
        note(490, 215, "refererer til bestyrelsen", anchor="start"),
        line(480, 230, 480, 450),  # secretariat reports (fagligt) to the board
        line(340, 485, 200, 355, dash=True),
        line(620, 485, 760, 355, dash=True),
        note(255, 430, "faciliterer"),
        note(705, 430, "faciliterer"),
        line(640, 520, 720, 520, dash=True),
        note(680, 510, "administrativt"),
        box(
            340, 80, 280, 90, best["navn"], ["Viborg Kommune og boligorganisationerne", freq(best)], "#DDEBF7"
        ),
        box(50, 270, 300, 85, pkg["navn"], ["på tværs af de 3 indsatsområder", freq(pkg)], "#EAF3E2"),
        box(610, 270, 300, 85, bp["navn"], ["boligselskabernes følgegruppe", freq(bp)], "#FFF2CC"),
        box(
            300,
            450,
            340,
            110,
            sek["navn"],
            [
                "faciliterer helhedsplanen og sekretariatsbetjener",
                "organerne; administrativt placeret under",
                sek["placering"],
            ],
            "#F2F2F2",
        ),
        box(
            720,
            480,
            200,
            80,
            sek["placering"],
            ["boligorganisation", "(administrativ placering)"],
            "#FFFFFF",
            stroke="#808080",
            dash=True,
        ),
        note(480, 600, "Fuld linje: refererer til. Stiplet linje: faciliterer / administrativ placering."),
    ]
    svg = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H + BAND}" viewBox="0 0 {W} {H + BAND}" '
        'font-family="Helvetica, Arial, sans-serif" xml:lang="da">\n'
        f"  <title>EKSEMPEL: organisationsdiagram, {escape(aftale['helhedsplan'])}</title>\n"
        "  <style>\n"
        "    .banner { font-size: 17px; font-weight: bold; text-anchor: middle; fill: #C00000; }\n"
        "    .head { font-size: 20px; font-weight: bold; text-anchor: middle; fill: #1F1F1F; }\n"
        "    .title { font-size: 16px; font-weight: bold; text-anchor: middle; fill: #1F1F1F; }\n"
        "    .sub { font-size: 13px; text-anchor: middle; fill: #333333; }\n"
        "    .note { font-size: 12px; font-style: italic; fill: #555555; }\n"
        "  </style>\n"
        '  <rect x="0" y="0" width="100%" height="100%" fill="#FFFFFF"/>\n'
        f'  <rect x="0" y="0" width="{W}" height="{BAND - 8}" fill="#FDECEC"/>\n'
        f'  <text x="{W / 2:g}" y="{BAND - 16}" class="banner">{escape(SVG_BANNER)}</text>\n'
        f'  <g transform="translate(0 {BAND})">\n'
        "  " + "\n  ".join(parts) + "\n  </g>\n</svg>\n"
    )
    path.write_text(svg, encoding="utf-8")


# ---------------------------------------------------------------- verification


def verify(dossier: Path, budget_info: dict, akt_rows: list[list], recalculated: bool) -> bool:
    import xml.etree.ElementTree as ET

    import pdfplumber
    from openpyxl import load_workbook

    ok = True

    def fail(msg: str) -> None:
        nonlocal ok
        ok = False
        print("FEJL:", msg)

    # budget.xlsx
    bpath = dossier / "budget.xlsx"
    wf = load_workbook(bpath, data_only=False)
    wv = load_workbook(bpath, data_only=True)
    print(f"budget.xlsx: ark {wf.sheetnames}")
    if "Finansiering" not in wf.sheetnames:
        fail("arket Finansiering mangler")
    sf, sv = wf["Finansiering"], wv["Finansiering"]
    n_formulas = 0
    for row in sf.iter_rows():
        for c in row:
            if isinstance(c.value, str) and c.value.startswith("="):
                n_formulas += 1
                cached = sv[c.coordinate].value
                print(f"  {c.coordinate:>4} {c.value:<16} -> {cached!r}")
                if not isinstance(cached, int | float):
                    if recalculated:
                        fail(f"{c.coordinate} har ingen beregnet værdi")
    print(f"  {n_formulas} formelceller")
    # Read by label, as the checker does, and compare with what was written.
    by_label = {}
    for row in sv.iter_rows():
        if isinstance(row[0].value, str):
            by_label[row[0].value.strip().rstrip(":").lower()] = [c.value for c in row[1:]]
    expect = {
        "landsbyggefonden": budget_info["Landsbyggefonden"],
        "lokal medfinansiering": budget_info["Lokal medfinansiering"],
        "samlet finansiering": budget_info["Samlet finansiering"],
        "samlede udgifter": budget_info["Samlet finansiering"],
    }
    for lbl, vals in expect.items():
        got = by_label.get(lbl)
        want = vals + [sum(vals)]
        if recalculated and (got is None or [int(v) for v in got[: len(want)]] != want):
            fail(f"{lbl}: {got} ≠ {want}")
    if by_label.get("helhedsplan", [None])[0] != "den boligsociale Helhedsplan i Viborg":
        fail("Helhedsplan")
    per = by_label.get("periode", [])
    per_dates = [v.date() if isinstance(v, dt.datetime) else v for v in per[:2]]
    if per_dates != [dt.date(2017, 4, 1), dt.date(2021, 3, 31)]:
        fail(f"Periode {per[:2]}")
    print(f"  Periode: {per[:2]}")
    if not any(isinstance(c.value, str) and c.value.startswith("EKSEMPEL") for c in sv["A"][:4]):
        fail("budget.xlsx siger ikke EKSEMPEL øverst")
    print(f"  Fra: {by_label.get('fra', [])[:4]}")
    print(f"  Til: {by_label.get('til', [])[:4]}")

    # aktivitetsskema.xlsx
    apath = dossier / "aktivitetsskema.xlsx"
    wa = load_workbook(apath)
    sa = wa["Aktiviteter"]
    header_row = next(r for r in sa.iter_rows() if any(c.value == "Aktivitet" for c in r))
    hdr = {c.value: c.column - 1 for c in header_row if c.value}
    got_rows = []
    for r in sa.iter_rows(min_row=header_row[0].row + 1):
        vals = [c.value for c in r]
        if all(v is None for v in vals):
            break
        got_rows.append(vals)
    print(
        f"aktivitetsskema.xlsx: ark {wa.sheetnames}, overskriftsrække {header_row[0].row}, {len(got_rows)} aktiviteter"
    )
    for name in wa.sheetnames:
        if not str(wa[name]["A1"].value or "").startswith("EKSEMPEL"):
            fail(f"aktivitetsskema.xlsx, arket {name} siger ikke EKSEMPEL øverst")
    if len(got_rows) != 13:
        fail(f"{len(got_rows)} aktiviteter, ventede 13")
    for vals in got_rows:
        if not isinstance(vals[hdr["Start"]], dt.datetime) or not isinstance(vals[hdr["Slut"]], dt.datetime):
            fail(f"datoer ikke datoer: {vals}")
        if not isinstance(vals[hdr["Indsatsområde"]], str):
            fail(f"Indsatsområde ikke tekst: {vals}")
        print(
            f"  {vals[hdr['Indsatsområde']]}  {vals[hdr['Id']]:<28} {vals[hdr['Start']]:%Y-%m-%d}..{vals[hdr['Slut']]:%Y-%m-%d}  {vals[hdr['Aktivitet']]}"
        )

    # centrale-maalinger.pdf
    ppath = dossier / "centrale-maalinger.pdf"
    with pdfplumber.open(ppath) as pdf:
        pages = [p.extract_text() or "" for p in pdf.pages]
        text = "\n".join(pages)
        meta = pdf.metadata
    for number, page in enumerate(pages, start=1):
        if PDF_BANNER not in page:
            fail(f"centrale-maalinger.pdf side {number} siger ikke EKSEMPEL")
    lines = text.splitlines()
    print(
        f"centrale-maalinger.pdf: metadata Title={meta.get('Title')!r} CreationDate={meta.get('CreationDate')!r}"
    )
    for ln in lines:
        print("  |", ln)
    rows, extra = pdf_lines(load_json(dossier / "samarbejdsaftale.json"))
    for label, value in rows:
        if f"{label} {value}" not in lines:
            fail(f"PDF-linjen »{label} {value}« mangler")
    for ln in extra:
        if ln not in lines:
            fail(f"PDF-linjen »{ln}« mangler")
    if not all(ch in text for ch in "æøØå"):
        fail("æøå er ikke bevaret i PDF-teksten")

    # organisationsdiagram.svg
    spath = dossier / "organisationsdiagram.svg"
    raw = spath.read_bytes()
    root = ET.fromstring(raw)
    texts = " ".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text"))
    if not raw.startswith(b'<?xml version="1.0" encoding="UTF-8"?>'):
        fail("SVG uden XML-erklæring")
    for must in (
        SVG_BANNER,
        "Bestyrelsen",
        "Projektkoordineringsgruppen",
        "Beboerpanelet",
        "Boligselskabernes Fællessekretariat",
        "Boligselskabet Viborg",
    ):
        if must not in texts:
            fail(f"SVG mangler {must}")
    print(
        f"organisationsdiagram.svg: gyldig XML, rod {root.tag}, {len(list(root.iter('{http://www.w3.org/2000/svg}line')))} linjer"
    )
    return ok


# ---------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dossier", type=Path, default=DEFAULT_DOSSIER)
    ap.add_argument("--no-verify", action="store_true", help="skip reading the files back")
    args = ap.parse_args(argv)
    dossier: Path = args.dossier

    aftale, delaftaler = load_dossier(dossier)

    budget_info = write_budget(dossier / "budget.xlsx", aftale, delaftaler, banner=BUDGET_BANNER)
    recalculated = recalculate(dossier / "budget.xlsx")
    normalize_xlsx(dossier / "budget.xlsx")
    akt_rows = write_aktivitetsskema(
        dossier / "aktivitetsskema.xlsx", aftale, delaftaler, title_banner=AKTIVITET_BANNER
    )
    normalize_xlsx(dossier / "aktivitetsskema.xlsx")
    write_pdf(dossier / "centrale-maalinger.pdf", aftale)
    write_svg(dossier / "organisationsdiagram.svg", aftale)

    for name in ("budget.xlsx", "aktivitetsskema.xlsx", "centrale-maalinger.pdf", "organisationsdiagram.svg"):
        p = dossier / name
        print(f"skrev {p.relative_to(ROOT) if p.is_relative_to(ROOT) else p} ({p.stat().st_size} bytes)")
    if not recalculated:
        print("ADVARSEL: budget.xlsx er ikke genberegnet (se ovenfor).", file=sys.stderr)

    if args.no_verify:
        return 0 if recalculated else 1
    ok = verify(dossier, budget_info, akt_rows, recalculated)
    print("Kontrol: OK" if ok and recalculated else "Kontrol: FEJL/ADVARSEL")
    return 0 if ok and recalculated else 1


if __name__ == "__main__":
    sys.exit(main())
