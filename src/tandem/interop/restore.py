"""Restore an organisation from a backup file (interop.backup) in one transaction.

The whole file is checked before the first row is written, and any problem the database still
finds rolls everything back: a malformed or truncated file writes nothing. Rows get new ids
(the file's numbers are remapped), so a backup can be restored next to its original under a
new slug; people are matched to existing accounts by email.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils.text import slugify

from tandem.accounts.actors import Actor, Operator
from tandem.accounts.models import Organisation, User, normalise_email
from tandem.accounts.services import RESERVED_SLUGS
from tandem.errors import Conflict, Forbidden, Invalid
from tandem.interop.backup import FORMAT, ORGANISATION_FIELDS, USER_FIELDS, VERSION
from tandem.interop.backup_models import (
    GENERIC_TARGETS,
    ID_LISTS,
    Table,
    related,
    tables,
    through,
)

Progress = Callable[[str, int, int], None]
BATCH = 1000


def _bad(message: str) -> Invalid:
    return Invalid(message, field="file", code="backup.invalid")


def read_backup(text: str) -> dict[str, Any]:
    """The parsed document, or Invalid saying why the file is not a backup this tandem reads."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        # Cut inside a string, the parser reports where that string began.
        ends_early = error.pos >= len(text.rstrip()) or error.msg.startswith("Unterminated string")
        raise Invalid(
            "The file is not a complete tandem backup: "
            + ("it ends early (truncated?)" if ends_early else "it is not valid JSON")
            + f" at line {error.lineno}, column {error.colno} ({error.msg}).",
            field="file",
            code="backup.malformed",
        ) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise _bad('The file is not a tandem backup (it has no "format": "tandem-backup").')
    if document.get("version") != VERSION:
        raise _bad(
            f"The backup has format version {document.get('version')!r}; this tandem reads "
            f"version {VERSION}."
        )
    for key, kind in (("organisation", dict), ("users", list), ("tables", dict), ("schema", dict)):
        if not isinstance(document.get(key), kind):
            raise _bad(f'The backup\'s "{key}" section is missing or malformed.')
    return document


def _check_schema(schema: dict[str, Any]) -> None:
    applied = set(MigrationRecorder.Migration.objects.values_list("app", "name"))
    for app, name in sorted(schema.items()):
        if (app, name) not in applied:
            raise _bad(
                f"The backup was made by another version of tandem: migration {app}.{name} is "
                "not applied here. Upgrade tandem (tandem db upgrade) and restore again."
            )


def _field(model: type[models.Model], name: str) -> models.Field:
    found = model._meta.get_field(name)
    assert isinstance(found, models.Field), name
    return found


def _value(field: models.Field, value: Any, where: str) -> Any:
    """A plain JSON value as the field's Python value, or Invalid naming the place."""
    if value is None:
        if not field.null:
            raise _bad(f"{where}: a value is required.")
        return None
    try:
        result = field.to_python(value)
    except (ValidationError, TypeError, ValueError):
        raise _bad(f"{where}: {value!r} is not a valid {field.get_internal_type()}.") from None
    if isinstance(result, datetime) and result.tzinfo is None:
        raise _bad(f"{where}: {value!r} has no time zone offset.")
    max_length = getattr(field, "max_length", None)
    if isinstance(result, str) and max_length and len(result) > max_length:
        raise _bad(f"{where}: longer than {max_length} characters.")
    return result


