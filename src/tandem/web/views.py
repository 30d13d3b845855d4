"""Pages of the web app: sign-in and out, the landing redirect, the overview, health."""

from __future__ import annotations

from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_not_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.accounts.access import Access
from tandem.accounts.queries import list_memberships_of
from tandem.collab.queries import list_activity
from tandem.core.permissions import ROLE_LABELS, Permission, Role
from tandem.errors import DomainError
from tandem.web.errors import headers_for, status_for
from tandem.web.forms import SignInForm
from tandem.web.health import check_health
from tandem.web.pages import SESSION_ORGANISATION, organisation_page


@login_not_required
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """Liveness for load balancers and `make run`: 200 when the database answers."""
    return JsonResponse(check_health())


@login_not_required
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    """The sign-in form; repeated failures are slowed down by the service."""
    from tandem.accounts.services import sign_in as sign_in_service

    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if request.user.is_authenticated and request.method == "GET":
        return redirect(reverse("web:home"))
    form = SignInForm(request.POST or None)
    status = 200
    refusal: DomainError | None = None
    if request.method == "POST" and form.is_valid():
        try:
            user = sign_in_service(
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
                client_ip=request.META.get("REMOTE_ADDR"),
            )
        except DomainError as error:
            form.add_error(None, error.message)
            status, refusal = status_for(error), error
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            safe = url_has_allowed_host_and_scheme(
                next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
            )
            return redirect(next_url if safe and next_url else reverse("web:home"))
    elif request.method == "POST":
        status = 422
    response = render(request, "web/sign_in.html", {"form": form, "next": next_url}, status=status)
    if refusal is not None:
        for name, value in headers_for(refusal).items():
            response[name] = value
    return response


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    """End the session (POST only, so a link elsewhere cannot sign anyone out)."""
    logout(request)
    return redirect(reverse("web:login"))


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Send the user to the organisation they used last, or their first one."""
    memberships = list(list_memberships_of(request.user))  # type: ignore[arg-type]
    if not memberships:
        return redirect(reverse("accounts:create_organisation"))
    remembered = request.session.get(SESSION_ORGANISATION)
    slugs = [m.organisation.slug for m in memberships]
    slug = remembered if remembered in slugs else slugs[0]
    return redirect(reverse("web:dashboard", kwargs={"org": slug}))


@require_GET
@organisation_page()
def dashboard(request: HttpRequest, access: Access) -> HttpResponse:
    """The organisation's overview: who is here, what changed, what to do next."""
    organisation = access.organisation
    counts = dict(
        organisation.memberships.values_list("role")
        .annotate(n=Count("id"))
        .values_list("role", "n")
    )
    roles = [
        {"label": ROLE_LABELS[role], "count": counts.get(role.value, 0)}
        for role in Role
        if counts.get(role.value)
    ]
    activity = list(list_activity(request.user, organisation.pk)[:12])  # type: ignore[arg-type]
    return render(
        request,
        "web/dashboard.html",
        {
            "roles": roles,
            "member_count": sum(counts.values()),
            "activity": activity,
            "role_label": ROLE_LABELS[access.role],
            "can_manage_members": access.can(Permission.MANAGE_MEMBERS),
        },
    )


@require_GET
@organisation_page()
def activity(request: HttpRequest, access: Access) -> HttpResponse:
    """The organisation's journal, newest first, 50 a page."""
    entries = list_activity(request.user, access.organisation.pk)  # type: ignore[arg-type]
    try:
        page = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page = 1
    size = 50
    rows = list(entries[(page - 1) * size : page * size + 1])
    return render(
        request,
        "web/activity.html",
        {
            "entries": rows[:size],
            "page": page,
            "has_next": len(rows) > size,
        },
    )


@login_not_required
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A readable refusal when a form came without its CSRF token."""
    return render(
        request,
        "web/error.html",
        {
            "status": 403,
            "error": {
                "message": "This form has expired or did not come from tandem. Reload the page "
                "and submit it again.",
                "code": "csrf_failed",
            },
        },
        status=403,
    )
