"""How earned value and forecasts read on the finance pages: figure cards with a value, a
plain-language hint and a tone (good, warn, bad), and the data the charts draw.

Chart times are milliseconds since the epoch (dates at midnight UTC, so the browser shows the
same calendar day everywhere); money is in major units of the currency.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tandem.finance.models import EvmSnapshot
from tandem.finance.queries import EarnedValue
from tandem.projects.queries import Row
from tandem.projects.templatetags.projects import money

MINUTES_PER_DAY = 480  # a working day, as the plan pages count days
WARN_INDEX = 0.9  # an index under 1 is behind; under 0.9 it needs action


@dataclass(frozen=True)
class Card:
    """One figure of the Costs tab."""

    key: str
    label: str
    value: str
    hint: str
    tone: str = ""  # "good", "warn", "bad" or "" (neutral)


def epoch_ms(day: date | datetime) -> int:
    """A date (midnight UTC) or an aware moment as milliseconds since the epoch."""
    if not isinstance(day, datetime):
        day = datetime.combine(day, time.min, UTC)
    return round(day.timestamp() * 1000)


def index_tone(value: float | None) -> str:
    """Good from 1.0, a warning just under it, bad below 0.9."""
    if value is None:
        return ""
    if value >= 1.0 - 1e-9:
        return "good"
    return "warn" if value >= WARN_INDEX else "bad"


def _sign_tone(value: float | None) -> str:
    if value is None:
        return ""
    return "bad" if value < -0.5 else "good"


def _index(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _days(minutes: float | None) -> str:
    if minutes is None:
        return "—"
    return f"{minutes / MINUTES_PER_DAY:.1f} d"


def _day(value: date | None) -> str:
    return "—" if value is None else f"{value:%-d %b %Y}"


def figure_cards(value: EarnedValue) -> list[Card]:
    """Every earned value figure as a card, in the order a reader asks about them."""
    f, cur = value.figures, value.currency

    def cash(amount: float | None) -> str:
        return money(None if amount is None else round(amount), cur)

    spent = f"{f.percent_spent:.0f}%" if f.percent_spent is not None else "—"
    behind = f.sv < -0.5
    over = f.cv < -0.5
    eac_tone = "" if f.eac_cpi is None else ("bad" if f.eac_cpi > f.bac + 0.5 else "good")
    tcpi_tone = ""
    if f.tcpi is not None:
        tcpi_tone = "good" if f.tcpi <= 1.0 else ("warn" if f.tcpi <= 1.1 else "bad")
    late = (
        value.forecast_finish is not None
        and value.planned_finish is not None
        and value.forecast_finish > value.planned_finish
    )
    return [
        Card(
            "bac", "BAC", cash(f.bac), "Budget at completion: the baseline's cost of the project."
        ),
        Card(
            "pv",
            "PV",
            cash(f.pv),
            f"Planned value: work planned to be done by {_day(value.as_of)}.",
        ),
        Card(
            "ev",
            "EV",
            cash(f.ev),
            f"Earned value: the planned cost of the work done — {f.percent_complete:.0f}% of BAC.",
        ),
        Card("ac", "AC", cash(f.ac), f"Actual cost: time and expenses booked — {spent} of BAC."),
        Card(
            "sv",
            "SV",
            cash(f.sv),
            "Schedule variance (EV − PV): "
            + ("behind plan by this much work." if behind else "on or ahead of plan."),
            _sign_tone(f.sv),
        ),
        Card(
            "cv",
            "CV",
            cash(f.cv),
            "Cost variance (EV − AC): "
            + ("the work done cost more than planned." if over else "no more than planned."),
            _sign_tone(f.cv),
        ),
        Card(
            "spi",
            "SPI",
            _index(f.spi),
            "Schedule performance (EV ÷ PV): "
            + (
                "no work was planned yet."
                if f.spi is None
                else f"{f.spi * 100:.0f}% of the work planned by now is done."
            ),
            index_tone(f.spi),
        ),
        Card(
            "cpi",
            "CPI",
            _index(f.cpi),
            "Cost performance (EV ÷ AC): "
            + (
                "nothing spent yet."
                if f.cpi is None
                else f"each {cur} 1.00 spent earned {cur} {f.cpi:.2f} of planned work."
            ),
            index_tone(f.cpi),
        ),
        Card(
            "eac_cpi",
            "EAC by CPI",
            cash(f.eac_cpi),
            "Estimate at completion if costs keep running as so far (BAC ÷ CPI).",
            eac_tone,
        ),
        Card(
            "eac_cpi_spi",
            "EAC by CPI × SPI",
            cash(f.eac_cpi_spi),
            "If both cost and schedule performance persist: AC + (BAC − EV) ÷ (CPI × SPI).",
        ),
        Card(
            "eac_bottom_up",
            "EAC bottom-up",
            cash(f.eac_bottom_up),
            "Spent so far plus the current plan's cost of the work left.",
        ),
        Card("etc", "ETC", cash(f.etc), "Estimate to complete: still to spend (EAC by CPI − AC)."),
        Card(
            "vac",
            "VAC",
            cash(f.vac),
            "Variance at completion (BAC − EAC): "
            + (
                "the expected overrun."
                if f.vac is not None and f.vac < -0.5
                else "expected to finish within budget."
            ),
            _sign_tone(f.vac),
        ),
        Card(
            "tcpi",
            "TCPI",
            _index(f.tcpi),
            "The cost performance the remaining work needs to finish on budget"
            + (
                " — harder than achieved so far."
                if f.tcpi is not None and f.cpi is not None and f.tcpi > f.cpi
                else "."
            ),
            tcpi_tone,
        ),
        Card(
            "earned_schedule",
            "Earned schedule",
            _days(f.earned_schedule),
            f"The work done was planned to take this long; {_days(f.actual_time)} have passed.",
        ),
        Card(
            "spi_t",
            "SPI(t)",
            _index(f.spi_t),
            f"Time-based schedule index (ES ÷ AT): {_days(abs(f.sv_t))} "
            + ("behind." if f.sv_t < 0 else "ahead.")
            + " Stays honest late in a project.",
            index_tone(f.spi_t),
        ),
        Card(
            "planned_finish",
            "Planned finish",
            _day(value.planned_finish),
            "When the baseline finishes.",
        ),
        Card(
            "forecast_finish",
            "Forecast finish",
            _day(value.forecast_finish),
            "Planned duration ÷ SPI(t), from the start."
            if value.forecast_finish
            else "Too little earned yet to forecast from.",
            "bad" if late else ("good" if value.forecast_finish else ""),
        ),
    ]


def s_curve_data(value: EarnedValue) -> dict[str, Any]:
    """The S-curve: planned value over the baseline dates, earned value and actual cost up to
    the status date, and the estimate at completion projected from there."""
    curve = value.curve

    def points(pairs: list[tuple[date, float]]) -> list[list[float]]:
        return [[epoch_ms(d), round(v / 100, 2)] for d, v in pairs]

    return {
        "currency": value.currency,
        "as_of": epoch_ms(value.as_of),
        "bac": round(value.figures.bac / 100, 2),
        "planned": points(list(zip(curve.dates, curve.planned, strict=True))),
        "earned": points(curve.earned),
        "actual": points(curve.actual),
        "projection": points(curve.projection),
    }


def trend_data(snapshots: list[EvmSnapshot]) -> dict[str, Any]:
    """SPI, CPI and SPI(t) of each kept snapshot, oldest first."""

    def series(key: str) -> list[list[float]]:
        return [
            [epoch_ms(s.status_date), s.figures[key]]
            for s in snapshots
            if s.figures.get(key) is not None
        ]

    return {"spi": series("spi"), "cpi": series("cpi"), "spi_t": series("spi_t")}


# -- forecasts --------------------------------------------------------------------------------


def _moment(text: str | None) -> datetime | None:
    return None if not text else datetime.fromisoformat(text)


def wall_ms(moment: datetime, zone: ZoneInfo) -> int:
    """A moment as the wall-clock time in ``zone``, written as if it were UTC: the chart
    formats its axis in UTC, so it shows the organisation's calendar day and hour."""
    return epoch_ms(moment.astimezone(zone).replace(tzinfo=UTC))


