"""Finance: the agreement's figures add up, the local share meets the rule set, and the budget
workbook agrees with the agreement to the krone."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal

from checker.findings import Severity
from checker.readers import ReaderError
from checker.readers.xlsx import label_key
from checker.rules import Hit, rule
from checker.rules._util import kr, money

AGREEMENT = "samarbejdsaftale.json"
FIN = "/ressourcer/finansiering"
SRC_SECTION7 = ("Samarbejdsaftalens afsnit 7, Ressourcer", "The agreement's section 7, Resources")


@rule(
    "finance-total",
    "finance",
    Severity.ERROR,
    title=("Finansieringen summer", "Financing adds up"),
    message=(
        "Landsbyggefonden ({lbf}) + lokal medfinansiering ({lokal}) = {sum}, men samlet budget er {samlet}",
        "Landsbyggefonden ({lbf}) + local co-financing ({lokal}) = {sum}, but the total budget is {samlet}",
    ),
    hint=(
        "Ret det beløb, der er forkert, så summen passer til kronen.",
        "Correct the wrong amount so the sum matches to the krone.",
    ),
    source=SRC_SECTION7,
)
def total(ctx) -> Iterator[Hit]:
    fin = ctx.agreement["ressourcer"]["finansiering"]
    lbf, lokal, samlet = (
        money(fin["landsbyggefonden"]),
        money(fin["lokal_medfinansiering"]),
        money(fin["samlet"]),
    )
    if lbf + lokal != samlet:
        yield Hit(
            AGREEMENT,
            {"lbf": kr(lbf), "lokal": kr(lokal), "sum": kr(lbf + lokal), "samlet": kr(samlet)},
            FIN + "/samlet",
        )


@rule(
    "finance-local-share",
    "finance",
    Severity.ERROR,
    title=(
        "Lokal medfinansiering mindst regelsættets andel",
        "Local co-financing at least the rule set's share",
    ),
    message=(
        "Den lokale medfinansiering er {andel} % af det samlede budget; regelsættet {regelsaet} kræver mindst {minimum} %.",
        "Local co-financing is {andel} % of the total budget; the rule set {regelsaet} requires at least {minimum} %.",
    ),
    hint=(
        "Øg den lokale medfinansiering til mindst {minimum_kr}",
        "Raise local co-financing to at least {minimum_kr}",
    ),
    source=(
        "Regelsættets krav »lokal-medfinansiering« (min_procent)",
        "The rule set's requirement 'lokal-medfinansiering' (min_procent)",
    ),
)
def local_share(ctx) -> Iterator[Hit]:
    if ctx.ruleset is None or ctx.ruleset.min_lokal_procent is None:
        return
    fin = ctx.agreement["ressourcer"]["finansiering"]
    lokal, samlet = money(fin["lokal_medfinansiering"]), money(fin["samlet"])
    minimum = Decimal(str(ctx.ruleset.min_lokal_procent))
    if samlet > 0 and lokal * 100 < minimum * samlet:
        share = (lokal * 100 / samlet).quantize(Decimal("0.1"))
        yield Hit(
            AGREEMENT,
            {
                "andel": str(share).replace(".", ","),
                "minimum": format(minimum.normalize(), "f").replace(".", ","),
                "regelsaet": ctx.ruleset.id,
                "minimum_kr": kr((minimum * samlet / 100).quantize(Decimal("1"))),
            },
            FIN + "/lokal_medfinansiering",
        )


# --- the budget workbook -----------------------------------------------------------------------------------

ROWS = (
    ("Landsbyggefonden", "landsbyggefonden"),
    ("Lokal medfinansiering", "lokal_medfinansiering"),
    ("Samlet finansiering", "samlet"),
)


def _budget_files(ctx) -> list[tuple[int, int, str]]:
    return [
        (i, j, rel)
        for i, j, rel in ctx.annex_files("budget")
        if rel.lower().endswith(".xlsx") and ctx.path(rel).is_file() and ctx.inside(rel)
    ]


def _amount_cells(wb, label) -> list:
    """The cells right of a row label, up to the »I alt« column of the nearest header row above it: a note
    further right (the »Bemærkning« column of the workbook »aftale new« writes) is not an amount."""
    sheet = wb.sheet(label.sheet)
    limit = None
    for c in sheet.cells():
        if c.row >= label.row:
            break
        if c.column > label.column and isinstance(c.value, str) and label_key(c.value) == "i alt":
            limit = c.column
    return [c for c in sheet.row_right_of(label) if limit is None or c.column <= limit]


def _read_budget(ctx, rel):
    """(workbook, {row label: (label cell, [amount cells right of it])}) or None if unreadable (annex rules
    report that)."""
    try:
        wb = ctx.workbook(rel)
    except ReaderError:
        return None
    rows = {}
    for label, _key in ROWS:
        cell = wb.find_label(label)
        rows[label] = (cell, _amount_cells(wb, cell) if cell else [])
    return wb, rows


_SPACES = re.compile(r"[\s\u00a0\u2009\u202f]+")
_CURRENCY = re.compile(r"^(kr\.?|dkk)\s*|\s*(kr\.?|dkk)$", re.IGNORECASE)
_DANISH_THOUSANDS = re.compile(r"^-?\d{1,3}(\.\d{3})+(,\d+)?$")  # 99.600.000,00
_DECIMAL_COMMA = re.compile(r"^-?\d+(,\d+)?$")  # 14600000 or 1250,50
_DECIMAL_POINT = re.compile(r"^-?\d+\.\d{1,2}$")  # 1250.50 (a point with three digits is thousands)


def parse_amount(text: str) -> Decimal | None:
    """An amount typed as text, the Danish way or plainly: "99.600.000,00", "14 600 000 kr.", "1250.50";
    None when it is not an amount."""
    text = _CURRENCY.sub("", _SPACES.sub(" ", text.strip())).replace(" ", "")
    if _DANISH_THOUSANDS.match(text):
        return Decimal(text.replace(".", "").replace(",", "."))
    if _DECIMAL_COMMA.match(text):
        return Decimal(text.replace(",", "."))
    if _DECIMAL_POINT.match(text):
        return Decimal(text)
    return None


def _number(cell) -> Decimal | None:
    """The cell's amount: a number, or a number typed as text (reported by budget-text-amount)."""
    value = cell.value
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float | Decimal):
        return (
            Decimal(str(value)).quantize(Decimal("0.01")).normalize()
            if isinstance(value, float)
            else Decimal(value)
        )
    if isinstance(value, str):
        return parse_amount(value)
    return None


