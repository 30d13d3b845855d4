"""A costed project a few weeks in, for the report and roll-up tests: over budget, behind
plan, with a spread in its estimates, kept snapshots and a tight deadline."""

from __future__ import annotations

from datetime import timedelta

from tandem.finance import services
from tandem.projects import services as project_services
from tandem.projects import services_tasks
from tests.conftest import owner_of
from tests.finance.conftest import Costed


def record_progress(costed: Costed) -> Costed:
    """Build done at ten hours a day (over budget), Test 40 % done with a wide estimate,
    snapshots on the first Friday and the second Thursday, a deadline two weeks in and a
    budget."""
    owner = owner_of(costed.project.organisation)
    start = costed.start
    for day in range(5):
        services.record_time(
            costed.developer, costed.build.pk, worked_on=start + timedelta(days=day), minutes=600
        )
    for day in (7, 8):
        services.record_time(
            costed.developer, costed.test.pk, worked_on=start + timedelta(days=day), minutes=480
        )
    services.take_snapshot(costed.planner, costed.project.pk, status_date=start + timedelta(days=4))
    services_tasks.update_tasks(
        owner,
        costed.project.pk,
        [
            {"id": costed.build.pk, "version": costed.build.version, "percent_complete": 100,
             "actual_start": start.isoformat(),
             "actual_finish": (start + timedelta(days=4)).isoformat()},
            {"id": costed.test.pk, "version": costed.test.version, "percent_complete": 40,
             "actual_start": (start + timedelta(days=7)).isoformat(),
             "optimistic": 4 * 480, "most_likely": 5 * 480, "pessimistic": 12 * 480},
        ],
    )  # fmt: skip
    services.take_snapshot(
        costed.planner, costed.project.pk, status_date=start + timedelta(days=11)
    )
    costed.project.refresh_from_db()
    project_services.update_project(
        owner,
        costed.project.pk,
        version=costed.project.version,
        deadline=start + timedelta(days=14),
        budget=500_000,
    )
    for task in (costed.project, costed.build, costed.test, costed.done):
        task.refresh_from_db()
    return costed
