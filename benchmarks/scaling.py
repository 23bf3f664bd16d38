"""How check and audit grow with the size of a dossier (issue 15): the activities (delaftaler and the
aktivitetsskema) ×1 … ×300, and the follow-up measurements ×1 … ×250, each series fitted to t = a·n^b
(b = 1.0 is linear; budget b <= 1.1) on the time above the x1 run (start-up and what does not grow),
as whole processes, medians of --runs.

Each scaled dossier is Viborg with every activity repeated k times under new ids and names (in the
delaftaler and as rows of the aktivitetsskema), or every measurement of the register repeated k times
with its own datakilde.

    .venv/bin/python benchmarks/scaling.py [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from measure import fit, run  # noqa: E402

AFTALE = str(Path(sys.executable).parent / "aftale")
VIBORG = ROOT / "agreements" / "viborg-2017-2021"


def activities(k: int, target: Path) -> Path:
    import openpyxl

    shutil.copytree(VIBORG, target)
    for path in sorted((target / "delaftaler").glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        base = doc["aktiviteter"]
        doc["aktiviteter"] = [
            {**a, "id": f"{a['id']}-{i}" if i else a["id"], "navn": f"{a['navn']} {i}" if i else a["navn"]}
            for i in range(k)
            for a in base
        ]
        path.write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")
    wb = openpyxl.load_workbook(target / "aktivitetsskema.xlsx")
    ws = wb.active
    rows = [list(r) for r in ws.iter_rows(min_row=3, values_only=True) if r[0]]
    for i in range(1, k):
        for r in rows:
            ws.append([r[0], f"{r[1]} {i}", f"{r[2]}-{i}", *r[3:]])
    wb.save(target / "aktivitetsskema.xlsx")
    return target


def measurements(k: int, target: Path) -> Path:
    shutil.copytree(VIBORG, target)
    path = target / "opfoelgning.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["maalinger"] = [
        {**m, "datakilde": f"{m['datakilde']} #{i}"} for i in range(k) for m in doc["maalinger"]
    ]
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
    return target


def series(name, make, factors, command, runs, base, memory=False):
    """The medians of `command` on the dossier made by make(k) for each factor k, printed, and the
    fitted exponent of the time above the x1 run (start-up and the fixed part: what does not grow).
    Returns (exponent, [(k, seconds)], peak memory in bytes of the largest, when `memory`)."""
    points, peak = [], 0
    for k in factors:
        folder = make(k, base / f"{name}-{k}")
        measured = [run([AFTALE, *command, str(folder)]) for _ in range(runs)]
        t = statistics.median(m[0] for m in measured)
        peak = max(m[1] for m in measured)
        points.append((k, t))
        print(
            f"  {name} x{k:<4} {' '.join(command):<20} {t:6.2f} s"
            + (f"  {peak / 2**20:.0f} MB" if memory else "")
        )
    base_time = points[0][1]
    grown = [(k, t - base_time) for k, t in points[1:] if t > base_time]
    exponent = fit(grown) if len(grown) >= 2 else float("nan")
    print(
        f"  fitted exponent of the time above x1 ({name}, {' '.join(command)}): {exponent:.2f}   budget <= 1.1"
    )
    return exponent, points, peak


ACTIVITIES = [1, 50, 100, 200, 300]
MEASUREMENTS = [1, 50, 100, 175, 250]


def measure(runs: int, base: Path) -> dict[str, tuple]:
    """The three series, each (exponent, points, peak memory of the largest)."""
    result = {"activities (check)": series("activities", activities, ACTIVITIES, ["check"], runs, base)}
    result["measurements (check)"] = series("measurements", measurements, MEASUREMENTS, ["check"], runs, base)
    for k in MEASUREMENTS:
        shutil.rmtree(base / f"measurements-{k}")
    result["measurements (audit)"] = series(
        "measurements", measurements, MEASUREMENTS, ["audit", "--format", "json"], runs, base, memory=True
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="aftale-bench-scaling-"))
    try:
        measure(args.runs, base)
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