@rule(
    "budget-text-amount",
    "finance",
    Severity.WARNING,
    title=("Budgettets beløb er tal", "The budget's amounts are numbers"),
    message=(
        "{cell} er skrevet som tekst (»{tekst}«); det læses som {beloeb}",
        "{cell} is typed as text ('{tekst}'); it is read as {beloeb}",
    ),
    hint=(
        "Skriv beløbet som et tal, så regnearkets formler og summer også regner med det.",
        "Type the amount as a number, so that the spreadsheet's formulas and sums count it too.",
    ),
    source=("Budgettet i Landsbyggefondens skabelon", "The budget in LBF's template"),
)
def budget_text_amount(ctx) -> Iterator[Hit]:
    for _i, _j, rel in _budget_files(ctx):
        read = _read_budget(ctx, rel)
        if read is None:
            continue
        for _label, (_cell, cells) in read[1].items():
            for c in cells:
                if isinstance(c.value, str) and c.value.strip() and parse_amount(c.value) is not None:
                    yield Hit(
                        rel,
                        {"cell": c.ref, "tekst": c.value.strip(), "beloeb": kr(parse_amount(c.value))},
                        cell=c.ref,
                    )


@rule(
    "budget-not-an-amount",
    "finance",
    Severity.ERROR,
    title=("Budgettets beløbsceller indeholder beløb", "The budget's amount cells hold amounts"),
    message=(
        "{cell} i rækken »{label}« indeholder »{tekst}«, som ikke er et beløb.",
        "{cell} in the row '{label}' holds '{tekst}', which is not an amount.",
    ),
    hint=(
        "Skriv et beløb (fx 14600000 eller 14.600.000), eller lad cellen være tom.",
        "Type an amount (e.g. 14600000 or 14.600.000), or leave the cell empty.",
    ),
    source=("Budgettet i Landsbyggefondens skabelon", "The budget in LBF's template"),
)
def budget_not_an_amount(ctx) -> Iterator[Hit]:
    for _i, _j, rel in _budget_files(ctx):
        read = _read_budget(ctx, rel)
        if read is None:
            continue
        for label, (_cell, cells) in read[1].items():
            for c in cells:
                if isinstance(c.value, str) and c.value.strip() and parse_amount(c.value) is None:
                    yield Hit(rel, {"cell": c.ref, "label": label, "tekst": c.value.strip()[:60]}, cell=c.ref)


@rule(
    "budget-label-missing",
    "finance",
    Severity.ERROR,
    title=("Budgettet har finansieringens rækker", "The budget has the financing rows"),
    message=("Budgettet har ingen celle med »{label}«.", "The budget has no cell saying '{label}'."),
    hint=(
        "Se layoutet i docs/workbooks.md: rækkerne findes ved deres tekst i kolonnen til venstre.",
        "See the layout in docs/workbooks.md: rows are found by their label.",
    ),
    source=("Aftaledokumenter: budget i Landsbyggefondens skabelon", "Annex list: budget in LBF's template"),
)
def budget_labels(ctx) -> Iterator[Hit]:
    for _i, _j, rel in _budget_files(ctx):
        read = _read_budget(ctx, rel)
        if read is None:
            continue
        wb, rows = read
        for label, _key in ROWS:
            if rows[label][0] is None:
                yield Hit(rel, {"label": label})
        if wb.find_label("Projektår") is None:
            yield Hit(rel, {"label": "Projektår"})


