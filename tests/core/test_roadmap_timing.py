"""Roadmap timing: quarters, and where an item sits on the timeline."""

from __future__ import annotations

from datetime import date

import pytest

from tandem.core.roadmap import Quarter, parse_quarter, quarter_of, span_of

TODAY = date(2026, 5, 14)  # in 2026-Q2


def test_quarters_parse_print_and_shift_across_years() -> None:
    q = parse_quarter(" 2026-q4 ")
    assert (str(q), q.first_day, q.last_day) == ("2026-Q4", date(2026, 10, 1), date(2026, 12, 31))
    assert str(q.shifted(1)) == "2027-Q1"
    assert str(q.shifted(-4)) == "2025-Q4"
    assert quarter_of(date(2026, 3, 31)) == Quarter(2026, 1)


@pytest.mark.parametrize("text", ["2026-Q5", "Q3 2026", "2026Q3", ""])
def test_anything_but_a_quarter_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="not a quarter"):
        parse_quarter(text)


def test_now_next_and_later_map_to_quarters_from_today() -> None:
    now = span_of(today=TODAY, horizon="now")
    later = span_of(today=TODAY, horizon="later")
    assert now is not None and (now.start, now.end, now.basis) == (
        date(2026, 4, 1),
        date(2026, 6, 30),
        "horizon",
    )
    assert later is not None and (later.start, later.end) == (date(2026, 10, 1), date(2027, 3, 31))


def test_a_target_quarter_is_more_precise_than_a_horizon() -> None:
    span = span_of(today=TODAY, horizon="later", quarter="2026-Q3")
    assert span is not None and (span.start, span.end, span.basis) == (
        date(2026, 7, 1),
        date(2026, 9, 30),
        "quarter",
    )


def test_dates_are_the_most_precise() -> None:
    span = span_of(today=TODAY, quarter="2026-Q3", start=date(2026, 8, 3), end=date(2026, 11, 20))
    assert span is not None and (span.start, span.end, span.basis) == (
        date(2026, 8, 3),
        date(2026, 11, 20),
        "dates",
    )


def test_a_lone_start_date_runs_to_the_end_of_its_frame() -> None:
    span = span_of(today=TODAY, quarter="2026-Q3", start=date(2026, 8, 3))
    assert span is not None and (span.start, span.end) == (date(2026, 8, 3), date(2026, 9, 30))


def test_an_item_without_any_timing_is_not_on_the_timeline() -> None:
    assert span_of(today=TODAY) is None
