"""Every write of the audits app. Keyword-only, typed, in a transaction, with change history.

Errors a user can cause raise `AuditError` (or a subclass) with a message for that user, and
change nothing. Who may do what is checked here as well as in the views, because these are the
only way in.
"""

from __future__ import annotations

import datetime
import secrets
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from lineofsight.accounts import policy
from lineofsight.accounts.models import Role, Team, User
from lineofsight.actions import services as action_services
from lineofsight.actions.models import ImprovementAction, Priority, SourceType
from lineofsight.casework import store
from lineofsight.casework.models import Snapshot
from lineofsight.history.models import ChangeEvent
from lineofsight.history.services import capture, record_change

from . import casefiles, sampling, toolspec
from .grades import Cohort, Grade, Impact
from .models import (
    Agreement,
    Answer,
    Audit,
    AuditProgramme,
    AuditStatus,
    AuditTool,
    AuditToolVersion,
    AuditVersion,
    Moderation,
    ModerationDraw,
    ModerationReason,
    ModerationStatus,
    PractitionerResponse,
    ProgrammeStatus,
    SampleMode,
    SectionGrade,
    Selection,
    ToolQuestion,
    ToolSection,
    VersionStatus,
)


class AuditError(ValueError):
    """Something the user asked for cannot be done; the message says why."""


class AuditLocked(AuditError):
    """The version has been submitted: it can only be changed by opening a new version."""


class AuditIncomplete(AuditError):
    """Submission refused: `missing` lists (form field, message) for each gap."""

    def __init__(self, missing: list[tuple[str, str]]) -> None:
        self.missing = missing
        super().__init__("The audit cannot be submitted until it is complete.")


class AuditEditConflict(AuditError):
    """Someone else saved the audit after this form was loaded."""

    def __init__(self, saved_by: User | None, saved_at: datetime.datetime | None) -> None:
        self.saved_by = saved_by
        self.saved_at = saved_at
        who = saved_by.full_name if saved_by else "Someone else"
        when = (
            f" at {timezone.localtime(saved_at):%H:%M on %d/%m/%Y}" if saved_at is not None else ""
        )
        super().__init__(
            f"{who} saved this audit{when}, after you opened it. Your changes have not been "
            "saved: they are still in the form below. Check what they changed, then save again."
        )


# -- tools -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ToolLoadResult:
    key: str
    version: int
    outcome: str  # created, unchanged, replaced
    source: str


def _tool_in_use(version: AuditToolVersion) -> bool:
    return version.programmes.exists()


@transaction.atomic
def audit_tools_load(
    *, actor: User | None = None, paths: list[Path] | None = None
) -> list[ToolLoadResult]:
    """Load tool versions from YAML (default: the tools shipped with Line of Sight).

    All files are checked before anything is stored; a version that a programme uses is never
    changed: a changed file must give a new version number.
    """
    specs = toolspec.read_files(paths or [toolspec.DEFAULT_TOOLS_DIR])
    results: list[ToolLoadResult] = []
    problems: list[str] = []
    for spec in specs:
        tool, _ = AuditTool.objects.get_or_create(key=spec.key, defaults={"name": spec.name})
        existing = AuditToolVersion.objects.filter(tool=tool, version=spec.version).first()
        if existing is not None and existing.content_hash == spec.content_hash:
            results.append(ToolLoadResult(spec.key, spec.version, "unchanged", spec.source))
            continue
        if existing is not None and _tool_in_use(existing):
            problems.append(
                f"{spec.source}: version {spec.version} of {spec.name!r} is used by an audit "
                f"programme, so it cannot change. Give the changed tool version "
                f"{spec.version + 1} (or higher) instead."
            )
            continue
        outcome = "created"
        if existing is not None:
            existing.sections.all().delete()
            existing.delete()
            outcome = "replaced"
        version = AuditToolVersion.objects.create(
            tool=tool,
            version=spec.version,
            name=spec.name,
            summary=spec.summary,
            answer_scale=list(spec.answer_scale),
            overall_descriptors=spec.overall_descriptors,
            content_hash=spec.content_hash,
            source_file=spec.source,
        )
        for s_order, s in enumerate(spec.sections, start=1):
            section = ToolSection.objects.create(
                tool_version=version,
                key=s.key,
                order=s_order,
                title=s.title,
                guidance=s.guidance,
                descriptors=s.descriptors,
            )
            ToolQuestion.objects.bulk_create(
                ToolQuestion(
                    section=section,
                    key=q.key,
                    order=q_order,
                    text=q.text,
                    guidance=q.guidance,
                    evidence_prompt=q.evidence_prompt,
                )
                for q_order, q in enumerate(s.questions, start=1)
            )
        latest = tool.versions.order_by("-version").first()
        if latest is not None and tool.name != latest.name:
            tool.name = latest.name
            tool.save(update_fields=["name"])
        record_change(
            actor=actor,
            action=f"audit_tool_{outcome}",
            obj=version,
            before={"content_hash": None if outcome == "created" else "(previous)"},
            after={"content_hash": spec.content_hash},
        )
        results.append(ToolLoadResult(spec.key, spec.version, outcome, spec.source))
    if problems:
        raise toolspec.ToolSpecError("audit tools", problems)
    return results


