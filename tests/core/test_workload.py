"""Resource workload: units booked per day over working days, and over-allocation."""

from __future__ import annotations

from datetime import date, datetime

from tandem.core.calendar import WorkCalendar
from tandem.core.workload import Booking, workload

STANDARD = WorkCalendar()  # Monday to Friday
FRIDAY = date(2027, 1, 8)
MONDAY = date(2027, 1, 11)


def book(
    task: str, start: datetime, finish: datetime, units: float = 1.0, who: str = "ann"
) -> Booking:
    return Booking(resource=who, task=task, start=start, finish=finish, units=units)


def test_a_booking_counts_only_on_working_days() -> None:
    # Friday 08:00 to Tuesday 17:00: three working days around a weekend.
    load = workload(
        [book("Build", datetime(2027, 1, 8, 8), datetime(2027, 1, 12, 17))],
        {"ann": 1.0},
        {"ann": STANDARD},
        FRIDAY,
        date(2027, 1, 12),
    )
    assert load.load.tolist() == [[1.0, 0.0, 0.0, 1.0, 1.0]]
    assert load.capacity.tolist() == [[1.0, 0.0, 0.0, 1.0, 1.0]]
    assert load.days == [FRIDAY, date(2027, 1, 9), date(2027, 1, 10), MONDAY, date(2027, 1, 12)]
    assert not load.over.any()


def test_a_finish_at_midnight_does_not_count_the_next_day() -> None:
    load = workload(
        [book("Night shift", datetime(2027, 1, 11, 0), datetime(2027, 1, 12, 0))],
        {"ann": 1.0},
        {"ann": WorkCalendar.continuous()},
        MONDAY,
        date(2027, 1, 12),
    )
    assert load.load.tolist() == [[1.0, 0.0]]


def test_a_finish_just_after_midnight_counts_the_next_day() -> None:
    load = workload(
        [book("Night shift", datetime(2027, 1, 11, 22), datetime(2027, 1, 12, 0, 30))],
        {"ann": 1.0},
        {"ann": WorkCalendar.continuous()},
        MONDAY,
        date(2027, 1, 12),
    )
    assert load.load.tolist() == [[1.0, 1.0]]


def test_two_full_time_tasks_on_one_day_over_allocate_and_are_listed() -> None:
    load = workload(
        [
            book("Design", datetime(2027, 1, 11, 8), datetime(2027, 1, 11, 17)),
            book("Review", datetime(2027, 1, 11, 13), datetime(2027, 1, 12, 17)),
            book("Other", datetime(2027, 1, 11, 8), datetime(2027, 1, 11, 17), who="bob"),
        ],
        {"ann": 1.0, "bob": 1.0},
        {},
        MONDAY,
        date(2027, 1, 12),
    )
    assert load.load.tolist() == [[2.0, 1.0], [1.0, 0.0]]
    assert load.over.tolist() == [[True, False], [False, False]]
    assert load.over_allocations() == [("ann", MONDAY, 2.0, 1.0, ["Design", "Review"])]


def test_part_time_units_add_up_to_capacity_without_over_allocation() -> None:
    load = workload(
        [
            book(name, datetime(2027, 1, 11, 8), datetime(2027, 1, 11, 17), units=1 / 3)
            for name in ("A", "B", "C")
        ],
        {"ann": 1.0},
        {},
        MONDAY,
        MONDAY,
    )
    assert load.over_allocations() == []
    assert abs(load.load[0, 0] - 1.0) < 1e-9


def test_a_larger_capacity_takes_more_work() -> None:
    bookings = [book(n, datetime(2027, 1, 11, 8), datetime(2027, 1, 11, 17)) for n in "AB"]
    load = workload(bookings, {"team": 2.0}, {}, MONDAY, MONDAY)
    assert load.over_allocations() == []
    load = workload(
        [Booking("team", b.task, b.start, b.finish, b.units) for b in bookings],
        {"team": 1.5},
        {},
        MONDAY,
        MONDAY,
    )
    assert load.over_allocations() == [("team", MONDAY, 2.0, 1.5, ["A", "B"])]


def test_a_resource_calendar_decides_its_working_days() -> None:
    weekend = WorkCalendar(name="Weekend", week=((),) * 5 + (((480, 1020),),) * 2)
    load = workload(
        [book("Event", datetime(2027, 1, 8, 8), datetime(2027, 1, 11, 17))],
        {"ann": 1.0},
        {"ann": weekend},
        FRIDAY,
        MONDAY,
    )
    assert load.load.tolist() == [[0.0, 1.0, 1.0, 0.0]]
    assert load.capacity.tolist() == [[0.0, 1.0, 1.0, 0.0]]


def test_bookings_are_clipped_to_the_range_asked_for() -> None:
    load = workload(
        [book("Long", datetime(2027, 1, 4, 8), datetime(2027, 1, 22, 17))],
        {"ann": 1.0},
        {},
        MONDAY,
        date(2027, 1, 12),
    )
    assert load.load.tolist() == [[1.0, 1.0]]


def test_a_booking_outside_the_range_counts_nothing() -> None:
    load = workload(
        [book("Later", datetime(2027, 2, 1, 8), datetime(2027, 2, 1, 17))],
        {"ann": 1.0},
        {},
        MONDAY,
        date(2027, 1, 12),
    )
    assert load.load.tolist() == [[0.0, 0.0]]
    assert load.tasks == {}


def test_a_booking_of_an_unknown_resource_is_ignored() -> None:
    load = workload(
        [book("Stray", datetime(2027, 1, 11, 8), datetime(2027, 1, 11, 17), who="nobody")],
        {"ann": 1.0},
        {},
        MONDAY,
        MONDAY,
    )
    assert (load.resources, load.load.tolist()) == (["ann"], [[0.0]])
