"""The shared base's pages: health check, error pages and the council's colour."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET


@login_not_required
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """For the load balancer: the process answers and the database can be reached."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return JsonResponse({"status": "ok"})
    except Exception:  # noqa: BLE001 - any database failure means not healthy
        return JsonResponse({"status": "database unavailable"}, status=503)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors beyond the minimum: whatever failed may fail again.
    return render(request, "500.html", status=500)


_HEX = frozenset("0123456789abcdefABCDEF")


@login_not_required
@require_GET
def council_css(request: HttpRequest) -> HttpResponse:
    """The council's colour as a stylesheet, so pages need no inline style under the CSP."""
    colour = settings.COUNCIL_COLOUR
    if not (colour.startswith("#") and len(colour) in (4, 7) and set(colour[1:]) <= _HEX):
        colour = "#1d4e60"
    response = HttpResponse(
        f":root {{ --los-council-colour: {colour}; }}\n", content_type="text/css"
    )
    response["Cache-Control"] = "public, max-age=300"
    return response
