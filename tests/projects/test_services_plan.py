"""Rules of the plan services: baselines, resources and assignments, calendars, templates,
workload and "my work", one test per rule.

Every refusal also shows that nothing was written: a service runs in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest

from tandem.accounts.models import Organisation, User
from tandem.errors import Conflict, Invalid, NotFound
from tandem.projects import queries, services, services_plan, services_tasks
from tandem.projects.models import (
    Assignment,
    BaselineTask,
    Link,
    Project,
    ProjectTemplate,
    Resource,
    Task,
)
from tests.conftest import owner_of
from tests.projects.conftest import MONDAY

Counts = Callable[[], dict[str, int]]
MakeProject = Callable[..., Project]
MakeTask = Callable[..., Task]
pytestmark = pytest.mark.django_db
NIGHTS = [[[1080, 1320]]] * 5 + [[], []]  # 18:00-22:00 on weekdays


def at(day: int, hour: int, minute: int = 0, month: int = 1) -> datetime:
    """A moment in 2030 (7 January is a Monday), UTC."""
    return datetime(2030, month, day, hour, minute, tzinfo=UTC)


def span(task: Task) -> tuple[datetime | None, datetime | None]:
    task.refresh_from_db()
    return task.start, task.finish


def resource(organisation: Organisation, name: str = "Ann", **fields: object) -> Resource:
    return services_plan.create_resource(
        owner_of(organisation), organisation.pk, name=name, **fields
    )


def assign(task: Task, person: Resource, units: float = 1.0) -> Assignment:
    owner = owner_of(task.project.organisation)
    return services_plan.assign(owner, task.pk, resource_id=person.pk, units=units)


# -- baselines ---------------------------------------------------------------------------------


def test_a_baseline_keeps_dates_durations_and_planned_costs(
    org: Organisation, make_project: MakeProject, make_task: MakeTask
) -> None:
    project = make_project()
    task = make_task(project, duration=960, fixed_cost=5_000)
    assign(task, resource(org, cost_rate=2_500), units=0.5)
    baseline = services_plan.save_baseline(owner_of(org), project.pk, name="Approved")
    # 5,000 fixed + 0.5 units × 16 hours × 2,500 an hour
    [saved] = BaselineTask.objects.filter(baseline=baseline)
    assert (saved.task_id, saved.start, saved.finish) == (task.pk, at(7, 8), at(8, 17))
    assert (saved.duration, saved.cost) == (960, 25_000)
    assert (baseline.finish, baseline.cost, baseline.created_by) == (
        at(8, 17),
        25_000,
        owner_of(org),
    )


def test_a_baseline_name_is_used_once_per_project(
    org: Organisation, make_project: MakeProject, make_task: MakeTask, row_counts: Counts
) -> None:
    project = make_project()
    make_task(project)
    services_plan.save_baseline(owner_of(org), project.pk, name="Approved")
    before = row_counts()
    with pytest.raises(Conflict) as refusal:
        services_plan.save_baseline(owner_of(org), project.pk, name="Approved")
    assert (refusal.value.code, refusal.value.field) == ("baseline.exists", "name")
    assert row_counts() == before


def test_variance_shows_how_far_the_plan_moved_from_the_baseline(
    org: Organisation, make_project: MakeProject, make_task: MakeTask
) -> None:
    project = make_project()
    first, second = make_task(project, duration=480), make_task(project, duration=480)
    services_tasks.add_link(
        owner_of(org), project.pk, predecessor_id=first.pk, successor_id=second.pk
    )
    baseline = services_plan.save_baseline(owner_of(org), project.pk, name="Approved")
    services_tasks.update_task(owner_of(org), first.pk, version=1, duration=960, fixed_cost=700)
    project.refresh_from_db()
    per_task, total = queries.baseline_variance(
        project, baseline, services_plan.planned_costs(project)
    )
    assert (per_task[first.pk].duration, per_task[first.pk].cost) == (480, 700)
    assert (per_task[first.pk].start_days, per_task[first.pk].finish_days) == (0.0, 1.0)
    assert (per_task[second.pk].start_days, per_task[second.pk].duration) == (1.0, 0)
    assert (total.start_days, total.finish_days, total.cost) == (0.0, 1.0, 700)


def test_a_task_added_after_the_baseline_has_no_variance(
    org: Organisation, make_project: MakeProject, make_task: MakeTask
) -> None:
    project = make_project()
    make_task(project)
    baseline = services_plan.save_baseline(owner_of(org), project.pk, name="Approved")
    later = make_task(project)
    per_task, _ = queries.baseline_variance(project, baseline, services_plan.planned_costs(project))
    assert per_task[later.pk] == queries.Variance(None, None, None, None)


# -- resources and assignments -----------------------------------------------------------------


def test_assigning_a_resource_on_its_own_calendar_reschedules_the_task(
    org: Organisation, make_project: MakeProject, make_task: MakeTask
) -> None:
    nights = services_plan.create_calendar(owner_of(org), org.pk, name="Nights", week=NIGHTS)
    task = make_task(make_project(), duration=480)
    made = assign(task, resource(org, calendar_id=nights.pk))
    # Four working hours a night: Monday 18:00-22:00 and Tuesday 18:00-22:00.
    assert span(task) == (at(7, 18), at(8, 22))
    services_plan.unassign(owner_of(org), made.pk)
    assert span(task) == (at(7, 8), at(7, 17))
    assert not Assignment.objects.filter(pk=made.pk).exists()


def test_a_new_resource_calendar_reschedules_the_projects_it_works_on(
    org: Organisation, make_project: MakeProject, make_task: MakeTask
) -> None:
    nights = services_plan.create_calendar(owner_of(org), org.pk, name="Nights", week=NIGHTS)
    task = make_task(make_project(), duration=480)
    person = resource(org)
    assign(task, person)
    services_plan.update_resource(owner_of(org), person.pk, version=1, calendar_id=nights.pk)
    assert span(task) == (at(7, 18), at(8, 22))


def test_a_project_calendar_sets_the_working_time_of_its_tasks(
    org: Organisation, make_project: MakeProject, make_task: MakeTask
) -> None:
    mornings = services_plan.create_calendar(
        owner_of(org), org.pk, name="Mornings", week=[[[480, 720]]] * 5 + [[], []]
    )
    project = make_project()
    task = make_task(project, duration=480)
    services.update_project(owner_of(org), project.pk, version=1, calendar_id=mornings.pk)
    assert span(task) == (at(7, 8), at(8, 12))


def test_a_summary_task_cannot_be_assigned(
    org: Organisation, make_project: MakeProject, make_task: MakeTask, row_counts: Counts
) -> None:
    project = make_project()
    phase = make_task(project)
    make_task(project, parent_id=phase.pk)
    person = resource(org)
    before = row_counts()
    with pytest.raises(Invalid):
        assign(phase, person)
    assert row_counts() == before


def test_a_resource_is_assigned_to_a_task_once(
    org: Organisation, make_project: MakeProject, make_task: MakeTask, row_counts: Counts
) -> None:
    task = make_task(make_project())
    person = resource(org)
    assign(task, person)
    before = row_counts()
    with pytest.raises(Conflict) as refusal:
        assign(task, person, units=0.5)
    assert refusal.value.code == "assignment.exists"
    assert row_counts() == before
    assert Assignment.objects.get(task=task).units == 1.0


def test_calendar_hours_that_overlap_are_refused(org: Organisation, row_counts: Counts) -> None:
    before = row_counts()
    with pytest.raises(Invalid) as refusal:
        services_plan.create_calendar(
            owner_of(org), org.pk, name="Odd", week=[[[480, 720], [600, 900]]] * 5 + [[], []]
        )
    assert refusal.value.field == "week"
    assert row_counts() == before


# -- templates ---------------------------------------------------------------------------------


def stage_gates(org: Organisation) -> ProjectTemplate:
    services_plan.ensure_standard_templates(owner_of(org), org.pk)
    return ProjectTemplate.objects.get(organisation=org, name="Product stage gates")


def test_the_standard_templates_are_made_once(org: Organisation) -> None:
    stage_gates(org)
    stage_gates(org)
    assert ProjectTemplate.objects.filter(organisation=org).count() == 1


def test_a_project_from_the_stage_gate_template_has_phases_gates_and_links(
    org: Organisation,
) -> None:
    template = stage_gates(org)
    project = services_plan.create_project_from_template(
        owner_of(org), template.pk, name="Launch", start=MONDAY
    )
    rows = {r.task.name: r for r in queries.task_rows(project)}
    phases = [name for name, r in rows.items() if r.summary]
    gates = [name for name, r in rows.items() if r.milestone]
    assert phases == ["Planning", "Development", "Deployment"]
    assert gates == [
        "Gate: ready for development",
        "Gate: ready to deploy",
        "Gate: in maintenance",
    ]
    assert rows["Problem and customer research"].outline.number == "1.1"
    assert rows["Gate: ready for development"].outline.number == "2"
    assert Link.objects.filter(project=project).count() == 9
    # Scheduled from the start: ten days of research, five of the business case.
    assert span(rows["Problem and customer research"].task) == (at(7, 8), at(18, 17))
    assert span(rows["Gate: ready for development"].task) == (at(25, 17), at(25, 17))
    assert span(rows["Design"].task)[0] == at(28, 8)
    # The test starts ten working days after the build starts (SS with a lag).
    assert span(rows["Build"].task)[0] == at(11, 8, month=2)
    assert span(rows["Test"].task)[0] == at(25, 8, month=2)
    assert project.finish == at(12, 17, month=4)


def test_a_template_of_another_organisation_is_not_found(
    org: Organisation, make_organisation: Callable[..., Organisation], row_counts: Counts
) -> None:
    template = stage_gates(org)
    stranger = owner_of(make_organisation())
    before = row_counts()
    with pytest.raises(NotFound):
        services_plan.create_project_from_template(stranger, template.pk, name="X", start=MONDAY)
    assert row_counts() == before


# -- workload and my work ----------------------------------------------------------------------


def test_two_parallel_full_time_tasks_over_allocate_one_person(
    org: Organisation, make_project: MakeProject, make_task: MakeTask
) -> None:
    project = make_project()
    design, build = make_task(project, name="Design"), make_task(project, name="Build")
    person = resource(org)
    assign(design, person)
    assign(build, person)
    load, resources = queries.resource_workload(
        owner_of(org), org.pk, MONDAY, date(2030, 1, 11), project.pk
    )
    row = load.resources.index(person.pk)
    assert load.load[row].tolist() == [2.0, 0.0, 0.0, 0.0, 0.0]
    assert load.over[row].tolist() == [True, False, False, False, False]
    assert load.over_allocations() == [(person.pk, MONDAY, 2.0, 1.0, ["Design", "Build"])]
    assert resources[person.pk] == person


def test_half_time_tasks_side_by_side_fit_one_person(
    org: Organisation, make_project: MakeProject, make_task: MakeTask
) -> None:
    project = make_project()
    person = resource(org)
    for task in (make_task(project), make_task(project)):
        assign(task, person, units=0.5)
    load, _ = queries.resource_workload(owner_of(org), org.pk, MONDAY, MONDAY)
    assert (load.load.tolist(), load.over_allocations()) == ([[1.0]], [])


def test_workload_counts_days_in_the_organisations_time_zone(
    make_organisation: Callable[..., Organisation],
    make_project: MakeProject,
    make_task: MakeTask,
) -> None:
    # BUG: src/tandem/projects/queries.py resource_workload reads dates in the *current* time
    # zone (UTC outside a page) rather than the organisation's, so Monday 08:00-17:00 in
    # Los Angeles (16:00 Monday to 01:00 Tuesday UTC) is booked on Tuesday as well.
    organisation = make_organisation(time_zone="America/Los_Angeles")
    task = make_task(make_project(organisation), duration=480)
    assign(task, resource(organisation))
    load, _ = queries.resource_workload(
        owner_of(organisation), organisation.pk, MONDAY, date(2030, 1, 8)
    )
    assert load.load.tolist() == [[1.0, 0.0]]


def test_my_work_lists_only_my_unfinished_tasks(
    org: Organisation,
    member: User,
    make_member: Callable[..., User],
    make_project: MakeProject,
    make_task: MakeTask,
) -> None:
    project = make_project()
    mine, finished, theirs = (make_task(project, name=n) for n in ("Mine", "Finished", "Theirs"))
    me, someone = resource(org, "Me", user_id=member.pk), resource(org, "Someone")
    assign(mine, me)
    assign(finished, me)
    assign(theirs, someone)
    services_tasks.update_task(owner_of(org), finished.pk, version=1, percent_complete=100)
    assert [row.task.name for row in queries.my_work(member, org.pk)] == ["Mine"]
    assert queries.my_work(owner_of(org), org.pk) == []
