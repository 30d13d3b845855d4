"""`tandem user`, `tandem token` and `tandem org`: the operator's account commands."""

from __future__ import annotations

import secrets

import typer

user_app = typer.Typer(help="People and their memberships.", no_args_is_help=True)
token_app = typer.Typer(help="Personal API tokens.", no_args_is_help=True)
org_app = typer.Typer(help="Organisations.", no_args_is_help=True)


def _setup() -> None:
    from tandem.cli.django_setup import setup

    setup()


@user_app.command("add")
def add_user(
    email: str = typer.Argument(..., help="The person's email (their sign-in)."),
    org: str = typer.Option(..., "--org", help="Organisation slug or id."),
    role: str = typer.Option(
        "member",
        "--role",
        help="owner, admin, product_manager, project_manager, member or viewer.",
    ),
    name: str | None = typer.Option(None, "--name", help="Display name for a new account."),
    password: str | None = typer.Option(
        None,
        "--password",
        help="Password: sets it for an existing account; for a new one a random password is "
        "printed if omitted.",
    ),
) -> None:
    """Add a person to an organisation, creating their account if needed."""
    _setup()
    from tandem.accounts.actors import OPERATOR
    from tandem.accounts.models import User, normalise_email
    from tandem.accounts.queries import get_organisation_for_operator
    from tandem.accounts.services import add_member

    organisation = get_organisation_for_operator(org)
    is_new = not User.objects.filter(email=normalise_email(email)).exists()
    generated = None
    if is_new and not password:
        generated = password = secrets.token_urlsafe(12)
    membership = add_member(
        OPERATOR,
        organisation.pk,
        email=email,
        role=role,
        display_name=name,
        password=password,
    )
    typer.echo(
        f"{membership.user.email} is {membership.get_role_display().lower()} "
        f"in {organisation.name}."
    )
    if generated:
        typer.echo(f"Password: {generated}")


@token_app.command("create")
def create_token(
    email: str = typer.Argument(..., help="Whose token."),
    name: str = typer.Option("CLI token", "--name", help="What the token is for."),
) -> None:
    """Create a personal API token and print its secret (shown only once)."""
    _setup()
    from tandem.accounts.actors import OPERATOR
    from tandem.accounts.models import User, normalise_email
    from tandem.accounts.services import create_token as create
    from tandem.errors import NotFound

    user = User.objects.filter(email=normalise_email(email)).first()
    if user is None:
        raise NotFound(f"No account for {email}.")
    _, secret = create(OPERATOR, user=user, name=name)
    typer.echo(secret)


@org_app.command("create")
def create_org(
    name: str = typer.Argument(..., help="The organisation's name."),
    owner: str = typer.Option(..., "--owner", help="Email of the owner; created if new."),
    owner_name: str | None = typer.Option(
        None, "--owner-name", help="Display name of a new owner."
    ),
    password: str | None = typer.Option(
        None, "--password", help="Password of a new owner (a random one is printed if omitted)."
    ),
    slug: str | None = typer.Option(
        None, "--slug", help="URL name; derived from the name if omitted."
    ),
    time_zone: str = typer.Option("UTC", "--time-zone", help="IANA time zone."),
    currency: str = typer.Option("EUR", "--currency", help="ISO 4217 currency code."),
) -> None:
    """Create an organisation and its owner's account (when new): the first step on a new server."""
    _setup()
    from tandem.accounts.actors import OPERATOR
    from tandem.accounts.models import User, normalise_email
    from tandem.accounts.services import create_organisation

    is_new = not User.objects.filter(email=normalise_email(owner)).exists()
    generated = None
    if is_new and not password:
        generated = password = secrets.token_urlsafe(12)
    organisation = create_organisation(
        OPERATOR,
        name=name,
        slug=slug,
        time_zone=time_zone,
        currency=currency,
        owner_email=owner,
        owner_name=owner_name,
        owner_password=password if is_new else None,
    )
    typer.echo(
        f"Created {organisation.name} ({organisation.slug}), owned by {normalise_email(owner)}."
    )
    if generated:
        typer.echo(f"Password: {generated}")


@org_app.command("list")
def list_orgs() -> None:
    """Every organisation on this server with its member count."""
    _setup()
    from django.db.models import Count
    from rich.console import Console
    from rich.table import Table

    from tandem.accounts.models import Organisation

    table = Table()
    for column in ("Slug", "Name", "Members", "Time zone"):
        table.add_column(column)
    for organisation in Organisation.objects.annotate(n=Count("memberships")).order_by("name"):
        table.add_row(
            organisation.slug, organisation.name, str(organisation.n), organisation.time_zone
        )
    Console().print(table)