# -- programmes --------------------------------------------------------------------------------

PROGRAMME_FIELDS = (
    "name",
    "period_start",
    "period_end",
    "tool_version_id",
    "cohorts",
    "sample_mode",
    "sample_count",
    "sample_share",
    "exclude_recent_months",
    "excluded_person_ids",
    "exclusion_reason",
    "auditor_roles",
    "moderator_roles",
    "audit_due_days",
    "safeguarding_response_hours",
    "moderation_rate",
    "status",
)
DRAW_FIELDS = (
    "seed",
    "snapshot_id",
    "snapshot_content_hash",
    "sample_source",
    "population",
    "status",
    "drawn_at",
)


@transaction.atomic
def programme_create(
    *,
    actor: User,
    name: str,
    period_start: datetime.date,
    period_end: datetime.date,
    tool_version: AuditToolVersion,
    sample_mode: str,
    sample_count: int | None = None,
    sample_share: int | None = None,
    cohorts: list[str] | None = None,
    teams: list[Team] | None = None,
    exclude_recent_months: int = 12,
    excluded_person_ids: list[str] | None = None,
    exclusion_reason: str = "",
    auditor_roles: list[str] | None = None,
    moderator_roles: list[str] | None = None,
    audit_due_days: int = 28,
    safeguarding_response_hours: int = 24,
) -> AuditProgramme:
    policy.require(actor, policy.Capability.MANAGE_AUDIT_PROGRAMMES)
    if period_end < period_start:
        raise AuditError("The programme must end on or after the day it starts.")
    if sample_mode == SampleMode.COUNT and not sample_count:
        raise AuditError("Enter how many files to audit in each team.")
    if sample_mode == SampleMode.SHARE and not (sample_share and 0 < sample_share <= 100):
        raise AuditError("Enter the share of each team's files to audit, from 1 to 100 percent.")
    if sample_mode not in SampleMode.values:
        raise AuditError(f"Unknown way of sizing the sample: {sample_mode!r}")
    cohorts = list(cohorts or Cohort.values)
    if not cohorts or set(cohorts) - set(Cohort.values):
        raise AuditError("Choose at least one cohort.")
    auditor_roles = list(auditor_roles or [Role.TEAM_MANAGER, Role.SERVICE_MANAGER, Role.QA_LEAD])
    if set(auditor_roles) - set(Role.values) - {""} or Role.ADMINISTRATOR in auditor_roles:
        raise AuditError("Auditors must come from roles that may see children's records.")
    moderator_roles = list(moderator_roles or [Role.QA_LEAD])
    if not tool_version.is_active:
        raise AuditError(f"{tool_version} has been withdrawn; choose a current tool.")
    programme = AuditProgramme.objects.create(
        name=name.strip(),
        period_start=period_start,
        period_end=period_end,
        tool_version=tool_version,
        cohorts=[c for c in Cohort.values if c in cohorts],
        sample_mode=sample_mode,
        sample_count=sample_count if sample_mode == SampleMode.COUNT else None,
        sample_share=sample_share if sample_mode == SampleMode.SHARE else None,
        exclude_recent_months=exclude_recent_months,
        excluded_person_ids=sorted({p.strip() for p in excluded_person_ids or [] if p.strip()}),
        exclusion_reason=exclusion_reason.strip(),
        auditor_roles=auditor_roles,
        moderator_roles=moderator_roles,
        audit_due_days=audit_due_days,
        safeguarding_response_hours=safeguarding_response_hours,
        created_by=actor,
    )
    if teams:
        programme.teams.set(teams)
    record_change(
        actor=actor,
        action="audit_programme_create",
        obj=programme,
        before=capture(None, PROGRAMME_FIELDS),
    )
    return programme


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def recently_audited(months: int, today: datetime.date | None = None) -> set[str]:
    """Children whose files have been in an audit started in the last `months` months."""
    if months <= 0:
        return set()
    since = _add_months(today or timezone.localdate(), -months)
    return set(
        Audit.objects.filter(created_at__date__gte=since).values_list("person_id", flat=True)
    )


def _sample_rule(programme: AuditProgramme, team_ids: set[str] | None) -> sampling.SampleRule:
    excluded: dict[str, str] = {}
    for person in recently_audited(programme.exclude_recent_months):
        excluded[person] = f"audited in the last {programme.exclude_recent_months} months"
    listed_reason = programme.exclusion_reason or "excluded by the quality assurance lead"
    for person in programme.excluded_person_ids:
        excluded.setdefault(person, listed_reason)
    return sampling.SampleRule(
        mode=programme.sample_mode,
        count=programme.sample_count,
        share=programme.sample_share,
        cohorts=frozenset(programme.cohorts),
        teams=team_ids,
        excluded=excluded,
    )


