"""Recurring calendar exceptions as dates: daily, weekly, monthly and yearly patterns, bounded
by a last date and/or a number of occurrences — checked against the 27 exceptions MS Project
2016 saved in mpxj-calendar-recurring-exceptions-project2016.xml (each states its first and
last day and its number of occurrences, and MS Project also wrote its own expansion of every
one as plain days), against hand-built rules, and against brute-force references."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import date, datetime, timedelta
from itertools import pairwise
from xml.etree.ElementTree import Element

import pytest
from defusedxml import ElementTree as SafeTree
from hypothesis import given, settings
from hypothesis import strategies as st

from tandem.core.recurrence import ANY_DAY, LAST, WEEKDAY, WEEKEND_DAY, Recurrence, expand
from tandem.interop.mspdi_codes import NS
from tandem.interop.mspdi_read import read_mspdi
from tests.shared_data import PROJECT_FILES

RECURRING = PROJECT_FILES / "mspdi" / "mpxj-calendar-recurring-exceptions-project2016.xml"
P = {"p": NS}
MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY, SATURDAY, SUNDAY = range(7)

# MS Project counts the weeks of a weekly pattern from Sunday: "every 7 weeks on Sunday" from
# Monday 2001-01-01 first falls on 2001-02-18 and ends on the stated 2002-03-17.


def _stated() -> list[dict[str, object]]:
    """Each Exceptions/Exception of the file: its name, first and last day, occurrences."""
    root = SafeTree.parse(RECURRING).getroot()
    found = []
    for element in root.iterfind("p:Calendars/p:Calendar/p:Exceptions/p:Exception", P):
        first = element.findtext("p:TimePeriod/p:FromDate", namespaces=P) or ""
        last = element.findtext("p:TimePeriod/p:ToDate", namespaces=P) or ""
        found.append(
            {
                "name": element.findtext("p:Name", namespaces=P),
                "first": datetime.fromisoformat(first).date(),
                "last": datetime.fromisoformat(last).date(),
                "occurrences": int(element.findtext("p:Occurrences", namespaces=P) or 0),
                "working": element.findtext("p:DayWorking", namespaces=P) == "1",
            }
        )
    return found


def _days_ms_project_wrote() -> dict[date, bool]:
    """MS Project's own expansion: the Project 2003 form (WeekDay with DayType 0 and a time
    period) it writes beside the recurring patterns; day → working."""
    root = SafeTree.parse(RECURRING).getroot()
    days: dict[date, bool] = {}
    for day in root.iterfind("p:Calendars/p:Calendar/p:WeekDays/p:WeekDay", P):
        if day.findtext("p:DayType", namespaces=P) != "0":
            continue
        period: Element | None = day.find("p:TimePeriod", P)
        assert period is not None
        first = datetime.fromisoformat(period.findtext("p:FromDate", namespaces=P) or "").date()
        last = datetime.fromisoformat(period.findtext("p:ToDate", namespaces=P) or "").date()
        while first <= last:
            days[first] = day.findtext("p:DayWorking", namespaces=P) == "1"
            first += timedelta(days=1)
    return days


STATED = _stated()


@pytest.fixture
def expanded() -> dict[str, list[date]]:
    """The days tandem's reader expands each named exception to (through ``expand``)."""
    plan = read_mspdi(RECURRING.read_bytes())
    days: dict[str, list[date]] = defaultdict(list)
    for first, last, _, name in plan.calendars[0].exceptions:
        if name:  # the unnamed ones are MS Project's own expansion, as ranges
            assert first == last  # a recurring exception is expanded day by day
            days[name].append(first)
    return days


def test_the_file_states_27_recurring_exceptions_of_every_kind() -> None:
    names = [e["name"] for e in STATED]
    assert len(names) == 27
    kinds = {str(name).split()[0] for name in names}
    assert kinds == {"Daily", "Weekly", "Monthly", "Yearly", "Recurring"}


