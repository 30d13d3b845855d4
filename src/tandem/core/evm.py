"""Earned value management: planned value from a baseline, earned value by progress rules,
actual cost, the variances and indices, estimates at completion by three methods, and earned
schedule (Lipke 2003). Pure: the caller passes times on one axis (days, working minutes ...)
and money in minor units.

Definitions (PMI, Practice Standard for Earned Value Management):
SV = EV - PV, CV = EV - AC, SPI = EV / PV, CPI = EV / AC;
EAC (typical) = BAC / CPI; EAC (schedule-and-cost) = AC + (BAC - EV) / (CPI x SPI);
EAC (bottom-up) = AC + the remaining estimates; ETC = EAC - AC; VAC = BAC - EAC;
TCPI = (BAC - EV) / (BAC - AC).
Earned schedule: ES is the time at which the planned value equals today's earned value;
SPI(t) = ES / AT, SV(t) = ES - AT, forecast duration IEAC(t) = PD / SPI(t).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from enum import StrEnum


class EarningRule(StrEnum):
    """How a task earns its budget."""

    PERCENT = "percent"  # physical % complete
    ZERO_HUNDRED = "0/100"  # nothing until finished
    FIFTY_FIFTY = "50/50"  # half at the start, half at the finish


@dataclass(frozen=True)
class CostItem:
    """One task for earned value: its baseline window, budget, progress and actual cost."""

    planned_start: float
    planned_finish: float
    budget: float  # budget at completion of the task
    percent_complete: float = 0.0
    started: bool = False
    finished: bool = False
    actual_cost: float = 0.0
    rule: EarningRule = EarningRule.PERCENT
    remaining_estimate: float | None = None  # the task's own estimate to complete, if known


def planned_fraction(item: CostItem, t: float) -> float:
    """Share of the task's budget planned to be spent by time t (spread evenly in time)."""
    if t <= item.planned_start:
        return 0.0 if item.planned_finish > item.planned_start or t < item.planned_start else 1.0
    if t >= item.planned_finish:
        return 1.0
    return (t - item.planned_start) / (item.planned_finish - item.planned_start)


def planned_value(items: Sequence[CostItem], t: float) -> float:
    """PV at time t: the baseline's budgeted cost of the work scheduled by then."""
    return sum(item.budget * planned_fraction(item, t) for item in items)


def earned_value(item: CostItem) -> float:
    """EV of one task by its earning rule."""
    if item.rule is EarningRule.ZERO_HUNDRED:
        return item.budget if item.finished else 0.0
    if item.rule is EarningRule.FIFTY_FIFTY:
        return item.budget if item.finished else (item.budget / 2 if item.started else 0.0)
    share = 1.0 if item.finished else min(max(item.percent_complete, 0.0), 100.0) / 100
    return item.budget * share


def earned_schedule(items: Sequence[CostItem], ev: float, start: float, finish: float) -> float:
    """The time (measured from ``start``) at which the baseline planned to have earned ``ev``.

    PV rises monotonically, so the time is found by bisection to a millionth of the planned
    duration (Lipke's period formula is the same on the straight pieces of the PV curve).
    """
    if finish <= start:
        return 0.0
    total = planned_value(items, finish)
    if ev >= total:
        return finish - start
    lo, hi = start, finish
    for _ in range(64):
        mid = (lo + hi) / 2
        if planned_value(items, mid) < ev:
            lo = mid
        else:
            hi = mid
        if hi - lo < (finish - start) * 1e-9:
            break
    # The earliest time PV reaches EV: a flat stretch of PV does not add earned schedule.
    return hi - start


def _ratio(a: float, b: float) -> float | None:
    return None if b == 0 else a / b


@dataclass(frozen=True)
class Figures:
    """Earned value figures at a status time (None where a ratio has no denominator)."""

    status: float
    bac: float
    pv: float
    ev: float
    ac: float
    sv: float
    cv: float
    spi: float | None
    cpi: float | None
    eac_cpi: float | None
    eac_cpi_spi: float | None
    eac_bottom_up: float
    etc: float | None
    vac: float | None
    tcpi: float | None
    planned_duration: float
    actual_time: float
    earned_schedule: float
    spi_t: float | None
    sv_t: float
    forecast_duration: float | None
    percent_complete: float
    percent_spent: float | None

    def as_dict(self) -> dict[str, float | None]:
        return asdict(self)


def figures(items: Sequence[CostItem], status: float, start: float | None = None) -> Figures:
    """All figures at time ``status``; the baseline runs from ``start`` (the earliest planned
    start unless given) to the latest planned finish."""
    bac = sum(item.budget for item in items)
    first = min((i.planned_start for i in items), default=0.0) if start is None else start
    last = max((i.planned_finish for i in items), default=first)
    pv = planned_value(items, status)
    ev = sum(earned_value(item) for item in items)
    ac = sum(item.actual_cost for item in items)
    spi, cpi = _ratio(ev, pv), _ratio(ev, ac)
    eac_cpi = None if cpi in (None, 0) else bac / cpi
    eac_cpi_spi = None
    if cpi and spi:
        eac_cpi_spi = ac + (bac - ev) / (cpi * spi)
    bottom_up = ac + sum(
        item.remaining_estimate
        if item.remaining_estimate is not None
        else item.budget - earned_value(item)
        for item in items
        if not item.finished
    )
    actual_time = max(status - first, 0.0)
    es = earned_schedule(items, ev, first, last)
    spi_t = _ratio(es, actual_time)
    planned_duration = last - first
    return Figures(
        status=status,
        bac=bac,
        pv=pv,
        ev=ev,
        ac=ac,
        sv=ev - pv,
        cv=ev - ac,
        spi=spi,
        cpi=cpi,
        eac_cpi=eac_cpi,
        eac_cpi_spi=eac_cpi_spi,
        eac_bottom_up=bottom_up,
        etc=None if eac_cpi is None else eac_cpi - ac,
        vac=None if eac_cpi is None else bac - eac_cpi,
        tcpi=_ratio(bac - ev, bac - ac),
        planned_duration=planned_duration,
        actual_time=actual_time,
        earned_schedule=es,
        spi_t=spi_t,
        sv_t=es - actual_time,
        forecast_duration=None if not spi_t else planned_duration / spi_t,
        percent_complete=0.0 if bac == 0 else ev / bac * 100,
        percent_spent=_ratio(ac * 100, bac),
    )


def s_curve(items: Sequence[CostItem], times: Sequence[float]) -> list[float]:
    """Cumulative planned value at each of ``times`` (for the S-curve)."""
    return [planned_value(items, t) for t in times]
