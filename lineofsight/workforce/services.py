"""Every write to the workforce records. Keyword-only, in a transaction, with change history.

The views check who may see a record (selectors.get_*_for_user); these services refuse what is
wrong whoever asks: a change by someone who may not manage the record, a worker enrolled twice or
outside the team, a stage the programme does not have, a save over someone else's newer one.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from lineofsight.accounts.edits import VersionedEdit
from lineofsight.accounts.models import Role, Team, User
from lineofsight.framework import vocabulary
from lineofsight.history.services import record_creation, record_removal
from lineofsight.web.errors import EditConflict, ServiceError

from . import programme as programmes
from . import selectors
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

ENROLMENT_FIELDS = ("worker_id", "team_id", "start_date", "assessor_id", "completed_on", "left_on")
STAGE_FIELDS = ("enrolment_id", "stage", "done_on", "note", "outcome")
COURSE_FIELDS = ("title", "summary", "themes", "practice_models", "core")
SESSION_FIELDS = ("course_id", "held_on", "place")
ATTENDANCE_FIELDS = ("session_id", "worker_id", "attended")
SKILL_FIELDS = ("worker_id", "theme", "role")


class WorkforceError(ServiceError):
    """A change that cannot be made; the message says why, for the person making it."""


class ChangedMeanwhile(WorkforceError, EditConflict):
    """Someone else saved the record after this person opened it."""

    title = "Someone else saved this record"

    def __init__(self, current) -> None:
        who = getattr(current, "updated_by", None) or getattr(current, "recorded_by", None)
        super().__init__(
            f"{who.full_name if who else 'Someone else'} saved this record after you opened it. "
            "Your changes have not been saved: they are still in the form below. Check what is "
            "there now, then save again.",
            current=current,
            saved_by=who,
        )


_ENROLMENT_EDIT = VersionedEdit(
    Enrolment,
    ENROLMENT_FIELDS,
    "enrolment_update",
    ChangedMeanwhile,
    related=("worker", "team", "assessor", "updated_by"),
)
_STAGE_EDIT = VersionedEdit(StageRecord, STAGE_FIELDS, "stage_update", ChangedMeanwhile)
_COURSE_EDIT = VersionedEdit(Course, COURSE_FIELDS, "course_update", ChangedMeanwhile)
_ATTENDANCE_EDIT = VersionedEdit(
    Attendance,
    ATTENDANCE_FIELDS,
    "attendance_update",
    ChangedMeanwhile,
    related=("worker", "recorded_by"),
    stamped=False,
)


def _require_team(actor: User, team: Team) -> None:
    if not selectors.manageable_teams(actor).filter(pk=team.pk).exists():
        raise PermissionDenied("You may not manage early careers records for this team.")


def _require_learning(actor: User) -> None:
    if not selectors.may_manage_learning(actor):
        raise PermissionDenied("You may not manage the council's learning and development.")


# -- early careers ---------------------------------------------------------------------------


def _check_people(*, worker: User, team: Team, assessor: User) -> None:
    if not worker.is_active:
        raise WorkforceError(f"{worker.full_name} can no longer sign in.", field="worker")
    if not worker.memberships.filter(team=team).exists():
        raise WorkforceError(
            f"{worker.full_name} is not a member of {team.name}: choose their team.", field="team"
        )
    if not assessor.is_active:
        raise WorkforceError(f"{assessor.full_name} can no longer sign in.", field="assessor")
    if assessor.pk == worker.pk:
        raise WorkforceError("A worker cannot be their own assessor.", field="assessor")


@transaction.atomic
def enrolment_create(
    *, actor: User, worker: User, team: Team, start_date: datetime.date, assessor: User
) -> Enrolment:
    """Enrol a newly qualified social worker in the early careers programme."""
    _require_team(actor, team)
    _check_people(worker=worker, team=team, assessor=assessor)
    if Enrolment.objects.filter(worker=worker).exists():
        raise WorkforceError(
            f"{worker.full_name} is already in the early careers programme.", field="worker"
        )
    if start_date > timezone.localdate() + datetime.timedelta(days=366):
        raise WorkforceError("The start date must be within the next year.", field="start_date")
    enrolment = Enrolment.objects.create(
        worker=worker, team=team, start_date=start_date, assessor=assessor, created_by=actor
    )
    record_creation(actor=actor, action="enrolment_create", obj=enrolment, fields=ENROLMENT_FIELDS)
    return enrolment


@transaction.atomic
def enrolment_update(
    *,
    actor: User,
    enrolment: Enrolment,
    expected_version: int,
    start_date: datetime.date,
    assessor: User,
    left_on: datetime.date | None = None,
) -> Enrolment:
    """Change the start date or assessor, or record the day the worker left the council."""
    _require_team(actor, enrolment.team)
    # The worker may have left (this records when); a new assessor must be able to sign in.
    if assessor.pk != enrolment.assessor_id and not assessor.is_active:
        raise WorkforceError(f"{assessor.full_name} can no longer sign in.", field="assessor")
    if assessor.pk == enrolment.worker_id:
        raise WorkforceError("A worker cannot be their own assessor.", field="assessor")
    if left_on is not None and left_on < start_date:
        raise WorkforceError("The day they left must be after the start date.", field="left_on")
    return _ENROLMENT_EDIT.save(
        enrolment.pk,
        actor=actor,
        expected_version=expected_version,
        values={"start_date": start_date, "assessor": assessor, "left_on": left_on},
    )


def _completed_on(stage: programmes.Stage, outcome: str, done_on: datetime.date):
    return done_on if stage.key == programmes.FINAL_PANEL and outcome == PanelOutcome.PASS else None


@transaction.atomic
def stage_record(
    *,
    actor: User,
    enrolment: Enrolment,
    stage: str,
    done_on: datetime.date,
    note: str = "",
    outcome: str = "",
    expected_version: int = 0,
) -> StageRecord:
    """Record a stage of the programme as done (or change the record: `expected_version` is the
    version the form was loaded with, 0 for a stage not yet recorded). The final panel's outcome
    is needed; a pass completes the programme on the panel's date."""
    _require_team(actor, enrolment.team)
    found = programmes.programme().stage(stage)
    if found is None:
        raise WorkforceError("The programme has no such stage.", field="stage")
    outcome = (outcome or "").strip()
    if found.outcomes and outcome not in found.outcomes:
        raise WorkforceError(f"Choose the outcome of the {found.label.lower()}.", field="outcome")
    if not found.outcomes and outcome:
        raise WorkforceError(f"The {found.label.lower()} has no outcome.", field="outcome")
    if done_on > timezone.localdate():
        raise WorkforceError("The date it was done cannot be in the future.", field="done_on")
    if done_on < enrolment.start_date:
        raise WorkforceError(
            "The date it was done must be on or after the start date.", field="done_on"
        )
    values = {"done_on": done_on, "note": note.strip(), "outcome": outcome}
    existing = StageRecord.objects.filter(enrolment=enrolment, stage=found.key).first()
    if existing is None:
        if expected_version:
            raise ChangedMeanwhile(enrolment)
        record = StageRecord.objects.create(
            enrolment=enrolment, stage=found.key, recorded_by=actor, **values
        )
        record_creation(actor=actor, action="stage_record", obj=record, fields=STAGE_FIELDS)
    else:
        record = _STAGE_EDIT.save(
            existing.pk, actor=actor, expected_version=expected_version, values=values
        )
    completed = _completed_on(found, outcome, done_on)
    if found.key == programmes.FINAL_PANEL and completed != enrolment.completed_on:
        fresh = Enrolment.objects.get(pk=enrolment.pk)
        _ENROLMENT_EDIT.save(
            enrolment.pk,
            actor=actor,
            expected_version=fresh.version,
            values={"completed_on": completed},
        )
    return record


