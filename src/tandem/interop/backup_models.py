"""Which rows make up an organisation, found by walking the models of every tandem app.

A model belongs to an organisation when it has a required foreign key to the organisation or
to a model that belongs (a task through its project, a measurement through its metric), so a
model added later is backed up without anyone listing it. Models that must stay out are listed
in EXCLUDED with the reason; a test fails when a tandem model is in neither group.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.apps import apps
from django.db import models

from tandem.accounts.models import Organisation, User

# label → why the model is not in a backup.
EXCLUDED: dict[str, str] = {
    "accounts.organisation": "the root of the backup, written as its own section",
    "accounts.user": "users are shared by organisations: the file's users section holds the "
    "people the organisation's rows name, and a restore reuses accounts by email",
    "accounts.apitoken": "a person's secret API tokens belong to the person, not the "
    "organisation, and stop at the server they were made on",
    "accounts.loginthrottle": "sign-in throttling state of this server, not data",
    "accounts.invitation": "secret invitation links work only on the server that sent them; "
    "a restored copy would share its link with the original",
    "accounts.calendarfeed": "secret calendar feed links work only on the server that made "
    "them; members make new ones after a restore",
}

# JSON fields holding lists of ids of another model, remapped like foreign keys.
ID_LISTS: dict[tuple[str, str], str] = {
    ("projects.levelingproposal", "resources"): "projects.resource",
}

# Fields naming any row by (type, id), as the activity journal does: type field → id field.
GENERIC_TARGETS: dict[str, tuple[str, str]] = {
    "collab.journalentry": ("target_type", "target_id"),
}


@dataclass(frozen=True)
class Table:
    """One backed-up model: how its rows reach the organisation and how they are written."""

    model: type[models.Model]
    label: str
    path: str  # lookup from the model to the organisation's id, e.g. "project__organisation"
    fields: tuple[models.Field, ...]  # concrete fields but the primary key
    many: tuple[models.ManyToManyField, ...]  # many-to-many fields with automatic tables
    deferred: tuple[str, ...] = field(default=())  # foreign keys set after every row exists


def related(field: Any) -> type[models.Model]:
    """The model a relation field points at."""
    model = field.related_model
    assert isinstance(model, type) and issubclass(model, models.Model), field
    return model


def through(field: models.ManyToManyField) -> type[models.Model]:
    """The table that holds a many-to-many field's links."""
    model = field.remote_field.through
    assert isinstance(model, type) and issubclass(model, models.Model), field
    return model


def tandem_models() -> list[type[models.Model]]:
    """Every concrete model of every tandem app, by label."""
    found = [
        model
        for model in apps.get_models()
        if model.__module__.startswith("tandem.") and not model._meta.abstract
    ]
    return sorted(found, key=lambda m: m._meta.label_lower)


def _foreign_keys(model: type[models.Model]) -> list[models.ForeignKey]:
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, models.ForeignKey) and not f.primary_key
    ]


def _paths() -> dict[type[models.Model], str]:
    """The shortest path of required foreign keys from each belonging model to its organisation."""
    paths: dict[type[models.Model], str] = {Organisation: ""}
    candidates = [m for m in tandem_models() if m._meta.label_lower not in EXCLUDED]
    changed = True
    while changed:
        changed = False
        for model in candidates:
            for fk in _foreign_keys(model):
                target = related(fk)
                if fk.null or target is model or target not in paths:
                    continue
                path = fk.name if target is Organisation else f"{fk.name}__{paths[target]}"
                if model not in paths or path.count("__") < paths[model].count("__"):
                    paths[model] = path
                    changed = True
    del paths[Organisation]
    return paths


def _order(paths: dict[type[models.Model], str]) -> tuple[list[type[models.Model]], set]:
    """Models so that every foreign key points at an earlier one, and the keys that cannot
    (to the same model, or closing a loop through nullable keys) to be set afterwards."""
    members = set(paths)
    deferred: set[tuple[type[models.Model], str]] = set()
    for attempt in ("all", "required"):
        needs: dict[type[models.Model], set[type[models.Model]]] = {}
        for model in members:
            needs[model] = set()
            for fk in _foreign_keys(model):
                target = related(fk)
                if target not in members:
                    continue
                if target is model or (attempt == "required" and fk.null):
                    deferred.add((model, fk.name))
                else:
                    needs[model].add(target)
        order: list[type[models.Model]] = []
        ready = sorted((m for m in members if not needs[m]), key=lambda m: m._meta.label_lower)
        while ready:
            model = ready.pop(0)
            order.append(model)
            for other in sorted(members, key=lambda m: m._meta.label_lower):
                if model in needs[other]:
                    needs[other].discard(model)
                    if not needs[other] and other not in order and other not in ready:
                        ready.append(other)
            ready.sort(key=lambda m: m._meta.label_lower)
        if len(order) == len(members):
            return order, deferred
        deferred = set()
    raise RuntimeError("The tandem models' required foreign keys form a loop; cannot order them.")


@cache
def tables() -> tuple[Table, ...]:
    """Every backed-up model in an order that restores without dangling keys."""
    paths = _paths()
    order, deferred = _order(paths)
    result = []
    for model in order:
        result.append(
            Table(
                model=model,
                label=model._meta.label_lower,
                path=paths[model],
                fields=tuple(f for f in model._meta.concrete_fields if not f.primary_key),
                many=tuple(
                    m
                    for m in model._meta.many_to_many
                    if isinstance(m, models.ManyToManyField) and through(m)._meta.auto_created
                ),
                deferred=tuple(sorted(name for m, name in deferred if m is model)),
            )
        )
    return tuple(result)


def unaccounted() -> list[str]:
    """Tandem models neither backed up nor excluded with a reason, and foreign keys of backed-up
    models to rows a backup cannot hold (both should be none)."""
    backed_up = {t.model for t in tables()}
    covered = {m._meta.label_lower for m in backed_up} | set(EXCLUDED)
    problems = [m._meta.label_lower for m in tandem_models() if m._meta.label_lower not in covered]
    for table in tables():
        for fk in _foreign_keys(table.model):
            if related(fk) not in backed_up | {Organisation, User}:
                problems.append(f"{table.label}.{fk.name} → {related(fk)._meta.label_lower}")
    return problems
