"""JSON 404 for paths under /api/ that no endpoint serves (never an HTML page)."""

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt  # a script's POST to a wrong path must learn it is wrong, not about CSRF
def api_not_found(request: HttpRequest) -> JsonResponse:
    return JsonResponse(
        {"detail": f"No API endpoint at {request.path}.", "code": "not_found"}, status=404
    )
