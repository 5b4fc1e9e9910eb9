"""How the actions app describes an action raised from a practice week."""

from __future__ import annotations

from django.urls import reverse

from lineofsight.accounts.models import User
from lineofsight.actions.sources import SourceInfo
from lineofsight.web.ids import id_or_404

from . import selectors
from .reports import week_dates


def resolve_week(user: User, source_id: str) -> SourceInfo:
    """The week as this user may see it; Http404 if it does not exist or is outside their
    scope (including roles that do not use practice weeks)."""
    pk = id_or_404(source_id, "practice week")
    week = selectors.get_week_for_user(user, pk)
    return SourceInfo(
        title=f"{week.get_kind_display()}: {week.title}, {week_dates(week)}",
        url=reverse("practiceweeks:week_detail", args=[week.pk]),
        team=None,
    )
