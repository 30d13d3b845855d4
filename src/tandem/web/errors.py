"""The one place where domain errors become HTTP statuses, for pages and for the API."""

from __future__ import annotations

from tandem.errors import (
    Conflict,
    DomainError,
    Forbidden,
    Invalid,
    NotFound,
    StaleVersion,
    Throttled,
    Unauthenticated,
    VersionRequired,
)

STATUS_BY_ERROR: dict[type[DomainError], int] = {
    Unauthenticated: 401,
    Forbidden: 403,
    NotFound: 404,
    Conflict: 409,
    StaleVersion: 412,
    Invalid: 422,
    VersionRequired: 428,
    Throttled: 429,
}


def status_for(error: DomainError) -> int:
    """The HTTP status for a domain error (400 for an unmapped kind)."""
    for kind in type(error).__mro__:
        if kind in STATUS_BY_ERROR:
            return STATUS_BY_ERROR[kind]
    return 400


def headers_for(error: DomainError) -> dict[str, str]:
    """Extra response headers some refusals carry (Retry-After for throttling)."""
    if isinstance(error, Throttled):
        return {"Retry-After": str(error.retry_after)}
    return {}
