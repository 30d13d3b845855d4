"""How a status report reads: its facts laid out as sections of headline figures, tables,
charts and notes, every value formatted here once for the page, Markdown and PDF."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from tandem.finance.report_charts import Chart, index_chart, s_curve_chart

if TYPE_CHECKING:
    from tandem.finance.report import StatusReport

MINUTES_PER_DAY = 480  # a working day, as the plan pages count days
DASH = "—"


@dataclass(frozen=True)
class Figure:
    """A headline number: its label, formatted value, a short note and a tone."""

    label: str
    value: str
    note: str = ""
    tone: str = ""  # good, warn, bad or "" (neutral)


@dataclass(frozen=True)
class Table:
    """Rows of formatted cells; ``align`` has an "l" or "r" per column."""

    title: str
    columns: tuple[str, ...]
    rows: Sequence[tuple[str, ...]]
    align: str
    empty: str = "None."

    @property
    def header(self) -> list[tuple[str, str]]:
        """Each column's title with its alignment (for templates, which cannot index)."""
        return list(zip(self.columns, self.align, strict=True))

    @property
    def cells(self) -> list[list[tuple[str, str]]]:
        """Each row's cells with their column's alignment."""
        return [list(zip(row, self.align, strict=True)) for row in self.rows]


@dataclass(frozen=True)
class Section:
    """A titled part of the report."""

    key: str
    title: str
    figures: list[Figure] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# -- values as text ------------------------------------------------------------------------------


def money_text(minor: float | None, currency: str) -> str:
    """Minor units as whole major units: 15221585 EUR -> "EUR 152,216"."""
    if minor is None:
        return DASH
    major = round(minor / 100)
    return f"{'-' if major < 0 else ''}{currency} {abs(major):,}"


def day_text(day: date | None) -> str:
    return DASH if day is None else f"{day:%-d %b %Y}"


def days_text(minutes: float | None) -> str:
    """Working minutes as days of an 8-hour day: -6720 -> "-14 d"."""
    if minutes is None:
        return DASH
    text = f"{minutes / MINUTES_PER_DAY:.1f}".removesuffix(".0")
    return f"{'0' if text == '-0' else text} d"


def slip_text(days: int | None) -> str:
    """Calendar days against the baseline: +27 d, -3 d, 0 d."""
    if days is None:
        return DASH
    return f"+{days} d" if days > 0 else f"{days} d"


def index_text(value: float | None) -> str:
    return DASH if value is None else f"{value:.2f}"


def chance_text(value: float | None) -> str:
    return DASH if value is None else f"{value:.0%}"


def index_tone(value: float | None) -> str:
    """Good from 1.0, a warning just under it, bad below 0.9."""
    if value is None:
        return ""
    return "good" if value >= 1.0 - 1e-9 else ("warn" if value >= 0.9 else "bad")


def chance_tone(value: float | None) -> str:
    if value is None:
        return ""
    return "good" if value >= 0.8 else ("warn" if value >= 0.5 else "bad")


# -- sections ------------------------------------------------------------------------------------


def layout(report: StatusReport) -> list[Section]:
    """Every section of the report, in reading order."""
    return [
        _schedule(report),
        _milestones(report),
        _earned_value(report),
        _forecast(report),
        _risks(report),
    ]


def _schedule(report: StatusReport) -> Section:
    s = report.schedule
    slip = s.slip(s.scheduled_finish)
    late = s.deadline is not None and s.p80 is not None and s.p80 > s.deadline
    figures = [
        Figure(
            "Start",
            day_text(s.start),
            f"started {day_text(s.actual_start)}" if s.actual_start else "not started yet",
        ),
        Figure("Baseline finish", day_text(s.baseline_finish), s.baseline_name or "no baseline"),
        Figure(
            "Scheduled finish",
            day_text(s.scheduled_finish),
            f"{slip_text(slip)} against the baseline" if slip is not None else "",
            "bad" if slip is not None and slip > 0 else "",
        ),
        Figure(
            "Forecast finish (P80)",
            day_text(s.p80),
            f"P50 {day_text(s.p50)} · P95 {day_text(s.p95)}" if s.p80 else "no forecast",
            "bad" if late or (s.slip(s.p80) or 0) > 0 else ("good" if s.p80 else ""),
        ),
    ]
    if s.deadline is not None:
        figures.append(
            Figure(
                "Deadline",
                day_text(s.deadline),
                f"{chance_text(s.deadline_probability)} chance of meeting it",
                chance_tone(s.deadline_probability),
            )
        )
    rows = [
        (
            f"Baseline “{s.baseline_name}”" if s.baseline_name else "Baseline",
            day_text(s.baseline_finish),
            DASH,
        ),
        ("Current schedule", day_text(s.scheduled_finish), slip_text(slip)),
        (
            "Earned schedule (planned duration ÷ SPI(t))",
            day_text(s.earned_schedule_finish),
            slip_text(s.slip(s.earned_schedule_finish)),
        ),
        *(
            (f"Monte Carlo {name}", day_text(day), slip_text(s.slip(day)))
            for name, day in (("P50", s.p50), ("P80", s.p80), ("P95", s.p95))
        ),
    ]
    if s.deadline is not None:
        rows.append(("Deadline", day_text(s.deadline), slip_text(s.slip(s.deadline))))
    return Section(
        "schedule",
        "Schedule",
        figures=figures,
        tables=[Table("Finish dates", ("Measure", "Finish", "vs baseline"), rows, "lrr")],
    )


