"""The project manager reads the demo project's earned value (the S-curve and the index trend)
and its Monte Carlo forecast (the distribution of finish dates with P50 and P80 marked), runs
the forecast again through htmx, and a member records time on their timesheet — in chromium
against the real server. The charts are saved as docs/screenshots/evm-s-curve.png and
docs/screenshots/forecast.png."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import screenshot
from tests.browser.test_projects import sign_in

pytestmark = pytest.mark.browser

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"

# Pixels drawn on a chart's canvas (not transparent), and the labels of its legend.
CHART = """(name) => {
  const canvas = document.querySelector(`canvas[data-chart="${name}"]`);
  const chart = window.Chart.getChart(canvas);
  const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let drawn = 0;
  for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) drawn += 1;
  return {
    drawn: drawn,
    total: canvas.width * canvas.height,
    legend: chart.legend.legendItems.map((item) => item.text),
    points: chart.data.datasets.map((d) => d.data.length),
  };
}"""


def chart(page: Any, name: str) -> dict[str, Any]:
    """What a chart drew, once it has been drawn."""
    page.wait_for_selector(f'canvas[data-chart="{name}"][data-rendered]')
    result: dict[str, Any] = page.evaluate(CHART, name)
    return result


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


def open_tab(page: Any, base: str, label: str) -> None:
    page.goto(f"{base}/o/lumen/projects/")
    page.click("text=Lumen mobile app 2.0")
    page.click(f"nav.tabs >> text={label}")
    page.wait_for_url(f"**/{label.lower()}/")


def test_earned_value_s_curve_and_index_trend(live_tandem: str, page: Any) -> None:
    sign_in(page, live_tandem, "marco@lumen.example")
    open_tab(page, live_tandem, "Costs")
    assert page.locator("[data-figure]").count() == 18
    assert page.locator('[data-figure="spi"].tone-bad').count() == 1  # the demo is behind
    curve = chart(page, "s-curve")
    assert curve["legend"] == [
        "Planned value (PV)",
        "Earned value (EV)",
        "Actual cost (AC)",
        "Estimate at completion (EAC)",
        "Budget (BAC)",
    ]
    assert min(curve["points"]) >= 2
    # Lines, fill and axes cover a fair share of the canvas; a blank one has nothing.
    assert curve["drawn"] > curve["total"] * 0.05
    trend = chart(page, "evm-trend")
    assert trend["legend"] == ["SPI", "CPI", "SPI(t)", "On plan (1.0)"]
    assert trend["points"][0] >= 2 and trend["drawn"] > trend["total"] * 0.02
    save(page, "evm-s-curve", "#trend-card")
    screenshot(page, "finance-costs")
    assert page.console_errors == []


def test_forecast_distribution_with_percentiles_and_a_new_run(live_tandem: str, page: Any) -> None:
    sign_in(page, live_tandem, "marco@lumen.example")
    open_tab(page, live_tandem, "Forecast")
    histogram = chart(page, "finish-histogram")
    assert histogram["legend"] == ["Runs finishing", "Chance of finishing by then"]
    assert histogram["drawn"] > histogram["total"] * 0.05
    markers = page.evaluate(
        "() => Chart.getChart(document.querySelector('[data-chart=finish-histogram]'))"
        ".options.plugins.markerLines.markers.map((m) => m.label)"
    )
    assert {"P50", "P80", "P95", "Plan"} <= set(markers)
    drivers = chart(page, "drivers-chart")
    assert drivers["legend"] == ["Correlation with the finish", "Criticality"]
    assert page.locator("#milestones tbody tr").count() >= 2
    save(page, "forecast", "#milestones")

    # Run again with other settings: htmx swaps in the new results and their charts.
    page.fill("input[name=iterations]", "2000")
    page.fill("input[name=seed]", "3")
    assert page.locator("#forecast-running.htmx-indicator").count() == 1
    page.click("button:has-text('Run forecast')")
    page.wait_for_selector("text=2,000 runs · seed 3")
    rerun = chart(page, "finish-histogram")
    assert rerun["drawn"] > rerun["total"] * 0.05
    total = page.evaluate(
        "() => Chart.getChart(document.querySelector('[data-chart=finish-histogram]'))"
        ".data.datasets[0].data.reduce((a, b) => a + b, 0)"
    )
    assert total == 2000
    screenshot(page, "finance-forecast")
    assert page.console_errors == []


def test_a_member_records_time_on_the_timesheet(live_tandem: str, page: Any) -> None:
    sign_in(page, live_tandem, "lena@lumen.example")
    page.click("nav.sidebar >> text=My timesheet")
    page.wait_for_url("**/timesheet/")
    page.select_option("select[name=task]", index=0)
    task = page.locator("select[name=task] option:checked").inner_text()
    page.fill("input[name=hours]", "2.5")
    page.fill("input[name=note]", "Reviewed the beta feedback")
    page.click("#record-time button:has-text('Record')")
    page.wait_for_selector("text=Recorded 2.5 h")
    assert page.locator("#timesheet tbody tr", has_text=task).count() == 1
    assert page.locator("td.note", has_text="Reviewed the beta feedback").count() == 1
    assert page.console_errors == []
