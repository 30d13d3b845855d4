"""The demo organisation that `make run` shows: a realistic workspace for both roles.

Built through the same services as everything else, so the demo obeys every rule. Each app
adds its part in a module of this package.
"""

from __future__ import annotations

from django.db import transaction

from tandem.accounts.models import Organisation, User
from tandem.demo.people import DEMO_PASSWORD, DEMO_SLUG, DEMO_USERS, DemoPerson

__all__ = ["DEMO_PASSWORD", "DEMO_SLUG", "DEMO_USERS", "DemoPerson", "demo_exists", "load_demo"]


def demo_exists() -> bool:
    """True when the demo organisation is in the database."""
    return Organisation.objects.filter(slug=DEMO_SLUG).exists()


@transaction.atomic
def load_demo() -> Organisation:
    """Create the demo organisation, replacing an existing one, in one transaction."""
    from tandem.demo import people, products, projects

    emails = [person.email for person in DEMO_USERS]
    Organisation.objects.filter(slug=DEMO_SLUG).delete()
    # Demo people who belong nowhere else go too, so a refresh starts from a clean slate.
    User.objects.filter(email__in=emails, memberships__isnull=True).delete()
    organisation = people.load()
    products.load(organisation)
    projects.load(organisation)
    return organisation
