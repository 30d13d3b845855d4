"""Checks shared by the projects services: each returns the cleaned value or raises Invalid
naming the field."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.utils import timezone

from tandem.errors import Invalid
from tandem.projects.models import (
    BOARD_CATEGORIES,
    CONSTRAINTS,
    LAG_FORMATS,
    LINK_TYPES,
    PROJECT_STATUSES,
    RESOURCE_KINDS,
)

MAX_MINUTES = 60 * 24 * 365 * 20  # twenty years of minutes: anything longer is a typo


def text(value: Any, field: str, limit: int, *, required: bool = True) -> str:
    value = "" if value is None else str(value).strip()
    if required and not value:
        raise Invalid(f"The {field.replace('_', ' ')} must not be empty.", field=field)
    if len(value) > limit:
        raise Invalid(
            f"The {field.replace('_', ' ')} is longer than {limit} characters.", field=field
        )
    return value


def minutes(value: Any, field: str, *, allow_negative: bool = False) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise Invalid(
            f"The {field.replace('_', ' ')} must be whole minutes.", field=field
        ) from None
    if number < 0 and not allow_negative:
        raise Invalid(f"The {field.replace('_', ' ')} must not be negative.", field=field)
    if abs(number) > MAX_MINUTES:
        raise Invalid(f"The {field.replace('_', ' ')} is longer than twenty years.", field=field)
    return number


def whole(value: Any, field: str) -> int:
    """A whole number, or Invalid naming the field."""
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Invalid(
            f"The {field.replace('_', ' ')} must be a whole number.", field=field
        ) from None


def optional_minutes(value: Any, field: str) -> int | None:
    return None if value in (None, "") else minutes(value, field)


def choice(value: Any, field: str, options: list[str]) -> str:
    value = str(value)
    if value not in options:
        raise Invalid(
            f"'{value}' is not a valid {field.replace('_', ' ')}; use one of {', '.join(options)}.",
            field=field,
        )
    return value


def project_status(value: Any) -> str:
    return choice(value, "status", PROJECT_STATUSES)


def constraint_type(value: Any) -> str:
    return choice(str(value).upper(), "constraint_type", CONSTRAINTS)


def link_type(value: Any) -> str:
    return choice(str(value).upper(), "type", LINK_TYPES)


def lag_format(value: Any) -> str:
    return choice(value, "lag_format", LAG_FORMATS)


def board_category(value: Any) -> str:
    return choice(value, "category", BOARD_CATEGORIES)


def resource_kind(value: Any) -> str:
    return choice(value, "kind", RESOURCE_KINDS)


def percent(value: Any) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise Invalid(
            "Percent complete must be a whole number.", field="percent_complete"
        ) from None
    if not 0 <= number <= 100:
        raise Invalid("Percent complete runs from 0 to 100.", field="percent_complete")
    return number


def aware(value: datetime | None, field: str) -> datetime | None:
    """An aware datetime; naive ones are read in the current (organisation's) time zone."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        raise Invalid(f"The {field.replace('_', ' ')} must be a date and time.", field=field)
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def day(value: Any, field: str, *, required: bool = True) -> date | None:
    if value in (None, ""):
        if required:
            raise Invalid(f"The {field.replace('_', ' ')} is required.", field=field)
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise Invalid(f"'{value}' is not a date (YYYY-MM-DD).", field=field) from None


def money(value: Any, field: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise Invalid(f"The {field} must be whole minor units (cents).", field=field) from None
    if number < 0:
        raise Invalid(f"The {field} must not be negative.", field=field)
    return number


def units(value: Any, field: str = "units") -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise Invalid("Units must be a number (1 = full time).", field=field) from None
    if not 0 < number <= 100:
        raise Invalid("Units must be above 0 and at most 100.", field=field)
    return number
