"""Request and response bodies of the products API (pydantic schemas through django-ninja)."""

from datetime import date, datetime
from typing import Any, Literal

from ninja import Field, Schema

from tandem.core.lifecycle import Stage

Kind = Literal["initiative", "feature", "improvement"]
ItemStatus = Literal["proposed", "planned", "in_progress", "shipped", "closed"]
Horizon = Literal["now", "next", "later", ""]
Direction = Literal["higher", "lower"]
ReleaseStatus = Literal["planned", "released", "cancelled"]
OpenItems = Literal["close", "reassign"]
ComparisonSign = Literal[">=", "<=", ""]


class UserRef(Schema):
    id: int
    display_name: str


# -- products and lifecycle --------------------------------------------------------------------


class ProductOut(Schema):
    id: int
    organisation_id: int
    name: str
    key: str
    purpose: str
    vision: str
    target_customers: str
    strategy: str = Field(..., description="Markdown; pages render it sanitised.")
    owner: UserRef | None
    stakeholder_ids: list[int]
    team_ids: list[int]
    stage: Stage
    stage_changed_at: datetime
    created_at: datetime
    version: int

    @staticmethod
    def resolve_stakeholder_ids(obj: Any) -> list[int]:
        return [user.pk for user in obj.stakeholders.all()]

    @staticmethod
    def resolve_team_ids(obj: Any) -> list[int]:
        return [team.pk for team in obj.teams.all()]


class ProductIn(Schema):
    name: str = Field(..., min_length=1, max_length=120)
    key: str | None = Field(None, max_length=40, description="Derived from the name if omitted.")
    purpose: str = ""
    vision: str = ""
    target_customers: str = ""
    strategy: str = ""
    owner_id: int | None = Field(None, description="A product manager; you when omitted.")
    stakeholder_ids: list[int] = []
    team_ids: list[int] = []


class ProductPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=120)
    key: str | None = Field(None, max_length=40)
    purpose: str | None = None
    vision: str | None = None
    target_customers: str | None = None
    strategy: str | None = None
    owner_id: int | None = None
    stakeholder_ids: list[int] | None = None
    team_ids: list[int] | None = None


class StageMoveIn(Schema):
    to_stage: Stage
    reason: str = ""
    override: bool = Field(False, description="Move although exit criteria are unmet.")
    at: datetime | None = Field(None, description="When it happened, for recorded history.")


class TransitionOut(Schema):
    id: int
    from_stage: str
    to_stage: str
    actor: UserRef | None
    at: datetime
    reason: str
    overridden: bool
    unmet_criteria: list[str]


class CriterionOut(Schema):
    id: int
    product_id: int
    stage: str
    description: str
    done: bool
    metric_id: int | None
    comparison: str
    threshold: float | None
    met: bool
    position: int
    version: int


class CriterionIn(Schema):
    stage: Stage
    description: str = Field(..., min_length=1, max_length=300)
    done: bool = False
    metric_id: int | None = None
    comparison: ComparisonSign = ""
    threshold: float | None = None


class CriterionPatch(Schema):
    description: str | None = Field(None, min_length=1, max_length=300)
    done: bool | None = None
    metric_id: int | None = None
    comparison: ComparisonSign | None = None
    threshold: float | None = None
    position: int | None = Field(None, ge=0)


class RetirementPlanOut(Schema):
    id: int
    product_id: int
    retire_on: date
    replacement_id: int | None
    communication: str
    data_handling: str
    open_items: OpenItems
    version: int


class RetirementPlanIn(Schema):
    retire_on: date
    replacement_id: int | None = None
    communication: str = Field(..., min_length=1)
    data_handling: str = Field(..., min_length=1)
    open_items: OpenItems = "close"


class RetirementPlanPatch(Schema):
    retire_on: date | None = None
    replacement_id: int | None = None
    communication: str | None = None
    data_handling: str | None = None
    open_items: OpenItems | None = None


class CommentOut(Schema):
    id: int
    product_id: int
    item_id: int | None
    author: UserRef | None
    body: str
    created_at: datetime


