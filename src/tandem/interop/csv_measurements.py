"""One metric's measurements as CSV (``at,value``), and back through the products import.

The import is the products app's own (services_import.import_measurements, which also takes
organisation-wide files with product and metric columns); this module adds the export and
the one-metric entry point the pages, the API and `tandem csv-import` share.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from tandem.accounts.actors import Actor
from tandem.interop.csv_rows import Table, format_number, read_table, write_table
from tandem.products.access import access_row
from tandem.products.models import Measurement, Metric
from tandem.products.services_import import ImportResult, import_measurements

CODE = "measurement.import"
COLUMNS = ("at", "value")


def export_measurements(actor: Actor, metric_id: int) -> str:
    """The metric's measurements, oldest first: ``at`` in the organisation's time zone (a
    bare date for midnight, else with its offset) and ``value``."""
    _, metric = access_row(actor, Metric, metric_id)
    zone = ZoneInfo(metric.product.organisation.time_zone)
    lines = []
    for at, value in (
        Measurement.objects.filter(metric=metric).order_by("at", "id").values_list("at", "value")
    ):
        local = at.astimezone(zone)
        midnight = local.hour == local.minute == local.second == local.microsecond == 0
        lines.append(
            {
                "at": local.date().isoformat() if midnight else local.isoformat(),
                "value": format_number(value),
            }
        )
    return write_table(COLUMNS, lines)


def read_measurements(text: str) -> Table:
    """The file's header and rows, as the import reads them."""
    return read_table(text, code=CODE, required=COLUMNS, expected=",".join(COLUMNS))


def import_into_metric(actor: Actor, metric_id: int, text: str) -> ImportResult:
    """Import an ``at,value`` file into one metric: all rows, or none and every bad row listed."""
    _, metric = access_row(actor, Metric, metric_id)
    return import_measurements(actor, metric.product.organisation_id, text, metric_id=metric.pk)
