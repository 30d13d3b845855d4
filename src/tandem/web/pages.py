"""The decorator behind every organisation page: access check, time zone, remembered workspace."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from tandem.accounts.access import Access, access_organisation_by_slug
from tandem.accounts.models import User
from tandem.core.permissions import Permission

SESSION_ORGANISATION = "organisation"


def organisation_page(
    permission: Permission = Permission.VIEW,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Wrap a view taking ``(request, access, **kwargs)`` for URLs under /o/<org>/.

    Checks the signed-in user's access (NotFound for foreign organisations), shows times in the
    organisation's zone and remembers the organisation for the next visit to /.
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, org: str, **kwargs: Any) -> HttpResponse:
            access = access_organisation_by_slug(request.user, org, permission)  # type: ignore[arg-type]
            timezone.activate(access.organisation.time_zone)
            request.access = access  # type: ignore[attr-defined]
            if request.session.get(SESSION_ORGANISATION) != access.organisation.slug:
                request.session[SESSION_ORGANISATION] = access.organisation.slug
            try:
                return view(request, access, **kwargs)
            finally:
                timezone.deactivate()

        return wrapped

    return decorator


def signed_in(request: HttpRequest) -> User:
    """The signed-in user of a page request (every page but sign-in requires one)."""
    user = request.user
    assert isinstance(user, User), "LoginRequiredMiddleware lets no anonymous request through"
    return user


def current_access(request: HttpRequest) -> Access | None:
    """The access of the organisation page being rendered, if any."""
    return getattr(request, "access", None)
