"""Reads of practice weeks, scoped by the requesting user, and the access helpers.

Who sees what:
- quality assurance leads (MANAGE_PRACTICE_WEEKS) see and manage everything;
- service managers and senior leaders see every week, its timetable, every submitted
  observation, the analysis and the report (practice weeks look across the whole service by
  design); they record only the visits where they are the assessor;
- team managers see the weeks that visit their teams, those visits, and the submitted
  observations of them; not the analysis or the report;
- practitioners, analysts and administrators do not use practice weeks (403).
An object outside a user's scope is answered with 404, as if it did not exist. Drafts are seen
only by their assessor and quality assurance leads.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from lineofsight.accounts import policy
from lineofsight.accounts.models import Role, User
from lineofsight.themes.evidence import Evidence, Leaning

from .models import (
    Finding,
    Heading,
    Kind,
    Observation,
    ObservationStatus,
    ObservationVersion,
    PracticeWeek,
    Visit,
)

MANAGE = policy.Capability.MANAGE_PRACTICE_WEEKS
# Practice weeks are read by those who read quality assurance reports.
READ = policy.Capability.VIEW_AUDIT_REPORTS
ASSESSOR_ROLES = (Role.SERVICE_MANAGER, Role.SENIOR_LEADER, Role.QA_LEAD)


def may_view(user: User) -> bool:
    """Whether the user's role uses practice weeks at all (otherwise 403)."""
    return policy.can(user, MANAGE) or policy.can(user, READ)


def may_manage(user: User) -> bool:
    return policy.can(user, MANAGE)


def reads_whole_week(user: User) -> bool:
    """Sees every visit and submitted observation of a week, the analysis and the report."""
    return may_manage(user) or (
        policy.can(user, READ)
        and policy.scope_for(user) in (policy.Scope.OWN_SERVICE, policy.Scope.EVERYTHING)
    )


def require_view(user: User) -> None:
    if not may_view(user):
        raise PermissionDenied("Your role does not use practice weeks.")


def require_whole_week(user: User) -> None:
    if not reads_whole_week(user):
        raise PermissionDenied(
            "The analysis and report of a practice week are for quality assurance leads, "
            "service managers and senior leaders."
        )


def require_manage(user: User) -> None:
    policy.require(user, MANAGE)


# -- weeks -------------------------------------------------------------------------------------


def weeks_visible_to(user: User) -> QuerySet[PracticeWeek]:
    weeks = PracticeWeek.objects.all()
    if not user.is_authenticated or not may_view(user):
        return weeks.none()
    if reads_whole_week(user):
        return weeks
    return weeks.filter(
        Q(visits__team__in=policy.visible_teams(user)) | Q(visits__assessor=user)
    ).distinct()


def get_week_for_user(user: User, pk: int) -> PracticeWeek:
    try:
        return weeks_visible_to(user).get(pk=pk)
    except PracticeWeek.DoesNotExist:
        raise Http404("No such practice week") from None


def week_list(user: User) -> QuerySet[PracticeWeek]:
    return weeks_visible_to(user).order_by("-starts_on", "-id")


def previous_week(user: User, week: PracticeWeek) -> PracticeWeek | None:
    """The latest week the user may see that ended before this one began."""
    return (
        weeks_visible_to(user)
        .filter(ends_on__lt=week.starts_on)
        .exclude(pk=week.pk)
        .order_by("-ends_on", "-id")
        .first()
    )


# -- visits ------------------------------------------------------------------------------------


def visits_visible_to(user: User) -> QuerySet[Visit]:
    visits = Visit.objects.select_related("week", "team__service", "assessor")
    if not user.is_authenticated or not may_view(user):
        return visits.none()
    if reads_whole_week(user):
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
    try:
        return visits_visible_to(user).get(pk=pk)
    except Visit.DoesNotExist:
        raise Http404("No such visit") from None


def assessor_candidates() -> QuerySet[User]:
    people = User.objects.filter(is_active=True, role__in=ASSESSOR_ROLES)
    return policy.with_approved_roles(people).order_by("full_name")


def can_record(user: User, visit: Visit) -> bool:
    """Only the assessor writes the observation of a visit."""
    return visit.assessor_id == user.pk


def can_record_consent(user: User, visit: Visit) -> bool:
    return may_manage(user) or can_record(user, visit)


def consent_in_time(visit: Visit) -> bool:
    return any(c.counts_for(visit) for c in visit.consents.all())


# -- observations ------------------------------------------------------------------------------


def observations_visible_to(user: User) -> QuerySet[Observation]:
    observations = Observation.objects.select_related(
        "visit__week", "visit__team__service", "visit__assessor", "last_saved_by", "submitted_by"
    )
    if not user.is_authenticated or not may_view(user):
        return observations.none()
    if may_manage(user):
        return observations.all()
    submitted = Q(status=ObservationStatus.SUBMITTED)
    mine = Q(visit__assessor=user)
    if reads_whole_week(user):
        return observations.filter(submitted | mine)
    return observations.filter((submitted & Q(visit__team__in=policy.visible_teams(user))) | mine)


def get_observation_for_user(user: User, pk: int) -> Observation:
    try:
        return observations_visible_to(user).get(pk=pk)
    except Observation.DoesNotExist:
        raise Http404("No such observation") from None


def get_version_for_user(user: User, observation: Observation, number: int) -> ObservationVersion:
    try:
        return observation.versions.select_related("submitted_by").get(number=number)
    except ObservationVersion.DoesNotExist:
        raise Http404("No such version") from None


def can_tag(user: User, observation: Observation) -> bool:
    return may_manage(user) or can_record(user, observation.visit)


def can_reopen(user: User, observation: Observation) -> bool:
    return may_manage(user) and observation.is_locked


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
                source="Practice week",
                title=f"{visit.week.title}: {finding.get_heading_display()}",
                url=reverse("practiceweeks:observation_detail", args=[finding.observation_id]),
                date=timezone.localtime(visit.starts_at).date(),
                team_name=visit.team.name,
                summary=finding.text,
                leaning=Leaning.STRENGTH if finding.kind == Kind.STRENGTH else Leaning.CONCERN,
            )
        )
    return out
