"""The sign-in back-off grows exponentially after the free failures, up to a cap."""

from __future__ import annotations

import pytest

from tandem.core.throttle import MAX_DELAY_SECONDS, retry_delay


@pytest.mark.parametrize(
    ("failures", "delay"),
    [(0, 0), (1, 0), (4, 0), (5, 1), (6, 2), (7, 4), (10, 32), (15, 900), (40, 900)],
)
def test_delay_after_failures_with_five_free(failures: int, delay: int) -> None:
    assert retry_delay(failures, free_failures=5) == delay


def test_delay_never_exceeds_fifteen_minutes() -> None:
    assert max(retry_delay(n, 5) for n in range(200)) == MAX_DELAY_SECONDS == 900
