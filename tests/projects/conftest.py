"""Builders of the projects tests: projects and tasks made through the services, and members
of the organisation in the roles that plan, contribute and watch."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
from django.test import Client

from tandem.accounts.models import Organisation, User
from tandem.projects import scheduling, services, services_tasks
from tandem.projects.models import Project, Task
from tests.conftest import owner_of

MONDAY = date(2030, 1, 7)  # a Monday far enough ahead that nothing is overdue yet
_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def _forget_prepared_schedules(db: None) -> Iterator[None]:
    """Drop prepared schedules a test installed: ids are reused once its transaction rolls back."""
    yield
    for project_id in Project.objects.values_list("pk", flat=True):
        scheduling.forget(project_id)


@pytest.fixture
def make_project(org: Organisation) -> Callable[..., Project]:
    """A project created by the organisation's owner, starting on a Monday."""

    def make(organisation: Organisation | None = None, **overrides: Any) -> Project:
        organisation = organisation or org
        n = next(_numbers)
        fields: dict[str, Any] = {"name": f"Project {n}", "start": MONDAY}
        fields.update(overrides)
        return services.create_project(owner_of(organisation), organisation.pk, **fields)

    return make


@pytest.fixture
def make_task(db: None) -> Callable[..., Task]:
    """A one-day task added by the owner of the project's organisation."""

    def make(project: Project, **overrides: Any) -> Task:
        fields: dict[str, Any] = {"name": f"Task {next(_numbers)}", "duration": 480}
        fields.update(overrides)
        return services_tasks.create_task(owner_of(project.organisation), project.pk, **fields)

    return make


@pytest.fixture
def planner(org: Organisation, make_member: Callable[..., User]) -> User:
    """A project manager of the organisation: edits every plan."""
    return make_member(org, role="project_manager")


@pytest.fixture
def member(org: Organisation, make_member: Callable[..., User]) -> User:
    """A member: updates the progress of the tasks assigned to them."""
    return make_member(org, role="member")


@pytest.fixture
def viewer(org: Organisation, make_member: Callable[..., User]) -> User:
    """A viewer: sees everything, changes nothing."""
    return make_member(org, role="viewer")


# -- pages ---------------------------------------------------------------------------------------


def url(project: Project, rest: str = "") -> str:
    """The address of a page of ``project`` (its overview without ``rest``)."""
    return f"/o/{project.organisation.slug}/projects/{project.pk}/{rest}"


def csrf(client: Client, page: str) -> str:
    """Load a page as a browser would and return the CSRF token it was given."""
    assert client.get(page).status_code == 200
    return client.cookies["csrftoken"].value


def send(client: Client, page: str, target: str, data: dict[str, Any], **headers: str) -> Any:
    """POST ``data`` to ``target`` with the token from ``page``, as the page's script does."""
    token = csrf(client, page)
    return client.post(target, data, headers={"X-CSRFToken": token, **headers})
