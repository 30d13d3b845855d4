"""Importing measurements from CSV: all rows or none, every bad row named with its line."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from tandem.accounts.models import Organisation, User
from tandem.collab.models import JournalEntry
from tandem.errors import Forbidden, Invalid, NotFound
from tandem.products import services_import, services_metrics
from tandem.products.models import Measurement, Metric, Product

Counts = Callable[[], dict[str, int]]
pytestmark = pytest.mark.django_db


@pytest.fixture
def wau(product: Product, make_metric: Callable[..., Metric]) -> Metric:
    return make_metric(product, name="Weekly active users", key="wau")


def yesterday() -> str:
    return (timezone.localdate() - timedelta(days=1)).isoformat()


def test_a_valid_file_is_imported_in_one_go_with_one_journal_entry(
    org: Organisation, pm: User, wau: Metric, make_metric: Callable[..., Metric], product: Product
) -> None:
    nps = make_metric(product, key="nps")
    text = (
        "product,metric,at,value\n"
        "beam,wau,2026-01-05,120\n"
        "beam,wau,2026-01-12T09:30,131.5\n"
        "\n"
        "BEAM,NPS,2026-01-12T09:30:00+02:00,31\n"
    )
    result = services_import.import_measurements(pm, org.pk, text)
    assert (result.created, result.metrics) == (3, {wau.pk: 2, nps.pk: 1})
    first, second = Measurement.objects.filter(metric=wau).order_by("at")
    assert (first.at, first.value, first.source) == (
        datetime(2026, 1, 5, tzinfo=UTC),
        120,
        "csv",
    )
    assert second.at == datetime(2026, 1, 12, 9, 30, tzinfo=UTC)
    assert Measurement.objects.get(metric=nps).at == datetime(2026, 1, 12, 7, 30, tzinfo=UTC)
    assert JournalEntry.objects.filter(action="products.measurement.imported").count() == 1


def test_dates_are_midnight_in_the_organisations_time_zone(
    org: Organisation, pm: User, wau: Metric
) -> None:
    org.time_zone = "Europe/Berlin"
    org.save()
    services_import.import_measurements(
        pm, org.pk, "product,metric,at,value\nbeam,wau,2026-07-01,5\n"
    )
    assert Measurement.objects.get().at == datetime(2026, 6, 30, 22, 0, tzinfo=UTC)


def test_columns_may_come_in_any_order(org: Organisation, pm: User, wau: Metric) -> None:
    services_import.import_measurements(
        pm, org.pk, "value,at,metric,product\n7,2026-02-01,wau,beam\n"
    )
    assert Measurement.objects.get().value == 7


def test_every_bad_row_is_listed_with_its_line_and_nothing_is_written(
    org: Organisation, pm: User, wau: Metric, row_counts: Counts
) -> None:
    services_metrics.record_measurement(pm, wau.pk, value=1, at=datetime(2026, 1, 1, tzinfo=UTC))
    text = (
        "product,metric,at,value\n"
        "beam,wau,2026-01-05,120\n"  # fine
        "beam,wau,05/01/2026,130\n"  # line 3: not an ISO date
        "beam,wau,2026-01-06,lots\n"  # line 4: not a number
        "beam,dau,2026-01-06,5\n"  # line 5: unknown metric
        "beam,wau,2026-01-05,121\n"  # line 6: repeats line 2
        f"beam,wau,{(timezone.localdate() + timedelta(days=3)).isoformat()},1\n"  # line 7: future
        "beam,wau,2026-01-01,9\n"  # line 8: already in the database
        "beam,wau,2026-01-09,inf\n"  # line 9: not finite
    )
    before = row_counts()
    with pytest.raises(Invalid) as refusal:
        services_import.import_measurements(pm, org.pk, text)
    assert refusal.value.code == "measurement.import_invalid"
    assert refusal.value.message == "7 rows of the file are invalid; nothing was imported."
    errors = refusal.value.details["errors"]
    assert [(e["row"], e["field"]) for e in errors] == [
        (3, "at"),
        (4, "value"),
        (5, "metric"),
        (6, "at"),
        (7, "at"),
        (8, "at"),
        (9, "value"),
    ]
    assert errors[3]["message"] == "Repeats the measurement of line 2."
    assert row_counts() == before


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "measurement.import_empty"),
        ("product,metric,value\nbeam,wau,1\n", "measurement.import_header"),
    ],
)
def test_an_empty_file_or_a_missing_column_is_refused(
    org: Organisation, pm: User, wau: Metric, row_counts: Counts, text: str, code: str
) -> None:
    before = row_counts()
    with pytest.raises(Invalid) as refusal:
        services_import.import_measurements(pm, org.pk, text)
    assert refusal.value.code == code
    assert row_counts() == before


def test_importing_into_one_metric_needs_only_at_and_value(
    org: Organisation, pm: User, wau: Metric
) -> None:
    text = f"at,value\n2026-03-01,10\n{yesterday()},12\n"
    result = services_import.import_measurements(pm, org.pk, text, metric_id=wau.pk)
    assert result.created == 2
    assert list(Measurement.objects.values_list("value", flat=True).order_by("at")) == [10, 12]


def test_members_may_not_import(
    org: Organisation, member: User, wau: Metric, row_counts: Counts
) -> None:
    before = row_counts()
    with pytest.raises(Forbidden):
        services_import.import_measurements(
            member, org.pk, "at,value\n2026-01-01,1\n", metric_id=wau.pk
        )
    assert row_counts() == before


def test_another_organisations_products_are_unknown_rows(
    org: Organisation, pm: User, outsider: User, wau: Metric, row_counts: Counts
) -> None:
    before = row_counts()
    with pytest.raises(NotFound):
        services_import.import_measurements(outsider, org.pk, "product,metric,at,value\n")
    from tandem.accounts.models import Membership

    elsewhere = Membership.objects.get(user=outsider).organisation
    with pytest.raises(Invalid) as refusal:
        services_import.import_measurements(
            outsider, elsewhere.pk, "product,metric,at,value\nbeam,wau,2026-01-01,1\n"
        )
    assert refusal.value.details["errors"][0]["field"] == "metric"
    assert row_counts() == before


def test_a_long_file_reports_progress(org: Organisation, pm: User, wau: Metric) -> None:
    start = datetime(2020, 1, 1, tzinfo=UTC)
    rows = [f"beam,wau,{(start + timedelta(hours=n)).isoformat()},{n}" for n in range(1200)]
    seen: list[tuple[int, int]] = []
    services_import.import_measurements(
        pm,
        org.pk,
        "product,metric,at,value\n" + "\n".join(rows),
        progress=lambda done, total: seen.append((done, total)),
    )
    assert Measurement.objects.count() == 1200
    assert seen[-1] == (2400, 2400)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
