"""A product manager signs in through the real page, served by uvicorn, in chromium."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser


def test_demo_product_manager_signs_in_and_sees_the_workspace(live_tandem: str, page: Any) -> None:
    page.goto(f"{live_tandem}/o/lumen/")
    # Signed out: every page sends you to sign in first.
    assert "/login/" in page.url

    page.fill("input[name=email]", "priya@lumen.example")
    page.fill("input[name=password]", "tandem-demo")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_tandem}/o/lumen/")

    assert page.locator("h1").inner_text() == "Lumen Labs"
    assert page.locator(".nav-role").inner_text() == "You are product manager here"
    # A product manager does not manage members: no invite form, no settings link.
    assert page.locator("nav.sidebar >> text=Settings").count() == 0
    page.click("nav.sidebar >> text=Members")
    page.wait_for_url(f"{live_tandem}/o/lumen/members/")
    assert page.locator("table tbody tr").count() == 9
    assert page.locator("text=Invite someone").count() == 0
    # htmx came from npm through the build and loaded under the Content-Security-Policy.
    assert page.evaluate("typeof window.htmx") == "object"
    assert page.console_errors == []
    screenshot(page, "members-as-product-manager")

    page.goto(f"{live_tandem}/o/lumen/")
    screenshot(page, "dashboard-as-product-manager")


def test_wrong_password_is_refused_on_the_page(live_tandem: str, page: Any) -> None:
    page.goto(f"{live_tandem}/login/")
    page.fill("input[name=email]", "marco@lumen.example")
    page.fill("input[name=password]", "not-the-password")
    page.click("button[type=submit]")
    assert page.locator(".alert.error").inner_text() == "Wrong email or password."
    assert "/login/" in page.url
    screenshot(page, "sign-in-refused")
