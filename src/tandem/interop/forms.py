"""Forms of the exchange pages: a CSV upload (a file, or text pasted or corrected in place)."""

from __future__ import annotations

from typing import Any

from django import forms

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class CsvForm(forms.Form):
    """A CSV file to check or import: uploaded, or as text in the page's editor."""

    file = forms.FileField(
        required=False,
        label="CSV file",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    text = forms.CharField(
        required=False,
        strip=False,
        label="CSV text",
        widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "false", "class": "mono"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("file")
        if upload is not None:
            if upload.size > MAX_UPLOAD_BYTES:
                self.add_error("file", "The file is larger than 20 MB; split it.")
                return data
            try:
                data["text"] = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                self.add_error("file", "The file is not UTF-8 text; save it as CSV UTF-8.")
                return data
        if not (data.get("text") or "").strip():
            self.add_error("file", "Choose a CSV file (or paste its text).")
        return data


class FeedForm(forms.Form):
    """Which calendar to follow: "my_work", "project:<id>" or "product:<id>"."""

    follow = forms.ChoiceField(label="Calendar")

    def target(self) -> tuple[str, int | None]:
        kind, _, pk = self.cleaned_data["follow"].partition(":")
        return kind, int(pk) if pk else None
