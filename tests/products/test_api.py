"""The products REST API under /api/v1, through Django's test client with real tokens."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tandem.accounts.models import Organisation, User
from tandem.products import services_lifecycle, services_roadmap
from tandem.products.models import Measurement, Metric, Product, RoadmapItem
from tests.conftest import owner_of

Counts = Callable[[], dict[str, int]]
MakeClient = Callable[[User], Client]
pytestmark = pytest.mark.django_db
JSON = "application/json"


def send(client: Client, method: str, url: str, body: Any = None, **headers: str) -> Any:
    call = getattr(client, method)
    if body is None:
        return call(url, headers=headers)
    return call(url, json.dumps(body), content_type=JSON, headers=headers)


# -- products ----------------------------------------------------------------------------------


def test_a_product_is_created_read_updated_and_deleted(
    org: Organisation, pm: User, member: User, api_client: MakeClient
) -> None:
    client = api_client(pm)
    created = send(
        client,
        "post",
        f"/api/v1/organisations/{org.pk}/products",
        {"name": "Beam", "purpose": "Light", "stakeholder_ids": [member.pk]},
    )
    assert created.status_code == 201
    body = created.json()
    assert (body["stage"], body["key"], body["owner"]["id"], body["stakeholder_ids"]) == (
        "planning",
        "beam",
        pm.pk,
        [member.pk],
    )
    url = f"/api/v1/products/{body['id']}"
    read = client.get(url)
    assert (read.status_code, read["ETag"]) == (200, '"1"')
    patched = send(client, "patch", url, {"vision": "Everywhere"}, **{"If-Match": '"1"'})
    assert (patched.status_code, patched.json()["vision"], patched["ETag"]) == (
        200,
        "Everywhere",
        '"2"',
    )
    assert client.delete(url).status_code == 204
    assert client.get(url).status_code == 404


def test_an_update_without_if_match_is_428_and_a_stale_one_412_and_neither_writes(
    product: Product, pm: User, api_client: MakeClient, row_counts: Counts
) -> None:
    client = api_client(pm)
    url = f"/api/v1/products/{product.pk}"
    before = row_counts()
    missing = send(client, "patch", url, {"name": "New"})
    stale = send(client, "patch", url, {"name": "New"}, **{"If-Match": '"9"'})
    assert (missing.status_code, missing.json()["code"]) == (428, "version_required")
    assert (stale.status_code, stale.json()["code"]) == (412, "stale_version")
    assert stale.json()["current_version"] == 1
    assert row_counts() == before
    product.refresh_from_db()
    assert product.name == "Beam"


def test_viewers_read_but_may_not_change_and_outsiders_get_404(
    product: Product, viewer: User, outsider: User, api_client: MakeClient, row_counts: Counts
) -> None:
    url = f"/api/v1/products/{product.pk}"
    reader, foreign = api_client(viewer), api_client(outsider)
    assert reader.get(url).status_code == 200
    before = row_counts()
    refused = send(reader, "patch", url, {"name": "X"}, **{"If-Match": '"1"'})
    assert (refused.status_code, refused.json()["code"]) == (403, "permission_denied")
    assert foreign.get(url).status_code == 404
    assert send(foreign, "patch", url, {"name": "X"}, **{"If-Match": '"1"'}).status_code == 404
    assert (
        foreign.get(f"/api/v1/organisations/{product.organisation_id}/products").status_code == 404
    )
    assert row_counts() == before


def test_products_are_filtered_searched_ordered_and_paged(
    org: Organisation, pm: User, make_product: Callable[..., Product], api_client: MakeClient
) -> None:
    for name in ("Cedar", "Alder", "Birch"):
        make_product(name=name)
    later = make_product(name="Dogwood")
    services_lifecycle.advance_stage(pm, later.pk, version=1, to_stage="development")
    client = api_client(pm)
    base = f"/api/v1/organisations/{org.pk}/products"
    page = client.get(f"{base}?ordering=name&limit=2&offset=1").json()
    assert (page["count"], [p["name"] for p in page["items"]]) == (4, ["Birch", "Cedar"])
    assert [p["name"] for p in client.get(f"{base}?stage=development").json()["items"]] == [
        "Dogwood"
    ]
    assert [p["name"] for p in client.get(f"{base}?q=ald").json()["items"]] == ["Alder"]
    assert client.get(f"{base}?ordering=-colour").status_code == 422


def test_invalid_input_is_422_naming_the_field(
    org: Organisation, pm: User, api_client: MakeClient, row_counts: Counts
) -> None:
    client = api_client(pm)
    url = f"/api/v1/organisations/{org.pk}/products"
    before = row_counts()
    response = send(client, "post", url, {"name": ""})
    assert (response.status_code, response.json()["field"]) == (422, "name")
    bad_key = send(client, "post", url, {"name": "A", "key": "A B"})
    assert (bad_key.status_code, bad_key.json()["field"]) == (422, "key")
    assert row_counts() == before


# -- lifecycle ---------------------------------------------------------------------------------


def test_moving_through_the_gate_answers_409_with_the_unmet_criteria_then_accepts_an_override(
    product: Product, pm: User, api_client: MakeClient, row_counts: Counts
) -> None:
    client = api_client(pm)
    made = send(
        client,
        "post",
        f"/api/v1/products/{product.pk}/criteria",
        {"stage": "planning", "description": "Pricing agreed"},
    )
    assert (made.status_code, made.json()["met"]) == (201, False)
    url = f"/api/v1/products/{product.pk}/stage"
    before = row_counts()
    refused = send(client, "post", url, {"to_stage": "development"}, **{"If-Match": '"1"'})
    assert refused.status_code == 409
    assert refused.json()["code"] == "product.stage_criteria_unmet"
    assert refused.json()["unmet_criteria"] == ["Pricing agreed"]
    assert row_counts() == before
    moved = send(
        client,
        "post",
        url,
        {"to_stage": "development", "override": True, "reason": "Design partner waiting"},
        **{"If-Match": '"1"'},
    )
    assert (moved.status_code, moved.json()["stage"]) == (200, "development")
    history = client.get(f"/api/v1/products/{product.pk}/stage-history").json()["items"]
    assert [(h["to_stage"], h["overridden"]) for h in history] == [
        ("planning", False),
        ("development", True),
    ]
    assert history[1]["unmet_criteria"] == ["Pricing agreed"]


def test_a_criterion_is_ticked_with_if_match(
    product: Product, pm: User, api_client: MakeClient
) -> None:
    criterion = services_lifecycle.add_stage_criterion(
        pm, product.pk, stage="planning", description="Interviews"
    )
    client = api_client(pm)
    ticked = send(
        client, "patch", f"/api/v1/criteria/{criterion.pk}", {"done": True}, **{"If-Match": '"1"'}
    )
    assert (ticked.status_code, ticked.json()["met"], ticked["ETag"]) == (200, True, '"2"')
    listed = client.get(f"/api/v1/products/{product.pk}/criteria?stage=planning").json()
    assert [c["met"] for c in listed["items"]] == [True]


def test_a_retirement_plan_is_created_read_and_changed(
    product: Product, pm: User, api_client: MakeClient
) -> None:
    client = api_client(pm)
    url = f"/api/v1/products/{product.pk}/retirement-plan"
    assert client.get(url).status_code == 404
    plan = {
        "retire_on": (timezone.localdate() + timedelta(days=60)).isoformat(),
        "communication": "Emails",
        "data_handling": "Export",
    }
    created = send(client, "post", url, plan)
    assert (created.status_code, created.json()["open_items"]) == (201, "close")
    plan_id = created.json()["id"]
    changed = send(
        client,
        "patch",
        f"/api/v1/retirement-plans/{plan_id}",
        {"communication": "Letters"},
        **{"If-Match": '"1"'},
    )
    assert changed.json()["communication"] == "Letters"
    assert client.get(url).json()["version"] == 2


# -- metrics and measurements ------------------------------------------------------------------


def test_measurements_are_pushed_listed_and_judged(
    product: Product, pm: User, api_client: MakeClient
) -> None:
    client = api_client(pm)
    metric = send(
        client,
        "post",
        f"/api/v1/products/{product.pk}/metrics",
        {
            "name": "Weekly active users",
            "key": "wau",
            "unit": "users",
            "baseline": 100,
            "target": 200,
            "target_date": (timezone.localdate() + timedelta(days=30)).isoformat(),
        },
    ).json()
    url = f"/api/v1/metrics/{metric['id']}/measurements"
    now = timezone.now()
    for days, value in ((21, 120), (14, 150), (7, 180)):
        at = (now - timedelta(days=days)).isoformat()
        assert send(client, "post", url, {"value": value, "at": at}).status_code == 201
    assert send(client, "post", url, {"value": 190}).json()["source"] == "api"
    listed = client.get(f"{url}?ordering=-at&limit=2").json()
    assert (listed["count"], [m["value"] for m in listed["items"]]) == (4, [190, 180])
    health = client.get(f"/api/v1/metrics/{metric['id']}/health").json()
    assert (health["health"], health["latest"]) == ("on_track", 190)
    assert health["trend_per_day"] > 0


def test_a_csv_import_with_bad_rows_is_422_listing_them_and_writes_nothing(
    org: Organisation,
    product: Product,
    pm: User,
    make_metric: Callable[..., Metric],
    api_client: MakeClient,
    row_counts: Counts,
) -> None:
    make_metric(product, key="wau")
    url = f"/api/v1/organisations/{org.pk}/measurements/import"
    client = api_client(pm)
    before = row_counts()
    bad = send(
        client,
        "post",
        url,
        {"csv": "product,metric,at,value\nbeam,wau,2026-01-01,1\nbeam,wau,yesterday,2\n"},
    )
    assert bad.status_code == 422
    assert bad.json()["errors"] == [
        {"row": 3, "field": "at", "message": "'yesterday' is not a date such as 2026-03-01."}
    ]
    assert row_counts() == before
    good = send(client, "post", url, {"csv": "product,metric,at,value\nbeam,wau,2026-01-01,1\n"})
    assert (good.status_code, good.json()["created"]) == (201, 1)
    assert Measurement.objects.count() == 1


# -- roadmap -----------------------------------------------------------------------------------


def test_roadmap_items_come_with_rice_and_wsjf_and_sort_by_either(
    product: Product, pm: User, make_item: Callable[..., RoadmapItem], api_client: MakeClient
) -> None:
    make_item(product, title="A", reach=100, impact=1, confidence=100, effort=1,
              business_value=1, time_criticality=1, risk_reduction=1, job_size=1)  # fmt: skip
    make_item(product, title="B", reach=300, impact=1, confidence=100, effort=1,
              business_value=1, time_criticality=1, risk_reduction=0, job_size=8)  # fmt: skip
    client = api_client(pm)
    url = f"/api/v1/products/{product.pk}/roadmap-items"
    by_rice = client.get(f"{url}?ordering=rice").json()["items"]
    by_wsjf = client.get(f"{url}?ordering=wsjf").json()["items"]
    assert [i["title"] for i in by_rice] == ["B", "A"]
    assert [i["title"] for i in by_wsjf] == ["A", "B"]
    assert by_rice[0]["rice"] | {"missing": []} == {
        "score": 300.0,
        "rank": 1,
        "reach": 300.0,
        "reach_source": "typed",
        "reach_metric_id": None,
        "reach_share": 100.0,
        "impact": 1.0,
        "confidence": 100.0,
        "effort": 1.0,
        "missing": [],
    }
    assert by_wsjf[0]["wsjf"]["cost_of_delay"] == 3
    assert [i["title"] for i in client.get(f"{url}?q=a").json()["items"]] == ["A"]


def test_an_item_is_moved_on_the_board_through_the_api(
    product: Product, pm: User, make_item: Callable[..., RoadmapItem], api_client: MakeClient
) -> None:
    item = make_item(product, horizon="later")
    client = api_client(pm)
    url = f"/api/v1/roadmap-items/{item.pk}/move"
    assert send(client, "post", url, {"horizon": "now"}).status_code == 428
    moved = send(client, "post", url, {"horizon": "now"}, **{"If-Match": '"1"'})
    assert (moved.status_code, moved.json()["horizon"], moved["ETag"]) == (200, "now", '"2"')
    assert send(client, "post", url, {"horizon": "never"}, **{"If-Match": '"2"'}).status_code == 422


def test_expected_impact_shows_the_measured_change_once_shipped(
    product: Product,
    pm: User,
    make_item: Callable[..., RoadmapItem],
    make_metric: Callable[..., Metric],
    measure: Callable[..., Any],
    api_client: MakeClient,
) -> None:
    metric = make_metric(product, baseline=0, target=1000)
    item = make_item(product)
    client = api_client(pm)
    created = send(
        client,
        "post",
        f"/api/v1/roadmap-items/{item.pk}/impacts",
        {"metric_id": metric.pk, "change": 100},
    )
    assert (created.status_code, created.json()["outcome"]) == (201, None)
    measure(metric, [400, 400, 450, 520], last_days_ago=1)
    services_roadmap.update_roadmap_item(
        pm,
        item.pk,
        version=1,
        status="shipped",
        shipped_on=timezone.localdate() - timedelta(days=16),
    )
    [impact] = client.get(f"/api/v1/roadmap-items/{item.pk}/impacts").json()["items"]
    assert (impact["before"], impact["after"], impact["actual"], impact["outcome"]) == (
        400,
        520,
        120,
        "measuring",
    )


def test_releases_and_teams_have_their_crud(
    org: Organisation,
    product: Product,
    pm: User,
    member: User,
    make_item: Callable[..., RoadmapItem],
    api_client: MakeClient,
) -> None:
    client = api_client(pm)
    item = make_item(product)
    release = send(
        client,
        "post",
        f"/api/v1/products/{product.pk}/releases",
        {"label": "1.0", "item_ids": [item.pk]},
    ).json()
    assert release["item_ids"] == [item.pk]
    shipped = send(
        client,
        "patch",
        f"/api/v1/releases/{release['id']}",
        {"status": "released"},
        **{"If-Match": '"1"'},
    )
    assert shipped.json()["actual_date"] == timezone.localdate().isoformat()
    assert client.get(f"/api/v1/roadmap-items/{item.pk}").json()["status"] == "shipped"
    team = send(
        client,
        "post",
        f"/api/v1/organisations/{org.pk}/teams",
        {"name": "Core", "member_ids": [member.pk]},
    ).json()
    renamed = send(
        client, "patch", f"/api/v1/teams/{team['id']}", {"name": "Core team"}, **{"If-Match": '"1"'}
    )
    assert (renamed.json()["name"], renamed.json()["member_ids"]) == ("Core team", [member.pk])
    assert client.delete(f"/api/v1/teams/{team['id']}").status_code == 204


# -- comments, portfolio, the document ---------------------------------------------------------


def test_members_comment_viewers_may_not(
    product: Product, member: User, viewer: User, api_client: MakeClient, row_counts: Counts
) -> None:
    url = f"/api/v1/products/{product.pk}/comments"
    reader = api_client(viewer)
    assert send(api_client(member), "post", url, {"body": "Nice"}).status_code == 201
    before = row_counts()
    assert send(reader, "post", url, {"body": "Me too"}).status_code == 403
    assert row_counts() == before
    assert reader.get(url).json()["count"] == 1


def test_the_portfolio_lists_every_product_with_health_and_progress(
    org: Organisation,
    product: Product,
    make_item: Callable[..., RoadmapItem],
    api_client: MakeClient,
) -> None:
    make_item(product, status="shipped")
    make_item(product, status="in_progress")
    make_item(product, status="closed")
    [row] = (
        api_client(owner_of(org)).get(f"/api/v1/organisations/{org.pk}/portfolio").json()["items"]
    )
    assert (row["name"], row["stage"], row["shipped"], row["in_progress"], row["progress"]) == (
        "Beam",
        "planning",
        1,
        1,
        50,
    )


def test_the_openapi_document_describes_the_products_endpoints(
    pm: User, api_client: MakeClient
) -> None:
    paths = api_client(pm).get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/organisations/{organisation_id}/products",
        "/api/v1/products/{product_id}/stage",
        "/api/v1/metrics/{metric_id}/measurements",
        "/api/v1/products/{product_id}/roadmap-items",
        "/api/v1/roadmap-items/{item_id}/impacts",
        "/api/v1/organisations/{organisation_id}/measurements/import",
    ):
        assert path in paths


def test_the_portfolio_and_an_item_show_the_projects_delivering_the_roadmap(
    org: Organisation,
    product: Product,
    make_item: Callable[..., RoadmapItem],
    api_client: MakeClient,
    browser_client: Callable[[User], Client],
) -> None:
    from datetime import date

    from tandem.projects import services as project_services

    owner = owner_of(org)
    item = make_item(product, title="Onboarding")
    project_services.create_project(
        owner,
        org.pk,
        name="Onboarding revamp",
        start=date(2030, 1, 7),
        deadline=date(2030, 6, 28),
        status="active",
        roadmap_item_ids=[item.pk],
    )
    [row] = api_client(owner).get(f"/api/v1/organisations/{org.pk}/portfolio").json()["items"]
    assert row["projects"] == 1
    page = browser_client(owner).get(f"/o/acme/products/{product.pk}/roadmap/{item.pk}/")
    assert "Onboarding revamp" in page.content.decode()
    assert "1 project" in browser_client(owner).get("/o/acme/portfolio/").content.decode()
