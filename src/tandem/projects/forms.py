"""Forms of the projects pages: they parse input; the services check the rules."""

from __future__ import annotations

from django import forms

from tandem.projects.models import CONSTRAINTS, PROJECT_STATUSES, RESOURCE_KINDS, choices_of

# Browsers read <input type="date"> values only as YYYY-MM-DD, whatever the language.
ISO_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProjectForm(forms.Form):
    name = forms.CharField(max_length=200)
    key = forms.CharField(max_length=12, required=False, help_text="Short code, e.g. APP")
    start = forms.DateField(widget=ISO_DATE)
    deadline = forms.DateField(required=False, widget=ISO_DATE)
    template = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, choices=[])
    manager = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, choices=[])
    roadmap_items = forms.TypedMultipleChoiceField(coerce=int, required=False, choices=[])
    budget = forms.DecimalField(
        required=False, min_value=0, decimal_places=2, help_text="In the organisation's currency"
    )
    scope_in = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label="In scope"
    )
    scope_out = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label="Out of scope"
    )
    objectives = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ProjectSettingsForm(forms.Form):
    name = forms.CharField(max_length=200)
    status = forms.ChoiceField(choices=choices_of(PROJECT_STATUSES))
    start = forms.DateField(widget=ISO_DATE)
    deadline = forms.DateField(required=False, widget=ISO_DATE)
    status_date = forms.DateField(
        required=False,
        widget=ISO_DATE,
        help_text="Progress is measured up to this day",
    )
    manager = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, choices=[])
    roadmap_items = forms.TypedMultipleChoiceField(coerce=int, required=False, choices=[])
    budget = forms.DecimalField(required=False, min_value=0, decimal_places=2)
    scope_in = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label="In scope"
    )
    scope_out = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label="Out of scope"
    )
    objectives = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    lag_calendar = forms.ChoiceField(
        choices=[
            ("successor", "The successor's calendar (MS Project)"),
            ("predecessor", "The predecessor's calendar (Primavera P6)"),
        ],
        label="Lags count in",
    )
    finished_work = forms.ChoiceField(
        choices=[
            ("actual", "From their actual finish (MS Project)"),
            ("status", "From the status date, through the logic (Primavera P6)"),
        ],
        label="Finished tasks drive their successors",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class QuickTaskForm(forms.Form):
    name = forms.CharField(
        max_length=300, widget=forms.TextInput(attrs={"placeholder": "New task name"})
    )
    duration_days = forms.DecimalField(min_value=0, decimal_places=2, initial=1, label="Days")
    parent = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, choices=[])
    after = forms.TypedChoiceField(
        coerce=int, required=False, empty_value=None, choices=[], label="Follows"
    )


class TaskEditForm(forms.Form):
    name = forms.CharField(max_length=300)
    duration_days = forms.DecimalField(min_value=0, decimal_places=2, label="Days")
    percent_complete = forms.IntegerField(min_value=0, max_value=100)
    constraint_type = forms.ChoiceField(choices=[(c, c) for c in CONSTRAINTS])
    constraint_date = forms.DateField(required=False, widget=ISO_DATE)
    deadline = forms.DateField(required=False, widget=ISO_DATE)
    parent = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, choices=[])
    priority = forms.IntegerField(
        min_value=0, max_value=1000, required=False, help_text="Levelling: higher moves less"
    )
    pinned = forms.BooleanField(required=False, help_text="Levelling leaves it where it is")
    version = forms.IntegerField(widget=forms.HiddenInput)


class BaselineForm(forms.Form):
    name = forms.CharField(
        max_length=120, widget=forms.TextInput(attrs={"placeholder": "e.g. Approved plan"})
    )


class ResourceForm(forms.Form):
    name = forms.CharField(max_length=120)
    kind = forms.ChoiceField(choices=choices_of(RESOURCE_KINDS))
    user = forms.TypedChoiceField(
        coerce=int, required=False, empty_value=None, choices=[], label="Member"
    )
    capacity = forms.FloatField(
        min_value=0.01, max_value=100, initial=1.0, help_text="1 = one full-time person"
    )
    cost_rate = forms.DecimalField(
        required=False, min_value=0, decimal_places=2, label="Cost per hour"
    )


class AssignForm(forms.Form):
    resource = forms.TypedChoiceField(coerce=int, choices=[])
    units = forms.FloatField(min_value=0.01, max_value=100, initial=1.0)
