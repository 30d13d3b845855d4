"""Schedule pages: the Gantt chart (with its data and the drag actions) and the task table
with inline editing, quick add and assignments."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.accounts.access import Access
from tandem.core.permissions import Permission
from tandem.errors import DomainError, Invalid
from tandem.projects import queries, services_plan, services_tasks
from tandem.projects.forms import AssignForm, QuickTaskForm, TaskEditForm
from tandem.projects.models import Task
from tandem.projects.views import project_page, tabs
from tandem.web.errors import status_for
from tandem.web.forms import set_choices, show_refusal
from tandem.web.pages import organisation_page, signed_in

MINUTES_PER_DAY = 480


def _minutes(days: Decimal) -> int:
    return round(days * MINUTES_PER_DAY)


@require_GET
@organisation_page()
def gantt(request: HttpRequest, access: Access, project_id: int) -> HttpResponse:
    """The Gantt chart page; the chart loads its data from gantt.json."""
    project = project_page(request, access, project_id)
    return render(request, "projects/gantt.html", tabs(access, project, "gantt"))


def _document(request: HttpRequest, access: Access, project_id: int) -> JsonResponse:
    project = project_page(request, access, project_id)
    baseline = None
    if request.GET.get("baseline", "").isdigit():
        baseline = project.baselines.filter(pk=int(request.GET["baseline"])).first()
    return JsonResponse(queries.gantt_document(project, access.can(Permission.EDIT_PLAN), baseline))


@require_GET
@never_cache  # the plan changes with every edit: the browser must always ask again
@organisation_page()
def gantt_data(request: HttpRequest, access: Access, project_id: int) -> JsonResponse:
    """The chart's data: tasks, links and baseline bars in local time."""
    return _document(request, access, project_id)


def _refusal(error: DomainError) -> JsonResponse:
    return JsonResponse(error.as_dict(), status=status_for(error))


@require_POST
@organisation_page(Permission.EDIT_PLAN)
def gantt_move(request: HttpRequest, access: Access, project_id: int) -> JsonResponse:
    """A dragged bar: the task starts no earlier than the day it was dropped on."""
    project = project_page(request, access, project_id)
    try:
        task_id = int(request.POST.get("task", ""))
        version = int(request.POST.get("version", ""))
        day = date.fromisoformat(request.POST.get("start", ""))
    except ValueError:
        return _refusal(Invalid("Send task, start (YYYY-MM-DD) and version.", field="start"))
    if not Task.objects.filter(pk=task_id, project=project).exists():
        return _refusal(Invalid("That task is not in this project.", field="task"))
    try:
        services_tasks.move_task(signed_in(request), task_id, start=day, version=version)
    except DomainError as error:
        return _refusal(error)
    return _document(request, access, project_id)


@require_POST
@organisation_page(Permission.EDIT_PLAN)
def gantt_link(request: HttpRequest, access: Access, project_id: int) -> JsonResponse:
    """A link drawn from one bar to another (finish-to-start unless told)."""
    project = project_page(request, access, project_id)
    try:
        predecessor, successor = int(request.POST.get("from", "")), int(request.POST.get("to", ""))
    except ValueError:
        return _refusal(Invalid("Send the two tasks to link as from and to.", field="to"))
    try:
        services_tasks.add_link(
            signed_in(request),
            project.pk,
            predecessor_id=predecessor,
            successor_id=successor,
            type=request.POST.get("type", "FS"),
        )
    except DomainError as error:
        return _refusal(error)
    return _document(request, access, project_id)


# -- the task table ----------------------------------------------------------------------------


def _parent_choices(
    rows: list[queries.Row], exclude: int | None = None
) -> list[tuple[object, str]]:
    return [("", "— top level —")] + [
        (r.task.pk, f"{r.outline.number} {r.task.name}") for r in rows if r.task.pk != exclude
    ]


@require_http_methods(["GET", "POST"])
@organisation_page()
def tasks(request: HttpRequest, access: Access, project_id: int) -> HttpResponse:
    """All tasks with their schedule; plan editors add tasks here and edit rows inline."""
    project = project_page(request, access, project_id)
    rows = queries.task_rows(project)
    form = QuickTaskForm(request.POST or None)
    set_choices(form, "parent", _parent_choices([r for r in rows if not r.milestone]))
    set_choices(
        form,
        "after",
        [("", "— nothing —")] + [(r.task.pk, f"{r.outline.number} {r.task.name}") for r in rows],
    )
    status = 200
    if request.method == "POST":
        access.require(Permission.EDIT_PLAN)
        if form.is_valid():
            data = form.cleaned_data
            try:
                task = services_tasks.create_task(
                    signed_in(request),
                    project.pk,
                    name=data["name"],
                    duration=_minutes(data["duration_days"]),
                    parent_id=data["parent"],
                )
                if data["after"]:
                    services_tasks.add_link(
                        signed_in(request),
                        project.pk,
                        predecessor_id=data["after"],
                        successor_id=task.pk,
                    )
            except DomainError as error:
                status = show_refusal(form, error)
            else:
                messages.success(request, f"Added “{task.name}”.")
                return redirect(
                    reverse(
                        "projects:tasks",
                        kwargs={"org": access.organisation.slug, "project_id": project.pk},
                    )
                )
        else:
            status = 422
    resources = list(queries.list_resources(signed_in(request), access.organisation.pk))
    return render(
        request,
        "projects/tasks.html",
        {**tabs(access, project, "tasks"), "rows": rows, "form": form, "resources": resources},
        status=status,
    )


