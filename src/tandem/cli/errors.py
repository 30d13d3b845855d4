"""Run the Typer app so that refusals print one line and exit with code 2."""

from __future__ import annotations

import sys

import click
import typer

from tandem.errors import DomainError


class CommandError(Exception):
    """Bad input found by a command itself (an unreadable file, a bad option value)."""


def fail(message: str) -> None:
    """Stop the command with a one-line message and exit code 2."""
    raise CommandError(message)


def run(app: typer.Typer) -> int:
    """Invoke the app; return the process exit code."""
    try:
        app(standalone_mode=False)
    except (DomainError, CommandError) as error:
        print(f"tandem: {error}", file=sys.stderr)
        return 2
    except click.exceptions.Abort:
        print("tandem: aborted", file=sys.stderr)
        return 1
    except click.exceptions.ClickException as error:
        error.show()
        return error.exit_code
    except click.exceptions.Exit as done:
        return done.exit_code
    return 0
