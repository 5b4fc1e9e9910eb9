"""Doing an audit: saving, submitting and locking, new versions, the practitioner's response,
safeguarding concerns, actions, and moderation through to the agreed grade."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from lineofsight.actions.models import ImprovementAction, SourceType
from lineofsight.audits import selectors, services
from lineofsight.audits.grades import Grade, Impact
from lineofsight.audits.models import (
    Audit,
    AuditStatus,
    AuditVersion,
    Moderation,
    ModerationReason,
    ModerationStatus,
    PractitionerResponse,
)
from lineofsight.history.models import ChangeEvent

from . import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def audit(council):
    return factories.team_manager_audit(council, "east")


def _token(audit: Audit) -> str:
    return services.edit_token(services.current_version(audit))


def test_a_draft_saves_partly_and_records_what_changed(audit, council):
    tm = council["users"]["team_manager"]
    inputs = factories.complete_inputs(audit)
    first_q = next(iter(inputs["answers"]))
    services.audit_save(
        actor=tm,
        audit=audit,
        token=_token(audit),
        answers={first_q: services.AnswerInput("no", "No plan on file")},
        sections={},
        overall_grade=None,
        overall_rationale="",
        impact="",
        impact_rationale="",
    )
    audit.refresh_from_db()
    assert audit.status == AuditStatus.IN_PROGRESS
    version = services.current_version(audit)
    assert version.revision == 1
    assert version.answers.get().value == "no"
    event = ChangeEvent.objects.get(action="audit_save")
    assert any(k.endswith("answer") and v == [None, "no"] for k, v in event.changes.items())


def test_submitting_needs_every_answer_grade_and_reason(audit, council):
    tm = council["users"]["team_manager"]
    inputs = factories.complete_inputs(audit, answer="partly")
    q = next(iter(inputs["answers"]))
    inputs["answers"][q] = services.AnswerInput("partly", "")
    inputs["overall_rationale"] = ""
    with pytest.raises(services.AuditIncomplete) as caught:
        services.audit_save(actor=tm, audit=audit, token=_token(audit), submit=True, **inputs)
    fields = [f for f, _ in caught.value.missing]
    assert f"e{q}" in fields and "overall_rationale" in fields
    assert services.current_version(audit).revision == 0  # nothing saved


def test_submitting_locks_and_a_change_opens_a_new_version_keeping_both(audit, council):
    tm = council["users"]["team_manager"]
    factories.submit(audit, tm, grade=Grade.GOOD)
    audit.refresh_from_db()
    assert audit.status == AuditStatus.SUBMITTED
    assert audit.overall_grade == audit.final_grade == Grade.GOOD
    with pytest.raises(services.AuditEditConflict):
        services.audit_save(actor=tm, audit=audit, token="1.0", **factories.complete_inputs(audit))
    with pytest.raises(services.AuditLocked):
        services.audit_save(
            actor=tm, audit=audit, token=_token(audit), **factories.complete_inputs(audit)
        )

    with pytest.raises(services.AuditError, match="Say why"):
        services.audit_reopen(actor=tm, audit=audit, reason="")
    v2 = services.audit_reopen(actor=tm, audit=audit, reason="The plan was found later")
    assert v2.number == 2 and v2.reason_for_change == "The plan was found later"
    assert v2.answers.count() == AuditVersion.objects.get(audit=audit, number=1).answers.count()
    factories.submit(audit, tm, grade=Grade.REQUIRES_IMPROVEMENT)
    audit.refresh_from_db()
    v1 = AuditVersion.objects.get(audit=audit, number=1)
    assert v1.overall_grade == Grade.GOOD and v1.is_locked and not v1.is_current_submission
    v2.refresh_from_db()
    assert v2.overall_grade == Grade.REQUIRES_IMPROVEMENT and v2.is_current_submission
    assert audit.final_grade == Grade.REQUIRES_IMPROVEMENT
    assert [v.number for v in selectors.audit_versions(audit)] == [1, 2]
    assert ChangeEvent.objects.filter(action="audit_reopen").exists()


def test_the_second_of_two_saves_from_the_same_revision_is_refused_and_changes_nothing(
    audit, council
):
    tm, qa = council["users"]["team_manager"], council["users"]["qa_lead"]
    token = _token(audit)  # both opened the form at the same time
    mine = factories.complete_inputs(audit, answer="yes")
    theirs = factories.complete_inputs(audit, answer="no")
    services.audit_save(actor=tm, audit=audit, token=token, **mine)
    with pytest.raises(services.AuditEditConflict) as caught:
        services.audit_save(actor=qa, audit=audit, token=token, **theirs)
    assert caught.value.saved_by == tm
    assert "Team manager Person saved this audit" in str(caught.value)
    version = services.current_version(audit)
    assert set(version.answers.values_list("value", flat=True)) == {"yes"}
    assert version.last_saved_by == tm


def test_the_practitioner_is_invited_on_submission_and_responds(audit, council):
    practitioner = council["users"]["practitioner"]  # professional id P-1, the case's worker
    assert not selectors.can_respond(practitioner, audit)
    factories.submit(audit, council["users"]["team_manager"])
    audit.refresh_from_db()
    response = PractitionerResponse.objects.get(audit=audit)
    assert response.practitioner == practitioner and response.responded_at is None
    assert selectors.can_respond(practitioner, audit)
    assert not selectors.can_respond(council["users"]["team_manager"], audit)
    services.practitioner_respond(
        actor=practitioner,
        audit=audit,
        agreement="partly",
        comments="The plan was updated after the audit.",
        will_do="Update the chronology.",
    )
    response.refresh_from_db()
    assert response.agreement == "partly" and response.version_number == 1
    qa = council["users"]["qa_lead"]
    with pytest.raises(services.AuditError):
        services.practitioner_respond(
            actor=qa, audit=audit, agreement="agree", comments="", will_do=""
        )


# Safeguarding concerns raised from an audit: lineofsight/concerns/tests/.


def test_actions_for_the_case_use_the_shared_improvement_action(audit, council):
    action = services.audit_action_create(
        actor=council["users"]["team_manager"],
        audit=audit,
        issue="No chronology",
        action="Write an impact chronology",
        owner=council["users"]["practitioner"],
        due_date=timezone.localdate() + datetime.timedelta(days=14),
    )
    assert action.source_type == SourceType.AUDIT and action.source_id == str(audit.pk)
    assert action.person_id == audit.person_id and action.team == audit.team
    assert ImprovementAction.objects.count() == 1


def _submitted_programme(council, grades: list[int]):
    qa, tm = council["users"]["qa_lead"], council["users"]["team_manager"]
    programme = factories.programme(qa, moderation_rate=20)
    audits = factories.submitted(programme, council["teams"]["west"], tm, grades)
    return programme, audits


def test_moderation_always_takes_extreme_grades_and_grades_blind(council):
    qa, tm = council["users"]["qa_lead"], council["users"]["team_manager"]
    grades = [Grade.OUTSTANDING, Grade.INADEQUATE] + [Grade.GOOD] * 8
    programme, audits = _submitted_programme(council, grades)
    draw = services.moderation_draw(actor=qa, programme=programme, seed=11)
    moderations = list(Moderation.objects.filter(draw=draw))
    reasons = {m.audit_id: m.reason for m in moderations}
    assert reasons[audits[0].pk] == reasons[audits[1].pk] == ModerationReason.EXTREME_GRADE
    assert len(moderations) == 2  # 20% of 10 is 2: the two extremes
    assert all(m.moderator == qa for m in moderations)  # the QA lead is the moderator pool
    with pytest.raises(services.AuditError, match="No submitted audit"):
        services.moderation_draw(actor=qa, programme=programme, seed=12)

    m = next(m for m in moderations if m.audit_id == audits[0].pk)
    assert selectors.grades_hidden_for(qa, m.audit)
    with pytest.raises(services.AuditError, match="submit their own grade first"):
        services.moderation_agree(actor=qa, moderation=m, grade=Grade.GOOD, rationale="x")
    sections = {s.pk: Grade.GOOD for s in programme.tool_version.sections.all()}
    with pytest.raises(services.AuditError, match="allocated moderator"):
        services.moderation_grade(
            actor=tm, moderation=m, section_grades=sections, grade=Grade.GOOD, rationale="x"
        )
    services.moderation_grade(
        actor=qa,
        moderation=m,
        section_grades=sections,
        grade=Grade.GOOD,
        rationale="Strong, but impact not yet shown.",
    )
    m.refresh_from_db()
    assert m.status == ModerationStatus.GRADED
    assert not selectors.grades_hidden_for(qa, m.audit)
    services.moderation_agree(
        actor=qa, moderation=m, grade=Grade.GOOD, rationale="Agreed with the auditor."
    )
    audit = Audit.objects.get(pk=audits[0].pk)
    assert audit.overall_grade == Grade.OUTSTANDING and audit.final_grade == Grade.GOOD


def test_moderation_needs_a_rate(council):
    qa = council["users"]["qa_lead"]
    programme, _ = _submitted_programme(council, [Grade.GOOD])
    programme.moderation_rate = None
    programme.save(update_fields=["moderation_rate"])
    with pytest.raises(services.AuditError, match="rate"):
        services.moderation_draw(actor=qa, programme=programme)
    services.programme_set_moderation_rate(actor=qa, programme=programme, rate=100)
    draw = services.moderation_draw(actor=qa, programme=programme, seed=1)
    assert draw.moderations.count() == 1


def test_impact_is_judged_separately_from_the_grade(audit, council):
    inputs = factories.complete_inputs(audit, grade=Grade.GOOD)
    inputs["impact"] = Impact.NONE
    services.audit_save(
        actor=council["users"]["team_manager"],
        audit=audit,
        token=_token(audit),
        submit=True,
        **inputs,
    )
    audit.refresh_from_db()
    assert audit.final_grade == Grade.GOOD and audit.impact == Impact.NONE
