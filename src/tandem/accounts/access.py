"""Access checks: the first line of every service and query.

Another organisation's ids answer NotFound, never Forbidden, so ids leak nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from tandem.accounts.actors import Actor, Operator
from tandem.accounts.models import Membership, Organisation, User
from tandem.core.permissions import ROLE_LABELS, Permission, Role, can
from tandem.errors import Forbidden, NotFound


@dataclass(frozen=True)
class Access:
    """What an actor may do in one organisation."""

    organisation: Organisation
    role: Role
    user: User | None
    membership: Membership | None

    def can(self, permission: Permission) -> bool:
        return can(self.role, permission)

    def require(self, permission: Permission) -> Access:
        """Return self, or raise Forbidden naming the role that lacks ``permission``."""
        if not self.can(permission):
            raise Forbidden(
                f"A {ROLE_LABELS[self.role].lower()} may not do this "
                f"({permission.value}) in {self.organisation.name}.",
                code="permission_denied",
            )
        return self


def _access(actor: Actor, organisation: Organisation | None, permission: Permission) -> Access:
    if organisation is None:
        raise NotFound("No such organisation.", code="organisation.not_found")
    if isinstance(actor, Operator):
        return Access(organisation, Role.OWNER, None, None)
    membership = (
        Membership.objects.filter(organisation=organisation, user=actor, user__is_active=True)
        .select_related("user")
        .first()
    )
    if membership is None:
        raise NotFound("No such organisation.", code="organisation.not_found")
    return Access(organisation, Role(membership.role), actor, membership).require(permission)


def access_organisation(
    actor: Actor, organisation_id: int, permission: Permission = Permission.VIEW
) -> Access:
    """The actor's access to the organisation with this id; NotFound or Forbidden otherwise."""
    return _access(actor, Organisation.objects.filter(pk=organisation_id).first(), permission)


def access_organisation_by_slug(
    actor: Actor, slug: str, permission: Permission = Permission.VIEW
) -> Access:
    """The actor's access to the organisation with this slug; NotFound or Forbidden otherwise."""
    return _access(actor, Organisation.objects.filter(slug=slug).first(), permission)