def _workers(roles: list[str], loads: Counter) -> list[sampling.Worker]:
    """Everyone in the pool, with the teams whose files they may not take."""
    users = (
        policy.with_approved_roles(User.objects.filter(is_active=True, role__in=roles))
        .exclude(role=Role.ADMINISTRATOR)
        .prefetch_related("memberships")
        .order_by("pk")
    )
    service_teams: dict[int, frozenset[int]] = {}
    for team_id, service_id in Team.objects.values_list("pk", "service_id"):
        service_teams[service_id] = service_teams.get(service_id, frozenset()) | {team_id}
    workers = []
    for user in users:
        conflicts = {m.team_id for m in user.memberships.all()}
        # A service manager manages every team in their service: none of them is independent.
        if user.role == Role.SERVICE_MANAGER and user.service_id:
            conflicts |= service_teams.get(user.service_id, frozenset())
        workers.append(
            sampling.Worker(
                user_id=user.pk,
                conflicts=frozenset(conflicts),
                professional_id=user.professional_id,
                load=loads.get(user.pk, 0),
            )
        )
    return workers


def _auditor_loads(programme: AuditProgramme) -> Counter:
    rows = (
        Audit.objects.filter(programme=programme, auditor__isnull=False)
        .values("auditor")
        .annotate(n=Count("id"))
    )
    return Counter({r["auditor"]: r["n"] for r in rows})


def _choose_auditors(programme: AuditProgramme, audits: list[Audit]) -> int:
    """Give each (not yet saved) audit an auditor from outside the file's team, and its due
    date. Returns how many could be given nobody."""
    workers = _workers(programme.auditor_roles, _auditor_loads(programme))
    jobs = [
        sampling.Job(key=i, team_id=a.team_id, worker_id=a.worker_id) for i, a in enumerate(audits)
    ]
    chosen = sampling.allocate(jobs, workers)
    now = timezone.now()
    due = timezone.localdate() + datetime.timedelta(days=programme.audit_due_days)
    unallocated = 0
    for i, audit in enumerate(audits):
        if chosen.get(i) is None:
            unallocated += 1
            continue
        audit.auditor_id, audit.allocated_at, audit.due_date = chosen[i], now, due
    return unallocated


def _record_new_audits(*, actor: User | None, audits: list[Audit], action: str) -> None:
    """History for many new audits at once. The rows are what record_change would write, in one
    INSERT: a draw creates hundreds of audits, and one INSERT each would dominate its time."""
    actor = actor if getattr(actor, "pk", None) else None
    ChangeEvent.objects.bulk_create(
        [
            ChangeEvent(
                actor=actor,
                action=action,
                object_type=Audit._meta.label_lower,
                object_id=str(a.pk),
                object_repr=str(a)[:200],
                changes={
                    "person_id": [None, a.person_id],
                    "auditor_id": [None, a.auditor_id],
                    "due_date": [None, a.due_date.isoformat() if a.due_date else None],
                },
            )
            for a in audits
        ],
        batch_size=500,
    )


@dataclass(frozen=True)
class DrawResult:
    programme: AuditProgramme
    drawn: int
    unallocated: int


def _teams_by_case_system_id() -> dict[str, Team]:
    return {t.case_system_id: t for t in Team.objects.exclude(case_system_id="")}


def programme_draw_sample(
    *,
    actor: User,
    programme: AuditProgramme,
    seed: int | None = None,
    snapshot: Snapshot | None = None,
) -> DrawResult:
    """Draw the programme's sample from the current snapshot and allocate auditors. Once only:
    a drawn sample is never drawn again, so nobody can draw until they like the result."""
    policy.require(actor, policy.Capability.MANAGE_AUDIT_PROGRAMMES)
    snapshot = snapshot or store.current_snapshot()
    if snapshot is None:
        raise AuditError("There is no casework snapshot to sample from: import the data first.")
    try:
        cases, source, snapshot_teams = casefiles.open_cases_and_teams(snapshot)
    except casefiles.CaseDataUnavailable as exc:
        raise AuditError(str(exc)) from exc
    if seed is None:
        seed = secrets.randbelow(2**31)
    with transaction.atomic():
        programme = AuditProgramme.objects.select_for_update().get(pk=programme.pk)
        if programme.drawn_at is not None:
            raise AuditError(
                f"The sample for this programme was drawn on "
                f"{timezone.localtime(programme.drawn_at):%d/%m/%Y}. It cannot be drawn again; "
                "add files by hand, with a reason, instead."
            )
        teams = _teams_by_case_system_id()
        chosen_teams = list(programme.teams.all())
        team_ids = {t.case_system_id for t in chosen_teams} if chosen_teams else None
        sample = sampling.draw(cases, _sample_rule(programme, team_ids), seed)
        names = {**snapshot_teams, **{k: t.name for k, t in teams.items()}}
        before = capture(programme, DRAW_FIELDS)
        now = timezone.now()
        audits = [
            Audit(
                programme=programme,
                person_id=case.person_id,
                cohort=case.cohort,
                case_team_id=case.team_id,
                team=teams.get(case.team_id),
                worker_id=case.worker_id,
                selection=Selection.SAMPLED,
                snapshot=snapshot,
                created_at=now,
            )
            for case in sample.drawn
        ]
        unallocated = _choose_auditors(programme, audits)
        # Version 1 of each audit is written when the auditor first saves (current_version).
        audits = Audit.objects.bulk_create(audits, batch_size=500)
        if any(a.pk is None for a in audits):  # a database that cannot return new keys
            audits = list(Audit.objects.filter(programme=programme).order_by("pk"))
        programme.seed = seed
        programme.snapshot = snapshot
        programme.snapshot_content_hash = snapshot.content_hash
        programme.sample_source = source
        programme.population = sample.population
        programme.strata = [
            {
                "team_id": s.team_id,
                "team": names.get(s.team_id, s.team_id or "No team recorded"),
                "cohort": s.cohort,
                "eligible": s.eligible,
                "drawn": s.drawn,
            }
            for s in sample.strata
        ]
        programme.exclusions = {
            "excluded": sample.excluded,
            "out_of_scope": sample.out_of_scope,
        }
        programme.drawn_at = now
        programme.drawn_by = actor
        programme.status = ProgrammeStatus.SAMPLED
        programme.save(
            update_fields=[
                "seed",
                "snapshot",
                "snapshot_content_hash",
                "sample_source",
                "population",
                "strata",
                "exclusions",
                "drawn_at",
                "drawn_by",
                "status",
            ]
        )
        record_change(
            actor=actor, action="audit_programme_draw_sample", obj=programme, before=before
        )
        _record_new_audits(actor=actor, audits=audits, action="audit_draw_and_allocate")
    return DrawResult(programme=programme, drawn=len(audits), unallocated=unallocated)


