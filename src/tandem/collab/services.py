"""Writes of the collab app: journal entries recorded by every other service."""

from __future__ import annotations

from typing import Any

from tandem.accounts.actors import Actor, user_of
from tandem.accounts.models import Organisation
from tandem.collab.models import JournalEntry


def record_activity(
    actor: Actor,
    organisation: Organisation,
    *,
    action: str,
    target: Any,
    summary: str,
    data: dict[str, Any] | None = None,
) -> JournalEntry:
    """Journal one change; call inside the service's transaction so it commits with the change."""
    return JournalEntry.objects.create(
        organisation=organisation,
        actor=user_of(actor),
        action=action,
        target_type=type(target).__name__.lower(),
        target_id=getattr(target, "pk", None),
        summary=summary[:300],
        data=data or {},
    )
