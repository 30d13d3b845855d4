"""A product's roadmap as CSV: related rows by name, every row judged by the roadmap services,
the export read back to the same file, and nothing written when any row is wrong."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from tandem.accounts.models import Organisation, User
from tandem.errors import Forbidden, Invalid, NotFound
from tandem.interop import csv_roadmap
from tandem.products import services_metrics, services_releases, services_roadmap, services_teams
from tandem.products.models import Metric, Product, RoadmapItem
from tests.interop.conftest import Counts

pytestmark = pytest.mark.django_db

FILE = (
    "title,kind,status,horizon,target_quarter,start_date,end_date,release,owner_team,goals,"
    "reach,reach_metric,impact,confidence,effort,business_value,time_criticality,"
    "risk_reduction,job_size,expected_impacts,description\n"
    "Search,feature,planned,now,2030-q1,2030-01-06,2030-03-28,2.0,Core,Grow; Keep,1000,,2,80,3,,,,,"
    'wau:+120; nps:-0.5,"Find, fast"\n'
    "Offline,initiative,proposed,later,,,,,,,,wau,1,50,8,5,3,2,13,,\n"
)


@pytest.fixture
def beam(
    org: Organisation, pm: User, make_product: Callable[..., Product], make_metric: Callable
) -> Product:
    product = make_product(name="Beam", key="beam")
    make_metric(product, key="wau")
    make_metric(product, key="nps")
    services_metrics.create_goal(pm, product.pk, title="Grow")
    services_metrics.create_goal(pm, product.pk, title="Keep")
    services_releases.create_release(pm, product.pk, label="2.0")
    services_teams.create_team(pm, org.pk, name="Core")
    return product


def test_items_are_imported_with_their_scores_timing_and_related_rows(
    pm: User, beam: Product
) -> None:
    result = csv_roadmap.import_roadmap(pm, beam.pk, FILE)
    assert (result.items, result.impacts) == (2, 2)
    search, offline = RoadmapItem.objects.filter(product=beam).order_by("id")
    assert (search.kind, search.status, search.horizon, search.target_quarter) == (
        "feature",
        "planned",
        "now",
        "2030-Q1",
    )
    assert (search.start_date, search.end_date) == (date(2030, 1, 6), date(2030, 3, 28))
    assert (search.release.label, search.owner_team.name) == ("2.0", "Core")
    assert sorted(g.title for g in search.goals.all()) == ["Grow", "Keep"]
    assert (search.reach, search.impact, search.confidence, search.effort) == (1000, 2, 80, 3)
    assert search.description == "Find, fast"
    assert sorted((i.metric.key, i.change) for i in search.impacts.all()) == [
        ("nps", -0.5),
        ("wau", 120),
    ]
    assert offline.reach_metric == Metric.objects.get(product=beam, key="wau")
    assert (offline.business_value, offline.job_size) == (5, 13)


def test_the_export_reads_back_to_the_same_file(
    pm: User, beam: Product, make_product: Callable[..., Product], make_metric: Callable
) -> None:
    csv_roadmap.import_roadmap(pm, beam.pk, FILE)
    services_roadmap.create_roadmap_item(
        pm, beam.pk, title="Shipped thing", status="shipped", shipped_on=date(2029, 12, 1)
    )
    exported = csv_roadmap.export_roadmap(pm, beam.pk)
    assert exported.splitlines()[0] == ",".join(csv_roadmap.COLUMNS)
    assert "Shipped thing,feature,shipped,,,,,2029-12-01," in exported
    # Another product with the same names reads the file back to the same file.
    copy = make_product(name="Beam copy", key="beam-copy")
    for key in ("wau", "nps"):
        make_metric(copy, key=key)
    for title in ("Grow", "Keep"):
        services_metrics.create_goal(pm, copy.pk, title=title)
    services_releases.create_release(pm, copy.pk, label="2.0")
    csv_roadmap.import_roadmap(pm, copy.pk, exported)
    assert csv_roadmap.export_roadmap(pm, copy.pk) == exported


def test_every_bad_row_is_named_and_nothing_is_written(
    pm: User, beam: Product, row_counts: Counts
) -> None:
    text = (
        "title,kind,horizon,release,owner_team,goals,reach,reach_metric,impact,expected_impacts\n"
        "Fine,feature,now,,,,,,,\n"  # line 2
        "Odd kind,gadget,,,,,,,,\n"  # line 3: the service refuses the kind
        "Bad reach,feature,,,,,lots,,,\n"  # line 4: not a number
        "Unknowns,feature,,9.9,Nobody,Fame,,,,\n"  # line 5: release, team, goal
        "Both reaches,feature,,,,,10,wau,,\n"  # line 6: typed and measured reach
        "Odd impact,feature,,,,,,,7,\n"  # line 7: not on the impact scale
        "Zero change,feature,,,,,,,,wau:0\n"  # line 8: the impact service refuses zero
        ",feature,,,,,,,,\n"  # line 9: no title
    )
    before = row_counts()
    with pytest.raises(Invalid) as refusal:
        csv_roadmap.import_roadmap(pm, beam.pk, text)
    assert refusal.value.code == "roadmap_item.import_invalid"
    assert [(e["row"], e["field"]) for e in refusal.value.details["errors"]] == [
        (3, "kind"),
        (4, "reach"),
        (5, "release"),
        (5, "owner_team"),
        (5, "goals"),
        (6, "reach"),
        (7, "impact"),
        (8, "expected_impacts"),
        (9, "title"),
    ]
    assert refusal.value.details["errors"][2]["message"] == "The product has no release '9.9'."
    assert row_counts() == before


def test_a_retired_product_takes_no_items(pm: User, beam: Product, row_counts: Counts) -> None:
    beam.stage = "retired"
    beam.save()
    before = row_counts()
    with pytest.raises(Invalid) as refusal:
        csv_roadmap.import_roadmap(pm, beam.pk, "title\nLate idea\n")
    assert "retired" in refusal.value.details["errors"][0]["message"]
    assert row_counts() == before


def test_viewers_export_but_do_not_import_and_outsiders_see_nothing(
    viewer: User, outsider: User, beam: Product, row_counts: Counts
) -> None:
    assert csv_roadmap.export_roadmap(viewer, beam.pk).startswith("title,")
    before = row_counts()
    with pytest.raises(Forbidden):
        csv_roadmap.import_roadmap(viewer, beam.pk, "title\nSneaky\n")
    with pytest.raises(NotFound):
        csv_roadmap.export_roadmap(outsider, beam.pk)
    with pytest.raises(NotFound):
        csv_roadmap.import_roadmap(outsider, beam.pk, "title\nSneaky\n")
    assert row_counts() == before
