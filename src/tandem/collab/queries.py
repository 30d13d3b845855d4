"""Reads of the collab app: the activity journal of an organisation."""

from __future__ import annotations

from django.db.models import QuerySet

from tandem.accounts.access import access_organisation
from tandem.accounts.actors import Actor
from tandem.collab.models import JournalEntry
from tandem.core.permissions import Permission


def list_activity(actor: Actor, organisation_id: int) -> QuerySet[JournalEntry]:
    """The organisation's journal, newest first."""
    organisation = access_organisation(actor, organisation_id, Permission.VIEW).organisation
    return JournalEntry.objects.filter(organisation=organisation).select_related("actor")