@pytest.mark.parametrize("stated", STATED, ids=lambda e: str(e["name"]))
def test_each_file_exception_runs_from_its_first_day_to_its_last_in_its_occurrences(
    stated: dict[str, object], expanded: dict[str, list[date]]
) -> None:
    days = expanded[str(stated["name"])]
    assert days == sorted(set(days))
    assert len(days) == stated["occurrences"]
    assert days[-1] == stated["last"]
    first = stated["first"]
    assert isinstance(first, date)
    assert first <= days[0]
    # Every day is one MS Project wrote itself for the pattern, working or not as stated.
    written = _days_ms_project_wrote()
    assert {day: written.get(day) for day in days} == dict.fromkeys(days, stated["working"])


def test_the_first_day_is_the_first_match_on_or_after_the_from_date(
    expanded: dict[str, list[date]],
) -> None:
    # The range starts on 2001-01-01 (a Monday): each weekday's first match is in that week.
    assert [
        expanded[f"Weekly {n} {day}"][0]
        for n, day in enumerate(
            ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"], start=1
        )
    ] == [date(2001, 1, d) for d in range(1, 7)]
    # Monthly from 2002-01-01: the first Monday, second Tuesday, third Wednesday, fourth
    # Thursday and last Friday of January 2002.
    assert [expanded[f"Monthly Relative {n}"][0] for n in range(1, 6)] == [
        date(2002, 1, 7),
        date(2002, 1, 8),
        date(2002, 1, 16),
        date(2002, 1, 24),
        date(2002, 1, 25),
    ]
    # Yearly from 2004-01-01 (or 2005-01-01): the first match is in that year's month.
    assert expanded["Yearly Relative 1"][0] == date(2004, 3, 2)  # first Tuesday of March
    assert expanded["Yearly Absolute 1"][0] == date(2005, 2, 1)


# -- hand-built rules ----------------------------------------------------------------------


def test_daily_every_3_days_four_times() -> None:
    rule = Recurrence("daily", first=date(2000, 2, 1), occurrences=4, period=3)
    assert expand(rule) == [date(2000, 2, d) for d in (1, 4, 7, 10)]


def test_daily_stops_at_the_last_date_before_reaching_its_occurrences() -> None:
    rule = Recurrence(
        "daily", first=date(2000, 2, 1), last=date(2000, 2, 8), occurrences=9, period=3
    )
    assert expand(rule) == [date(2000, 2, d) for d in (1, 4, 7)]


def test_weekly_on_monday_every_2_weeks() -> None:
    rule = Recurrence(
        "weekly",
        first=date(2001, 1, 1),
        last=date(2001, 2, 28),
        period=2,
        weekdays=frozenset({MONDAY}),
    )
    assert expand(rule) == [
        date(2001, 1, 1),
        date(2001, 1, 15),
        date(2001, 1, 29),
        date(2001, 2, 12),
        date(2001, 2, 26),
    ]


def test_weekly_on_several_days_skips_those_before_the_first_day() -> None:
    rule = Recurrence(
        "weekly",
        first=date(2030, 1, 9),  # a Wednesday
        occurrences=4,
        weekdays=frozenset({MONDAY, WEDNESDAY, FRIDAY}),
    )
    assert expand(rule) == [
        date(2030, 1, 9),
        date(2030, 1, 11),
        date(2030, 1, 14),
        date(2030, 1, 16),
    ]


def test_weekly_without_weekdays_repeats_the_first_days_weekday() -> None:
    rule = Recurrence("weekly", first=date(2030, 1, 10), occurrences=3)
    assert expand(rule) == [date(2030, 1, 10), date(2030, 1, 17), date(2030, 1, 24)]


def test_monthly_on_the_second_tuesday_every_3_months() -> None:
    rule = Recurrence(
        "monthly", first=date(2002, 1, 1), occurrences=4, period=3, day_kind=TUESDAY, position=1
    )
    assert expand(rule) == [date(2002, 1, 8), date(2002, 4, 9), date(2002, 7, 9), date(2002, 10, 8)]