def programme_add_file(
    *, actor: User, programme: AuditProgramme, person_id: str, reason: str
) -> Audit:
    """Add a file the sample did not draw. The reason is kept with the audit and in history."""
    policy.require(actor, policy.Capability.MANAGE_AUDIT_PROGRAMMES)
    person_id, reason = person_id.strip(), reason.strip()
    if not reason:
        raise AuditError("Say why this file is being added by hand.")
    programme = AuditProgramme.objects.get(pk=programme.pk)
    if programme.drawn_at is None:
        raise AuditError("Draw the sample first; then add any other files by hand.")
    snapshot = store.current_snapshot() or programme.snapshot
    if snapshot is None:
        raise AuditError("There is no casework snapshot to find the child in.")
    try:
        case = casefiles.find_open_case(snapshot, person_id)
    except casefiles.CaseDataUnavailable as exc:
        raise AuditError(str(exc)) from exc
    if case is None:
        raise AuditError(
            f"Child {person_id} has no open case in the casework snapshot of "
            f"{snapshot.as_at:%d/%m/%Y}. Check the person ID."
        )
    if case.cohort not in programme.cohorts:
        raise AuditError(
            f"Child {person_id} is open as {Cohort(case.cohort).label.lower()}, a cohort this "
            "programme does not cover."
        )
    with transaction.atomic():
        AuditProgramme.objects.select_for_update().get(pk=programme.pk)
        if Audit.objects.filter(programme=programme, person_id=person_id).exists():
            raise AuditError(f"Child {person_id}'s file is already in this programme.")
        audit = Audit(
            programme=programme,
            person_id=person_id,
            cohort=case.cohort,
            case_team_id=case.team_id,
            team=_teams_by_case_system_id().get(case.team_id),
            worker_id=case.worker_id,
            selection=Selection.ADDED,
            added_reason=reason,
            added_by=actor,
            snapshot=snapshot,
        )
        _choose_auditors(programme, [audit])
        audit.save()
        record_change(
            actor=actor,
            action="audit_add_by_hand",
            obj=audit,
            before={"person_id": None, "added_reason": None, "auditor_id": None},
            after={"person_id": person_id, "added_reason": reason, "auditor_id": audit.auditor_id},
        )
    audit.refresh_from_db()
    return audit


@transaction.atomic
def audit_reassign(*, actor: User, audit: Audit, auditor: User) -> Audit:
    """Give an audit to someone else (the QA lead's decision), still never to the file's team."""
    policy.require(actor, policy.Capability.MANAGE_AUDIT_PROGRAMMES)
    locked = Audit.objects.select_for_update().get(pk=audit.pk)
    if locked.status == AuditStatus.SUBMITTED:
        raise AuditError("A submitted audit keeps its auditor.")
    worker = next((w for w in _workers([auditor.role], Counter()) if w.user_id == auditor.pk), None)
    job = sampling.Job(key=locked.pk, team_id=locked.team_id, worker_id=locked.worker_id)
    if worker is None or not sampling.eligible(job, worker):
        raise AuditError(
            f"{auditor.full_name} cannot audit this file: it belongs to their own team or "
            "service, or to their own caseload."
        )
    before = capture(locked, ("auditor_id", "due_date"))
    locked.auditor = auditor
    locked.allocated_at = timezone.now()
    if locked.due_date is None:
        locked.due_date = timezone.localdate() + datetime.timedelta(
            days=locked.programme.audit_due_days
        )
    locked.save(update_fields=["auditor", "allocated_at", "due_date"])
    record_change(actor=actor, action="audit_reassign", obj=locked, before=before)
    return locked


# -- doing an audit ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerInput:
    value: str
    evidence: str


@dataclass(frozen=True)
class SectionInput:
    grade: int | None
    note: str


def current_version(audit: Audit) -> AuditVersion:
    """The version being worked on. Until the auditor first saves, it is not yet written: an
    unsaved, empty version 1 (a sample of hundreds writes no rows nobody has touched)."""
    version = (
        AuditVersion.objects.select_related("last_saved_by")
        .filter(audit=audit, number=audit.current_version)
        .first()
    )
    return version or AuditVersion(audit=audit, number=audit.current_version)


