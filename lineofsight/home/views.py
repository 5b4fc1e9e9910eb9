"""Each role's home page: what they can do, and the panels the apps register (web.panels)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from lineofsight.accounts import policy
from lineofsight.accounts.selectors import pending_role_grant_count
from lineofsight.accounts.services import access_log_record_many
from lineofsight.web import panels
from lineofsight.web.figures import number_text

from .navigation import home_links


def _leader_panel(user, pending: int) -> list[panels.Panel]:
    """A senior leader's decisions and the board, first on their page. The count is of role
    requests (work items listed in full on the Role approvals page), so it is exact."""
    if not policy.can(user, policy.Capability.APPROVE_ROLE_GRANTS):
        return []
    items = [
        panels.PanelItem(link.title, link.url, detail=link.description)
        for link in home_links(user)
        if link.url_name in ("indicators:board", "reports:committee")
    ]
    return [
        panels.Panel(
            key="leadership",
            title="Your decisions and the board",
            items=tuple(items),
            figures=(
                panels.Figure(
                    "Role requests waiting for your decision",
                    number_text(pending),
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
        "home/home.html",
        {
            "role": policy.describe(request.user),
            "links": home_links(request.user),
            # Panels registered by the apps, by their order (web.panels).
            "panels": shown,
            "pending_role_grants": pending,
        },
    )
