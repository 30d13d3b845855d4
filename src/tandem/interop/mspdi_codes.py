"""MS Project XML (MSPDI) code tables and durations, shared by the reader and the writer.

The codes are those of the MSPDI schema (http://schemas.microsoft.com/project) as MS Project
and MPXJ write them:

- ConstraintType 0 ASAP, 1 ALAP, 2 MSO, 3 MFO, 4 SNET, 5 SNLT, 6 FNET, 7 FNLT;
- PredecessorLink Type 0 FF, 1 FS, 2 SF, 3 SS;
- LagFormat (and DurationFormat) 3 m, 4 em, 5 h, 6 eh, 7 d, 8 ed, 9 w, 10 ew, 11 mo, 12 emo,
  19 %, 20 e%, 21 null; 35-44 and 51-53 are the same plus 32 for estimated values ("d?");
- WeekDay DayType 1 Sunday … 7 Saturday (0 is the exception form of Project 2003).

LinkLag is in tenths of a minute — working minutes for working formats, elapsed minutes for
elapsed ones — except for percent lags, where it is the percent itself (MPXJ reads and writes
it so). Durations are ISO 8601 (``PT8H0M0S``), in working time. Costs (Cost, FixedCost) are
in hundredths of the currency unit whatever the currency's digits (MPXJ divides them by 100);
StandardRate is in currency units per hour (StandardRateFormat 2).
"""

from __future__ import annotations

import re
from decimal import Decimal

NS = "http://schemas.microsoft.com/project"

CONSTRAINT_CODES: dict[int, str] = {
    0: "ASAP",
    1: "ALAP",
    2: "MSO",
    3: "MFO",
    4: "SNET",
    5: "SNLT",
    6: "FNET",
    7: "FNLT",
}
CONSTRAINT_NUMBERS: dict[str, int] = {name: code for code, name in CONSTRAINT_CODES.items()}

LINK_TYPE_CODES: dict[int, str] = {0: "FF", 1: "FS", 2: "SF", 3: "SS"}
LINK_TYPE_NUMBERS: dict[str, int] = {name: code for code, name in LINK_TYPE_CODES.items()}

_WORKING = (3, 5, 7, 9, 11)
_ELAPSED = (4, 6, 8, 10, 12)
_PERCENT = (19, 20)
ESTIMATED = 32  # added to a format code for an estimated ("?") value
LAG_FORMAT_CODES: dict[int, str] = {
    **{code + extra: "working" for code in _WORKING for extra in (0, ESTIMATED)},
    **{code + extra: "elapsed" for code in _ELAPSED for extra in (0, ESTIMATED)},
    **{code + extra: "percent" for code in _PERCENT for extra in (0, ESTIMATED)},
}
# What the writer uses: days, elapsed days, percent.
LAG_FORMAT_NUMBERS: dict[str, int] = {"working": 7, "elapsed": 8, "percent": 19}
DURATION_FORMAT_DAYS = 7

# MSPDI DayType (1 Sunday … 7 Saturday) of a Python weekday (0 Monday … 6 Sunday), and back.
DAY_TYPES: dict[int, int] = {weekday: (weekday + 1) % 7 + 1 for weekday in range(7)}
WEEKDAYS: dict[int, int] = {day_type: weekday for weekday, day_type in DAY_TYPES.items()}

# ISO 4217 minor-unit digits of the currencies that do not use two.
_CURRENCY_DIGITS = {
    code: digits
    for digits, codes in (
        (0, "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF"),
        (3, "BHD IQD JOD KWD LYD OMR TND"),
        (4, "CLF UYW"),
    )
    for code in codes.split()
}

_DURATION = re.compile(
    r"(?P<sign>-)?P(?:(?P<years>\d+(?:\.\d+)?)Y)?(?:(?P<months>\d+(?:\.\d+)?)M)?"
    r"(?:(?P<days>\d+(?:\.\d+)?)D)?"
    r"(?:T(?:(?P<hours>\d+(?:\.\d+)?)H)?(?:(?P<minutes>\d+(?:\.\d+)?)M)?"
    r"(?:(?P<seconds>\d+(?:\.\d+)?)S)?)?"
)
# Minutes per unit for the date part, which MSPDI files rarely use: a day of 24 hours.
_MINUTES = {"years": 525_600.0, "months": 43_200.0, "days": 1440.0, "hours": 60.0}


def parse_duration(text: str) -> float:
    """Minutes of an ISO 8601 duration (``PT8H30M0S`` → 510.0); ValueError when malformed."""
    match = _DURATION.fullmatch(text.strip())
    if match is None or text.strip() in {"P", "-P", "PT", "-PT"}:
        raise ValueError(f"Not an ISO 8601 duration: {text!r}")
    parts = match.groupdict()
    minutes = sum(float(parts[unit]) * per for unit, per in _MINUTES.items() if parts[unit])
    minutes += float(parts["minutes"] or 0) + float(parts["seconds"] or 0) / 60
    return -minutes if parts["sign"] else minutes


def format_duration(minutes: float) -> str:
    """An ISO 8601 duration in hours, minutes and whole seconds (510 → ``PT8H30M0S``)."""
    seconds = round(abs(minutes) * 60)
    hours, rest = divmod(seconds, 3600)
    sign = "-" if minutes < 0 and seconds else ""
    return f"{sign}PT{hours}H{rest // 60}M{rest % 60}S"


def lag_to_mspdi(lag: int, lag_format: str) -> tuple[int, int]:
    """LinkLag and LagFormat of a tandem lag (minutes, or percent for ``percent``)."""
    value = lag if lag_format == "percent" else lag * 10
    return value, LAG_FORMAT_NUMBERS[lag_format]


def lag_from_mspdi(link_lag: int, lag_format: int | None) -> tuple[int, str]:
    """A tandem lag and lag format from LinkLag and LagFormat (working when unknown)."""
    kind = LAG_FORMAT_CODES.get(lag_format or 0, "working")
    return (link_lag if kind == "percent" else round(link_lag / 10)), kind


def currency_digits(code: str) -> int:
    """Digits of a currency's minor unit (JPY 0, EUR 2, KWD 3)."""
    return _CURRENCY_DIGITS.get(code.upper(), 2)


def money_to_mspdi(minor: int, digits: int = 2) -> str:
    """An MSPDI cost (hundredths of the currency unit) of an amount in minor units."""
    value = Decimal(minor).scaleb(2 - digits)
    return f"{value:f}" if digits > 2 else str(int(value))


def money_from_mspdi(value: float, digits: int = 2) -> int:
    """Minor units of an MSPDI cost (hundredths of the currency unit)."""
    return round(Decimal(str(value)).scaleb(digits - 2))


def rate_to_mspdi(minor: int, digits: int = 2) -> str:
    """An MSPDI StandardRate (currency units per hour) of a rate in minor units per hour."""
    return f"{Decimal(minor).scaleb(-digits):f}"
