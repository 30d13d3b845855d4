"""Pages for members and invitations, organisation settings, the account and API tokens."""

from __future__ import annotations

from datetime import UTC, datetime, time

from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from tandem.accounts import queries, services
from tandem.accounts.access import Access
from tandem.accounts.forms import (
    AcceptInvitationForm,
    InviteForm,
    OrganisationForm,
    PasswordForm,
    ProfileForm,
    RoleForm,
    TokenForm,
)
from tandem.core.permissions import ROLE_LABELS, Permission, Role, can_assign_role
from tandem.errors import DomainError
from tandem.web.forms import show_refusal
from tandem.web.pages import organisation_page


def _members_context(
    request: HttpRequest, access: Access, invite_form: InviteForm
) -> dict[str, object]:
    members = list(queries.list_members(request.user, access.organisation.pk))  # type: ignore[arg-type]
    manage = access.can(Permission.MANAGE_MEMBERS)
    rows = [
        {
            "membership": m,
            "role_label": ROLE_LABELS[Role(m.role)],
            "assignable": [
                (role.value, ROLE_LABELS[role])
                for role in Role
                if manage and can_assign_role(access.role, m.role, role)
            ],
            "is_me": m.user_id == request.user.pk,
        }
        for m in members
    ]
    invitable = [(r.value, ROLE_LABELS[r]) for r in Role if can_assign_role(access.role, None, r)]
    invite_form.fields["role"].choices = invitable  # type: ignore[attr-defined]
    return {
        "rows": rows,
        "can_manage": manage,
        "invite_form": invite_form,
        "invitations": list(
            queries.list_open_invitations(request.user, access.organisation.pk)  # type: ignore[arg-type]
        )
        if manage
        else [],
    }


@require_http_methods(["GET", "POST"])
@organisation_page()
def members(request: HttpRequest, access: Access) -> HttpResponse:
    """Who belongs to the organisation and with which role; admins invite here."""
    form = InviteForm(request.POST or None)
    status = 200
    invitation_link = None
    if request.method == "POST" and form.is_valid():
        try:
            invitation, secret = services.invite_member(
                request.user,  # type: ignore[arg-type]
                access.organisation.pk,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
            )
        except DomainError as error:
            status = show_refusal(form, error)
        else:
            invitation_link = {"email": invitation.email, "url": services.invitation_url(secret)}
            form = InviteForm()
    elif request.method == "POST":
        status = 422
    context = _members_context(request, access, form)
    context["invitation_link"] = invitation_link
    return render(request, "accounts/members.html", context, status=status)


@require_POST
@organisation_page(Permission.MANAGE_MEMBERS)
def change_role(request: HttpRequest, access: Access, membership_id: int) -> HttpResponse:
    """Change one member's role (an htmx form on the members page)."""
    form = RoleForm(request.POST)
    if form.is_valid():
        try:
            services.change_role(
                request.user,  # type: ignore[arg-type]
                membership_id,
                role=form.cleaned_data["role"],
                version=form.cleaned_data["version"],
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "Role changed.")
    else:
        messages.error(request, "Choose a role.")
    return redirect(reverse("accounts:members", kwargs={"org": access.organisation.slug}))


@require_POST
@organisation_page()
def remove_member(request: HttpRequest, access: Access, membership_id: int) -> HttpResponse:
    """Remove a member, or leave the organisation when it is your own membership."""
    leaving = queries.is_own_membership(request.user, membership_id)  # type: ignore[arg-type]
    try:
        services.remove_member(request.user, membership_id)  # type: ignore[arg-type]
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(reverse("accounts:members", kwargs={"org": access.organisation.slug}))
    if leaving:
        messages.success(request, f"You left {access.organisation.name}.")
        return redirect(reverse("web:home"))
    messages.success(request, "Member removed.")
    return redirect(reverse("accounts:members", kwargs={"org": access.organisation.slug}))


@require_POST
@organisation_page(Permission.MANAGE_MEMBERS)
def revoke_invitation(request: HttpRequest, access: Access, invitation_id: int) -> HttpResponse:
    """Withdraw an open invitation."""
    try:
        invitation = services.revoke_invitation(request.user, invitation_id)  # type: ignore[arg-type]
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Invitation of {invitation.email} revoked.")
    return redirect(reverse("accounts:members", kwargs={"org": access.organisation.slug}))