def test_monthly_on_day_31_falls_on_the_last_day_of_shorter_months() -> None:
    rule = Recurrence("monthly", first=date(2030, 1, 1), occurrences=4, month_day=31)
    assert expand(rule) == [
        date(2030, 1, 31),
        date(2030, 2, 28),
        date(2030, 3, 31),
        date(2030, 4, 30),
    ]


def test_monthly_skips_a_first_month_whose_match_is_before_the_first_day() -> None:
    rule = Recurrence("monthly", first=date(2030, 1, 20), occurrences=2, month_day=5)
    assert expand(rule) == [date(2030, 2, 5), date(2030, 3, 5)]


def test_the_last_weekday_of_each_month() -> None:
    rule = Recurrence(
        "monthly", first=date(2030, 1, 1), last=date(2030, 12, 31), day_kind=WEEKDAY, position=LAST
    )
    days = expand(rule)
    assert len(days) == 12
    # March, June and November 2030 end on a weekend.
    assert days[2] == date(2030, 3, 29)
    assert days[5] == date(2030, 6, 28)
    assert days[10] == date(2030, 11, 29)
    assert days[0] == date(2030, 1, 31)


def test_the_first_weekend_day_and_the_third_day_of_a_month() -> None:
    weekend = Recurrence(
        "monthly", first=date(2030, 1, 1), occurrences=2, day_kind=WEEKEND_DAY, position=0
    )
    assert expand(weekend) == [date(2030, 1, 5), date(2030, 2, 2)]
    third = Recurrence(
        "monthly", first=date(2030, 1, 1), occurrences=2, day_kind=ANY_DAY, position=2
    )
    assert expand(third) == [date(2030, 1, 3), date(2030, 2, 3)]


def test_yearly_on_the_first_tuesday_of_march() -> None:
    rule = Recurrence(
        "yearly", first=date(2004, 1, 1), occurrences=4, month=3, day_kind=TUESDAY, position=0
    )
    assert expand(rule) == [date(2004, 3, 2), date(2005, 3, 1), date(2006, 3, 7), date(2007, 3, 6)]


def test_yearly_starts_next_year_when_the_month_has_passed() -> None:
    rule = Recurrence("yearly", first=date(2030, 6, 1), occurrences=2, month=3, month_day=15)
    assert expand(rule) == [date(2031, 3, 15), date(2032, 3, 15)]


def test_yearly_every_2_years_on_the_last_sunday_of_october() -> None:
    rule = Recurrence(
        "yearly",
        first=date(2030, 1, 1),
        occurrences=3,
        period=2,
        month=10,
        day_kind=SUNDAY,
        position=LAST,
    )
    assert expand(rule) == [date(2030, 10, 27), date(2032, 10, 31), date(2034, 10, 29)]


def test_a_rule_needs_a_last_date_or_occurrences_and_a_known_kind() -> None:
    with pytest.raises(ValueError, match="last date or a number of occurrences"):
        expand(Recurrence("daily", first=date(2030, 1, 1)))
    with pytest.raises(ValueError, match="unknown recurrence 'hourly'"):
        expand(Recurrence("hourly", first=date(2030, 1, 1), occurrences=2))
    with pytest.raises(ValueError, match="day of the month or a position"):
        expand(Recurrence("monthly", first=date(2030, 1, 1), occurrences=2))


# -- properties ----------------------------------------------------------------------------

days_2000_2040 = st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31))


