"""`tandem csv-export`, `csv-import`, `backup` and `restore`: files in and out, as the operator.

The commands call the same services as the pages and the API; refusals print one line (and,
for a CSV file, every bad row) and exit with code 2.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import typer

from tandem.cli.errors import fail

KINDS = ("tasks", "roadmap", "measurements")
TARGET_HELP = (
    "What the file is about: a project key (tasks), a product key (roadmap) or "
    "product/metric keys (measurements); ids work too."
)


def _setup() -> None:
    from tandem.cli.django_setup import setup

    setup()


def _kind(kind: str) -> str:
    if kind not in KINDS:
        fail(f"Unknown kind '{kind}'; use one of {', '.join(KINDS)}.")
    return kind


def _read(file: Path) -> str:
    try:
        return file.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        fail(f"No file {file}.")
    except (UnicodeDecodeError, IsADirectoryError):
        fail(f"{file} is not a UTF-8 text file.")
    return ""


def _organisation(org: str | None) -> Any:
    from tandem.accounts.queries import get_organisation_for_operator

    return get_organisation_for_operator(org) if org else None


def csv_export(
    kind: str = typer.Argument(..., help="tasks, roadmap or measurements."),
    target: str = typer.Argument(..., help=TARGET_HELP),
    out: Path | None = typer.Option(None, "--out", "-o", help="Write here instead of stdout."),
    org: str | None = typer.Option(None, "--org", help="Organisation slug or id."),
) -> None:
    """Write a project's tasks, a product's roadmap or a metric's measurements as CSV."""
    _setup()
    from tandem.accounts.actors import OPERATOR
    from tandem.interop.csv_exchange import export_csv, find_target

    target_id = find_target(_kind(kind), target, _organisation(org))
    text, _ = export_csv(OPERATOR, kind, target_id)
    if out is None:
        sys.stdout.write(text)
    else:
        out.write_text(text, encoding="utf-8")
        typer.echo(f"Wrote {out}.", err=True)


def csv_import(
    kind: str = typer.Argument(..., help="tasks, roadmap or measurements."),
    target: str = typer.Argument(..., help=TARGET_HELP),
    file: Path = typer.Argument(..., help="The CSV file (UTF-8, header row first)."),
    org: str | None = typer.Option(None, "--org", help="Organisation slug or id."),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Check the file and say what it would add; write nothing."
    ),
) -> None:
    """Import a CSV file: every row is checked first; all rows are written, or none."""
    _setup()
    from tandem.accounts.actors import OPERATOR
    from tandem.errors import Invalid
    from tandem.interop.csv_exchange import find_target, import_csv, preview_csv

    target_id = find_target(_kind(kind), target, _organisation(org))
    text = _read(file)
    preview = preview_csv(OPERATOR, kind, target_id, text)
    if not preview.valid:
        for problem in preview.errors:
            where = f"line {problem['row']}" if problem.get("row") else "file"
            column = f" ({problem['field']})" if problem.get("field") not in (None, "file") else ""
            print(f"{where}{column}: {problem['message']}", file=sys.stderr)
        count = len(preview.errors)
        raise Invalid(f"{count} problem{'s' if count != 1 else ''} in {file}; nothing imported.")
    if dry_run:
        typer.echo(f"{file} is valid: importing would add {preview.summary}.")
        return
    _, summary = import_csv(OPERATOR, kind, target_id, text)
    typer.echo(f"Imported {summary} from {file}.")


def _bar(console: Any) -> Any:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("rows"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )


def backup(
    org: str = typer.Argument(..., help="Organisation slug or id."),
    file: Path = typer.Argument(..., help="Where to write the backup (JSON)."),
) -> None:
    """Back up an organisation — every row that belongs to it, and its people — as JSON."""
    _setup()
    from rich.console import Console

    from tandem.accounts.actors import OPERATOR
    from tandem.interop.backup import backup_organisation

    organisation = _organisation(org)
    console = Console(stderr=True)
    with _bar(console) as bar:
        task = bar.add_task(f"Backing up {organisation.slug}", total=None)

        def advance(table: str, done: int, total: int) -> None:
            bar.update(task, completed=done, total=total, description=f"Backing up {table}")

        text = backup_organisation(OPERATOR, organisation.pk, progress=advance)
    file.write_text(text, encoding="utf-8")
    size = len(text.encode())
    typer.echo(f"Backed up {organisation.name} to {file} ({size:,} bytes).", err=True)


def restore(
    file: Path = typer.Argument(..., help="A backup written by `tandem backup`."),
    as_new_slug: str | None = typer.Option(
        None, "--as-new-slug", help="Restore under this slug (the original's is taken)."
    ),
) -> None:
    """Restore an organisation from a backup, in one transaction; never replaces one."""
    _setup()
    from rich.console import Console

    from tandem.accounts.actors import OPERATOR
    from tandem.interop.restore import restore_organisation

    text = _read(file)
    console = Console(stderr=True)
    with _bar(console) as bar:
        task = bar.add_task("Restoring", total=None)

        def advance(table: str, done: int, total: int) -> None:
            bar.update(task, completed=done, total=total, description=f"Restoring {table}")

        organisation = restore_organisation(OPERATOR, text, new_slug=as_new_slug, progress=advance)
    typer.echo(f"Restored {organisation.name} as /o/{organisation.slug}/.", err=True)
