"""Reads of the workforce records, scoped by the requesting user, and the access helpers.

Who reads: people who may see the council's figures (VIEW_INDICATORS), each for the teams in
their scope: a team manager their own teams, a service manager their service's, quality assurance
leads and senior leaders every team. Who manages a worker's early careers record: whoever leads
supervision for the worker's team (LEAD_SUPERVISION: team managers for their teams, quality
assurance leads for any). Courses, sessions, attendance and the skills matrix are the council's
own configuration (MANAGE_AUDIT_PROGRAMMES). A record outside the user's teams is 404; one they
may read but not change is 403.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from lineofsight.accounts import policy
from lineofsight.accounts.models import Role, Team, User
from lineofsight.framework import vocabulary
from lineofsight.framework.selectors import framework_in_force
from lineofsight.indicators.catalogue import caseload_threshold
from lineofsight.web.figures import count_text, share_text
from lineofsight.worklists import casedata
from lineofsight.worklists.selectors import NO_CASEWORK, reading

from . import programme as programmes
from .models import (
    Attendance,
    Course,
    CourseSession,
    Enrolment,
    PanelOutcome,
    Skill,
    SkillRole,
    StageRecord,
)

READ = policy.Capability.VIEW_WORKFORCE
MANAGE_TEAM = policy.Capability.MANAGE_WORKFORCE
MANAGE_COUNCIL = policy.Capability.MANAGE_LEARNING
# A stage is "due" from this many days before its date.
DUE_WITHIN_DAYS = 28
RETENTION_MONTHS = (12, 24)


# -- access ------------------------------------------------------------------------------------


def readable_teams(user: User) -> QuerySet[Team]:
    if not policy.can(user, READ):
        return Team.objects.none()
    return policy.visible_teams(user)


def manageable_teams(user: User) -> QuerySet[Team]:
    """Teams whose early careers records the user may change."""
    if not policy.can(user, MANAGE_TEAM):
        return Team.objects.none()
    return policy.visible_teams(user)


def may_manage(user: User, enrolment: Enrolment) -> bool:
    return manageable_teams(user).filter(pk=enrolment.team_id).exists()


def may_manage_learning(user: User) -> bool:
    return policy.can(user, MANAGE_COUNCIL)


def enrolments_visible_to(user: User) -> QuerySet[Enrolment]:
    return Enrolment.objects.filter(team__in=readable_teams(user)).select_related(
        "worker", "team", "assessor"
    )


def get_enrolment_for_user(user: User, pk: int) -> Enrolment:
    """The enrolment, or 404 if it does not exist or its team is outside the user's scope."""
    return get_object_or_404(enrolments_visible_to(user), pk=pk)


def people_in_teams(teams: Iterable[Team]) -> QuerySet[User]:
    """Active members of the teams, by name."""
    return (
        User.objects.filter(is_active=True, memberships__team__in=list(teams))
        .distinct()
        .order_by("full_name", "pk")
    )


def possible_assessors() -> QuerySet[User]:
    """Who may assess a newly qualified worker: anyone who leads supervision or reads the
    council's figures and can sign in (a practice educator is recorded by their manager)."""
    roles = set(policy.roles_with(MANAGE_TEAM)) | set(policy.roles_with(READ))
    return policy.with_approved_roles(
        User.objects.filter(is_active=True, role__in=sorted(roles))
    ).order_by("full_name", "pk")


# -- early careers: stages -------------------------------------------------------------------


@dataclass(frozen=True)
class StageStatus:
    stage: programmes.Stage
    due_on: datetime.date
    record: StageRecord | None
    state: str  # done, overdue, due, to_come, not_recorded (the programme has ended)

    @property
    def state_label(self) -> str:
        return {
            "done": "Done",
            "overdue": "Overdue",
            "due": "Due",
            "to_come": "To come",
            "not_recorded": "Not recorded",
        }[self.state]


def enrolment_closed(records: Iterable[StageRecord]) -> bool:
    """The programme has ended for the worker: the final panel passed them or did not."""
    return any(
        r.stage == programmes.FINAL_PANEL and r.outcome in (PanelOutcome.PASS, PanelOutcome.FAIL)
        for r in records
    )


