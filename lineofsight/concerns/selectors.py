"""Reads of safeguarding concerns, scoped by the requesting user, and the access helper.

Who sees a concern:
- quality assurance leads and senior leaders: every concern;
- service managers: concerns about their service's teams; team managers: about their teams;
- anyone: the concerns they raised, and those they were told of;
- administrators: none (their role sees no child's record).
Anyone else gets 404 for a concern's page.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from lineofsight.accounts import policy
from lineofsight.accounts.models import User
from lineofsight.web.panels import Panel, PanelItem

from . import deadlines, sources
from .models import Concern, ConcernNotice, Level

RESPOND = policy.Capability.RESPOND_TO_CONCERNS
PANEL_ITEMS = 5


def sees_all(user: User) -> bool:
    return policy.scope_for(user) is policy.Scope.EVERYTHING and policy.can(user, RESPOND)


def concerns_visible_to(user: User) -> QuerySet[Concern]:
    concerns = Concern.objects.select_related("team__service", "raised_by", "responded_by")
    if not user.is_authenticated or not user.is_active:
        return concerns.none()
    if policy.scope_for(user) is policy.Scope.CONFIGURATION:
        return concerns.none()
    if sees_all(user):
        return concerns.all()
    mine = Q(raised_by=user) | Q(notices__user=user)
    if policy.can(user, RESPOND):
        mine |= Q(team__in=policy.visible_teams(user))
    # A subquery, not distinct(): the join to notices would repeat rows.
    return concerns.filter(pk__in=Concern.objects.filter(mine).values("pk"))


def get_concern_for_user(user: User, pk: int) -> Concern:
    """The concern, or 404 if it does not exist or the user may not see it."""
    return get_object_or_404(concerns_visible_to(user), pk=pk)


def open_concerns(user: User) -> QuerySet[Concern]:
    return concerns_visible_to(user).filter(responded_at__isnull=True).order_by("respond_by", "pk")


def answered_concerns(user: User, limit: int = 50) -> list[Concern]:
    return list(
        concerns_visible_to(user)
        .filter(responded_at__isnull=False)
        .order_by("-responded_at", "-pk")[:limit]
    )


def for_source(user: User, source_type: str, source_id) -> QuerySet[Concern]:
    """The concerns raised from one record that this user may see, newest first."""
    return (
        concerns_visible_to(user)
        .filter(source_type=source_type, source_id=str(source_id))
        .order_by("-raised_at", "-pk")
    )


def notices_for(concern: Concern) -> QuerySet[ConcernNotice]:
    return concern.notices.select_related("user").order_by("created_at", "pk")


def source_link(user: User, concern: Concern) -> str:
    """The source record's page, when this user may open it ("" otherwise)."""
    source = sources.get(concern.source_type)
    if source is None:
        return ""
    try:
        return source.resolve(user, concern.source_id).url
    except Http404:
        return ""


@dataclass(frozen=True)
class Status:
    text: str
    tag_class: str


def status_of(concern: Concern, now=None) -> Status:
    if not concern.is_open:
        return Status("Responded", "govuk-tag--green")
    if concern.is_overdue(now):
        return Status("Response overdue", "govuk-tag--red")
    if concern.level > Level.TEAM and concern.escalated_at:
        return Status(f"Escalated to {Level(concern.level).label.lower()}", "govuk-tag--orange")
    return Status("Awaiting response", "govuk-tag--yellow")


def deadline_text(value) -> str:
    return deadlines.describe(value)


# -- the home page -----------------------------------------------------------------------------


def home_concerns(user: User) -> QuerySet[Concern]:
    """Open concerns for this user's home page: every open concern in their scope; for senior
    leaders, those escalated to them (and any they raised)."""
    concerns = open_concerns(user)
    if policy.can(user, policy.Capability.ANSWER_ESCALATED_CONCERNS):
        concerns = concerns.filter(Q(level=Level.SENIOR) | Q(raised_by=user))
    return concerns


def home_panels(user: User) -> list[Panel]:
    """Registered with the home page (web.panels) in ConcernsConfig.ready()."""
    if not user.is_authenticated or policy.scope_for(user) is policy.Scope.CONFIGURATION:
        return []
    concerns = list(home_concerns(user)[: PANEL_ITEMS + 1])
    if not concerns:
        return []
    total = home_concerns(user).count() if len(concerns) > PANEL_ITEMS else len(concerns)
    now = timezone.now()
    items = []
    for c in concerns[:PANEL_ITEMS]:
        status = status_of(c, now)
        where = c.team.name if c.team else "no team"
        items.append(
            PanelItem(
                text=f"{c.source_title} ({where})",
                url=reverse("concerns:detail", kwargs={"pk": c.pk}),
                detail=f"Response due by {deadline_text(c.respond_by)}",
                tag=status.text,
                tag_class=status.tag_class,
            )
        )
    return [
        Panel(
            key="concerns",
            title="Safeguarding concerns awaiting a response",
            summary=f"{total} open safeguarding concern{'s' if total != 1 else ''}.",
            items=tuple(items),
            more_url=reverse("concerns:list"),
            more_text="See every open concern and its deadline",
        )
    ]
