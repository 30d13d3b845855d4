"""Working calendars: weekdays, hours, holidays, exceptions, inheritance, conversions."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tandem.core.calendar import WorkCalendar, parse_hours

STANDARD = WorkCalendar()  # Monday to Friday, 08:00-12:00 and 13:00-17:00
MON = datetime(2027, 1, 4, 8, 0)


def test_a_working_day_is_eight_hours_with_a_lunch_break() -> None:
    assert STANDARD.minutes_per_day == 480
    assert STANDARD.add_working(MON, 240) == datetime(2027, 1, 4, 12, 0)
    assert STANDARD.add_working(MON, 241) == datetime(2027, 1, 4, 13, 1)


def test_a_full_day_finishes_at_five_not_at_eight_the_next_morning() -> None:
    assert STANDARD.add_working(MON, 480) == datetime(2027, 1, 4, 17, 0)


def test_work_skips_the_weekend() -> None:
    friday_noon = datetime(2027, 1, 8, 13, 0)
    # Four hours on Friday afternoon, four on Monday morning: done before lunch.
    assert STANDARD.add_working(friday_noon, 480) == datetime(2027, 1, 11, 12, 0)


def test_going_back_lands_on_the_start_of_a_working_period() -> None:
    assert STANDARD.add_working(datetime(2027, 1, 11, 17, 0), -480) == datetime(2027, 1, 11, 8, 0)
    assert STANDARD.add_working(datetime(2027, 1, 11, 8, 0), -60) == datetime(2027, 1, 8, 16, 0)


def test_holidays_and_exceptions_change_single_days() -> None:
    calendar = WorkCalendar(
        exceptions={date(2027, 1, 5): (), date(2027, 1, 9): parse_hours([["09:00", "13:00"]])}
    )
    assert calendar.add_working(MON, 960) == datetime(2027, 1, 6, 17, 0)  # Tuesday is off
    assert calendar.is_working_day(date(2027, 1, 9))  # a Saturday made working
    assert calendar.working_minutes_between(datetime(2027, 1, 9), datetime(2027, 1, 10)) == 240


def test_a_resource_calendar_inherits_the_base_week_and_holidays() -> None:
    base = WorkCalendar(name="Company", exceptions={date(2027, 1, 6): ()})
    part_time = base.derive(
        "Lena",
        week=(None, None, None, (), (), None, None),  # Thursdays and Fridays off
        exceptions={date(2027, 1, 4): parse_hours([["08:00", "12:00"]])},
    )
    assert part_time.hours_on(date(2027, 1, 4)) == ((480, 720),)  # her own exception
    assert part_time.hours_on(date(2027, 1, 5)) == base.hours_on(date(2027, 1, 5))  # base week
    assert not part_time.is_working_day(date(2027, 1, 6))  # the company holiday
    assert not part_time.is_working_day(date(2027, 1, 7))  # her Thursday
    # Monday morning, Tuesday; Wednesday to Sunday off; next Monday.
    assert part_time.add_working(MON, 240 + 480 + 480) == datetime(2027, 1, 11, 17, 0)


def test_next_working_start_moves_evenings_and_weekends_to_the_next_morning() -> None:
    assert STANDARD.next_working_start(datetime(2027, 1, 8, 17, 0)) == datetime(2027, 1, 11, 8, 0)
    assert STANDARD.next_working_start(datetime(2027, 1, 4, 12, 30)) == datetime(2027, 1, 4, 13, 0)
    assert STANDARD.next_working_start(datetime(2027, 1, 4, 9, 15)) == datetime(2027, 1, 4, 9, 15)


def test_bad_hours_are_refused() -> None:
    with pytest.raises(ValueError, match="end before they start"):
        parse_hours([["17:00", "08:00"]])
    with pytest.raises(ValueError, match="overlap"):
        parse_hours([["08:00", "12:00"], ["11:00", "13:00"]])
    with pytest.raises(ValueError, match="base calendar"):
        WorkCalendar(week=(None,) * 7)


@settings(max_examples=200, deadline=None)
@given(
    st.integers(0, 60 * 24 * 30),
    st.integers(0, 20_000),
    st.sets(st.integers(0, 60), max_size=10),
)
def test_adding_working_minutes_and_measuring_them_agree(
    offset: int, minutes: int, off: set[int]
) -> None:
    calendar = WorkCalendar(exceptions={date(2027, 1, 1) + timedelta(days=d): () for d in off})
    start = STANDARD.next_working_start(datetime(2027, 1, 1) + timedelta(minutes=offset))
    start = calendar.next_working_start(start)
    finish = calendar.add_working(start, minutes)
    assert calendar.working_minutes_between(start, finish) == pytest.approx(minutes)
    # And back again from the finish.
    assert calendar.add_working(finish, -minutes) <= start or minutes == 0
    assert calendar.working_minutes_between(
        calendar.add_working(finish, -minutes), finish
    ) == pytest.approx(minutes)
