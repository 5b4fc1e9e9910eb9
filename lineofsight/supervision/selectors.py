"""Reads of group supervision, scoped by the requesting user, and the access helpers.

Who sees a session: people who may see its team's casework (team managers of the team, the
service's managers, roles that see everything), and practitioners who attended or facilitated
it. Who may lead one (set it up, nominate cases, record the discussion and actions): team
managers for their own teams and quality assurance leads for any team. Anything else is 404 if
the user may not see it, 403 if they may see it but not change it.
"""

from __future__ import annotations

import datetime
from dataclasses import replace

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from lineofsight.accounts import policy
from lineofsight.accounts.models import Role, Team, User
from lineofsight.worklists.casedata import CaseRow

from .models import Session, SessionCase

# How many of a team's sessions a worklist offers for nominating cases.
NOMINATION_CHOICES = 12


def sessions_visible_to(user: User) -> QuerySet[Session]:
    sessions = Session.objects.select_related("team", "facilitator")
    if not policy.can(user, policy.Capability.VIEW_CASEWORK):
        return sessions.none()
    scope = policy.scope_for(user)
    if scope is policy.Scope.EVERYTHING:
        return sessions.all()
    if scope is policy.Scope.OWN_CASELOAD:
        return sessions.filter(Q(attendees=user) | Q(facilitator=user)).distinct()
    return sessions.filter(
        Q(team__in=policy.visible_teams(user)) | Q(attendees=user) | Q(facilitator=user)
    ).distinct()


def session_list(user: User, team: Team | None = None) -> QuerySet[Session]:
    sessions = sessions_visible_to(user)
    if team is not None:
        sessions = sessions.filter(team=team)
    return sessions.annotate(case_count=Count("cases", distinct=True)).order_by("-held_on", "-id")


def get_session_for_user(user: User, pk: int) -> Session:
    """The session, or 404 if it does not exist or the user may not see it."""
    try:
        return sessions_visible_to(user).get(pk=pk)
    except Session.DoesNotExist:
        raise Http404("No such session") from None


def get_session_case_for_user(user: User, pk: int) -> SessionCase:
    """The case on a session, or 404 if it does not exist or its session is out of sight."""
    try:
        case = SessionCase.objects.select_related(
            "session", "flags_snapshot", "updated_by", "nominated_by"
        ).get(pk=pk)
    except SessionCase.DoesNotExist:
        raise Http404("No such case") from None
    case.session = get_session_for_user(user, case.session_id)
    return case


def leadable_teams(user: User) -> QuerySet[Team]:
    """Teams for which the user may set up sessions and record them."""
    if not policy.can(user, policy.Capability.LEAD_SUPERVISION):
        return Team.objects.none()
    return policy.visible_teams(user)


def may_lead(user: User, team: Team) -> bool:
    return leadable_teams(user).filter(pk=team.pk).exists()


def person_discussed_for_user(user: User, person_id: str) -> bool:
    return sessions_visible_to(user).filter(cases__person_id=person_id).exists()


def sessions_for_nomination(team: Team) -> list[Session]:
    """The team's latest sessions, newest first, to bring cases to (for someone who may lead
    the team's supervision). Past sessions stay on offer: a session is often written up after
    it was held."""
    return list(
        Session.objects.filter(team=team)
        .select_related("team")
        .order_by("-held_on", "-id")[:NOMINATION_CHOICES]
    )


def people_who_may_facilitate(teams: QuerySet[Team] | list[Team] | None = None) -> QuerySet[User]:
    """Who may facilitate a session of one of `teams`: a team manager of that team, or a
    quality assurance lead (every team when `teams` is None)."""
    managers = Q(role=Role.TEAM_MANAGER)
    if teams is not None:
        managers &= Q(memberships__team__in=teams)
    return (
        policy.with_approved_roles(User.objects.filter(is_active=True))
        .filter(pk__in=User.objects.filter(managers | Q(role=Role.QA_LEAD)).values("pk"))
        .order_by("full_name", "pk")
    )


def may_facilitate(person: User, team: Team) -> bool:
    return people_who_may_facilitate([team]).filter(pk=person.pk).exists()


def possible_attendees(session: Session) -> QuerySet[User]:
    """The team's members, and whoever already attends or facilitates."""
    return (
        User.objects.filter(
            Q(memberships__team=session.team, is_active=True)
            | Q(pk__in=session.attendees.values("pk"))
            | Q(pk=session.facilitator_id)
        )
        .distinct()
        .order_by("full_name")
    )


def session_with_cases(session: Session) -> Session:
    """The session with its cases and attendees loaded for display."""
    return (
        Session.objects.select_related("team", "facilitator", "created_by", "snapshot")
        .prefetch_related(
            Prefetch(
                "cases",
                queryset=SessionCase.objects.select_related("updated_by", "flags_snapshot"),
            ),
            Prefetch("attendees", queryset=User.objects.order_by("full_name")),
        )
        .get(pk=session.pk)
    )


def mark_discussed(rows: list[CaseRow], team: Team) -> list[CaseRow]:
    """The rows (normally one page of a worklist), each child discussed in the team's group
    supervision noted with the latest date; one query. Rows are shared, so noted ones are
    copies."""
    latest: dict[str, datetime.date] = {}
    for pid, held_on in SessionCase.objects.filter(
        session__team=team, person_id__in=[r.person_id for r in rows]
    ).values_list("person_id", "session__held_on"):
        if pid not in latest or held_on > latest[pid]:
            latest[pid] = held_on
    return [
        replace(row, discussed_on=latest[row.person_id]) if row.person_id in latest else row
        for row in rows
    ]
