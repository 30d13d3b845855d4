"""Builders of the finance tests: a costed project that started weeks ago (so time can be
recorded up to today), with a developer on a rate, two tasks, a milestone and a baseline."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from tandem.accounts.models import Organisation, User
from tandem.finance.queries import today_in
from tandem.projects import scheduling, services, services_plan, services_tasks
from tandem.projects.models import Project, Resource, Task
from tests.conftest import owner_of

RATE = 6000  # 60.00 an hour


@dataclass
class Costed:
    """The costed project and its people."""

    project: Project
    build: Task  # 5 days from the start
    test: Task  # 5 days after build
    done: Task  # milestone after test
    developer: User
    resource: Resource
    planner: User
    viewer: User
    start: date


@pytest.fixture(autouse=True)
def _forget_prepared_schedules(db: None) -> Iterator[None]:
    yield
    for project_id in Project.objects.values_list("pk", flat=True):
        scheduling.forget(project_id)


@pytest.fixture
def make_costed(make_member: Callable[..., User]) -> Callable[..., Costed]:
    """A project in ``organisation`` started four Mondays ago, baselined at the start."""

    def make(organisation: Organisation, **overrides: object) -> Costed:
        owner = owner_of(organisation)
        today = date.today()
        start = today - timedelta(days=today.weekday(), weeks=4)
        project = services.create_project(
            owner, organisation.pk, name="Costed", start=start, status="active", **overrides
        )
        assert today_in(project) >= start
        build, test, done = services_tasks.create_tasks(
            owner,
            project.pk,
            [
                {"ref": "b", "name": "Build", "duration": 5 * 480},
                {"ref": "t", "name": "Test", "duration": 5 * 480},
                {"ref": "d", "name": "Done", "duration": 0},
            ],
            [{"from": "b", "to": "t"}, {"from": "t", "to": "d"}],
        )
        developer = make_member(organisation, role="member")
        resource = services_plan.create_resource(
            owner, organisation.pk, name="Developer", user_id=developer.pk, cost_rate=RATE
        )
        services_plan.assign(owner, build.pk, resource_id=resource.pk)
        services_plan.assign(owner, test.pk, resource_id=resource.pk)
        services_plan.save_baseline(owner, project.pk, name="Approved")
        return Costed(
            project=Project.objects.get(pk=project.pk),
            build=Task.objects.get(pk=build.pk),
            test=Task.objects.get(pk=test.pk),
            done=Task.objects.get(pk=done.pk),
            developer=developer,
            resource=resource,
            planner=make_member(organisation, role="project_manager"),
            viewer=make_member(organisation, role="viewer"),
            start=start,
        )

    return make


@pytest.fixture
def costed(org: Organisation, make_costed: Callable[..., Costed]) -> Costed:
    return make_costed(org)
