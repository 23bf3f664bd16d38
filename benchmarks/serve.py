"""aftale serve against its budget (issue 14), measured on a real server process:

- the overview page with 20 dossiers (10 copies of each example): budget 0.5 s. Measured twice: cold
  (the first request after start, before any dossier is checked: the page shows "checking" and fills in
  later) and warm (every check known);
- save -> findings for Viborg: a changed number posted, written, the dossier checked and the findings
  returned; budget 300 ms at the 95th percentile. Measured over HTTP and in Chromium (click on Save until
  the findings are in the page);
- the server's peak memory (VmHWM) after all of the above: budget 300 MB.

The floor, in the same run, is the server answering a static file (/static/app.css): what any request
costs. Requests alternate between floor and measured so that a noisy machine slows both alike.

    .venv/bin/python benchmarks/serve.py [--runs 40]
"""

from __future__ import annotations

import argparse
import http.client
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from checker.web.security import csrf_token  # noqa: E402
from tests.webapp import CHROMIUM_ARGS, start_server  # noqa: E402

API = "/d/viborg-2017-2021-00/api/doc/samarbejdsaftale.json"


def get(server, path: str, method: str = "GET", body: bytes | None = None) -> tuple[float, int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    headers = {"Authorization": f"Bearer {server.token}", "Accept": "application/json"}
    if body is not None:
        headers.update({"Content-Type": "application/json", "X-CSRF-Token": csrf_token(server.token)})
    start = time.perf_counter()
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    data = response.read()
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed, response.status, data


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="aftale-bench-serve-"))
    try:
        for name in ("viborg-2017-2021", "eksempelby-2022-2026"):
            for i in range(10):
                shutil.copytree(ROOT / "agreements" / name, tmp / f"{name}-{i:02d}")
        server = start_server(tmp)
        try:
            cold, status, page = get(server, "/")
            assert status == 200 and page.count(b"data-dossier=") == 20
            # wait for every check, then the warm overview
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                states = json.loads(get(server, "/api/status")[2])
                if all(s["state"] != "checking" for s in states.values()):
                    break
                time.sleep(0.2)
            floor, warm = [], []
            for _ in range(args.runs):
                floor.append(get(server, "/static/app.css")[0])
                warm.append(get(server, "/")[0])
            # save -> findings over HTTP: alternate two values so that every save writes and checks
            _, _, raw = get(server, API)
            doc = json.loads(raw)
            sha, value = doc["sha256"], doc["value"]
            saves = []
            for i in range(args.runs):
                value["ressourcer"]["finansiering"]["landsbyggefonden"] = 14600000 + ((i + 1) % 2) * 100000
                body = json.dumps({"sha256": sha, "value": value}).encode()
                elapsed, status, out = get(server, API, "POST", body)
                assert status == 200, out[:300]
                answer = json.loads(out)
                assert answer["changed"], answer
                sha = answer["sha256"]
                saves.append(elapsed)
            browser = browser_saves(server, max(10, args.runs // 2))
            hwm = peak_memory(server.process.pid)
        finally:
            server.stop()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    f = statistics.median(floor)
    print(f"floor: GET /static/app.css median {f * 1000:.1f} ms ({args.runs} runs)")
    print(f"overview, 20 dossiers, cold (first request): {cold * 1000:.0f} ms   budget 500 ms")
    print(
        f"overview, 20 dossiers, warm: median {statistics.median(warm) * 1000:.0f} ms, max {max(warm) * 1000:.0f} ms"
        f" (x{statistics.median(warm) / f:.1f} floor)   budget 500 ms"
    )
    print(
        f"save -> findings, HTTP: median {statistics.median(saves) * 1000:.0f} ms, p95 {p95(saves) * 1000:.0f} ms"
        f" (x{statistics.median(saves) / f:.0f} floor)   budget p95 300 ms"
    )
    print(
        f"save -> findings, Chromium (Playwright's click to findings shown, its own overhead included): median {statistics.median(browser) * 1000:.0f} ms,"
        f" p95 {p95(browser) * 1000:.0f} ms   budget p95 300 ms"
    )
    print(f"server peak memory (VmHWM): {hwm / 1024:.0f} MB   budget 300 MB")


def browser_saves(server, runs: int) -> list[float]:
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    times, parts = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(server.login_url())
        page.goto(server.url + API.replace("/api/doc/", "/edit/"))
        page.wait_for_selector("#editor-app[data-ready='1']")
        field = page.locator("[name='root[ressourcer][finansiering][landsbyggefonden]']")
        for i in range(runs):
            field.fill(str(14600000 + ((i + 1) % 2) * 100000))
            field.dispatch_event("change")
            before = page.get_attribute("#editor-app", "data-saved") or ""
            start = time.perf_counter()
            page.click("#save")
            page.wait_for_function(
                "b => { const v = document.getElementById('editor-app').dataset.saved; return v && v !== b; }",
                arg=before,
                polling="raf",
            )
            times.append(time.perf_counter() - start)
            parts.append(json.loads(page.get_attribute("#editor-app", "data-timing")))
        browser.close()
    for key in ("value", "request", "show"):
        print(f"  in the page, {key}: median {statistics.median(p[key] for p in parts):.0f} ms")
    totals = [(p["value"] + p["request"] + p["show"]) / 1000 for p in parts]
    print(
        f"  in the page, from the click's handler to the findings in the page: median "
        f"{statistics.median(totals) * 1000:.0f} ms, p95 {p95(totals) * 1000:.0f} ms"
    )
    return times


def peak_memory(pid: int) -> int:
    """The process's peak resident memory in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


if __name__ == "__main__":
    main()