class _Restore:
    """One restore: the file's numbers → new ids per table, and the work left for the end."""

    def __init__(self, document: dict[str, Any], organisation: Organisation) -> None:
        self.document = document
        self.organisation = organisation
        self.users: dict[str, int] = {}
        self.ids: dict[str, dict[int, int]] = {}
        self.numbers: dict[str, set[int]] = {}  # the ids each table has in the file
        self.later: list[tuple[models.Model, str, Any, str]] = []  # row, field, value, place
        self.many: list[tuple[Table, list[dict[str, Any]], list[models.Model]]] = []

    def check_tables(self) -> None:
        """Every table is known and every row has a unique positive id, before any write."""
        known = {t.label: t for t in tables()}
        for label, rows in self.document["tables"].items():
            if label not in known:
                raise _bad(f"The backup has a table {label} that this tandem does not know.")
            if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
                raise _bad(f"The table {label} is not a list of rows.")
            numbers = [r.get("id") for r in rows]
            if not all(isinstance(n, int) and n > 0 for n in numbers) or len(set(numbers)) != len(
                numbers
            ):
                raise _bad(f"The table {label} has rows without a unique positive id.")
            self.numbers[label] = set(numbers)

    def restore_users(self) -> None:
        entries = self.document["users"]
        fields = {name: _field(User, name) for name in USER_FIELDS}
        wanted: dict[str, dict[str, Any]] = {}
        for n, entry in enumerate(entries, start=1):
            if not isinstance(entry, dict) or not isinstance(entry.get("email"), str):
                raise _bad(f"User {n} of the backup has no email.")
            values = {
                name: _value(f, entry.get(name), f"user {entry['email']}.{name}")
                for name, f in fields.items()
                if name in entry
            }
            values["email"] = normalise_email(values["email"])
            wanted[values["email"]] = values
        existing = dict(User.objects.filter(email__in=list(wanted)).values_list("email", "pk"))
        # People who already have an account keep it as it is: name, password and all.
        new = [User(**values) for email, values in wanted.items() if email not in existing]
        User.objects.bulk_create(new, batch_size=BATCH)
        self.users = {
            **existing,
            **dict(
                User.objects.filter(email__in=[u.email for u in new]).values_list("email", "pk")
            ),
        }

    def reference(self, target: type[models.Model], number: Any, where: str) -> Any:
        """The new id for a file's reference (a number, or an email for people)."""
        if number is None:
            return None
        if target is User:
            if number not in self.users:
                raise _bad(f"{where}: {number!r} is not in the backup's users.")
            return self.users[number]
        if target is Organisation:
            if number != 1:
                raise _bad(f"{where}: the organisation is number 1, not {number!r}.")
            return self.organisation.pk
        label = target._meta.label_lower
        if not isinstance(number, int) or number not in self.numbers.get(label, set()):
            raise _bad(f"{where}: there is no {label} {number!r} in the backup.")
        return self.ids[label][number]

    def restore_table(self, table: Table, progress: Callable[[int], None]) -> None:
        rows = self.document["tables"].get(table.label, [])
        allowed = {"id"} | {f.name for f in table.fields} | {m.name for m in table.many}
        objects = []
        waiting: list[tuple[int, str, Any, str]] = []  # row index, field, file value, place
        for index, row in enumerate(rows):
            where = f"{table.label} {row['id']}"
            unknown = sorted(set(row) - allowed)
            if unknown:
                raise _bad(f"{where}: unknown field {unknown[0]}.")
            values: dict[str, Any] = {}
            for f in table.fields:
                if f.name not in row:
                    continue  # a field added since the backup: its default
                place = f"{where}.{f.name}"
                if (
                    f.name in table.deferred
                    or (table.label, f.name) in ID_LISTS
                    or (
                        table.label in GENERIC_TARGETS and f.name == GENERIC_TARGETS[table.label][1]
                    )
                ):
                    # Rows of the same table (or of tables not restored yet): set at the end.
                    values[f.attname] = [] if (table.label, f.name) in ID_LISTS else None
                    if row[f.name] is not None:
                        waiting.append((index, f.attname, row[f.name], place))
                elif f.is_relation:
                    values[f.attname] = self.reference(related(f), row[f.name], place)
                else:
                    values[f.attname] = _value(f, row[f.name], place)
            objects.append(table.model(**values))
        created: list[models.Model] = []
        for start in range(0, len(objects), BATCH):
            created += table.model._default_manager.bulk_create(objects[start : start + BATCH])
            progress(len(created))
        self.ids[table.label] = {row["id"]: obj.pk for row, obj in zip(rows, created, strict=True)}
        self.later += [
            (created[index], name, value, place) for index, name, value, place in waiting
        ]
        if table.many:
            self.many.append((table, rows, created))

    def restore_many(self, table: Table, rows: list[dict[str, Any]], created: list[Any]) -> None:
        for many in table.many:
            links_table = through(many)
            source = f"{many.m2m_field_name()}_id"
            target = f"{many.m2m_reverse_field_name()}_id"
            links = []
            for row, obj in zip(rows, created, strict=True):
                others = row.get(many.name, [])
                if not isinstance(others, list):
                    raise _bad(f"{table.label} {row['id']}.{many.name}: not a list.")
                for other in others:
                    pk = self.reference(related(many), other, f"{table.label}.{many.name}")
                    links.append(links_table(**{source: obj.pk, target: pk}))
            links_table._default_manager.bulk_create(links, batch_size=BATCH)

    def finish(self) -> None:
        """Set the references that had to wait — to rows of the same table, many-to-many links,
        id lists, journal targets — once every table exists."""
        for table, rows, created in self.many:
            self.restore_many(table, rows, created)
        by_model: dict[type[models.Model], dict[str, list[models.Model]]] = {}
        by_label = {t.label: t for t in tables()}
        for obj, attname, number, place in self.later:
            label = obj._meta.label_lower
            table = by_label[label]
            field = next(f for f in table.fields if f.attname == attname)
            if (label, field.name) in ID_LISTS:
                target = ID_LISTS[(label, field.name)]
                if not isinstance(number, list):
                    raise _bad(f"{place}: not a list of numbers.")
                value: Any = [self.ids[target].get(n) for n in number if isinstance(n, int)]
            elif label in GENERIC_TARGETS and field.name == GENERIC_TARGETS[label][1]:
                kind = getattr(obj, GENERIC_TARGETS[label][0])
                value = self._generic(kind, number)
            else:
                value = self.reference(related(field), number, place)
            setattr(obj, attname, value)
            by_model.setdefault(type(obj), {}).setdefault(attname, []).append(obj)
        for model, fields in by_model.items():
            for attname, objects in fields.items():
                model._default_manager.bulk_update(objects, [attname], batch_size=BATCH)

    def _generic(self, kind: Any, number: Any) -> Any:
        if number is None:
            return None
        if kind == "organisation":
            return self.organisation.pk
        labels = [label for label in self.ids if label.split(".")[1] == kind]
        if len(labels) != 1:
            return None
        return self.ids[labels[0]].get(number)


