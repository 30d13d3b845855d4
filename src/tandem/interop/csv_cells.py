"""Cells of the task CSV in MS Project's notation: durations ("5d"), predecessors ("3FS+2d"),
resources ("Ana[50%]") and dates; each parser raises ValueError with a readable reason.

Pure functions (no Django): a working day is 480 minutes and a working week five days, as in
the rest of tandem; elapsed lags ("2ed") count calendar time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

MINUTES_PER_DAY = 480
# Spellings of each unit, as MS Project accepts them, and the unit's minutes in working time
# and in elapsed (calendar) time.
UNIT_NAMES = {
    **dict.fromkeys(("m", "min", "mins", "minute", "minutes"), "m"),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), "h"),
    **dict.fromkeys(("d", "dy", "day", "days"), "d"),
    **dict.fromkeys(("w", "wk", "wks", "week", "weeks"), "w"),
    **dict.fromkeys(("mo", "mon", "month", "months"), "mo"),
}
WORKING_MINUTES = {"m": 1, "h": 60, "d": MINUTES_PER_DAY, "w": 5 * MINUTES_PER_DAY, "mo": 9600}
ELAPSED_MINUTES = {"m": 1, "h": 60, "d": 1440, "w": 10080, "mo": 43200}
LINK_TYPES = ("FS", "SS", "FF", "SF")
CONSTRAINT_NAMES = {
    "as soon as possible": "ASAP",
    "as late as possible": "ALAP",
    "start no earlier than": "SNET",
    "start no later than": "SNLT",
    "finish no earlier than": "FNET",
    "finish no later than": "FNLT",
    "must start on": "MSO",
    "must finish on": "MFO",
}
# A blank cell, or MS Project's "not applicable".
EMPTY = {"", "na", "n/a"}

_AMOUNT = re.compile(r"^([0-9]+(?:\.[0-9]+)?|\.[0-9]+)\s*([a-z]*)\??$")
_PREDECESSOR = re.compile(r"^([0-9]+)\s*([a-z]{2})?\s*(?:([+-])\s*(.+))?$", re.IGNORECASE)
_RESOURCE = re.compile(r"^(.*?)\s*(?:\[\s*([^\]]*)\s*\])?$")


@dataclass(frozen=True)
class Predecessor:
    """One entry of a Predecessors cell: the row's ID, the link type and the lag."""

    id: int
    type: str = "FS"
    lag: int = 0  # minutes (working or elapsed) or percent of the predecessor's duration
    lag_format: str = "working"


def is_blank(text: str | None) -> bool:
    return (text or "").strip().lower() in EMPTY


def parse_duration(text: str) -> int:
    """Working minutes from "5d", "2.5 days", "3h", "90m", "1w" or a bare number of days."""
    cleaned = text.strip().lower()
    match = _AMOUNT.match(cleaned)
    if match is None:
        raise ValueError(f"'{text.strip()}' is not a duration such as 5d, 3h or 90m")
    amount, unit = float(match.group(1)), match.group(2) or "d"
    if unit not in UNIT_NAMES and unit[1:] in UNIT_NAMES and unit.startswith("e"):
        raise ValueError(f"'{text.strip()}' is elapsed time; task durations are working time")
    if unit not in UNIT_NAMES:
        raise ValueError(f"'{text.strip()}' has an unknown unit '{unit}' (use m, h, d, w or mo)")
    return round(amount * WORKING_MINUTES[UNIT_NAMES[unit]])


def format_duration(minutes: int) -> str:
    """Working minutes in the largest whole unit: 5d, 3h or 90m."""
    if minutes % MINUTES_PER_DAY == 0:
        return f"{minutes // MINUTES_PER_DAY}d"
    if minutes % 60 == 0:
        return f"{minutes // 60}h"
    return f"{minutes}m"


def _parse_lag(text: str) -> tuple[int, str]:
    cleaned = text.strip().lower()
    if cleaned.endswith("%"):
        number = cleaned[:-1].strip()
        if not number.isdigit():
            raise ValueError(f"'{text.strip()}' is not a whole percentage")
        return int(number), "percent"
    match = _AMOUNT.match(cleaned)
    if match is None:
        raise ValueError(f"'{text.strip()}' is not a lag such as 2d, 4h, 3ed or 50%")
    amount, unit = float(match.group(1)), match.group(2) or "d"
    if unit in UNIT_NAMES:
        return round(amount * WORKING_MINUTES[UNIT_NAMES[unit]]), "working"
    if unit.startswith("e") and unit[1:] in UNIT_NAMES:
        return round(amount * ELAPSED_MINUTES[UNIT_NAMES[unit[1:]]]), "elapsed"
    raise ValueError(f"'{text.strip()}' has an unknown unit '{unit}'")


