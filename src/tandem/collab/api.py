"""REST endpoints for the activity journal."""

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from tandem.collab.queries import list_activity
from tandem.web.http import actor

router = Router(tags=["activity"])


class ActorOut(Schema):
    id: int
    display_name: str


class JournalEntryOut(Schema):
    id: int
    action: str
    actor: ActorOut | None
    target_type: str
    target_id: int | None
    summary: str
    data: dict[str, Any]
    at: datetime


@router.get(
    "/organisations/{organisation_id}/activity",
    response=list[JournalEntryOut],
    summary="The organisation's activity journal, newest first; filter by action prefix",
)
@paginate(LimitOffsetPagination)
def activity(request: HttpRequest, organisation_id: int, action: str | None = None) -> Any:
    entries = list_activity(actor(request), organisation_id)
    if action:
        entries = entries.filter(action__startswith=action)
    return entries
