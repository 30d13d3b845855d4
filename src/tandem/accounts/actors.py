"""Who performs a service call: a signed-in user, or the server's operator at the terminal."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final, TypeAlias

if TYPE_CHECKING:
    from tandem.accounts.models import User


class Operator:
    """The person running `tandem` commands on the server: trusted with every organisation.

    CLI commands such as `tandem user add` act as the operator, since whoever can run them can
    already read the database file.
    """

    display_name: Final = "operator"
    pk: Final = None

    def __repr__(self) -> str:
        return "OPERATOR"


OPERATOR: Final = Operator()

Actor: TypeAlias = "User | Operator"


def user_of(actor: Actor) -> User | None:
    """The user behind an actor, or None for the operator."""
    return None if isinstance(actor, Operator) else actor
