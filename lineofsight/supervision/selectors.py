"""Reads of group supervision, scoped by the requesting user, and the access helpers.

Who sees a session: people who may see its team's casework (team managers of the team, the
service's managers, roles that see everything), and practitioners who attended or facilitated
it. Who may lead one (set it up, nominate cases, record the discussion and actions): team
managers for their own teams and quality assurance leads for any team. Anything else is 404 if
the user may not see it, 403 if they may see it but not change it.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, replace

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from lineofsight.accounts import policy
from lineofsight.accounts.models import AccessPurpose, Team, User
from lineofsight.worklists import hooks
from lineofsight.worklists.casedata import CaseRow
from lineofsight.worklists.query import WorklistQuery
from lineofsight.worklists.selectors import NO_CASEWORK, team_worklist

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
    return get_object_or_404(sessions_visible_to(user), pk=pk)


def get_session_case_for_user(user: User, pk: int) -> SessionCase:
    """The case on a session, or 404 if it does not exist or its session is out of sight."""
    case = get_object_or_404(
        SessionCase.objects.select_related(
            "session", "flags_snapshot", "updated_by", "nominated_by"
        ),
        pk=pk,
    )
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
    quality assurance lead (every team when `teams` is None): whoever leads supervision and
    whose scope takes the team in."""
    return policy.people_who_can(policy.Capability.LEAD_SUPERVISION, teams)


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


def discussed_on(team: Team, person_ids: Sequence[str]) -> dict[str, datetime.date]:
    """When each of these children was last discussed in the team's group supervision (those
    never discussed are left out); one query."""
    latest: dict[str, datetime.date] = {}
    for pid, held_on in SessionCase.objects.filter(
        session__team=team, person_id__in=list(person_ids)
    ).values_list("person_id", "session__held_on"):
        if pid not in latest or held_on > latest[pid]:
            latest[pid] = held_on
    return latest


def next_session(sessions: Sequence[Session], today: datetime.date) -> Session | None:
    """The team's next session: the first held today or later, else the latest one (a session
    is often written up after it was held). `sessions` as sessions_for_nomination gives them."""
    to_come = [s for s in sessions if s.held_on >= today]
    if to_come:
        return min(to_come, key=lambda s: (s.held_on, s.pk))
    return sessions[0] if sessions else None


def worklist_supervision(
    user: User, team: Team, person_ids: Sequence[str]
) -> hooks.TeamSupervision:
    """What the team's worklist shows of group supervision (registered with
    worklists.hooks): when the children on the page were last discussed, and for someone who
    may lead the team's supervision, where to bring the children they tick."""
    discussed = discussed_on(team, person_ids) if person_ids else {}
    if not may_lead(user, team):
        return hooks.TeamSupervision(discussed, None)
    sessions = sessions_for_nomination(team)
    chosen = next_session(sessions, timezone.localdate())
    here = reverse("supervision:selection", kwargs={"team_id": team.pk})
    return hooks.TeamSupervision(
        discussed,
        hooks.Nomination(
            action_url=here,
            review_url=here,
            set_up_url=f"{reverse('supervision:session_create')}?team={team.pk}",
            sessions=tuple(session_choices(sessions, chosen)),
        ),
    )


def session_choices(
    sessions: Sequence[Session], chosen: Session | None
) -> list[hooks.SessionChoice]:
    today = timezone.localdate()
    return [
        hooks.SessionChoice(
            str(s.pk),
            f"{s.held_on:%d/%m/%Y}"
            + (" (the next session)" if s is chosen and s.held_on >= today else ""),
            s is chosen,
        )
        for s in sessions
    ]


@dataclass
class SelectedChildren:
    rows: list[CaseRow]  # the children selected, as the team's worklist shows them, by name
    missing: list[str]  # ids selected that are no longer on the worklist
    as_at: datetime.date | None = None  # the casework data's date


def selected_rows(user: User, team: Team, person_ids: Sequence[str]) -> SelectedChildren:
    """The children selected on the team's worklist, as its rows (scoped as the worklist is:
    `team` from policy.get_team_for_user)."""
    wanted = set(person_ids)
    if not wanted:
        return SelectedChildren([], [])
    try:
        worklist = team_worklist(user, team, WorklistQuery(sort="name"))
    except NO_CASEWORK:
        return SelectedChildren([], sorted(wanted))
    rows: dict[str, CaseRow] = {}
    for row in worklist.rows:
        if row.person_id in wanted:
            rows.setdefault(row.person_id, row)
    return SelectedChildren(
        list(rows.values()), sorted(wanted - set(rows)), worklist.snapshot.as_at
    )


def child_access_purpose(user: User, person_id: str) -> str | None:
    """Registered with worklists.hooks: a child discussed in a session the user may see."""
    return AccessPurpose.SUPERVISION if person_discussed_for_user(user, person_id) else None


def mark_discussed(rows: list[CaseRow], team: Team) -> list[CaseRow]:
    """The rows (normally one page of a worklist), each child discussed in the team's group
    supervision noted with the latest date; one query. Rows are shared, so noted ones are
    copies."""
    latest = discussed_on(team, [r.person_id for r in rows])
    return [
        replace(row, discussed_on=latest[row.person_id]) if row.person_id in latest else row
        for row in rows
    ]
