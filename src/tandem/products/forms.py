"""Forms of the products pages; they parse input, the services validate the rules.

Choices that depend on the organisation (members, teams, goals, metrics) are filled in by the
views, as the accounts pages do for roles.
"""

from __future__ import annotations

from typing import Any

from django import forms

from tandem.core.lifecycle import ACTIVE_STAGES, STAGES
from tandem.products.models import (
    HORIZONS,
    ITEM_KINDS,
    ITEM_STATUSES,
    RELEASE_STATUSES,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _labelled(values: list[str]) -> list[tuple[str, str]]:
    return [(v, v.replace("_", " ").capitalize()) for v in values]


def _text(rows: int = 3, placeholder: str = "") -> forms.Textarea:
    attrs: dict[str, Any] = {"rows": rows}
    if placeholder:
        attrs["placeholder"] = placeholder
    return forms.Textarea(attrs=attrs)


class ProductForm(forms.Form):
    name = forms.CharField(max_length=120)
    key = forms.CharField(
        max_length=40, required=False, help_text="Short name for the CLI and CSV files."
    )
    purpose = forms.CharField(required=False, widget=_text(2, "Why the product exists"))
    vision = forms.CharField(required=False, widget=_text(2, "Where it is heading"))
    target_customers = forms.CharField(required=False, widget=_text(2, "Who it is for"))
    strategy = forms.CharField(
        required=False,
        widget=_text(8, "How it wins: markdown (headings, lists, links) welcome"),
        help_text="Markdown.",
    )
    owner_id = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label="Owner")
    stakeholder_ids = forms.TypedMultipleChoiceField(
        coerce=int, required=False, label="Stakeholders", widget=forms.CheckboxSelectMultiple
    )
    team_ids = forms.TypedMultipleChoiceField(
        coerce=int, required=False, label="Teams involved", widget=forms.CheckboxSelectMultiple
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class StageMoveForm(forms.Form):
    to_stage = forms.ChoiceField(choices=_labelled([s.value for s in STAGES]), label="Move to")
    reason = forms.CharField(required=False, widget=_text(2, "Why now (required for an override)"))
    override = forms.BooleanField(required=False, label="Override unmet exit criteria")
    version = forms.IntegerField(widget=forms.HiddenInput)


class CriterionForm(forms.Form):
    stage = forms.ChoiceField(choices=_labelled([s.value for s in ACTIVE_STAGES]))
    description = forms.CharField(
        max_length=300, widget=forms.TextInput(attrs={"placeholder": "e.g. Pricing agreed"})
    )
    metric_id = forms.TypedChoiceField(
        coerce=int, required=False, empty_value=None, label="Metric (optional)"
    )
    comparison = forms.ChoiceField(
        choices=[("", "—"), (">=", "≥ at least"), ("<=", "≤ at most")], required=False
    )
    threshold = forms.FloatField(required=False)


class CriterionToggleForm(forms.Form):
    done = forms.BooleanField(required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class RetirementPlanForm(forms.Form):
    retire_on = forms.DateField(widget=DATE, label="Retire on")
    replacement_id = forms.TypedChoiceField(
        coerce=int, required=False, empty_value=None, label="Replacement product"
    )
    communication = forms.CharField(
        widget=_text(3, "Who is told what, when and how"), label="Communication"
    )
    data_handling = forms.CharField(
        widget=_text(3, "Exports, migration, deletion and retention"), label="Data handling"
    )
    open_items = forms.ChoiceField(
        choices=[
            ("close", "Close them"),
            ("reassign", "Move them to the replacement product"),
        ],
        label="Open roadmap items at retirement",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class GoalForm(forms.Form):
    title = forms.CharField(
        max_length=200, widget=forms.TextInput(attrs={"placeholder": "e.g. Become the default"})
    )
    description = forms.CharField(required=False, widget=_text(2))


class MetricForm(forms.Form):
    name = forms.CharField(max_length=120)
    key = forms.CharField(max_length=40, required=False, help_text="For the CLI and CSV files.")
    description = forms.CharField(required=False, widget=_text(2))
    unit = forms.CharField(max_length=30, required=False, help_text="users, %, s, € …")
    direction = forms.ChoiceField(
        choices=[("higher", "Higher is better"), ("lower", "Lower is better")]
    )
    baseline = forms.FloatField()
    target = forms.FloatField()
    target_date = forms.DateField(required=False, widget=DATE)
    owner_id = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label="Owner")
    goal_id = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label="Goal")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class MeasurementForm(forms.Form):
    value = forms.FloatField()
    at = forms.DateTimeField(
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="Now when empty.",
        label="When",
    )


class RoadmapItemForm(forms.Form):
    title = forms.CharField(max_length=200)
    kind = forms.ChoiceField(choices=_labelled(ITEM_KINDS))
    status = forms.ChoiceField(choices=_labelled(ITEM_STATUSES))
    description = forms.CharField(required=False, widget=_text(4))
    owner_team_id = forms.TypedChoiceField(
        coerce=int, required=False, empty_value=None, label="Owner team"
    )
    goal_ids = forms.TypedMultipleChoiceField(
        coerce=int, required=False, label="Goals it serves", widget=forms.CheckboxSelectMultiple
    )
    horizon = forms.ChoiceField(choices=[("", "—"), *_labelled(HORIZONS)], required=False)
    target_quarter = forms.CharField(
        max_length=7, required=False, widget=forms.TextInput(attrs={"placeholder": "2026-Q3"})
    )
    start_date = forms.DateField(required=False, widget=DATE)
    end_date = forms.DateField(required=False, widget=DATE)
    reach = forms.FloatField(required=False, label="Reach per quarter")
    reach_metric_id = forms.TypedChoiceField(
        coerce=int, required=False, empty_value=None, label="…or from metric"
    )
    reach_share = forms.FloatField(initial=100, label="Share of metric %")
    impact = forms.TypedChoiceField(
        coerce=float,
        required=False,
        empty_value=None,
        choices=[
            ("", "—"),
            ("3", "3 · massive"),
            ("2", "2 · high"),
            ("1", "1 · medium"),
            ("0.5", "0.5 · low"),
            ("0.25", "0.25 · minimal"),
        ],
    )
    confidence = forms.FloatField(required=False, label="Confidence %")
    effort = forms.FloatField(required=False, label="Effort (months)")
    business_value = forms.FloatField(required=False, label="Business value")
    time_criticality = forms.FloatField(required=False)
    risk_reduction = forms.FloatField(required=False, label="Risk / opportunity")
    job_size = forms.FloatField(required=False)
    release_id = forms.TypedChoiceField(
        coerce=int, required=False, empty_value=None, label="Release"
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class MoveForm(forms.Form):
    horizon = forms.ChoiceField(choices=_labelled(HORIZONS))
    version = forms.IntegerField(widget=forms.HiddenInput)


class ImpactForm(forms.Form):
    metric_id = forms.TypedChoiceField(coerce=int, label="Metric")
    change = forms.FloatField(
        label="Expected change", help_text="Signed, in the metric's unit: +300 or −0.5."
    )
    note = forms.CharField(max_length=200, required=False)


class ReleaseForm(forms.Form):
    label = forms.CharField(
        max_length=40, label="Version", widget=forms.TextInput(attrs={"placeholder": "2.4.0"})
    )
    title = forms.CharField(max_length=200, required=False)
    status = forms.ChoiceField(choices=_labelled(RELEASE_STATUSES))
    planned_date = forms.DateField(required=False, widget=DATE)
    actual_date = forms.DateField(required=False, widget=DATE)
    notes = forms.CharField(required=False, widget=_text(4), help_text="Markdown.")
    item_ids = forms.TypedMultipleChoiceField(
        coerce=int, required=False, label="Roadmap items", widget=forms.CheckboxSelectMultiple
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class TeamForm(forms.Form):
    name = forms.CharField(max_length=120)
    description = forms.CharField(required=False, widget=_text(2))
    member_ids = forms.TypedMultipleChoiceField(
        coerce=int, required=False, label="Members", widget=forms.CheckboxSelectMultiple
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class CommentForm(forms.Form):
    body = forms.CharField(max_length=10000, widget=_text(2, "Add a comment"), label="Comment")
    item_id = forms.IntegerField(widget=forms.HiddenInput, required=False)