def edit_token(version: AuditVersion) -> str:
    """What the form carries back: which version it edits, and at which revision."""
    return f"{version.number}.{version.revision}"


def missing_for_submission(
    tool: AuditToolVersion,
    answers: dict[int, AnswerInput],
    sections: dict[int, SectionInput],
    overall_grade: int | None,
    overall_rationale: str,
    impact: str,
    impact_rationale: str,
) -> list[tuple[str, str]]:
    """What must be filled in before submitting, as (form field, message). Evidence is needed
    for every answer except the first (best) answer on the scale."""
    best = tool.answer_scale[0]["value"] if tool.answer_scale else ""
    missing: list[tuple[str, str]] = []
    for section in tool.sections.order_by("order").prefetch_related("questions"):
        for q in sorted(section.questions.all(), key=lambda q: q.order):
            given = answers.get(q.pk)
            if not given or not given.value:
                missing.append((f"q{q.pk}", f"Answer the question: {q.text}"))
            elif given.value != best and not given.evidence.strip():
                missing.append((f"e{q.pk}", f"Give the evidence for your answer to: {q.text}"))
        if not sections.get(section.pk) or sections[section.pk].grade is None:
            missing.append((f"s{section.pk}", f"Grade the section {section.title}"))
    if overall_grade is None:
        missing.append(("overall_grade", "Select the overall grade"))
    if not overall_rationale.strip():
        missing.append(("overall_rationale", "Explain the overall grade"))
    if not impact:
        missing.append(("impact", "Judge the impact on the child"))
    if not impact_rationale.strip():
        missing.append(("impact_rationale", "Explain the judgement of impact on the child"))
    return missing


def audit_save(
    *,
    actor: User,
    audit: Audit,
    token: str,
    answers: dict[int, AnswerInput],
    sections: dict[int, SectionInput],
    overall_grade: int | None,
    overall_rationale: str,
    impact: str,
    impact_rationale: str,
    submit: bool = False,
) -> AuditVersion:
    """Save the auditor's work on the current version; with `submit`, lock it.

    Refused, changing nothing, if someone saved the version after `token` was issued
    (AuditEditConflict), if it has been submitted (AuditLocked), or, when submitting, if it is
    incomplete (AuditIncomplete).
    """
    tool = audit.programme.tool_version
    scale = {a["value"] for a in tool.answer_scale}
    if any(a.value and a.value not in scale for a in answers.values()):
        raise AuditError("An answer is not on this tool's answer scale.")
    if overall_grade is not None and overall_grade not in Grade.values:
        raise AuditError("Unknown grade.")
    if impact and impact not in Impact.values:
        raise AuditError("Unknown judgement of impact.")
    with transaction.atomic():
        locked_audit = Audit.objects.select_for_update().get(pk=audit.pk)
        # The audit row is locked, so only one save can create the first version.
        version, _ = AuditVersion.objects.select_for_update().get_or_create(
            audit=locked_audit, number=locked_audit.current_version
        )
        if token != edit_token(version):
            raise AuditEditConflict(version.last_saved_by, version.last_saved_at)
        if version.is_locked:
            raise AuditLocked("This version has been submitted and is locked.")
        if submit:
            missing = missing_for_submission(
                tool, answers, sections, overall_grade, overall_rationale, impact, impact_rationale
            )
            if missing:
                raise AuditIncomplete(missing)
        before: dict = {}
        after: dict = {}
        _save_answers(version, tool, answers, before, after)
        _save_section_grades(version, tool, sections, before, after)
        top = ("overall_grade", "overall_rationale", "impact", "impact_rationale")
        before.update(capture(version, top))
        version.overall_grade = overall_grade
        version.overall_rationale = overall_rationale.strip()
        version.impact = impact
        version.impact_rationale = impact_rationale.strip()
        after.update(capture(version, top))
        now = timezone.now()
        version.revision += 1
        version.last_saved_by, version.last_saved_at = actor, now
        fields = [*top, "revision", "last_saved_by", "last_saved_at"]
        audit_fields = ["status"]
        if submit:
            version.status = VersionStatus.SUBMITTED
            version.submitted_by, version.submitted_at = actor, now
            version.context_snapshot = store.current_snapshot()
            version.is_current_submission = True
            fields += ["status", "submitted_by", "submitted_at", "context_snapshot"]
            fields.append("is_current_submission")
            AuditVersion.objects.filter(audit=locked_audit, is_current_submission=True).update(
                is_current_submission=False
            )
            locked_audit.status = AuditStatus.SUBMITTED
            locked_audit.overall_grade = overall_grade
            locked_audit.impact = impact
            locked_audit.final_grade = _final_grade(locked_audit, overall_grade)
            locked_audit.first_submitted_at = locked_audit.first_submitted_at or now
            locked_audit.last_submitted_at = now
            audit_fields += [
                "overall_grade",
                "impact",
                "final_grade",
                "first_submitted_at",
                "last_submitted_at",
            ]
            before["status"], after["status"] = VersionStatus.DRAFT, VersionStatus.SUBMITTED
        else:
            locked_audit.status = AuditStatus.IN_PROGRESS
        version.save(update_fields=fields)
        locked_audit.save(update_fields=audit_fields)
        record_change(
            actor=actor,
            action="audit_submit" if submit else "audit_save",
            obj=version,
            before=before,
            after=after,
        )
        if submit:
            _invite_practitioner(actor=actor, audit=locked_audit, version=version)
    audit.refresh_from_db()
    return version


