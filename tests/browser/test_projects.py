"""A project manager creates a project from the stage-gate template, adds a task, links it by
dragging in the Gantt chart, watches the critical path change, moves a bar, saves a baseline,
and the board and workload pages render — in chromium against the real server."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser


def sign_in(page: Any, base: str, email: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", "tandem-demo")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/o/lumen/")


def bar(page: Any, name: str) -> Any:
    """A task's bar, found through its row in the task list (the chart lends the bar's
    <title> to its own tooltip while the pointer is over it)."""
    task_id = page.locator(".gantt-row", has_text=name).first.get_attribute("data-task-id")
    return page.locator(f'g.gantt-bar[data-task-id="{task_id}"]')


def centre(locator: Any) -> tuple[float, float]:
    box = locator.bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def wait_rendered(page: Any) -> None:
    page.wait_for_selector("[data-gantt][data-rendered]")


def test_plan_a_project_in_the_gantt_chart(live_tandem: str, page: Any) -> None:
    sign_in(page, live_tandem, "marco@lumen.example")
    monday = date.today() + timedelta(days=7 - date.today().weekday())

    page.goto(f"{live_tandem}/o/lumen/projects/new/")
    page.fill("input[name=name]", "Partner portal")
    page.fill("input[name=key]", "PP")
    page.fill("input[name=start]", monday.isoformat())
    page.select_option("select[name=template]", label="Product stage gates")
    page.click("button:has-text('Create project')")
    page.wait_for_url("**/gantt/")
    wait_rendered(page)
    gantt_url = page.url
    assert bar(page, "Build").count() == 1
    assert "gantt-critical" in (bar(page, "Build").get_attribute("class") or "")

    # Add a long task on the task table; with no links it has float and is not critical.
    page.click("nav.tabs >> text=Tasks")
    page.fill("input[name=name]", "Partner data migration")
    page.fill("input[name=duration_days]", "50")
    page.click("button:has-text('Add task')")
    page.wait_for_selector("text=Added “Partner data migration”")
    page.goto(gantt_url)
    wait_rendered(page)
    if (
        page.locator("[data-gantt] button:has-text('Critical path')").get_attribute("aria-pressed")
        == "false"
    ):
        page.click("[data-gantt] button:has-text('Critical path')")
    # Month zoom: the whole plan fits in the timeline.
    page.click("[data-gantt] button:has-text('Month')")
    wait_rendered(page)
    migration = bar(page, "Partner data migration")
    assert "gantt-critical" not in (migration.get_attribute("class") or "")

    # Drag from the migration's link handle onto Build: Build now waits for the migration,
    # which becomes critical.
    handle = migration.locator(".gantt-link-handle")
    page.mouse.move(*centre(migration.locator("rect").first))
    x0, y0 = centre(handle)
    x1, y1 = centre(bar(page, "Build").locator("rect").first)
    with page.expect_response(lambda r: r.url.endswith("/gantt/link")) as linked:
        page.mouse.move(x0, y0)
        page.mouse.down()
        page.mouse.move((x0 + x1) / 2, (y0 + y1) / 2, steps=8)
        page.mouse.move(x1, y1, steps=8)
        page.mouse.up()
    assert linked.value.status == 200
    wait_rendered(page)
    page.wait_for_function(
        "id => document.querySelector(`g.gantt-bar[data-task-id='${id}']`)"
        "?.classList.contains('gantt-critical')",
        arg=migration.get_attribute("data-task-id"),
    )
    assert page.locator("path.gantt-link").count() >= 10

    # Drag the migration bar a week later: it now starts no earlier than that day.
    migration = bar(page, "Partner data migration")
    x, y = centre(migration.locator("rect").first)
    with page.expect_response(lambda r: r.url.endswith("/gantt/move")) as moved:
        page.mouse.move(x, y)
        page.mouse.down()
        page.mouse.move(x + 60, y, steps=10)
        page.mouse.up()
    assert moved.value.status == 200
    assert moved.value.json()["tasks"]  # the refreshed plan came back
    wait_rendered(page)
    assert page.console_errors == []
    screenshot(page, "project-gantt")

    # Save a baseline of the agreed plan.
    page.click("nav.tabs >> text=Baselines")
    page.fill("input[name=name]", "Kick-off plan")
    page.click("button:has-text('Save baseline')")
    page.wait_for_selector("text=Baseline “Kick-off plan” saved.")
    assert page.locator("select[name=baseline] option").count() == 1

    page.click("nav.tabs >> text=Board")
    assert page.locator(".board-column").count() == 4
    screenshot(page, "project-board")
    assert page.console_errors == []


def test_the_demo_workload_shows_over_allocation(live_tandem: str, page: Any) -> None:
    sign_in(page, live_tandem, "marco@lumen.example")
    page.goto(f"{live_tandem}/o/lumen/workload/?scale=week&weeks=12")
    assert page.locator("td.heat-over").count() > 0
    assert page.locator("text=Nobody is booked beyond capacity").count() == 0
    screenshot(page, "workload")
    page.goto(f"{live_tandem}/o/lumen/projects/")
    page.click("text=Lumen mobile app 2.0")
    assert page.locator(".kpi").count() >= 4
    screenshot(page, "project-overview")
    assert page.console_errors == []
