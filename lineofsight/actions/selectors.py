"""Reads of improvement actions, scoped by the requesting user, and the access helper.

Who sees an action: its owner and whoever raised it; team and service managers for their area;
roles that see everything (quality assurance lead, senior leader, analyst) see all. Anyone else
gets 404, as if it did not exist.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Case, Count, Q, QuerySet, When
from django.shortcuts import get_object_or_404
from django.utils import timezone

from lineofsight.accounts import policy
from lineofsight.accounts.models import Team, User
from lineofsight.framework import vocabulary
from lineofsight.worklists import selectors as worklist_selectors

from .models import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    ImprovementAction,
    RecheckResult,
    Status,
)


def _area_scopes() -> tuple[policy.Scope, ...]:
    return (policy.Scope.OWN_TEAM, policy.Scope.OWN_SERVICE)


def actions_visible_to(user: User) -> QuerySet[ImprovementAction]:
    actions = ImprovementAction.objects.select_related("owner", "team", "created_by")
    if not user.is_authenticated or not user.is_active:
        return actions.none()
    scope = policy.scope_for(user)
    if scope is policy.Scope.EVERYTHING:
        return actions.all()
    if scope is policy.Scope.CONFIGURATION:
        # Administrators, and anyone whose role awaits a senior leader's approval, see no child:
        # not even through an action they own or raised.
        return actions.none()
    mine = Q(owner=user) | Q(created_by=user)
    if scope in _area_scopes():
        mine |= Q(team__in=policy.visible_teams(user))
    return actions.filter(mine)


def get_action_for_user(user: User, pk: int) -> ImprovementAction:
    """The action, or 404 if it does not exist or the user may not see it."""
    return get_object_or_404(actions_visible_to(user), pk=pk)


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


# -- raising an action --------------------------------------------------------------------------


def owner_choices(teams: QuerySet[Team] | list[Team]) -> QuerySet[User]:
    """Active people who may see the work of any of these teams (the policy's scope rules):
    everyone whose role sees everything, the service managers of the teams' services, and the
    teams' own members. Administrators, who see no casework, are never offered."""
    return policy.people_who_can(policy.Capability.VIEW_CASEWORK, teams)


def may_see_team(person: User, team: Team) -> bool:
    return owner_choices([team]).filter(pk=person.pk).exists()


@dataclass(frozen=True)
class Owners:
    """People who may own an action, as offered: the child's allocated workers first."""

    people: QuerySet[User]
    allocated: frozenset[int]  # pks of the child's allocated workers among them
    by_child: bool = False  # chosen by who may see the child (not by team)


def owners_for_child(
    person_id: str, *, teams: list[Team], worker_ids: tuple[str, ...] = ()
) -> Owners:
    """Who may own an action about one child: the active people who may see the child's record
    in the current snapshot (the policy's scope rules, through worklists.casework_scope). The
    child's allocated worker comes first, then those closest to the child's work: the members of
    the child's team, its service's managers, then everyone else who sees every team, each by
    name. For a child with no open case in the snapshot (a closed case that was audited, say):
    the people who may see `teams`' work, with `worker_ids` (the worker the source records)
    first. Without a child: the people who may see `teams`' work, in the same order."""
    allocation = worklist_selectors.child_allocation(person_id) if person_id else None
    if allocation is not None and allocation.found:
        teams = list(Team.objects.filter(case_system_id__in=allocation.team_ids))
        candidates = owner_choices(teams) | User.objects.filter(
            is_active=True, professional_id__in=allocation.worker_ids
        )
        pks = [
            u.pk
            for u in candidates.distinct()
            if worklist_selectors.scope_covers(worklist_selectors.casework_scope(u), allocation)
        ]
        workers = allocation.worker_ids
    else:
        pks = list(owner_choices(teams).values_list("pk", flat=True))
        workers = frozenset(w for w in worker_ids if w)
        # The worker the source records (an audited case's worker) holds the case: offered too.
        pks += [
            u.pk
            for u in User.objects.filter(is_active=True, professional_id__in=workers)
            if not worklist_selectors.casework_scope(u).nothing
        ]
    members = User.objects.filter(memberships__team__in=teams).values("pk")
    people = policy.with_approved_roles(User.objects.filter(pk__in=pks)).annotate(
        closeness=Case(
            When(professional_id__in=workers, then=0),
            When(pk__in=members, then=1),
            When(service_id__in={t.service_id for t in teams}, then=2),
            default=3,
        )
    )
    people = people.order_by("closeness", "full_name", "pk")
    allocated = frozenset(u.pk for u in people if u.closeness == 0)
    return Owners(people, allocated, by_child=allocation is not None and allocation.found)


# -- action plan for one source -----------------------------------------------------------------


NO_THEME = ""


@dataclass(frozen=True)
class ThemeGroup:
    key: str  # "" for actions with no theme
    label: str
    actions: tuple[ImprovementAction, ...]


def _theme_order(keys: set[str]) -> list[str]:
    """Vocabulary order, then free tags by label, then no theme."""
    vocab = [t.key for t in vocabulary.themes()]
    ordered = [k for k in vocab if k in keys]
    free = sorted((k for k in keys if k not in vocab and k != NO_THEME), key=vocabulary.label)
    return ordered + free + ([NO_THEME] if NO_THEME in keys else [])


def _theme_label(key: str) -> str:
    return vocabulary.label(key) if key else "No theme"


def plan_groups(actions: list[ImprovementAction]) -> list[ThemeGroup]:
    """An action plan's actions under the theme each was first tagged with (its main theme),
    in vocabulary order; one group with no heading when nothing is tagged."""
    by_key: dict[str, list[ImprovementAction]] = {}
    for action in actions:
        by_key.setdefault(action.themes[0] if action.themes else NO_THEME, []).append(action)
    return [
        ThemeGroup(key=k, label=_theme_label(k), actions=tuple(by_key[k]))
        for k in _theme_order(set(by_key))
    ]


# -- board of all actions by theme --------------------------------------------------------------


BOARD_STATUSES = (
    ("", "Any status"),
    ("overdue", "Overdue"),
    *Status.choices,
)


@dataclass(frozen=True)
class BoardFilter:
    source_type: str = ""
    team_id: int | None = None
    status: str = ""  # a Status value, "overdue", or "" for any


@dataclass(frozen=True)
class BoardRow:
    key: str
    label: str
    suggested: bool  # in the council's vocabulary (False for a free tag or "No theme")
    open: int
    overdue: int
    done: int
    improved: int
    actions: tuple[ImprovementAction, ...]


def board_actions(user: User, filters: BoardFilter) -> QuerySet[ImprovementAction]:
    actions = actions_visible_to(user)
    if filters.source_type:
        actions = actions.filter(source_type=filters.source_type)
    if filters.team_id:
        actions = actions.filter(team_id=filters.team_id)
    if filters.status == "overdue":
        actions = actions.filter(status__in=OPEN_STATUSES, due_date__lt=timezone.localdate())
    elif filters.status:
        actions = actions.filter(status=filters.status)
    return actions.order_by("due_date", "id")


def board(user: User, filters: BoardFilter, today: datetime.date | None = None) -> list[BoardRow]:
    """Every theme in the vocabulary (with noughts where nothing is tagged), then free tags,
    then actions with no theme; an action with several themes counts under each. One query."""
    today = today or timezone.localdate()
    by_key: dict[str, list[ImprovementAction]] = {t.key: [] for t in vocabulary.themes()}
    for action in board_actions(user, filters):
        for key in action.themes or [NO_THEME]:
            by_key.setdefault(key, []).append(action)
    vocab = {t.key for t in vocabulary.themes()}
    rows = []
    for key in _theme_order(set(by_key)):
        items = by_key[key]
        rows.append(
            BoardRow(
                key=key,
                label=_theme_label(key),
                suggested=key in vocab,
                open=sum(1 for a in items if a.status in OPEN_STATUSES),
                overdue=sum(1 for a in items if a.is_overdue(today)),
                done=sum(1 for a in items if a.status == Status.DONE),
                improved=sum(1 for a in items if a.recheck_result == RecheckResult.IMPROVED),
                actions=tuple(items),
            )
        )
    return rows
