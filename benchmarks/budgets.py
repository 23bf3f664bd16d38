"""Every budget of issue 15 in one run, side by side, as whole processes on this machine, ending in one
table that says of each budget whether it is met (and if not, what the time goes to):

- `check` of Viborg against a floor that only opens every file check reads (benchmarks/portfolio.py);
- `build` of Viborg against LibreOffice alone doing the conversion the build asks of it: the same nine
  Word files (the build's own, made once with --no-pdf), the same PDF/A export filter, a fresh private
  profile each run as the build uses;
- `sign` (one signature) and `verify` (four) against the same work in process (benchmarks/sign.py);
- N dossiers in one call against N processes, 150 dossiers in one call with --jobs 1 and 2, and the
  fitted exponent of the dossier series (benchmarks/portfolio.py);
- the scaling series, activities x1…x300 and measurements x1…x250, with fitted exponents; the audit of
  x250 (12,000 measurements) with its peak memory (benchmarks/scaling.py).

Ratios are medians of per-round ratios of interleaved runs (a, b, a, b, …), so that a noisy, shared
machine slows both sides alike.

    .venv/bin/python benchmarks/budgets.py [--runs 5] [--quick]

--quick runs smaller series (dossiers 1, 10, 30; fewer factors) for a look, not for the record.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

import portfolio  # noqa: E402
import scaling  # noqa: E402
import sign  # noqa: E402
from measure import ratio, timed  # noqa: E402

AFTALE = str(Path(sys.executable).parent / "aftale")
VIBORG = ROOT / "agreements" / "viborg-2017-2021"


def build_against_libreoffice(runs: int, w: Path) -> dict[str, float]:
    from checker.assemble.pdf import EXPORT_OPTIONS, soffice
    from checker.libreoffice import profile_options

    timed([AFTALE, "build", str(VIBORG), "--out", str(w / "docx"), "--no-pdf"])
    documents = sorted(str(p) for p in (w / "docx").glob("*.docx"))
    export = "pdf:writer_pdf_Export:" + json.dumps(EXPORT_OPTIONS, separators=(",", ":"))
    times: dict[str, list[float]] = {"libreoffice": [], "build": []}
    for i in range(runs + 1):  # the first round warms the caches and is not counted
        libreoffice = [
            soffice(),
            *profile_options(w / f"profile-{i}"),  # a fresh profile each run, as the build's
            "--convert-to",
            export,
            "--outdir",
            str(w / f"pdf-{i}"),
            *documents,
        ]
        for name, args in (
            ("libreoffice", libreoffice),
            ("build", [AFTALE, "build", str(VIBORG), "--out", str(w / "build")]),
        ):
            t = timed(args)
            if i:
                times[name].append(t)
    return {
        "libreoffice": statistics.median(times["libreoffice"]),
        "build": statistics.median(times["build"]),
        "build/libreoffice": ratio(times["build"], times["libreoffice"]),
        "documents": len(documents),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    runs = args.runs
    rows: list[tuple[str, str, str, bool, str]] = []
    base = Path(tempfile.mkdtemp(prefix="aftale-bench-budgets-"))
    try:
        print("== build against LibreOffice")
        b = build_against_libreoffice(runs, base / "build")
        print(
            f"build {b['build']:.2f} s; LibreOffice alone, the same {b['documents']} Word files to PDF/A: "
            f"{b['libreoffice']:.2f} s; x{b['build/libreoffice']:.2f} per round"
        )
        rows.append(
            (
                "build / LibreOffice alone",
                "<= 1.30x",
                f"x{b['build/libreoffice']:.2f} ({b['build']:.2f} s / {b['libreoffice']:.2f} s)",
                b["build/libreoffice"] <= 1.3,
                "what the build adds before and after LibreOffice: interpreter and imports, the check "
                "(beside the rendering), the diagram, and the last document's signature fields",
            )
        )
        print("== sign and verify")
        (base / "sign").mkdir()
        s = sign.measure(runs, base / "sign")
        for name, budget, work in (("sign", 0.5, "sign in process"), ("verify", 0.6, "verify in process")):
            print(f"{name}: {s[name]:.3f} s as a process; the work in process {s[work]:.3f} s")
            rows.append(
                (
                    f"{name}" + (" (4 signatures)" if name == "verify" else " (one signature)"),
                    f"< {budget} s",
                    f"{s[name]:.3f} s (work {s[work]:.3f} s, start-up {s[name] - s[work]:.3f} s)",
                    s[name] < budget,
                    "start-up: pyHanko 0.38 imports its aiohttp timestamp client whenever pyhanko.sign "
                    "is imported (pyhanko/sign/timestamps/__init__.py), with no switch to leave it out",
                )
            )
        print("== portfolio")
        series = [1, 10, 30] if args.quick else [1, 10, 50, 150]
        p = portfolio.measure(max(3, runs // 2), series, base / "portfolio")
        rows.append(
            (
                "check / open every file",
                "<= 1.30x",
                f"x{p['check/opened']:.2f} ({p['check']:.3f} s / {p['opened']:.3f} s)",
                p["check/opened"] <= 1.3,
                "",
            )
        )
        n = p["largest"]
        one_call = dict(p["points"])[n]
        rows.append((f"{n} dossiers, one call", "< 40 s", f"{one_call:.1f} s", one_call < 40, ""))
        rows.append((f"{n} dossiers, --jobs 2", "< 40 s", f"{p['jobs 2']:.1f} s", p["jobs 2"] < 40, ""))
        rows.append(
            (
                f"{p['few']} dossiers: {p['few']} processes / one call",
                "(none)",
                f"x{p['separate'] / p['together']:.1f} ({p['separate']:.1f} s / {p['together']:.1f} s)",
                True,
                "",
            )
        )
        rows.append(
            ("dossiers x1…x" + str(n), "exponent <= 1.1", f"{p['exponent']:.2f}", p["exponent"] <= 1.1, "")
        )
        print("== scaling")
        if args.quick:
            scaling.ACTIVITIES[:] = [1, 50, 100]
            scaling.MEASUREMENTS[:] = [1, 50, 100]
        sc = scaling.measure(max(3, runs // 2), base / "scaling")
        for name, (exponent, _points, _peak) in sc.items():
            rows.append(
                (
                    name,
                    "exponent <= 1.1",
                    f"{exponent:.2f}",
                    exponent <= 1.1,
                    "function calls grow linearly (cProfile); the time a little faster (allocation, cache)",
                )
            )
        largest, seconds = sc["measurements (audit)"][1][-1]
        peak = sc["measurements (audit)"][2]
        count = 48 * largest  # Viborg's register holds 48 measurements
        rows.append(
            (
                f"audit --format json, {count:,} measurements",
                "< 3 s, < 200 MB",
                f"{seconds:.2f} s, {peak / 2**20:.0f} MB",
                seconds < 3 and peak < 200 * 2**20,
                "",
            )
        )
    finally:
        shutil.rmtree(base, ignore_errors=True)

    print()
    width = max(len(r[0]) for r in rows)
    print(f"{'what':<{width}}  {'budget':<16} {'measured':<46} met")
    for what, budget, measured, met, why in rows:
        print(f"{what:<{width}}  {budget:<16} {measured:<46} {'yes' if met else 'NO'}")
        if not met and why:
            print(f"{'':<{width}}  why: {why}")
    missed = [r[0] for r in rows if not r[3]]
    print(
        f"\n{len(rows) - len(missed)} of {len(rows)} met"
        + (f"; not met: {', '.join(missed)}" if missed else "")
    )


if __name__ == "__main__":
    main()