def _save_answers(
    version: AuditVersion,
    tool: AuditToolVersion,
    answers: dict[int, AnswerInput],
    before: dict,
    after: dict,
) -> None:
    existing = {a.question_id: a for a in version.answers.all()}
    keys = {
        q.pk: f"{q.section.key}.{q.key}"
        for q in ToolQuestion.objects.filter(section__tool_version=tool).select_related("section")
    }
    to_create, to_update = [], []
    for question_id, given in answers.items():
        if question_id not in keys:
            continue
        value, evidence = given.value, given.evidence.strip()
        row = existing.get(question_id)
        old = (row.value, row.evidence) if row else ("", "")
        if old == (value, evidence):
            continue
        key = keys[question_id]
        if old[0] != value:
            before[f"{key} answer"], after[f"{key} answer"] = old[0] or None, value or None
        if old[1] != evidence:
            before[f"{key} evidence"], after[f"{key} evidence"] = old[1] or None, evidence or None
        if row is None:
            to_create.append(
                Answer(version=version, question_id=question_id, value=value, evidence=evidence)
            )
        else:
            row.value, row.evidence = value, evidence
            to_update.append(row)
    Answer.objects.bulk_create(to_create)
    Answer.objects.bulk_update(to_update, ["value", "evidence"])


def _save_section_grades(
    version: AuditVersion,
    tool: AuditToolVersion,
    sections: dict[int, SectionInput],
    before: dict,
    after: dict,
) -> None:
    existing = {g.section_id: g for g in version.section_grades.all()}
    keys = dict(ToolSection.objects.filter(tool_version=tool).values_list("pk", "key"))
    to_create, to_update = [], []
    for section_id, given in sections.items():
        if section_id not in keys:
            continue
        row = existing.get(section_id)
        old = (row.grade, row.note) if row else (None, "")
        new = (given.grade, given.note.strip())
        if old == new:
            continue
        key = keys[section_id]
        if old[0] != new[0]:
            before[f"{key} grade"], after[f"{key} grade"] = old[0], new[0]
        if old[1] != new[1]:
            before[f"{key} note"], after[f"{key} note"] = old[1] or None, new[1] or None
        if row is None:
            to_create.append(
                SectionGrade(version=version, section_id=section_id, grade=new[0], note=new[1])
            )
        else:
            row.grade, row.note = new
            to_update.append(row)
    SectionGrade.objects.bulk_create(to_create)
    SectionGrade.objects.bulk_update(to_update, ["grade", "note"])


def _final_grade(audit: Audit, overall_grade: int | None) -> int | None:
    moderation = Moderation.objects.filter(audit=audit, agreed_grade__isnull=False).first()
    return moderation.agreed_grade if moderation else overall_grade


def practitioner_for(audit: Audit) -> User | None:
    """The Line of Sight user who holds the case, by their id in the case system."""
    if not audit.worker_id:
        return None
    return (
        User.objects.filter(is_active=True, professional_id=audit.worker_id).order_by("pk").first()
    )


def _invite_practitioner(*, actor: User, audit: Audit, version: AuditVersion) -> None:
    practitioner = practitioner_for(audit)
    if practitioner is None:
        return
    _, created = PractitionerResponse.objects.get_or_create(
        audit=audit, defaults={"practitioner": practitioner}
    )
    if created:
        record_change(
            actor=actor,
            action="audit_invite_practitioner",
            obj=audit,
            before={"practitioner_invited": None},
            after={"practitioner_invited": practitioner.full_name},
        )


@transaction.atomic
def audit_reopen(*, actor: User, audit: Audit, reason: str) -> AuditVersion:
    """Change a submitted audit: the submitted version stays as it was; a new draft version
    starts from a copy of it."""
    if not reason.strip():
        raise AuditError("Say why the submitted audit needs to change.")
    locked = Audit.objects.select_for_update().get(pk=audit.pk)
    old = AuditVersion.objects.get(audit=locked, number=locked.current_version)
    if not old.is_locked:
        raise AuditError("This audit is still in draft: change it directly.")
    new = AuditVersion.objects.create(
        audit=locked,
        number=old.number + 1,
        overall_grade=old.overall_grade,
        overall_rationale=old.overall_rationale,
        impact=old.impact,
        impact_rationale=old.impact_rationale,
        reason_for_change=reason.strip(),
        created_by=actor,
    )
    Answer.objects.bulk_create(
        Answer(version=new, question_id=a.question_id, value=a.value, evidence=a.evidence)
        for a in old.answers.all()
    )
    SectionGrade.objects.bulk_create(
        SectionGrade(version=new, section_id=g.section_id, grade=g.grade, note=g.note)
        for g in old.section_grades.all()
    )
    before = capture(locked, ("current_version", "status"))
    locked.current_version = new.number
    locked.status = AuditStatus.IN_PROGRESS
    locked.save(update_fields=["current_version", "status"])
    record_change(
        actor=actor,
        action="audit_reopen",
        obj=locked,
        before={**before, "reason_for_change": None},
        after={**capture(locked, ("current_version", "status")), "reason_for_change": reason},
    )
    audit.refresh_from_db()
    return new