@require_http_methods(["GET", "POST"])
@organisation_page(Permission.MANAGE_ORGANISATION)
def organisation_settings(request: HttpRequest, access: Access) -> HttpResponse:
    """Name, time zone and currency of the organisation."""
    organisation = access.organisation
    initial = {
        "name": organisation.name,
        "time_zone": organisation.time_zone,
        "currency": organisation.currency,
        "version": organisation.version,
    }
    form = OrganisationForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_organisation(
                request.user,  # type: ignore[arg-type]
                organisation.pk,
                version=data["version"],
                name=data["name"],
                time_zone=data["time_zone"],
                currency=data["currency"],
            )
        except DomainError as error:
            status = show_refusal(form, error)
        else:
            messages.success(request, "Settings saved.")
            return redirect(reverse("accounts:settings", kwargs={"org": organisation.slug}))
    elif request.method == "POST":
        status = 422
    return render(request, "accounts/settings.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
def create_organisation(request: HttpRequest) -> HttpResponse:
    """Start a new organisation; its creator becomes the owner."""
    form = OrganisationForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            organisation = services.create_organisation(
                request.user,  # type: ignore[arg-type]
                name=data["name"],
                time_zone=data["time_zone"],
                currency=data["currency"],
            )
        except DomainError as error:
            status = show_refusal(form, error)
        else:
            return redirect(reverse("web:dashboard", kwargs={"org": organisation.slug}))
    elif request.method == "POST":
        status = 422
    return render(request, "accounts/create_organisation.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
def account(request: HttpRequest) -> HttpResponse:
    """The signed-in user's name and password."""
    user = request.user
    profile = ProfileForm(
        request.POST if request.POST.get("form") == "profile" else None,
        initial={"display_name": user.display_name, "version": user.version},  # type: ignore[union-attr]
    )
    password = PasswordForm(request.POST if request.POST.get("form") == "password" else None)
    status = 200
    if request.method == "POST":
        form = profile if request.POST.get("form") == "profile" else password
        if form.is_valid():
            try:
                if form is profile:
                    services.update_profile(
                        user,  # type: ignore[arg-type]
                        version=form.cleaned_data["version"],
                        display_name=form.cleaned_data["display_name"],
                    )
                    messages.success(request, "Name saved.")
                else:
                    updated = services.change_password(
                        user,  # type: ignore[arg-type]
                        current_password=form.cleaned_data["current_password"],
                        new_password=form.cleaned_data["new_password"],
                    )
                    # Keep this session signed in; every other session of the user ends.
                    update_session_auth_hash(request, updated)
                    messages.success(request, "Password changed.")
            except DomainError as error:
                status = show_refusal(form, error)
            else:
                return redirect(reverse("accounts:account"))
        else:
            status = 422
    return render(
        request, "accounts/account.html", {"profile": profile, "password": password}, status=status
    )


@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    """Personal API tokens: create (the secret is shown once), list, revoke."""
    form = TokenForm(request.POST or None)
    status = 200
    new_secret = None
    if request.method == "POST" and form.is_valid():
        expires = form.cleaned_data["expires_at"]
        try:
            _, new_secret = services.create_token(
                request.user,  # type: ignore[arg-type]
                name=form.cleaned_data["name"],
                expires_at=datetime.combine(expires, time.min, tzinfo=UTC) if expires else None,
            )
        except DomainError as error:
            status = show_refusal(form, error)
        else:
            form = TokenForm()
    elif request.method == "POST":
        status = 422
    return render(
        request,
        "accounts/tokens.html",
        {
            "form": form,
            "tokens": list(queries.list_tokens(request.user)),  # type: ignore[arg-type]
            "new_secret": new_secret,
        },
        status=status,
    )


@require_POST
def revoke_token(request: HttpRequest, token_id: int) -> HttpResponse:
    """Revoke one of your tokens."""
    try:
        token = services.revoke_token(request.user, token_id)  # type: ignore[arg-type]
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Token “{token.name}” revoked.")
    return redirect(reverse("accounts:tokens"))


@login_not_required
@require_http_methods(["GET", "POST"])
def accept_invitation(request: HttpRequest, secret: str) -> HttpResponse:
    """The page behind an invitation link: join as the signed-in user or create an account.

    Reachable without signing in, because the invitee may have no account yet; the secret in
    the link is the credential.
    """
    invitation = services.find_open_invitation(secret)
    if invitation is None:
        return render(request, "accounts/invitation_closed.html", status=404)
    user = request.user if request.user.is_authenticated else None
    has_account = user is None and queries.user_exists(invitation.email)
    form = AcceptInvitationForm(request.POST or None) if user is None and not has_account else None
    status = 200
    if request.method == "POST":
        try:
            if user is not None:
                membership = services.accept_invitation(secret, user=user)
            elif form is not None and form.is_valid():
                membership = services.accept_invitation(
                    secret,
                    display_name=form.cleaned_data["display_name"],
                    password=form.cleaned_data["password"],
                )
                login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
            else:
                membership = None
                status = 422
        except DomainError as error:
            if form is not None:
                status = show_refusal(form, error)
            else:
                messages.error(request, error.message)
                status = 409
            membership = None
        if membership is not None:
            return redirect(reverse("web:dashboard", kwargs={"org": membership.organisation.slug}))
    return render(
        request,
        "accounts/accept_invitation.html",
        {
            "invitation": invitation,
            "role_label": ROLE_LABELS[Role(invitation.role)],
            "form": form,
            "has_account": has_account,
            "wrong_user": user is not None and user.email != invitation.email,
        },
        status=status,
    )
