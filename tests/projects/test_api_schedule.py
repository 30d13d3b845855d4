"""The projects REST API under /api/v1: links, the schedule with its critical path and the
milestones, through Django's test client with real tokens."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from tandem.accounts.models import Organisation, User
from tandem.projects import services_tasks
from tandem.projects.models import Link, Project, Task
from tests.conftest import owner_of

Counts = Callable[[], dict[str, int]]
MakeClient = Callable[[User], Client]
MakeProject = Callable[..., Project]
MakeTask = Callable[..., Task]
pytestmark = pytest.mark.django_db
JSON = "application/json"


def post(client: Client, url: str, body: Any, **headers: str) -> Any:
    return client.post(url, json.dumps(body), content_type=JSON, headers=headers)


def link(project: Project, a: Task, b: Task) -> Link:
    return services_tasks.add_link(
        owner_of(project.organisation), project.pk, predecessor_id=a.pk, successor_id=b.pk
    )


# -- links and the schedule -----------------------------------------------------------------------


def test_a_link_answers_201_and_moves_the_successor(
    org: Organisation, make_project: MakeProject, make_task: MakeTask, api_client: MakeClient
) -> None:
    project = make_project()
    a, b = make_task(project), make_task(project)
    response = post(
        api_client(owner_of(org)),
        f"/api/v1/projects/{project.pk}/links",
        {"predecessor_id": a.pk, "successor_id": b.pk, "type": "SS", "lag": 240},
    )
    assert response.status_code == 201
    assert (response.json()["type"], response.json()["lag"]) == ("SS", 240)
    assert Task.objects.get(pk=b.pk).start.isoformat() == "2030-01-07T13:00:00+00:00"


def test_a_link_that_closes_a_cycle_is_409_naming_the_tasks(
    org: Organisation,
    make_project: MakeProject,
    make_task: MakeTask,
    api_client: MakeClient,
    row_counts: Counts,
) -> None:
    project = make_project()
    a, b = make_task(project, name="Design"), make_task(project, name="Build")
    link(project, a, b)
    client = api_client(owner_of(org))
    before = row_counts()
    response = post(
        client,
        f"/api/v1/projects/{project.pk}/links",
        {"predecessor_id": b.pk, "successor_id": a.pk},
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "task.dependency_cycle"
    assert set(body["cycle"]) == {"Design", "Build"}
    assert "Design" in body["detail"] and "Build" in body["detail"]
    assert row_counts() == before


def test_the_schedule_lists_tasks_with_outline_numbers_and_the_critical_path_in_order(
    org: Organisation, make_project: MakeProject, make_task: MakeTask, api_client: MakeClient
) -> None:
    project = make_project(deadline="2030-01-18")
    phase = make_task(project, name="Phase")
    first = make_task(project, parent_id=phase.pk, duration=480)
    second = make_task(project, parent_id=phase.pk, duration=960)
    aside = make_task(project, duration=480)
    link(project, first, second)
    body = api_client(owner_of(org)).get(f"/api/v1/projects/{project.pk}/schedule").json()
    assert (body["start"], body["deadline"], body["finish"]) == (
        "2030-01-07",
        "2030-01-18",
        "2030-01-09T17:00:00Z",
    )
    assert [(t["id"], t["wbs"], t["summary"]) for t in body["tasks"]] == [
        (phase.pk, "1", True),
        (first.pk, "1.1", False),
        (second.pk, "1.2", False),
        (aside.pk, "2", False),
    ]
    # With a deadline a week after the finish every task has float: none is critical.
    assert body["critical_path"] == []
    assert {t["id"]: t["total_float"] for t in body["tasks"]}[aside.pk] == 9 * 480


def test_the_critical_path_runs_in_order_of_start(
    org: Organisation, make_project: MakeProject, make_task: MakeTask, api_client: MakeClient
) -> None:
    project = make_project()
    last, first, middle = (make_task(project, duration=480) for _ in range(3))
    make_task(project, duration=480)  # one day beside a three-day chain: not critical
    link(project, first, middle)
    link(project, middle, last)
    body = api_client(owner_of(org)).get(f"/api/v1/projects/{project.pk}/schedule").json()
    assert body["critical_path"] == [first.pk, middle.pk, last.pk]


def test_the_milestones_are_the_tasks_without_duration(
    org: Organisation, make_project: MakeProject, make_task: MakeTask, api_client: MakeClient
) -> None:
    project = make_project()
    make_task(project, duration=480)
    gate = make_task(project, name="Gate", duration=0)
    phase = make_task(project, name="Empty-looking phase", duration=0)
    make_task(project, parent_id=phase.pk)
    body = api_client(owner_of(org)).get(f"/api/v1/projects/{project.pk}/milestones").json()
    assert [t["id"] for t in body["items"]] == [gate.pk]
