"""The levelling page: ask for a proposal (all resources or one, quick or thorough), review
which tasks would move, by how much and why, then accept all, accept some, or discard."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from tandem.accounts.access import Access
from tandem.core.permissions import Permission
from tandem.errors import DomainError
from tandem.projects import queries, services_leveling
from tandem.projects.views import project_page, tabs
from tandem.web.pages import organisation_page, signed_in


def _back(access: Access, project_id: int, chosen: dict[str, str] | None = None) -> HttpResponse:
    """Back to the page, keeping the choices of the form (resource, mode, time limit)."""
    page = reverse(
        "projects:leveling", kwargs={"org": access.organisation.slug, "project_id": project_id}
    )
    return redirect(f"{page}?{urlencode(chosen)}" if chosen else page)


def _chosen(request: HttpRequest) -> dict[str, object]:
    """The form's choices as last made (from the address), else the defaults."""
    resource = request.GET.get("resource", "")
    try:
        limit = float(request.GET.get("time_limit") or 5)
    except ValueError:
        limit = 5.0
    return {
        "resource": int(resource) if resource.isdigit() else None,
        "thorough": request.GET.get("mode") == "thorough",
        "time_limit": f"{limit:g}" if 0 < limit <= 60 else "5",
    }


@require_GET
@organisation_page()
def leveling(request: HttpRequest, access: Access, project_id: int) -> HttpResponse:
    """The latest proposal with its moves, and the form to level again."""
    project = project_page(request, access, project_id)
    proposal = project.proposals.first()
    moves = list(proposal.moves.select_related("task")) if proposal else []
    resources = list(queries.list_resources(signed_in(request), access.organisation.pk))
    context = tabs(access, project, "leveling")
    context.update(
        {
            "proposal": proposal,
            "moves": moves,
            "resources": resources,
            "stale": proposal is not None
            and proposal.status == "open"
            and proposal.plan_version != project.plan_version,
            "pinned": list(project.tasks.filter(pinned=True)),
            "chosen": _chosen(request),
        }
    )
    return render(request, "projects/leveling.html", context)


@require_POST
@organisation_page(Permission.EDIT_PLAN)
def leveling_run(request: HttpRequest, access: Access, project_id: int) -> HttpResponse:
    """Make a new proposal."""
    project = project_page(request, access, project_id)
    resource = request.POST.get("resource", "")
    try:
        limit = float(request.POST.get("time_limit") or 5)
        proposal = services_leveling.level_project(
            signed_in(request),
            project.pk,
            resource_ids=[int(resource)] if resource.isdigit() else None,
            thorough=request.POST.get("mode") == "thorough",
            time_limit=limit,
        )
    except ValueError:
        messages.error(request, "The time limit is a number of seconds.")
    except DomainError as error:
        messages.error(request, error.message)
    else:
        count = proposal.moves.count()
        messages.success(
            request, f"Proposal ready: {count} task{'s' if count != 1 else ''} would start later."
        )
    chosen = {
        key: request.POST.get(key, "")
        for key in ("resource", "mode", "time_limit")
        if request.POST.get(key)
    }
    return _back(access, project.pk, chosen)


@require_POST
@organisation_page(Permission.EDIT_PLAN)
def leveling_decide(
    request: HttpRequest, access: Access, project_id: int, proposal_id: int
) -> HttpResponse:
    """Accept all moves, accept the ticked ones, or discard the proposal."""
    project = project_page(request, access, project_id)
    if not project.proposals.filter(pk=proposal_id).exists():
        messages.error(request, "No such proposal.")
        return _back(access, project.pk)
    action = request.POST.get("action")
    try:
        if action == "discard":
            services_leveling.discard_proposal(signed_in(request), proposal_id)
            messages.success(request, "Proposal discarded; the plan is unchanged.")
        else:
            ticked = (
                None
                if action == "accept_all"
                else [int(t) for t in request.POST.getlist("task") if t.isdigit()]
            )
            proposal = services_leveling.accept_proposal(
                signed_in(request), proposal_id, task_ids=ticked
            )
            moved = proposal.moves.filter(accepted=True).count()
            messages.success(
                request,
                f"Accepted {moved} move{'s' if moved != 1 else ''}; the schedule is updated.",
            )
    except DomainError as error:
        messages.error(request, error.message)
    return _back(access, project.pk)