# -- learning and development ----------------------------------------------------------------


def _course_values(
    *, title: str, summary: str, themes: Iterable[str], practice_models: Iterable[str], core: bool
) -> dict:
    if not title.strip():
        raise WorkforceError("Enter the title of the course.", field="title")
    known_themes = {t.key for t in vocabulary.themes()}
    theme_keys = list(dict.fromkeys(themes))
    if set(theme_keys) - known_themes:
        raise WorkforceError("Choose practice themes from the list.", field="themes")
    known_models = {key for key, _ in selectors.practice_models()}
    model_keys = list(dict.fromkeys(practice_models))
    if set(model_keys) - known_models:
        raise WorkforceError("Choose practice models from the list.", field="practice_models")
    return {
        "title": title.strip(),
        "summary": summary.strip(),
        "themes": theme_keys,
        "practice_models": model_keys,
        "core": bool(core),
    }


@transaction.atomic
def course_create(
    *,
    actor: User,
    title: str,
    summary: str = "",
    themes: Iterable[str] = (),
    practice_models: Iterable[str] = (),
    core: bool = False,
) -> Course:
    _require_learning(actor)
    values = _course_values(
        title=title, summary=summary, themes=themes, practice_models=practice_models, core=core
    )
    course = Course.objects.create(created_by=actor, **values)
    record_creation(actor=actor, action="course_create", obj=course, fields=COURSE_FIELDS)
    return course


