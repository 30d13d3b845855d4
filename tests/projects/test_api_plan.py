"""The plan REST API under /api/v1: baselines, resources and assignments, workload, my work,
board columns, calendars and templates, through Django's test client with real tokens."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from tandem.accounts.models import Organisation, User
from tandem.projects import services_plan, services_tasks
from tandem.projects.models import Assignment, Project, Resource, Task
from tests.conftest import owner_of

Counts = Callable[[], dict[str, int]]
MakeClient = Callable[[User], Client]
MakeProject = Callable[..., Project]
MakeTask = Callable[..., Task]
pytestmark = pytest.mark.django_db
JSON = "application/json"


def post(client: Client, url: str, body: Any, **headers: str) -> Any:
    return client.post(url, json.dumps(body), content_type=JSON, headers=headers)


def patch(client: Client, url: str, body: Any, **headers: str) -> Any:
    return client.patch(url, json.dumps(body), content_type=JSON, headers=headers)


def person(organisation: Organisation, name: str = "Ann", **fields: Any) -> Resource:
    return services_plan.create_resource(
        owner_of(organisation), organisation.pk, name=name, **fields
    )


def assign(task: Task, resource: Resource) -> Assignment:
    return services_plan.assign(
        owner_of(task.project.organisation), task.pk, resource_id=resource.pk
    )


# -- baselines ---------------------------------------------------------------------------------


def test_a_saved_baseline_shows_the_variance_of_every_task(
    org: Organisation, make_project: MakeProject, make_task: MakeTask, api_client: MakeClient
) -> None:
    project = make_project()
    task = make_task(project, name="Design", duration=480)
    client = api_client(owner_of(org))
    saved = post(client, f"/api/v1/projects/{project.pk}/baselines", {"name": "Approved"})
    assert saved.status_code == 201
    baseline = saved.json()
    assert (baseline["name"], baseline["finish"], baseline["cost"]) == (
        "Approved",
        "2030-01-07T17:00:00Z",
        0,
    )
    services_tasks.update_task(owner_of(org), task.pk, version=1, duration=960)
    detail = client.get(f"/api/v1/baselines/{baseline['id']}").json()
    assert detail["total"] == {"start_days": 0.0, "finish_days": 1.0, "duration": None, "cost": 0}
    assert detail["tasks"] == [
        {
            "task_id": task.pk,
            "name": "Design",
            "variance": {"start_days": 0.0, "finish_days": 1.0, "duration": 480, "cost": 0},
        }
    ]
    listed = client.get(f"/api/v1/projects/{project.pk}/baselines").json()
    assert [b["id"] for b in listed] == [baseline["id"]]


def test_a_baseline_name_used_twice_is_409(
    org: Organisation, make_project: MakeProject, api_client: MakeClient, row_counts: Counts
) -> None:
    project = make_project()
    client = api_client(owner_of(org))
    url = f"/api/v1/projects/{project.pk}/baselines"
    post(client, url, {"name": "Approved"})
    before = row_counts()
    response = post(client, url, {"name": "Approved"})
    assert (response.status_code, response.json()["code"]) == (409, "baseline.exists")
    assert row_counts() == before


def test_another_organisations_baseline_is_404(
    org: Organisation,
    make_organisation: Callable[..., Organisation],
    make_project: MakeProject,
    api_client: MakeClient,
) -> None:
    project = make_project()
    baseline = services_plan.save_baseline(owner_of(org), project.pk, name="Approved")
    response = api_client(owner_of(make_organisation())).get(f"/api/v1/baselines/{baseline.pk}")
    assert (response.status_code, response.json()["code"]) == (404, "baseline.not_found")


# -- resources and assignments -----------------------------------------------------------------


def test_resources_are_created_listed_and_updated_with_if_match(
    org: Organisation, member: User, api_client: MakeClient
) -> None:
    client = api_client(owner_of(org))
    url = f"/api/v1/organisations/{org.pk}/resources"
    made = post(client, url, {"name": "Ann", "user_id": member.pk, "cost_rate": 9000})
    assert made.status_code == 201
    post(client, url, {"name": "Crane", "kind": "equipment"})
    people = client.get(url, {"kind": "person"}).json()
    assert [(r["name"], r["user_id"]) for r in people["items"]] == [("Ann", member.pk)]
    resource_url = f"/api/v1/resources/{made.json()['id']}"
    assert client.get(resource_url)["ETag"] == '"1"'
    changed = patch(client, resource_url, {"capacity": 0.5}, **{"If-Match": '"1"'})
    assert (changed.status_code, changed.json()["capacity"], changed["ETag"]) == (200, 0.5, '"2"')


def test_assigning_a_resource_answers_201_and_a_second_time_409(
    org: Organisation,
    make_project: MakeProject,
    make_task: MakeTask,
    api_client: MakeClient,
    row_counts: Counts,
) -> None:
    task = make_task(make_project())
    ann = person(org)
    client = api_client(owner_of(org))
    url = f"/api/v1/tasks/{task.pk}/assignments"
    made = post(client, url, {"resource_id": ann.pk, "units": 0.5})
    assert made.status_code == 201
    assert (made.json()["resource_id"], made.json()["units"]) == (ann.pk, 0.5)
    before = row_counts()
    again = post(client, url, {"resource_id": ann.pk})
    assert (again.status_code, again.json()["code"]) == (409, "assignment.exists")
    assert row_counts() == before
    assert [a["id"] for a in client.get(url).json()] == [made.json()["id"]]
    assert client.delete(f"/api/v1/assignments/{made.json()['id']}").status_code == 204
    assert not Assignment.objects.filter(task=task).exists()


def test_another_organisations_resource_cannot_be_assigned(
    org: Organisation,
    make_organisation: Callable[..., Organisation],
    make_project: MakeProject,
    make_task: MakeTask,
    api_client: MakeClient,
    row_counts: Counts,
) -> None:
    task = make_task(make_project())
    theirs = person(make_organisation())
    client = api_client(owner_of(org))
    before = row_counts()
    response = post(client, f"/api/v1/tasks/{task.pk}/assignments", {"resource_id": theirs.pk})
    assert (response.status_code, response.json()["code"]) == (404, "resource.not_found")
    assert row_counts() == before


# -- workload and my work ----------------------------------------------------------------------


def test_the_workload_marks_the_days_a_person_is_over_allocated(
    org: Organisation, make_project: MakeProject, make_task: MakeTask, api_client: MakeClient
) -> None:
    project = make_project()
    ann = person(org)
    assign(make_task(project, duration=480), ann)
    assign(make_task(project, duration=960), ann)
    response = api_client(owner_of(org)).get(
        f"/api/v1/organisations/{org.pk}/workload", {"start": "2030-01-07", "finish": "2030-01-09"}
    )
    assert response.status_code == 200
    [row] = response.json()
    assert (row["resource_id"], row["name"], row["over_allocated_days"]) == (ann.pk, "Ann", 1)
    assert [(d["day"], d["booked"], d["over"]) for d in row["days"]] == [
        ("2030-01-07", 2.0, True),
        ("2030-01-08", 1.0, False),
        ("2030-01-09", 0.0, False),
    ]


def test_a_workload_range_ending_before_it_starts_is_422(
    org: Organisation, api_client: MakeClient
) -> None:
    response = api_client(owner_of(org)).get(
        f"/api/v1/organisations/{org.pk}/workload", {"start": "2030-01-09", "finish": "2030-01-07"}
    )
    assert (response.status_code, response.json()["field"]) == (422, "finish")


def test_my_work_lists_the_callers_unfinished_tasks(
    org: Organisation,
    member: User,
    make_project: MakeProject,
    make_task: MakeTask,
    api_client: MakeClient,
) -> None:
    project = make_project()
    mine, other = make_task(project, name="Mine"), make_task(project, name="Other")
    assign(mine, person(org, "Me", user_id=member.pk))
    assign(other, person(org, "Someone"))
    response = api_client(member).get(f"/api/v1/organisations/{org.pk}/my-work")
    assert [t["name"] for t in response.json()] == ["Mine"]


# -- board columns, calendars and templates --------------------------------------------------------


def test_columns_are_listed_added_and_removed(
    org: Organisation, make_project: MakeProject, make_task: MakeTask, api_client: MakeClient
) -> None:
    project = make_project()
    task = make_task(project)
    client = api_client(owner_of(org))
    url = f"/api/v1/projects/{project.pk}/columns"
    assert [c["key"] for c in client.get(url).json()] == ["todo", "in_progress", "review", "done"]
    added = post(client, url, {"name": "Blocked", "category": "in_progress"})
    assert (added.status_code, added.json()["key"], added.json()["position"]) == (201, "blocked", 4)
    todo = client.get(url).json()[0]["id"]
    removed = client.delete(f"/api/v1/columns/{todo}?move_to=blocked")
    assert removed.status_code == 204
    assert Task.objects.get(pk=task.pk).status == "blocked"


def test_a_column_key_used_twice_is_409(
    org: Organisation, make_project: MakeProject, api_client: MakeClient
) -> None:
    project = make_project()
    response = post(
        api_client(owner_of(org)),
        f"/api/v1/projects/{project.pk}/columns",
        {"name": "Done", "category": "done"},
    )
    assert (response.status_code, response.json()["code"]) == (409, "column.exists")


def test_a_calendar_made_through_the_api_schedules_a_project(
    org: Organisation, make_project: MakeProject, make_task: MakeTask, api_client: MakeClient
) -> None:
    client = api_client(owner_of(org))
    made = post(
        client,
        f"/api/v1/organisations/{org.pk}/calendars",
        {"name": "Four days", "week": [[[480, 720], [780, 1020]]] * 4 + [[], [], []]},
    )
    assert made.status_code == 201
    project = make_project()
    task = make_task(project, duration=5 * 480)
    response = patch(
        client,
        f"/api/v1/projects/{project.pk}",
        {"calendar_id": made.json()["id"]},
        **{"If-Match": '"1"'},
    )
    assert response.status_code == 200
    # Monday to Thursday, then the next Monday: Friday is off.
    assert Task.objects.get(pk=task.pk).finish.isoformat() == "2030-01-14T17:00:00+00:00"


def test_a_template_with_a_link_to_a_missing_task_is_422(
    org: Organisation, api_client: MakeClient, row_counts: Counts
) -> None:
    client = api_client(owner_of(org))
    before = row_counts()
    response = post(
        client,
        f"/api/v1/organisations/{org.pk}/project-templates",
        {
            "name": "Broken",
            "definition": {
                "tasks": [{"ref": "a", "name": "A"}],
                "links": [{"from": "a", "to": "b"}],
            },
        },
    )
    assert (response.status_code, response.json()["field"]) == (422, "definition")
    assert row_counts() == before


def test_a_viewer_may_not_add_resources_or_assignments(
    viewer: User,
    org: Organisation,
    make_project: MakeProject,
    make_task: MakeTask,
    api_client: MakeClient,
    row_counts: Counts,
) -> None:
    task = make_task(make_project())
    ann = person(org)
    client = api_client(viewer)
    before = row_counts()
    responses = [
        post(client, f"/api/v1/organisations/{org.pk}/resources", {"name": "Bob"}),
        post(client, f"/api/v1/tasks/{task.pk}/assignments", {"resource_id": ann.pk}),
        post(client, f"/api/v1/projects/{task.project_id}/baselines", {"name": "Mine"}),
    ]
    assert [r.status_code for r in responses] == [403, 403, 403]
    assert row_counts() == before
