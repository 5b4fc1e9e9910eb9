"""How an improvement action raised from an indicator describes its source. The indicator
catalogue sits below the actions app, so the actions app registers this one itself, from
`ActionsConfig.ready()`; apps above register theirs (audits, supervision, practice weeks,
feedback)."""

from __future__ import annotations

from django.http import Http404
from django.urls import NoReverseMatch, reverse

from lineofsight.accounts import policy
from lineofsight.accounts.models import User
from lineofsight.indicators import catalogue

from . import sources
from .models import SourceType


def indicator(user: User, source_id: str) -> sources.SourceInfo:
    """source_id: the indicator's id in the catalogue (e.g. "referrals")."""
    if not policy.can(user, policy.Capability.VIEW_INDICATORS):
        raise Http404("No such indicator")
    try:
        found = catalogue.get(source_id)
    except KeyError:
        raise Http404("No such indicator") from None
    title = getattr(found, "title", "") or source_id
    try:
        url = reverse("indicators:detail", kwargs={"indicator_id": source_id})
    except NoReverseMatch:
        url = ""
    return sources.SourceInfo(title=f"Indicator: {title}", url=url)


def register() -> None:
    sources.register(SourceType.INDICATOR, indicator)
