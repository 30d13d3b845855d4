"""Input cleaning shared by the products services: text, keys, numbers, members, quarters."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from datetime import date
from typing import Any, TypeVar

from django.db.models import Model, QuerySet

from tandem.accounts.models import Membership, Organisation, User
from tandem.core.permissions import Permission, can
from tandem.core.roadmap import parse_quarter
from tandem.errors import Invalid
from tandem.products.models import Team

_KEY = re.compile(r"^[a-z0-9][a-z0-9-]*$")
M = TypeVar("M", bound=Model)


def _label(field: str) -> str:
    return field.replace("_id", "").replace("_", " ")


def clean_text(value: Any, field: str, limit: int | None = None, *, required: bool = True) -> str:
    """Trimmed text; Invalid when required and blank, or longer than ``limit``."""
    text = str(value or "").strip()
    if required and not text:
        raise Invalid(f"The {_label(field)} must not be empty.", field=field)
    if limit is not None and len(text) > limit:
        raise Invalid(f"The {_label(field)} is longer than {limit} characters.", field=field)
    return text


def clean_key(value: Any, field: str = "key") -> str:
    """A short lower-case name of letters, digits and hyphens, as typed on the command line."""
    key = str(value or "").strip().lower()
    if not _KEY.match(key) or len(key) > 40:
        raise Invalid(
            f"'{value}' is not a valid {_label(field)}: use up to 40 lower-case letters, digits "
            "and hyphens, starting with a letter or digit.",
            field=field,
        )
    return key


def clean_number(
    value: Any,
    field: str,
    *,
    required: bool = True,
    minimum: float | None = None,
    above: float | None = None,
    maximum: float | None = None,
) -> float | None:
    """A finite number within bounds, or None when optional and missing."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise Invalid(f"The {_label(field)} is required.", field=field)
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise Invalid(
            f"The {_label(field)} must be a number, not '{value}'.", field=field
        ) from None
    if not math.isfinite(number):
        raise Invalid(f"The {_label(field)} must be a finite number.", field=field)
    if minimum is not None and number < minimum:
        raise Invalid(f"The {_label(field)} must be at least {minimum:g}.", field=field)
    if above is not None and number <= above:
        raise Invalid(f"The {_label(field)} must be more than {above:g}.", field=field)
    if maximum is not None and number > maximum:
        raise Invalid(f"The {_label(field)} must be at most {maximum:g}.", field=field)
    return number


def clean_choice(value: Any, choices: Iterable[str], field: str, *, blank: bool = False) -> str:
    """One of ``choices`` (or "" when ``blank`` is allowed)."""
    text = str(value or "").strip()
    options = list(choices)
    if (blank and text == "") or text in options:
        return text
    raise Invalid(
        f"Unknown {_label(field)} '{text}'; use one of {', '.join(options)}.", field=field
    )


def clean_quarter(value: Any, field: str = "target_quarter") -> str:
    """ "2026-Q3" normalised, or "" when blank."""
    text = str(value or "").strip().upper()
    if not text:
        return ""
    try:
        return str(parse_quarter(text))
    except ValueError:
        raise Invalid(f"'{value}' is not a quarter; write it like 2026-Q3.", field=field) from None


def clean_date_range(start: date | None, end: date | None, field: str = "end_date") -> None:
    """Refuse an end before the start."""
    if start and end and end < start:
        raise Invalid("The end date lies before the start date.", field=field)


def clean_member(
    organisation: Organisation,
    user_id: Any,
    field: str,
    *,
    permission: Permission | None = None,
    what: str = "a member",
) -> User | None:
    """The member with this id (None for none); with ``permission``, one whose role allows it."""
    if user_id in (None, ""):
        return None
    if not str(user_id).isdigit():
        raise Invalid(f"'{user_id}' is not a user id.", field=field)
    membership = (
        Membership.objects.filter(organisation=organisation, user_id=user_id)
        .select_related("user")
        .first()
    )
    if membership is None:
        raise Invalid(f"User {user_id} is not a member of {organisation.name}.", field=field)
    if permission is not None and not can(membership.role, permission):
        raise Invalid(
            f"{membership.user.display_name} cannot be {what}: their role is "
            f"{membership.get_role_display().lower()}.",
            field=field,
        )
    return membership.user


def clean_members(organisation: Organisation, user_ids: Iterable[Any], field: str) -> list[User]:
    """Members with these ids, each at most once."""
    users: list[User] = []
    for user_id in dict.fromkeys(user_ids):
        user = clean_member(organisation, user_id, field)
        if user is not None:
            users.append(user)
    return users


def clean_teams(organisation: Organisation, team_ids: Iterable[Any], field: str) -> list[Team]:
    """Teams of this organisation with these ids, each at most once."""
    teams: list[Team] = []
    for team_id in dict.fromkeys(team_ids):
        team = (
            Team.objects.filter(organisation=organisation, pk=team_id).first()
            if str(team_id).isdigit()
            else None
        )
        if team is None:
            raise Invalid(f"Team {team_id} does not exist in {organisation.name}.", field=field)
        teams.append(team)
    return teams


def refuse_unknown(changes: dict[str, Any], allowed: Iterable[str]) -> None:
    """Refuse changes to fields the update does not know (a typo must not pass silently)."""
    unknown = sorted(set(changes) - set(allowed))
    if unknown:
        raise Invalid(f"Cannot change {', '.join(unknown)} here.", field=unknown[0])


def other_than(queryset: QuerySet[M], pk: int | None) -> QuerySet[M]:
    """The rows except the one with ``pk`` (all of them when None): for uniqueness checks."""
    return queryset if pk is None else queryset.exclude(pk=pk)


def clean_float(value: Any, field: str, **bounds: float) -> float:
    """A required finite number within ``bounds`` (see clean_number)."""
    number = clean_number(value, field, required=True, **bounds)
    assert number is not None  # required
    return number
