"""Moderation: the rate, the draw, blind grading and the agreed grade."""

from __future__ import annotations

import secrets
from collections import Counter

from django.db import transaction
from django.utils import timezone

from lineofsight.accounts import policy
from lineofsight.accounts.models import User
from lineofsight.history.services import capture, record_change, record_set

from .. import sampling
from ..grades import Grade
from ..models import (
    Audit,
    AuditProgramme,
    AuditStatus,
    AuditVersion,
    Moderation,
    ModerationDraw,
    ModerationReason,
    ModerationStatus,
)
from .allocation import worker_pool
from .errors import AuditError
from .recording import save_recorded


@transaction.atomic
def programme_set_moderation_rate(
    *, actor: User, programme: AuditProgramme, rate: int
) -> AuditProgramme:
    policy.require(actor, policy.Capability.MANAGE_AUDIT_PROGRAMMES)
    if not 0 < rate <= 100:
        raise AuditError("The moderation rate must be from 1 to 100 percent.")
    locked = AuditProgramme.objects.select_for_update().get(pk=programme.pk)
    save_recorded(actor=actor, obj=locked, action="audit_programme_set_rate", moderation_rate=rate)
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
    workers = worker_pool(programme.moderator_roles, loads)
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
        record_set(actor=actor, action="audit_moderation_allocate", obj=m, field="moderator_id")


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
    save_recorded(actor=actor, obj=audit, action="audit_moderation_agree", final_grade=grade)
    return locked
