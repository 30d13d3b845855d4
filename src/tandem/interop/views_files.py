"""Pages for project files of other tools: upload → preview → import, and the MS Project download.

The uploaded file waits between the preview and the import on the server, under the data
directory's ``uploads/`` folder with a random name kept in the session: the import reads what
was previewed, never a file the browser sends again. A new upload replaces it; the import (or
Cancel) deletes it; leftovers older than a day are swept on the next upload.
"""

from __future__ import annotations

import re
import secrets
import time
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from tandem.accounts.access import Access
from tandem.core.permissions import Permission
from tandem.errors import DomainError, NotFound
from tandem.interop import mspdi_write, plan_import
from tandem.interop.plan_file import describe_counts
from tandem.projects.queries import get_project
from tandem.web.errors import status_for
from tandem.web.pages import organisation_page, signed_in

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
SESSION_KEY = "plan_import"
STALE_SECONDS = 24 * 3600
_TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")


class PlanUploadForm(forms.Form):
    """A project file from MS Project, Primavera, GanttProject or Planner."""

    file = forms.FileField(label="Project file")
    project_name = forms.CharField(
        required=False,
        max_length=200,
        label="Project name",
        help_text="Leave empty to use the name the file gives the project.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        suffixes = sorted(plan_import.SUPPORTED)
        self.fields["file"].widget.attrs["accept"] = ",".join(suffixes)
        self.fields["file"].help_text = "Files ending in " + ", ".join(suffixes) + "."

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            limit = MAX_UPLOAD_BYTES // (1024 * 1024)
            raise forms.ValidationError(
                f"The file is {upload.size / (1024 * 1024):.1f} MB; the limit is {limit} MB."
            )
        return upload


class PlanConfirmForm(forms.Form):
    """The name the imported project takes."""

    project_name = forms.CharField(required=False, max_length=200, label="Project name")


# -- the waiting file --------------------------------------------------------------------------


def _uploads() -> Path:
    return Path(settings.DATA_DIR) / "uploads"


def _keep(request: HttpRequest, access: Access, filename: str, data: bytes) -> None:
    """Store the previewed file for the import and sweep uploads nobody came back for."""
    folder = _uploads()
    folder.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - STALE_SECONDS
    for old in folder.iterdir():
        if old.is_file() and old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    token = secrets.token_urlsafe(24)
    (folder / token).write_bytes(data)
    request.session[SESSION_KEY] = {
        "token": token,
        "filename": filename,
        "organisation": access.organisation.pk,
    }


def _pending(request: HttpRequest, access: Access) -> tuple[str, bytes] | None:
    """The file waiting for this organisation's import: its name and bytes."""
    kept = request.session.get(SESSION_KEY)
    if not kept or kept.get("organisation") != access.organisation.pk:
        return None
    token = str(kept.get("token", ""))
    if not _TOKEN.fullmatch(token):
        return None
    try:
        return str(kept["filename"]), (_uploads() / token).read_bytes()
    except OSError:
        return None


def _discard(request: HttpRequest) -> None:
    """Delete the waiting file, if any, and forget it."""
    kept = request.session.pop(SESSION_KEY, None)
    if kept and _TOKEN.fullmatch(str(kept.get("token", ""))):
        (_uploads() / kept["token"]).unlink(missing_ok=True)


# -- pages -------------------------------------------------------------------------------------


def _render(
    request: HttpRequest,
    upload: PlanUploadForm,
    *,
    preview: dict[str, Any] | None = None,
    confirm: PlanConfirmForm | None = None,
    filename: str = "",
    status: int = 200,
) -> HttpResponse:
    context = {
        "upload": upload,
        "preview": preview,
        "confirm": confirm,
        "filename": filename,
        "summary": describe_counts(preview["counts"]) if preview else "",
        "formats": sorted(set(plan_import.SUPPORTED.values())),
        "max_mb": MAX_UPLOAD_BYTES // (1024 * 1024),
    }
    # An htmx import that was refused swaps only the preview, with the error on its form.
    template = (
        "interop/_plan_preview.html"
        if preview and request.headers.get("HX-Request")
        else "interop/plan_import.html"
    )
    return render(request, template, context, status=status)


@require_http_methods(["GET", "POST"])
@organisation_page(Permission.EDIT_PLAN)
def plan_import_page(request: HttpRequest, access: Access) -> HttpResponse:
    """Upload a project file to preview it; import it as a new project in one transaction."""
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "import":
        return _import(request, access)
    if action == "cancel":
        _discard(request)
        return redirect("projects:list", org=access.organisation.slug)
    if action != "preview":
        return _render(request, PlanUploadForm())
    return _preview(request, access)


def _preview(request: HttpRequest, access: Access) -> HttpResponse:
    upload = PlanUploadForm(request.POST, request.FILES)
    _discard(request)  # a new upload replaces the one waiting
    if not upload.is_valid():
        return _render(request, upload, status=422)
    file = upload.cleaned_data["file"]
    filename = Path(file.name or "").name[-200:]
    data = file.read()
    try:
        plan = plan_import.read_plan(filename, data)
        preview = plan_import.preview_plan(signed_in(request), access.organisation.pk, plan)
    except DomainError as refusal:
        upload.add_error("file", refusal.message)
        return _render(request, upload, status=status_for(refusal))
    _keep(request, access, filename, data)
    name = upload.cleaned_data["project_name"] or preview["name"]
    confirm = PlanConfirmForm(initial={"project_name": name})
    return _render(request, PlanUploadForm(), preview=preview, confirm=confirm, filename=filename)


def _import(request: HttpRequest, access: Access) -> HttpResponse:
    confirm = PlanConfirmForm(request.POST)
    pending = _pending(request, access)
    if pending is None:
        messages.error(request, "The uploaded file is no longer waiting here; upload it again.")
        return _go(request, _page(access))
    filename, data = pending
    if not confirm.is_valid():
        return _refused(request, access, confirm, filename, data, 422)
    try:
        result = plan_import.import_file(
            signed_in(request),
            access.organisation.pk,
            filename,
            data,
            project_name=confirm.cleaned_data["project_name"] or None,
        )
    except DomainError as refusal:
        field = "project_name" if refusal.field in ("name", "project_name") else None
        confirm.add_error(field, refusal.message)
        return _refused(request, access, confirm, filename, data, status_for(refusal))
    _discard(request)
    project = result.project
    messages.success(
        request,
        f"Imported {project.name} from {filename}: {describe_counts(result.counts)} "
        f"in {result.seconds:.1f} s.",
    )
    if result.warnings:
        more = len(result.warnings) - 3
        messages.warning(
            request,
            "Check: "
            + " · ".join(result.warnings[:3])
            + (f" (and {more} more)" if more > 0 else ""),
        )
    slug = access.organisation.slug
    return _go(request, reverse("projects:gantt", kwargs={"org": slug, "project_id": project.pk}))


def _page(access: Access) -> str:
    return reverse("interop:plan_import", kwargs={"org": access.organisation.slug})


def _go(request: HttpRequest, url: str) -> HttpResponse:
    """Redirect; an htmx request is told to load the page itself rather than swap it in."""
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=200)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


def _refused(
    request: HttpRequest,
    access: Access,
    confirm: PlanConfirmForm,
    filename: str,
    data: bytes,
    status: int,
) -> HttpResponse:
    """The preview again, with the reason the import was refused on its form; nothing written."""
    try:
        plan = plan_import.read_plan(filename, data)
        preview = plan_import.preview_plan(signed_in(request), access.organisation.pk, plan)
    except DomainError as refusal:
        _discard(request)
        messages.error(request, refusal.message)
        return _go(request, _page(access))
    return _render(
        request,
        PlanUploadForm(),
        preview=preview,
        confirm=confirm,
        filename=filename,
        status=status,
    )


@require_GET
@organisation_page()
def export_xml(request: HttpRequest, access: Access, project_id: int) -> HttpResponse:
    """Download the project as MS Project XML (every member may: they can read the plan)."""
    project = get_project(signed_in(request), project_id)
    if project.organisation_id != access.organisation.pk:
        raise NotFound("No such project.", code="project.not_found")
    data, filename = mspdi_write.export_mspdi(signed_in(request), project_id)
    response = HttpResponse(data, content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
