"""Evidence about a theme for the themes tests: a submitted audit, feedback, an action."""

from __future__ import annotations

import datetime

from django.utils import timezone

from lineofsight.actions import services as action_services
from lineofsight.audits.grades import Grade
from lineofsight.audits.tests import factories
from lineofsight.feedback import services as feedback_services
from lineofsight.feedback.models import Channel, FromWhom, Kind

THEME = "voice-of-the-child"


def audit(council, *, person_id: str, team: str, answer: str):
    """An audit by the QA lead, submitted with `answer` to every question, graded good."""
    qa = council["users"]["qa_lead"]
    made = factories.audit(
        factories.programme(qa), person_id=person_id, team=council["teams"][team], auditor=qa
    )
    factories.submit(made, qa, answer=answer, grade=Grade.GOOD)
    made.refresh_from_db()
    return made


def feedback(
    council,
    *,
    team: str = "east",
    text: str = "Nobody asked me what I wanted before the meeting.",
    themes: tuple[str, ...] = (THEME,),
    consent: bool = True,
    by: str = "team_manager",
):
    """A child's complaint about `team`, recorded by the user of role `by`."""
    return feedback_services.feedback_record(
        actor=council["users"][by],
        kind=Kind.COMPLAINT,
        from_whom=FromWhom.CHILD,
        received_on=timezone.localdate(),
        team=council["teams"][team],
        text=text,
        channel=Channel.IN_PERSON,
        themes=list(themes),
        consent_to_share=consent,
    )


def action(
    council,
    *,
    team: str,
    source,
    issue: str,
    action: str = "",
    owner=None,
    themes: tuple[str, ...] = (THEME,),
):
    """An action the QA lead raised from feedback `source`, due in 30 days."""
    qa = council["users"]["qa_lead"]
    return action_services.action_create(
        actor=qa,
        source_type="feedback",
        source_id=source.pk,
        issue=issue,
        action=action or issue,
        owner=owner or qa,
        due_date=timezone.localdate() + datetime.timedelta(days=30),
        team=council["teams"][team],
        themes=list(themes),
    )
