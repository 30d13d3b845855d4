"""The CSV exchanges by name — tasks, roadmap, measurements — and the preview of an import.

Pages, the API and the CLI all go through this module: ``export_csv`` writes a file,
``preview_csv`` runs the real import inside a transaction that is always rolled back and
reports what it would write or every row that is wrong, ``import_csv`` runs it for good.
Because the preview is the import itself, a file that previews clean imports clean.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.utils.text import slugify

from tandem.accounts.access import Access
from tandem.accounts.actors import Actor
from tandem.accounts.models import Organisation
from tandem.core.permissions import Permission
from tandem.errors import DomainError, Invalid, NotFound
from tandem.interop import csv_measurements, csv_roadmap, csv_tasks
from tandem.interop.csv_rows import Table
from tandem.products.access import access_row
from tandem.products.models import Metric, Product
from tandem.products.queries import find_products_by_key
from tandem.projects.access import access_project
from tandem.projects.models import Project

PREVIEW_ROWS = 200  # rows shown in a preview besides those with errors


@dataclass(frozen=True)
class Kind:
    """One kind of CSV exchange: what it is about and the functions that do it."""

    name: str
    label: str  # "tasks", shown in sentences
    columns: tuple[str, ...]
    permission: Permission  # needed to import
    target: Callable[[Actor, int, Permission], tuple[Access, Model]]
    export: Callable[[Actor, int], str]
    load: Callable[[Actor, int, str], Any]
    read: Callable[[str], Table]
    describe: Callable[[Any], str]


def _project(actor: Actor, pk: int, permission: Permission) -> tuple[Access, Model]:
    return access_project(actor, pk, permission)


def _product(actor: Actor, pk: int, permission: Permission) -> tuple[Access, Model]:
    return access_row(actor, Product, pk, permission)


def _metric(actor: Actor, pk: int, permission: Permission) -> tuple[Access, Model]:
    return access_row(actor, Metric, pk, permission)


KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind(
            name="tasks",
            label="tasks",
            columns=csv_tasks.COLUMNS,
            permission=Permission.EDIT_PLAN,
            target=_project,
            export=csv_tasks.export_tasks,
            load=csv_tasks.import_tasks,
            read=csv_tasks.read_tasks,
            describe=lambda result: result.summary(),
        ),
        Kind(
            name="roadmap",
            label="roadmap items",
            columns=csv_roadmap.COLUMNS,
            permission=Permission.EDIT_PRODUCT,
            target=_product,
            export=csv_roadmap.export_roadmap,
            load=csv_roadmap.import_roadmap,
            read=csv_roadmap.read_roadmap,
            describe=lambda result: result.summary(),
        ),
        Kind(
            name="measurements",
            label="measurements",
            columns=csv_measurements.COLUMNS,
            permission=Permission.RECORD_MEASUREMENT,
            target=_metric,
            export=csv_measurements.export_measurements,
            load=csv_measurements.import_into_metric,
            read=csv_measurements.read_measurements,
            describe=lambda result: (
                f"{result.created} measurement{'s' if result.created != 1 else ''}"
            ),
        ),
    )
}


def get_kind(name: str) -> Kind:
    """The exchange called ``name``, or NotFound."""
    kind = KINDS.get(name)
    if kind is None:
        raise NotFound(
            f"No CSV exchange '{name}'; use one of {', '.join(KINDS)}.", code="csv.unknown_kind"
        )
    return kind


@dataclass(frozen=True)
class PreviewRow:
    """A row of the file as written, with what is wrong with it."""

    line: int
    cells: list[str]
    errors: list[dict[str, Any]]


@dataclass
class Preview:
    """What an import of a file would do: its rows and every error, or a summary of the writes."""

    header: list[str] = field(default_factory=list)
    rows: list[PreviewRow] = field(default_factory=list)
    row_count: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    summary: str = ""

    @property
    def valid(self) -> bool:
        return not self.errors

    @property
    def hidden_rows(self) -> int:
        return self.row_count - len(self.rows)

    def as_dict(self) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "summary": self.summary,
            "row_count": self.row_count,
            "header": self.header,
            "errors": self.errors,
        }


class _Rollback(Exception):
    """Carries a trial import's result out of the transaction it undoes."""

    def __init__(self, result: Any) -> None:
        super().__init__("preview")
        self.result = result


