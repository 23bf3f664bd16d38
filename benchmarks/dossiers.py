"""Wall time of the issue-11 commands as whole processes, start-up included, against a floor measured
in the same run: the interpreter starting and importing the CLI module (`python -c "import
checker.cli"`), which every command pays.

- `check` of each example dossier (Viborg, lbf-2015-2018; Eksempelby, lbf-2019-2026): budget 1 s;
- `new` with areas, parties and both workbooks recalculated by LibreOffice: budget 5 s;
- `migrate` of Viborg from schema version 1 (tests/fixtures/schema-v1): budget 1 s;
- `import` of the seed agreement as a 13-page PDF (LibreOffice from tests/data's plain text), workbook
  recalculation included: budget 5 s; peak memory of the largest process it runs, budget 300 MB.

Runs are interleaved (floor, check, check, new, migrate, floor, ...) so that a noisy, shared machine
slows them alike; the report gives median, min and max and the median ratio to the floor.

    .venv/bin/python benchmarks/dossiers.py [--runs 7]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AFTALE = str(Path(sys.executable).parent / "aftale")
EXAMPLES = {
    "check viborg": ROOT / "agreements" / "viborg-2017-2021",
    "check eksempelby": ROOT / "agreements" / "eksempelby-2022-2026",
}
V1 = ROOT / "tests" / "fixtures" / "schema-v1"


def timed(args: list[str], ok=(0, 1)) -> float:
    start = time.perf_counter()
    result = subprocess.run(args, capture_output=True)
    elapsed = time.perf_counter() - start
    if result.returncode not in ok:
        raise SystemExit(f"{args}: exit {result.returncode}\n{result.stderr.decode()}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    times: dict[str, list[float]] = {"floor": []}
    memory: list[float] = []
    with tempfile.TemporaryDirectory(prefix="aftale-bench-") as tmp:
        w = Path(tmp)
        seed = w / "seed.txt"
        shutil.copyfile(ROOT / "tests" / "data" / "strategisk-samarbejdsaftale-viborg-2017-2021.txt", seed)
        profile = (w / "lo").as_uri()
        subprocess.run(
            [
                "soffice",
                f"-env:UserInstallation={profile}",
                "--headless",
                "--infilter=Text (encoded):UTF8",
                "--convert-to",
                "pdf",
                "--outdir",
                str(w),
                str(seed),
            ],
            check=True,
            capture_output=True,
        )
        for i in range(runs):
            times["floor"].append(timed([sys.executable, "-c", "import checker.cli"], ok=(0,)))
            for name, folder in EXAMPLES.items():
                if folder.is_dir():
                    times.setdefault(name, []).append(timed([AFTALE, "check", str(folder)]))
            target = w / f"new-{i}"
            args = [AFTALE, "new", str(target), "--start", "2025-09-01", "--omraade", "Nordbyen"]
            args += [
                "--part",
                "kommune:Eksempelby Kommune",
                "--part",
                "boligorganisation:Boligforeningen Eksempelhjem",
            ]
            times.setdefault("new", []).append(timed(args, ok=(0,)))
            old = w / f"v1-{i}"
            shutil.copytree(ROOT / "agreements" / "viborg-2017-2021", old)
            for path in V1.rglob("*.json"):
                shutil.copyfile(path, old / path.relative_to(V1))
            times.setdefault("migrate viborg", []).append(timed([AFTALE, "migrate", str(old)], ok=(0,)))
            times.setdefault("import seed pdf", []).append(
                timed([AFTALE, "import", str(w / "seed.pdf"), "--out", str(w / f"imp-{i}")], ok=(0,))
            )
            memory.append(_peak([AFTALE, "import", str(w / "seed.pdf"), "--out", str(w / f"mem-{i}")]))
    floor = statistics.median(times["floor"])
    print(f"{'command':<18} {'median':>8} {'min':>8} {'max':>8} {'× floor':>8}")
    for name, values in times.items():
        med = statistics.median(values)
        print(f"{name:<18} {med:8.3f} {min(values):8.3f} {max(values):8.3f} {med / floor:8.2f}")
    print(
        f"import: peak resident memory of the largest process (aftale or a child) {statistics.median(memory):.0f} MB (median)"
    )


def _peak(args: list[str]) -> float:
    """Peak resident memory in MB of the largest process the command ran (itself, the PDF reader's child,
    LibreOffice), from a wrapper that reads getrusage of its children."""
    code = (
        "import resource, subprocess, sys\n"
        "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True)
    return int(out.stdout) / 1024


if __name__ == "__main__":
    main()
