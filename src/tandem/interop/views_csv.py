"""Pages for CSV exchange: download a file, and upload → preview with every bad row → import.

One pair of views serves every kind (tasks of a project, a product's roadmap, a metric's
measurements); the kind names the service functions and the page to return to.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from tandem.accounts.access import Access
from tandem.core.permissions import Permission
from tandem.errors import DomainError, NotFound
from tandem.interop import csv_exchange
from tandem.interop.csv_exchange import Kind, Preview
from tandem.interop.forms import CsvForm
from tandem.web.forms import show_refusal
from tandem.web.pages import organisation_page, signed_in


def _viewable(request: HttpRequest, access: Access, kind: Kind, target_id: int) -> Any:
    """The project, product or metric, which must belong to the page's organisation."""
    target_access, target = kind.target(signed_in(request), target_id, Permission.VIEW)
    if target_access.organisation.pk != access.organisation.pk:
        raise NotFound("No such page.", code="csv.not_found")
    return target


def _back(access: Access, kind: Kind, target: Any) -> tuple[str, str]:
    """The page the exchange belongs to, and its name."""
    slug = access.organisation.slug
    if kind.name == "tasks":
        url = reverse("projects:tasks", kwargs={"org": slug, "project_id": target.pk})
    elif kind.name == "roadmap":
        url = reverse("products:board", kwargs={"org": slug, "product_id": target.pk})
    else:
        url = reverse(
            "products:metric",
            kwargs={"org": slug, "product_id": target.product_id, "metric_id": target.pk},
        )
    return url, str(target)


@require_GET
@organisation_page()
def export(request: HttpRequest, access: Access, kind: str, target_id: int) -> HttpResponse:
    """Download the file (every member may: it holds what they can already read)."""
    exchange = csv_exchange.get_kind(kind)
    _viewable(request, access, exchange, target_id)
    text, filename = csv_exchange.export_csv(signed_in(request), kind, target_id)
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _display(preview: Preview) -> list[dict[str, Any]]:
    """Rows for the preview table: each cell with the message of an error found in it."""
    rows = []
    for row in preview.rows:
        by_column = {e.get("field"): e["message"] for e in row.errors}
        cells = [
            {"value": value, "error": by_column.get(name)}
            for name, value in zip(preview.header, row.cells, strict=True)
        ]
        rows.append({"line": row.line, "cells": cells, "errors": row.errors})
    return rows


@require_http_methods(["GET", "POST"])
@organisation_page()
def import_page(request: HttpRequest, access: Access, kind: str, target_id: int) -> HttpResponse:
    """Upload a file (or correct it in place) to see a preview; import it once it is clean."""
    exchange = csv_exchange.get_kind(kind)
    target = _viewable(request, access, exchange, target_id)
    access.require(exchange.permission)
    back_url, target_name = _back(access, exchange, target)
    form = CsvForm(request.POST or None, request.FILES or None)
    preview: Preview | None = None
    status = 200
    if request.method == "POST":
        if not form.is_valid():
            status = 422
        elif request.POST.get("action") == "import":
            try:
                _, summary = csv_exchange.import_csv(
                    signed_in(request), kind, target_id, form.cleaned_data["text"]
                )
            except DomainError as refusal:
                status = show_refusal(form, refusal)
                preview = csv_exchange.preview_csv(
                    signed_in(request), kind, target_id, form.cleaned_data["text"]
                )
            else:
                messages.success(request, f"Imported {summary}.")
                return redirect(back_url)
        else:
            preview = csv_exchange.preview_csv(
                signed_in(request), kind, target_id, form.cleaned_data["text"]
            )
            status = 200 if preview.valid else 422
            # The editor shows the file as checked, so a fix starts from what was uploaded.
            form = CsvForm(initial={"text": form.cleaned_data["text"]})
    return render(
        request,
        "interop/csv_import.html",
        {
            "kind": exchange,
            "target_name": target_name,
            "back_url": back_url,
            "form": form,
            "preview": preview,
            "rows": _display(preview) if preview else [],
            "file_errors": [e for e in preview.errors if e.get("row") is None] if preview else [],
            "export_url": reverse(
                "interop:csv_export",
                kwargs={"org": access.organisation.slug, "kind": kind, "target_id": target_id},
            ),
        },
        status=status,
    )