@transaction.atomic
def practitioner_respond(
    *, actor: User, audit: Audit, agreement: str, comments: str, will_do: str
) -> PractitionerResponse:
    if agreement not in Agreement.values:
        raise AuditError("Say whether you agree with the findings.")
    response = PractitionerResponse.objects.select_for_update().filter(audit=audit).first()
    if response is None:
        practitioner = practitioner_for(audit)
        if practitioner is None or practitioner.pk != actor.pk:
            raise AuditError("Only the practitioner who holds the case can respond.")
        response = PractitionerResponse.objects.create(audit=audit, practitioner=actor)
    if response.practitioner_id != actor.pk:
        raise AuditError("Only the practitioner who holds the case can respond.")
    fields = ("agreement", "comments", "will_do", "responded_at", "version_number")
    before = capture(response, fields)
    response.agreement = agreement
    response.comments = comments.strip()
    response.will_do = will_do.strip()
    response.responded_at = timezone.now()
    response.version_number = (
        AuditVersion.objects.filter(audit=audit, is_current_submission=True)
        .values_list("number", flat=True)
        .first()
    )
    response.save(update_fields=list(fields))
    record_change(actor=actor, action="audit_practitioner_respond", obj=response, before=before)
    return response


# Safeguarding concerns are raised and answered in lineofsight/concerns (concern_source.py).


# -- actions -----------------------------------------------------------------------------------


def audit_action_create(
    *,
    actor: User,
    audit: Audit,
    issue: str,
    action: str,
    owner: User,
    due_date: datetime.date,
    priority: str = Priority.MEDIUM,
    risk_if_not_done: str = "",
) -> ImprovementAction:
    """An improvement action for the audited child's case, in the shared actions model."""
    try:
        return action_services.action_create(
            actor=actor,
            source_type=SourceType.AUDIT,
            source_id=audit.pk,
            person_id=audit.person_id,
            team=audit.team,
            issue=issue,
            action=action,
            owner=owner,
            due_date=due_date,
            priority=priority,
            risk_if_not_done=risk_if_not_done,
        )
    except action_services.ActionError as exc:
        raise AuditError(str(exc)) from exc


# -- moderation --------------------------------------------------------------------------------


@transaction.atomic
def programme_set_moderation_rate(
    *, actor: User, programme: AuditProgramme, rate: int
) -> AuditProgramme:
    policy.require(actor, policy.Capability.MANAGE_AUDIT_PROGRAMMES)
    if not 0 < rate <= 100:
        raise AuditError("The moderation rate must be from 1 to 100 percent.")
    locked = AuditProgramme.objects.select_for_update().get(pk=programme.pk)
    before = capture(locked, ("moderation_rate",))
    locked.moderation_rate = rate
    locked.save(update_fields=["moderation_rate"])
    record_change(actor=actor, action="audit_programme_set_rate", obj=locked, before=before)
    return locked


@transaction.atomic
def moderation_draw(
    *, actor: User, programme: AuditProgramme, seed: int | None = None
) -> ModerationDraw:
    """Choose submitted audits for moderation: every Outstanding and Inadequate one, and a
    stratified random share of the rest, to reach the programme's rate. Each audit is
    considered once, in the first draw after it is submitted."""
    policy.require(actor, policy.Capability.MANAGE_AUDIT_PROGRAMMES)
    programme = AuditProgramme.objects.select_for_update().get(pk=programme.pk)
    if not programme.moderation_rate:
        raise AuditError("Set the moderation rate first.")
    candidates = list(
        Audit.objects.filter(
            programme=programme,
            status=AuditStatus.SUBMITTED,
            considered_in_draw__isnull=True,
            moderation__isnull=True,
            overall_grade__isnull=False,
        ).select_related("team")
    )
    if not candidates:
        raise AuditError("No submitted audit is waiting to be considered for moderation.")
    if seed is None:
        seed = secrets.randbelow(2**31)
    sample = sampling.draw_moderation(
        [sampling.Submitted(a.pk, a.case_team_id or "", a.overall_grade) for a in candidates],
        programme.moderation_rate,
        seed,
    )
    by_id = {a.pk: a for a in candidates}
    labels = {a.case_team_id or "": a.team.name if a.team else a.case_team_id for a in candidates}
    draw = ModerationDraw.objects.create(
        programme=programme,
        rate=programme.moderation_rate,
        seed=seed,
        considered=len(candidates),
        always_included=len(sample.always),
        strata=[
            {"team_id": t, "team": labels.get(t) or "No team recorded", "eligible": e, "drawn": d}
            for t, e, d in sample.strata
        ],
        drawn_by=actor,
    )
    Audit.objects.filter(pk__in=by_id).update(considered_in_draw=draw)
    chosen = [(i, ModerationReason.EXTREME_GRADE) for i in sample.always] + [
        (i, ModerationReason.SAMPLED) for i in sample.sampled
    ]
    versions = {
        audit_id: (number, submitted_by)
        for audit_id, number, submitted_by in AuditVersion.objects.filter(
            audit_id__in=by_id, is_current_submission=True
        ).values_list("audit_id", "number", "submitted_by_id")
    }
    moderations = Moderation.objects.bulk_create(
        Moderation(
            audit=by_id[i],
            draw=draw,
            reason=reason,
            audited_version=versions.get(i, (by_id[i].current_version, None))[0],
            # The allocated auditor; if nobody was, whoever submitted it.
            auditor_id=by_id[i].auditor_id or versions.get(i, (0, None))[1] or actor.pk,
            auditor_grade=by_id[i].overall_grade,
        )
        for i, reason in chosen
    )
    if any(m.pk is None for m in moderations):
        moderations = list(Moderation.objects.filter(draw=draw))
    _allocate_moderators(actor=actor, programme=programme, moderations=moderations)
    record_change(
        actor=actor,
        action="audit_moderation_draw",
        obj=draw,
        before={"seed": None, "selected": None},
        after={"seed": seed, "selected": len(chosen)},
    )
    return draw


