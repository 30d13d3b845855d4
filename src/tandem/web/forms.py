"""Forms of the web app: sign-in, and showing a service's refusal on a form."""

from __future__ import annotations

from typing import Any

from django import forms

from tandem.errors import DomainError
from tandem.web.errors import status_for


class SignInForm(forms.Form):
    email = forms.EmailField(
        widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True})
    )
    password = forms.CharField(
        strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


def show_refusal(form: forms.Form, error: DomainError) -> int:
    """Put a service's refusal on the form field it names (or the whole form); return the status."""
    field = error.field if error.field in form.fields else None
    # A refusal about a hidden field (the version) would be invisible there: show it on top.
    if field is not None and form.fields[field].widget.is_hidden:
        field = None
    form.add_error(field, error.message)
    return status_for(error)


def set_choices(form: forms.Form, name: str, choices: Any) -> None:
    """Give a choice field its options at request time (they depend on the organisation)."""
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField), f"{name} is not a choice field"
    field.choices = choices
