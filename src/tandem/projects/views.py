"""Pages of projects: the list, creating one (from a template), the overview, settings and
baselines. The schedule pages (Gantt, tasks) are in views_schedule, the board, workload,
my work and the dashboard in views_team."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.accounts.access import Access
from tandem.accounts.queries import list_members
from tandem.core.permissions import Permission
from tandem.errors import DomainError
from tandem.projects import queries, services, services_plan
from tandem.projects.forms import BaselineForm, ProjectForm, ProjectSettingsForm
from tandem.projects.models import Project
from tandem.web.forms import set_choices, show_refusal
from tandem.web.pages import organisation_page, signed_in


def _minor(amount: Decimal | None) -> int | None:
    return None if amount is None else int(amount * 100)


def _member_choices(request: HttpRequest, access: Access) -> list[tuple[Any, str]]:
    members = list_members(signed_in(request), access.organisation.pk)
    return [("", "—")] + [(m.user_id, m.user.display_name) for m in members]


def _roadmap_choices(access: Access) -> list[tuple[int, str]]:
    from tandem.products.models import RoadmapItem

    items = RoadmapItem.objects.filter(product__organisation=access.organisation).select_related(
        "product"
    )
    return [
        (item.pk, f"{item.product.name}: {item.title}")
        for item in items.order_by("product__name", "title")
    ]


def project_page(request: HttpRequest, access: Access, project_id: int) -> Project:
    """The project of a page under /o/<org>/projects/<id>/, within the organisation."""
    project = queries.get_project(signed_in(request), project_id)
    if project.organisation_id != access.organisation.pk:
        from tandem.errors import NotFound

        raise NotFound("No such project.", code="project.not_found")
    return project


def tabs(access: Access, project: Project, current: str) -> dict[str, Any]:
    """Context for the project's tab bar."""
    slug = access.organisation.slug
    names = [
        ("overview", "Overview", "projects:overview"),
        ("gantt", "Gantt", "projects:gantt"),
        ("tasks", "Tasks", "projects:tasks"),
        ("board", "Board", "projects:board"),
        ("workload", "Workload", "projects:project_workload"),
        ("leveling", "Levelling", "projects:leveling"),
        ("baselines", "Baselines", "projects:baselines"),
        ("costs", "Costs", "finance:costs"),
        ("forecast", "Forecast", "finance:forecast"),
        ("time", "Time", "finance:time"),
        ("report", "Report", "reports:report"),
    ]
    if access.can(Permission.EDIT_PLAN):
        names.append(("settings", "Settings", "projects:settings"))
    return {
        "project": project,
        "can_edit": access.can(Permission.EDIT_PLAN),
        "tabs": [
            {
                "key": key,
                "label": label,
                "url": reverse(view, kwargs={"org": slug, "project_id": project.pk}),
                "active": key == current,
            }
            for key, label, view in names
        ],
    }


@require_GET
@organisation_page()
def project_list(request: HttpRequest, access: Access) -> HttpResponse:
    """Every project of the organisation with its dates, progress and flags."""
    health = {
        h.project.pk: h for h in queries.dashboard(signed_in(request), access.organisation.pk)
    }
    projects = list(
        queries.list_projects(signed_in(request), access.organisation.pk).order_by("status", "name")
    )
    rows = [{"project": p, "health": health.get(p.pk)} for p in projects]
    return render(
        request,
        "projects/list.html",
        {"rows": rows, "can_edit": access.can(Permission.EDIT_PLAN)},
    )


@require_http_methods(["GET", "POST"])
@organisation_page(Permission.EDIT_PLAN)
def project_create(request: HttpRequest, access: Access) -> HttpResponse:
    """A new project, empty or from a template such as the product stage gates."""
    services_plan.ensure_standard_templates(signed_in(request), access.organisation.pk)
    form = ProjectForm(request.POST or None, initial={"manager": signed_in(request).pk})
    templates = queries.list_templates(signed_in(request), access.organisation.pk)
    set_choices(form, "template", [("", "Empty project")] + [(t.pk, t.name) for t in templates])
    set_choices(form, "manager", _member_choices(request, access))
    set_choices(form, "roadmap_items", _roadmap_choices(access))
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {
            "key": data["key"] or None,
            "deadline": data["deadline"],
            "manager_id": data["manager"],
            "roadmap_item_ids": data["roadmap_items"],
            "budget": _minor(data["budget"]),
            "scope_in": data["scope_in"],
            "scope_out": data["scope_out"],
            "objectives": data["objectives"],
            "status": "active",
        }
        try:
            if data["template"]:
                project = services_plan.create_project_from_template(
                    signed_in(request),
                    data["template"],
                    name=data["name"],
                    start=data["start"],
                    **fields,
                )
            else:
                project = services.create_project(
                    signed_in(request),
                    access.organisation.pk,
                    name=data["name"],
                    start=data["start"],
                    **fields,
                )
        except DomainError as error:
            status = show_refusal(form, error)
        else:
            return redirect(
                reverse(
                    "projects:gantt",
                    kwargs={"org": access.organisation.slug, "project_id": project.pk},
                )
            )
    elif request.method == "POST":
        status = 422
    return render(request, "projects/create.html", {"form": form}, status=status)


