#!/bin/sh
# Set up everything aftale needs on a Debian machine, idempotently:
#   1. Debian packages listed in scripts/debian-packages.txt (only those missing; needs root),
#   2. a Python >= 3.11 with venv (Debian's python3 if the machine has none),
#   3. the virtual environment .venv with the project and its test tools.
# Called by `make`; safe to run again: it does nothing that is already done.
set -eu
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}

need_apt=""
for pkg in $(grep -v '^#' scripts/debian-packages.txt | tr -s ' \n' ' '); do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need_apt="$need_apt $pkg"
done

find_python() {
  for py in python3.13 python3.12 python3.11 python3; do
    if command -v "$py" >/dev/null 2>&1 &&
       "$py" -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      command -v "$py"; return 0
    fi
  done
  return 1
}

PY=$(find_python || true)
[ -n "$PY" ] || need_apt="$need_apt python3 python3-venv python3-pip"

if [ -n "$need_apt" ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "bootstrap: these Debian packages are missing:$need_apt; run 'make' as root or install them." >&2
    exit 2
  fi
  echo "bootstrap: installing Debian packages:$need_apt"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  # shellcheck disable=SC2086
  apt-get install -y -q --no-install-recommends $need_apt
  PY=$(find_python)
fi

if [ ! -x "$VENV/bin/python" ]; then
  echo "bootstrap: creating $VENV with $PY"
  "$PY" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install -q --upgrade pip >/dev/null
"$VENV/bin/python" -m pip install -q -e '.[test]'
