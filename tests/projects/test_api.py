"""The projects REST API under /api/v1: projects, tasks, links and the schedule, through
Django's test client with real tokens."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from tandem.accounts.models import Organisation, User
from tandem.projects import services_plan, services_tasks
from tandem.projects.models import Link, Project, ProjectTemplate, Task
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


def link(project: Project, a: Task, b: Task) -> Link:
    return services_tasks.add_link(
        owner_of(project.organisation), project.pk, predecessor_id=a.pk, successor_id=b.pk
    )


# -- projects ----------------------------------------------------------------------------------


def test_creating_a_project_answers_201_with_the_project(
    org: Organisation, api_client: MakeClient
) -> None:
    response = post(
        api_client(owner_of(org)),
        f"/api/v1/organisations/{org.pk}/projects",
        {"name": "Mobile App", "start": "2030-01-07", "deadline": "2030-03-29"},
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["name"], body["key"], body["start"], body["deadline"]) == (
        "Mobile App",
        "MA",
        "2030-01-07",
        "2030-03-29",
    )
    assert (body["manager_id"], body["version"], body["organisation_id"]) == (
        owner_of(org).pk,
        1,
        org.pk,
    )
    assert Project.objects.get(pk=body["id"]).columns.count() == 4


def test_a_project_with_a_deadline_before_its_start_is_422_naming_the_field(
    org: Organisation, api_client: MakeClient, row_counts: Counts
) -> None:
    client = api_client(owner_of(org))
    before = row_counts()
    response = post(
        client,
        f"/api/v1/organisations/{org.pk}/projects",
        {"name": "Backwards", "start": "2030-01-07", "deadline": "2030-01-01"},
    )
    assert (response.status_code, response.json()["field"]) == (422, "deadline")
    assert row_counts() == before


def test_a_project_can_be_created_from_a_template(
    org: Organisation, api_client: MakeClient
) -> None:
    services_plan.ensure_standard_templates(owner_of(org), org.pk)
    template = ProjectTemplate.objects.get(organisation=org)
    response = post(
        api_client(owner_of(org)),
        f"/api/v1/organisations/{org.pk}/projects",
        {"name": "Launch", "start": "2030-01-07", "template_id": template.pk},
    )
    assert response.status_code == 201
    project = Project.objects.get(pk=response.json()["id"])
    assert (project.organisation, project.tasks.count(), project.links.count()) == (org, 13, 9)
    assert response.json()["finish"] == "2030-04-12T17:00:00Z"


def test_a_template_of_another_organisation_cannot_seed_a_project_here(
    org: Organisation,
    make_organisation: Callable[..., Organisation],
    api_client: MakeClient,
    row_counts: Counts,
) -> None:
    # BUG: src/tandem/projects/api.py create_project ignores organisation_id when template_id
    # is given: the project is made in the template's organisation, not the one in the URL.
    owner = owner_of(org)
    elsewhere = make_organisation(owner=owner)
    services_plan.ensure_standard_templates(owner, elsewhere.pk)
    template = ProjectTemplate.objects.get(organisation=elsewhere)
    client = api_client(owner)
    before = row_counts()
    response = post(
        client,
        f"/api/v1/organisations/{org.pk}/projects",
        {"name": "Launch", "start": "2030-01-07", "template_id": template.pk},
    )
    assert response.status_code == 404
    assert row_counts() == before


def test_the_project_list_filters_orders_and_pages(
    org: Organisation, make_project: MakeProject, api_client: MakeClient
) -> None:
    for name, status in [("Bravo", "active"), ("Alpha", "active"), ("Charlie", "proposed")]:
        make_project(name=name, status=status)
    client = api_client(owner_of(org))
    url = f"/api/v1/organisations/{org.pk}/projects"
    active = client.get(url, {"status": "active", "ordering": "-name"}).json()
    assert set(active) == {"items", "count"}
    assert (active["count"], [p["name"] for p in active["items"]]) == (2, ["Bravo", "Alpha"])
    page = client.get(url, {"ordering": "name", "limit": 1, "offset": 1}).json()
    assert (page["count"], [p["name"] for p in page["items"]]) == (3, ["Bravo"])
    refused = client.get(url, {"ordering": "budget"})
    assert (refused.status_code, refused.json()["field"]) == (422, "ordering")


def test_reading_a_project_gives_its_version_as_etag(
    org: Organisation, make_project: MakeProject, api_client: MakeClient
) -> None:
    project = make_project()
    response = api_client(owner_of(org)).get(f"/api/v1/projects/{project.pk}")
    assert (response.status_code, response["ETag"]) == (200, '"1"')


def test_a_project_update_without_if_match_is_428(
    org: Organisation, make_project: MakeProject, api_client: MakeClient, row_counts: Counts
) -> None:
    project = make_project(name="Before")
    client = api_client(owner_of(org))
    before = row_counts()
    response = patch(client, f"/api/v1/projects/{project.pk}", {"name": "X"})
    assert (response.status_code, response.json()["code"]) == (428, "version_required")
    assert row_counts() == before
    assert Project.objects.get(pk=project.pk).name == "Before"


def test_a_project_update_with_a_stale_etag_is_412_and_changes_nothing(
    org: Organisation, make_project: MakeProject, api_client: MakeClient, row_counts: Counts
) -> None:
    project = make_project(name="Before")
    client = api_client(owner_of(org))
    url = f"/api/v1/projects/{project.pk}"
    assert patch(client, url, {"objectives": "Ship"}, **{"If-Match": '"1"'}).status_code == 200
    before = row_counts()
    response = patch(client, url, {"name": "After"}, **{"If-Match": '"1"'})
    assert response.status_code == 412
    assert (response.json()["code"], response.json()["current_version"]) == ("stale_version", 2)
    assert row_counts() == before
    assert Project.objects.get(pk=project.pk).name == "Before"


def test_a_project_update_with_the_current_etag_answers_the_new_one(
    org: Organisation, make_project: MakeProject, make_task: MakeTask, api_client: MakeClient
) -> None:
    project = make_project()
    make_task(project, duration=480)
    response = patch(
        api_client(owner_of(org)),
        f"/api/v1/projects/{project.pk}",
        {"start": "2030-01-14", "name": "Later"},
        **{"If-Match": '"1"'},
    )
    assert (response.status_code, response["ETag"]) == (200, '"2"')
    body = response.json()
    assert (body["name"], body["start"], body["finish"]) == (
        "Later",
        "2030-01-14",
        "2030-01-14T17:00:00Z",
    )


def test_deleting_a_project_removes_its_tasks(
    org: Organisation, make_project: MakeProject, make_task: MakeTask, api_client: MakeClient
) -> None:
    project = make_project()
    make_task(project)
    response = api_client(owner_of(org)).delete(f"/api/v1/projects/{project.pk}")
    assert response.status_code == 204
    assert not Project.objects.filter(pk=project.pk).exists()
    assert not Task.objects.filter(project_id=project.pk).exists()


# -- tasks -------------------------------------------------------------------------------------


def test_creating_a_task_answers_201_with_its_schedule_and_outline_number(
    org: Organisation, make_project: MakeProject, make_task: MakeTask, api_client: MakeClient
) -> None:
    project = make_project()
    phase = make_task(project, name="Phase")
    response = post(
        api_client(owner_of(org)),
        f"/api/v1/projects/{project.pk}/tasks",
        {"name": "Design", "duration": 960, "parent_id": phase.pk},
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["wbs"], body["start"], body["finish"]) == (
        "1.1",
        "2030-01-07T08:00:00Z",
        "2030-01-08T17:00:00Z",
    )
    assert (body["total_float"], body["critical"], body["status"]) == (0, True, "todo")


def test_the_task_list_filters_by_milestone_and_critical(
    org: Organisation, make_project: MakeProject, make_task: MakeTask, api_client: MakeClient
) -> None:
    project = make_project()
    long, short = make_task(project, duration=960), make_task(project, duration=480)
    gate = make_task(project, name="Gate", duration=0)
    link(project, long, gate)
    client = api_client(owner_of(org))
    url = f"/api/v1/projects/{project.pk}/tasks"
    everything = client.get(url).json()
    assert (everything["count"], [t["wbs"] for t in everything["items"]]) == (3, ["1", "2", "3"])
    assert [t["id"] for t in client.get(url, {"milestone": True}).json()["items"]] == [gate.pk]
    critical = client.get(url, {"critical": False}).json()["items"]
    assert [t["id"] for t in critical] == [short.pk]
    by_name = client.get(url, {"ordering": "-finish,name", "limit": 1}).json()
    assert by_name["items"][0]["id"] == gate.pk


def test_a_task_update_follows_the_if_match_rules(
    org: Organisation, make_project: MakeProject, make_task: MakeTask, api_client: MakeClient
) -> None:
    task = make_task(make_project(), duration=480)
    client = api_client(owner_of(org))
    url = f"/api/v1/tasks/{task.pk}"
    assert client.get(url)["ETag"] == '"1"'
    assert patch(client, url, {"duration": 960}).status_code == 428
    ok = patch(client, url, {"duration": 960}, **{"If-Match": '"1"'})
    assert (ok.status_code, ok["ETag"], ok.json()["finish"]) == (200, '"2"', "2030-01-08T17:00:00Z")
    stale = patch(client, url, {"duration": 1440}, **{"If-Match": '"1"'})
    assert stale.status_code == 412
    assert Task.objects.get(pk=task.pk).duration == 960


def test_moving_a_task_sets_a_start_no_earlier_than_constraint(
    org: Organisation, make_project: MakeProject, make_task: MakeTask, api_client: MakeClient
) -> None:
    task = make_task(make_project(), duration=480)
    response = post(
        api_client(owner_of(org)),
        f"/api/v1/tasks/{task.pk}/move",
        {"start": "2030-01-09"},
        **{"If-Match": '"1"'},
    )
    assert (response.status_code, response["ETag"]) == (200, '"2"')
    body = response.json()
    assert (body["constraint_type"], body["constraint_date"], body["start"]) == (
        "SNET",
        "2030-01-09T08:00:00Z",
        "2030-01-09T08:00:00Z",
    )


def test_deleting_a_task_answers_204(
    org: Organisation, make_project: MakeProject, make_task: MakeTask, api_client: MakeClient
) -> None:
    task = make_task(make_project())
    make_task(task.project)
    assert api_client(owner_of(org)).delete(f"/api/v1/tasks/{task.pk}").status_code == 204
    assert not Task.objects.filter(pk=task.pk).exists()


def test_a_bulk_create_answers_201_with_every_task(
    org: Organisation, make_project: MakeProject, api_client: MakeClient
) -> None:
    project = make_project()
    response = post(
        api_client(owner_of(org)),
        f"/api/v1/projects/{project.pk}/tasks/bulk",
        {
            "tasks": [
                {"ref": "p", "name": "Phase"},
                {"ref": "a", "name": "Design", "parent": "p", "duration": 480},
                {"ref": "b", "name": "Build", "parent": "p", "duration": 480},
            ],
            "links": [{"from": "a", "to": "b"}],
        },
    )
    assert response.status_code == 201
    names = [(t["name"], t["finish"]) for t in response.json()]
    assert names == [
        ("Phase", "2030-01-08T17:00:00Z"),
        ("Design", "2030-01-07T17:00:00Z"),
        ("Build", "2030-01-08T17:00:00Z"),
    ]


def test_a_bulk_create_with_one_bad_row_is_422_naming_the_row_and_writes_nothing(
    org: Organisation, make_project: MakeProject, api_client: MakeClient, row_counts: Counts
) -> None:
    project = make_project()
    client = api_client(owner_of(org))
    before = row_counts()
    response = post(
        client,
        f"/api/v1/projects/{project.pk}/tasks/bulk",
        {"tasks": [{"name": "Good"}, {"name": "Bad", "constraint_type": "SOON"}]},
    )
    assert response.status_code == 422
    body = response.json()
    assert body["detail"].startswith("Row 2")
    assert (body["code"], body["field"]) == ("invalid", "constraint_type")
    assert row_counts() == before


def test_a_bulk_update_changes_tasks_by_id_and_version(
    org: Organisation, make_project: MakeProject, make_task: MakeTask, api_client: MakeClient
) -> None:
    project = make_project()
    a, b = make_task(project), make_task(project)
    response = patch(
        api_client(owner_of(org)),
        f"/api/v1/projects/{project.pk}/tasks/bulk",
        {"updates": [{"id": a.pk, "version": 1, "name": "A2"}, {"id": b.pk, "version": 9}]},
    )
    assert response.status_code == 412
    assert Task.objects.get(pk=a.pk).name == a.name


# -- access ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "code"),
    [
        ("get", "/api/v1/projects/{project}", "project.not_found"),
        ("get", "/api/v1/projects/{project}/schedule", "project.not_found"),
        ("get", "/api/v1/tasks/{task}", "task.not_found"),
        ("post", "/api/v1/projects/{project}/tasks", "project.not_found"),
        ("patch", "/api/v1/tasks/{task}", "task.not_found"),
        ("delete", "/api/v1/tasks/{task}", "task.not_found"),
        ("delete", "/api/v1/projects/{project}", "project.not_found"),
    ],
)
def test_another_organisations_ids_are_404_json_with_a_code(
    make_organisation: Callable[..., Organisation],
    make_project: MakeProject,
    make_task: MakeTask,
    api_client: MakeClient,
    row_counts: Counts,
    method: str,
    path: str,
    code: str,
) -> None:
    project = make_project()
    task = make_task(project)
    client = api_client(owner_of(make_organisation()))
    url = path.format(project=project.pk, task=task.pk)
    before = row_counts()
    if method in ("post", "patch"):
        response = getattr(client, method)(
            url, json.dumps({"name": "Mine"}), content_type=JSON, headers={"If-Match": '"1"'}
        )
    else:
        response = getattr(client, method)(url)
    assert (response.status_code, response.json()["code"]) == (404, code)
    assert row_counts() == before


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("post", "/api/v1/projects/{project}/tasks", {"name": "New"}),
        ("patch", "/api/v1/tasks/{task}", {"percent_complete": 50}),
        ("patch", "/api/v1/projects/{project}", {"name": "Renamed"}),
        ("post", "/api/v1/tasks/{task}/move", {"start": "2030-01-09"}),
        ("post", "/api/v1/projects/{project}/tasks/bulk", {"tasks": [{"name": "New"}]}),
        ("delete", "/api/v1/tasks/{task}", None),
        ("delete", "/api/v1/projects/{project}", None),
    ],
)
def test_a_viewer_token_is_403_on_writes_and_writes_nothing(
    viewer: User,
    make_project: MakeProject,
    make_task: MakeTask,
    api_client: MakeClient,
    row_counts: Counts,
    method: str,
    path: str,
    body: Any,
) -> None:
    project = make_project()
    task = make_task(project)
    client = api_client(viewer)
    url = path.format(project=project.pk, task=task.pk)
    before = row_counts()
    if body is None:
        response = getattr(client, method)(url)
    else:
        response = getattr(client, method)(
            url, json.dumps(body), content_type=JSON, headers={"If-Match": '"1"'}
        )
    assert response.status_code == 403
    assert response.json()["code"] in {"permission_denied", "task.progress_forbidden"}
    assert row_counts() == before
    assert Task.objects.get(pk=task.pk).version == 1
    assert client.get(f"/api/v1/projects/{project.pk}").status_code == 200