def _slug(document: dict[str, Any], new_slug: str | None) -> str:
    slug = new_slug if new_slug is not None else document["organisation"].get("slug")
    if not isinstance(slug, str) or not slug or slugify(slug) != slug:
        raise Invalid(
            f"{slug!r} is not a valid slug: use lower-case letters, digits and hyphens.",
            field="slug",
        )
    if slug in RESERVED_SLUGS:
        raise Invalid(f"'{slug}' is reserved; choose another slug.", field="slug")
    if Organisation.objects.filter(slug=slug).exists():
        raise Conflict(
            f"An organisation with the slug '{slug}' exists; a restore never replaces one. "
            "Restore under a new slug (tandem restore FILE --as-new-slug NEW) or delete it first.",
            field="slug",
            code="backup.organisation_exists",
        )
    return slug


@transaction.atomic
def restore_organisation(
    actor: Actor, text: str, *, new_slug: str | None = None, progress: Progress | None = None
) -> Organisation:
    """Create the organisation of a backup file, with all its rows, under its own slug or
    ``new_slug``; an organisation with that slug is never replaced.

    Only the operator restores (it creates accounts). No journal entry is written: the
    restored organisation must back up to the very file it came from.
    """
    if not isinstance(actor, Operator):
        raise Forbidden("Only the operator restores backups (tandem restore).")
    document = read_backup(text)
    _check_schema(document["schema"])
    slug = _slug(document, new_slug)
    fields = {name: _field(Organisation, name) for name in ORGANISATION_FIELDS}
    values = {
        name: _value(f, document["organisation"].get(name), f"organisation.{name}")
        for name, f in fields.items()
        if name in document["organisation"]
    }
    values["slug"] = slug
    restore: _Restore | None = None
    try:
        organisation = Organisation.objects.create(**values)
        restore = _Restore(document, organisation)
        restore.check_tables()
        restore.restore_users()
        total = sum(len(rows) for rows in document["tables"].values())
        done = 0
        for table in tables():

            def advance(count: int, label: str = table.label, before: int = done) -> None:
                if progress:
                    progress(label, before + count, total)

            restore.restore_table(table, advance)
            done += len(document["tables"].get(table.label, []))
        restore.finish()
    except DatabaseError as error:
        raise _bad(f"The backup does not fit this database: {error}".strip()) from None
    return organisation
