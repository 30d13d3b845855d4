"""Team pages: the project board, resource workload, "my work", the project manager's
dashboard across projects, and resources."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.accounts.access import Access
from tandem.accounts.queries import list_members
from tandem.core.permissions import Permission
from tandem.errors import DomainError, Invalid
from tandem.finance.queries import list_rates
from tandem.projects import queries, services, services_plan, services_tasks
from tandem.projects.access import may_update_progress
from tandem.projects.forms import ResourceForm
from tandem.projects.models import Task
from tandem.projects.views import project_page, tabs
from tandem.web.errors import status_for
from tandem.web.forms import set_choices, show_refusal
from tandem.web.pages import organisation_page, signed_in


@require_GET
@organisation_page()
def board(request: HttpRequest, access: Access, project_id: int) -> HttpResponse:
    """Tasks as cards in the project's status columns; drag a card to change its status."""
    project = project_page(request, access, project_id)
    rows = [r for r in queries.task_rows(project) if not r.summary]
    columns: list[dict[str, Any]] = []
    for column in project.columns.all():
        cards = [r for r in rows if r.task.status == column.key]
        columns.append({"column": column, "cards": cards})
    if access.can(Permission.EDIT_PLAN):
        movable = {r.task.pk for r in rows}
    else:
        movable = {r.task.pk for r in rows if may_update_progress(access, r.task)}
    known = {c["column"].key for c in columns}
    orphans = [r for r in rows if r.task.status not in known]
    if orphans and columns:
        columns[0]["cards"] = orphans + columns[0]["cards"]
    return render(
        request,
        "projects/board.html",
        {**tabs(access, project, "board"), "columns": columns, "movable": movable},
    )


@require_POST
@organisation_page()
def board_move(request: HttpRequest, access: Access, project_id: int) -> JsonResponse:
    """A card dropped in another column: the task takes that column's status."""
    project = project_page(request, access, project_id)
    raw = request.POST.get("task", "")
    task = Task.objects.filter(pk=int(raw), project=project).first() if raw.isdigit() else None
    if task is None:
        return JsonResponse(
            {"detail": "No such task in this project.", "code": "task.not_found"}, status=404
        )
    try:
        task = services_tasks.update_task(
            signed_in(request),
            task.pk,
            version=int(request.POST.get("version") or 0),
            status=request.POST.get("status", ""),
        )
    except (DomainError, ValueError) as error:
        if isinstance(error, ValueError):
            error = Invalid("Send the task's version.", field="version")
        return JsonResponse(error.as_dict(), status=status_for(error))
    return JsonResponse(
        {
            "task": task.pk,
            "status": task.status,
            "version": task.version,
            "percent": task.percent_complete,
        }
    )


def _level(utilisation: float) -> str:
    """The heat-map class of a utilisation (booked / capacity)."""
    if utilisation > 1.0 + 1e-9:
        return "over"
    for limit, name in ((0.0, "idle"), (0.5, "low"), (0.85, "mid")):
        if utilisation <= limit + 1e-9:
            return name
    return "full"


def _workload_context(
    request: HttpRequest, access: Access, project_id: int | None
) -> dict[str, Any]:
    """A heat map of utilisation per resource and day (or week), over-allocation in red."""
    try:
        first = date.fromisoformat(request.GET.get("from", ""))
    except ValueError:
        first = date.today() - timedelta(days=date.today().weekday())
    scale = "day" if request.GET.get("scale") == "day" else "week"
    default_weeks = 3 if scale == "day" else 12
    raw_weeks = request.GET.get("weeks", "")
    weeks = min(max(int(raw_weeks) if raw_weeks.isdigit() else default_weeks, 1), 52)
    last = first + timedelta(days=7 * weeks - 1)
    load, resources = queries.resource_workload(
        signed_in(request), access.organisation.pk, first, last, project_id
    )
    days = load.days
    step = 1 if scale == "day" else 7
    headers = [days[i] for i in range(0, len(days), step)]
    rows = []
    for r, resource_id in enumerate(load.resources):
        cells = []
        for i in range(0, len(days), step):
            booked = load.load[r, i : i + step]
            capacity = load.capacity[r, i : i + step]
            working = capacity > 0
            if not working.any():
                cells.append({"level": "off", "text": "", "title": "not working"})
                continue
            utilisation = float(booked[working].sum() / capacity[working].sum())
            over = int(load.over[r, i : i + step].sum())
            tasks = sorted(
                {
                    str(t)
                    for d in range(i, min(i + step, len(days)))
                    for t in load.tasks.get((r, d), [])
                }
            )
            cells.append(
                {
                    "level": _level(utilisation) if not over or scale == "day" else "over",
                    "text": f"{utilisation * 100:.0f}%" if utilisation else "",
                    "title": f"{resources[resource_id].name}: {utilisation * 100:.0f}% booked"
                    + (f", over capacity on {over} day{'s' if over != 1 else ''}" if over else "")
                    + (f" — {', '.join(tasks)}" if tasks else ""),
                }
            )
        rows.append(
            {
                "name": resources[resource_id].name,
                "cells": cells,
                "over_days": int(load.over[r].sum()),
            }
        )
    overs = load.over_allocations()
    return {
        "scale": scale,
        "headers": headers,
        "rows": rows,
        "over": [
            (resources[r].name, day, booked, capacity, tasks)
            for r, day, booked, capacity, tasks in overs[:200]
        ],
        "first": first,
        "weeks": weeks,
        "previous": (first - timedelta(days=7 * weeks)).isoformat(),
        "next": (last + timedelta(days=1)).isoformat(),
    }


