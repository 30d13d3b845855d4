"""Importing measurements from CSV: every row checked first, then all written or none.

The format (docs/products.md): a header row naming the columns ``product``, ``metric``, ``at``
and ``value`` in any order. ``product`` and ``metric`` are keys; they may be left out when
importing into one metric. ``at`` is a date (2026-03-01, midnight in the organisation's time
zone) or a date and time (2026-03-01T09:30, with an optional offset). The page upload, the API
and `tandem metric import` all call :func:`import_measurements`.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db import transaction
from django.utils import timezone

from tandem.accounts.access import access_organisation
from tandem.accounts.actors import Actor, user_of
from tandem.collab.services import record_activity
from tandem.core.permissions import Permission
from tandem.errors import Invalid
from tandem.interop.csv_rows import RowError, parse_number, read_table, refuse
from tandem.products.access import access_row
from tandem.products.models import Measurement, Metric
from tandem.products.services_metrics import CLOCK_SKEW_SECONDS

REQUIRED = ("at", "value")
KNOWN = ("product", "metric", "at", "value")
BATCH = 2000

Progress = Callable[[int, int], None]


@dataclass
class ImportResult:
    """What an import wrote."""

    created: int = 0
    metrics: dict[int, int] = field(default_factory=dict)  # metric id → rows


def _parse_moment(text: str, zone: zoneinfo.ZoneInfo) -> datetime:
    text = text.strip()
    if "T" not in text and " " not in text:
        day = date.fromisoformat(text)
        return datetime.combine(day, time.min, tzinfo=zone)
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


def _read(text: str, default_metric: bool) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    table = read_table(
        text,
        code="measurement.import",
        required=REQUIRED if default_metric else KNOWN,
        expected=",".join(KNOWN),
    )
    return table.header, table.rows


@transaction.atomic
def import_measurements(
    actor: Actor,
    organisation_id: int,
    text: str,
    *,
    metric_id: int | None = None,
    source: str = "csv",
    progress: Progress | None = None,
) -> ImportResult:
    """Import measurements from CSV ``text``; any invalid row refuses the whole file.

    The refusal (Invalid, code measurement.import_invalid) lists every bad row in
    ``details["errors"]``. With ``metric_id`` the product and metric columns may be omitted.
    """
    access = access_organisation(actor, organisation_id, Permission.RECORD_MEASUREMENT)
    organisation = access.organisation
    default = None
    if metric_id is not None:
        _, default = access_row(actor, Metric, metric_id, Permission.RECORD_MEASUREMENT)
        if default.product.organisation_id != organisation.pk:
            raise Invalid("The metric belongs to another organisation.", field="metric_id")
    header, rows = _read(text, default is not None)
    zone = zoneinfo.ZoneInfo(organisation.time_zone)
    metrics = {
        (m.product.key, m.key): m
        for m in Metric.objects.filter(product__organisation=organisation).select_related("product")
    }
    now = timezone.now()
    errors: list[RowError] = []
    seen: dict[tuple[int, datetime], int] = {}
    pending: list[Measurement] = []
    total = len(rows)
    for done, (line, row) in enumerate(rows, 1):
        if "product" in header or "metric" in header or default is None:
            keys = (row.get("product", "").strip().lower(), row.get("metric", "").strip().lower())
            metric = metrics.get(keys)
            if metric is None:
                errors.append(RowError(line, "metric", f"No metric '{keys[1]}' in '{keys[0]}'."))
                continue
        else:
            metric = default
        assert metric is not None  # a default or a resolved metric
        if metric.product.is_retired:
            errors.append(RowError(line, "product", f"{metric.product.name} is retired."))
            continue
        try:
            moment = _parse_moment(row.get("at", ""), zone)
        except ValueError:
            errors.append(
                RowError(line, "at", f"'{row.get('at', '')}' is not a date such as 2026-03-01.")
            )
            continue
        if (moment - now).total_seconds() > CLOCK_SKEW_SECONDS:
            errors.append(RowError(line, "at", "A measurement cannot lie in the future."))
            continue
        try:
            value = parse_number(row.get("value", ""))
        except ValueError:
            errors.append(RowError(line, "value", f"'{row.get('value', '')}' is not a number."))
            continue
        first = seen.setdefault((metric.pk, moment), line)
        if first != line:
            errors.append(RowError(line, "at", f"Repeats the measurement of line {first}."))
            continue
        pending.append(
            Measurement(
                metric=metric, at=moment, value=value, source=source, recorded_by=user_of(actor)
            )
        )
        if progress and done % 500 == 0:
            progress(done, total * 2)
    existing = _existing(pending)
    for measurement in pending:
        if (measurement.metric_id, measurement.at) in existing:
            line = seen[(measurement.metric_id, measurement.at)]
            errors.append(
                RowError(line, "at", f"{measurement.metric.name} already has this measurement.")
            )
    refuse(errors, code="measurement.import")
    result = ImportResult()
    for start in range(0, len(pending), BATCH):
        batch = pending[start : start + BATCH]
        Measurement.objects.bulk_create(batch)
        if progress:
            progress(total + start + len(batch), total * 2)
    for measurement in pending:
        result.metrics[measurement.metric_id] = result.metrics.get(measurement.metric_id, 0) + 1
    result.created = len(pending)
    record_activity(
        actor,
        organisation,
        action="products.measurement.imported",
        target=organisation,
        summary=f"imported {result.created} measurement{'s' if result.created != 1 else ''} "
        f"of {len(result.metrics)} metric{'s' if len(result.metrics) != 1 else ''}",
        data={"metrics": {str(k): v for k, v in result.metrics.items()}},
    )
    return result


def _existing(pending: list[Measurement]) -> set[tuple[int, datetime]]:
    """(metric, moment) pairs of ``pending`` already in the database."""
    found: set[tuple[int, datetime]] = set()
    by_metric: dict[int, list[datetime]] = {}
    for m in pending:
        by_metric.setdefault(m.metric_id, []).append(m.at)
    for metric_id, moments in by_metric.items():
        rows = Measurement.objects.filter(
            metric_id=metric_id, at__gte=min(moments), at__lte=max(moments)
        ).values_list("at", flat=True)
        found.update((metric_id, at) for at in rows)
    return found
