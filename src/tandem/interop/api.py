"""REST endpoints of the exchange: CSV export, preview and import for tasks, roadmap items and
measurements; calendar feeds (list, create, regenerate, revoke); project files of other tools
(import as a new project, export as MS Project XML)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, File, Form, Router, Schema, Status, UploadedFile

from tandem.errors import Invalid
from tandem.interop import csv_exchange, feeds, mspdi_write, plan_import
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


# -- calendar feeds ----------------------------------------------------------------------------


class FeedIn(Schema):
    kind: Literal["project", "product", "my_work"]
    target_id: int | None = Field(None, description="The project or product; none for my_work.")


class FeedOut(Schema):
    id: int
    kind: str
    target_id: int | None
    title: str
    prefix: str = Field(..., description="The start of the secret, to recognise the link.")
    created_at: datetime
    last_used_at: datetime | None


class NewFeedOut(FeedOut):
    url: str = Field(..., description="The subscription link; shown only in this response.")


def _feed(view: feeds.FeedView, url: str | None = None) -> dict[str, Any]:
    feed = view.feed
    body: dict[str, Any] = {
        "id": feed.pk,
        "kind": feed.kind,
        "target_id": feed.target_id,
        "title": view.title,
        "prefix": feed.prefix,
        "created_at": feed.created_at,
        "last_used_at": feed.last_used_at,
    }
    if url is not None:
        body["url"] = url
    return body


@router.get(
    "/organisations/{organisation_id}/calendar-feeds",
    response=list[FeedOut],
    summary="Your active calendar feeds in the organisation",
)
def list_feeds(request: HttpRequest, organisation_id: int) -> list[dict[str, Any]]:
    return [_feed(view) for view in feeds.list_feeds(actor(request), organisation_id)]


@router.post(
    "/organisations/{organisation_id}/calendar-feeds",
    response={201: NewFeedOut},
    summary="Make a calendar feed (iCalendar) of a project, a product or your work",
)
def create_feed(
    request: HttpRequest, organisation_id: int, payload: FeedIn
) -> Status[dict[str, Any]]:
    feed, secret = feeds.create_feed(
        actor(request), organisation_id, kind=payload.kind, target_id=payload.target_id
    )
    view = feeds.FeedView(feed, feeds.feed_title(actor(request), feed))
    return Status(201, _feed(view, feeds.feed_url(secret)))


@router.post(
    "/calendar-feeds/{feed_id}/regenerate",
    response={201: NewFeedOut},
    summary="Replace a feed's link with a new one; the old link stops working",
)
def regenerate_feed(request: HttpRequest, feed_id: int) -> Status[dict[str, Any]]:
    feed, secret = feeds.regenerate_feed(actor(request), feed_id)
    view = feeds.FeedView(feed, feeds.feed_title(actor(request), feed))
    return Status(201, _feed(view, feeds.feed_url(secret)))


@router.delete("/calendar-feeds/{feed_id}", response={204: None}, summary="Revoke a calendar feed")
def revoke_feed(request: HttpRequest, feed_id: int) -> Status[None]:
    feeds.revoke_feed(actor(request), feed_id)
    return Status(204, None)


# -- project files of other tools --------------------------------------------------------------

MAX_PLAN_BYTES = 50 * 1024 * 1024


class PlanImportedOut(Schema):
    project_id: int
    name: str
    counts: dict[str, int] = Field(
        ...,
        description="What was made: tasks, links, calendars, resources, assignments, baselines.",
    )
    warnings: list[str] = Field(
        ..., description="What the file holds that tandem reads differently."
    )
    seconds: float


@router.post(
    "/organisations/{organisation_id}/imports",
    response={201: PlanImportedOut},
    summary="Import a project file (MS Project .xml/.mpp, Primavera .xer/P6 XML, GanttProject "
    ".gan, Planner) as a new project: everything in one transaction, or nothing (422)",
)
def import_plan_file(
    request: HttpRequest,
    organisation_id: int,
    file: File[UploadedFile],
    project_name: Form[str | None] = None,
) -> Status[dict[str, Any]]:
    if file.size is not None and file.size > MAX_PLAN_BYTES:
        raise Invalid(
            f"The file is larger than {MAX_PLAN_BYTES // (1024 * 1024)} MB.",
            field="file",
            code="import.too_large",
        )
    result = plan_import.import_file(
        actor(request),
        organisation_id,
        file.name or "",
        file.read(),
        project_name=project_name or None,
    )
    return Status(
        201,
        {
            "project_id": result.project.pk,
            "name": result.project.name,
            "counts": result.counts,
            "warnings": result.warnings,
            "seconds": round(result.seconds, 3),
        },
    )


@router.get(
    "/projects/{project_id}/export.xml",
    response={200: str},
    summary="Export a project as MS Project XML (MSPDI)",
    openapi_extra={"responses": {200: {"content": {"application/xml": {}}}}},
)
def export_plan_xml(request: HttpRequest, project_id: int) -> HttpResponse:
    data, filename = mspdi_write.export_mspdi(actor(request), project_id)
    response = HttpResponse(data, content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
