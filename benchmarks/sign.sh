#!/bin/sh
# Wall time of signing one PDF, verifying a four-signature PDF, and packaging the Viborg dossier with
# its documents already built (issue 5 budgets: 0.5 s, 0.5 s, 3 s). Start-up included; in-process
# figures for sign_pdf and verify_pdf are printed after, to separate pyHanko's import from the work.
set -eu
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
A="$VENV/bin/aftale"
RUNS=${RUNS:-10}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT

if ! command -v hyperfine >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then apt-get install -y -q hyperfine >/dev/null; else echo "install hyperfine" >&2; exit 2; fi
fi

cp -r agreements/viborg-2017-2021 "$W/viborg"
"$A" build "$W/viborg" --out "$W/build" >/dev/null
cp "$W/build/samarbejdsaftale.pdf" "$W/unsigned.pdf"
for p in "Birthe Ærø:Boligselskabet Viborg" "Jørgen Ågård:Boligselskabet Sct. Jørgen Viborg" "Søren Øster:Bjerringbro Andelsboligforening" "Ulla Åkjær:Viborg Kommune"; do
  "$A" dev-cert --name "${p%%:*}" --organisation "${p#*:}" --out "$W/certs" >/dev/null
done
sign() { "$A" sign "$1" --party "$2" --key "$W/certs/$3.key.pem" --cert "$W/certs/$3.cert.pem" >/dev/null; }
for pdf in "$W/build/samarbejdsaftale.pdf" "$W"/build/delaftale-*.pdf; do
  sign "$pdf" boligselskabet-viborg birthe-aeroe
  sign "$pdf" boligselskabet-sct-joergen-viborg joergen-aagaard
  sign "$pdf" bjerringbro-andelsboligforening soeren-oester
  sign "$pdf" viborg-kommune ulla-aakjaer
done

mkdir -p generated/benchmarks
hyperfine --warmup 1 --runs "$RUNS" --export-json generated/benchmarks/sign.json \
  -n "sign one PDF" --prepare "cp $W/unsigned.pdf $W/one.pdf" \
  "$A sign $W/one.pdf --party viborg-kommune --key $W/certs/ulla-aakjaer.key.pem --cert $W/certs/ulla-aakjaer.cert.pem" \
  -n "verify 4-signature PDF" "$A verify $W/build/samarbejdsaftale.pdf --trust $W/certs/dev-ca.cert.pem" \
  -n "package (documents built)" "$A package $W/viborg --out $W/pakke.zip --build $W/build --trust $W/certs/dev-ca.cert.pem"

"$VENV/bin/python" - "$W" <<'PY'
import json, shutil, statistics, sys, time
from pathlib import Path
w = Path(sys.argv[1])
for r in json.load(open("generated/benchmarks/sign.json"))["results"]:
    print(f"{r['command']:<28} median {r['median']:5.2f} s  (min {r['min']:.2f}, max {r['max']:.2f})")
t = time.perf_counter()
from checker.sign.signer import sign_pdf
from checker.sign.verify import verify_pdf
print(f"pyHanko and friends imported in {time.perf_counter() - t:.2f} s")
signs, verifies = [], []
for i in range(5):
    shutil.copy(w / "unsigned.pdf", w / "x.pdf")
    t = time.perf_counter(); sign_pdf(w / "x.pdf", "underskrift-viborg-kommune", w / "certs/ulla-aakjaer.key.pem", w / "certs/ulla-aakjaer.cert.pem"); signs.append(time.perf_counter() - t)
    t = time.perf_counter(); verify_pdf(w / "build/samarbejdsaftale.pdf", [w / "certs/dev-ca.cert.pem"]); verifies.append(time.perf_counter() - t)
print(f"in-process sign_pdf median {statistics.median(signs):.2f} s; verify_pdf (4 signatures) median {statistics.median(verifies):.2f} s")
PY
