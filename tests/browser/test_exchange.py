"""A project manager imports a plan from CSV on the task page: the preview shows the rows with
problems, they are fixed in the page's editor, checked again and imported — in chromium
against the real server. The preview is saved as docs/screenshots/csv-preview.png."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import screenshot
from tests.browser.test_projects import sign_in

pytestmark = pytest.mark.browser

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PLAN = """id,wbs,name,duration,resources,predecessors,deadline
1,1,Discovery,,,,
2,1.1,Stakeholder interviews,5d,Lena Fischer,,
3,1.2,Data inventory,three days,Jonas Weber,,
4,2,Pipeline,,,,
5,2.1,Ingest events,8d,Jonas Weber[50%],3,
6,2.2,Warehouse model,6d,Lena Fisher,2;5SS+2d,
7,2.3,Dashboards,4d,Marco Rossi,6,
8,3,Launch,0d,,7FS+1d,{deadline}
"""


def test_import_a_plan_from_csv_with_a_preview_of_its_problems(live_tandem: str, page: Any) -> None:
    sign_in(page, live_tandem, "marco@lumen.example")
    monday = date.today() + timedelta(days=7 - date.today().weekday())
    page.goto(f"{live_tandem}/o/lumen/projects/new/")
    page.fill("input[name=name]", "Data warehouse")
    page.fill("input[name=key]", "DWH")
    page.fill("input[name=start]", monday.isoformat())
    page.click("button:has-text('Create project')")
    page.wait_for_url("**/projects/*/**")
    page.click("nav.tabs >> text=Tasks")
    page.click("a:has-text('Import CSV')")
    page.wait_for_selector("h1:has-text('Import tasks from CSV')")

    text = PLAN.format(deadline=(monday + timedelta(weeks=6)).isoformat())
    page.set_input_files(
        "input[name=file]",
        files=[{"name": "warehouse.csv", "mimeType": "text/csv", "buffer": text.encode()}],
    )
    page.click("button:has-text('Check file')")
    page.wait_for_selector("#preview")
    problems = page.locator(".csv-errors li")
    assert problems.count() == 2
    assert problems.nth(0).inner_text().startswith("Line 4 · duration: 'three days' is not")
    assert problems.nth(1).inner_text() == (
        "Line 7 · resources: No resource is called 'Lena Fisher'; add it first."
    )
    assert page.locator("tr.row-error").count() == 2
    assert page.locator("td.cell-error").count() == 2
    assert page.locator("button:has-text('Import')").count() == 0
    DOCS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(DOCS / "csv-preview.png"), full_page=True)
    screenshot(page, "csv-preview")

    # Fix both rows in the editor and check again: ready, with what it will add.
    fixed = text.replace("three days", "3d").replace("Lena Fisher", "Lena Fischer")
    page.fill("textarea[name=text]", fixed)
    page.click("button:has-text('Check again')")
    page.wait_for_selector("text=Ready to import.")
    assert page.locator(".csv-errors li").count() == 0
    page.click("button:has-text('Import 8 tasks, 5 links and 5 assignments')")
    page.wait_for_selector("text=Imported 8 tasks, 5 links and 5 assignments.")
    assert page.url.endswith("/tasks/")
    rows = page.locator("#task-table tbody tr")
    assert rows.count() == 8
    assert "Warehouse model" in page.locator("#task-table").inner_text()
    # The only console error: the browser noting the 422 of the preview that found problems.
    assert [e for e in page.console_errors if "status of 422" not in e] == []
    assert len(page.console_errors) == 1
