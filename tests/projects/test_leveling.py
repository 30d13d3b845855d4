"""Levelling proposals: which tasks would move and why; nothing changes until accepted; accept
all or some; pinned tasks and priorities; stale and foreign proposals refused."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date

import pytest
from django.test import Client

from tandem.accounts.models import Organisation, User
from tandem.errors import Conflict, Forbidden, Invalid, NotFound
from tandem.projects import queries, services_plan, services_tasks
from tandem.projects.models import LevelingProposal, Project, Task
from tandem.projects.services_leveling import accept_proposal, discard_proposal, level_project
from tests.conftest import owner_of
from tests.projects.conftest import url

pytestmark = pytest.mark.django_db
Counts = Callable[[], dict[str, int]]


@pytest.fixture
def clash(
    make_project: Callable[..., Project], make_task: Callable[..., Task]
) -> tuple[Project, Task, Task]:
    """Two three-day tasks at the same time for the only designer."""
    project = make_project()
    owner = owner_of(project.organisation)
    lena = services_plan.create_resource(owner, project.organisation_id, name="Lena", capacity=1)
    first = make_task(project, name="Wireframes", duration=3 * 480)
    second = make_task(project, name="Icons", duration=3 * 480, priority=400)
    services_plan.assign_many(
        owner, project.pk, [(first.pk, lena.pk, 1.0), (second.pk, lena.pk, 1.0)]
    )
    return project, Task.objects.get(pk=first.pk), Task.objects.get(pk=second.pk)


def over_days(project: Project) -> int:
    load, _ = queries.resource_workload(
        owner_of(project.organisation), project.organisation_id, date(2030, 1, 1), date(2030, 3, 1)
    )
    return int(load.over.sum())


def test_a_proposal_names_the_move_and_the_reason_and_changes_nothing(
    clash, row_counts: Counts
) -> None:  # type: ignore[no-untyped-def]
    project, _, second = clash
    assert over_days(project) == 3
    before = {t.pk: (t.start, t.constraint_type, t.version) for t in project.tasks.all()}
    proposal = level_project(owner_of(project.organisation), project.pk)
    moves = list(proposal.moves.all())
    # The lower-priority task waits for the other.
    assert [m.task_id for m in moves] == [second.pk]
    assert moves[0].delay_days == 3
    assert moves[0].reason.startswith("Lena is fully booked")
    assert "Wireframes" in moves[0].reason
    assert proposal.over_before == 3
    assert {t.pk: (t.start, t.constraint_type, t.version) for t in project.tasks.all()} == before


def test_accepting_applies_the_moves_and_ends_the_over_allocation(clash) -> None:  # type: ignore[no-untyped-def]
    project, first, second = clash
    owner = owner_of(project.organisation)
    proposal = level_project(owner, project.pk)
    accepted = accept_proposal(owner, proposal.pk)
    assert accepted.status == "accepted"
    moved = Task.objects.get(pk=second.pk)
    assert moved.constraint_type == "SNET"
    assert (
        moved.start == Task.objects.get(pk=first.pk).finish.replace(hour=8)
        or moved.start > first.start
    )
    assert moved.start == proposal.moves.get().proposed_start
    assert over_days(project) == 0
    # The finish the proposal announced is the one the plan now has (that evening, not the
    # next working morning).
    assert proposal.finish_after == moved.finish
    project.refresh_from_db()
    assert proposal.finish_after == project.finish


def test_accepting_some_moves_leaves_the_others(make_project, make_task) -> None:  # type: ignore[no-untyped-def]
    project = make_project()
    owner = owner_of(project.organisation)
    tom = services_plan.create_resource(owner, project.organisation_id, name="Tom")
    tasks = [make_task(project, name=f"T{i}", duration=480, priority=900 - i) for i in range(3)]
    services_plan.assign_many(owner, project.pk, [(t.pk, tom.pk, 1.0) for t in tasks])
    proposal = level_project(owner, project.pk)
    moves = list(proposal.moves.order_by("proposed_start"))
    assert [m.task.name for m in moves] == ["T1", "T2"]
    done = accept_proposal(owner, proposal.pk, task_ids=[moves[1].task_id])
    assert done.status == "partly_accepted"
    assert Task.objects.get(pk=moves[1].task_id).constraint_type == "SNET"
    assert Task.objects.get(pk=moves[0].task_id).constraint_type == "ASAP"


def test_a_pinned_task_stays_and_the_other_moves(clash) -> None:  # type: ignore[no-untyped-def]
    project, first, second = clash
    owner = owner_of(project.organisation)
    # Pin the one that would have moved: now the other one has to give way.
    services_tasks.update_task(owner, second.pk, version=second.version, pinned=True)
    proposal = level_project(owner, project.pk)
    assert [m.task_id for m in proposal.moves.all()] == [first.pk]


def test_an_edit_after_the_proposal_makes_it_stale_and_accepting_writes_nothing(
    clash, row_counts: Counts
) -> None:  # type: ignore[no-untyped-def]
    project, first, second = clash
    owner = owner_of(project.organisation)
    proposal = level_project(owner, project.pk)
    services_tasks.update_task(owner, first.pk, version=first.version, duration=960)
    counts = row_counts()
    with pytest.raises(Conflict) as refusal:
        accept_proposal(owner, proposal.pk)
    assert refusal.value.code == "proposal.stale"
    assert Task.objects.get(pk=second.pk).constraint_type == "ASAP"
    assert LevelingProposal.objects.get(pk=proposal.pk).status == "open"
    assert row_counts() == counts


def test_discarding_leaves_the_plan_and_a_decided_proposal_is_closed(clash) -> None:  # type: ignore[no-untyped-def]
    project, _, second = clash
    owner = owner_of(project.organisation)
    proposal = level_project(owner, project.pk)
    assert discard_proposal(owner, proposal.pk).status == "discarded"
    assert Task.objects.get(pk=second.pk).constraint_type == "ASAP"
    with pytest.raises(Conflict):
        accept_proposal(owner, proposal.pk)


def test_bad_choices_and_rights_are_refused(clash, viewer: User, make_organisation) -> None:  # type: ignore[no-untyped-def]
    project, first, _ = clash
    owner = owner_of(project.organisation)
    proposal = level_project(owner, project.pk)
    with pytest.raises(Invalid):
        accept_proposal(owner, proposal.pk, task_ids=[first.pk])  # not a move of this proposal
    with pytest.raises(Forbidden):
        level_project(viewer, project.pk)
    stranger = owner_of(make_organisation())
    with pytest.raises(NotFound):
        accept_proposal(stranger, proposal.pk)
    with pytest.raises(NotFound):
        level_project(stranger, project.pk)
    with pytest.raises(Invalid):
        level_project(owner, project.pk, thorough=True, time_limit=0)


def test_a_thorough_search_levels_too_and_proves_the_plan_shortest(clash) -> None:  # type: ignore[no-untyped-def]
    project, _, second = clash
    proposal = level_project(
        owner_of(project.organisation), project.pk, thorough=True, time_limit=2
    )
    assert [m.task_id for m in proposal.moves.all()] == [second.pk]
    # One designer, two three-day tasks: six days is the shortest possible, and proved.
    assert proposal.optimal
    assert proposal.finish_bound == proposal.finish_after


def test_a_quick_proposal_gives_the_critical_path_as_its_bound(clash) -> None:  # type: ignore[no-untyped-def]
    project, first, _ = clash
    proposal = level_project(owner_of(project.organisation), project.pk)
    assert not proposal.optimal  # the rules' plan is six days; the bound ignores resources
    assert proposal.finish_bound == first.finish  # three days: the critical path
    assert proposal.finish_after is not None and proposal.finish_bound < proposal.finish_after


def test_the_api_proposes_shows_and_accepts(clash, api_client) -> None:  # type: ignore[no-untyped-def]
    project, _, second = clash
    client: Client = api_client(owner_of(project.organisation))
    made = client.post(
        f"/api/v1/projects/{project.pk}/leveling", json.dumps({}), content_type="application/json"
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert [m["task_id"] for m in body["moves"]] == [second.pk]
    assert body["optimal"] is False and body["finish_bound"] < body["finish_after"]
    assert client.get(f"/api/v1/proposals/{body['id']}").json()["status"] == "open"
    accepted = client.post(
        f"/api/v1/proposals/{body['id']}/accept",
        json.dumps({"task_ids": [second.pk]}),
        content_type="application/json",
    )
    assert (accepted.status_code, accepted.json()["status"]) == (200, "accepted")
    again = client.post(f"/api/v1/proposals/{body['id']}/discard")
    assert (again.status_code, again.json()["code"]) == (409, "proposal.closed")


def test_the_page_shows_the_proposal_and_accepts_ticked_moves(clash, browser_client) -> None:  # type: ignore[no-untyped-def]
    project, _, second = clash
    client: Client = browser_client(owner_of(project.organisation))
    page = client.get(url(project, "leveling/"))
    assert page.status_code == 200
    token = page.cookies["csrftoken"].value
    made = client.post(
        url(project, "leveling/run"),
        {"mode": "thorough", "time_limit": "2", "csrfmiddlewaretoken": token},
    )
    assert made.status_code == 302 and "mode=thorough" in made["Location"]
    page = client.get(made["Location"]).content.decode()
    assert "Icons" in page and "Lena is fully booked" in page
    # The form keeps the choices made, and the page says the plan is proved shortest.
    assert 'value="thorough" checked' in page and 'value="2"' in page
    assert "proven: no levelled plan finishes earlier" in page
    proposal = LevelingProposal.objects.get(project=project, status="open")
    client.post(
        url(project, f"leveling/{proposal.pk}/decide"),
        {"action": "accept_selected", "task": [second.pk], "csrfmiddlewaretoken": token},
    )
    assert LevelingProposal.objects.get(pk=proposal.pk).status == "accepted"
    assert Task.objects.get(pk=second.pk).constraint_type == "SNET"


def test_no_project_no_levelling(make_project, org: Organisation) -> None:  # type: ignore[no-untyped-def]
    project = make_project()
    with pytest.raises(Invalid, match="no tasks"):
        level_project(owner_of(org), project.pk)