def _row_context(request: HttpRequest, access: Access, task: Task) -> dict[str, object]:
    project = task.project
    row = next(r for r in queries.task_rows(project) if r.task.pk == task.pk)
    return {
        "row": row,
        "can_edit": access.can(Permission.EDIT_PLAN),
        "project": project,
        "organisation": access.organisation,
    }


@require_http_methods(["GET", "POST"])
@organisation_page()
def task_row(request: HttpRequest, access: Access, project_id: int, task_id: int) -> HttpResponse:
    """One row of the task table: shown, as an edit form (?edit=1), or saved (POST)."""
    project = project_page(request, access, project_id)
    task = Task.objects.filter(pk=task_id, project=project).first()
    if task is None:
        from tandem.errors import NotFound

        raise NotFound("No such task.", code="task.not_found")
    rows = queries.task_rows(project)
    initial = {
        "name": task.name,
        "duration_days": Decimal(task.duration) / MINUTES_PER_DAY,
        "percent_complete": task.percent_complete,
        "constraint_type": task.constraint_type,
        "constraint_date": timezone.localtime(task.constraint_date).date()
        if task.constraint_date
        else None,
        "deadline": timezone.localtime(task.deadline).date() if task.deadline else None,
        "parent": task.parent_id,
        "priority": task.priority,
        "pinned": task.pinned,
        "version": task.version,
    }
    form = TaskEditForm(request.POST or None, initial=initial)
    set_choices(
        form, "parent", _parent_choices([r for r in rows if not r.milestone], exclude=task.pk)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        changes = {
            "name": data["name"],
            "duration": _minutes(data["duration_days"]),
            "percent_complete": data["percent_complete"],
            "constraint_type": data["constraint_type"],
            "constraint_date": data["constraint_date"],
            "deadline": data["deadline"],
            "parent_id": data["parent"],
            "priority": task.priority if data["priority"] is None else data["priority"],
            "pinned": data["pinned"],
        }
        # Only send what changed: members may change progress only, and a form carries all.
        current = {**initial, "duration": task.duration, "parent_id": task.parent_id}
        changes = {k: v for k, v in changes.items() if current.get(k, initial.get(k)) != v}
        try:
            task = services_tasks.update_task(
                signed_in(request), task.pk, version=data["version"], **changes
            )
        except DomainError as error:
            status = show_refusal(form, error)
            return render(
                request,
                "projects/_task_edit.html",
                {**_row_context(request, access, task), "form": form},
                status=status,
            )
        response = render(request, "projects/_task_row.html", _row_context(request, access, task))
        response["HX-Trigger"] = "schedule-changed"
        return response
    if request.method == "POST":
        return render(
            request,
            "projects/_task_edit.html",
            {**_row_context(request, access, task), "form": form},
            status=422,
        )
    template = "projects/_task_edit.html" if request.GET.get("edit") else "projects/_task_row.html"
    return render(request, template, {**_row_context(request, access, task), "form": form})


@require_POST
@organisation_page(Permission.EDIT_PLAN)
def task_delete(
    request: HttpRequest, access: Access, project_id: int, task_id: int
) -> HttpResponse:
    """Delete a task (and its subtasks)."""
    project = project_page(request, access, project_id)
    if Task.objects.filter(pk=task_id, project=project).exists():
        try:
            services_tasks.delete_task(signed_in(request), task_id)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "Task deleted.")
    return redirect(
        reverse(
            "projects:tasks", kwargs={"org": access.organisation.slug, "project_id": project.pk}
        )
    )


@require_POST
@organisation_page(Permission.EDIT_PLAN)
def task_assign(
    request: HttpRequest, access: Access, project_id: int, task_id: int
) -> HttpResponse:
    """Put a resource on a task."""
    project = project_page(request, access, project_id)
    form = AssignForm(request.POST)
    set_choices(
        form,
        "resource",
        [
            (r.pk, r.name)
            for r in queries.list_resources(signed_in(request), access.organisation.pk)
        ],
    )
    if form.is_valid() and Task.objects.filter(pk=task_id, project=project).exists():
        try:
            services_plan.assign(
                signed_in(request),
                task_id,
                resource_id=form.cleaned_data["resource"],
                units=form.cleaned_data["units"],
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "Resource assigned.")
    else:
        messages.error(request, "Choose a resource and units.")
    return redirect(
        reverse(
            "projects:tasks", kwargs={"org": access.organisation.slug, "project_id": project.pk}
        )
    )
