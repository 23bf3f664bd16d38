#!/bin/sh
# Wall time of `aftale audit` on the Viborg example register (issue 6 budgets: text or JSON under 1 s;
# the full Word/PDF report with charts under 10 s). Start-up included.
set -eu
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
A="$VENV/bin/aftale"
D=${1:-agreements/viborg-2017-2021}
RUNS=${RUNS:-10}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT

if ! command -v hyperfine >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then apt-get install -y -q hyperfine >/dev/null; else echo "install hyperfine" >&2; exit 2; fi
fi

mkdir -p generated/benchmarks
# audit exits 1 for the example (documentation deliberately missing): -i ignores the exit code
hyperfine -i --warmup 1 --runs "$RUNS" --export-json generated/benchmarks/audit.json \
  -n "audit (text)" "$A audit $D" \
  -n "audit --format json" "$A audit $D --format json" \
  -n "audit --format html (charts)" "$A audit $D --format html --output $W/a.html" \
  -n "audit --format pdf (Word + PDF/A + charts)" "$A audit $D --format pdf --output $W/a.pdf"

"$VENV/bin/python" - <<'PY'
import json
for r in json.load(open("generated/benchmarks/audit.json"))["results"]:
    print(f"{r['command']:<44} median {r['median']:5.2f} s  (min {r['min']:.2f}, max {r['max']:.2f})")
PY
