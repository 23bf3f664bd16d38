"""The HTML report is one self-contained page that reads well in a browser: rendered by Debian's
Chromium in headless mode (installed by the set-up), its content asserted, a screenshot saved."""

from __future__ import annotations

import re

from tests.conftest import ROOT, browser, dump, load


def test_html_report_renders_in_chromium_with_the_findings(run, viborg, tmp_path, chromium):
    data = load(viborg / "samarbejdsaftale.json")
    data["ressourcer"]["finansiering"]["samlet"] = 27_102_001
    dump(viborg / "samarbejdsaftale.json", data)
    report = tmp_path / "rapport.html"
    code, _, _ = run("check", viborg, "--format", "html", "--output", report)
    assert code == 1
    html = report.read_text(encoding="utf-8")
    # self-contained: no external resource of any kind
    assert not re.search(r'(src|href)\s*=\s*"(https?:|//)', html)
    assert "<script" not in html

    dom = browser(chromium, tmp_path / "profile", "--dump-dom", report.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", dom.stdout))
    assert "Dossieret har fejl" in text
    assert "finance-total" in text and "budget-agrees" in text
    assert (
        "Landsbyggefonden (14.600.000 kr.) + lokal medfinansiering (12.502.000 kr.) = 27.102.000 kr., men samlet budget er 27.102.001 kr."
        in text
    )
    assert "Finansiering!F13" in text
    assert re.search(r'id="errors"><b>2</b>', dom.stdout)

    shots = ROOT / "generated" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    shot = shots / "check-report.png"
    result = browser(
        chromium, tmp_path / "profile2", f"--screenshot={shot}", "--window-size=1280,1400", report.as_uri()
    )
    assert result.returncode == 0, result.stderr[-2000:]
    png = shot.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20_000


def test_html_report_in_english_for_a_clean_dossier(run, tmp_path, chromium):
    from tests.conftest import VIBORG

    report = tmp_path / "report.html"
    assert run("check", VIBORG, "--format", "html", "--lang", "en", "--output", report)[0] == 0
    dom = browser(chromium, tmp_path / "profile", "--dump-dom", report.as_uri())
    assert '<html lang="en">' in dom.stdout
    assert "No errors" in dom.stdout and "criterion-open-question" in dom.stdout
