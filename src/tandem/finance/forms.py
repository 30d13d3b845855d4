"""Forms of the finance pages: they parse input (amounts in major units, hours as decimals);
the services check the rules."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django import forms

from tandem.finance.models import EXPENSE_CATEGORIES

# Browsers read <input type="date"> values only as YYYY-MM-DD, whatever the language.
ISO_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MAX_CSV_BYTES = 5 * 1024 * 1024


def minor(amount: Decimal) -> int:
    """An amount in the currency (12.34) as minor units (1234)."""
    return int((amount * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def minutes(hours: Decimal) -> int:
    """Hours (1.5) as whole minutes (90)."""
    return int((hours * 60).quantize(Decimal(1), rounding=ROUND_HALF_UP))


class StatusForm(forms.Form):
    """The status date and the baseline the Costs tab measures against (both optional)."""

    as_of = forms.DateField(required=False, widget=ISO_DATE, label="Status date")
    baseline = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, choices=[])


class SnapshotForm(forms.Form):
    status_date = forms.DateField(required=False, widget=ISO_DATE)
    baseline = forms.IntegerField(required=False)


class ExpenseForm(forms.Form):
    incurred_on = forms.DateField(widget=ISO_DATE, label="Date")
    amount = forms.DecimalField(min_value=Decimal("0.01"), decimal_places=2)
    category = forms.ChoiceField(choices=[(c, c.capitalize()) for c in EXPENSE_CATEGORIES])
    description = forms.CharField(max_length=300)
    task = forms.TypedChoiceField(
        coerce=int, required=False, empty_value=None, choices=[], label="Task (optional)"
    )


class ForecastForm(forms.Form):
    iterations = forms.IntegerField(
        min_value=100, max_value=200_000, initial=10_000, help_text="100 to 200,000 runs"
    )
    seed = forms.IntegerField(
        min_value=0, initial=0, help_text="The same seed gives the same forecast"
    )


class TimeFilterForm(forms.Form):
    person = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, choices=[])
    since = forms.DateField(required=False, widget=ISO_DATE, label="From")
    until = forms.DateField(required=False, widget=ISO_DATE, label="To")


class TimeEntryForm(forms.Form):
    """A new time entry; ``person`` is offered only to those who book others' time."""

    task = forms.TypedChoiceField(coerce=int, choices=[])
    worked_on = forms.DateField(widget=ISO_DATE, label="Day")
    hours = forms.DecimalField(min_value=Decimal("0.01"), max_value=24, decimal_places=2, initial=1)
    note = forms.CharField(max_length=500, required=False)
    person = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, choices=[])


class TimeEntryEditForm(forms.Form):
    task = forms.TypedChoiceField(coerce=int, choices=[])
    worked_on = forms.DateField(widget=ISO_DATE, label="Day")
    hours = forms.DecimalField(min_value=Decimal("0.01"), max_value=24, decimal_places=2)
    note = forms.CharField(max_length=500, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class TimesheetImportForm(forms.Form):
    """A CSV file, or its text pasted."""

    file = forms.FileField(required=False, label="CSV file")
    text = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "date,person,task,hours,note"}),
        label="…or paste the rows",
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        upload = data.get("file")
        if upload is not None:
            if upload.size > MAX_CSV_BYTES:
                raise forms.ValidationError("The file is larger than 5 MB; split it.")
            try:
                data["text"] = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                raise forms.ValidationError("The file is not UTF-8 text.") from None
        if not str(data.get("text") or "").strip():
            raise forms.ValidationError("Choose a CSV file or paste its rows.")
        return data


class RateForm(forms.Form):
    effective_from = forms.DateField(widget=ISO_DATE, label="From")
    rate = forms.DecimalField(min_value=0, decimal_places=2, label="Rate / hour")
