"""Programmes and audits made directly, for tests that are not about sampling."""

from __future__ import annotations

import datetime

from django.utils import timezone

from lineofsight.accounts.models import Team, User
from lineofsight.actions.models import ImprovementAction
from lineofsight.audits import services
from lineofsight.audits.grades import Grade, Impact
from lineofsight.audits.models import (
    Audit,
    AuditProgramme,
    AuditToolVersion,
    AuditVersion,
    Moderation,
    ModerationDraw,
    ModerationReason,
    ProgrammeStatus,
    SampleMode,
    Selection,
)


def tool(key: str = "golden-threads") -> AuditToolVersion:
    if not AuditToolVersion.objects.filter(tool__key=key).exists():
        services.audit_tools_load()
    return AuditToolVersion.objects.get(tool__key=key, version=1)


def programme(qa_lead: User, *, tool_key: str = "golden-threads", **fields) -> AuditProgramme:
    today = timezone.localdate()
    defaults = {
        "name": "Quarterly audit",
        "period_start": today - datetime.timedelta(days=30),
        "period_end": today + datetime.timedelta(days=60),
        "sample_mode": SampleMode.COUNT,
        "sample_count": 2,
        "created_by": qa_lead,
        "status": ProgrammeStatus.SAMPLED,
        "drawn_at": timezone.now(),
        "drawn_by": qa_lead,
        "seed": 1,
    }
    defaults.update(fields)
    if "tool_version" not in defaults:
        defaults["tool_version"] = tool(tool_key)
    return AuditProgramme.objects.create(**defaults)


def audit(
    programme: AuditProgramme,
    *,
    person_id: str = "W001",
    team: Team | None = None,
    auditor: User | None = None,
    worker_id: str = "P-1",
    cohort: str = "cin",
    due_in_days: int = 14,
) -> Audit:
    item = Audit.objects.create(
        programme=programme,
        person_id=person_id,
        cohort=cohort,
        case_team_id=team.case_system_id if team else "",
        team=team,
        worker_id=worker_id,
        selection=Selection.SAMPLED,
        auditor=auditor,
        allocated_at=timezone.now() if auditor else None,
        due_date=timezone.localdate() + datetime.timedelta(days=due_in_days),
    )
    AuditVersion.objects.create(audit=item, number=1)
    return item


def complete_inputs(audit: Audit, *, answer: str = "yes", grade: int = Grade.GOOD) -> dict:
    """Keyword arguments for services.audit_save that make a complete audit."""
    tv = audit.programme.tool_version
    answers, sections = {}, {}
    for section in tv.sections.all():
        for q in section.questions.all():
            answers[q.pk] = services.AnswerInput(answer, f"Evidence for {q.key}")
        sections[section.pk] = services.SectionInput(grade, "")
    return {
        "answers": answers,
        "sections": sections,
        "overall_grade": grade,
        "overall_rationale": "Consistent strengths across the file.",
        "impact": Impact.SOME,
        "impact_rationale": "The child is seen regularly and is safer.",
    }


def submit(audit: Audit, actor: User, **kwargs) -> AuditVersion:
    version = services.current_version(audit)
    return services.audit_save(
        actor=actor,
        audit=audit,
        token=services.edit_token(version),
        submit=True,
        **complete_inputs(audit, **kwargs),
    )


def submitted(
    programme: AuditProgramme,
    team: Team,
    auditor: User,
    grades: list[int],
    *,
    prefix: str = "W",
) -> list[Audit]:
    """One audit a grade, of children <prefix>000, <prefix>001, ..., submitted by the auditor."""
    made = []
    for i, grade in enumerate(grades):
        item = audit(programme, person_id=f"{prefix}{i:03d}", team=team, auditor=auditor)
        submit(item, auditor, grade=grade)
        made.append(item)
    return made


def draw(programme: AuditProgramme, drawn_by: User, **fields) -> ModerationDraw:
    """A moderation draw of 10% (seed 1) that considered one audit, unless `fields` say else."""
    fields = {"rate": 10, "seed": 1, "considered": 1, "always_included": 0, **fields}
    return ModerationDraw.objects.create(programme=programme, drawn_by=drawn_by, **fields)


def moderation(
    audit: Audit,
    draw: ModerationDraw,
    moderator: User,
    *,
    auditor: User | None = None,
    auditor_grade: int | None = None,
    reason: str = ModerationReason.SAMPLED,
    **fields,
) -> Moderation:
    """A moderation of the audit's first version; the auditor and their grade are the audit's
    unless given."""
    return Moderation.objects.create(
        audit=audit,
        draw=draw,
        reason=reason,
        audited_version=1,
        auditor=audit.auditor if auditor is None else auditor,
        auditor_grade=audit.overall_grade if auditor_grade is None else auditor_grade,
        moderator=moderator,
        **fields,
    )


def team_manager_audit(council: dict, team: str) -> Audit:
    """An audit in a fresh programme of a file in `team`, allocated to the team manager."""
    return audit(
        programme(council["users"]["qa_lead"]),
        team=council["teams"][team],
        auditor=council["users"]["team_manager"],
    )


def audit_action(audit: Audit, actor: User, owner: User, **fields) -> ImprovementAction:
    """An improvement action raised from the audit about its child and team, due in 10 days;
    `fields` (services.audit_action_create's arguments) over these."""
    values = {
        "issue": "The plan is not reviewed.",
        "action": "Review the plan with the family.",
        "due_date": timezone.localdate() + datetime.timedelta(days=10),
        **fields,
    }
    return services.audit_action_create(actor=actor, audit=audit, owner=owner, **values)
