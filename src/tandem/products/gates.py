"""Stage gates as the core sees them: a stage's exit criteria with the latest metric values.

Shared by the lifecycle service (to decide a move) and the product page (to show the
checklist); callers have checked access to the product already.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import OuterRef, Subquery

from tandem.core.lifecycle import Comparison, Criterion, Stage
from tandem.products.models import Measurement, Product, StageCriterion


@dataclass(frozen=True)
class GateItem:
    """An exit criterion row with its evaluation."""

    row: StageCriterion
    criterion: Criterion

    @property
    def met(self) -> bool:
        return self.criterion.met


def latest_values(metric_ids: Iterable[int], as_of: datetime) -> dict[int, float]:
    """The latest measured value of each metric at or before ``as_of`` (absent: none yet)."""
    ids = list(set(metric_ids))
    if not ids:
        return {}
    newest = Measurement.objects.filter(metric_id=OuterRef("metric_id"), at__lte=as_of).order_by(
        "-at"
    )
    rows = (
        Measurement.objects.filter(metric_id__in=ids, at__lte=as_of)
        .filter(pk=Subquery(newest.values("pk")[:1]))
        .values_list("metric_id", "value")
    )
    return dict(rows)


def evaluate(rows: Iterable[StageCriterion], as_of: datetime) -> list[GateItem]:
    """Each criterion row with its evaluation against measurements up to ``as_of``."""
    rows = list(rows)
    values = latest_values((r.metric_id for r in rows if r.metric_id), as_of)
    return [
        GateItem(
            row,
            Criterion(
                description=row.description,
                done=row.done,
                comparison=Comparison(row.comparison) if row.metric_id else None,
                threshold=row.threshold if row.metric_id else None,
                latest_value=values.get(row.metric_id) if row.metric_id else None,
            ),
        )
        for row in rows
    ]


def criteria_of(product: Product, stage: Stage | str, as_of: datetime) -> list[GateItem]:
    """The exit criteria of ``stage``, each evaluated against measurements up to ``as_of``."""
    return evaluate(
        StageCriterion.objects.filter(product=product, stage=stage).select_related("metric"),
        as_of,
    )
