"""A product manager creates a product, a metric with measurements, two roadmap items ranked by
RICE, drags one across the board and moves the product to development — in chromium, against
the real server with the demo loaded."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser


def sign_in(page: Any, base: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("input[name=email]", "priya@lumen.example")
    page.fill("input[name=password]", "tandem-demo")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/o/lumen/")


def add_item(page: Any, base: str, product_url: str, title: str, reach: str, horizon: str) -> None:
    page.goto(f"{base}{product_url}roadmap/new/")
    page.fill("input[name=title]", title)
    page.select_option("select[name=horizon]", horizon)
    page.fill("input[name=reach]", reach)
    page.select_option("select[name=impact]", "2")
    page.fill("input[name=confidence]", "80")
    page.fill("input[name=effort]", "2")
    page.fill("input[name=business_value]", "5")
    page.fill("input[name=time_criticality]", "3")
    page.fill("input[name=risk_reduction]", "2")
    page.fill("input[name=job_size]", "5")
    page.click("#item-form button[type=submit]")
    page.wait_for_url(f"{base}{product_url}roadmap/")


def test_a_product_manager_takes_a_new_product_from_planning_to_development(
    live_tandem: str, page: Any
) -> None:
    base = live_tandem
    sign_in(page, base)

    # The portfolio lists the demo products; create a new one from there.
    page.click("nav.sidebar >> text=Portfolio")
    page.wait_for_url(f"{base}/o/lumen/portfolio/")
    assert page.locator("table.portfolio tbody tr").count() == 2
    page.click("text=New product")
    page.fill("input[name=name]", "Aurora")
    page.fill("input[name=key]", "aurora")
    page.fill("textarea[name=purpose]", "Status pages that customers trust.")
    page.fill("textarea[name=vision]", "Every outage explained before anyone asks.")
    page.fill("textarea[name=target_customers]", "SaaS teams of 10–200 people.")
    page.fill(
        "textarea[name=strategy]",
        "## How we win\n\n- **Honest by default**: incidents publish themselves\n"
        "- Integrates with the tools on-call already uses",
    )
    page.click("main form button.primary[type=submit]")
    page.wait_for_url(f"{base}/o/lumen/products/*/")
    product_url = page.url.removeprefix(base)
    assert page.locator(".product-head .stage").inner_text() == "Planning"

    # A success metric, and a quarter of weekly measurements typed in.
    page.click(".tabs >> text=Goals & metrics")
    page.click("text=New metric")
    page.fill("input[name=name]", "Subscribed customers")
    page.fill("input[name=key]", "subscribers")
    page.fill("input[name=unit]", "customers")
    page.fill("input[name=baseline]", "40")
    page.fill("input[name=target]", "300")
    page.fill("input[name=target_date]", (date.today() + timedelta(days=120)).isoformat())
    page.click("main form button.primary[type=submit]")
    page.wait_for_url(f"{base}{product_url}metrics/*/")
    metric_url = page.url
    today = date.today()
    for weeks_ago, value in ((10, "42"), (8, "61"), (6, "80"), (4, "104"), (2, "121"), (0, "139")):
        when = today - timedelta(days=7 * weeks_ago + 1)
        page.fill("#record-measurement input[name=value]", value)
        page.fill("#record-measurement input[name=at]", f"{when.isoformat()}T09:00")
        page.click("#record-measurement button[type=submit]")
        page.wait_for_url(metric_url)
    assert page.locator("table tbody tr").count() == 6
    page.wait_for_function("document.querySelector('#metric-chart').width > 0")
    health = page.locator(".health-reason .health").inner_text()
    assert health in ("On track", "At risk", "Off track")
    screenshot(page, "metric-chart")

    # Two roadmap items; RICE ranks the one with more reach first.
    add_item(page, base, product_url, "Incident timeline", "200", "next")
    add_item(page, base, product_url, "Subscriber emails", "500", "now")
    page.click(".segmented >> text=Ranking")
    ranked = page.locator("table.ranking tbody tr")
    assert ranked.count() == 2
    assert ranked.nth(0).locator(".row-link").inner_text() == "Subscriber emails"
    assert ranked.nth(0).locator(".score").first.inner_text() == "400"
    assert ranked.nth(1).locator(".score").first.inner_text() == "160"

    # Drag "Incident timeline" from Next to Now on the board; the server re-renders it.
    page.click(".segmented >> text=Board")
    card = page.locator(".card-item", has_text="Incident timeline")
    page.drag_and_drop(
        ".card-item:has-text('Incident timeline')", ".column[data-horizon='now'] .cards"
    )
    page.wait_for_selector(".column[data-horizon='now'] .card-item:has-text('Incident timeline')")
    page.wait_for_load_state("networkidle")
    assert page.locator(".column[data-horizon='now'] .card-item").count() == 2
    assert page.locator(".column[data-horizon='next'] .card-item").count() == 0
    assert card.count() == 1
    screenshot(page, "roadmap-board")

    # Planning has no exit criteria: the gate is open, and the product moves to development.
    page.click(".tabs >> text=Overview")
    page.select_option("#move-stage select[name=to_stage]", "development")
    page.fill("#move-stage textarea[name=reason]", "Problem validated with eight customers.")
    page.click("#move-stage button[type=submit]")
    page.wait_for_url(f"{base}{product_url}")
    assert page.locator(".product-head .stage").inner_text() == "Development"
    assert "Aurora is now in development." in page.locator(".messages").inner_text()
    assert page.locator(".lifecycle li.current strong").inner_text() == "Development"
    assert "Problem validated with eight customers." in page.locator(".history").inner_text()
    assert page.locator(".prose h2").inner_text() == "How we win"
    assert page.console_errors == []
    screenshot(page, "products-page")


def test_a_viewer_reads_the_demo_roadmap_without_editing_it(live_tandem: str, page: Any) -> None:
    page.goto(f"{live_tandem}/login/")
    page.fill("input[name=email]", "helen@lumen.example")
    page.fill("input[name=password]", "tandem-demo")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_tandem}/o/lumen/")
    page.click("nav.sidebar >> text=Roadmap")
    page.wait_for_url(f"{live_tandem}/o/lumen/roadmap/")
    assert page.locator(".card-item").count() >= 10
    assert page.locator(".card-item[draggable=true]").count() == 0
    assert page.console_errors == []
