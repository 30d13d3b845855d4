"""Run the Typer app so that refusals print one line and exit with code 2."""

from __future__ import annotations

import sys

import typer

from tandem.errors import DomainError


class CommandError(Exception):
    """Bad input found by a command itself (an unreadable file, a bad option value)."""


def fail(message: str) -> None:
    """Stop the command with a one-line message and exit code 2."""
    raise CommandError(message)


def run(app: typer.Typer) -> int:
    """Invoke the app; return the process exit code.

    Typer reports usage errors itself (exit code 2); refusals from services and commands
    become one line on stderr and exit code 2 as well.
    """
    try:
        app(standalone_mode=True)
    except (DomainError, CommandError) as error:
        print(f"tandem: {error}", file=sys.stderr)
        return 2
    except SystemExit as done:
        code = done.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    return 0