@require_GET
@organisation_page()
def overview(request: HttpRequest, access: Access, project_id: int) -> HttpResponse:
    """Scope, dates against the deadline, progress, milestones, flags and the critical path."""
    project = project_page(request, access, project_id)
    rows = queries.task_rows(project)
    milestones = [r for r in rows if r.milestone]
    flagged = [r for r in rows if not r.summary and (r.overdue or r.at_risk)]
    baselines = list(project.baselines.all())
    variance = None
    if baselines:
        _, variance = queries.baseline_variance(
            project, baselines[0], services_plan.planned_costs(project)
        )
    health = next(
        (
            h
            for h in queries.dashboard(signed_in(request), access.organisation.pk)
            if h.project.pk == project.pk
        ),
        None,
    )
    return render(
        request,
        "projects/overview.html",
        {
            **tabs(access, project, "overview"),
            "rows": rows,
            "milestones": milestones,
            "flagged": flagged,
            "critical": [r for r in queries.critical_path(rows) if r.task.percent_complete < 100][
                :12
            ],
            "progress": queries.progress(rows),
            "baselines": baselines,
            "variance": variance,
            "health": health,
            "roadmap_items": list(project.roadmap_items.select_related("product")),
            "planned_cost": sum(services_plan.planned_costs(project).values()),
            "baseline_form": BaselineForm(),
        },
    )


@require_http_methods(["GET", "POST"])
@organisation_page(Permission.EDIT_PLAN)
def project_settings(request: HttpRequest, access: Access, project_id: int) -> HttpResponse:
    """Name, status, dates, manager, scope and the roadmap items the project delivers."""
    project = project_page(request, access, project_id)
    initial = {
        "name": project.name,
        "status": project.status,
        "start": project.start,
        "deadline": project.deadline,
        "status_date": project.status_date,
        "manager": project.manager_id,
        "roadmap_items": [r.pk for r in project.roadmap_items.all()],
        "budget": None if project.budget is None else Decimal(project.budget) / 100,
        "scope_in": project.scope_in,
        "scope_out": project.scope_out,
        "objectives": project.objectives,
        "lag_calendar": project.lag_calendar,
        "finished_work": project.finished_work,
        "version": project.version,
    }
    form = ProjectSettingsForm(request.POST or None, initial=initial)
    set_choices(form, "manager", _member_choices(request, access))
    set_choices(form, "roadmap_items", _roadmap_choices(access))
    status = 200
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        data["manager_id"] = data.pop("manager")
        data["roadmap_item_ids"] = data.pop("roadmap_items")
        data["budget"] = _minor(data["budget"])
        try:
            services.update_project(signed_in(request), project.pk, version=version, **data)
        except DomainError as error:
            status = show_refusal(form, error)
        else:
            messages.success(request, "Project saved.")
            return redirect(
                reverse(
                    "projects:overview",
                    kwargs={"org": access.organisation.slug, "project_id": project.pk},
                )
            )
    elif request.method == "POST":
        status = 422
    return render(
        request,
        "projects/settings.html",
        {**tabs(access, project, "settings"), "form": form},
        status=status,
    )


@require_GET
@organisation_page()
def baselines(request: HttpRequest, access: Access, project_id: int) -> HttpResponse:
    """Saved baselines and the variance of each task against the chosen one."""
    project = project_page(request, access, project_id)
    saved = list(project.baselines.all())
    chosen = next(
        (b for b in saved if str(b.pk) == request.GET.get("baseline")), saved[0] if saved else None
    )
    per_task: dict[int, queries.Variance] = {}
    total = None
    if chosen is not None:
        per_task, total = queries.baseline_variance(
            project, chosen, services_plan.planned_costs(project)
        )
    rows = [(row, per_task.get(row.task.pk)) for row in queries.task_rows(project)]
    return render(
        request,
        "projects/baselines.html",
        {
            **tabs(access, project, "baselines"),
            "saved": saved,
            "chosen": chosen,
            "rows": rows,
            "total": total,
            "form": BaselineForm(),
        },
    )


@require_POST
@organisation_page(Permission.EDIT_PLAN)
def save_baseline(request: HttpRequest, access: Access, project_id: int) -> HttpResponse:
    """Save the plan as a named baseline."""
    project = project_page(request, access, project_id)
    form = BaselineForm(request.POST)
    if form.is_valid():
        try:
            baseline = services_plan.save_baseline(
                signed_in(request), project.pk, name=form.cleaned_data["name"]
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"Baseline “{baseline.name}” saved.")
    else:
        messages.error(request, "Give the baseline a name.")
    return redirect(
        reverse(
            "projects:baselines", kwargs={"org": access.organisation.slug, "project_id": project.pk}
        )
    )
