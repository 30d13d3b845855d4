"""Small HTTP helpers shared by the API and pages: versions in ETag / If-Match, ordering."""

from __future__ import annotations

import re
from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse

from tandem.errors import Invalid

_ETAG = re.compile(r'^\s*(?:W/)?"?(\d+)"?\s*$')
M = TypeVar("M", bound=Model)


def etag(version: int) -> str:
    """The strong ETag of a row version."""
    return f'"{version}"'


def if_match_version(request: HttpRequest) -> int | None:
    """The version named by the If-Match header, or None when the header is missing."""
    header = request.headers.get("If-Match")
    if header is None:
        return None
    match = _ETAG.match(header)
    if match is None:
        raise Invalid(
            f'If-Match must be an ETag this API gave out, such as "3"; got {header!r}.',
            field="If-Match",
            code="invalid_if_match",
        )
    return int(match.group(1))


def set_etag(response: HttpResponse, row: Any) -> None:
    """Tag a response with the row's version so the client can update it safely."""
    response["ETag"] = etag(row.version)


def apply_ordering(
    queryset: QuerySet[M], ordering: str | None, allowed: dict[str, str]
) -> QuerySet[M]:
    """Order by a comma-separated list of public field names, each optionally prefixed with -."""
    if not ordering:
        return queryset
    fields = []
    for part in ordering.split(","):
        name = part.strip()
        descending = name.startswith("-")
        key = name.lstrip("-")
        if key not in allowed:
            raise Invalid(
                f"Cannot order by '{key}'; use one of {', '.join(sorted(allowed))}.",
                field="ordering",
            )
        fields.append(("-" if descending else "") + allowed[key])
    return queryset.order_by(*fields)


def actor(request: HttpRequest) -> Any:
    """The authenticated user of an API request (set by the API's authentication)."""
    return request.auth  # type: ignore[attr-defined]
