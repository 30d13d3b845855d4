"""The demo organisation's people: one of each role, with a documented password."""

from __future__ import annotations

from dataclasses import dataclass

from tandem.accounts.actors import OPERATOR
from tandem.accounts.models import Organisation
from tandem.accounts.services import add_member, create_organisation
from tandem.core.permissions import Role

DEMO_SLUG = "lumen"
DEMO_PASSWORD = "tandem-demo"  # noqa: S105 - documented in the README on purpose


@dataclass(frozen=True)
class DemoPerson:
    email: str
    name: str
    role: Role


DEMO_USERS: tuple[DemoPerson, ...] = (
    DemoPerson("olivia@lumen.example", "Olivia Brandt", Role.OWNER),
    DemoPerson("sam@lumen.example", "Sam Okafor", Role.ADMIN),
    DemoPerson("priya@lumen.example", "Priya Nair", Role.PRODUCT_MANAGER),
    DemoPerson("marco@lumen.example", "Marco Rossi", Role.PROJECT_MANAGER),
    DemoPerson("lena@lumen.example", "Lena Fischer", Role.MEMBER),
    DemoPerson("tom@lumen.example", "Tom Becker", Role.MEMBER),
    DemoPerson("aisha@lumen.example", "Aisha Khan", Role.MEMBER),
    DemoPerson("jonas@lumen.example", "Jonas Weber", Role.MEMBER),
    DemoPerson("helen@lumen.example", "Helen Carter", Role.VIEWER),
)


def load() -> Organisation:
    """Create Lumen Labs and its people."""
    owner = DEMO_USERS[0]
    organisation = create_organisation(
        OPERATOR,
        name="Lumen Labs",
        slug=DEMO_SLUG,
        time_zone="Europe/Berlin",
        currency="EUR",
        owner_email=owner.email,
        owner_name=owner.name,
        owner_password=DEMO_PASSWORD,
    )
    for person in DEMO_USERS[1:]:
        add_member(
            OPERATOR,
            organisation.pk,
            email=person.email,
            role=person.role,
            display_name=person.name,
            password=DEMO_PASSWORD,
        )
    return organisation
