"""The finance REST API: rates, time entries (and timesheets), expenses, earned value,
snapshots and forecasts, with real tokens."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.test import Client

from tandem.accounts.models import Organisation, User
from tandem.finance.models import TimeEntry
from tests.conftest import owner_of
from tests.finance.conftest import RATE, Costed

MakeClient = Callable[[User], Client]
JSON = "application/json"


def post(client: Client, url: str, body: Any, **headers: str) -> Any:
    return client.post(url, json.dumps(body), content_type=JSON, headers=headers)


def patch(client: Client, url: str, body: Any, **headers: str) -> Any:
    return client.patch(url, json.dumps(body), content_type=JSON, headers=headers)


def test_time_is_recorded_changed_and_removed_with_versions(
    costed: Costed, api_client: MakeClient
) -> None:
    client = api_client(costed.developer)
    body = {"task_id": costed.build.pk, "worked_on": costed.start.isoformat(), "minutes": 90}
    made = post(client, "/api/v1/time-entries", body)
    assert made.status_code == 201, made.content
    entry = made.json()
    assert entry["minutes"] == 90 and entry["person_id"] == costed.developer.pk
    assert entry["cost"] is None  # members do not see rates
    url = f"/api/v1/time-entries/{entry['id']}"
    assert patch(client, url, {"minutes": 60}).status_code == 428
    assert patch(client, url, {"minutes": 60}, **{"If-Match": '"9"'}).status_code == 412
    changed = patch(client, url, {"minutes": 60}, **{"If-Match": made["ETag"]})
    assert changed.status_code == 200 and changed.json()["minutes"] == 60
    listed = api_client(costed.planner).get(f"/api/v1/projects/{costed.project.pk}/time-entries")
    assert [e["cost"] for e in listed.json()] == [RATE]
    assert client.delete(url).status_code == 204
    assert not TimeEntry.objects.exists()


def test_refused_time_answers_with_the_field_and_writes_nothing(
    costed: Costed, api_client: MakeClient
) -> None:
    client = api_client(costed.viewer)
    body = {"task_id": costed.build.pk, "worked_on": costed.start.isoformat(), "minutes": 90}
    assert post(client, "/api/v1/time-entries", body).status_code == 403
    body["minutes"] = 5000
    answer = post(api_client(costed.developer), "/api/v1/time-entries", body)
    assert answer.status_code == 422 and answer.json()["field"] == "minutes"
    assert not TimeEntry.objects.exists()


def test_a_timesheet_is_previewed_then_imported(costed: Costed, api_client: MakeClient) -> None:
    client = api_client(costed.planner)
    url = f"/api/v1/projects/{costed.project.pk}/timesheet"
    day, email = costed.start.isoformat(), costed.developer.email
    good = f"date,person,task,hours\n{day},{email},1,2\n{day},{email},2,1.5\n"
    bad = good + f"{day},{email},7,1\n"
    preview = post(client, url, {"csv": bad, "dry_run": True}).json()
    assert preview["rows"] == 2 and preview["errors"][0]["row"] == 4
    refused = post(client, url, {"csv": bad})
    assert refused.status_code == 422 and len(refused.json()["errors"]) == 1
    assert not TimeEntry.objects.exists()
    assert post(client, url, {"csv": good}).json()["imported"] == 2


def test_rates_are_for_finance_roles_only(costed: Costed, api_client: MakeClient) -> None:
    url = f"/api/v1/resources/{costed.resource.pk}/rates"
    set_rate = api_client(costed.planner).put(
        url, json.dumps({"effective_from": "2027-01-01", "rate": 7000}), content_type=JSON
    )
    assert set_rate.status_code == 200 and set_rate.json()["rate"] == 7000
    assert api_client(costed.planner).get(url).json()[0]["effective_from"] == "2027-01-01"
    assert api_client(costed.developer).get(url).status_code == 403


def test_earned_value_snapshots_and_forecast_read_as_documented(
    costed: Costed, api_client: MakeClient
) -> None:
    client = api_client(costed.planner)
    base = f"/api/v1/projects/{costed.project.pk}"
    value = client.get(f"{base}/earned-value?as_of={costed.start.isoformat()}").json()
    assert value["bac"] == 80 * RATE and value["baseline"] == "Approved"
    assert len(value["tasks"]) == 3 and value["s_curve"]["planned_value"][-1] == 80 * RATE
    made = post(client, f"{base}/snapshots", {"status_date": costed.start.isoformat()})
    assert made.status_code == 201
    assert [s["status_date"] for s in client.get(f"{base}/snapshots").json()] == [
        costed.start.isoformat()
    ]
    forecast = client.get(f"{base}/forecast").json()
    assert set(forecast["finish"]) == {"p50", "p80", "p95", "mean"}
    assert "quantiles" not in forecast
    rerun = post(client, f"{base}/forecast", {"iterations": 500, "seed": 2}).json()
    assert rerun["iterations"] == 500 and rerun["seed"] == 2
    assert post(client, f"{base}/forecast", {"iterations": 5}).status_code == 422


def test_another_organisations_project_is_not_found(
    costed: Costed,
    api_client: MakeClient,
    make_costed: Callable[..., Costed],
    make_organisation: Callable[..., Organisation],
) -> None:
    other = make_costed(make_organisation())
    client = api_client(owner_of(costed.project.organisation))
    for path in ("earned-value", "forecast", "snapshots", "expenses", "time-entries"):
        assert client.get(f"/api/v1/projects/{other.project.pk}/{path}").status_code == 404
    expense = {"incurred_on": "2026-01-05", "amount": 100, "description": "Taxi"}
    assert post(client, f"/api/v1/projects/{other.project.pk}/expenses", expense).status_code == 404
