"""Audit programmes: creating one, drawing its sample, adding files by hand."""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from lineofsight.accounts import policy
from lineofsight.accounts.models import Team, User
from lineofsight.casework import store
from lineofsight.casework.models import Snapshot
from lineofsight.history.models import ChangeEvent
from lineofsight.history.services import capture, record_change, record_creation
from lineofsight.web.dates import add_months

from .. import casefiles, sampling
from ..grades import Cohort
from ..models import (
    Audit,
    AuditProgramme,
    AuditToolVersion,
    ProgrammeStatus,
    SampleMode,
    Selection,
    default_auditor_roles,
    default_moderator_roles,
)
from .allocation import choose_auditors
from .errors import AuditError

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
    auditor_roles = list(auditor_roles or default_auditor_roles())
    if any(r and not policy.role_can(r, policy.Capability.VIEW_CASEWORK) for r in auditor_roles):
        raise AuditError("Auditors must come from roles that may see children's records.")
    moderator_roles = list(moderator_roles or default_moderator_roles())
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
    record_creation(
        actor=actor, action="audit_programme_create", obj=programme, fields=PROGRAMME_FIELDS
    )
    return programme


def recently_audited(months: int, today: datetime.date | None = None) -> set[str]:
    """Children whose files have been in an audit started in the last `months` months."""
    if months <= 0:
        return set()
    since = add_months(today or timezone.localdate(), -months)
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
        unallocated = choose_auditors(programme, audits)
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
        choose_auditors(programme, [audit])
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
