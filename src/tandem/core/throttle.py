"""Back-off for repeated failed sign-ins: how long the next attempt must wait."""

from __future__ import annotations

MAX_DELAY_SECONDS = 15 * 60


def retry_delay(failures: int, free_failures: int) -> int:
    """Seconds to wait after ``failures`` consecutive failures.

    The first ``free_failures`` cost nothing (people mistype); after that each failure doubles
    the wait, from 1 s up to 15 minutes, which makes guessing hopeless without locking out the
    rightful owner for long.
    """
    if failures < free_failures:
        return 0
    return int(min(2 ** (failures - free_failures), MAX_DELAY_SECONDS))