def forecast_view(
    result: dict[str, Any], rows: list[Row], deadline: date | None, zone: ZoneInfo
) -> dict[str, Any]:
    """The stored forecast as the Forecast tab shows it: moments as datetimes, tasks named by
    their outline number, the chart data and each deadline's chance."""
    by_id = {str(row.task.pk): row for row in rows}

    def named(task_id: str, fallback: str = "") -> str:
        row = by_id.get(task_id)
        if row is None:
            return fallback or f"Task {task_id}"
        return f"{row.outline.number} {row.task.name}"

    finish = {k: _moment(v) for k, v in result["finish"].items()}
    deterministic = _moment(result["deterministic_finish"])
    milestones = [
        {
            "name": named(task_id, m.get("name", "")),
            "p50": _moment(m["p50"]),
            "p80": _moment(m["p80"]),
            "p95": _moment(m["p95"]),
            "deadline": by_id[task_id].task.deadline if task_id in by_id else None,
            "chance": result["deadlines"].get(task_id),
        }
        for task_id, m in result["milestones"].items()
    ]
    milestones.sort(key=lambda m: m["p50"] or datetime.max.replace(tzinfo=UTC))
    deadlines = [
        {
            "name": named(task_id),
            "deadline": by_id[task_id].task.deadline if task_id in by_id else None,
            "chance": chance,
            "milestone": task_id in result["milestones"],
        }
        for task_id, chance in result["deadlines"].items()
        if task_id != "project"
    ]
    criticality = sorted(
        (
            {"name": named(task_id), "index": index}
            for task_id, index in result["criticality"].items()
            if index > 0
        ),
        key=lambda c: -c["index"],
    )
    drivers = [
        {"name": named(d["task"], d["name"]), "correlation": d["correlation"],
         "criticality": d["criticality"]}
        for d in result["drivers"]
    ]  # fmt: skip
    markers = []
    for p in (50, 80, 95):
        moment = finish.get(f"p{p}")
        if moment is not None:
            markers.append({"label": f"P{p}", "at": wall_ms(moment, zone), "kind": f"p{p}"})
    if deterministic is not None:
        markers.append({"label": "Plan", "at": wall_ms(deterministic, zone), "kind": "plan"})
    if deadline is not None:
        # A deadline is met by finishing on that day: mark the day's end.
        end = epoch_ms(deadline + timedelta(days=1))
        markers.append(
            {"label": "Deadline", "at": end, "day": epoch_ms(deadline), "kind": "deadline"}
        )
    return {
        "iterations": result["iterations"],
        "seed": result["seed"],
        "finish": finish,
        "deterministic": deterministic,
        "cost": result.get("cost"),
        "spent": result.get("spent", 0),
        "milestones": milestones,
        "deadlines": deadlines,
        "project_chance": result["deadlines"].get("project"),
        "criticality": criticality,
        "drivers": drivers,
        "histogram": {
            "start": [
                wall_ms(datetime.fromisoformat(s), zone) for s in result["histogram"]["start"]
            ],
            "count": result["histogram"]["count"],
            "iterations": result["iterations"],
            "markers": markers,
        },
        "drivers_chart": {
            "names": [d["name"] for d in drivers],
            "correlation": [round(d["correlation"], 3) for d in drivers],
            "criticality": [round(d["criticality"], 3) for d in drivers],
        },
    }
