"""Shared fixtures: builders with valid defaults (`make_<thing>(**overrides)`) and clients."""

from __future__ import annotations

import itertools
import os
import tempfile
from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.test import Client
from hypothesis import settings as hypothesis_settings

from tandem.accounts.actors import OPERATOR
from tandem.accounts.models import Membership, Organisation, User
from tandem.accounts.services import create_token

# Keep the suite's generated secret key and SQLite files out of the working tree.
os.environ.setdefault("TANDEM_DATA_DIR", tempfile.mkdtemp(prefix="tandem-tests-"))

# Properties are checked on their merits, not against the clock of a loaded machine (timing has
# no place in the suite); CI draws the same examples every run, so a red run is reproducible.
hypothesis_settings.register_profile("tandem", deadline=None)
hypothesis_settings.register_profile("ci", deadline=None, derandomize=True)
hypothesis_settings.load_profile(os.environ.get("TANDEM_HYPOTHESIS_PROFILE", "tandem"))

PASSWORD = "correct horse battery"
_numbers = itertools.count(1)


class FastArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2 with small costs: the same algorithm and format, fast enough for a test suite."""

    time_cost = 1
    memory_cost = 1024
    parallelism = 1


@pytest.fixture(autouse=True)
def _fast_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["tests.conftest.FastArgon2PasswordHasher"]


@pytest.fixture
def make_user(db: None) -> Callable[..., User]:
    def make(**overrides: Any) -> User:
        n = next(_numbers)
        fields = {"email": f"person{n}@example.com", "display_name": f"Person {n}"}
        fields.update(overrides)
        password = fields.pop("password", PASSWORD)
        return User.objects.create_user(password=password, **fields)

    return make


@pytest.fixture
def make_organisation(db: None, make_user: Callable[..., User]) -> Callable[..., Organisation]:
    def make(owner: User | None = None, **overrides: Any) -> Organisation:
        n = next(_numbers)
        fields = {"name": f"Org {n}", "slug": f"org-{n}", "time_zone": "UTC"}
        fields.update(overrides)
        organisation = Organisation.objects.create(**fields)
        Membership.objects.create(
            organisation=organisation, user=owner or make_user(), role="owner"
        )
        return organisation

    return make


@pytest.fixture
def make_member(db: None, make_user: Callable[..., User]) -> Callable[..., User]:
    """A new user with ``role`` in ``organisation``."""

    def make(organisation: Organisation, role: str = "member", **overrides: Any) -> User:
        user = make_user(**overrides)
        Membership.objects.create(organisation=organisation, user=user, role=role)
        return user

    return make


@pytest.fixture
def org(make_organisation: Callable[..., Organisation]) -> Organisation:
    return make_organisation(name="Acme", slug="acme")


def owner_of(organisation: Organisation) -> User:
    return Membership.objects.get(organisation=organisation, role="owner").user


@pytest.fixture
def api_client() -> Callable[[User], Client]:
    """A client that authenticates with a fresh personal API token of ``user``."""

    def make(user: User) -> Client:
        _, secret = create_token(OPERATOR, user=user, name="test")
        return Client(headers={"Authorization": f"Bearer {secret}"})

    return make


@pytest.fixture
def browser_client() -> Callable[[User], Client]:
    """A client signed in as ``user`` through a session, with CSRF checks enforced."""

    def make(user: User) -> Client:
        client = Client(enforce_csrf_checks=True)
        client.force_login(user)
        return client

    return make


@pytest.fixture
def row_counts(db: None) -> Callable[[], dict[str, int]]:
    """Rows per tandem model, so a refusal test can show that nothing was written."""

    def count() -> dict[str, int]:
        return {
            model._meta.label: model._default_manager.count()
            for model in apps.get_models()
            if model.__module__.startswith("tandem.")
        }

    return count
