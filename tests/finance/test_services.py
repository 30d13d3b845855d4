"""Finance services: dated rates price time, who may book whose time, expenses, the
timesheet import (all rows or none), snapshots; every refusal writes nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest

from tandem.accounts.models import Organisation, User
from tandem.errors import Forbidden, Invalid, NotFound, StaleVersion
from tandem.finance import services
from tandem.finance.costs import RateTable, actual_costs, planned_costs, rate_tables
from tandem.finance.models import EvmSnapshot, TimeEntry
from tandem.finance.timesheet_csv import import_time_entries, preview_time_entries
from tandem.projects import services_tasks
from tests.conftest import owner_of
from tests.finance.conftest import RATE, Costed


def test_a_dated_rate_prices_time_worked_from_that_day(costed: Costed) -> None:
    owner = owner_of(costed.project.organisation)
    raise_day = costed.start + timedelta(days=7)
    services.set_cost_rate(owner, costed.resource.pk, effective_from=raise_day, rate=9000)
    before = services.record_time(
        costed.developer, costed.build.pk, worked_on=costed.start, minutes=90
    )
    after = services.record_time(costed.developer, costed.build.pk, worked_on=raise_day, minutes=90)
    assert (before.rate, before.cost) == (RATE, 9000)  # 1.5 h at 60.00
    assert (after.rate, after.cost) == (9000, 13500)


def test_setting_a_rate_on_the_same_day_replaces_it(costed: Costed) -> None:
    owner = owner_of(costed.project.organisation)
    first = services.set_cost_rate(owner, costed.resource.pk, effective_from="2026-01-01", rate=1)
    again = services.set_cost_rate(owner, costed.resource.pk, effective_from="2026-01-01", rate=2)
    assert first.pk == again.pk and again.rate == 2 and again.version == 2


def test_a_rate_table_averages_a_span_that_crosses_a_rate_change() -> None:
    table = RateTable(100, (date(2027, 1, 3),), (200,))
    assert table.on(date(2027, 1, 2)) == 100 and table.on(date(2027, 1, 3)) == 200
    start = datetime(2027, 1, 1, tzinfo=UTC)
    assert table.over(start, start + timedelta(days=4)) == pytest.approx(150)


def test_planned_cost_is_work_at_the_rate_plus_fixed_cost(costed: Costed) -> None:
    owner = owner_of(costed.project.organisation)
    task = services_tasks.update_task(
        owner, costed.test.pk, version=costed.test.version, fixed_cost=50_000
    )
    costs = planned_costs(costed.project)
    assert costs[costed.build.pk] == 40 * RATE
    assert costs[task.pk] == 40 * RATE + 50_000
    assert costs[costed.done.pk] == 0


def test_rates_and_costs_need_the_finance_role(costed: Costed) -> None:
    with pytest.raises(Forbidden):
        services.set_cost_rate(costed.developer, costed.resource.pk, effective_from="2026-01-01",
                               rate=1)  # fmt: skip
    with pytest.raises(Forbidden):
        services.record_expense(costed.developer, costed.project.pk, incurred_on=costed.start,
                                amount=100, description="Taxi")  # fmt: skip


def test_members_book_their_own_time_and_managers_anyones(costed: Costed) -> None:
    own = services.record_time(
        costed.developer, costed.build.pk, worked_on=costed.start, minutes=60, note="spike"
    )
    assert own.person == costed.developer and own.resource == costed.resource
    booked = services.record_time(
        costed.planner, costed.build.pk, worked_on=costed.start, minutes=30,
        person_id=costed.developer.pk,
    )  # fmt: skip
    assert booked.person == costed.developer and booked.created_by == costed.planner
    with pytest.raises(Forbidden):
        services.record_time(costed.developer, costed.build.pk, worked_on=costed.start,
                             minutes=30, person_id=costed.planner.pk)  # fmt: skip
    with pytest.raises(Forbidden):
        services.record_time(costed.viewer, costed.build.pk, worked_on=costed.start, minutes=30)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"worked_on": date.today() + timedelta(days=2)}, "worked_on"),
        ({"minutes": 0}, "minutes"),
        ({"minutes": 25 * 60}, "minutes"),
        ({"minutes": "lots"}, "minutes"),
        ({"worked_on": "someday"}, "worked_on"),
    ],
)
def test_bad_time_is_refused_naming_the_field_and_nothing_is_written(
    costed: Costed,
    change: dict[str, object],
    field: str,
    row_counts: Callable[[], dict[str, int]],
) -> None:
    before = row_counts()
    fields: dict[str, object] = {"worked_on": costed.start, "minutes": 60, **change}
    with pytest.raises(Invalid) as refused:
        services.record_time(costed.developer, costed.build.pk, **fields)  # type: ignore[arg-type]
    assert refused.value.field == field
    assert row_counts() == before


def test_a_day_holds_at_most_24_hours_per_person(costed: Costed) -> None:
    services.record_time(costed.developer, costed.build.pk, worked_on=costed.start, minutes=1200)
    with pytest.raises(Invalid, match="24"):
        services.record_time(costed.developer, costed.test.pk, worked_on=costed.start, minutes=300)


def test_time_goes_on_leaf_tasks_of_ones_own_organisation(
    costed: Costed,
    make_organisation: Callable[..., Organisation],
    make_costed: Callable[..., Costed],
) -> None:
    owner = owner_of(costed.project.organisation)
    phase = services_tasks.create_task(owner, costed.project.pk, name="Phase")
    services_tasks.create_task(owner, costed.project.pk, name="Inside", parent_id=phase.pk)
    with pytest.raises(Invalid, match="summary"):
        services.record_time(owner, phase.pk, worked_on=costed.start, minutes=60)
    other = make_costed(make_organisation())
    with pytest.raises(NotFound):
        services.record_time(costed.developer, other.build.pk, worked_on=other.start, minutes=60)


def test_changing_an_entry_reprices_it_and_checks_its_version(costed: Costed) -> None:
    owner = owner_of(costed.project.organisation)
    raise_day = costed.start + timedelta(days=7)
    services.set_cost_rate(owner, costed.resource.pk, effective_from=raise_day, rate=12000)
    entry = services.record_time(costed.developer, costed.build.pk, worked_on=costed.start,
                                 minutes=60)  # fmt: skip
    moved = services.update_time_entry(
        costed.developer, entry.pk, version=entry.version, worked_on=raise_day, minutes=30
    )
    assert (moved.cost, moved.version) == (6000, 2)
    with pytest.raises(StaleVersion):
        services.update_time_entry(costed.developer, entry.pk, version=1, minutes=45)
    with pytest.raises(Forbidden):
        services.update_time_entry(costed.viewer, entry.pk, version=2, minutes=45)
    services.delete_time_entry(costed.planner, entry.pk)
    assert not TimeEntry.objects.filter(pk=entry.pk).exists()


def test_expenses_count_as_actual_cost_of_their_task_or_the_project(costed: Costed) -> None:
    services.record_expense(costed.planner, costed.project.pk, incurred_on=costed.start,
                            amount=12_000, description="Licences", category="software",
                            task_id=costed.build.pk)  # fmt: skip
    services.record_expense(costed.planner, costed.project.pk, incurred_on=costed.start,
                            amount=3_000, description="Travel", category="travel")  # fmt: skip
    services.record_time(costed.developer, costed.build.pk, worked_on=costed.start, minutes=60)
    spent = actual_costs(costed.project)
    assert spent.by_task[costed.build.pk] == 12_000 + RATE
    assert spent.unassigned == 3_000 and spent.total == 15_000 + RATE
    assert actual_costs(costed.project, costed.start - timedelta(days=1)).total == 0


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"amount": 0}, "amount"),
        ({"category": "bribes"}, "category"),
        ({"description": " "}, "description"),
        ({"task_id": 999_999}, "task"),
    ],
)
def test_bad_expenses_are_refused(costed: Costed, fields: dict[str, object], field: str) -> None:
    values: dict[str, object] = {"incurred_on": costed.start, "amount": 100,
                                 "description": "Taxi", **fields}  # fmt: skip
    with pytest.raises(Invalid) as refused:
        services.record_expense(costed.planner, costed.project.pk, **values)  # type: ignore[arg-type]
    assert refused.value.field == field


def _sheet(costed: Costed, *rows: str) -> str:
    return "date,person,task,hours,note\n" + "\n".join(rows) + "\n"


def test_a_timesheet_imports_every_row_by_outline_number_id_or_name(costed: Costed) -> None:
    email, day = costed.developer.email, costed.start.isoformat()
    text = _sheet(
        costed,
        f"{day},{email},1,1.5,design",
        f"{day},{email},#{costed.test.pk},0:45,",
        f"{day},{email},build,2,",
    )
    assert import_time_entries(costed.planner, costed.project.pk, text) == 3
    minutes = sorted(TimeEntry.objects.values_list("minutes", flat=True))
    assert minutes == [45, 90, 120]


def test_a_timesheet_with_any_bad_row_imports_nothing_and_names_every_bad_row(
    costed: Costed, row_counts: Callable[[], dict[str, int]]
) -> None:
    email, day = costed.developer.email, costed.start.isoformat()
    text = _sheet(
        costed,
        f"{day},{email},1,2,fine",
        f"31-12-2026,{email},1,2,",
        f"{day},nobody@example.com,1,2,",
        f"{day},{email},9.9,2,",
        f"{day},{email},1,twenty,",
    )
    preview = preview_time_entries(costed.planner, costed.project.pk, text)
    assert [(e.row, e.field) for e in preview.errors] == [
        (3, "date"), (4, "person"), (5, "task"), (6, "hours"),
    ]  # fmt: skip
    before = row_counts()
    with pytest.raises(Invalid) as refused:
        import_time_entries(costed.planner, costed.project.pk, text)
    assert refused.value.code == "time.import_invalid"
    assert len(refused.value.details["errors"]) == 4
    assert row_counts() == before


def test_rules_checked_on_writing_also_refuse_the_whole_timesheet(
    costed: Costed, row_counts: Callable[[], dict[str, int]]
) -> None:
    email, day = costed.developer.email, costed.start.isoformat()
    text = _sheet(costed, f"{day},{email},1,20,", f"{day},{email},2,6,too much")
    before = row_counts()
    with pytest.raises(Invalid) as refused:
        import_time_entries(costed.planner, costed.project.pk, text)
    assert refused.value.details["errors"][0]["row"] == 3
    assert row_counts() == before
    # A member may import only their own time.
    with pytest.raises(Invalid, match="nothing was imported"):
        import_time_entries(costed.developer, costed.project.pk, _sheet(
            costed, f"{day},{costed.planner.email},1,1,"))  # fmt: skip


def test_a_snapshot_keeps_the_figures_of_its_status_date_once(costed: Costed) -> None:
    services.record_time(costed.developer, costed.build.pk, worked_on=costed.start, minutes=480)
    day = costed.start + timedelta(days=4)
    first = services.take_snapshot(costed.planner, costed.project.pk, status_date=day)
    assert first.figures["ac"] == 8 * RATE and first.figures["as_of"] == day.isoformat()
    again = services.take_snapshot(costed.planner, costed.project.pk, status_date=day)
    assert EvmSnapshot.objects.filter(project=costed.project).count() == 1
    assert again.pk == first.pk
    with pytest.raises(Invalid):
        services.take_snapshot(costed.planner, costed.project.pk,
                               status_date=date.today() + timedelta(days=3))  # fmt: skip
    with pytest.raises(Forbidden):
        services.take_snapshot(costed.viewer, costed.project.pk)


def test_weekly_snapshots_cover_the_active_projects(costed: Costed, org: Organisation) -> None:
    assert services.snapshot_projects(owner_of(org), org.pk) == 1
    assert EvmSnapshot.objects.get().status_date == date.today()


def test_rate_tables_fall_back_to_the_standard_rate(costed: Costed, org: Organisation) -> None:
    tables = rate_tables(org.pk)
    assert tables[costed.resource.pk].on(date(1990, 1, 1)) == RATE


def test_person_must_be_a_member(costed: Costed, make_user: Callable[..., User]) -> None:
    stranger = make_user()
    with pytest.raises(Invalid, match="member"):
        services.record_time(costed.planner, costed.build.pk, worked_on=costed.start,
                             minutes=60, person_id=stranger.pk)  # fmt: skip


def test_the_snapshot_command_keeps_each_active_projects_figures(
    costed: Costed, org: Organisation, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    import sys

    from tandem.cli import app
    from tandem.cli.errors import run

    day = costed.start + timedelta(days=2)
    monkeypatch.setattr(sys, "argv", ["tandem", "snapshot", "--org", org.slug, "--as-of",
                                      day.isoformat()])  # fmt: skip
    assert run(app) == 0
    assert f"{org.slug}: 1 project(s)" in capsys.readouterr().out
    assert EvmSnapshot.objects.get().status_date == day