def _allocate_moderators(
    *, actor: User, programme: AuditProgramme, moderations: list[Moderation]
) -> None:
    loads = Counter(
        Moderation.objects.filter(draw__programme=programme, moderator__isnull=False).values_list(
            "moderator_id", flat=True
        )
    )
    workers = _workers(programme.moderator_roles, loads)
    audits = {a.pk: a for a in Audit.objects.filter(pk__in=[m.audit_id for m in moderations])}
    jobs = [
        sampling.Job(
            key=m.pk,
            team_id=audits[m.audit_id].team_id,
            worker_id=audits[m.audit_id].worker_id,
            excluded_user_ids=frozenset({m.auditor_id}),
        )
        for m in moderations
    ]
    chosen = sampling.allocate(jobs, workers)
    for m in moderations:
        if chosen.get(m.pk) is not None:
            m.moderator_id = chosen[m.pk]
    Moderation.objects.bulk_update(moderations, ["moderator"])
    for m in moderations:
        record_change(
            actor=actor,
            action="audit_moderation_allocate",
            obj=m,
            before={"moderator_id": None},
            after={"moderator_id": m.moderator_id},
        )


@transaction.atomic
def moderation_grade(
    *,
    actor: User,
    moderation: Moderation,
    section_grades: dict[int, int],
    grade: int,
    rationale: str,
) -> Moderation:
    """The moderator's own, blind grade. Once submitted, the auditor's grades are revealed."""
    locked = Moderation.objects.select_for_update().get(pk=moderation.pk)
    if locked.moderator_id != actor.pk:
        raise AuditError("Only the allocated moderator can grade this audit.")
    if locked.status != ModerationStatus.AWAITING:
        raise AuditError("You have already submitted your grade for this audit.")
    if grade not in Grade.values or any(g not in Grade.values for g in section_grades.values()):
        raise AuditError("Choose a grade for each section and overall.")
    if not rationale.strip():
        raise AuditError("Explain your grade.")
    fields = ("moderator_section_grades", "moderator_grade", "moderator_rationale", "status")
    before = capture(locked, fields)
    locked.moderator_section_grades = {str(k): v for k, v in section_grades.items()}
    locked.moderator_grade = grade
    locked.moderator_rationale = rationale.strip()
    locked.status = ModerationStatus.GRADED
    locked.graded_at = timezone.now()
    locked.save(update_fields=[*fields, "graded_at"])
    record_change(actor=actor, action="audit_moderation_grade", obj=locked, before=before)
    return locked


@transaction.atomic
def moderation_agree(
    *, actor: User, moderation: Moderation, grade: int, rationale: str
) -> Moderation:
    """The grade auditor and moderator agree, and why. It becomes the audit's final grade."""
    locked = Moderation.objects.select_for_update().get(pk=moderation.pk)
    may = locked.moderator_id == actor.pk or policy.can(
        actor, policy.Capability.MANAGE_AUDIT_PROGRAMMES
    )
    if not may:
        raise AuditError("Only the moderator or a quality assurance lead can record this.")
    if locked.status == ModerationStatus.AWAITING:
        raise AuditError("The moderator must submit their own grade first.")
    if grade not in Grade.values:
        raise AuditError("Choose the agreed grade.")
    if not rationale.strip():
        raise AuditError("Say why this grade was agreed.")
    fields = ("agreed_grade", "agreed_rationale", "status")
    before = capture(locked, fields)
    locked.agreed_grade = grade
    locked.agreed_rationale = rationale.strip()
    locked.agreed_by = actor
    locked.agreed_at = timezone.now()
    locked.status = ModerationStatus.AGREED
    locked.save(update_fields=[*fields, "agreed_by", "agreed_at"])
    record_change(actor=actor, action="audit_moderation_agree", obj=locked, before=before)
    audit = Audit.objects.select_for_update().get(pk=locked.audit_id)
    audit_before = capture(audit, ("final_grade",))
    audit.final_grade = grade
    audit.save(update_fields=["final_grade"])
    record_change(actor=actor, action="audit_moderation_agree", obj=audit, before=audit_before)
    return locked
