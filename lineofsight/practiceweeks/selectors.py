"""Reads of practice weeks, scoped by the requesting user, and the access helpers.

Who sees what:
- quality assurance leads (MANAGE_PRACTICE_WEEKS) see and manage everything;
- service managers and senior leaders see every week, its timetable, every submitted
  observation, the analysis and the report (practice weeks look across the whole service by
  design); they record only the visits where they are the assessor;
- team managers see the weeks that visit their teams, those visits, and the submitted
  observations of them; not the analysis or the report;
- practitioners, analysts and administrators do not use practice weeks (403).
Each of these is a capability in the role table (accounts.policy); the rules here add the object:
the team, the assessor, the draft.
An object outside a user's scope is answered with 404, as if it did not exist. Drafts are seen
only by their assessor and quality assurance leads.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from lineofsight.accounts import policy
from lineofsight.accounts.models import User
from lineofsight.actions import selectors as action_selectors
from lineofsight.framework.evidence import Evidence, Leaning

from .models import (
    Finding,
    Heading,
    Kind,
    Observation,
    ObservationStatus,
    ObservationVersion,
    PracticeWeek,
    Visit,
    WeekKind,
)

MANAGE = policy.Capability.MANAGE_PRACTICE_WEEKS
VIEW = policy.Capability.VIEW_PRACTICE_WEEKS
WHOLE_WEEK = policy.Capability.READ_WHOLE_PRACTICE_WEEKS
ASSESS = policy.Capability.ASSESS_PRACTICE_VISITS


def require_manage(user: User) -> None:
    policy.require(user, MANAGE)


# -- weeks -------------------------------------------------------------------------------------


def weeks_visible_to(user: User) -> QuerySet[PracticeWeek]:
    weeks = PracticeWeek.objects.all()
    if not user.is_authenticated or not policy.can(user, VIEW):
        return weeks.none()
    if policy.can(user, WHOLE_WEEK):
        return weeks
    return weeks.filter(
        Q(visits__team__in=policy.visible_teams(user)) | Q(visits__assessor=user)
    ).distinct()


def get_week_for_user(user: User, pk: int) -> PracticeWeek:
    return get_object_or_404(weeks_visible_to(user), pk=pk)


def week_list(user: User, kind: str = "") -> QuerySet[PracticeWeek]:
    """Practice weeks and focused practice days, newest first; only one kind when `kind`."""
    weeks = weeks_visible_to(user).select_related("rechecks")
    if kind in WeekKind.values:
        weeks = weeks.filter(kind=kind)
    return weeks.order_by("-starts_on", "-id")


def previous_week(user: User, week: PracticeWeek) -> PracticeWeek | None:
    """What the analysis compares with. For a practice week: the latest practice week the user
    may see that ended before this one began (focused practice days are left out). For a focused
    practice day: the practice week it re-checks, when the user may see it."""
    visible = weeks_visible_to(user)
    if week.is_focused_day:
        return visible.filter(pk=week.rechecks_id).first() if week.rechecks_id else None
    return (
        visible.filter(kind=WeekKind.PRACTICE_WEEK, ends_on__lt=week.starts_on)
        .exclude(pk=week.pk)
        .order_by("-ends_on", "-id")
        .first()
    )


def weeks_to_recheck() -> QuerySet[PracticeWeek]:
    """The practice weeks a focused practice day may re-check (the planner sees every week)."""
    return PracticeWeek.objects.filter(kind=WeekKind.PRACTICE_WEEK).order_by("-ends_on", "-id")


def focused_days_of(user: User, week: PracticeWeek) -> QuerySet[PracticeWeek]:
    """The focused practice days the user may see that re-check this practice week."""
    return (
        weeks_visible_to(user)
        .filter(kind=WeekKind.FOCUSED_DAY, rechecks=week)
        .order_by("starts_on", "id")
    )


# -- re-checks of a practice week's improvement actions ------------------------------------------

# The actions app's source type for actions raised from a practice week (registered in apps.py).
ACTION_SOURCE = "practice_week"


def retests(finding: Finding, action: Any) -> bool:
    """Whether a focused practice day's finding re-tests an improvement action: they share a
    practice theme, and the finding is from a visit to the action's team (an action about no one
    team is re-tested in any team visited)."""
    if not set(finding.themes or []) & set(action.themes or []):
        return False
    return action.team_id is None or finding.observation.visit.team_id == action.team_id


@dataclass(frozen=True)
class ActionRecheck:
    """One improvement action of a practice week and the focused-day findings that re-test it."""

    action: Any  # an actions.ImprovementAction, read through the actions app's selectors
    findings: tuple[Finding, ...]


def action_rechecks(user: User, week: PracticeWeek) -> list[ActionRecheck]:
    """For a practice week: each of its improvement actions the user may see, with the findings
    of the focused practice days that re-check it. For a focused practice day: the actions of
    the week it re-checks, with this day's findings. Only submitted observations the user may
    read count."""
    if week.is_focused_day:
        earlier_id, days = week.rechecks_id, [week.pk]
    else:
        earlier_id, days = week.pk, list(focused_days_of(user, week).values_list("pk", flat=True))
    if earlier_id is None or not days:
        return []
    actions = list(
        action_selectors.actions_for_source(user, ACTION_SOURCE, earlier_id)
        .select_related("team", "owner")
        .order_by("due_date", "id")
    )
    observations = observations_visible_to(user).filter(
        status=ObservationStatus.SUBMITTED, visit__week__in=days
    )
    findings = list(
        Finding.objects.filter(observation__in=observations)
        .select_related("observation__visit__team", "observation__visit__week")
        .order_by("observation__visit__starts_at", "observation_id", "heading", "kind", "order")
    )
    return [
        ActionRecheck(action=a, findings=tuple(f for f in findings if retests(f, a)))
        for a in actions
    ]


# -- visits ------------------------------------------------------------------------------------


def visits_visible_to(user: User) -> QuerySet[Visit]:
    visits = Visit.objects.select_related("week", "team__service", "assessor")
    if not user.is_authenticated or not policy.can(user, VIEW):
        return visits.none()
    if policy.can(user, WHOLE_WEEK):
        return visits.all()
    return visits.filter(Q(team__in=policy.visible_teams(user)) | Q(assessor=user))


def week_visits(user: User, week: PracticeWeek) -> QuerySet[Visit]:
    return (
        visits_visible_to(user)
        .filter(week=week)
        .select_related("observation")
        .prefetch_related("consents")
        .order_by("starts_at", "id")
    )


def get_visit_for_user(user: User, pk: int) -> Visit:
    return get_object_or_404(visits_visible_to(user), pk=pk)


def assessor_candidates() -> QuerySet[User]:
    people = User.objects.filter(is_active=True, role__in=policy.roles_with(ASSESS))
    return policy.with_approved_roles(people).order_by("full_name")


def can_record(user: User, visit: Visit) -> bool:
    """Only the assessor writes the observation of a visit."""
    return visit.assessor_id == user.pk


def can_record_consent(user: User, visit: Visit) -> bool:
    return policy.can(user, MANAGE) or can_record(user, visit)


def consent_in_time(visit: Visit) -> bool:
    return any(c.counts_for(visit) for c in visit.consents.all())


# -- observations ------------------------------------------------------------------------------


def observations_visible_to(user: User) -> QuerySet[Observation]:
    observations = Observation.objects.select_related(
        "visit__week", "visit__team__service", "visit__assessor", "last_saved_by", "submitted_by"
    )
    if not user.is_authenticated or not policy.can(user, VIEW):
        return observations.none()
    if policy.can(user, MANAGE):
        return observations.all()
    submitted = Q(status=ObservationStatus.SUBMITTED)
    mine = Q(visit__assessor=user)
    if policy.can(user, WHOLE_WEEK):
        return observations.filter(submitted | mine)
    return observations.filter((submitted & Q(visit__team__in=policy.visible_teams(user))) | mine)


def get_observation_for_user(user: User, pk: int) -> Observation:
    return get_object_or_404(observations_visible_to(user), pk=pk)


def get_version_for_user(user: User, observation: Observation, number: int) -> ObservationVersion:
    return get_object_or_404(observation.versions.select_related("submitted_by"), number=number)


def can_tag(user: User, observation: Observation) -> bool:
    return policy.can(user, MANAGE) or can_record(user, observation.visit)


def can_reopen(user: User, observation: Observation) -> bool:
    return policy.can(user, MANAGE) and observation.is_locked


def findings_by_heading(observation: Observation) -> list[dict]:
    """[{heading, label, strengths: [Finding], areas: [Finding]}] in heading order."""
    rows = {
        h.value: {"heading": h.value, "label": h.label, "strengths": [], "areas": []}
        for h in Heading
    }
    for finding in observation.findings.all().order_by("order", "id"):
        key = "strengths" if finding.kind == Kind.STRENGTH else "areas"
        rows[finding.heading][key].append(finding)
    return list(rows.values())


# -- for the triangulation page ------------------------------------------------------------------


def observations_for_theme(user: User, theme_key: str) -> list[Evidence]:
    """Strengths and areas for development tagged with the theme, in submitted observations the
    user may see, newest visit first. The themes page is limited to the user's scope, so a
    service manager (who reads every week's observations on the practice week pages) gets only
    the visits to teams in their own service here."""
    visible = observations_visible_to(user).filter(status=ObservationStatus.SUBMITTED)
    if policy.scope_for(user) is not policy.Scope.EVERYTHING:
        visible = visible.filter(visit__team__in=policy.visible_teams(user))
    findings = (
        Finding.objects.filter(observation__in=visible)
        .select_related("observation__visit__week", "observation__visit__team")
        .order_by("-observation__visit__starts_at", "observation_id", "heading", "order")
    )
    out: list[Evidence] = []
    for finding in findings:
        if theme_key not in (finding.themes or []):
            continue
        visit = finding.observation.visit
        out.append(
            Evidence(
                source=visit.week.get_kind_display(),
                title=f"{visit.week.title}: {finding.get_heading_display()}",
                url=reverse("practiceweeks:observation_detail", args=[finding.observation_id]),
                date=timezone.localtime(visit.starts_at).date(),
                team_name=visit.team.name,
                summary=finding.text,
                leaning=Leaning.STRENGTH if finding.kind == Kind.STRENGTH else Leaning.CONCERN,
            )
        )
    return out
