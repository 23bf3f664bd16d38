#!/bin/sh
# Wall time of `aftale validate` on the Viborg dossier, interpreter start-up included.
# Budget (issue 2): well under 1 s. Uses hyperfine (Debian package; installed here if missing and root).
# `python -c pass` runs in the same hyperfine call as a baseline: on a shared, noisy machine the
# ratio between the two is steadier than either time alone.
set -eu
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
DOSSIER=${1:-agreements/viborg-2017-2021}
RUNS=${RUNS:-20}

if ! command -v hyperfine >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then apt-get install -y -q hyperfine >/dev/null; else echo "install hyperfine" >&2; exit 2; fi
fi

mkdir -p generated/benchmarks
hyperfine --warmup 3 --runs "$RUNS" --export-json generated/benchmarks/validate.json \
  -n "python start-up" "$VENV/bin/python -c pass" \
  -n "aftale validate" "$VENV/bin/aftale validate $DOSSIER" \
  -n "aftale validate --format json" "$VENV/bin/aftale validate $DOSSIER --format json"

"$VENV/bin/python" - <<'PY'
import json
runs = json.load(open("generated/benchmarks/validate.json"))["results"]
base = runs[0]["median"]
for r in runs:
    print(f"{r['command']:<32} median {r['median'] * 1000:7.1f} ms  (min {r['min'] * 1000:.1f}, max {r['max'] * 1000:.1f}, x{r['median'] / base:.2f} of start-up)")
PY