def stage_statuses(
    enrolment: Enrolment,
    today: datetime.date,
    records: Iterable[StageRecord] | None = None,
) -> list[StageStatus]:
    """Each stage of the programme for the worker, with its due date and whether it is done,
    overdue (its date has passed), due (within DUE_WITHIN_DAYS) or still to come."""
    recs = list(enrolment.stages.all() if records is None else records)
    by_key = {r.stage: r for r in recs}
    closed = enrolment_closed(recs)
    out = []
    for stage in programmes.programme().stages:
        due_on = stage.due_on(enrolment.start_date)
        record = by_key.get(stage.key)
        if record is not None and record.outcome != PanelOutcome.EXTENDED:
            state = "done"
        elif closed:
            state = "not_recorded"
        elif due_on < today:
            state = "overdue"
        elif (due_on - today).days <= DUE_WITHIN_DAYS:
            state = "due"
        else:
            state = "to_come"
        out.append(StageStatus(stage, due_on, record, state))
    return out


def enrolment_state(enrolment: Enrolment, records: Iterable[StageRecord]) -> str:
    final = next((r for r in records if r.stage == programmes.FINAL_PANEL), None)
    if final is None:
        return "In the programme"
    return {
        PanelOutcome.PASS: "Completed",
        PanelOutcome.FAIL: "Not passed",
        PanelOutcome.EXTENDED: "Extended",
    }.get(final.outcome, "In the programme")


# -- early careers: protected caseload -------------------------------------------------------


@dataclass(frozen=True)
class CaseloadCheck:
    cases: int | None  # children with an open case allocated to the worker; None: not known
    limit: float  # the most the worker may hold: the council's share of a full caseload
    why_unknown: str = ""

    @property
    def over(self) -> bool:
        return self.cases is not None and self.cases > self.limit

    @property
    def cases_text(self) -> str:
        return count_text(self.cases) if self.cases is not None else "Not known"


def protected_limit() -> float:
    """The share of a full caseload (CASELOAD_THRESHOLD) a worker in the programme may hold."""
    return programmes.programme().protected_caseload_share * caseload_threshold()


def caseloads(professional_ids: Iterable[str]) -> dict[str, int] | None:
    """Children with an open case allocated to each worker (by professional id) in the current
    snapshot, read as the worklists read a caseload; None when there is no casework."""
    ids = sorted({p.strip() for p in professional_ids if p and p.strip()})
    try:
        with reading() as reader:
            if not reader.has_worklists:
                return None
            return {
                pid: len(
                    {
                        r.person_id
                        for r in casedata.case_rows(
                            reader.con, casedata.CaseScope(worker_id=pid), cache_key=reader.key
                        )
                    }
                )
                for pid in ids
            }
    except NO_CASEWORK:
        return None


def caseload_checks(enrolments: Iterable[Enrolment]) -> dict[int, CaseloadCheck]:
    """For each enrolment still in the programme, whether the worker holds more than the
    protected share of a full caseload (enrolments that have ended are left out)."""
    active = [
        e for e in enrolments if e.completed_on is None and not enrolment_closed(e.stages.all())
    ]
    limit = protected_limit()
    counts = caseloads(e.worker.professional_id for e in active) if active else {}
    out = {}
    for e in active:
        pid = e.worker.professional_id.strip()
        if not pid:
            out[e.pk] = CaseloadCheck(None, limit, "not linked to a worker in the case data")
        elif counts is None:
            out[e.pk] = CaseloadCheck(None, limit, "there is no case data yet")
        else:
            out[e.pk] = CaseloadCheck(counts.get(pid, 0), limit)
    return out


# -- early careers: retention ----------------------------------------------------------------


@dataclass(frozen=True)
class Retention:
    months: int
    completed: int  # completed at least `months` ago
    retained: int  # of those, still with the council `months` after completing

    @property
    def completed_text(self) -> str:
        return count_text(self.completed)

    @property
    def retained_text(self) -> str:
        return count_text(self.retained)

    @property
    def share_text(self) -> str:
        return share_text(self.retained, self.completed)


def retained_at(enrolment: Enrolment, months: int) -> bool:
    """Whether the worker was still with the council `months` after completing: they can sign
    in still, or they left on or after that day."""
    point = programmes.add_months(enrolment.completed_on, months)
    if enrolment.left_on is not None:
        return enrolment.left_on >= point
    return enrolment.worker.is_active


def retention(enrolments: Iterable[Enrolment], today: datetime.date) -> list[Retention]:
    """Of the workers who completed the programme at least 12 (24) months ago, how many were
    still employed 12 (24) months after completing."""
    done = [e for e in enrolments if e.completed_on is not None]
    out = []
    for months in RETENTION_MONTHS:
        due = [e for e in done if programmes.add_months(e.completed_on, months) <= today]
        out.append(Retention(months, len(due), sum(retained_at(e, months) for e in due)))
    return out


