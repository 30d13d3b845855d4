"""The project manager levels the demo project, reviews the proposal and accepts it."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import screenshot
from tests.browser.test_projects import sign_in

pytestmark = pytest.mark.browser


def test_level_the_demo_project_and_accept_the_proposal(live_tandem: str, page: Any) -> None:
    sign_in(page, live_tandem, "marco@lumen.example")
    page.goto(f"{live_tandem}/o/lumen/projects/")
    page.click("text=Lumen mobile app 2.0")
    page.click("nav.tabs >> text=Levelling")
    page.click("button:has-text('Propose levelling')")
    page.wait_for_selector("text=Proposal ready")
    rows = page.locator("table.moves tbody tr")
    assert rows.count() > 0
    assert page.locator("td.why", has_text="fully booked").count() > 0
    screenshot(page, "leveling-proposal")
    page.click("button:has-text('Accept all')")
    page.wait_for_selector("text=the schedule is updated")
    assert page.locator(".status-accepted").count() == 1
    assert page.console_errors == []
