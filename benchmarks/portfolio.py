"""Many dossiers in one run (issue 15), measured as whole processes:

- `aftale check FOLDER` with N copies of the examples (half Viborg, half Eksempelby) for N in a series,
  with the fitted exponent of time against N (1.0 = linear; budget <= 1.1);
- 150 dossiers in one call, with --jobs 1 and --jobs 2 (budget < 40 s on 2 cores);
- N dossiers as N processes against one call (what a loop in a shell script costs);
- `check` of one dossier against the floor: the interpreter importing the CLI module.

    .venv/bin/python benchmarks/portfolio.py [--runs 3] [--series 1,10,50,150]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from measure import fit, interleaved, ratio, timed  # noqa: E402

AFTALE = str(Path(sys.executable).parent / "aftale")
EXAMPLES = [ROOT / "agreements" / "viborg-2017-2021", ROOT / "agreements" / "eksempelby-2022-2026"]


#: the floor issue 15 names: open every file check reads, and nothing else (the JSON sources, both
#: workbooks read-only, the PDF annex's text)
OPEN_EVERY_FILE = """
import json, sys
from pathlib import Path
import openpyxl, pdfplumber
d = Path(sys.argv[1])
for p in d.rglob("*.json"):
    json.loads(p.read_bytes())
for name in ("budget.xlsx", "aktivitetsskema.xlsx"):
    wb = openpyxl.load_workbook(d / name, read_only=True, data_only=True)
    for ws in wb:
        list(ws.values)
with pdfplumber.open(d / "centrale-maalinger.pdf") as pdf:
    [page.extract_text() for page in pdf.pages]
"""


def folder_of(n: int, base: Path) -> Path:
    """N copies, each made different in content (trailing white space in every JSON file, a comment after
    the PDF's end), so that nothing a long-running process remembers per content (checker/memo.py) makes
    a copy cheaper than a real, different dossier would be."""
    target = base / f"n{n}"
    if not target.exists():
        for i in range(n):
            copy = target / f"d{i:03d}"
            shutil.copytree(EXAMPLES[i % 2], copy, ignore=shutil.ignore_patterns(".*"))
            for path in copy.rglob("*.json"):
                path.write_bytes(path.read_bytes() + b" " * (i + 1))
            for path in copy.glob("*.pdf"):
                path.write_bytes(path.read_bytes() + f"\n% copy {i}\n".encode())
    return target


def measure(runs: int, series: list[int], base: Path) -> dict:
    """Every figure the module docstring names, printed as it comes and returned by name."""
    floor = statistics.median(timed([sys.executable, "-c", "import checker.cli"]) for _ in range(runs))
    times = interleaved(
        {
            "opened": [sys.executable, "-c", OPEN_EVERY_FILE, str(EXAMPLES[0])],
            "check": [AFTALE, "check", str(EXAMPLES[0])],
        },
        runs,
    )
    opened, one = statistics.median(times["opened"]), statistics.median(times["check"])
    r = {"check": one, "opened": opened, "check/opened": ratio(times["check"], times["opened"])}
    print(
        f"check viborg: {one:.3f} s; floors: import checker.cli {floor:.3f} s (x{one / floor:.1f}), "
        f"open every file it reads {opened:.3f} s (x{r['check/opened']:.2f} per round, budget x1.3)"
    )
    points = []
    for n in series:
        folder = folder_of(n, base)
        t = statistics.median(timed([AFTALE, "check", str(folder)]) for _ in range(runs))
        points.append((n, t))
        print(f"check FOLDER, {n:>3} dossiers, one process: {t:6.2f} s  ({t / n:.3f} s each)")
    large = [p for p in points if p[0] >= 10]
    r["points"] = points
    r["exponent"] = fit(large) if len(large) >= 2 else float("nan")
    print(f"fitted exponent (n >= 10): {r['exponent']:.2f}   budget <= 1.1")
    n = max(series)
    folder = folder_of(n, base)
    r["largest"] = n
    r["jobs 2"] = statistics.median(timed([AFTALE, "check", str(folder), "--jobs", "2"]) for _ in range(runs))
    print(f"check FOLDER, {n} dossiers, --jobs 2: {r['jobs 2']:.2f} s   budget < 40 s")
    m = min(20, n)
    small = folder_of(m, base)
    r["separate"] = timed(["sh", "-c", f'for d in "{small}"/*; do "{AFTALE}" check "$d" >/dev/null; done'])
    r["together"] = timed([AFTALE, "check", str(small)])
    r["few"] = m
    print(
        f"{m} dossiers as {m} processes: {r['separate']:.2f} s; in one call: {r['together']:.2f} s "
        f"(x{r['separate'] / r['together']:.1f})"
    )
    return r


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--series", default="1,10,50,150")
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="aftale-bench-portfolio-"))
    try:
        measure(args.runs, [int(x) for x in args.series.split(",")], base)
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
