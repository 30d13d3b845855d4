"""JSON 404 for paths under /api/ that no endpoint serves (never an HTML page)."""

from django.http import HttpRequest, JsonResponse


def api_not_found(request: HttpRequest) -> JsonResponse:
    return JsonResponse(
        {"detail": f"No API endpoint at {request.path}.", "code": "not_found"}, status=404
    )