@require_GET
@organisation_page()
def workload(request: HttpRequest, access: Access) -> HttpResponse:
    """Every resource's booked units per day across all projects; over-allocation in red."""
    return render(request, "projects/workload.html", _workload_context(request, access, None))


@require_GET
@organisation_page()
def project_workload(request: HttpRequest, access: Access, project_id: int) -> HttpResponse:
    """The workload caused by one project."""
    project = project_page(request, access, project_id)
    return render(
        request,
        "projects/project_workload.html",
        {**tabs(access, project, "workload"), **_workload_context(request, access, project.pk)},
    )


@require_GET
@organisation_page()
def my_work(request: HttpRequest, access: Access) -> HttpResponse:
    """Your unfinished tasks across projects: overdue and at-risk first."""
    rows = queries.my_work(signed_in(request), access.organisation.pk)
    rows.sort(
        key=lambda r: (not r.overdue, not r.at_risk, r.task.start or r.task.project.created_at)
    )
    return render(request, "projects/my_work.html", {"rows": rows})


@require_GET
@organisation_page()
def dashboard(request: HttpRequest, access: Access) -> HttpResponse:
    """Every open project's progress, finish against deadline and flagged tasks."""
    health = queries.dashboard(signed_in(request), access.organisation.pk)
    flagged = []
    for item in health:
        rows = queries.task_rows(item.project)
        flagged += [(item.project, r) for r in rows if not r.summary and (r.overdue or r.at_risk)]
    return render(request, "projects/dashboard.html", {"health": health, "flagged": flagged[:100]})


@require_http_methods(["GET", "POST"])
@organisation_page()
def resources(request: HttpRequest, access: Access) -> HttpResponse:
    """People, equipment and facilities that can be assigned, with capacity and rate."""
    form = ResourceForm(request.POST or None)
    members = list_members(signed_in(request), access.organisation.pk)
    set_choices(form, "user", [("", "—")] + [(m.user_id, m.user.display_name) for m in members])
    status = 200
    if request.method == "POST":
        access.require(Permission.EDIT_PLAN)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services_plan.create_resource(
                    signed_in(request),
                    access.organisation.pk,
                    name=data["name"],
                    kind=data["kind"],
                    user_id=data["user"],
                    capacity=data["capacity"],
                    cost_rate=int((data["cost_rate"] or Decimal(0)) * 100),
                )
            except DomainError as error:
                status = show_refusal(form, error)
            else:
                messages.success(request, f"Added {data['name']}.")
                return redirect(
                    reverse("projects:resources", kwargs={"org": access.organisation.slug})
                )
        else:
            status = 422
    resources = list(queries.list_resources(signed_in(request), access.organisation.pk))
    show_rates = access.can(Permission.VIEW_COST_RATES)
    return render(
        request,
        "projects/resources.html",
        {
            "resources": resources,
            "form": form,
            "can_edit": access.can(Permission.EDIT_PLAN),
            "show_rates": show_rates,
            # Dated rates (finance): shown only to roles that may see rates.
            "rates": [(r, list(list_rates(signed_in(request), r.pk))) for r in resources]
            if show_rates
            else [],
            "can_manage_rates": access.can(Permission.MANAGE_FINANCE),
        },
        status=status,
    )


@require_POST
@organisation_page(Permission.EDIT_PLAN)
def board_columns(request: HttpRequest, access: Access, project_id: int) -> HttpResponse:
    """Add a board column, or remove one (its tasks move to the first remaining column)."""
    project = project_page(request, access, project_id)
    try:
        if request.POST.get("remove"):
            column = project.columns.filter(pk=request.POST["remove"]).first()
            target = project.columns.exclude(pk=column.pk).first() if column else None
            if column is None or target is None:
                raise Invalid("A board keeps at least one column.", field="remove")
            services.remove_column(signed_in(request), column.pk, move_to=target.key)
            messages.success(
                request, f"Removed the column {column.name}; its tasks moved to {target.name}."
            )
        else:
            column = services.add_column(
                signed_in(request),
                project.pk,
                name=request.POST.get("name", ""),
                category=request.POST.get("category", "in_progress"),
            )
            messages.success(request, f"Added the column {column.name}.")
    except DomainError as error:
        messages.error(request, error.message)
    return redirect(
        reverse(
            "projects:board", kwargs={"org": access.organisation.slug, "project_id": project.pk}
        )
    )
