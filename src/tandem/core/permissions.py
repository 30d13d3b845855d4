"""Which role may do what: the permission matrix, and who may grant which role.

Pure data and functions, so the matrix is testable as a table and every service asks the same
question the same way.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """A member's role in an organisation, from most to least powerful."""

    OWNER = "owner"
    ADMIN = "admin"
    PRODUCT_MANAGER = "product_manager"
    PROJECT_MANAGER = "project_manager"
    MEMBER = "member"
    VIEWER = "viewer"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS: dict[Role, str] = {
    Role.OWNER: "Owner",
    Role.ADMIN: "Admin",
    Role.PRODUCT_MANAGER: "Product manager",
    Role.PROJECT_MANAGER: "Project manager",
    Role.MEMBER: "Member",
    Role.VIEWER: "Viewer",
}


class Permission(StrEnum):
    """An action guarded by role. Names are the field's verbs, grouped by domain."""

    VIEW = "organisation.view"
    COMMENT = "collab.comment"
    MANAGE_ORGANISATION = "organisation.manage"
    MANAGE_MEMBERS = "organisation.manage_members"
    DELETE_ORGANISATION = "organisation.delete"
    BACKUP_ORGANISATION = "organisation.backup"
    EDIT_PRODUCT = "products.edit"
    RECORD_MEASUREMENT = "products.record_measurement"
    MANAGE_TEAMS = "products.manage_teams"
    EDIT_PLAN = "projects.edit_plan"
    UPDATE_OWN_PROGRESS = "projects.update_own_progress"
    MANAGE_FINANCE = "finance.manage"
    VIEW_COST_RATES = "finance.view_cost_rates"
    RECORD_TIME = "finance.record_time"
    MANAGE_COURSES = "learning.manage"
    ENROL = "learning.enrol"


_EVERYONE = frozenset({Permission.VIEW})
_CONTRIBUTOR = _EVERYONE | {
    Permission.COMMENT,
    Permission.UPDATE_OWN_PROGRESS,
    Permission.RECORD_TIME,
    Permission.ENROL,
}
_PRODUCT = _CONTRIBUTOR | {
    Permission.EDIT_PRODUCT,
    Permission.RECORD_MEASUREMENT,
    Permission.MANAGE_TEAMS,
}
_PROJECT = _CONTRIBUTOR | {
    Permission.EDIT_PLAN,
    Permission.MANAGE_FINANCE,
    Permission.VIEW_COST_RATES,
}
_ADMIN = (
    _PRODUCT
    | _PROJECT
    | {
        Permission.MANAGE_ORGANISATION,
        Permission.MANAGE_MEMBERS,
        Permission.BACKUP_ORGANISATION,
        Permission.MANAGE_COURSES,
    }
)

MATRIX: dict[Role, frozenset[Permission]] = {
    Role.OWNER: frozenset(Permission),
    Role.ADMIN: frozenset(_ADMIN),
    Role.PRODUCT_MANAGER: frozenset(_PRODUCT),
    Role.PROJECT_MANAGER: frozenset(_PROJECT),
    Role.MEMBER: frozenset(_CONTRIBUTOR),
    Role.VIEWER: frozenset(_EVERYONE),
}


def can(role: Role | str, permission: Permission) -> bool:
    """True when a member with ``role`` may perform ``permission``."""
    return permission in MATRIX[Role(role)]


def can_assign_role(actor: Role | str, current: Role | str | None, new: Role | str) -> bool:
    """True when ``actor`` may give a member whose role is ``current`` (None: a newcomer) ``new``.

    Only owners make or unmake owners; admins manage everyone else; nobody else manages roles.
    """
    actor, new = Role(actor), Role(new)
    if actor is Role.OWNER:
        return True
    if actor is not Role.ADMIN:
        return False
    return new is not Role.OWNER and (current is None or Role(current) is not Role.OWNER)
