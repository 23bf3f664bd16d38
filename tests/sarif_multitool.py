"""Microsoft's SARIF multitool (MIT), the validator GitHub's own documentation points to: it checks a log
against the OASIS SARIF 2.1.0 schema and against GitHub code scanning's ingestion rules (GH1001–GH2012).

It is a self-contained .NET program published on the npm registry. `multitool()` downloads the pinned
Linux package once (checking its npm integrity hash), unpacks it into a cache folder and returns the
program's path; tests use it as they use pdfsig or LibreOffice.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import subprocess
import tarfile
import urllib.request
from pathlib import Path

VERSION = "5.7.0"
URL = f"https://registry.npmjs.org/@microsoft/sarif-multitool-linux/-/sarif-multitool-linux-{VERSION}.tgz"
INTEGRITY = "sha512-NxUbpq6ISCWoTQ/NfOYEwEDKq1Heka/rMoJ5R5LMydcAZQX/X7g5mWHcgxDub+0M07LC96tZ5LZHvF1Qy3gjTA=="
CACHE = (
    Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    / "aftale-tests"
    / f"sarif-multitool-{VERSION}"
)
ENV = {**os.environ, "DOTNET_SYSTEM_GLOBALIZATION_INVARIANT": "1", "DOTNET_CLI_TELEMETRY_OPTOUT": "1"}


def multitool() -> Path:
    program = CACHE / "package" / "Sarif.Multitool"
    if program.is_file():
        return program
    with urllib.request.urlopen(URL, timeout=120) as response:  # noqa: S310 - a fixed https address
        data = response.read()
    digest = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()
    if digest != INTEGRITY:
        raise RuntimeError(f"{URL}: integrity {digest} is not the pinned {INTEGRITY}")
    staging = CACHE.with_name(CACHE.name + f".{os.getpid()}")
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(staging, filter="data")
    (staging / "package" / "Sarif.Multitool").chmod(0o755)
    CACHE.parent.mkdir(parents=True, exist_ok=True)
    try:
        staging.rename(CACHE)
    except OSError:  # another test process unpacked it first
        pass
    return program


def validate(sarif: Path, out: Path) -> list[dict]:
    """The multitool's results (errors and warnings) for one log, with GitHub's rules and the SARIF rules."""
    out.unlink(missing_ok=True)
    subprocess.run(
        [str(multitool()), "validate", str(sarif), "--rule-kind", "Gh;Sarif", "-o", str(out)],
        env=ENV,
        capture_output=True,
        timeout=300,
        check=True,
    )
    log = json.loads(out.read_text(encoding="utf-8-sig"))
    return [r for r in log["runs"][0].get("results", []) if r.get("level", "warning") in ("error", "warning")]
