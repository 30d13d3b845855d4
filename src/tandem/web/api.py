"""The REST API root at /api/v1: authentication, error mapping and every app's router."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError
from ninja.security import HttpBearer, SessionAuth

from tandem.accounts.services import authenticate_token
from tandem.errors import DomainError
from tandem.web.errors import headers_for, status_for


class TokenAuth(HttpBearer):
    """`Authorization: Bearer tdm_...` with a personal API token."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = authenticate_token(token)
        if user is not None:
            request.user = user
        return user


class BrowserSessionAuth(SessionAuth):
    """A signed-in browser session (with its CSRF token on writes).

    Only consulted when a session cookie came with the request, so a script whose token was
    refused is told 401, not "CSRF check failed".
    """

    def __call__(self, request: HttpRequest) -> Any:
        if self.param_name not in request.COOKIES:
            return None
        return super().__call__(request)


def _require_credentials(view: Any) -> Any:
    """The OpenAPI document and reference are for signed-in users or token holders only."""

    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            header = request.headers.get("Authorization", "")
            scheme, _, token = header.partition(" ")
            user = authenticate_token(token.strip()) if scheme.lower() == "bearer" else None
            if user is None:
                return _unauthenticated(request)
            request.user = user
        response: HttpResponse = view(request, *args, **kwargs)
        return response

    return wrapped


api = NinjaAPI(
    title="tandem API",
    version="1",
    description=(
        "Product and project management in one system. Authenticate with a personal API token "
        "(`Authorization: Bearer tdm_...`, created under Account → API tokens) or a signed-in "
        "browser session with its CSRF token. Updates need `If-Match` with the ETag you read; "
        'errors are `{"detail": ..., "code": ...}`.'
    ),
    urls_namespace="api",
    auth=[TokenAuth(), BrowserSessionAuth()],
    docs_decorator=_require_credentials,
)


def _unauthenticated(request: HttpRequest) -> HttpResponse:
    response = api.create_response(
        request,
        {
            "detail": "Authentication required: send a session cookie or "
            "'Authorization: Bearer <token>'.",
            "code": "auth.required",
        },
        status=401,
    )
    response["WWW-Authenticate"] = 'Bearer realm="tandem"'
    return response


@api.exception_handler(DomainError)
def _domain_error(request: HttpRequest, error: DomainError) -> HttpResponse:
    response = api.create_response(request, error.as_dict(), status=status_for(error))
    for name, value in headers_for(error).items():
        response[name] = value
    return response


@api.exception_handler(AuthenticationError)
def _auth_error(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
    return _unauthenticated(request)


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, error: ValidationError) -> HttpResponse:
    problems = []
    for item in error.errors:
        # ninja reports locations like ("body", "payload", "email"); the last part is the field.
        location = [str(part) for part in item.get("loc", ()) if part not in ("body", "payload")]
        problems.append({"field": ".".join(location[-1:]) or None, "message": item.get("msg", "")})
    first = problems[0] if problems else {"field": None, "message": "invalid input"}
    body: dict[str, Any] = {
        "detail": f"{first['field']}: {first['message']}" if first["field"] else first["message"],
        "code": "invalid",
        "field": first["field"],
        "errors": problems,
    }
    return api.create_response(request, body, status=422)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, error: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": "Not found.", "code": "not_found"}, status=404)


@api.get("/health", auth=None, tags=["system"], summary="Liveness and database check")
def health(request: HttpRequest) -> dict[str, str]:
    from tandem.web.health import check_health

    return check_health()


def _register_routers() -> None:
    from tandem.accounts.api import router as accounts_router
    from tandem.collab.api import router as collab_router
    from tandem.finance.api import router as finance_router
    from tandem.interop.api import router as interop_router
    from tandem.products.api import router as products_router
    from tandem.projects.api import router as projects_router

    api.add_router("", accounts_router)
    api.add_router("", collab_router)
    api.add_router("", products_router)
    api.add_router("", projects_router)
    api.add_router("", finance_router)
    api.add_router("", interop_router)


_register_routers()
