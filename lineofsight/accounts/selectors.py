"""Reads of people and access records, scoped by the requesting user."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from lineofsight.history.models import ChangeEvent

from . import policy
from .models import AccessLogEntry, RoleGrant, RoleGrantStatus, User, UserSession
from .sessions import LAST_SEEN_EVERY_SECONDS, absolute_lifetime_seconds


@dataclass(frozen=True)
class AccessLogFilter:
    user: str = ""  # part of an email address or name
    person_id: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


def access_log_for_user(requester: User, filters: AccessLogFilter) -> QuerySet[AccessLogEntry]:
    policy.require(requester, policy.Capability.VIEW_ACCESS_LOG)
    entries = AccessLogEntry.objects.select_related("user")
    if filters.user:
        entries = entries.filter(user__email__icontains=filters.user) | entries.filter(
            user__full_name__icontains=filters.user
        )
    if filters.person_id:
        entries = entries.filter(person_id=filters.person_id.strip())
    if filters.date_from:
        entries = entries.filter(at__date__gte=filters.date_from)
    if filters.date_to:
        entries = entries.filter(at__date__lte=filters.date_to)
    return entries.order_by("-at", "-id")


# --- separation of duties: requests for roles that see children's records ---

GRANT_ACTIONS = {
    "role_grant_request": "Requested",
    "role_grant_approve": "Approved",
    "role_grant_refuse": "Refused",
    "role_grant_withdraw": "Withdrawn",
}


def role_grants_for_user(requester: User) -> QuerySet[RoleGrant]:
    """Every request, newest first: senior leaders decide them, administrators follow them."""
    if not (
        policy.can(requester, policy.Capability.APPROVE_ROLE_GRANTS)
        or policy.can(requester, policy.Capability.MANAGE_USERS)
    ):
        policy.require(requester, policy.Capability.APPROVE_ROLE_GRANTS)
    return RoleGrant.objects.select_related("user", "requested_by", "decided_by").order_by(
        "-requested_at", "-id"
    )


def get_role_grant_for_user(requester: User, pk: int) -> RoleGrant:
    return get_object_or_404(role_grants_for_user(requester), pk=pk)


def pending_role_grant_count(requester: User) -> int:
    if not policy.can(requester, policy.Capability.APPROVE_ROLE_GRANTS):
        return 0
    return RoleGrant.objects.filter(status=RoleGrantStatus.PENDING).count()


@dataclass(frozen=True)
class RoleGrantEvent:
    at: datetime.datetime
    event: str
    actor: str  # who made the change; "the server" for a command
    about: str  # the role and the person
    reason: str


def role_grant_events(requester: User, filters: AccessLogFilter, limit: int = 100):
    """Requests, approvals, refusals and withdrawals of roles, from the change history, for the
    access log page. `filters.user` matches the person or whoever acted; dates as for views."""
    policy.require(requester, policy.Capability.VIEW_ACCESS_LOG)
    events = ChangeEvent.objects.filter(
        object_type=RoleGrant._meta.label_lower, action__in=GRANT_ACTIONS
    ).select_related("actor")
    if filters.user:
        events = events.filter(
            Q(object_repr__icontains=filters.user)
            | Q(actor__email__icontains=filters.user)
            | Q(actor__full_name__icontains=filters.user)
        )
    if filters.date_from:
        events = events.filter(at__date__gte=filters.date_from)
    if filters.date_to:
        events = events.filter(at__date__lte=filters.date_to)
    events = list(events.order_by("-at", "-id")[: limit + 1])
    rows = [
        RoleGrantEvent(
            at=e.at,
            event=GRANT_ACTIONS[e.action],
            actor=e.actor.full_name if e.actor else "The server (a command)",
            about=e.object_repr,
            reason=str((e.changes.get("reason") or [None, ""])[1] or ""),
        )
        for e in events[:limit]
    ]
    return rows, len(events) > limit


def user_sessions_for_user(requester: User) -> QuerySet[UserSession]:
    """The requester's own signed-in sessions, most recently used first. Nobody sees another
    person's sessions, administrators included. Sessions past the idle timeout or the absolute
    lifetime have ended, though `lineofsight purge` has not yet removed their notes."""
    now = timezone.now()
    # last_seen is written at most once a minute, so a live session may look a minute older.
    idle = datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE + LAST_SEEN_EVERY_SECONDS)
    lifetime = datetime.timedelta(seconds=absolute_lifetime_seconds())
    return UserSession.objects.filter(
        user=requester, last_seen__gte=now - idle, created__gte=now - lifetime
    ).order_by("-last_seen", "-id")


def get_user_session_for_user(requester: User, pk: int) -> UserSession:
    """One of the requester's own sessions; 404 for anyone else's."""
    return get_object_or_404(user_sessions_for_user(requester), pk=pk)
