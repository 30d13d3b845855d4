"""Cells of the task CSV in MS Project's notation: what each spelling means, and that what the
export writes reads back to the same value."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tandem.interop import csv_cells as cells
from tandem.interop.csv_cells import Predecessor


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("5d", 2400),
        ("5", 2400),
        ("2.5 days", 1200),
        ("3h", 180),
        ("4 hrs", 240),
        ("90m", 90),
        ("1w", 2400),
        ("1 mo", 9600),
        ("0d", 0),
        ("3d?", 1440),  # MS Project's "estimated" mark
        ("0.5D", 240),
    ],
)
def test_durations_read_in_working_time(text: str, minutes: int) -> None:
    assert cells.parse_duration(text) == minutes


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("soon", "is not a duration"),
        ("3ed", "is elapsed time"),
        ("3 fortnights", "unknown unit"),
        ("-2d", "is not a duration"),
    ],
)
def test_a_bad_duration_says_why(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        cells.parse_duration(text)


def test_durations_are_written_in_the_largest_whole_unit() -> None:
    assert [cells.format_duration(m) for m in (0, 480, 2400, 60, 540, 90)] == [
        "0d",
        "1d",
        "5d",
        "1h",
        "9h",
        "90m",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3", [Predecessor(3)]),
        ("3FS+2d", [Predecessor(3, "FS", 960)]),
        ("5ss-1d", [Predecessor(5, "SS", -480)]),
        ("7FF+50%", [Predecessor(7, "FF", 50, "percent")]),
        ("2SF+3ed", [Predecessor(2, "SF", 4320, "elapsed")]),
        ("2FS+12eh", [Predecessor(2, "FS", 720, "elapsed")]),
        ("4+2h", [Predecessor(4, "FS", 120)]),
        ("1;2, 3SS", [Predecessor(1), Predecessor(2), Predecessor(3, "SS")]),
        ("", []),
    ],
)
def test_predecessors_read_like_ms_project(text: str, expected: list[Predecessor]) -> None:
    assert cells.parse_predecessors(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("first", "is not a predecessor"),
        ("3XY", "link type XY"),
        ("3FS+50.5%", "whole percentage"),
        ("3FS+2parsecs", "unknown unit"),
    ],
)
def test_a_bad_predecessor_says_why(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        cells.parse_predecessors(text)


def test_resources_carry_units_as_percentages() -> None:
    assert cells.parse_resources("Ana; Bob[50%] ; Design team[0.25]") == [
        ("Ana", 1.0),
        ("Bob", 0.5),
        ("Design team", 0.25),
    ]
    assert cells.format_resources([("Ana", 1.0), ("Bob", 0.5), ("Cy", 0.333)]) == (
        "Ana; Bob[50%]; Cy[33.3%]"
    )
    # 33.3 % reads back as 0.333, not as the float one bit below it.
    assert cells.parse_resources("Cy[33.3%]") == [("Cy", 0.333)]
    with pytest.raises(ValueError, match="units"):
        cells.parse_resources("Ana[lots]")
    with pytest.raises(ValueError, match="above 0%"):
        cells.parse_resources("Ana[0%]")


def test_moments_are_dates_or_local_datetimes() -> None:
    assert cells.parse_moment("2030-01-07") == date(2030, 1, 7)
    assert cells.parse_moment("2030-01-07T08:30") == datetime(2030, 1, 7, 8, 30)
    with pytest.raises(ValueError, match="not a date"):
        cells.parse_moment("07/01/2030")


def test_a_moment_where_a_bare_date_puts_it_is_written_as_that_date() -> None:
    day = date(2030, 1, 7)
    start, end = datetime(2030, 1, 7, 8), datetime(2030, 1, 7, 17)
    assert cells.format_moment(start, day, start, end, finish=False) == "2030-01-07"
    assert cells.format_moment(end, day, start, end, finish=True) == "2030-01-07"
    assert cells.format_moment(end, day, start, end, finish=False) == "2030-01-07T17:00"
    odd = datetime(2030, 1, 7, 9, 15, 30)
    assert cells.format_moment(odd, day, start, end, finish=False) == "2030-01-07T09:15:30"


def test_constraints_take_codes_or_ms_projects_names() -> None:
    assert cells.parse_constraint("snet") == "SNET"
    assert cells.parse_constraint("Start  No Earlier Than") == "SNET"
    assert cells.parse_constraint("Must finish on") == "MFO"
    with pytest.raises(ValueError, match="not a constraint"):
        cells.parse_constraint("whenever")


def test_percentages_are_whole_numbers_up_to_100() -> None:
    assert [cells.parse_percent(t) for t in ("0", "50%", "100", " 25 % ")] == [0, 50, 100, 25]
    for bad in ("101", "12.5", "half"):
        with pytest.raises(ValueError, match="percentage"):
            cells.parse_percent(bad)


@given(st.integers(min_value=0, max_value=10_000_000))
def test_every_duration_reads_back_to_its_minutes(minutes: int) -> None:
    assert cells.parse_duration(cells.format_duration(minutes)) == minutes


@given(
    st.integers(min_value=1, max_value=99_999),
    st.sampled_from(cells.LINK_TYPES),
    st.integers(min_value=-1_000_000, max_value=1_000_000),
    st.sampled_from(["working", "elapsed", "percent"]),
)
def test_every_predecessor_reads_back_to_the_same_link(
    task: int, kind: str, lag: int, lag_format: str
) -> None:
    entry = Predecessor(task, kind, lag, lag_format if lag else "working")
    assert cells.parse_predecessors(cells.format_predecessor(entry)) == [entry]


@given(
    st.lists(
        st.tuples(
            st.text(st.characters(blacklist_characters="[];", blacklist_categories=["Cs", "Cc"]))
            .map(str.strip)
            .filter(bool),
            st.integers(min_value=1, max_value=10_000).map(lambda n: n / 1000),
        ),
        max_size=4,
    )
)
def test_every_resource_list_reads_back_the_same(entries: list[tuple[str, float]]) -> None:
    assert cells.parse_resources(cells.format_resources(entries)) == entries
