"""A project manager imports MS Project's commercial construction plan (.mpp) through the
upload page: the preview shows what the file holds, the import shows its progress and lands on
the new project's Gantt chart — in chromium against the real server. The chart is saved as
docs/screenshots/import-gantt.png."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import screenshot
from tests.browser.test_projects import sign_in
from tests.shared_data import PROJECT_FILES

pytestmark = pytest.mark.browser

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
CONSTRUCTION = PROJECT_FILES / "mpp" / "projectlibre-Commercial_construction_project_plan.mpp"


def test_import_the_construction_plan_and_see_its_gantt_chart(live_tandem: str, page: Any) -> None:
    sign_in(page, live_tandem, "marco@lumen.example")
    page.goto(f"{live_tandem}/o/lumen/projects/")
    page.click("a:has-text('Import a plan')")
    page.wait_for_selector("h1:has-text('Import a plan')")

    page.set_input_files("input[name=file]", str(CONSTRUCTION))
    page.fill("#plan-upload input[name=project_name]", "Office block")
    page.click("#plan-upload button:has-text('Preview')")
    page.wait_for_selector("#plan-preview", timeout=60_000)
    counts = page.locator(".plan-counts").inner_text()
    assert "145\ntasks" in counts and "176\nlinks" in counts
    assert "MS Project" in page.locator(".plan-source").inner_text()
    assert page.locator(".plan-tasks tbody tr").count() == 50
    assert page.locator("#plan-confirm input[name=project_name]").input_value() == "Office block"
    # While the import runs the page says so, with a progress bar.
    indicator = page.locator("#plan-running")
    assert " ".join((indicator.text_content() or "").split()) == "Importing 145 tasks…"
    assert not indicator.is_visible()
    screenshot(page, "import-preview")

    page.click("#plan-confirm button:has-text('Import 145 tasks')")
    # The file is read again (MPXJ converts .mpp in a child process): the bar shows meanwhile.
    indicator.wait_for(state="visible", timeout=10_000)
    assert page.locator("#plan-confirm button:has-text('Import 145 tasks')").is_disabled()
    screenshot(page, "import-running")
    page.wait_for_url("**/gantt/", timeout=120_000)
    page.wait_for_selector("[data-gantt][data-rendered]")
    message = page.locator(".messages .message.success").inner_text()
    assert message.startswith("Imported Office block from ")
    assert "145 tasks, 176 links" in message
    assert page.locator("h1").first.inner_text().startswith("Office block")
    assert page.locator("g.gantt-bar").count() > 100
    assert page.locator("path.gantt-link").count() > 100
    assert page.locator(".gantt-row", has_text="Mobilize on Site").count() >= 1
    DOCS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(DOCS / "import-gantt.png"), full_page=False)
    screenshot(page, "import-gantt")
    assert page.console_errors == []
