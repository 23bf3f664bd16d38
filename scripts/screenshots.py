"""The screenshots of `aftale serve` in docs/img/, taken in Chromium from a real server over a copy of the
examples (so the committed dossiers are never touched):

    .venv/bin/python scripts/screenshots.py

Each page is taken as a user sees it on a 1280×860 screen; the edit page after a change that breaks the
financing sum was saved, so that a finding is shown at its field.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.webapp import CHROMIUM_ARGS, copy_examples, start_server  # noqa: E402

OUT = ROOT / "docs" / "img"


def main() -> None:
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="aftale-shots-"))
    server = start_server(copy_examples(tmp / "agreements"), cwd=tmp)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 860})
            page.goto(server.login_url())
            page.wait_for_selector("td.status[data-state='checked']")
            page.wait_for_function("!document.querySelector(\"td.status[data-state='checking']\")")
            page.screenshot(path=OUT / "serve-overview.png")
            page.goto(server.url + "/d/viborg-2017-2021")
            page.screenshot(path=OUT / "serve-dossier.png")
            for path, name in (
                ("/annexes", "serve-annexes.png"),
                ("/signatures", "serve-signatures.png"),
                ("/revisions", "serve-revisions.png"),
                ("/followup", "serve-followup.png"),
            ):
                page.goto(server.url + "/d/viborg-2017-2021" + path)
                page.screenshot(path=OUT / name)
            # a build, with its documents listed and a page preview
            page.goto(server.url + "/d/viborg-2017-2021/build")
            page.click("#build-button")
            page.wait_for_function("document.getElementById('build-app').dataset.finished", timeout=180_000)
            page.goto(server.url + "/d/viborg-2017-2021/build")
            page.screenshot(path=OUT / "serve-build.png", full_page=True)
            page.goto(server.url + "/new")
            page.screenshot(path=OUT / "serve-new.png")
            # last (it leaves the copy with an error): a change that breaks the financing sum, saved
            page.goto(server.url + "/d/viborg-2017-2021/edit/samarbejdsaftale.json")
            page.wait_for_selector("#editor-app[data-ready='1']")
            field = page.locator("[name='root[ressourcer][finansiering][landsbyggefonden]']")
            field.fill("14700000")
            field.dispatch_event("change")
            page.click("#save")
            page.wait_for_selector(".finding-at[data-code='finance-total']")
            page.locator("[data-schemapath='root.ressourcer.finansiering']").scroll_into_view_if_needed()
            page.evaluate("window.scrollBy(0, -120)")
            page.screenshot(path=OUT / "serve-edit-finding.png")
            browser.close()
    finally:
        server.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    for png in sorted(OUT.glob("serve-*.png")):
        print(png.relative_to(ROOT))


if __name__ == "__main__":
    main()
