"""REST endpoints of the exchange: CSV export, preview and import for tasks, roadmap items and
measurements; calendar feeds (create, list, revoke, regenerate)."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema, Status

from tandem.interop import csv_exchange
from tandem.web.http import actor

router = Router(tags=["exchange"])

KindName = Literal["tasks", "roadmap", "measurements"]


class CsvIn(Schema):
    csv: str = Field(..., description="The file's text, header row first.")


class RowErrorOut(Schema):
    row: int | None = Field(None, description="Line in the file (the header is line 1).")
    field: str | None = Field(None, description="The column at fault.")
    message: str


class PreviewOut(Schema):
    valid: bool
    summary: str = Field(..., description="What the import would add (empty when invalid).")
    row_count: int
    header: list[str]
    errors: list[RowErrorOut]


class ImportedOut(Schema):
    created: int
    summary: str


@router.get(
    "/csv/{kind}/{target_id}",
    response={200: str},
    summary="Export as CSV: a project's tasks, a product's roadmap or a metric's measurements",
    openapi_extra={"responses": {200: {"content": {"text/csv": {}}}}},
)
def export_csv(request: HttpRequest, kind: KindName, target_id: int) -> HttpResponse:
    text, filename = csv_exchange.export_csv(actor(request), kind, target_id)
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@router.post(
    "/csv/{kind}/{target_id}/preview",
    response=PreviewOut,
    summary="Check a CSV file: every bad row, or what an import would add; writes nothing",
)
def preview_csv(
    request: HttpRequest, kind: KindName, target_id: int, payload: CsvIn
) -> dict[str, Any]:
    return csv_exchange.preview_csv(actor(request), kind, target_id, payload.csv).as_dict()


@router.post(
    "/csv/{kind}/{target_id}/import",
    response={201: ImportedOut},
    summary="Import a CSV file: all rows in one transaction, or none (422 lists every bad row)",
)
def import_csv(
    request: HttpRequest, kind: KindName, target_id: int, payload: CsvIn
) -> Status[dict[str, Any]]:
    result, summary = csv_exchange.import_csv(actor(request), kind, target_id, payload.csv)
    return Status(201, {"created": result.created, "summary": summary})
