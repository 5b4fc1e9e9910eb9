"""Resolvers for the sources whose apps do not register themselves: audits, moderation, group
supervision and indicators. Registered from `ActionsConfig.ready()`.

Each resolver answers with what the user may see, through the source app's own access helper,
so it raises Http404 for a record that does not exist or lies outside the user's scope. Imports
are inside the functions: the actions app loads before the apps it describes.
"""

from __future__ import annotations

from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils.dateformat import format as format_date

from lineofsight.accounts import policy
from lineofsight.accounts.models import User

from . import sources
from .models import SourceType


def _pk(source_id: str) -> int:
    try:
        return int(source_id)
    except (TypeError, ValueError):
        raise Http404("No such record") from None


def audit(user: User, source_id: str) -> sources.SourceInfo:
    """source_id: the audit's pk."""
    from lineofsight.audits.selectors import get_audit_for_user

    found = get_audit_for_user(user, _pk(source_id))
    return sources.SourceInfo(
        title=f"Case-file audit {found.reference}",
        url=reverse("audits:audit_detail", kwargs={"pk": found.pk}),
        team=found.team,
        person_id=found.person_id,
    )


def moderation(user: User, source_id: str) -> sources.SourceInfo:
    """source_id: the moderation's pk (one moderation per moderated audit)."""
    from lineofsight.audits.selectors import get_moderation_for_user

    found = get_moderation_for_user(user, _pk(source_id))
    return sources.SourceInfo(
        title=f"Moderation of case-file audit {found.audit.reference}",
        url=reverse("audits:moderation_detail", kwargs={"pk": found.pk}),
        team=found.audit.team,
        person_id=found.audit.person_id,
    )


def supervision(user: User, source_id: str) -> sources.SourceInfo:
    """source_id: the pk of the case discussed at a session (supervision.SessionCase), as
    `supervision.services.session_case_action_create` records it."""
    from lineofsight.supervision.selectors import get_session_case_for_user

    case = get_session_case_for_user(user, _pk(source_id))
    session = case.session
    return sources.SourceInfo(
        title=f"{session.team.name} group supervision on {format_date(session.held_on, 'j F Y')}",
        url=reverse("supervision:case", kwargs={"pk": case.pk}),
        team=session.team,
        person_id=case.person_id,
    )


def indicator(user: User, source_id: str) -> sources.SourceInfo:
    """source_id: the indicator's id in the catalogue (e.g. "referrals")."""
    if not policy.can(user, policy.Capability.VIEW_INDICATORS):
        raise Http404("No such indicator")
    title = source_id
    try:
        from lineofsight.indicators import catalogue
    except ImportError:  # the catalogue is optional to this app: fall back to the id
        catalogue = None
    if catalogue is not None:
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


def register_all() -> None:
    sources.register(SourceType.AUDIT, audit)
    sources.register(SourceType.MODERATION, moderation)
    sources.register(SourceType.SUPERVISION, supervision)
    sources.register(SourceType.INDICATOR, indicator)