@rule(
    "budget-not-calculated",
    "finance",
    Severity.ERROR,
    title=("Budgettets formler er beregnet", "The budget's formulas are calculated"),
    message=(
        "Arbejdsbogen {fil} er ikke beregnet (formelceller uden beregnet værdi: {antal}, den første er {cell} "
        "{formel}); kør »{kommando}«.",
        "The workbook {fil} is not calculated (formula cells without a calculated value: {antal}, the first is "
        "{cell} {formel}); run '{kommando}'.",
    ),
    hint=(
        "»aftale recalc« lader LibreOffice beregne og gemme arbejdsbogen; det gør det også at åbne den i Excel "
        "eller LibreOffice Calc og gemme den igen. Indtil da læses formlerne ikke, så summerne kontrolleres ikke.",
        "'aftale recalc' has LibreOffice calculate and save the workbook; opening it in Excel or LibreOffice Calc "
        "and saving it again does too. Until then the formulas are not read, so the sums are not checked.",
    ),
    source=(
        "Værktøjets læsning af arbejdsbøger (docs/workbooks.md)",
        "How the tool reads workbooks (docs/workbooks.md)",
    ),
)
def budget_calculated(ctx) -> Iterator[Hit]:
    """One finding per workbook, at its first formula without a cached value."""
    from checker.workbooks import recalc_command

    for _i, _j, rel in _budget_files(ctx) + _skema_files(ctx):
        try:
            wb = ctx.workbook(rel)
        except ReaderError:
            continue
        missing = wb.uncalculated_cells()
        if missing:
            first = missing[0]
            params = {
                "fil": rel,
                "antal": len(missing),
                "cell": first.ref,
                "formel": first.formula,
                "kommando": recalc_command(ctx.path(rel)),
            }
            yield Hit(rel, params, cell=first.ref)


def _skema_files(ctx):
    return [
        (i, j, rel)
        for i, j, rel in ctx.annex_files("aktivitetsskema")
        if rel.lower().endswith(".xlsx") and ctx.path(rel).is_file() and ctx.inside(rel)
    ]


@rule(
    "budget-agrees",
    "finance",
    Severity.ERROR,
    title=("Budgettet svarer til aftalen", "The budget agrees with the agreement"),
    message=(
        "Budgettets »{label}« i alt er {budget}, men samarbejdsaftalen siger {aftale}",
        "The budget's '{label}' total is {budget}, but the agreement says {aftale}",
    ),
    hint=(
        "Ret budgettet eller aftalens afsnit 7, så de stemmer til kronen.",
        "Correct the budget or the agreement's section 7 so they agree to the krone.",
    ),
    source=SRC_SECTION7,
)
def budget_agrees(ctx) -> Iterator[Hit]:
    fin = ctx.agreement["ressourcer"]["finansiering"]
    for _i, _j, rel in _budget_files(ctx):
        read = _read_budget(ctx, rel)
        if read is None:
            continue
        _wb, rows = read
        for label, key in ROWS:
            _cell, cells = rows[label]
            if not cells or cells[-1].uncalculated:
                continue
            total = _number(cells[-1])
            if total is not None and total != money(fin[key]):
                yield Hit(
                    rel, {"label": label, "budget": kr(total), "aftale": kr(fin[key])}, cell=cells[-1].ref
                )


@rule(
    "budget-year-sum",
    "finance",
    Severity.ERROR,
    title=("Årene summer til totalen", "The years add up to the total"),
    message=(
        "»{label}«: projektårene summer til {sum}, men »I alt« ({cell}) er {total}",
        "'{label}': the project years add up to {sum}, but the total ({cell}) is {total}",
    ),
    hint=("Ret årsbeløbene eller totalen.", "Correct the yearly amounts or the total."),
    source=("Budgettet i Landsbyggefondens skabelon", "The budget in LBF's template"),
)
def budget_year_sum(ctx) -> Iterator[Hit]:
    for _i, _j, rel in _budget_files(ctx):
        read = _read_budget(ctx, rel)
        if read is None:
            continue
        _wb, rows = read
        for label, _key in ROWS:
            _cell, cells = rows[label]
            if len(cells) < 2 or any(c.uncalculated for c in cells):
                continue
            values = [_number(c) for c in cells]
            if None in values:
                continue
            if sum(values[:-1]) != values[-1]:
                yield Hit(
                    rel,
                    {
                        "label": label,
                        "sum": kr(sum(values[:-1])),
                        "total": kr(values[-1]),
                        "cell": cells[-1].ref,
                    },
                    cell=cells[-1].ref,
                )