class CommentIn(Schema):
    body: str = Field(..., min_length=1, max_length=10000)
    item_id: int | None = None


class PortfolioOut(Schema):
    product_id: int
    name: str
    key: str
    stage: Stage
    owner: UserRef | None
    health: dict[str, int] = Field(..., description="Metrics per health: on_track, at_risk ...")
    worst_health: str
    open_items: int
    in_progress: int
    shipped: int
    progress: int = Field(..., description="Shipped items of all not closed, in percent.")
    retire_on: date | None
    projects: int = Field(..., description="Open projects working on its roadmap items.")
    forecast_finish: datetime | None = Field(..., description="When the last of them ends.")
    late_by_days: float | None = Field(..., description="Worst slip past a deadline (≤ 0: none).")


# -- goals, metrics, measurements --------------------------------------------------------------


class GoalOut(Schema):
    id: int
    product_id: int
    title: str
    description: str
    position: int
    version: int


class GoalIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    description: str = ""


class GoalPatch(Schema):
    title: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = None
    position: int | None = Field(None, ge=0)


class MetricOut(Schema):
    id: int
    product_id: int
    goal_id: int | None
    key: str
    name: str
    description: str
    unit: str
    direction: Direction
    baseline: float
    target: float
    target_date: date | None
    owner_id: int | None
    created_at: datetime
    version: int


class MetricIn(Schema):
    name: str = Field(..., min_length=1, max_length=120)
    key: str | None = Field(None, max_length=40)
    description: str = ""
    unit: str = Field("", max_length=30)
    direction: Direction = "higher"
    baseline: float
    target: float
    target_date: date | None = None
    owner_id: int | None = None
    goal_id: int | None = None


class MetricPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=120)
    key: str | None = Field(None, max_length=40)
    description: str | None = None
    unit: str | None = Field(None, max_length=30)
    direction: Direction | None = None
    baseline: float | None = None
    target: float | None = None
    target_date: date | None = None
    owner_id: int | None = None
    goal_id: int | None = None


class HealthOut(Schema):
    metric_id: int
    health: Literal["on_track", "at_risk", "off_track", "no_data"]
    latest: float | None
    latest_at: datetime | None
    judged: float | None = Field(..., description="The value the rule compared with the target.")
    shortfall: float | None
    tolerance: float
    trend_per_day: float | None
    explanation: str


class MeasurementOut(Schema):
    id: int
    metric_id: int
    at: datetime
    value: float
    source: str
    recorded_by_id: int | None
    created_at: datetime
    version: int


class MeasurementIn(Schema):
    value: float
    at: datetime | None = Field(None, description="Now when omitted.")


class MeasurementPatch(Schema):
    value: float | None = None
    at: datetime | None = None


class ImportIn(Schema):
    csv: str = Field(..., description="CSV text with the header product,metric,at,value.")
    metric_id: int | None = Field(
        None, description="Import into this metric; the product and metric columns may go."
    )


class ImportOut(Schema):
    created: int
    metrics: dict[int, int]


# -- roadmap, impacts, releases, teams ---------------------------------------------------------


class RiceOut(Schema):
    score: float | None
    rank: int | None
    reach: float | None = Field(..., description="The reach used: typed, or from the metric.")
    reach_source: Literal["typed", "metric"] | None
    reach_metric_id: int | None
    reach_share: float
    impact: float | None
    confidence: float | None
    effort: float | None
    missing: list[str]


class WsjfOut(Schema):
    score: float | None
    rank: int | None
    business_value: float | None
    time_criticality: float | None
    risk_reduction: float | None
    cost_of_delay: float | None
    job_size: float | None
    missing: list[str]


class RoadmapItemOut(Schema):
    id: int
    product_id: int
    title: str
    kind: Kind
    description: str
    status: ItemStatus
    owner_team_id: int | None
    goal_ids: list[int]
    horizon: Horizon
    target_quarter: str
    start_date: date | None
    end_date: date | None
    release_id: int | None
    shipped_on: date | None
    rice: RiceOut
    wsjf: WsjfOut
    created_at: datetime
    version: int


class RoadmapItemIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    kind: Kind = "feature"
    description: str = ""
    status: ItemStatus = "proposed"
    owner_team_id: int | None = None
    goal_ids: list[int] = []
    horizon: Horizon = ""
    target_quarter: str = Field("", description='Like "2026-Q3".')
    start_date: date | None = None
    end_date: date | None = None
    reach: float | None = None
    reach_metric_id: int | None = Field(None, description="Take reach from this metric instead.")
    reach_share: float = Field(100.0, description="Percent of the metric's value that is reach.")
    impact: float | None = Field(None, description="0.25, 0.5, 1, 2 or 3.")
    confidence: float | None = Field(None, description="Percent, 0–100.")
    effort: float | None = Field(None, description="Person-months, above 0.")
    business_value: float | None = None
    time_criticality: float | None = None
    risk_reduction: float | None = None
    job_size: float | None = None
    release_id: int | None = None
    shipped_on: date | None = None


class RoadmapItemPatch(Schema):
    title: str | None = Field(None, min_length=1, max_length=200)
    kind: Kind | None = None
    description: str | None = None
    status: ItemStatus | None = None
    owner_team_id: int | None = None
    goal_ids: list[int] | None = None
    horizon: Horizon | None = None
    target_quarter: str | None = None
    start_date: date | None = None
    end_date: date | None = None
    reach: float | None = None
    reach_metric_id: int | None = None
    reach_share: float | None = None
    impact: float | None = None
    confidence: float | None = None
    effort: float | None = None
    business_value: float | None = None
    time_criticality: float | None = None
    risk_reduction: float | None = None
    job_size: float | None = None
    release_id: int | None = None
    shipped_on: date | None = None


class MoveIn(Schema):
    horizon: Literal["now", "next", "later"]


class ImpactOut(Schema):
    id: int
    item_id: int
    metric_id: int
    change: float = Field(..., description="Expected change, signed, in the metric's unit.")
    note: str
    version: int
    outcome: str | None = Field(..., description="None until the item ships.")
    before: float | None
    after: float | None
    actual: float | None
    attainment: float | None


class ImpactIn(Schema):
    metric_id: int
    change: float
    note: str = Field("", max_length=200)


class ImpactPatch(Schema):
    change: float | None = None
    note: str | None = Field(None, max_length=200)


class ReleaseOut(Schema):
    id: int
    product_id: int
    label: str = Field(..., description="The release's version, such as 2.4.0.")
    title: str
    planned_date: date | None
    actual_date: date | None
    status: ReleaseStatus
    notes: str
    item_ids: list[int]
    created_at: datetime
    version: int

    @staticmethod
    def resolve_item_ids(obj: Any) -> list[int]:
        return [item.pk for item in obj.items.all()]


class ReleaseIn(Schema):
    label: str = Field(..., min_length=1, max_length=40)
    title: str = Field("", max_length=200)
    planned_date: date | None = None
    actual_date: date | None = None
    status: ReleaseStatus = "planned"
    notes: str = ""
    item_ids: list[int] = []


class ReleasePatch(Schema):
    label: str | None = Field(None, min_length=1, max_length=40)
    title: str | None = Field(None, max_length=200)
    planned_date: date | None = None
    actual_date: date | None = None
    status: ReleaseStatus | None = None
    notes: str | None = None
    item_ids: list[int] | None = None


class TeamOut(Schema):
    id: int
    organisation_id: int
    name: str
    description: str
    member_ids: list[int]
    created_at: datetime
    version: int

    @staticmethod
    def resolve_member_ids(obj: Any) -> list[int]:
        return [user.pk for user in obj.members.all()]


class TeamIn(Schema):
    name: str = Field(..., min_length=1, max_length=120)
    description: str = ""
    member_ids: list[int] = []


class TeamPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=120)
    description: str | None = None
    member_ids: list[int] | None = None
