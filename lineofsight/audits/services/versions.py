"""Doing an audit: saving and submitting a version, and reopening a submitted one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypedDict, Unpack

from django.db import transaction
from django.utils import timezone

from lineofsight.accounts.models import User
from lineofsight.casework import store
from lineofsight.history.services import capture, record_change
from lineofsight.web.locking import version_take

from ..grades import Grade, Impact
from ..models import (
    Answer,
    Audit,
    AuditStatus,
    AuditToolVersion,
    AuditVersion,
    Moderation,
    SectionGrade,
    ToolQuestion,
    ToolSection,
    VersionStatus,
)
from .errors import AuditEditConflict, AuditError, AuditIncomplete, AuditLocked
from .practitioners import invite_practitioner


@dataclass(frozen=True)
class AnswerInput:
    value: str
    evidence: str


@dataclass(frozen=True)
class SectionInput:
    grade: int | None
    note: str


class AuditWork(TypedDict):
    """What the auditor gives in one save of the audit form."""

    answers: dict[int, AnswerInput]
    sections: dict[int, SectionInput]
    overall_grade: int | None
    overall_rationale: str
    impact: str
    impact_rationale: str


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


def _version_take(version: AuditVersion, token: str) -> AuditVersion:
    """The one optimistic lock (web.locking), on the version's revision. The token also names
    the version it was issued for, so a form from before a new version was opened is refused."""

    def conflict(now: AuditVersion) -> AuditEditConflict:
        return AuditEditConflict(
            now.last_saved_by, now.last_saved_at, current=now, token=edit_token(now)
        )

    number, _, revision = token.partition(".")
    if number != str(version.number) or not revision.isdigit():
        raise conflict(version)
    return version_take(
        AuditVersion,
        version.pk,
        expected_version=int(revision),
        conflict=conflict,
        field="revision",
    )


def missing_for_submission(tool: AuditToolVersion, work: AuditWork) -> list[tuple[str, str]]:
    """What must be filled in before submitting, as (form field, message). Evidence is needed
    for every answer except the first (best) answer on the scale."""
    best = tool.answer_scale[0]["value"] if tool.answer_scale else ""
    answers, sections = work["answers"], work["sections"]
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
    if work["overall_grade"] is None:
        missing.append(("overall_grade", "Select the overall grade"))
    if not work["overall_rationale"].strip():
        missing.append(("overall_rationale", "Explain the overall grade"))
    if not work["impact"]:
        missing.append(("impact", "Judge the impact on the child"))
    if not work["impact_rationale"].strip():
        missing.append(("impact_rationale", "Explain the judgement of impact on the child"))
    return missing


def audit_save(
    *, actor: User, audit: Audit, token: str, submit: bool = False, **work: Unpack[AuditWork]
) -> AuditVersion:
    """Save the auditor's work on the current version; with `submit`, lock it.

    Refused, changing nothing, if someone saved the version after `token` was issued
    (AuditEditConflict), if it has been submitted (AuditLocked), or, when submitting, if it is
    incomplete (AuditIncomplete).
    """
    answers, overall_grade, impact = work["answers"], work["overall_grade"], work["impact"]
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
        version, _ = AuditVersion.objects.get_or_create(
            audit=locked_audit, number=locked_audit.current_version
        )
        version = _version_take(version, token)
        if version.is_locked:
            raise AuditLocked("This version has been submitted and is locked.")
        if submit:
            missing = missing_for_submission(tool, work)
            if missing:
                raise AuditIncomplete(missing)
        before: dict = {}
        after: dict = {}
        _save_answers(version, tool, answers, before, after)
        _save_section_grades(version, tool, work["sections"], before, after)
        top = ("overall_grade", "overall_rationale", "impact", "impact_rationale")
        before.update(capture(version, top))
        version.overall_grade, version.impact = overall_grade, impact
        version.overall_rationale = work["overall_rationale"].strip()
        version.impact_rationale = work["impact_rationale"].strip()
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
            invite_practitioner(actor=actor, audit=locked_audit, version=version)
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
