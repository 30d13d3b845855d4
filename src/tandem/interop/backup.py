"""Back up a whole organisation as one JSON document (docs/exchange.md, "Backups").

The file is deterministic: keys sorted, each table's rows in the order they were created, ids
renumbered 1, 2, 3 … per table (foreign keys use those numbers; people are named by email), so
backing up a restored organisation gives the same bytes as the original backup.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db import models
from django.db.migrations.recorder import MigrationRecorder

from tandem.accounts.access import access_organisation
from tandem.accounts.actors import Actor
from tandem.accounts.models import Organisation, User
from tandem.core.permissions import Permission
from tandem.errors import Conflict
from tandem.interop.backup_models import (
    GENERIC_TARGETS,
    ID_LISTS,
    Table,
    related,
    tables,
    tandem_models,
    through,
)

FORMAT = "tandem-backup"
VERSION = 1
ORGANISATION_FIELDS = ("name", "slug", "time_zone", "currency", "created_at", "version")
USER_FIELDS = ("email", "display_name", "password", "is_active", "date_joined")

Progress = Callable[[str, int, int], None]  # table, rows done, rows in all


def plain(value: Any) -> Any:
    """A field's Python value as JSON: datetimes in UTC, dates ISO, decimals and UUIDs as text."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, (Decimal, UUID)):
        return str(value)
    if isinstance(value, (bytes, memoryview)):
        raise TypeError("binary fields are not supported in backups")
    return value


def schema() -> dict[str, str]:
    """The latest applied migration of each tandem app: what the file's tables look like."""
    ours = {model._meta.app_label for model in tandem_models()}
    latest: dict[str, str] = {}
    for app, name in MigrationRecorder.Migration.objects.values_list("app", "name"):
        if app in ours:
            latest[app] = max(latest.get(app, ""), name)
    return dict(sorted(latest.items()))


class _Numbers:
    """Database ids → the file's numbers, per table."""

    def __init__(self, organisation: Organisation) -> None:
        self.organisation = organisation
        self.by_label: dict[str, dict[int, int]] = {}
        self.users: dict[int, str] = {}  # user id → email, for the users this backup names

    def number(self, table: Table) -> None:
        ids = (
            table.model._default_manager.filter(**{table.path: self.organisation.pk})
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        self.by_label[table.label] = {pk: n for n, pk in enumerate(ids, start=1)}

    def reference(self, target: type[models.Model], pk: Any, where: str) -> Any:
        if pk is None:
            return None
        if target is User:
            if pk not in self.users:
                self.users[pk] = User.objects.values_list("email", flat=True).get(pk=pk)
            return self.users[pk]
        if target is Organisation:
            if pk != self.organisation.pk:
                raise Conflict(f"{where} names another organisation.", code="backup.foreign_row")
            return 1
        found = self.by_label.get(target._meta.label_lower, {}).get(pk)
        if found is None:
            raise Conflict(
                f"{where} names a row outside the organisation ({target._meta.label_lower} {pk}).",
                code="backup.foreign_row",
            )
        return found


def _generic(numbers: _Numbers, kind: str, pk: Any) -> Any:
    """A (type, id) reference as the file's number, or None when the row is not backed up."""
    if pk is None:
        return None
    if kind == "organisation":
        return 1 if pk == numbers.organisation.pk else None
    labels = [label for label in numbers.by_label if label.split(".")[1] == kind]
    if len(labels) != 1:
        return None
    return numbers.by_label[labels[0]].get(pk)


def _rows(table: Table, numbers: _Numbers) -> list[dict[str, Any]]:
    names = [f.attname for f in table.fields]
    queryset = table.model._default_manager.filter(**{table.path: numbers.organisation.pk})
    mine = numbers.by_label[table.label]
    rows: list[dict[str, Any]] = []
    for values in queryset.order_by("pk").values_list("pk", *names).iterator(chunk_size=2000):
        pk, values = values[0], values[1:]
        where = f"{table.label} {pk}"
        row: dict[str, Any] = {"id": mine[pk]}
        for f, value in zip(table.fields, values, strict=True):
            if f.is_relation:
                row[f.name] = numbers.reference(related(f), value, f"{where}.{f.name}")
            elif (table.label, f.name) in ID_LISTS:
                target = numbers.by_label[ID_LISTS[(table.label, f.name)]]
                row[f.name] = [target.get(int(v)) for v in value or []]
            else:
                row[f.name] = plain(value)
        if table.label in GENERIC_TARGETS:
            kind_field, id_field = GENERIC_TARGETS[table.label]
            row[id_field] = _generic(numbers, row[kind_field], row[id_field])
        rows.append(row)
    for many in table.many:
        other_model = related(many)
        links_table = through(many)
        source_name = many.m2m_field_name()
        target_name = many.m2m_reverse_field_name()
        links: dict[int, list[Any]] = {}
        for source, other in (
            links_table._default_manager.filter(
                **{f"{source_name}__{table.path}": numbers.organisation.pk}
            )
            .order_by("pk")
            .values_list(f"{source_name}_id", f"{target_name}_id")
        ):
            links.setdefault(mine[source], []).append(
                numbers.reference(other_model, other, f"{table.label}.{many.name}")
            )
        for row in rows:
            row[many.name] = sorted(links.get(row["id"], []))
    return rows


def backup_organisation(
    actor: Actor, organisation_id: int, progress: Progress | None = None
) -> str:
    """The organisation, everything that belongs to it and the people its rows name, as the
    text of a backup file. Owners and admins may back up; the operator may always."""
    organisation = access_organisation(
        actor, organisation_id, Permission.BACKUP_ORGANISATION
    ).organisation
    numbers = _Numbers(organisation)
    all_tables = tables()
    for table in all_tables:
        numbers.number(table)
    total = sum(len(n) for n in numbers.by_label.values())
    done = 0
    data: dict[str, list[dict[str, Any]]] = {}
    for table in all_tables:
        data[table.label] = _rows(table, numbers)
        done += len(data[table.label])
        if progress:
            progress(table.label, done, total)
    users = User.objects.filter(pk__in=list(numbers.users)).order_by("email")
    document = {
        "format": FORMAT,
        "version": VERSION,
        "schema": schema(),
        "organisation": {name: plain(getattr(organisation, name)) for name in ORGANISATION_FIELDS},
        "users": [{name: plain(getattr(u, name)) for name in USER_FIELDS} for u in users],
        "tables": data,
    }
    return json.dumps(document, sort_keys=True, indent=1, ensure_ascii=False) + "\n"
