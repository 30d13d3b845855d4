"""The product manager follows an at-risk roadmap item from the portfolio to its delivery
forecast, promises it for its P50 date and sees the chance of keeping that promise; the
project manager reads the status report and downloads it as a PDF — in chromium against
the real server. Saved as docs/screenshots/roadmap-forecast.png and
docs/screenshots/status-report.png."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from tests.browser.conftest import screenshot
from tests.browser.test_projects import sign_in

pytestmark = pytest.mark.browser

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def save(page: Any, name: str, last: str) -> None:
    """Save the page from the top down to the bottom of the ``last`` element for the docs."""
    box = page.locator(last).bounding_box()
    bottom = box["y"] + box["height"] + page.evaluate("window.scrollY") + 16
    DOCS.mkdir(parents=True, exist_ok=True)
    page.screenshot(
        path=str(DOCS / f"{name}.png"),
        full_page=True,
        clip={"x": 0, "y": 0, "width": 1280, "height": bottom},
    )
    screenshot(page, name)


def figure(page: Any, label: str) -> str:
    """The value of a figure of the item's delivery forecast."""
    text: str = page.locator(f".forecast-figure:has(span:text-is('{label}')) strong").inner_text()
    return text


def test_a_product_manager_sees_when_a_roadmap_item_lands_and_why_it_is_at_risk(
    live_tandem: str, page: Any
) -> None:
    base = live_tandem
    sign_in(page, base, "priya@lumen.example")

    # The portfolio names the demo's native apps as at risk, with the project's reasons.
    page.goto(f"{base}/o/lumen/portfolio/")
    row = page.locator("#at-risk tbody tr", has_text="Native mobile apps")
    assert row.count() == 1
    reasons = row.locator(".reasons li").all_inner_texts()
    assert any(r.startswith("MOB") and "SPI" in r for r in reasons)
    assert any("CPI" in r for r in reasons)
    row.locator("a", has_text="Native mobile apps").click()
    page.wait_for_url(re.compile(r".*/roadmap/\d+/$"))

    # The item's forecast: P50 before P80, a cost range, and why it is at risk.
    card = page.locator("#forecast")
    assert card.locator("h2").inner_text() == "Delivery forecast"
    p50 = datetime.strptime(figure(page, "P50 delivery"), "%d %b %Y").date()
    p80 = datetime.strptime(figure(page, "P80 delivery"), "%d %b %Y").date()
    assert p50 <= p80
    assert re.fullmatch(r"EUR [\d\u202f]+ – [\d\u202f]+", figure(page, "Cost P50–P80"))
    assert "Set an end date" in card.inner_text()
    risks = card.locator(".risk-list li").all_inner_texts()
    assert any("SPI" in r and "Tasks:" in r for r in risks)

    # Promise it for the P50 date: about an even chance, and the P80 now says it is late.
    page.click("text=Edit item")
    page.fill("input[name=end_date]", p50.isoformat())
    page.click("#item-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/roadmap/\d+/$"))
    assert figure(page, "Target") == f"{p50:%-d %b %Y}"
    chance = page.locator(".forecast-figure small.chance").inner_text()
    assert 20 <= int(chance.split("\u202f%")[0]) <= 80, chance
    late = (p80 - p50).days
    if late > 0:
        p80_note = page.locator(".forecast-figure:has(span:text-is('P80 delivery')) small")
        assert p80_note.inner_text() == f"{late} day{'s' if late > 1 else ''} after the target"
        assert any("P80 finish" in r for r in card.locator(".risk-list li").all_inner_texts())
    assert page.console_errors == []
    save(page, "roadmap-forecast", "#forecast")


def test_a_project_manager_reads_and_downloads_the_status_report(
    live_tandem: str, page: Any, tmp_path: Path
) -> None:
    base = live_tandem
    sign_in(page, base, "marco@lumen.example")
    page.goto(f"{base}/o/lumen/projects/")
    page.click("text=Lumen mobile app 2.0")
    page.click("nav.tabs >> text=Report")
    page.wait_for_url("**/report/")
    headings = page.locator(".report-section h2").all_inner_texts()
    assert headings == [
        "Schedule",
        "Milestones and deadlines",
        "Earned value",
        "Forecast",
        "Risks and drivers",
    ]
    # Both charts are drawn: lines for every series of the S-curve and the index trend.
    assert page.locator("svg.report-chart").count() == 2
    assert page.locator("svg.report-chart").first.locator("polyline").count() == 4
    cpi = page.locator("#earned_value .kpi:has(span:text-is('CPI')) strong").inner_text()
    assert re.fullmatch(r"\d\.\d\d", cpi)
    p80 = page.locator("#schedule .kpi:has(span:text-is('Forecast finish (P80)')) strong")
    assert page.console_errors == []
    save(page, "status-report", "#risks")

    with page.expect_download() as pending:
        page.click("text=Download PDF")
    download = pending.value
    assert re.fullmatch(r"MOB-status-\d{4}-\d\d-\d\d\.pdf", download.suggested_filename)
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    text = "\n".join(p.extract_text() for p in PdfReader(target).pages)
    assert "Lumen mobile app 2.0" in text and p80.inner_text() in text and cpi in text
