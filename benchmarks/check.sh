#!/bin/sh
# Wall time of `aftale check` on the Viborg dossier, start-up included; budget (issue 3): under 1 s.
# `aftale validate` and bare `python -c pass` run in the same hyperfine call, so the ratios between
# them are comparable on this shared, noisy machine.
set -eu
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
DOSSIER=${1:-agreements/viborg-2017-2021}
RUNS=${RUNS:-20}

if ! command -v hyperfine >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then apt-get install -y -q hyperfine >/dev/null; else echo "install hyperfine" >&2; exit 2; fi
fi

mkdir -p generated/benchmarks
hyperfine --warmup 3 --runs "$RUNS" -i --export-json generated/benchmarks/check.json \
  -n "python start-up" "$VENV/bin/python -c pass" \
  -n "aftale validate" "$VENV/bin/aftale validate $DOSSIER" \
  -n "aftale check" "$VENV/bin/aftale check $DOSSIER" \
  -n "aftale check --format html" "$VENV/bin/aftale check $DOSSIER --format html"

"$VENV/bin/python" - <<'PY'
import json
runs = json.load(open("generated/benchmarks/check.json"))["results"]
base = runs[0]["median"]
for r in runs:
    print(f"{r['command']:<28} median {r['median'] * 1000:7.1f} ms  (min {r['min'] * 1000:.1f}, max {r['max'] * 1000:.1f}, x{r['median'] / base:.2f} of start-up)")
PY
