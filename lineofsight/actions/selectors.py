"""Reads of improvement actions, scoped by the requesting user, and the access helper.

Who sees an action: its owner and whoever raised it; team and service managers for their area;
roles that see everything (quality assurance lead, senior leader, analyst) see all. Anyone else
gets 404, as if it did not exist.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from lineofsight.accounts import policy
from lineofsight.accounts.models import User

from .models import CLOSED_STATUSES, OPEN_STATUSES, ImprovementAction


def _area_scopes() -> tuple[policy.Scope, ...]:
    return (policy.Scope.OWN_TEAM, policy.Scope.OWN_SERVICE)


def actions_visible_to(user: User) -> QuerySet[ImprovementAction]:
    actions = ImprovementAction.objects.select_related("owner", "team", "created_by")
    if not user.is_authenticated or not user.is_active:
        return actions.none()
    scope = policy.scope_for(user)
    if scope is policy.Scope.EVERYTHING:
        return actions.all()
    mine = Q(owner=user) | Q(created_by=user)
    if scope in _area_scopes():
        mine |= Q(team__in=policy.visible_teams(user))
    return actions.filter(mine)


def get_action_for_user(user: User, pk: int) -> ImprovementAction:
    """The action, or 404 if it does not exist or the user may not see it."""
    try:
        return actions_visible_to(user).get(pk=pk)
    except ImprovementAction.DoesNotExist:
        raise Http404("No such action") from None


def _manages_area(user: User, action: ImprovementAction) -> bool:
    if action.team_id is None or policy.scope_for(user) not in _area_scopes():
        return False
    return policy.visible_teams(user).filter(pk=action.team_id).exists()


def can_update(user: User, action: ImprovementAction) -> bool:
    """Record progress, change the status: the owner, whoever raised it, their managers, QA."""
    return (
        action.owner_id == user.pk
        or action.created_by_id == user.pk
        or policy.can(user, policy.Capability.MANAGE_AUDIT_PROGRAMMES)
        or _manages_area(user, action)
    )


def can_recheck(user: User, action: ImprovementAction) -> bool:
    """Whether practice changed is judged by someone other than the owner alone."""
    return (
        action.created_by_id == user.pk
        or policy.can(user, policy.Capability.MANAGE_AUDIT_PROGRAMMES)
        or _manages_area(user, action)
    )


@dataclass(frozen=True)
class ActionFilter:
    state: str = "open"  # open, overdue, closed, all
    source_type: str = ""
    mine: bool = False


def action_list(user: User, filters: ActionFilter) -> QuerySet[ImprovementAction]:
    actions = actions_visible_to(user)
    if filters.mine:
        actions = actions.filter(owner=user)
    today = timezone.localdate()
    if filters.state == "open":
        actions = actions.filter(status__in=OPEN_STATUSES)
    elif filters.state == "overdue":
        actions = actions.filter(status__in=OPEN_STATUSES, due_date__lt=today)
    elif filters.state == "closed":
        actions = actions.filter(status__in=CLOSED_STATUSES)
    if filters.source_type:
        actions = actions.filter(source_type=filters.source_type)
    return actions.order_by("due_date", "id")


def my_open_actions(user: User) -> QuerySet[ImprovementAction]:
    return action_list(user, ActionFilter(state="open", mine=True))


def actions_for_source(
    user: User, source_type: str, source_id: str | int
) -> QuerySet[ImprovementAction]:
    return actions_visible_to(user).filter(source_type=source_type, source_id=str(source_id))


@dataclass(frozen=True)
class ActionCounts:
    open: int
    overdue: int


def action_counts(actions: QuerySet[ImprovementAction], today: datetime.date) -> ActionCounts:
    """Open and overdue counts of any set of actions, in one query."""
    counts = actions.aggregate(
        open=Count("id", filter=Q(status__in=OPEN_STATUSES)),
        overdue=Count("id", filter=Q(status__in=OPEN_STATUSES, due_date__lt=today)),
    )
    return ActionCounts(open=counts["open"] or 0, overdue=counts["overdue"] or 0)
