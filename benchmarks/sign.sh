#!/bin/sh
# Wall time of `aftale sign` and `aftale verify` (four signatures), start-up included, interleaved with a
# floor (the interpreter importing the CLI) in the same run; medians and ratios. Budgets (issue 9):
# sign under 0.5 s, verify under 0.6 s. See benchmarks/sign.py.
set -eu
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
exec "$VENV/bin/python" benchmarks/sign.py --runs "${RUNS:-15}"
