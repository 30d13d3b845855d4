"""`tandem product` and `tandem metric`, run in-process as the console entry point runs them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tandem.accounts.models import Organisation
from tandem.products import services, services_metrics
from tandem.products.models import Measurement, Metric, Product
from tests.cli.conftest import Result
from tests.conftest import owner_of

Counts = Callable[[], dict[str, int]]
pytestmark = pytest.mark.django_db


@pytest.fixture
def wau(org: Organisation) -> Metric:
    owner = owner_of(org)
    product = services.create_product(owner, org.pk, name="Beam", key="beam")
    return services_metrics.create_metric(
        owner, product.pk, name="Weekly active users", key="wau", unit="users",
        baseline=100, target=500,
    )  # fmt: skip


def test_product_list_shows_every_product_with_its_stage(
    wau: Metric, tandem: Callable[..., Result]
) -> None:
    result = tandem("product", "list")
    assert result.code == 0
    assert "beam" in result.out and "Beam" in result.out and "planning" in result.out
    assert "1 no data" in result.out


def test_metric_record_stores_a_value_at_a_date(wau: Metric, tandem: Callable[..., Result]) -> None:
    result = tandem("metric", "record", "beam", "wau", "240", "--at", "2026-03-02")
    assert result.code == 0, result.err
    assert result.out.startswith("Recorded 240 users for Weekly active users (Beam) at 2026-03-02")
    measurement = Measurement.objects.get()
    assert (measurement.value, measurement.at, measurement.recorded_by) == (
        240,
        datetime(2026, 3, 2, tzinfo=UTC),
        None,
    )


def test_metric_record_without_a_date_records_now(
    wau: Metric, tandem: Callable[..., Result]
) -> None:
    assert tandem("metric", "record", "beam", "wau", "12.5").code == 0
    assert datetime.now(UTC) - Measurement.objects.get().at < timedelta(minutes=1)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("nope", "wau", "1"), "No product with key or id 'nope'."),
        (("beam", "dau", "1"), "Beam has no metric 'dau'."),
        (("beam", "wau", "1", "--at", "next tuesday"), "is not a date"),
        (("beam", "wau", "1", "--at", "2999-01-01"), "cannot lie in the future"),
    ],
)
def test_metric_record_refusals_are_one_line_with_exit_code_2_and_write_nothing(
    wau: Metric,
    tandem: Callable[..., Result],
    row_counts: Counts,
    args: tuple[str, ...],
    message: str,
) -> None:
    before = row_counts()
    result = tandem("metric", "record", *args)
    assert result.code == 2
    assert result.err.startswith("tandem: ") and message in result.err
    assert result.err.count("\n") == 1
    assert row_counts() == before


def test_a_value_that_is_not_a_number_is_a_usage_error(
    wau: Metric, tandem: Callable[..., Result]
) -> None:
    assert tandem("metric", "record", "beam", "wau", "lots").code == 2


def test_metric_import_reads_a_file_and_finds_the_organisation(
    wau: Metric, tandem: Callable[..., Result], tmp_path: Path
) -> None:
    csv = tmp_path / "wau.csv"
    csv.write_text("product,metric,at,value\nbeam,wau,2026-01-05,120\nbeam,wau,2026-01-12,130\n")
    result = tandem("metric", "import", str(csv))
    assert result.code == 0, result.err
    assert result.out.strip() == "Imported 2 measurements of 1 metric into Acme."
    assert Measurement.objects.count() == 2


def test_metric_import_lists_every_bad_row_and_writes_nothing(
    wau: Metric, tandem: Callable[..., Result], tmp_path: Path, row_counts: Counts
) -> None:
    csv = tmp_path / "wau.csv"
    csv.write_text("product,metric,at,value\nbeam,wau,2026-01-05,x\nbeam,wau,soon,1\n")
    before = row_counts()
    result = tandem("metric", "import", str(csv), "--org", "acme")
    assert result.code == 2
    assert result.err.splitlines() == [
        "line 2 (value): 'x' is not a number.",
        "line 3 (at): 'soon' is not a date such as 2026-03-01.",
        "tandem: 2 rows of the file are invalid; nothing was imported.",
    ]
    assert row_counts() == before


def test_metric_import_of_a_missing_file_fails_in_one_line(
    wau: Metric, tandem: Callable[..., Result], tmp_path: Path
) -> None:
    result = tandem("metric", "import", str(tmp_path / "none.csv"))
    assert (result.code, result.err.strip()) == (2, f"tandem: No file {tmp_path / 'none.csv'}.")


def test_metric_import_shows_a_progress_bar_for_long_files(
    wau: Metric, tandem: Callable[..., Result], tmp_path: Path
) -> None:
    start = datetime(2020, 1, 1, tzinfo=UTC)
    rows = [f"beam,wau,{(start + timedelta(hours=n)).isoformat()},{n}" for n in range(2500)]
    csv = tmp_path / "long.csv"
    csv.write_text("product,metric,at,value\n" + "\n".join(rows) + "\n")
    result = tandem("metric", "import", str(csv))
    assert result.code == 0, result.err
    assert Measurement.objects.count() == 2500


def test_a_key_shared_by_two_organisations_needs_org(
    wau: Metric,
    make_organisation: Callable[..., Organisation],
    tandem: Callable[..., Result],
) -> None:
    other = make_organisation(slug="other")
    product = services.create_product(owner_of(other), other.pk, name="Beam", key="beam")
    services_metrics.create_metric(
        owner_of(other), product.pk, name="W", key="wau", baseline=0, target=1
    )
    result = tandem("metric", "record", "beam", "wau", "1")
    assert (result.code, result.err.strip()) == (
        2,
        "tandem: 'beam' names products in several organisations; add --org.",
    )
    assert tandem("metric", "record", "beam", "wau", "1", "--org", "other").code == 0
    assert Product.objects.count() == 2
