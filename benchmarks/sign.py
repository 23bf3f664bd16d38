"""Wall time of `aftale sign` and `aftale verify` (four signatures) as whole processes, start-up included,
against a floor measured in the same run: the interpreter starting and importing the CLI module
(`python -c "import checker.cli"`), which every command pays.

Runs are interleaved (floor, sign, verify, floor, sign, verify, ...) so that a noisy, shared machine
slows all three alike; the report gives medians, min and max, and the median of the per-round ratios.
Budgets (issue 9): sign under 0.5 s, verify under 0.6 s.

    .venv/bin/python benchmarks/sign.py [--runs 15]
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
sys.path.insert(0, str(Path(__file__).resolve().parent))

from measure import timed  # noqa: E402

BIN = Path(sys.executable).parent
AFTALE = str(BIN / "aftale")
PARTIES = [
    ("Birthe Ærø", "Boligselskabet Viborg", "boligselskabet-viborg", "birthe-aeroe"),
    (
        "Jørgen Ågård",
        "Boligselskabet Sct. Jørgen Viborg",
        "boligselskabet-sct-joergen-viborg",
        "joergen-aagaard",
    ),
    ("Søren Øster", "Bjerringbro Andelsboligforening", "bjerringbro-andelsboligforening", "soeren-oester"),
    ("Ulla Åkjær", "Viborg Kommune", "viborg-kommune", "ulla-aakjaer"),
]


def run(*args: str) -> None:
    subprocess.run(args, check=True, capture_output=True)


def measure(runs: int, w: Path) -> dict[str, float]:
    """Medians (seconds) of sign, verify and the floor as interleaved processes in the folder `w`, their
    per-round ratios to the floor, and sign_pdf and verify_pdf in process (the work without start-up)."""
    shutil.copytree(ROOT / "agreements" / "viborg-2017-2021", w / "viborg")
    run(AFTALE, "build", str(w / "viborg"), "--out", str(w / "build"))
    for name, org, _slug, _stem in PARTIES:
        run(AFTALE, "dev-cert", "--name", name, "--organisation", org, "--out", str(w / "certs"))
    unsigned = w / "unsigned.pdf"
    shutil.copy(w / "build" / "samarbejdsaftale.pdf", unsigned)
    signed = w / "build" / "samarbejdsaftale.pdf"
    for _name, _org, slug, stem in PARTIES:
        run(
            AFTALE,
            "sign",
            str(signed),
            "--party",
            slug,
            "--key",
            str(w / f"certs/{stem}.key.pem"),
            "--cert",
            str(w / f"certs/{stem}.cert.pem"),
        )
    one = w / "one.pdf"
    sign = [
        AFTALE,
        "sign",
        str(one),
        "--party",
        "viborg-kommune",
        "--key",
        str(w / "certs/ulla-aakjaer.key.pem"),
        "--cert",
        str(w / "certs/ulla-aakjaer.cert.pem"),
    ]
    verify = [AFTALE, "verify", str(signed), "--trust", str(w / "certs/dev-ca.cert.pem")]
    floor_cmd = [str(BIN / "python"), "-c", "import checker.cli"]
    times: dict[str, list[float]] = {"floor": [], "sign": [], "verify": []}
    for i in range(runs + 1):  # the first round warms the caches and is not counted
        for name, args in (("floor", floor_cmd), ("sign", sign), ("verify", verify)):
            if name == "sign":
                shutil.copy(unsigned, one)
            t = timed(args)
            if i:
                times[name].append(t)
    result = {name: statistics.median(values) for name, values in times.items()}
    result.update({f"{name} max": max(values) for name, values in times.items()})
    result.update({f"{name} min": min(values) for name, values in times.items()})
    for name in ("sign", "verify"):
        result[f"{name}/floor"] = statistics.median(
            v / f for v, f in zip(times[name], times["floor"], strict=True)
        )
    # the work itself, in process, without start-up
    sys.path.insert(0, str(ROOT))
    from checker.sign.signer import sign_pdf
    from checker.sign.verify import verify_pdf

    signs, verifies = [], []
    for _ in range(6):
        shutil.copy(unsigned, one)
        t = time.perf_counter()
        sign_pdf(
            one,
            "underskrift-viborg-kommune",
            w / "certs/ulla-aakjaer.key.pem",
            w / "certs/ulla-aakjaer.cert.pem",
        )
        signs.append(time.perf_counter() - t)
        t = time.perf_counter()
        verify_pdf(signed, [w / "certs/dev-ca.cert.pem"])
        verifies.append(time.perf_counter() - t)
    # the first call pays pyHanko's import
    result["sign in process"] = statistics.median(signs[1:])
    result["verify in process"] = statistics.median(verifies[1:])
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory(prefix="aftale-bench-") as tmp:
        r = measure(runs, Path(tmp))
    print(f"{runs} interleaved rounds; wall seconds, start-up included")
    for name, label in (
        ("floor", "floor: python -c 'import checker.cli'"),
        ("sign", "aftale sign (one signature)"),
        ("verify", "aftale verify (4 signatures)"),
    ):
        ratio = f"  ×{r[name + '/floor']:.2f} the floor" if name != "floor" else ""
        print(
            f"  {label:<38} median {r[name]:.3f} s  (min {r[name + ' min']:.3f}, max {r[name + ' max']:.3f}){ratio}"
        )
    print(
        f"  in process: sign_pdf median {r['sign in process']:.3f} s; "
        f"verify_pdf (4 signatures) median {r['verify in process']:.3f} s"
    )


if __name__ == "__main__":
    main()
