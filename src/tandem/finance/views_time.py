"""Time pages: a project's Time tab (entries with filters, add, edit, delete, CSV import with
a preview), the member's own weekly timesheet, and dated rates on the resources page."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from tandem.accounts.access import Access
from tandem.accounts.queries import list_members
from tandem.core.permissions import Permission
from tandem.errors import DomainError, Invalid, NotFound
from tandem.finance import queries, services
from tandem.finance.forms import (
    RateForm,
    TimeEntryEditForm,
    TimeEntryForm,
    TimeFilterForm,
    TimesheetImportForm,
    minor,
    minutes,
)
from tandem.finance.models import TimeEntry
from tandem.finance.timesheet_csv import import_time_entries, preview_time_entries
from tandem.finance.views import _task_choices
from tandem.projects.models import Project
from tandem.projects.queries import list_resources, my_work
from tandem.projects.views import project_page, tabs
from tandem.web.forms import set_choices, show_refusal
from tandem.web.pages import organisation_page, signed_in

MAX_LISTED = 500


def _time_url(access: Access, project: Project) -> str:
    return reverse(
        "finance:time", kwargs={"org": access.organisation.slug, "project_id": project.pk}
    )


def _may_change(access: Access, entry: TimeEntry) -> bool:
    """Finance managers change anyone's time; contributors their own (the service decides;
    this only decides which buttons to show)."""
    if access.can(Permission.MANAGE_FINANCE):
        return True
    own = access.user is not None and entry.person_id == access.user.pk
    return own and access.can(Permission.RECORD_TIME)


def _people(request: HttpRequest, access: Access) -> list[tuple[int, str]]:
    members = list_members(signed_in(request), access.organisation.pk)
    return [(m.user_id, m.user.display_name) for m in members]


def _entry_form(
    request: HttpRequest, access: Access, project: Project, data: Any = None
) -> TimeEntryForm:
    today = queries.today_in(project)
    form = TimeEntryForm(data, initial={"worked_on": today, "hours": 1})
    set_choices(form, "task", _task_choices(project))
    if access.can(Permission.MANAGE_FINANCE):
        set_choices(form, "person", [("", "Me"), *_people(request, access)])
    else:
        del form.fields["person"]
    return form


def _time_context(
    request: HttpRequest, access: Access, project: Project, form: TimeEntryForm
) -> dict[str, Any]:
    actor = signed_in(request)
    filters = TimeFilterForm(request.GET or None)
    set_choices(filters, "person", [("", "Everyone"), *_people(request, access)])
    chosen: dict[str, Any] = {"person": None, "since": None, "until": None}
    if filters.is_bound and filters.is_valid():
        chosen = filters.cleaned_data
    entries = queries.list_time_entries(
        actor,
        project.pk,
        person_id=chosen["person"],
        since=chosen["since"],
        until=chosen["until"],
    )
    totals = entries.aggregate(minutes=Sum("minutes"), cost=Sum("cost"))
    listed = list(entries[:MAX_LISTED])
    return {
        **tabs(access, project, "time"),
        "filters": filters,
        "rows": [(entry, _may_change(access, entry)) for entry in listed],
        "count": entries.count(),
        "listed": len(listed),
        "total_hours": (totals["minutes"] or 0) / 60,
        "total_cost": totals["cost"] or 0,
        "show_costs": access.can(Permission.VIEW_COST_RATES),
        "can_record": access.can(Permission.RECORD_TIME),
        "form": form,
        "import_form": TimesheetImportForm(),
    }


@require_http_methods(["GET", "POST"])
@organisation_page()
def time_entries(request: HttpRequest, access: Access, project_id: int) -> HttpResponse:
    """The project's time entries (filtered by person and dates) and a form to record time."""
    project = project_page(request, access, project_id)
    form = _entry_form(request, access, project, request.POST or None)
    status = 200
    if request.method == "POST":
        access.require(Permission.RECORD_TIME)
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                entry = services.record_time(
                    signed_in(request),
                    data["task"],
                    worked_on=data["worked_on"],
                    minutes=minutes(data["hours"]),
                    note=data["note"],
                    person_id=data.get("person"),
                )
            except DomainError as error:
                status = show_refusal(form, error)
            else:
                messages.success(
                    request,
                    f"Recorded {entry.minutes / 60:g} h on {entry.task.name} "
                    f"for {entry.worked_on:%-d %b}.",
                )
                return redirect(_time_url(access, project))
    context = _time_context(request, access, project, form)
    return render(request, "finance/time.html", context, status=status)


def _project_entry(request: HttpRequest, project: Project, entry_id: int) -> TimeEntry:
    entry = queries.list_time_entries(signed_in(request), project.pk).filter(pk=entry_id).first()
    if entry is None:
        raise NotFound("No such time entry in this project.", code="time_entry.not_found")
    return entry


