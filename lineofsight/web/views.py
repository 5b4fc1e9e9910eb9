from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from lineofsight.accounts import policy
from lineofsight.accounts.selectors import pending_role_grant_count
from lineofsight.accounts.services import access_log_record_many

from . import panels
from .navigation import home_links


def _leader_panel(user, pending: int) -> list[panels.Panel]:
    """A senior leader's decisions and the board, first on their page. The count is of role
    requests (work items listed in full on the Role approvals page), so it is exact."""
    if not policy.can(user, policy.Capability.APPROVE_ROLE_GRANTS):
        return []
    items = [
        panels.PanelItem(link.title, link.url, detail=link.description)
        for link in home_links(user)
        if link.url_name in ("indicators:board", "indicators:reports")
    ]
    return [
        panels.Panel(
            key="leadership",
            title="Your decisions and the board",
            items=tuple(items),
            figures=(
                panels.Figure(
                    "Role requests waiting for your decision",
                    f"{pending:,}",
                    reverse("accounts:role_grants"),
                ),
            ),
        )
    ]


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    pending = pending_role_grant_count(request.user)
    shown = _leader_panel(request.user, pending) + panels.for_user(request.user)
    access_log_record_many(
        user=request.user, person_ids=panels.children_named(shown), path=request.path
    )
    return render(
        request,
        "web/home.html",
        {
            "role": policy.describe(request.user),
            "links": home_links(request.user),
            # Panels registered by the apps, by their order (web.panels).
            "panels": shown,
            "pending_role_grants": pending,
        },
    )


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
