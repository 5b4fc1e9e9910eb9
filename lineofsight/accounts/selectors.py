"""Reads of people and access records, scoped by the requesting user."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet

from . import policy
from .models import AccessLogEntry, User


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