def _as_date(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


@rule(
    "budget-year-outside-period",
    "finance",
    Severity.ERROR,
    title=("Budgetårene ligger i perioden", "Budget years lie inside the period"),
    message=(
        "Budgetåret i {cell} ({dato}) ligger uden for aftalens periode {start}–{slut}.",
        "The budget year in {cell} ({dato}) lies outside the agreement's period {start}–{slut}.",
    ),
    hint=(
        "Ret projektårenes datoer (rækkerne »Fra« og »Til«).",
        "Correct the project years' dates (rows 'Fra' and 'Til').",
    ),
    source=("Samarbejdsaftalens periode", "The agreement's period"),
)
def budget_years(ctx) -> Iterator[Hit]:
    start, end = ctx.period
    for _i, _j, rel in _budget_files(ctx):
        try:
            wb = ctx.workbook(rel)
        except ReaderError:
            continue
        for label in ("Fra", "Til"):
            cell = wb.find_label(label)
            if cell is None:
                continue
            for c in wb.sheet(cell.sheet).row_right_of(cell):
                d = _as_date(c.value)
                if d is not None and not (start <= d <= end):
                    yield Hit(
                        rel,
                        {
                            "cell": c.ref,
                            "dato": d.isoformat(),
                            "start": start.isoformat(),
                            "slut": end.isoformat(),
                        },
                        cell=c.ref,
                    )


@rule(
    "budget-unchosen-area",
    "finance",
    Severity.ERROR,
    title=("Penge kun til valgte indsatsområder", "Money only for chosen intervention areas"),
    message=(
        "Budgettet afsætter {beloeb} til indsatsområde {nummer} ({cell}), som aftalen ikke har valgt.",
        "The budget allocates {beloeb} to intervention area {nummer} ({cell}), which the agreement has not chosen.",
    ),
    hint=(
        "Flyt beløbet til et valgt indsatsområde, eller vælg området i aftalens afsnit 5.",
        "Move the amount to a chosen area, or choose the area in section 5.",
    ),
    source=("Samarbejdsaftalens afsnit 5 og budgettet", "The agreement's section 5 and the budget"),
)
def budget_unchosen(ctx) -> Iterator[Hit]:
    import re

    for _i, _j, rel in _budget_files(ctx):
        try:
            wb = ctx.workbook(rel)
        except ReaderError:
            continue
        numbered = [
            (c, m.group(1))
            for name in wb.sheet_names
            for c in wb.sheet(name).cells()
            if isinstance(c.value, str) and (m := re.match(r"^\s*(\d+\.\d+)\s+\S", c.value))
        ]
        for cell, nummer in numbered:
            if nummer in ctx.chosen:
                continue
            cells = _amount_cells(wb, cell)
            total = _number(cells[-1]) if cells and not cells[-1].uncalculated else None
            if total:
                yield Hit(rel, {"beloeb": kr(total), "nummer": nummer, "cell": cell.ref}, cell=cell.ref)


@rule(
    "budget-expenditure-total",
    "finance",
    Severity.ERROR,
    title=("Udgifterne svarer til finansieringen", "Expenditure equals financing"),
    message=(
        "»Samlede udgifter« i {cell} er {udgifter}, men »Samlet finansiering« i samme kolonne er {finansiering}",
        "'Samlede udgifter' in {cell} is {udgifter}, but 'Samlet finansiering' in the same column is {finansiering}",
    ),
    hint=(
        "Fordel hele finansieringen på indsatsområderne og de tværgående udgifter – hverken mere eller mindre.",
        "Spread the whole financing over the intervention areas and cross-cutting costs, no more and no less.",
    ),
    source=("Budgettet i Landsbyggefondens skabelon", "The budget in LBF's template"),
)
def expenditure_total(ctx) -> Iterator[Hit]:
    for _i, _j, rel in _budget_files(ctx):
        try:
            wb = ctx.workbook(rel)
        except ReaderError:
            continue
        spent, funded = wb.find_label("Samlede udgifter"), wb.find_label("Samlet finansiering")
        if spent is None or funded is None:
            continue
        funding = {c.column: c for c in _amount_cells(wb, funded)}
        for c in _amount_cells(wb, spent):
            other = funding.get(c.column)
            if other is None or c.uncalculated or other.uncalculated:
                continue
            a, b = _number(c), _number(other)
            if a is not None and b is not None and a != b:
                yield Hit(rel, {"cell": c.ref, "udgifter": kr(a), "finansiering": kr(b)}, cell=c.ref)