def _milestones(report: StatusReport) -> Section:
    milestones = Table(
        "Milestones",
        ("WBS", "Milestone", "Baseline", "Current", "P50", "P80", "Deadline", "Chance"),
        [
            (
                m.wbs,
                m.name + (" (done)" if m.done else ""),
                day_text(m.baseline),
                day_text(m.current),
                day_text(m.p50),
                day_text(m.p80),
                day_text(m.deadline),
                chance_text(m.probability),
            )
            for m in report.milestones
        ],
        "llrrrrrr",
        empty="No milestones.",
    )
    deadlines = Table(
        "Deadlines",
        ("Task", "Deadline", "Scheduled", "Chance of meeting it", "Schedule"),
        [
            (
                d.name,
                day_text(d.deadline),
                day_text(d.scheduled),
                chance_text(d.probability),
                "missed" if d.missed else "met",
            )
            for d in report.deadlines
        ],
        "lrrrl",
        empty="No deadlines.",
    )
    return Section("milestones", "Milestones and deadlines", tables=[milestones, deadlines])


def _earned_value(report: StatusReport) -> Section:
    value, cur = report.earned_value, report.currency
    f = value.figures
    spent = DASH if f.percent_spent is None else f"{f.percent_spent:.0f}% of BAC spent"
    figures = [
        Figure("BAC", money_text(f.bac, cur), "budget at completion"),
        Figure("PV", money_text(f.pv, cur), "planned value"),
        Figure("EV", money_text(f.ev, cur), f"earned value · {f.percent_complete:.0f}% done"),
        Figure("AC", money_text(f.ac, cur), f"actual cost · {spent}"),
        Figure("SV", money_text(f.sv, cur), "EV − PV", "bad" if f.sv < -0.5 else "good"),
        Figure("CV", money_text(f.cv, cur), "EV − AC", "bad" if f.cv < -0.5 else "good"),
        Figure("SPI", index_text(f.spi), "EV ÷ PV", index_tone(f.spi)),
        Figure("CPI", index_text(f.cpi), "EV ÷ AC", index_tone(f.cpi)),
        Figure("SPI(t)", index_text(f.spi_t), "earned schedule ÷ time", index_tone(f.spi_t)),
        Figure(
            "EAC",
            money_text(f.eac_cpi, cur),
            "BAC ÷ CPI",
            "bad" if f.eac_cpi is not None and f.eac_cpi > f.bac + 0.5 else "",
        ),
        Figure("VAC", money_text(f.vac, cur), "BAC − EAC", "bad" if (f.vac or 0) < -0.5 else ""),
        Figure("TCPI", index_text(f.tcpi), "CPI needed to finish on budget"),
    ]
    charts = [s_curve_chart(value.curve, value.as_of, f.bac, cur)]
    trend = index_chart([(p.status_date, p.spi, p.cpi) for p in report.trend])
    if trend is not None:
        charts.append(trend)
    table = Table(
        "Trend",
        ("Status date", "PV", "EV", "AC", "SPI", "CPI"),
        [
            (
                day_text(p.status_date),
                money_text(p.pv, cur),
                money_text(p.ev, cur),
                money_text(p.ac, cur),
                index_text(p.spi),
                index_text(p.cpi),
            )
            for p in report.trend
        ],
        "lrrrrr",
    )
    against = (
        f"baseline “{value.baseline.name}”" if value.baseline else "the current plan (no baseline)"
    )
    return Section(
        "earned_value",
        "Earned value",
        figures=figures,
        tables=[table],
        charts=charts,
        notes=[f"As of {day_text(value.as_of)} against {against}; money in {cur}."],
    )


def _forecast(report: StatusReport) -> Section:
    s, c, cur = report.schedule, report.cost, report.currency
    if report.forecast is None:
        return Section("forecast", "Forecast", notes=["No tasks to forecast yet."])
    figures = [
        Figure("Finish P50", day_text(s.p50), "as likely early as late"),
        Figure("Finish P80", day_text(s.p80), "met in 80% of simulations"),
        Figure("Finish P95", day_text(s.p95), "met in 95% of simulations"),
        Figure(
            "Cost P50–P80",
            f"{money_text(c.p50, cur)} – {money_text(c.p80, '').strip()}",
            f"P95 {money_text(c.p95, cur)}",
            "bad" if c.budget is not None and c.p80 is not None and c.p80 > c.budget else "",
        ),
        Figure("Budget", money_text(c.budget, cur), "" if c.budget else "no budget set"),
        Figure("Spent", money_text(c.spent, cur), f"as of {day_text(report.as_of)}"),
    ]
    forecast = report.forecast
    notes = [
        f"{forecast['iterations']:,} simulations of the current plan's three-point estimates "
        f"(seed {forecast['seed']}); the cost adds the simulated cost of the work left to "
        "what is spent and the fixed costs still to come."
    ]
    return Section("forecast", "Forecast", figures=figures, notes=notes)


def _risks(report: StatusReport) -> Section:
    risks = Table(
        "Risks",
        ("Risk", "Tasks"),
        [(r.text, "; ".join(r.tasks) or DASH) for r in report.risks],
        "ll",
        empty="No risks found: dates, deadlines, float and costs are all on track.",
    )
    drivers = Table(
        "Tasks driving the spread of the finish",
        ("Task", "Correlation", "Criticality"),
        [(d.name, f"{d.correlation:.2f}", f"{d.criticality:.0%}") for d in report.drivers],
        "lrr",
        empty="No task drives the spread (no three-point estimates on the critical path).",
    )
    return Section("risks", "Risks and drivers", tables=[risks, drivers])