def format_lag(lag: int, lag_format: str) -> str:
    """A lag with its sign: +2d, -4h, +3ed, +50% ("" for none)."""
    if lag == 0:
        return ""
    sign = "-" if lag < 0 else "+"
    size = abs(lag)
    if lag_format == "percent":
        return f"{sign}{size}%"
    if lag_format == "elapsed":
        for unit, minutes in (("ew", 10080), ("ed", 1440), ("eh", 60)):
            if size % minutes == 0:
                return f"{sign}{size // minutes}{unit}"
        return f"{sign}{size}em"
    return sign + format_duration(size)


def parse_predecessors(text: str) -> list[Predecessor]:
    """Entries separated by commas or semicolons: "3", "3FS+2d", "5SS-1d", "7FF+50%"."""
    found = []
    for part in re.split(r"[;,]", text):
        entry = part.strip()
        if not entry:
            continue
        match = _PREDECESSOR.match(entry)
        if match is None:
            raise ValueError(f"'{entry}' is not a predecessor such as 3 or 3FS+2d")
        kind = (match.group(2) or "FS").upper()
        if kind not in LINK_TYPES:
            raise ValueError(f"'{entry}' has the link type {kind}; use FS, SS, FF or SF")
        lag, lag_format = 0, "working"
        if match.group(3):
            lag, lag_format = _parse_lag(match.group(4))
            if match.group(3) == "-":
                lag = -lag
        found.append(Predecessor(int(match.group(1)), kind, lag, lag_format))
    return found


def format_predecessor(entry: Predecessor) -> str:
    """ "3" for a plain finish-to-start link, otherwise "3SS+2d"."""
    lag = format_lag(entry.lag, entry.lag_format)
    if entry.type == "FS" and not lag:
        return str(entry.id)
    return f"{entry.id}{entry.type}{lag}"


def parse_resources(text: str) -> list[tuple[str, float]]:
    """ "Ana; Bob[50%]" as [("Ana", 1.0), ("Bob", 0.5)]; units as percent or a fraction."""
    found = []
    for part in text.split(";"):
        entry = part.strip()
        if not entry:
            continue
        match = _RESOURCE.match(entry)
        assert match is not None  # the pattern matches any text
        name, units_text = match.group(1).strip(), match.group(2)
        if not name:
            raise ValueError(f"'{entry}' names no resource")
        units = 1.0
        if units_text is not None:
            cleaned = units_text.strip()
            try:
                units = float(cleaned[:-1]) / 100 if cleaned.endswith("%") else float(cleaned)
            except ValueError:
                raise ValueError(f"'{entry}' has units '{cleaned}'; write them like 50%") from None
            # Ten decimals: 33.3% reads back as 0.333 exactly, not one bit off.
            units = round(units, 10)
            if not 0 < units <= 100:
                raise ValueError(f"'{entry}' must have units above 0% and at most 10000%")
        found.append((name, units))
    return found


def format_resources(entries: list[tuple[str, float]]) -> str:
    """ "Ana; Bob[50%]" — full-time assignments carry no units."""
    parts = []
    for name, units in entries:
        if units == 1:
            parts.append(name)
        else:
            percent = round(units * 100, 8)
            text = str(int(percent)) if percent.is_integer() else repr(percent)
            parts.append(f"{name}[{text}%]")
    return "; ".join(parts)


def parse_moment(text: str) -> date | datetime:
    """An ISO date (2030-01-07) or local date and time (2030-01-07T08:00, offset optional)."""
    cleaned = text.strip()
    try:
        if "T" in cleaned or " " in cleaned:
            return datetime.fromisoformat(cleaned)
        return date.fromisoformat(cleaned)
    except ValueError:
        raise ValueError(
            f"'{cleaned}' is not a date such as 2030-01-07 or 2030-01-07T08:00"
        ) from None


def format_moment(
    local: datetime, day: date, day_start: datetime, day_end: datetime, *, finish: bool
) -> str:
    """A local (naive) moment as ``day`` alone when it is where that bare date would put it —
    the day's first working moment for starts, its last for finishes — else in full."""
    if local == (day_end if finish else day_start):
        return day.isoformat()
    if local.second == 0 and local.microsecond == 0:
        return local.isoformat(timespec="minutes")
    return local.isoformat()


def parse_constraint(text: str) -> str:
    """ "SNET" or MS Project's long name "Start No Earlier Than"."""
    cleaned = " ".join(text.strip().lower().split())
    if cleaned.upper() in CONSTRAINT_NAMES.values():
        return cleaned.upper()
    if cleaned in CONSTRAINT_NAMES:
        return CONSTRAINT_NAMES[cleaned]
    raise ValueError(
        f"'{text.strip()}' is not a constraint; use ASAP, ALAP, SNET, SNLT, FNET, FNLT, MSO or MFO"
    )


def parse_percent(text: str) -> int:
    """A whole percentage from 0 to 100, with or without the % sign."""
    cleaned = text.strip().rstrip("%").strip()
    try:
        number = float(cleaned)
    except ValueError:
        raise ValueError(f"'{text.strip()}' is not a percentage") from None
    if not number.is_integer() or not 0 <= number <= 100:
        raise ValueError(f"'{text.strip()}' is not a whole percentage from 0 to 100")
    return int(number)