@st.composite
def daily_or_weekly(draw: st.DrawFn) -> Recurrence:
    kind = draw(st.sampled_from(["daily", "weekly"]))
    first = draw(days_2000_2040)
    bounded = draw(st.sampled_from(["last", "occurrences", "both"]))
    last = first + timedelta(days=draw(st.integers(0, 400))) if bounded != "occurrences" else None
    occurrences = draw(st.integers(1, 40)) if bounded != "last" else None
    weekdays = draw(st.frozensets(st.integers(0, 6), min_size=1)) if kind == "weekly" else None
    return Recurrence(
        kind,
        first=first,
        last=last,
        occurrences=occurrences,
        period=draw(st.integers(1, 8)),
        weekdays=weekdays or frozenset(),
    )


@settings(max_examples=300, deadline=None)
@given(daily_or_weekly())
def test_daily_and_weekly_dates_stay_in_bounds_increase_and_respect_the_count(
    rule: Recurrence,
) -> None:
    days = expand(rule)
    assert all(rule.first <= day for day in days)
    if rule.last is not None:
        assert all(day <= rule.last for day in days)
    assert all(a < b for a, b in pairwise(days))
    if rule.occurrences is not None:
        assert len(days) <= rule.occurrences
    if rule.kind == "daily":
        assert all((day - rule.first).days % rule.period == 0 for day in days)
    else:
        assert all(day.weekday() in rule.weekdays for day in days)
        # The same weekday comes back every ``period`` weeks, whichever day weeks start on.
        for weekday in rule.weekdays:
            same = [day for day in days if day.weekday() == weekday]
            assert all((b - a).days == 7 * rule.period for a, b in pairwise(same))


@settings(max_examples=300, deadline=None)
@given(
    first=days_2000_2040,
    span=st.integers(0, 120),
    period=st.integers(1, 6),
    weekdays=st.frozensets(st.integers(0, 6), min_size=1),
    daily=st.booleans(),
)
def test_daily_and_weekly_every_period_agree_with_a_day_by_day_reference(
    first: date, span: int, period: int, weekdays: frozenset[int], daily: bool
) -> None:
    last = first + timedelta(days=span)
    every = [first + timedelta(days=n) for n in range(span + 1)]
    if daily:
        rule = Recurrence("daily", first=first, last=last, period=period)
        reference = [day for day in every if (day - first).days % period == 0]
    else:
        # Every week (period 1) needs no convention about the day weeks start on.
        rule = Recurrence("weekly", first=first, last=last, weekdays=weekdays)
        reference = [day for day in every if day.weekday() in weekdays]
    assert expand(rule) == reference


@st.composite
def any_rule(draw: st.DrawFn) -> Recurrence:
    """A rule of any kind bounded by occurrences only."""
    kind = draw(st.sampled_from(["daily", "weekly", "monthly", "yearly"]))
    fields: dict[str, object] = {}
    if kind == "weekly":
        fields["weekdays"] = draw(st.frozensets(st.integers(0, 6), min_size=1))
    if kind in ("monthly", "yearly"):
        if draw(st.booleans()):
            fields["month_day"] = draw(st.integers(1, 31))
        else:
            fields["day_kind"] = draw(st.sampled_from([*range(7), ANY_DAY, WEEKDAY, WEEKEND_DAY]))
            fields["position"] = draw(st.integers(0, LAST))
    if kind == "yearly":
        fields["month"] = draw(st.integers(1, 12))
    return Recurrence(
        kind,
        first=draw(days_2000_2040),
        occurrences=draw(st.integers(1, 25)),
        period=draw(st.integers(1, 5)),
        **fields,  # type: ignore[arg-type]
    )


@settings(max_examples=300, deadline=None)
@given(any_rule())
def test_occurrences_alone_give_that_many_days_and_their_last_day_bounds_the_same(
    rule: Recurrence,
) -> None:
    days = expand(rule)
    assert len(days) == rule.occurrences
    assert days[0] >= rule.first
    assert all(a < b for a, b in pairwise(days))
    # Stating the last day instead of (or as well as) the count gives the same days.
    assert expand(replace(rule, occurrences=None, last=days[-1])) == days
    assert expand(replace(rule, last=days[-1])) == days