# -- learning and development ----------------------------------------------------------------


def practice_models() -> list[tuple[str, str]]:
    """(key, title) of the practice models in the framework in force."""
    return [(m.key, m.title) for m in framework_in_force().framework.items("models")]


def model_label(key: str) -> str:
    return dict(practice_models()).get(key, key.replace("-", " ").capitalize())


def courses() -> QuerySet[Course]:
    return Course.objects.all()


def get_course(pk: int) -> Course:
    return get_object_or_404(Course, pk=pk)


def get_session(pk: int) -> CourseSession:
    return get_object_or_404(CourseSession.objects.select_related("course"), pk=pk)


def visible_people(user: User) -> QuerySet[User]:
    """The people whose training record the user may read: members of the teams in their scope
    (everyone, for roles that see every team)."""
    if policy.scope_for(user) is policy.Scope.EVERYTHING:
        return User.objects.all()
    return User.objects.filter(memberships__team__in=readable_teams(user)).distinct()


def session_attendance(user: User, session: CourseSession) -> QuerySet[Attendance]:
    return (
        session.attendance.filter(worker__in=visible_people(user))
        .select_related("worker")
        .order_by("worker__full_name", "pk")
    )


def attendance_candidates() -> QuerySet[User]:
    """Who may be recorded at a session: active members of any team."""
    return (
        User.objects.filter(is_active=True, memberships__isnull=False)
        .distinct()
        .order_by("full_name", "pk")
    )


@dataclass(frozen=True)
class CoverageCell:
    course: Course
    attended: int
    members: int

    @property
    def text(self) -> str:
        return share_text(self.attended, self.members, decimals=0)

    @property
    def gap(self) -> bool:
        return self.members > 0 and self.attended < self.members


@dataclass
class TeamCoverage:
    team: Team
    members: int
    cells: list[CoverageCell] = field(default_factory=list)

    @property
    def members_text(self) -> str:
        return count_text(self.members)


def core_courses() -> list[Course]:
    return list(Course.objects.filter(core=True).order_by("title", "pk"))


def team_coverage(user: User) -> tuple[list[Course], list[TeamCoverage]]:
    """For each team the user may read, the share of its active members who attended each core
    course (at any session of it). A share is withheld when either count is 1 to 4."""
    core = core_courses()
    teams = list(readable_teams(user).order_by("service__name", "name"))
    members: dict[int, set[int]] = defaultdict(set)
    for team_id, user_id in User.objects.filter(
        is_active=True, memberships__team__in=teams
    ).values_list("memberships__team_id", "pk"):
        members[team_id].add(user_id)
    attended: dict[int, set[int]] = defaultdict(set)
    for course_id, worker_id in Attendance.objects.filter(
        attended=True, session__course__in=core
    ).values_list("session__course_id", "worker_id"):
        attended[course_id].add(worker_id)
    rows = []
    for team in teams:
        people = members[team.pk]
        rows.append(
            TeamCoverage(
                team,
                len(people),
                [CoverageCell(c, len(people & attended[c.pk]), len(people)) for c in core],
            )
        )
    return core, rows


@dataclass(frozen=True)
class ThemeSkills:
    key: str
    label: str
    leads: list[Skill]
    champions: list[Skill]


def skills_matrix() -> list[ThemeSkills]:
    """Each practice theme with its practice leads and champions (themes in the vocabulary's
    order, then any other theme someone leads)."""
    by_theme: dict[str, list[Skill]] = defaultdict(list)
    for skill in Skill.objects.select_related("worker").order_by("worker__full_name", "pk"):
        by_theme[skill.theme].append(skill)
    keys = [t.key for t in vocabulary.themes()]
    keys += sorted(k for k in by_theme if k not in keys)
    return [
        ThemeSkills(
            key,
            vocabulary.label(key),
            [s for s in by_theme[key] if s.role == SkillRole.LEAD],
            [s for s in by_theme[key] if s.role == SkillRole.CHAMPION],
        )
        for key in keys
    ]


def skill_people() -> QuerySet[User]:
    return (
        policy.with_approved_roles(User.objects.filter(is_active=True))
        .order_by("full_name", "pk")
        .filter(~Q(role=Role.ADMINISTRATOR))
    )
