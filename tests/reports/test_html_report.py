"""The HTML report: one self-contained page, with every value escaped."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path
from typing import Any

from selectolax.lexbor import LexborHTMLParser as HTMLParser

from credverify.reports import write_report
from tests.reports import samples


def render(tmp_path: Path, *, synthetic: bool = False) -> str:
    path = tmp_path / "report.html"
    write_report(path, "html", iter(samples.sample_rows()), samples.run_info(synthetic=synthetic))
    return path.read_text(encoding="utf-8")


def details(page: HTMLParser) -> list[dict[str, Any]]:
    node = page.css_first('script[type="application/json"]#row-details')
    assert node is not None
    data: list[dict[str, Any]] = json.loads(node.text())
    return data


def test_the_page_has_the_parts_a_browser_test_uses(tmp_path: Path) -> None:
    page = HTMLParser(render(tmp_path))

    assert page.css_first("#summary") is not None
    assert page.css_first("table#results") is not None
    assert page.css_first("input#filter") is not None
    options = [o.attributes["value"] for o in page.css("select#outcome-filter option")]
    assert options == ["", "recognized", "partial", "not-recognized", "unassessed"]
    rows = page.css("#results tr.result-row")
    assert [r.attributes["data-row"] for r in rows] == ["2", "3", "4", "5", "6", "7"]
    assert [r.attributes["data-outcome"] for r in rows] == [
        "recognized", "not-recognized", "unassessed", "partial", "unassessed", "unassessed",
    ]  # fmt: skip
    headers = [th.text(strip=True) for th in page.css("#results thead th")]
    assert headers == [
        "details", "row", "input.supplier", "input.country", "input.scheme",
        "input.identifier", "status", "outcome", "gaps",
    ]  # fmt: skip


def test_markup_in_the_data_stays_text(tmp_path: Path) -> None:
    html = render(tmp_path)

    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&quot;&gt;&lt;img src=x onerror=alert(2)&gt;" in html
    # In the embedded JSON the same value cannot close the <script> element.
    assert "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e" in html
    assert "\\u0026 co" in html
    page = HTMLParser(html)
    cell = page.css("#results tr.result-row")[4].css("td")[2]
    assert cell.text() == samples.SCRIPT_NAME
    assert [node.tag for node in page.css("script")] == ["script", "script"]


def test_self_contained_no_network(tmp_path: Path) -> None:
    html = render(tmp_path)
    page = HTMLParser(html)

    assert not page.css("link, img, iframe, object, embed, script[src], [src]")
    assert "@import" not in html
    assert "url(" not in html
    policy = page.css_first('meta[http-equiv="Content-Security-Policy"]')
    assert policy is not None
    content = policy.attributes["content"] or ""
    assert "default-src 'none'" in content
    # Only the page's own script may run: its hash is in the policy.
    script = next(s for s in page.css("script") if "type" not in s.attributes).text()
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in content


def test_header_and_summary(tmp_path: Path) -> None:
    page = HTMLParser(render(tmp_path))
    run = page.css_first("#run")
    assert run is not None
    text = run.text(separator=" ")
    assert "suppliers.csv" in text
    assert "aeo-security-benefits in NL" in text
    assert "2026-03-02T09:30:00+00:00" in text
    assert page.css_first("#synthetic-banner") is None

    summary = page.css_first("#summary")
    assert summary is not None
    counts = {
        tr.css("td")[0].text(strip=True): tr.css("td")[1].text(strip=True)
        for tr in summary.css("table#by-outcome tbody tr")
    }
    assert counts == {"recognized": "1", "partial": "1", "not-recognized": "1", "unassessed": "3"}
    bars = summary.css("#chart-outcomes .bar-row .country")
    # The markup-named row's `country` column is its country: still text.
    countries = {"GB", "CN", "JP", "NL", "?", '"><IMG SRC=X ONERROR=ALERT(2)>'}
    assert {b.text() for b in bars} == countries
    assert {b.text() for b in summary.css("#chart-gaps .bar-row .country")} == {"CN", "JP"}


def test_a_synthetic_run_has_a_red_banner(tmp_path: Path) -> None:
    page = HTMLParser(render(tmp_path, synthetic=True))
    banner = page.css_first("#synthetic-banner")
    assert banner is not None
    assert banner.text().startswith("SYNTHETIC DEMO DATA")
    assert re.search(r"#synthetic-banner\{[^}]*background:#b00020", render(tmp_path))


def test_each_row_carries_the_detail_its_expansion_shows(tmp_path: Path) -> None:
    data = details(HTMLParser(render(tmp_path)))

    assert [d["row"] for d in data] == [2, 3, 4, 5, 6, 7]
    evidence = data[0]["checks"][0]["evidence"][0]
    assert evidence["sha256"] == samples.HMRC_SHA
    assert evidence["url"] == samples.HMRC_URL
    assert data[1]["checks"][0]["findings"][0]["found"] == "深圳市另一家贸易有限公司"
    gap = data[3]["assessment"]["gaps"][0]
    assert gap["code"] == "identifier-mapping-required"
    assert gap["severity"] == "warning"
    assert gap["citation"] == "Decision 2010/654/EU, Art. 4"
    assert gap["remedy"].startswith("Declare the JP MRA code")
    assert "expected a scheme id" in data[2]["error"]
    assert data[4]["claims"][0]["holder"] == samples.SCRIPT_NAME


def test_an_empty_run_is_still_a_page(tmp_path: Path) -> None:
    path = tmp_path / "report.html"
    write_report(path, "html", iter([]), samples.run_info())
    page = HTMLParser(path.read_text(encoding="utf-8"))
    assert page.css("tr.result-row") == []
    assert details(page) == []
