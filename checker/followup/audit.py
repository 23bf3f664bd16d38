"""aftale audit: for every criterion, area and checkpoint the baseline, the target, the measured value
and its status, with the evidence present and unchanged; and for every project year whether the
evaluations and the report to LBF the agreement promises took place.

Statuses: opfyldt (met), ikke opfyldt (not met), mangler data (a checkpoint has passed without a
measurement, or the target cannot be computed because no baseline is registered), ikke forfalden
(the checkpoint has not passed yet).

The audit is made as of a date (``as_of``) and knows only what is dated on or before it: a
measurement, a registered baseline or an evaluation dated later is left out of every count, list and
chart, as if it were not yet in the register (``udeladt_efter`` counts them). A register marked as an
invented example (``metadata.oprindelse: eksempel``) makes ``eksempel`` true, and every output of the
audit then says so.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from checker.findings import CouldNotRun, Text
from checker.jsonsource import read_json

REGISTER = "opfoelgning.json"
OPFYLDT, IKKE_OPFYLDT, MANGLER, IKKE_FORFALDEN = "opfyldt", "ikke opfyldt", "mangler data", "ikke forfalden"
STATUS_EN = {OPFYLDT: "met", IKKE_OPFYLDT: "not met", MANGLER: "missing data", IKKE_FORFALDEN: "not yet due"}
EVIDENCE_EN = {"uændret": "unchanged", "ændret": "changed", "mangler": "missing", "ingen": "none"}


@dataclass
class Evidence:
    fil: str | None
    status: str  # uændret | ændret | mangler | ingen


@dataclass
class Line:
    target: object  # checker.followup.targets.Target
    maalt: Decimal | None
    maalt_dato: str | None
    datakilde: str | None
    status: str
    bevis: Evidence
    pointer: str | None  # where the measurement is in the register


@dataclass
class YearCheck:
    aar: int
    start: date
    slut: date
    evaluering: str  # id in the agreement's section 6
    handling: str
    organ: str
    lovet: int
    afholdt: list[tuple[str, Evidence]]  # (date, minutes)
    status: str  # ok | mangler | ikke forfalden


@dataclass
class AuditResult:
    dossier: str
    as_of: date
    lines: list[Line] = field(default_factory=list)
    years: list[YearCheck] = field(default_factory=list)
    register_found: bool = True
    eksempel: bool = False  # the register is invented example data (metadata.oprindelse "eksempel")
    eksempel_tekst: str | None = None  # what its metadata says about it
    udeladt_efter: int = 0  # measurements, baselines and evaluations dated after as_of, left out

    def count(self, status: str) -> int:
        return sum(1 for line in self.lines if line.status == status)

    @property
    def documentation_missing(self) -> list[str]:
        """Why the follow-up documentation is incomplete for what has passed (empty when complete)."""
        reasons = []
        for line in self.lines:
            t = line.target
            if line.status == MANGLER and t.kontrolpunkt <= self.as_of:
                reasons.append(
                    f"{t.kriterium} {t.noegle or ''} {t.kontrolpunkt}: mangler data".replace("  ", " ")
                )
            if line.bevis.status in ("ændret", "mangler"):
                reason = f"dokumentationen {line.bevis.fil} er {line.bevis.status}"
                if reason not in reasons:  # one file may document several measurements
                    reasons.append(reason)
        for y in self.years:
            if y.status == "mangler":
                reasons.append(f"projektår {y.aar}: {y.evaluering} {len(y.afholdt)} af {y.lovet}")
            for _d, ev in y.afholdt:
                if ev.status in ("ændret", "mangler"):
                    reasons.append(f"projektår {y.aar}: referat {ev.fil} {ev.status}")
        return reasons


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _evidence(root: Path, bevis: dict | None) -> Evidence:
    if not bevis:
        return Evidence(None, "ingen")
    path = root / bevis["fil"]
    try:
        inside = path.resolve().is_relative_to(root.resolve())
    except OSError:
        inside = False
    if not inside or not path.is_file():
        return Evidence(bevis["fil"], "mangler")
    return Evidence(bevis["fil"], "uændret" if _sha256(path) == bevis["sha256"] else "ændret")


def load_register(root: Path) -> dict | None:
    path = root / REGISTER
    if not path.is_file():
        return None
    return read_json(path)


def audit(dossier: str | Path, as_of: date | None = None) -> AuditResult:
    from checker.context import _add_years
    from checker.followup.targets import all_targets, evaluate
    from checker.validate import require_valid

    root = Path(dossier)
    require_valid(root, Text("før revisionen", "before the audit"))
    aftale = read_json(root / "samarbejdsaftale.json")
    from checker import rulesets

    rulesets.load(aftale["regelsaet"])  # a broken rule set stops the audit as it stops every command
    start, slut = (
        date.fromisoformat(aftale["periode"]["start"]),
        date.fromisoformat(aftale["periode"]["slut"]),
    )
    when = as_of or min(date.today(), slut)
    register = load_register(root) or {"maalinger": [], "evalueringer": [], "baselines": []}
    metadata = register.get("metadata") or {}
    out = AuditResult(
        root.resolve().name,
        when,
        register_found=(root / REGISTER).is_file(),
        eksempel=metadata.get("oprindelse") == "eksempel",
        eksempel_tekst=metadata.get("bemaerkning") if metadata.get("oprindelse") == "eksempel" else None,
    )

    def known(entry: dict) -> bool:
        """Whether an entry of the register is dated on or before the as-of date (known by then)."""
        if date.fromisoformat(entry["dato"]) <= when:
            return True
        out.udeladt_efter += 1
        return False

    baselines = {
        (b["kriterium"], b.get("noegle")): Decimal(str(b["vaerdi"]))
        for b in register.get("baselines", [])
        if known(b)
    }
    measured = {}
    for i, m in enumerate(register["maalinger"]):
        if known(m):
            measured[(m["kriterium"], m.get("noegle"), m["kontrolpunkt"])] = (i, m)
    try:
        targets = all_targets(aftale, baselines)
    except ValueError as exc:
        raise CouldNotRun(
            Text(
                f"Opfølgningsregistrets baselines passer ikke til aftalen: {exc}",
                f"The follow-up register's baselines do not fit the agreement: {exc}",
            )
        ) from None
    for t in targets:
        key = (t.kriterium, t.noegle, t.kontrolpunkt.isoformat())
        hit = measured.get(key)
        if hit is None:
            status = IKKE_FORFALDEN if t.kontrolpunkt > when else MANGLER
            out.lines.append(Line(t, None, None, None, status, Evidence(None, "ingen"), None))
            continue
        i, m = hit
        value = Decimal(str(m["vaerdi"]))
        if t.kontrolpunkt > when:
            status = IKKE_FORFALDEN  # registered early; judged when the checkpoint has passed
        elif t.maal is None:
            status = MANGLER
        else:
            status = OPFYLDT if evaluate(t, value) else IKKE_OPFYLDT
        out.lines.append(
            Line(
                t,
                value,
                m["dato"],
                m["datakilde"],
                status,
                _evidence(root, m.get("bevis")),
                f"/maalinger/{i}",
            )
        )

    held: dict[str, list[dict]] = {}
    for e in register["evalueringer"]:
        if known(e):  # what happened after the as-of date is not yet known
            held.setdefault(e["evaluering"], []).append(e)
    k = 0
    while _add_years(start, k) <= slut:
        first = _add_years(start, k)
        last = min(slut, date.fromordinal(_add_years(start, k + 1).toordinal() - 1))
        for ev in aftale["lokal_evaluering"]["evalueringer"]:
            inside = [e for e in held.get(ev["id"], []) if first <= date.fromisoformat(e["dato"]) <= last]
            # the report to LBF on a project year is made after it ends: count it in the following year
            if ev["handling"] == "afrapportering_lbf":
                following_end = date.fromordinal(_add_years(start, k + 2).toordinal() - 1)
                inside = [
                    e for e in held.get(ev["id"], []) if last < date.fromisoformat(e["dato"]) <= following_end
                ]
                due = following_end
            else:
                due = last
            status = (
                "ok" if len(inside) >= ev["gange_pr_aar"] else ("ikke forfalden" if due > when else "mangler")
            )
            out.years.append(
                YearCheck(
                    k + 1,
                    first,
                    last,
                    ev["id"],
                    ev["handling"],
                    ev["organ"],
                    ev["gange_pr_aar"],
                    [(e["dato"], _evidence(root, e.get("referat"))) for e in inside],
                    status,
                )
            )
        k += 1
    return out
