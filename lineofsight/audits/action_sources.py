"""How an improvement action raised from an audit or a moderation describes its source: registered
with the actions app's sources registry from `AuditsConfig.ready()`.

Each resolver answers through the audits app's own access helper, so it raises Http404 for a
record that does not exist or lies outside the user's scope.
"""

from __future__ import annotations

from django.http import Http404
from django.urls import reverse

from lineofsight.accounts.models import User
from lineofsight.actions import sources
from lineofsight.actions.models import SourceType

from .selectors import get_audit_for_user, get_moderation_for_user


def _pk(source_id: str) -> int:
    try:
        return int(source_id)
    except (TypeError, ValueError):
        raise Http404("No such record") from None


def audit(user: User, source_id: str) -> sources.SourceInfo:
    """source_id: the audit's pk."""
    found = get_audit_for_user(user, _pk(source_id))
    return sources.SourceInfo(
        title=f"Case-file audit {found.reference}",
        url=reverse("audits:audit_detail", kwargs={"pk": found.pk}),
        team=found.team,
        person_id=found.person_id,
    )


def moderation(user: User, source_id: str) -> sources.SourceInfo:
    """source_id: the moderation's pk (one moderation per moderated audit)."""
    found = get_moderation_for_user(user, _pk(source_id))
    return sources.SourceInfo(
        title=f"Moderation of case-file audit {found.audit.reference}",
        url=reverse("audits:moderation_detail", kwargs={"pk": found.pk}),
        team=found.audit.team,
        person_id=found.audit.person_id,
    )


def register() -> None:
    sources.register(SourceType.AUDIT, audit)
    sources.register(SourceType.MODERATION, moderation)
