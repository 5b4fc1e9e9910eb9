"""Test data for line of sight: golden threads audits with chosen answers to the questions of
the example framework's standard "Children are seen and heard"."""

from __future__ import annotations

import datetime

from django.utils import timezone

from lineofsight.audits import services as audit_services
from lineofsight.audits.models import AuditVersion
from lineofsight.audits.tests import factories

# The example framework's "Children are seen and heard" is tested by the golden threads tool's
# child's voice section: four questions, in this order.
STANDARD = "visits"
VOICE = ("seen", "wishes-feelings", "direct-work", "shaped-decisions")


def voice_audit(council, person_id: str, team: str, answers: tuple[str, ...], days_ago: int = 0):
    """A golden threads audit submitted `days_ago` days ago: "yes" to every question, except the
    child's voice questions, answered `answers` in order."""
    qa = council["users"]["qa_lead"]
    made = factories.audit(
        factories.programme(qa), person_id=person_id, team=council["teams"][team], auditor=qa
    )
    inputs = factories.complete_inputs(made)
    for question in made.programme.tool_version.sections.get(key="childs-voice").questions.all():
        value = answers[VOICE.index(question.key)]
        inputs["answers"][question.pk] = audit_services.AnswerInput(value, "Evidence.")
    version = audit_services.current_version(made)
    audit_services.audit_save(
        actor=qa, audit=made, token=audit_services.edit_token(version), submit=True, **inputs
    )
    if days_ago:
        AuditVersion.objects.filter(audit=made).update(
            submitted_at=timezone.now() - datetime.timedelta(days=days_ago)
        )
    return made
