"""Forms of the accounts pages; they parse input, the services validate the rules."""

from __future__ import annotations

from django import forms

from tandem.accounts.models import ROLE_CHOICES


class InviteForm(forms.Form):
    email = forms.EmailField(widget=forms.EmailInput(attrs={"placeholder": "name@company.com"}))
    role = forms.ChoiceField(choices=ROLE_CHOICES, initial="member")


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=ROLE_CHOICES)
    version = forms.IntegerField(widget=forms.HiddenInput)


class OrganisationForm(forms.Form):
    name = forms.CharField(max_length=120)
    time_zone = forms.CharField(
        max_length=64, initial="UTC", help_text="IANA name, e.g. Europe/Berlin"
    )
    currency = forms.CharField(max_length=3, initial="EUR", help_text="ISO 4217 code, e.g. EUR")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ProfileForm(forms.Form):
    display_name = forms.CharField(max_length=120)
    version = forms.IntegerField(widget=forms.HiddenInput)


class PasswordForm(forms.Form):
    current_password = forms.CharField(
        strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    new_password = forms.CharField(
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 10 characters, not a common password.",
    )


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=80, widget=forms.TextInput(attrs={"placeholder": "CI export script"})
    )
    expires_at = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Optional; the token stops working at the start of this day (UTC).",
    )


class AcceptInvitationForm(forms.Form):
    display_name = forms.CharField(
        max_length=120, widget=forms.TextInput(attrs={"autofocus": True})
    )
    password = forms.CharField(
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 10 characters, not a common password.",
    )
