"""The permission matrix, checked as a table: each role against each action."""

from __future__ import annotations

import pytest

from tandem.core.permissions import MATRIX, Permission, Role, can, can_assign_role

P = Permission
OWN, A, PM, PJ, M, V = (
    Role.OWNER,
    Role.ADMIN,
    Role.PRODUCT_MANAGER,
    Role.PROJECT_MANAGER,
    Role.MEMBER,
    Role.VIEWER,
)

# permission: the roles allowed, in the order owner, admin, product mgr, project mgr, member, viewer
TABLE: dict[Permission, tuple[int, int, int, int, int, int]] = {
    P.VIEW: (1, 1, 1, 1, 1, 1),
    P.COMMENT: (1, 1, 1, 1, 1, 0),
    P.MANAGE_ORGANISATION: (1, 1, 0, 0, 0, 0),
    P.MANAGE_MEMBERS: (1, 1, 0, 0, 0, 0),
    P.DELETE_ORGANISATION: (1, 0, 0, 0, 0, 0),
    P.BACKUP_ORGANISATION: (1, 1, 0, 0, 0, 0),
    P.EDIT_PRODUCT: (1, 1, 1, 0, 0, 0),
    P.RECORD_MEASUREMENT: (1, 1, 1, 0, 0, 0),
    P.MANAGE_TEAMS: (1, 1, 1, 0, 0, 0),
    P.EDIT_PLAN: (1, 1, 0, 1, 0, 0),
    P.UPDATE_OWN_PROGRESS: (1, 1, 1, 1, 1, 0),
    P.MANAGE_FINANCE: (1, 1, 0, 1, 0, 0),
    P.VIEW_COST_RATES: (1, 1, 0, 1, 0, 0),
    P.RECORD_TIME: (1, 1, 1, 1, 1, 0),
    P.MANAGE_COURSES: (1, 1, 0, 0, 0, 0),
    P.ENROL: (1, 1, 1, 1, 1, 0),
}
ROLES = (OWN, A, PM, PJ, M, V)


def test_the_table_covers_every_permission() -> None:
    assert set(TABLE) == set(Permission)


@pytest.mark.parametrize(
    ("permission", "role"), [(p, r) for p in Permission for r in ROLES], ids=str
)
def test_role_may_do_exactly_what_the_table_says(permission: Permission, role: Role) -> None:
    assert can(role, permission) is bool(TABLE[permission][ROLES.index(role)])


def test_roles_are_ordered_owner_first_and_each_higher_role_holds_the_lower_ones() -> None:
    assert MATRIX[Role.VIEWER] < MATRIX[Role.MEMBER] < MATRIX[Role.PRODUCT_MANAGER]
    assert (
        MATRIX[Role.MEMBER] < MATRIX[Role.PROJECT_MANAGER] < MATRIX[Role.ADMIN] < MATRIX[Role.OWNER]
    )
    assert MATRIX[Role.PRODUCT_MANAGER] < MATRIX[Role.ADMIN]


def test_can_accepts_role_names_as_stored_in_the_database() -> None:
    assert can("product_manager", Permission.EDIT_PRODUCT)
    with pytest.raises(ValueError, match="superuser"):
        can("superuser", Permission.VIEW)


# (actor, current role or None for a newcomer, new role, allowed)
ASSIGNMENTS = [
    (OWN, None, OWN, True),
    (OWN, OWN, V, True),
    (OWN, A, OWN, True),
    (A, None, OWN, False),
    (A, OWN, A, False),
    (A, M, A, True),
    (A, None, PM, True),
    (A, PJ, V, True),
    (PM, None, M, False),
    (PJ, M, V, False),
    (M, None, V, False),
    (V, V, M, False),
]


@pytest.mark.parametrize(("actor", "current", "new", "allowed"), ASSIGNMENTS)
def test_who_may_grant_which_role(
    actor: Role, current: Role | None, new: Role, allowed: bool
) -> None:
    assert can_assign_role(actor, current, new) is allowed
