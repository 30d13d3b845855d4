"""The products pages through Django's test client: who sees what, forms, refusals, the board."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tandem.accounts.models import Organisation, User
from tandem.products import services, services_lifecycle, services_metrics, services_roadmap
from tandem.products.models import Measurement, Metric, Product, RoadmapItem

Counts = Callable[[], dict[str, int]]
MakeClient = Callable[[User], Client]
pytestmark = pytest.mark.django_db


def csrf(client: Client, page: str) -> str:
    """The CSRF token a browser would send after loading ``page``."""
    client.get(page)
    return client.cookies["csrftoken"].value


def post(
    client: Client, url: str, data: dict[str, Any], page: str = "/o/acme/products/", **headers: str
) -> Any:
    return client.post(url, {**data, "csrfmiddlewaretoken": csrf(client, page)}, headers=headers)


@pytest.fixture
def stocked(
    pm: User,
    product: Product,
    make_metric: Callable[..., Metric],
    measure: Callable[..., Any],
    make_item: Callable[..., RoadmapItem],
) -> dict[str, Any]:
    """A product with a goal, a measured metric, an exit criterion, items, a release and a team."""
    goal = services_metrics.create_goal(pm, product.pk, title="Grow")
    metric = make_metric(product, name="Weekly active users", key="wau", goal_id=goal.pk)
    measure(metric, [100, 120, 140, 150])
    services_lifecycle.add_stage_criterion(
        pm, product.pk, stage="planning", description="WAU ≥ 140", metric_id=metric.pk,
        comparison=">=", threshold=140,
    )  # fmt: skip
    item = make_item(product, title="Onboarding", horizon="now", reach=100, impact=1,
                     confidence=80, effort=1, goal_ids=[goal.pk])  # fmt: skip
    services_roadmap.add_expected_impact(pm, item.pk, metric_id=metric.pk, change=30)
    shipped = make_item(product, title="Shipped thing", status="shipped")
    from tandem.products import services_releases, services_teams

    release = services_releases.create_release(pm, product.pk, label="1.0", item_ids=[item.pk])
    team = services_teams.create_team(pm, product.organisation_id, name="Core")
    return {"metric": metric, "item": item, "shipped": shipped, "release": release, "team": team}


def pages(product: Product, stocked: dict[str, Any]) -> list[str]:
    base = f"/o/acme/products/{product.pk}/"
    metric, item = stocked["metric"].pk, stocked["item"].pk
    return [
        "/o/acme/portfolio/",
        "/o/acme/products/",
        "/o/acme/roadmap/",
        "/o/acme/teams/",
        base,
        base + "metrics/",
        base + f"metrics/{metric}/",
        base + "roadmap/",
        base + "roadmap/?by=wsjf",
        base + "roadmap/ranking/",
        base + "roadmap/timeline/",
        base + f"roadmap/{item}/",
        base + f"roadmap/{stocked['shipped'].pk}/",
        base + "releases/",
        base + "teams/",
    ]


def test_every_products_page_renders_for_a_viewer_without_editing_controls(
    product: Product, stocked: dict[str, Any], viewer: User, browser_client: MakeClient
) -> None:
    client = browser_client(viewer)
    for page in pages(product, stocked):
        response = client.get(page)
        assert response.status_code == 200, page
        html = response.content.decode()
        assert "New item" not in html and "Edit product" not in html, page
        assert "Move stage" not in html, page


def test_the_product_manager_gets_the_editing_controls(
    product: Product, stocked: dict[str, Any], pm: User, browser_client: MakeClient
) -> None:
    client = browser_client(pm)
    html = client.get(f"/o/acme/products/{product.pk}/").content.decode()
    assert "Move stage" in html and "Edit product" in html
    assert (
        'draggable="true"' in client.get(f"/o/acme/products/{product.pk}/roadmap/").content.decode()
    )
    for page in ("new/", f"{product.pk}/edit/", f"{product.pk}/metrics/new/",
                 f"{product.pk}/roadmap/new/", f"{product.pk}/retirement/"):  # fmt: skip
        assert client.get(f"/o/acme/products/{page}").status_code == 200, page


def test_pages_carry_no_inline_scripts_styles_or_handlers(
    product: Product, stocked: dict[str, Any], pm: User, browser_client: MakeClient
) -> None:
    client = browser_client(pm)
    inline_script = re.compile(r"<script(?![^>]*\b(src|type=\"application/json\"))[^>]*>")
    for page in pages(product, stocked):
        response = client.get(page)
        html = response.content.decode()
        assert "script-src 'self'" in response["Content-Security-Policy"]
        assert not inline_script.search(html), page
        assert not re.search(r"\sstyle=", html), page
        assert not re.search(r"\son[a-z]+=", html), page


def test_a_foreign_organisations_product_is_404_on_pages(
    product: Product, outsider: User, browser_client: MakeClient
) -> None:
    assert browser_client(outsider).get(f"/o/acme/products/{product.pk}/").status_code == 404


def test_a_product_of_the_organisation_under_another_slug_is_404(
    product: Product,
    make_organisation: Callable[..., Organisation],
    make_member: Callable[..., User],
    browser_client: MakeClient,
) -> None:
    other = make_organisation(slug="other")
    user = make_member(other, role="owner")
    assert browser_client(user).get(f"/o/other/products/{product.pk}/").status_code == 404


def test_the_strategy_is_rendered_as_markdown_without_scripts_or_javascript_links(
    product: Product, pm: User, browser_client: MakeClient
) -> None:
    services.update_product(
        pm,
        product.pk,
        version=1,
        strategy="## Win\n\n* **fast**\n\n<script>alert(1)</script>\n\n[x](javascript:alert(2)) "
        '<img src=x onerror="alert(3)">',
    )
    html = browser_client(pm).get(f"/o/acme/products/{product.pk}/").content.decode()
    assert "<h2>Win</h2>" in html and "<strong>fast</strong>" in html
    assert "alert(1)" not in html.replace("&lt;script&gt;alert(1)", "")
    assert "javascript:" not in html and "onerror" not in html


# -- forms -------------------------------------------------------------------------------------


def test_creating_a_product_through_the_form(
    org: Organisation, pm: User, browser_client: MakeClient
) -> None:
    client = browser_client(pm)
    response = post(client, "/o/acme/products/new/", {"name": "Beam", "owner_id": pm.pk})
    product = Product.objects.get(name="Beam")
    assert response.status_code == 302
    assert response["Location"] == f"/o/acme/products/{product.pk}/"


def test_a_refused_product_form_shows_the_reason_and_writes_nothing(
    product: Product, pm: User, browser_client: MakeClient, row_counts: Counts
) -> None:
    client = browser_client(pm)
    token = csrf(client, "/o/acme/products/new/")
    before = row_counts()
    response = client.post("/o/acme/products/new/", {"name": "beam", "csrfmiddlewaretoken": token})
    assert response.status_code == 409
    assert "already has a product called beam" in response.content.decode()
    assert row_counts() == before


def test_members_cannot_open_the_new_product_form(member: User, browser_client: MakeClient) -> None:
    assert browser_client(member).get("/o/acme/products/new/").status_code == 403


def test_an_unmet_gate_is_explained_on_the_page_and_nothing_moves(
    product: Product,
    stocked: dict[str, Any],
    pm: User,
    browser_client: MakeClient,
    row_counts: Counts,
) -> None:
    services_lifecycle.add_stage_criterion(
        pm, product.pk, stage="planning", description="Pricing agreed"
    )
    client = browser_client(pm)
    token = csrf(client, f"/o/acme/products/{product.pk}/")
    before = row_counts()
    response = client.post(
        f"/o/acme/products/{product.pk}/stage/",
        {"to_stage": "development", "version": 1, "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 409
    assert "Exit criteria of planning are not met: Pricing agreed." in response.content.decode()
    assert row_counts() == before
    moved = client.post(
        f"/o/acme/products/{product.pk}/stage/",
        {"to_stage": "development", "version": 1, "override": "on", "reason": "Pilot",
         "csrfmiddlewaretoken": token},
    )  # fmt: skip
    assert moved.status_code == 302
    product.refresh_from_db()
    assert product.stage == "development"


def test_a_checklist_criterion_is_ticked_from_the_page(
    product: Product, pm: User, browser_client: MakeClient
) -> None:
    item = services_lifecycle.add_stage_criterion(
        pm, product.pk, stage="planning", description="Go"
    )
    client = browser_client(pm)
    post(client, f"/o/acme/products/{product.pk}/criteria/{item.pk}/toggle/",
         {"done": "on", "version": 1})  # fmt: skip
    item.refresh_from_db()
    assert item.done is True


def test_a_measurement_is_typed_in_and_a_bad_csv_upload_lists_its_rows(
    product: Product,
    stocked: dict[str, Any],
    pm: User,
    browser_client: MakeClient,
    row_counts: Counts,
) -> None:
    metric = stocked["metric"]
    base = f"/o/acme/products/{product.pk}/metrics/{metric.pk}/"
    client = browser_client(pm)
    assert post(client, base + "measurements/", {"value": "155"}, page=base).status_code == 302
    assert Measurement.objects.filter(metric=metric, value=155).exists()
    token = csrf(client, base)
    before = row_counts()
    # The metric page's upload goes to the CSV preview: every bad row is shown, nothing written.
    importer = f"/o/acme/csv/measurements/{metric.pk}/import/"
    assert f'action="{importer}"' in client.get(base).content.decode()
    upload = SimpleUploadedFile("wau.csv", b"at,value\n2026-01-01,5\n2026-01-02,many\n", "text/csv")
    response = client.post(
        importer, {"file": upload, "action": "preview", "csrfmiddlewaretoken": token}
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert "1 problem found; nothing will be imported until it is fixed." in html
    assert "&#x27;many&#x27; is not a number." in html
    assert row_counts() == before
    good = "at,value\n2026-01-01,5\n"
    response = client.post(
        importer, {"text": good, "action": "import", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302 and response["Location"] == base
    assert Measurement.objects.filter(metric=metric, value=5).exists()


def test_dragging_a_card_posts_to_the_same_service_and_gets_the_board_back(
    product: Product, stocked: dict[str, Any], pm: User, browser_client: MakeClient
) -> None:
    item = stocked["item"]
    item.refresh_from_db()
    client = browser_client(pm)
    url = f"/o/acme/products/{product.pk}/roadmap/{item.pk}/move/"
    page = f"/o/acme/products/{product.pk}/roadmap/"
    response = post(
        client, url, {"horizon": "later", "version": item.version}, page=page, **{"X-Board": "1"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith('<div class="board-wrap" id="board"')
    assert re.search(r'data-horizon="later".*Onboarding', html, re.S)
    item.refresh_from_db()
    assert item.horizon == "later"


def test_a_stale_drag_answers_412_with_the_board_and_the_reason_and_writes_nothing(
    product: Product,
    stocked: dict[str, Any],
    pm: User,
    browser_client: MakeClient,
    row_counts: Counts,
) -> None:
    item = stocked["item"]
    client = browser_client(pm)
    token = csrf(client, f"/o/acme/products/{product.pk}/roadmap/")
    before = row_counts()
    response = client.post(
        f"/o/acme/products/{product.pk}/roadmap/{item.pk}/move/",
        {"horizon": "next", "version": 99, "csrfmiddlewaretoken": token},
        headers={"X-Board": "1"},
    )
    assert response.status_code == 412
    assert "changed since you loaded it" in response.content.decode()
    assert row_counts() == before


def test_the_move_form_without_script_redirects_back_to_the_board(
    product: Product, stocked: dict[str, Any], pm: User, browser_client: MakeClient
) -> None:
    item = stocked["item"]
    item.refresh_from_db()
    response = post(browser_client(pm), f"/o/acme/products/{product.pk}/roadmap/{item.pk}/move/",
                    {"horizon": "next", "version": item.version})  # fmt: skip
    assert response["Location"] == f"/o/acme/products/{product.pk}/roadmap/"
    item.refresh_from_db()
    assert item.horizon == "next"


def test_members_may_not_move_cards(
    product: Product,
    stocked: dict[str, Any],
    member: User,
    browser_client: MakeClient,
    row_counts: Counts,
) -> None:
    client = browser_client(member)
    token = csrf(client, "/o/acme/products/")
    before = row_counts()
    response = client.post(
        f"/o/acme/products/{product.pk}/roadmap/{stocked['item'].pk}/move/",
        {"horizon": "next", "version": 1, "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 403
    assert row_counts() == before


def test_a_roadmap_item_is_created_from_the_form_with_its_scores(
    product: Product, pm: User, browser_client: MakeClient
) -> None:
    response = post(
        browser_client(pm),
        f"/o/acme/products/{product.pk}/roadmap/new/",
        {"title": "Search", "kind": "feature", "status": "proposed", "horizon": "next",
         "reach": "400", "impact": "2", "confidence": "50", "effort": "2", "reach_share": "100"},
    )  # fmt: skip
    assert response.status_code == 302
    item = RoadmapItem.objects.get(title="Search")
    assert (item.horizon, item.reach, item.impact, item.confidence) == ("next", 400, 2, 50)


def test_members_comment_on_a_product_page(
    product: Product, member: User, browser_client: MakeClient
) -> None:
    client = browser_client(member)
    response = post(client, f"/o/acme/products/{product.pk}/comments/", {"body": "Ship it"})
    assert response.status_code == 302
    assert "Ship it" in client.get(f"/o/acme/products/{product.pk}/").content.decode()


def test_the_sidebar_has_the_product_section(
    pm: User, browser_client: MakeClient, org: Organisation
) -> None:
    html = browser_client(pm).get("/o/acme/portfolio/").content.decode()
    for link in ("/o/acme/portfolio/", "/o/acme/products/", "/o/acme/roadmap/", "/o/acme/teams/"):
        assert f'href="{link}"' in html