@transaction.atomic
def course_update(
    *,
    actor: User,
    course: Course,
    expected_version: int,
    title: str,
    summary: str,
    themes: Iterable[str],
    practice_models: Iterable[str],
    core: bool,
) -> Course:
    _require_learning(actor)
    values = _course_values(
        title=title, summary=summary, themes=themes, practice_models=practice_models, core=core
    )
    return _COURSE_EDIT.save(
        course.pk, actor=actor, expected_version=expected_version, values=values
    )


@transaction.atomic
def session_create(
    *, actor: User, course: Course, held_on: datetime.date, place: str = ""
) -> CourseSession:
    _require_learning(actor)
    session = CourseSession.objects.create(
        course=course, held_on=held_on, place=place.strip(), created_by=actor
    )
    record_creation(actor=actor, action="course_session_create", obj=session, fields=SESSION_FIELDS)
    return session


@transaction.atomic
def attendance_record(
    *,
    actor: User,
    session: CourseSession,
    worker: User,
    attended: bool,
    expected_version: int = 0,
) -> Attendance:
    """Record whether a worker attended a session; recording them again changes the record
    (`expected_version` as the form had it, 0 for someone not yet recorded)."""
    _require_learning(actor)
    if not worker.memberships.exists():
        raise WorkforceError(f"{worker.full_name} is not a member of a team.", field="worker")
    if attended and session.held_on > timezone.localdate():
        raise WorkforceError(
            "The session has not been held yet, so no one has attended it.", field="attended"
        )
    existing = Attendance.objects.filter(session=session, worker=worker).first()
    if existing is None:
        if expected_version:
            raise ChangedMeanwhile(session)
        item = Attendance.objects.create(
            session=session, worker=worker, attended=attended, recorded_by=actor
        )
        record_creation(actor=actor, action="attendance_record", obj=item, fields=ATTENDANCE_FIELDS)
        return item
    return _ATTENDANCE_EDIT.save(
        existing.pk,
        actor=actor,
        expected_version=expected_version or existing.version,
        values={"attended": attended, "recorded_by": actor},
    )


@transaction.atomic
def skill_add(*, actor: User, worker: User, theme: str, role: str) -> Skill:
    """Name a worker as a practice lead or champion for a practice theme."""
    _require_learning(actor)
    if theme not in {t.key for t in vocabulary.themes()}:
        raise WorkforceError("Choose a practice theme from the list.", field="theme")
    if role not in SkillRole.values:
        raise WorkforceError("Choose practice lead or champion.", field="role")
    if not worker.is_active or worker.role == Role.ADMINISTRATOR:
        raise WorkforceError(
            f"{worker.full_name} cannot lead or champion a practice theme.", field="worker"
        )
    if Skill.objects.filter(worker=worker, theme=theme).exists():
        raise WorkforceError(
            f"{worker.full_name} is already named for {vocabulary.label(theme)}.", field="worker"
        )
    skill = Skill.objects.create(worker=worker, theme=theme, role=role, created_by=actor)
    record_creation(actor=actor, action="skill_add", obj=skill, fields=SKILL_FIELDS)
    return skill


@transaction.atomic
def skill_remove(*, actor: User, skill: Skill) -> None:
    _require_learning(actor)
    record_removal(actor=actor, action="skill_remove", obj=skill, fields=SKILL_FIELDS)
    skill.delete()