def _problems(error: DomainError) -> list[dict[str, Any]]:
    listed = error.details.get("errors")
    if listed:
        return list(listed)
    return [{"row": None, "field": error.field, "message": error.message}]


def export_csv(actor: Actor, kind_name: str, target_id: int) -> tuple[str, str]:
    """The file's text and a download name such as ``apollo-tasks.csv``."""
    kind = get_kind(kind_name)
    _, target = kind.target(actor, target_id, Permission.VIEW)
    text = kind.export(actor, target_id)
    stem = slugify(getattr(target, "key", "") or str(target)) or kind.name
    return text, f"{stem}-{kind.name}.csv"


def preview_csv(actor: Actor, kind_name: str, target_id: int, text: str) -> Preview:
    """Check ``text`` by importing it in a transaction that is rolled back.

    Access is checked first (a viewer is refused before any row is read); problems with the
    file or its rows come back in the preview rather than as an exception.
    """
    kind = get_kind(kind_name)
    kind.target(actor, target_id, kind.permission)
    preview = Preview()
    try:
        table = kind.read(text)
    except Invalid as refusal:
        preview.errors = _problems(refusal)
        return preview
    preview.header = table.header
    preview.row_count = len(table.rows)
    try:
        with transaction.atomic():
            result = kind.load(actor, target_id, text)
            raise _Rollback(result)
    except _Rollback as done:
        preview.summary = kind.describe(done.result)
    except DomainError as refusal:
        preview.errors = _problems(refusal)
    by_line: dict[int, list[dict[str, Any]]] = {}
    for problem in preview.errors:
        if problem.get("row") is not None:
            by_line.setdefault(problem["row"], []).append(problem)
    for n, (line, row) in enumerate(table.rows):
        if n < PREVIEW_ROWS or line in by_line:
            cells = [row.get(name, "") for name in table.header]
            preview.rows.append(PreviewRow(line, cells, by_line.get(line, [])))
    return preview


def import_csv(actor: Actor, kind_name: str, target_id: int, text: str) -> tuple[Any, str]:
    """Import ``text`` for good; returns the result and a sentence saying what was written."""
    kind = get_kind(kind_name)
    result = kind.load(actor, target_id, text)
    return result, kind.describe(result)


def find_target(kind_name: str, name: str, organisation: Organisation | None = None) -> int:
    """The id of the project (key or id), product (key or id) or metric ("product/metric" keys,
    or id) a command line names; NotFound, or Invalid when the name is ambiguous."""
    kind = get_kind(kind_name)
    scope: dict[str, Any] = {}
    found: list[Any]
    if kind.name == "tasks":
        if organisation is not None:
            scope["organisation"] = organisation
        found = list(Project.objects.filter(key=name.strip().upper(), **scope))
        if not found and name.isdigit():
            found = list(Project.objects.filter(pk=int(name), **scope))
    elif kind.name == "roadmap":
        found = find_products_by_key(name, organisation)
    else:
        if organisation is not None:
            scope["product__organisation"] = organisation
        product, _, metric = name.partition("/")
        if metric:
            found = list(
                Metric.objects.filter(
                    product__key=product.strip().lower(), key=metric.strip().lower(), **scope
                )
            )
        else:
            found = list(Metric.objects.filter(pk=int(name), **scope)) if name.isdigit() else []
    if not found:
        what = {"tasks": "project", "roadmap": "product", "measurements": "metric"}[kind.name]
        raise NotFound(f"No {what} '{name}'.", code=f"{what}.not_found")
    if len(found) > 1:
        raise Invalid(f"'{name}' names several; add --org.", field="target")
    return int(found[0].pk)
