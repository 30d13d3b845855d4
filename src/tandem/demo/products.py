"""The demo's products: Lumen Insights in development and Beacon Reports in maintenance, heading
for retirement, with teams, goals, a year of metric history, a ranked roadmap and releases.

Built through the products services as the demo product manager, so the demo obeys every rule.
Values come from formulas with a seeded random generator: every load tells the same story,
dated back from the day it is loaded.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from tandem.accounts.models import Organisation, User
from tandem.products import (
    services,
    services_import,
    services_lifecycle,
    services_metrics,
    services_releases,
    services_roadmap,
    services_teams,
)
from tandem.products.models import Metric, Product

PM = "priya@lumen.example"
WEEKS = 52

STRATEGY = """\
**Where we play.** Teams of 5–50 who outgrew spreadsheets but will never staff a data team.

**How we win**

1. *Answers in minutes*: connect a source, pick a template, share a dashboard.
2. *Opinionated metrics*: activation, retention and revenue defined once, used everywhere.
3. *Self-serve first*: no sales call below 50 seats; onboarding does the selling.

**What we will not do:** a general BI tool, on-premise installs, custom consulting.

Beacon Reports customers move to Insights before Beacon retires
(see [its retirement plan](#retirement)).
"""


def _users(organisation: Organisation) -> dict[str, User]:
    users = User.objects.filter(memberships__organisation=organisation)
    return {user.email.split("@")[0]: user for user in users}


def _series(
    rng: random.Random, start: float, shape: Callable[[int], float], noise: float
) -> list[float]:
    """Weekly values: ``start`` + ``shape(week)`` with some measurement noise."""
    return [start + shape(week) + rng.uniform(-noise, noise) for week in range(WEEKS)]


def _csv(product: Product, metric: Metric, days: list[date], values: list[float]) -> list[str]:
    return [
        f"{product.key},{metric.key},{d.isoformat()},{v:.2f}"
        for d, v in zip(days, values, strict=True)
    ]


def _at(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(10, 0), tzinfo=zone)


def load(organisation: Organisation) -> None:
    """Create the demo products, teams, metrics with history, roadmaps and releases."""
    people = _users(organisation)
    pm = people["priya"]
    zone = ZoneInfo(organisation.time_zone)
    today = timezone.localdate(timezone=zone)
    # The last weekly measurement is yesterday; 52 weeks back from there.
    days = [today - timedelta(days=1 + 7 * (WEEKS - 1 - n)) for n in range(WEEKS)]
    rng = random.Random(20260401)
    org = organisation.pk

    core = services_teams.create_team(
        pm,
        org,
        name="Insights Core",
        description="Dashboards, charts and the query engine of Lumen Insights.",
        member_ids=[people["lena"].pk, people["tom"].pk],
    )
    platform = services_teams.create_team(
        pm,
        org,
        name="Platform",
        description="Data connectors, performance, security and migrations.",
        member_ids=[people["aisha"].pk, people["jonas"].pk],
    )
    growth = services_teams.create_team(
        pm,
        org,
        name="Growth",
        description="Onboarding, activation and pricing experiments.",
        member_ids=[people["tom"].pk, people["aisha"].pk, pm.pk],
    )

    # -- Beacon Reports: four years old, in maintenance, retiring in favour of Insights ----------
    beacon = services.create_product(
        pm,
        org,
        name="Beacon Reports",
        key="beacon",
        purpose="Scheduled PDF reports from accounting data for small agencies.",
        vision="Every agency owner starts Monday with last week's numbers in their inbox.",
        target_customers="Agencies with 3–30 people that bill by the hour.",
        strategy="Keep Beacon **stable and cheap to run** while its customers move to "
        "Lumen Insights. No new features beyond what the migration needs.",
        stakeholder_ids=[people["olivia"].pk, people["sam"].pk],
        team_ids=[platform.pk],
        created_at=_at(today - timedelta(days=1460), zone),
    )
    history = [
        ("development", 1370, "Concept validated with 12 agencies."),
        ("deployment", 1180, "Feature complete for the launch scope."),
        ("maintenance", 1090, "Launched; 400 paying accounts in the first quarter."),
    ]
    for stage, ago, reason in history:
        beacon = services_lifecycle.advance_stage(
            pm,
            beacon.pk,
            version=beacon.version,
            to_stage=stage,
            reason=reason,
            at=_at(today - timedelta(days=ago), zone),
        )

    insights = services.create_product(
        pm,
        org,
        name="Lumen Insights",
        key="insights",
        purpose="Self-serve product analytics for small software teams: the numbers that "
        "matter, without a data team.",
        vision="Every small team decides with data by lunchtime on day one.",
        target_customers="Software teams of 5–50 people, product-led, without analysts.",
        strategy=STRATEGY,
        stakeholder_ids=[people["olivia"].pk, people["marco"].pk, people["helen"].pk],
        team_ids=[core.pk, platform.pk, growth.pk],
        created_at=_at(today - timedelta(days=420), zone),
    )

    # -- goals and metrics -----------------------------------------------------------------------
    reach = services_metrics.create_goal(
        pm, insights.pk, title="Win small product teams", description="Adoption and activation."
    )
    speed = services_metrics.create_goal(
        pm, insights.pk, title="Answers in seconds", description="Dashboards load fast."
    )
    love = services_metrics.create_goal(pm, insights.pk, title="Customers recommend us")
    migrate = services_metrics.create_goal(
        pm, beacon.pk, title="Move every customer to Insights", description="Before retirement."
    )
    support = services_metrics.create_goal(pm, beacon.pk, title="Run Beacon cheaply")

    def metric(product: Product, **fields: Any) -> Metric:
        return services_metrics.create_metric(pm, product.pk, owner_id=pm.pk, **fields)

    retire_on = today + timedelta(days=150)
    wat = metric(
        insights,
        name="Weekly active teams",
        key="wat",
        unit="teams",
        direction="higher",
        baseline=120,
        target=900,
        target_date=today + timedelta(days=120),
        goal_id=reach.pk,
        description="Teams with at least three members viewing a dashboard in the week.",
    )
    activation = metric(
        insights,
        name="Activation rate",
        key="activation",
        unit="%",
        direction="higher",
        baseline=18,
        target=35.5,
        target_date=today + timedelta(days=90),
        goal_id=reach.pk,
        description="New teams that share a dashboard within 7 days.",
    )
    load_time = metric(
        insights,
        name="p95 dashboard load",
        key="p95-load",
        unit="s",
        direction="lower",
        baseline=4.2,
        target=1.5,
        target_date=today + timedelta(days=60),
        goal_id=speed.pk,
    )
    nps = metric(
        insights,
        name="Net promoter score",
        key="nps",
        unit="points",
        direction="higher",
        baseline=12,
        target=40,
        target_date=today + timedelta(days=180),
        goal_id=love.pk,
    )
    remaining = metric(
        beacon,
        name="Accounts still on Beacon",
        key="accounts",
        unit="accounts",
        direction="lower",
        baseline=1380,
        target=0,
        target_date=retire_on,
        goal_id=migrate.pk,
    )
    tickets = metric(
        beacon,
        name="Support tickets per week",
        key="tickets",
        unit="tickets",
        direction="lower",
        baseline=64,
        target=20,
        target_date=today + timedelta(days=45),
        goal_id=support.pk,
    )

    # A year of weekly history; shapes chosen so the health varies from metric to metric.
    rows = ["product,metric,at,value"]
    rows += _csv(insights, wat, days, _series(rng, 120, lambda w: 9.5 * w + 0.09 * w * w, 14))
    rows += _csv(insights, activation, days, _series(rng, 18, lambda w: 0.26 * w, 1.4))
    rows += _csv(
        insights,
        load_time,
        days,
        _series(rng, 4.2, lambda w: -0.045 * w + (0.0012 * max(0, w - 36) ** 2), 0.12),
    )
    monthly = days[3::4]
    rows += _csv(
        insights, nps, monthly, [12 + 2.1 * n + rng.uniform(-2, 2) for n in range(len(monthly))]
    )
    rows += _csv(beacon, remaining, days, _series(rng, 1380, lambda w: -18 * w, 18))
    rows += _csv(beacon, tickets, days, _series(rng, 64, lambda w: -0.35 * w, 6))
    services_import.import_measurements(pm, org, "\n".join(rows) + "\n")

    # -- lifecycle of Insights: planning passed, development under way ---------------------------
    for description in ("Problem interviews with 20 teams", "Business case approved"):
        criterion = services_lifecycle.add_stage_criterion(
            pm, insights.pk, stage="planning", description=description
        )
        services_lifecycle.update_stage_criterion(
            pm, criterion.pk, version=criterion.version, done=True
        )
    insights = services_lifecycle.advance_stage(
        pm,
        insights.pk,
        version=insights.version,
        to_stage="development",
        reason="Planning gate passed: interviews done, business case approved by Olivia.",
        at=_at(today - timedelta(days=330), zone),
    )
    gate = [
        ("Security review passed", True, None),
        ("Pricing page approved", False, None),
        ("Weekly active teams ≥ 800", False, (wat, ">=", 800)),
        ("p95 dashboard load ≤ 2 s", False, (load_time, "<=", 2)),
    ]
    for description, done, threshold in gate:
        _criterion(pm, insights, "development", description, done, threshold)
    services_lifecycle.add_stage_criterion(
        pm, insights.pk, stage="deployment", description="Status page and on-call rota live"
    )

    _roadmap(pm, insights, beacon, today, core, platform, growth, wat, activation, load_time, nps)
    _beacon_roadmap(pm, beacon, today, platform, remaining, tickets)

    for description, done, threshold in (
        ("Customers told 90 days ahead", True, None),
        ("Data export available to every account", True, None),
        ("At most 50 accounts left on Beacon", False, (remaining, "<=", 50)),
    ):
        _criterion(pm, beacon, "maintenance", description, done, threshold)
    services_lifecycle.plan_retirement(
        pm,
        beacon.pk,
        retire_on=retire_on,
        replacement_id=insights.pk,
        communication="Email to every account owner 90, 30 and 7 days ahead; in-app banner; "
        "agency partners briefed by Sam.",
        data_handling="One-click export of all reports and data (CSV and PDF); Beacon import "
        "into Insights; data deleted 60 days after retirement.",
        open_items="reassign",
    )
    services.add_comment(
        people["lena"],
        insights.pk,
        body="The query cache should make the p95 gate reachable before summer — "
        "worth checking again after 1.1.",
    )
    services.add_comment(
        people["marco"],
        beacon.pk,
        body="Migration assistant is the last Beacon project; Platform has capacity from May.",
    )


def _criterion(
    pm: User,
    product: Product,
    stage: str,
    description: str,
    done: bool,
    threshold: tuple[Metric, str, float] | None,
) -> None:
    """An exit criterion: ticked by hand, or a threshold on a metric."""
    metric, comparison, value = threshold or (None, "", None)
    criterion = services_lifecycle.add_stage_criterion(
        pm,
        product.pk,
        stage=stage,
        description=description,
        metric_id=metric.pk if metric else None,
        comparison=comparison,
        threshold=value,
    )
    if done:
        services_lifecycle.update_stage_criterion(
            pm, criterion.pk, version=criterion.version, done=True
        )


def _item(pm: User, product: Product, title: str, **fields: Any) -> Any:
    impacts = fields.pop("impacts", [])
    item = services_roadmap.create_roadmap_item(pm, product.pk, title=title, **fields)
    for metric, change in impacts:
        services_roadmap.add_expected_impact(pm, item.pk, metric_id=metric.pk, change=change)
    return item


def _roadmap(
    pm: User,
    insights: Product,
    beacon: Product,
    today: date,
    core: Any,
    platform: Any,
    growth: Any,
    wat: Metric,
    activation: Metric,
    load_time: Metric,
    nps: Metric,
) -> None:
    """Lumen Insights: shipped items with predicted vs actual, and now / next / later."""
    goals = {g.title: g.pk for g in insights.goals.all()}
    win, fast, love = (
        goals["Win small product teams"],
        goals["Answers in seconds"],
        goals["Customers recommend us"],
    )
    builder = _item(
        pm, insights, "Dashboard builder", kind="initiative", owner_team_id=core.pk,
        goal_ids=[win], reach=600, impact=3, confidence=80, effort=6,
        business_value=13, time_criticality=8, risk_reduction=5, job_size=13,
        impacts=[(wat, 150), (activation, 4)],
    )  # fmt: skip
    reports = _item(
        pm, insights, "Scheduled email reports", kind="feature", owner_team_id=core.pk,
        goal_ids=[win], reach=300, impact=1, confidence=80, effort=2,
        business_value=5, time_criticality=3, risk_reduction=2, job_size=3,
        impacts=[(activation, 5)],
    )  # fmt: skip
    charts = _item(
        pm, insights, "Faster chart rendering", kind="improvement", owner_team_id=core.pk,
        goal_ids=[fast], reach=800, impact=1, confidence=100, effort=1,
        business_value=5, time_criticality=5, risk_reduction=3, job_size=2,
        impacts=[(load_time, -0.8)],
    )  # fmt: skip
    services_releases.create_release(
        pm, insights.pk, label="0.9", title="Public beta",
        planned_date=today - timedelta(days=190), actual_date=today - timedelta(days=182),
        status="released", notes="Dashboard builder and scheduled reports.",
        item_ids=[builder.pk, reports.pk],
    )  # fmt: skip
    services_releases.create_release(
        pm, insights.pk, label="1.0", title="General availability",
        planned_date=today - timedelta(days=60), actual_date=today - timedelta(days=49),
        status="released", notes="Faster charts, billing, and the end of the beta.",
        item_ids=[charts.pk],
    )  # fmt: skip
    # The first open item: the demo's mobile project (projects app) delivers it.
    _item(
        pm, insights, "Native mobile apps", kind="initiative", status="in_progress",
        owner_team_id=core.pk, goal_ids=[win], horizon="now", reach_metric_id=wat.pk,
        reach_share=30, impact=2, confidence=80, effort=9,
        business_value=8, time_criticality=5, risk_reduction=3, job_size=13,
        impacts=[(wat, 80)],
        description="iOS and Android apps with offline dashboards and push alerts.",
    )  # fmt: skip
    onboarding = _item(
        pm, insights, "Self-serve onboarding checklist", kind="feature", status="in_progress",
        owner_team_id=growth.pk, goal_ids=[win], horizon="now", reach_metric_id=wat.pk,
        reach_share=60, impact=2, confidence=80, effort=2,
        business_value=8, time_criticality=8, risk_reduction=3, job_size=5,
        impacts=[(activation, 8), (wat, 60)],
        description="A five-step checklist that walks a new team from sign-up to its first "
        "shared dashboard. Reach is 60 % of weekly active teams (everyone who sees the home page).",
    )  # fmt: skip
    cache = _item(
        pm, insights, "Query cache for dashboards", kind="improvement", status="in_progress",
        owner_team_id=platform.pk, goal_ids=[fast], horizon="now", reach=700, impact=2,
        confidence=90, effort=3, business_value=5, time_criticality=8, risk_reduction=8,
        job_size=5, impacts=[(load_time, -1.5)],
    )  # fmt: skip
    _item(
        pm, insights, "Slack digests", kind="feature", status="planned", owner_team_id=core.pk,
        goal_ids=[win, love], horizon="now", reach=450, impact=1, confidence=80, effort=1.5,
        business_value=5, time_criticality=3, risk_reduction=1, job_size=3,
        impacts=[(wat, 40)],
    )  # fmt: skip
    _item(
        pm, insights, "Team goals and alerts", kind="feature", status="planned",
        owner_team_id=core.pk, goal_ids=[love], horizon="next", target_quarter="",
        reach=350, impact=2, confidence=50, effort=4,
        business_value=8, time_criticality=2, risk_reduction=2, job_size=8,
        impacts=[(nps, 6)],
    )  # fmt: skip
    _item(
        pm, insights, "SSO with SAML", kind="feature", status="proposed",
        owner_team_id=platform.pk, horizon="next", reach=120, impact=2, confidence=100,
        effort=2, business_value=8, time_criticality=5, risk_reduction=8, job_size=5,
    )  # fmt: skip
    _item(
        pm, insights, "Beacon import", kind="initiative", status="planned",
        owner_team_id=platform.pk, goal_ids=[win], horizon="next", reach=900, impact=1,
        confidence=80, effort=3, business_value=8, time_criticality=13, risk_reduction=5,
        job_size=5, impacts=[(wat, 120)],
        description="Bring a Beacon account's reports and data into Insights in one click.",
    )  # fmt: skip
    _item(
        pm, insights, "Embedded dashboards", kind="initiative", status="proposed",
        owner_team_id=core.pk, horizon="later", reach=250, impact=3, confidence=50, effort=8,
        business_value=13, time_criticality=2, risk_reduction=3, job_size=13,
    )  # fmt: skip
    _item(
        pm, insights, "Forecasting", kind="feature", status="proposed", horizon="later",
        goal_ids=[love], description="Needs a discovery sprint before it can be sized.",
    )  # fmt: skip
    services_releases.create_release(
        pm, insights.pk, label="1.1", title="Faster onboarding",
        planned_date=today + timedelta(days=42), status="planned",
        notes="Onboarding checklist and the query cache.",
        item_ids=[onboarding.pk, cache.pk],
    )  # fmt: skip


def _beacon_roadmap(
    pm: User, beacon: Product, today: date, platform: Any, remaining: Metric, tickets: Metric
) -> None:
    """Beacon Reports: only what the migration needs."""
    export = _item(
        pm, beacon, "Export all reports and data", kind="feature", owner_team_id=platform.pk,
        reach=1200, impact=2, confidence=100, effort=1,
        business_value=8, time_criticality=13, risk_reduction=8, job_size=3,
        impacts=[(tickets, -15), (remaining, -150)],
    )  # fmt: skip
    services_releases.create_release(
        pm, beacon.pk, label="4.8", title="Export everything",
        planned_date=today - timedelta(days=150), actual_date=today - timedelta(days=145),
        status="released", item_ids=[export.pk],
    )  # fmt: skip
    _item(
        pm, beacon, "Migration assistant", kind="initiative", status="in_progress",
        owner_team_id=platform.pk, horizon="now", reach=900, impact=3, confidence=80, effort=3,
        business_value=13, time_criticality=13, risk_reduction=8, job_size=5,
        impacts=[(remaining, -600)],
    )  # fmt: skip
    _item(
        pm, beacon, "Read-only mode", kind="improvement", status="planned", horizon="next",
        owner_team_id=platform.pk, reach=600, impact=1, confidence=80, effort=1,
        business_value=3, time_criticality=8, risk_reduction=5, job_size=2,
    )  # fmt: skip
    _item(
        pm, beacon, "Dark mode", kind="feature", status="proposed", horizon="later",
        reach=300, impact=0.5, confidence=50, effort=1,
        business_value=2, time_criticality=1, risk_reduction=1, job_size=2,
    )  # fmt: skip
