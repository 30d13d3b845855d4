"""Error pages for requests that fail outside a service (unknown URL, crash, CSRF)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def _page(request: HttpRequest, status: int, message: str, code: str) -> HttpResponse:
    return render(
        request,
        "web/error.html",
        {"status": status, "error": {"message": message, "code": code}},
        status=status,
    )


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, 404, "There is no page at this address.", "not_found")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, 403, "You may not open this page.", "forbidden")


def server_error(request: HttpRequest) -> HttpResponse:
    return _page(
        request, 500, "Something went wrong on our side; nothing was saved.", "server_error"
    )
