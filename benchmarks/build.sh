#!/bin/sh
# Wall time of `aftale build` on the Viborg dossier (issue 4 budget: DOCX and PDF/A under 10 s with
# LibreOffice's start included; --no-pdf under 2 s). Also LibreOffice alone, converting one document
# and all nine in one process, so the per-document time with a reused LibreOffice can be stated.
set -eu
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
DOSSIER=${1:-agreements/viborg-2017-2021}
RUNS=${RUNS:-5}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

if ! command -v hyperfine >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then apt-get install -y -q hyperfine >/dev/null; else echo "install hyperfine" >&2; exit 2; fi
fi

"$VENV/bin/aftale" build "$DOSSIER" --out "$OUT/docx" --no-pdf >/dev/null
ONE="$OUT/docx/samarbejdsaftale.docx"
ALL=$(ls "$OUT"/docx/*.docx | tr '\n' ' ')
LO="soffice -env:UserInstallation=file://$OUT/profile --headless --norestore --convert-to pdf --outdir $OUT/pdf"

mkdir -p generated/benchmarks
hyperfine --warmup 1 --runs "$RUNS" --export-json generated/benchmarks/build.json \
  -n "build --no-pdf" "$VENV/bin/aftale build $DOSSIER --out $OUT/a --no-pdf" \
  -n "build (DOCX + PDF/A)" "$VENV/bin/aftale build $DOSSIER --out $OUT/b" \
  -n "LibreOffice: 1 document" "$LO $ONE" \
  -n "LibreOffice: 9 documents, one process" "$LO $ALL"

"$VENV/bin/python" - <<'PY'
import json
runs = {r["command"]: r for r in json.load(open("generated/benchmarks/build.json"))["results"]}
for name, r in runs.items():
    print(f"{name:<40} median {r['median']:6.2f} s  (min {r['min']:.2f}, max {r['max']:.2f})")
one, nine = runs["LibreOffice: 1 document"]["median"], runs["LibreOffice: 9 documents, one process"]["median"]
print(f"per additional document with a reused LibreOffice: {(nine - one) / 8:.2f} s (start-up and first document: {one:.2f} s)")
PY
