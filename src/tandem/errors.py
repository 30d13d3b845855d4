"""Domain errors with stable codes, raised by services and mapped to HTTP once in web/."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A refusal with a stable dotted code (``task.dependency_cycle``) and a human message.

    ``field`` names the input at fault when there is one, so forms and the API can point at it.
    """

    default_code = "error"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        field: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.field = field
        self.details = details or {}

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"detail": self.message, "code": self.code}
        if self.field:
            body["field"] = self.field
        if self.details:
            body.update(self.details)
        return body


class NotFound(DomainError):
    """The thing does not exist, or belongs to an organisation the actor cannot see."""

    default_code = "not_found"


class Forbidden(DomainError):
    """The actor can see the thing but their role does not allow this action."""

    default_code = "forbidden"


class Conflict(DomainError):
    """The request contradicts the current state (a duplicate, a cycle, the last owner)."""

    default_code = "conflict"


class Invalid(DomainError):
    """The input is malformed or breaks a rule; ``field`` names the culprit."""

    default_code = "invalid"


class StaleVersion(DomainError):
    """The row changed since the client loaded it (If-Match or form version mismatch)."""

    default_code = "stale_version"


class VersionRequired(DomainError):
    """An update came without the version it was based on."""

    default_code = "version_required"


class Unauthenticated(DomainError):
    """No valid credentials came with the request."""

    default_code = "auth.required"


class Throttled(DomainError):
    """Too many attempts; ``retry_after`` seconds must pass before the next one."""

    default_code = "throttled"

    def __init__(self, message: str, *, retry_after: int, code: str | None = None) -> None:
        super().__init__(message, code=code, details={"retry_after": retry_after})
        self.retry_after = retry_after
