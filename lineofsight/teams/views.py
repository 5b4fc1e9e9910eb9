"""The teams side by side, and one team in full: the workforce beside practice."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from lineofsight.accounts import policy
from lineofsight.web.figures import SUPPRESSION_NOTE

from . import selectors


def _context(found: selectors.Teams) -> dict:
    return {
        "found": found,
        "snapshot": found.snapshot,
        "indicators": found.indicators,
        "suppression_note": SUPPRESSION_NOTE,
    }


@require_GET
@policy.requires(policy.Capability.VIEW_INDICATORS)
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "teams/index.html", _context(selectors.teams_for(request.user)))


@require_GET
@policy.requires(policy.Capability.VIEW_INDICATORS)
def detail(request: HttpRequest, team_id: int) -> HttpResponse:
    team, found = selectors.team_for(request.user, team_id)
    context = _context(found)
    context["team"] = team
    context["line"] = found.lines[0] if found.lines else None
    context["may_read_audits"] = policy.can(request.user, policy.Capability.VIEW_AUDIT_REPORTS)
    return render(request, "teams/detail.html", context)