def _next_or(request: HttpRequest, fallback: str) -> str:
    """Where to go after a change: the page the form came from, if it is one of ours."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback


@require_http_methods(["GET", "POST"])
@organisation_page(Permission.RECORD_TIME)
def time_entry_edit(
    request: HttpRequest, access: Access, project_id: int, entry_id: int
) -> HttpResponse:
    """Change the task, day, hours or note of a time entry."""
    project = project_page(request, access, project_id)
    entry = _project_entry(request, project, entry_id)
    initial = {
        "task": entry.task_id,
        "worked_on": entry.worked_on,
        "hours": entry.minutes / 60,
        "note": entry.note,
        "version": entry.version,
    }
    form = TimeEntryEditForm(request.POST or None, initial=initial)
    set_choices(form, "task", _task_choices(project))
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.update_time_entry(
                    signed_in(request),
                    entry.pk,
                    version=data["version"],
                    task_id=data["task"],
                    worked_on=data["worked_on"],
                    minutes=minutes(data["hours"]),
                    note=data["note"],
                )
            except DomainError as error:
                if error.code == "permission_denied":
                    raise
                status = show_refusal(form, error)
            else:
                messages.success(request, "Time entry saved.")
                return redirect(_next_or(request, _time_url(access, project)))
    return render(
        request,
        "finance/time_edit.html",
        {
            **tabs(access, project, "time"),
            "entry": entry,
            "form": form,
            "next": _next_or(request, ""),
        },
        status=status,
    )


@require_POST
@organisation_page(Permission.RECORD_TIME)
def time_entry_delete(
    request: HttpRequest, access: Access, project_id: int, entry_id: int
) -> HttpResponse:
    """Remove a time entry of this project."""
    project = project_page(request, access, project_id)
    entry = _project_entry(request, project, entry_id)
    services.delete_time_entry(signed_in(request), entry.pk)
    messages.success(request, f"Removed {entry.minutes / 60:g} h on {entry.task.name}.")
    return redirect(_next_or(request, _time_url(access, project)))


# -- CSV import -------------------------------------------------------------------------------


@require_POST
@organisation_page(Permission.RECORD_TIME)
def time_import(request: HttpRequest, access: Access, project_id: int) -> HttpResponse:
    """Read a timesheet and show every row and every error; nothing is written yet."""
    project = project_page(request, access, project_id)
    form = TimesheetImportForm(request.POST, request.FILES)
    context: dict[str, Any] = {**tabs(access, project, "time"), "form": form}
    if not form.is_valid():
        return render(request, "finance/time_import.html", context, status=422)
    text = form.cleaned_data["text"]
    try:
        preview = preview_time_entries(signed_in(request), project.pk, text)
    except Invalid as error:
        form.add_error(None, error.message)
        return render(request, "finance/time_import.html", context, status=422)
    context.update({"preview": preview, "errors": preview.errors, "text": text})
    return render(
        request, "finance/time_import.html", context, status=422 if preview.errors else 200
    )


@require_POST
@organisation_page(Permission.RECORD_TIME)
def time_import_confirm(request: HttpRequest, access: Access, project_id: int) -> HttpResponse:
    """Write the previewed rows: all of them, or (if any breaks a rule) none."""
    project = project_page(request, access, project_id)
    text = request.POST.get("text", "")
    try:
        count = import_time_entries(signed_in(request), project.pk, text)
    except Invalid as error:
        # The rows stay in the form to correct them; the refusal lists every bad row.
        form = TimesheetImportForm(initial={"text": text})
        errors = (error.details or {}).get("errors", [])
        context = {
            **tabs(access, project, "time"),
            "form": form,
            "errors": [_RowError(**e) for e in errors],
            "text": text,
        }
        return render(request, "finance/time_import.html", context, status=422)
    messages.success(request, f"Imported {count} time entr{'y' if count == 1 else 'ies'}.")
    return redirect(_time_url(access, project))


class _RowError:
    """A refused row as the import page lists it (from the refusal's details)."""

    def __init__(self, row: int, field: str | None, message: str) -> None:
        self.row, self.field, self.message = row, field, message


# -- my timesheet -----------------------------------------------------------------------------


def _week(request: HttpRequest, access: Access) -> date:
    """The Monday of the asked week (this week by default, in the organisation's zone)."""
    today = datetime.now(ZoneInfo(access.organisation.time_zone)).date()
    try:
        day = date.fromisoformat(request.GET.get("week", ""))
    except ValueError:
        day = today
    return day - timedelta(days=day.weekday())


def _timesheet_choices(request: HttpRequest, access: Access, week: list[TimeEntry]) -> list[Any]:
    """Tasks to book time on, grouped by project: yours to do and those booked this week."""
    groups: dict[str, dict[int, str]] = {}
    for row in my_work(signed_in(request), access.organisation.pk):
        task = row.task
        groups.setdefault(task.project.name, {})[task.pk] = task.name
    for entry in week:
        groups.setdefault(entry.project.name, {})[entry.task_id] = entry.task.name
    return [(name, sorted(tasks.items(), key=lambda t: t[1])) for name, tasks in groups.items()]


@require_http_methods(["GET", "POST"])
@organisation_page(Permission.RECORD_TIME)
def timesheet(request: HttpRequest, access: Access) -> HttpResponse:
    """Your time this week by day and task, and a form to record more."""
    actor = signed_in(request)
    monday = _week(request, access)
    days = [monday + timedelta(days=n) for n in range(7)]
    entries = [
        e
        for e in queries.my_time_entries(actor, access.organisation.pk, monday)
        if e.worked_on <= days[-1]
    ]
    today = datetime.now(ZoneInfo(access.organisation.time_zone)).date()
    form = TimeEntryForm(
        request.POST or None,
        initial={"worked_on": min(max(today, monday), days[-1]), "hours": 1},
    )
    del form.fields["person"]
    set_choices(form, "task", _timesheet_choices(request, access, entries))
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                entry = services.record_time(
                    actor,
                    data["task"],
                    worked_on=data["worked_on"],
                    minutes=minutes(data["hours"]),
                    note=data["note"],
                )
            except DomainError as error:
                status = show_refusal(form, error)
            else:
                messages.success(
                    request, f"Recorded {entry.minutes / 60:g} h on {entry.task.name}."
                )
                here = reverse("finance:timesheet", kwargs={"org": access.organisation.slug})
                return redirect(f"{here}?week={monday.isoformat()}")
    grid: dict[int, dict[str, Any]] = {}
    for entry in entries:
        line = grid.setdefault(
            entry.task_id,
            {"task": entry.task, "project": entry.project, "minutes": [0] * 7, "total": 0},
        )
        line["minutes"][(entry.worked_on - monday).days] += entry.minutes
        line["total"] += entry.minutes
    lines = sorted(grid.values(), key=lambda line: (line["project"].name, line["task"].name))
    per_day = [sum(line["minutes"][n] for line in lines) for n in range(7)]
    return render(
        request,
        "finance/timesheet.html",
        {
            "monday": monday,
            "days": list(zip(days, per_day, strict=True)),
            "lines": lines,
            "entries": sorted(entries, key=lambda e: (e.worked_on, e.pk)),
            "total": sum(per_day),
            "form": form,
            "today": today,
            "previous": (monday - timedelta(days=7)).isoformat(),
            "next": (monday + timedelta(days=7)).isoformat(),
            "here": request.get_full_path(),
        },
        status=status,
    )


# -- rates ------------------------------------------------------------------------------------


def _resources_url(access: Access) -> str:
    return reverse("projects:resources", kwargs={"org": access.organisation.slug}) + "#rates"


def _own_resource(request: HttpRequest, access: Access, resource_id: int) -> None:
    """NotFound unless the resource belongs to the organisation of the address."""
    if (
        not list_resources(signed_in(request), access.organisation.pk)
        .filter(pk=resource_id)
        .exists()
    ):
        raise NotFound("No such resource.", code="resource.not_found")


@require_POST
@organisation_page(Permission.MANAGE_FINANCE)
def rate_add(request: HttpRequest, access: Access, resource_id: int) -> HttpResponse:
    """Give a resource a rate from a date on (replacing one starting that day)."""
    _own_resource(request, access, resource_id)
    form = RateForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the rate a date and an amount of at least 0.")
        return redirect(_resources_url(access))
    try:
        rate = services.set_cost_rate(
            signed_in(request),
            resource_id,
            effective_from=form.cleaned_data["effective_from"],
            rate=minor(form.cleaned_data["rate"]),
        )
    except Invalid as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, f"{rate.resource.name}'s rate from {rate.effective_from:%-d %b %Y} is set."
        )
    return redirect(_resources_url(access))


@require_POST
@organisation_page(Permission.MANAGE_FINANCE)
def rate_delete(
    request: HttpRequest, access: Access, resource_id: int, rate_id: int
) -> HttpResponse:
    """Remove a dated rate of a resource (the earlier rate applies again)."""
    _own_resource(request, access, resource_id)
    rate = queries.list_rates(signed_in(request), resource_id).filter(pk=rate_id).first()
    if rate is None:
        raise NotFound("No such rate.", code="rate.not_found")
    services.delete_cost_rate(signed_in(request), rate.pk)
    messages.success(request, f"Removed the rate from {rate.effective_from:%-d %b %Y}.")
    return redirect(_resources_url(access))
