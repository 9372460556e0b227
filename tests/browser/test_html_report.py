"""The HTML report in a real headless Chromium: the table renders, filtering works, and a
supplier named like a script shows as text and never runs."""

from __future__ import annotations

import csv
import os
import shutil
from pathlib import Path

import pytest

from credverify.batch import BatchOptions, run_batch
from credverify.records import Target
from credverify.verifier import Verifier

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if CHROMIUM is None and not os.environ.get("CI"):
    pytest.skip("Debian's chromium is not installed (.ci/run installs it)", allow_module_level=True)

SCRIPT_NAME = "<script>alert(1)</script>"


@pytest.fixture
def report(tmp_path: Path) -> Path:
    source = tmp_path / "suppliers.csv"
    with source.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["supplier", "country", "aeo_tier"])
        writer.writerow(["Synthetic Rotterdam Trading", "CN", "general"])
        writer.writerow(["Synthetic Hamburg GmbH", "DE", "AEOS"])
        writer.writerow([SCRIPT_NAME, "DE", "AEOC"])
        writer.writerow(["Synthetic Lyon SARL", "FR", ""])
    path = tmp_path / "report.html"
    options = BatchOptions(target=Target("NL", "aeo-security-benefits"))
    run_batch(source, Verifier(offline=True), options, out=path, fmt="html")
    return path


def test_the_report_renders_filters_and_never_runs_a_name(report: Path) -> None:
    from playwright.sync_api import sync_playwright

    assert CHROMIUM is not None, "chromium must be installed in CI"
    dialogs: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
            ],
        )  # fmt: skip
        try:
            page = browser.new_page()
            page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
            page.goto(report.as_uri())
            rows = page.locator("#results tr.result-row")
            assert rows.count() == 4
            assert page.locator("#summary").is_visible()
            assert SCRIPT_NAME in page.locator("#results").inner_text()

            page.fill("#filter", "Hamburg")
            page.wait_for_timeout(200)
            visible = [r for r in rows.all() if r.is_visible()]
            assert len(visible) == 1
            assert "Synthetic Hamburg GmbH" in visible[0].inner_text()

            page.fill("#filter", "")
            page.wait_for_timeout(200)
            assert sum(1 for r in rows.all() if r.is_visible()) == 4
        finally:
            browser.close()
    assert dialogs == []
