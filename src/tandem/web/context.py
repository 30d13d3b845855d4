"""Template context for every page: the workspace switcher and the sidebar."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from tandem.accounts.queries import list_memberships_of
from tandem.web.navigation import build_navigation
from tandem.web.pages import current_access


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The signed-in user's organisations and, on an organisation page, its navigation."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    access = current_access(request)
    context: dict[str, Any] = {
        "my_memberships": list(list_memberships_of(user)),
        "access": access,
    }
    if access is not None:
        context["organisation"] = access.organisation
        context["nav_sections"] = build_navigation(access, request.path)
    return context
